//! The pages' module loaded on demand (`client::later_pages`), in Chromium: a page whose module
//! cannot be loaded says so and opens once the rep tries again. The loader stands in for the
//! split-off module (the real one is exercised by every end-to-end test opening a page).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use client::app::Route;
use client::hooks::I18nProvider;
use client::later_pages::{install, LaterPage, PageRenderer};
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

mod mounting;

thread_local! {
    static ATTEMPTS: Cell<u32> = const { Cell::new(0) };
}

fn shown_page(route: Route) -> Html {
    html! { <p id="page-shown">{ format!("{route:?}") }</p> }
}

/// Fails the first load (as an offline device without the module would), then succeeds.
fn failing_once() -> Pin<Box<dyn Future<Output = Option<PageRenderer>>>> {
    Box::pin(async {
        let attempt = ATTEMPTS.with(|attempts| {
            attempts.set(attempts.get() + 1);
            attempts.get()
        });
        TimeoutFuture::new(20).await;
        (attempt > 1).then_some(shown_page as PageRenderer)
    })
}

#[component]
fn TodayLater() -> Html {
    html! {
        <I18nProvider>
            <LaterPage route={Route::Today} />
        </I18nProvider>
    }
}

/// Polls `find` every 10 ms, for three seconds at most.
async fn eventually(
    what: &str,
    find: impl Fn() -> Option<web_sys::Element>,
) -> Result<web_sys::Element, String> {
    for _ in 0..300 {
        if let Some(found) = find() {
            return Ok(found);
        }
        TimeoutFuture::new(10).await;
    }
    Err(format!("timed out waiting for {what}"))
}

#[wasm_bindgen_test]
async fn a_page_whose_module_cannot_be_loaded_says_so_and_opens_once_tried_again(
) -> Result<(), String> {
    install(failing_once);
    let root = mounting::mounted_root()?;
    yew::Renderer::<TodayLater>::with_root(root.clone()).render();

    let find = |css: &'static str| {
        let root = root.clone();
        move || root.query_selector(css).ok().flatten()
    };
    let retry = eventually("the alert", find("#pages-unavailable button")).await?;
    if find("#page-shown")().is_some() {
        return Err("the page shows although its module was not loaded".into());
    }
    retry
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| "the retry control is not an element")?
        .click();
    let page = eventually("the page", find("#page-shown")).await?;
    if page.text_content().as_deref() != Some("Today") {
        return Err(format!("the page shows {:?}", page.text_content()));
    }
    if find("#pages-unavailable")().is_some() {
        return Err("the alert stays once the page shows".into());
    }
    let attempts = ATTEMPTS.with(Cell::get);
    if attempts != 2 {
        return Err(format!("{attempts} loads, not 2"));
    }
    Ok(())
}
