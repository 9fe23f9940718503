//! Presentational components: props and callbacks in, markup out. No storage, no network.

mod account_editor;
mod account_filters;
mod account_form;
mod account_list;
mod activity_timeline;
mod contact_points;
mod device_list;
mod digest_banner;
mod error_banner;
mod history_panel;
mod import_wizard;
mod pipeline_board;
mod record_fields;
mod record_tabs;
mod related_list;
mod sign_in_form;
mod sync_indicator;
mod task_list;
mod today_lists;
mod transfer_panel;
mod update_banner;
mod visit_report_form;

pub use account_editor::{inline_account_paths, stage_label_id, AccountEdit, AccountEditor};
pub use account_filters::AccountFilters;
pub use account_form::AccountForm;
pub use account_list::AccountList;
pub use activity_timeline::{ActivityTimeline, ReportEdit};
pub use contact_points::{ContactPoints, PointEdit};
pub use device_list::DeviceList;
pub use digest_banner::DigestBanner;
pub use error_banner::ErrorBanner;
pub use history_panel::{owner_text, HistoryPanel};
pub use import_wizard::{
    field_label, ImportDuplicates, ImportMapping, ImportProblems, ImportProgress, ImportSummaryView,
};
pub use pipeline_board::{DealMove, PipelineBoard};
pub use record_fields::{
    event_checked, event_value, refusal, today, Choice, ChoiceField, ChoiceOption, ConflictChoices,
    ConflictList, EditableField,
};
pub use record_tabs::RecordTabs;
pub use related_list::{RelatedItem, RelatedList};
pub use sign_in_form::{Credentials, SignInForm};
pub use sync_indicator::{SyncIndicator, SyncTone, UnsyncedWarning};
pub use task_list::{NewTask, TaskList, TaskToggle};
pub use today_lists::{DueTaskList, PlannedVisitList, ReportedVisitList, TaskDone};
pub use transfer_panel::{CsvExport, TransferPanel};
pub use update_banner::UpdateBanner;
pub use visit_report_form::{VisitDraft, VisitReportForm};
