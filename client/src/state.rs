//! Pure reducers: closed, verb-named actions in, new state out. No IO and no framework here.

pub mod account_view;
pub mod accounts;
pub mod list_window;
pub mod pipeline;
pub mod sync_status;
pub mod text_edit;
pub mod today;
