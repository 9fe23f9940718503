//! The workspace worker's entry point: serves the page's workspace service from a dedicated Web
//! Worker (wasm32 only; the page starts it, see `client::bridge`).

#[cfg(target_arch = "wasm32")]
fn main() {
    client::bridge::worker::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Carnet workspace worker runs in a browser, started by the app.");
}
