//! `decode_messages`: arbitrary bytes through both decoders and, when they decode, through the
//! relay's state machine. Nothing may panic, and whatever decodes must re-encode to something
//! that decodes the same.

use shared::protocol::codec::{decode_client, decode_server, encode_client, encode_server};
use shared::protocol::relay::{RelayEvent, RelaySession};

/// Runs one input.
pub fn run(bytes: &[u8]) {
    if let Ok((_version, message)) = decode_client(bytes) {
        if let Ok(again) = encode_client(&message) {
            assert_eq!(
                decode_client(&again).map(|(_, decoded)| decoded),
                Ok(message.clone())
            );
        }
        let mut session = RelaySession::new();
        let _effects = session.handle(RelayEvent::Received(Ok(message)));
    }
    if let Ok(message) = decode_server(bytes) {
        if let Ok(again) = encode_server(shared::protocol::PROTOCOL_VERSION, &message) {
            assert_eq!(decode_server(&again), Ok(message));
        }
    }
}
