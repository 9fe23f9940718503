//! Presentational components: props and callbacks in, markup out. No storage, no network.

mod account_editor;
mod account_form;
mod account_list;
mod error_banner;
mod import_wizard;
mod sign_in_form;
mod sync_indicator;
mod transfer_panel;
mod update_banner;

pub use account_editor::{AccountEditor, ReportEdit};
pub use account_form::AccountForm;
pub use account_list::AccountList;
pub use error_banner::ErrorBanner;
pub use import_wizard::{
    field_label, ImportDuplicates, ImportMapping, ImportProblems, ImportProgress, ImportSummaryView,
};
pub use sign_in_form::{Credentials, SignInForm};
pub use sync_indicator::{SyncIndicator, SyncTone, UnsyncedWarning};
pub use transfer_panel::{CsvExport, TransferPanel};
pub use update_banner::UpdateBanner;
