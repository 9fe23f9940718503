//! Arbitrary bytes through both decoders and, when they decode, through the relay's state machine:
//! nothing may panic, and whatever decodes must re-encode to something that decodes the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::protocol::codec::{decode_client, decode_server, encode_client, encode_server};
use shared::protocol::relay::{RelayEvent, RelaySession};

fuzz_target!(|bytes: &[u8]| {
    if let Ok((version, message)) = decode_client(bytes) {
        if let Ok(again) = encode_client(&message) {
            assert_eq!(
                decode_client(&again).map(|(_, decoded)| decoded),
                Ok(message.clone())
            );
        }
        let mut session = RelaySession::new();
        let _effects = session.handle(RelayEvent::Received(Ok(message)));
        let _version = version;
    }
    if let Ok(message) = decode_server(bytes) {
        if let Ok(again) = encode_server(shared::protocol::PROTOCOL_VERSION, &message) {
            assert_eq!(decode_server(&again), Ok(message));
        }
    }
});
