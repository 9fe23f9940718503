//! The manager's dashboard (issue 16): pipeline, deals won and lost, revenue, conversion,
//! activity, rankings, the quarter's forecast, objectives, customers to win back and customers
//! by the lifecycle stage their orders suggest (`lifecycle`, `lifecycle_section`), computed
//! on the device by the workspace worker (`Query::Dashboard`) and drawn here as SVG bar charts,
//! each with its figures as a table. `gathered` (rows to the cockpit's facts), `figures` (the
//! plain data the worker sends) and `chart` (bar geometry) are pure and tested natively; the
//! hook, components and page exist on wasm32 only. Objectives are set by managers and admins
//! here and shown to each rep on their Today page (`ObjectivesBlock`). Segments (saved filters
//! shared through the settings) are counted over the device's accounts and exported as call
//! lists by the worker (`Query::Segments`, `Query::CallList`): `segment_figures` and
//! `segment_input` are pure; `segments_section`, `segment_form` and `use_segments` draw them.

#[cfg(target_arch = "wasm32")]
mod bar_chart;
pub mod chart;
pub mod figures;
pub mod gathered;
pub mod lifecycle;
#[cfg(target_arch = "wasm32")]
mod lifecycle_section;
pub mod objective_input;
#[cfg(target_arch = "wasm32")]
mod objectives;
#[cfg(target_arch = "wasm32")]
mod page;
pub mod segment_figures;
#[cfg(target_arch = "wasm32")]
mod segment_form;
pub mod segment_input;
#[cfg(target_arch = "wasm32")]
mod segments_section;
#[cfg(target_arch = "wasm32")]
mod use_dashboard;
#[cfg(target_arch = "wasm32")]
mod use_segments;

#[cfg(target_arch = "wasm32")]
pub use bar_chart::{BarChart, ChartRow};
#[cfg(target_arch = "wasm32")]
pub use objectives::{ObjectiveForm, ObjectivesBlock, ObjectivesList};
#[cfg(target_arch = "wasm32")]
pub use page::DashboardPage;
#[cfg(target_arch = "wasm32")]
pub use use_dashboard::{use_dashboard, DashboardHandle, DashboardView};
