//! Arbitrary bytes through the relay's change validation and the compactor's document loading:
//! they must be refused or accepted, never crash.
#![no_main]

use automerge::{Automerge, Change};
use libfuzzer_sys::fuzz_target;
use shared::protocol::change::inspect_change;

fuzz_target!(|bytes: &[u8]| {
    if inspect_change(bytes).is_ok() {
        // A change the relay accepts must also fold into a document without panicking.
        if let Ok(change) = Change::try_from(bytes) {
            let mut document = Automerge::new();
            let _applied = document.apply_changes([change]);
            let _saved = document.save();
        }
    }
    let _loaded = Automerge::load(bytes);
});
