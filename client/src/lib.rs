//! Carnet's browser app (Yew, compiled to WebAssembly).
//!
//! `state` holds pure reducers and builds on every target, so it is unit-tested natively. The rest
//! exists only on wasm32: `storage` is the one module that touches IndexedDB, `pages` own data
//! through `hooks`, and `components` only display what they are given. `leader` elects one tab
//! per device and `tabs` carries live messages between tabs.

pub mod i18n;
pub mod session;
pub mod state;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod download;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod leader;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod tabs;
#[cfg(target_arch = "wasm32")]
mod thrown;
