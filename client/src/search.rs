//! Search: the search page and its hook over the in-memory `shared::search::SearchIndex`.

#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod use_search;

#[cfg(target_arch = "wasm32")]
pub use page::SearchPage;
#[cfg(target_arch = "wasm32")]
pub use use_search::{use_search, SearchHandle, SearchView};
