//! Presentational components: props and callbacks in, markup out. No storage, no network.

mod account_editor;
mod account_form;
mod account_list;
mod device_list;
mod digest_banner;
mod error_banner;
mod sign_in_form;
mod sync_indicator;
mod update_banner;

pub use account_editor::{AccountEditor, ReportEdit};
pub use account_form::AccountForm;
pub use account_list::AccountList;
pub use device_list::DeviceList;
pub use digest_banner::DigestBanner;
pub use error_banner::ErrorBanner;
pub use sign_in_form::{Credentials, SignInForm};
pub use sync_indicator::{SyncIndicator, SyncTone, UnsyncedWarning};
pub use update_banner::UpdateBanner;
