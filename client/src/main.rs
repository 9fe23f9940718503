//! The client's entry point: renders the app into the page (wasm32 only).

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<client::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Carnet client runs in a browser: build it with `cargo xtask run`.");
}
