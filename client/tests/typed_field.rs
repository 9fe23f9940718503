//! A text field saved as the rep types (`client::records::EditableField` with a
//! `TypedText` callback), in Chromium: a keystroke typed while the page's copy of the record
//! has moved on — a read brought another tab's letters and the field's render is still to come
//! — is carried over onto the copy, so the letters that arrived are kept; the field tracks what
//! it holds through inputs and renders alike.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use client::records::typed_text::TypedText;
use client::records::EditableField;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

mod mounting;

thread_local! {
    /// The page's copy of the notes.
    static COPY: RefCell<String> = RefCell::new("abc0de".to_owned());
    /// Renders the field with the copy as it is now.
    static RENDER: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
}

fn copy() -> String {
    COPY.with(|copy| copy.borrow().clone())
}

#[component]
fn Notes() -> Html {
    let shown = use_state(copy);
    {
        let shown = shown.clone();
        RENDER.with(|render| {
            *render.borrow_mut() = Some(Callback::from(move |()| shown.set(copy())));
        });
    }
    let on_input = Callback::from(|typed: TypedText| {
        COPY.with(|copy| {
            let now = copy.borrow().clone();
            *copy.borrow_mut() = typed.onto(&now);
        });
        None
    });
    html! {
        <EditableField id="typed-notes" label="Notes" multiline=true
            value={AttrValue::from((*shown).clone())} {on_input} />
    }
}

fn type_letter(field: &web_sys::HtmlTextAreaElement, letter: &str) -> Result<(), String> {
    field.set_value(&format!("{}{letter}", field.value()));
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init)
        .map_err(|_| "cannot make an input event")?;
    field
        .dispatch_event(&event)
        .map_err(|_| "cannot dispatch the input event")?;
    Ok(())
}

#[wasm_bindgen_test]
async fn a_keystroke_typed_before_the_field_showed_a_read_keeps_what_the_read_brought(
) -> Result<(), String> {
    let root = mounting::mounted_root()?;
    yew::Renderer::<Notes>::with_root(root.clone()).render();
    TimeoutFuture::new(20).await;
    let field = root
        .query_selector("#typed-notes")
        .ok()
        .flatten()
        .ok_or("no field")?
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .map_err(|_| "the field is not a textarea")?;
    if field.value() != "abc0de" {
        return Err(format!("the field shows {:?}", field.value()));
    }

    // Another tab's "fg" reaches the copy; the field is not rendered again yet.
    COPY.with(|copy| copy.borrow_mut().push_str("fg"));
    type_letter(&field, "1")?;
    type_letter(&field, "2")?;
    if copy() != "abc0defg12" {
        return Err(format!(
            "typing on the field's older text gave {:?}, not \"abc0defg12\"",
            copy()
        ));
    }

    // Once rendered, the field shows the copy and the next keystroke is typed on it.
    RENDER.with(|render| render.borrow().as_ref().map(|render| render.emit(())));
    TimeoutFuture::new(20).await;
    if field.value() != "abc0defg12" {
        return Err(format!("the rendered field shows {:?}", field.value()));
    }
    type_letter(&field, "3")?;
    if copy() != "abc0defg123" {
        return Err(format!("the next keystroke gave {:?}", copy()));
    }
    Ok(())
}
