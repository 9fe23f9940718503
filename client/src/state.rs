//! Pure reducers: closed, verb-named actions in, new state out. No IO and no framework here.

pub mod account_filter;
pub mod account_view;
pub mod accounts;
pub mod contact_view;
pub mod deal_view;
pub mod field_input;
pub mod history_view;
pub mod import_wizard;
pub mod list_window;
pub mod pipeline;
pub mod problem;
pub mod record_view;
pub mod sync_status;
pub mod text_edit;
pub mod today;
