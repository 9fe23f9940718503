//! Today: the rep's day (tasks due, visits to plan in order, reports written), geo check-ins and
//! the visit report form. `day_plan` is pure and tested natively; the rest exists on wasm32 only.

pub mod day_plan;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod today_lists;
#[cfg(target_arch = "wasm32")]
mod use_position;
#[cfg(target_arch = "wasm32")]
mod use_today;
#[cfg(target_arch = "wasm32")]
mod visit_report_form;

#[cfg(target_arch = "wasm32")]
pub use page::TodayPage;
#[cfg(target_arch = "wasm32")]
pub use today_lists::{DueTaskList, PlannedVisitList, ReportedVisitList, TaskDone};
#[cfg(target_arch = "wasm32")]
pub use use_position::{use_position, Position, PositionHandle};
#[cfg(target_arch = "wasm32")]
pub use use_today::{use_today, TodayHandle, TodayView};
#[cfg(target_arch = "wasm32")]
pub use visit_report_form::{VisitDraft, VisitReportForm};
