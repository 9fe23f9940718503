//! Carnet's browser app (Yew, compiled to WebAssembly).
//!
//! Features each have a folder (`accounts`, `records`, `pipeline`, `today`, `search`, `transfer`,
//! `settings`, `sign_in`) holding their pure view logic (built on every target, so tested
//! natively), hooks, components and page, next to their catalogue (`*.ftl`) and stylesheet.
//! Platform code stays in layers and exists only on wasm32: `storage` is the one module that
//! touches IndexedDB, `sync` the only network code, `leader` elects one tab per device and `tabs`
//! carries live messages between tabs; `hooks`, `components` and `state` hold what several
//! features share. `workspace` is the workspace service: its state machine (save queue,
//! invalidation, retries, sign-out, leader hand-over) builds on every target and is tested
//! natively; its effect runner exists only on wasm32 and runs in the workspace worker, which
//! `bridge` starts, talks to and replaces when it dies.

pub mod accounts;
pub mod bridge;
pub mod dashboard;
pub mod i18n;
pub mod pipeline;
pub mod records;
pub mod sales;
pub mod search;
pub mod session;
pub mod settings;
pub mod sign_in;
pub mod state;
pub mod team;
pub mod today;
pub mod transfer;
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
pub mod later_pages;
#[cfg(target_arch = "wasm32")]
pub mod leader;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod tabs;
#[cfg(target_arch = "wasm32")]
mod thrown;
