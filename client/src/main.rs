//! The client's entry point: renders the app into the page (wasm32 only).
//!
//! It also marks where the build splits the UI module: [`pages::split_off`] is the one function
//! whose code (every page but the first screen's) goes into a second module that the browser
//! loads on demand (`client::later_pages`, `xtask/src/split.rs`).

#[cfg(target_arch = "wasm32")]
fn main() {
    client::later_pages::install(pages::load);
    yew::Renderer::<client::app::App>::new().render();
}

#[cfg(target_arch = "wasm32")]
mod pages {
    use std::future::Future;
    use std::pin::Pin;

    use client::later_pages::PageRenderer;

    /// The pages' module could not be loaded (the browser logged why).
    pub(crate) struct Unavailable;

    impl From<wasm_split_helpers::SplitLoaderError> for Unavailable {
        fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
            Self
        }
    }

    /// The split point: everything only this function reaches goes into the pages' module.
    #[wasm_split_helpers::wasm_split(pages, fallible)]
    fn split_off() -> Result<PageRenderer, Unavailable> {
        Ok(client::app::page_of)
    }

    /// Loads the pages' module (once; a failed load is tried again on the next call).
    pub(crate) fn load() -> Pin<Box<dyn Future<Output = Option<PageRenderer>>>> {
        Box::pin(async { split_off().await.ok() })
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Carnet client runs in a browser: build it with `cargo xtask run`.");
}
