//! Presentational components: props and callbacks in, markup out. No storage, no network.

mod account_form;
mod account_list;
mod connection_badge;
mod error_banner;
mod update_banner;

pub use account_form::AccountForm;
pub use account_list::AccountList;
pub use connection_badge::ConnectionBadge;
pub use error_banner::ErrorBanner;
pub use update_banner::UpdateBanner;
