//! Accounts: the list of the rep's book of business (index rows only, windowed, sorted and
//! filtered), its filters and the new-account form. Pure parts (`listing`, `account_filter`,
//! `list_window`) build on every target and are tested natively; the page, hooks and components
//! exist on wasm32 only.

pub mod account_filter;
#[cfg(target_arch = "wasm32")]
mod account_form;
#[cfg(target_arch = "wasm32")]
mod account_list;
#[cfg(target_arch = "wasm32")]
mod filter_controls;
pub mod list_window;
pub mod listing;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod use_account_filter;
#[cfg(target_arch = "wasm32")]
mod use_accounts;

#[cfg(target_arch = "wasm32")]
pub use account_form::AccountForm;
#[cfg(target_arch = "wasm32")]
pub use account_list::AccountList;
#[cfg(target_arch = "wasm32")]
pub use filter_controls::AccountFilters;
#[cfg(target_arch = "wasm32")]
pub use page::AccountsPage;
#[cfg(target_arch = "wasm32")]
pub use use_account_filter::{use_account_filter, AccountFilterHandle};
#[cfg(target_arch = "wasm32")]
pub use use_accounts::{mark, use_accounts, AccountsHandle};
