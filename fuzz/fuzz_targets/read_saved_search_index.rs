//! Arbitrary bytes read as a saved search index (see `carnet_fuzz::read_saved_search_index`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| carnet_fuzz::read_saved_search_index::run(bytes));
