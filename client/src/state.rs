//! Pure state shared by several features (the problem shown to the rep, the sync status). No IO
//! and no framework here; each feature keeps its own pure logic in its folder.

pub mod problem;
pub mod sync_status;
