//! Arbitrary bytes through both decoders and the relay's state machine (see
//! `carnet_fuzz::decode_messages`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| carnet_fuzz::decode_messages::run(bytes));
