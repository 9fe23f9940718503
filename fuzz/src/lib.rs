//! The bodies of the fuzz targets as plain functions: each `fuzz_target!` in `fuzz_targets/`
//! calls one, and the server's stable test `fuzz_inputs` replays every committed corpus input
//! and past crash through the same function (it includes these files by path).

pub mod decode_messages;
pub mod ingest_changes;
pub mod read_saved_search_index;
