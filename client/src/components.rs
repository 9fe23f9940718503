//! Presentational components: props and callbacks in, markup out. No storage, no network.

mod account_editor;
mod account_form;
mod account_list;
mod digest_banner;
mod error_banner;
mod pipeline_board;
mod sign_in_form;
mod sync_indicator;
mod today_lists;
mod update_banner;
mod visit_report_form;

pub use account_editor::{AccountEditor, ReportEdit};
pub use account_form::AccountForm;
pub use account_list::AccountList;
pub use digest_banner::DigestBanner;
pub use error_banner::ErrorBanner;
pub use pipeline_board::{DealMove, PipelineBoard};
pub use sign_in_form::{Credentials, SignInForm};
pub use sync_indicator::{SyncIndicator, SyncTone, UnsyncedWarning};
pub use today_lists::{DueTaskList, PlannedVisitList, ReportedVisitList, TaskDone};
pub use update_banner::UpdateBanner;
pub use visit_report_form::{VisitDraft, VisitReportForm};
