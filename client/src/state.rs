//! Pure state shared by several features (the problem shown to the rep, the sync status, a
//! file's bytes, what an import or restore stored). No IO
//! and no framework here; each feature keeps its own pure logic in its folder.

pub mod file_bytes;
pub mod problem;
pub mod sync_status;
pub mod transfer_outcome;
