//! Arbitrary bytes through the relay's change validation: refused or accepted, never a crash; and
//! a change it accepts must apply to a document without crashing (devices apply what it relays).
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
});
