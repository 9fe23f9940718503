//! Pure reducers: closed, verb-named actions in, new state out. No IO and no framework here.

pub mod account_view;
pub mod accounts;
pub mod import_wizard;
pub mod list_window;
pub mod sync_status;
pub mod text_edit;
