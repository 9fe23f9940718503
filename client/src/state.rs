//! Pure reducers: closed, verb-named actions in, new state out. No IO and no framework here.

pub mod accounts;
pub mod sync_status;
