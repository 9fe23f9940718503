//! Arbitrary bytes through the relay's real ingest path, SQLite included (see
//! `carnet_fuzz::ingest_changes`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| carnet_fuzz::ingest_changes::run(bytes));
