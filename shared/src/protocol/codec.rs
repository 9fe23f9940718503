//! The one encoder and decoder of each side: `[version: u16 little-endian][postcard body]`.
//!
//! Decoding never trusts the input: the size is checked before anything else, postcard never
//! allocates more than the input holds, and every failure is a typed [`DecodeError`].

use super::messages::{
    v1, ClientMessage, ServerMessage, OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION,
};

/// The largest message either side accepts (1 MiB), well under the WebSocket library defaults.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Why bytes are not a message.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer bytes than the version prefix.
    #[error("the message is empty or truncated")]
    Truncated,
    /// Larger than [`MAX_MESSAGE_BYTES`].
    #[error("the message has {0} bytes, over the limit")]
    TooLarge(usize),
    /// A version this build does not speak.
    #[error("protocol version {0} is not supported")]
    UnsupportedVersion(u16),
    /// The body does not decode.
    #[error("the message is malformed: {0}")]
    Malformed(#[from] postcard::Error),
}

/// Why a message cannot be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// The message would exceed [`MAX_MESSAGE_BYTES`]: split the batch.
    #[error("the message would have {0} bytes, over the limit")]
    TooLarge(usize),
    /// Serialisation failed (a bug, not bad input).
    #[error("the message cannot be encoded: {0}")]
    Serialise(#[from] postcard::Error),
}

/// Encodes a device's message in the current protocol version.
pub fn encode_client(message: &ClientMessage) -> Result<Vec<u8>, EncodeError> {
    encode(PROTOCOL_VERSION, message)
}

/// Decodes a device's message; returns the version it was written in.
pub fn decode_client(bytes: &[u8]) -> Result<(u16, ClientMessage), DecodeError> {
    let (version, body) = split(bytes)?;
    // A device's messages are the same in versions 1 and 2; the next version that changes them
    // adds its own arm here.
    let message = postcard::from_bytes(body)?;
    Ok((version, message))
}

/// Encodes a relay message in `version` (the one the device spoke in its hello): a version 1
/// device gets snapshots without summaries, as its build reads them.
pub fn encode_server(version: u16, message: &ServerMessage) -> Result<Vec<u8>, EncodeError> {
    if version == 1 {
        return encode(version, &v1::ServerMessage::from(message.clone()));
    }
    if let (
        2..=4,
        ServerMessage::Snapshots {
            snapshots,
            epoch,
            next,
        },
    ) = (version, message)
    {
        // Their summaries are of an older form: without one, a device folds the bytes itself.
        let without = ServerMessage::Snapshots {
            snapshots: snapshots
                .iter()
                .map(|snapshot| super::messages::DocumentSnapshot {
                    summary: None,
                    ..snapshot.clone()
                })
                .collect(),
            epoch: *epoch,
            next: *next,
        };
        return encode(version, &without);
    }
    if version == 2 {
        // Version 2 reads every message but those version 3 added (the relay's session does not
        // send those to it; should one slip through, it goes as what that build reads).
        if let ServerMessage::Passed { .. }
        | ServerMessage::Forbidden { .. }
        | ServerMessage::Revoked { .. }
        | ServerMessage::Granted { .. }
        | ServerMessage::Reach { .. } = message
        {
            let older: ServerMessage = v1::ServerMessage::from(message.clone()).into();
            return encode(version, &older);
        }
    }
    encode(version, message)
}

/// Decodes a relay message of any supported version.
pub fn decode_server(bytes: &[u8]) -> Result<ServerMessage, DecodeError> {
    let (version, body) = split(bytes)?;
    if version == 1 {
        return Ok(postcard::from_bytes::<v1::ServerMessage>(body)?.into());
    }
    Ok(postcard::from_bytes(body)?)
}

fn encode<T: serde::Serialize>(version: u16, message: &T) -> Result<Vec<u8>, EncodeError> {
    let mut bytes = version.to_le_bytes().to_vec();
    bytes = postcard::to_extend(message, bytes)?;
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(EncodeError::TooLarge(bytes.len()));
    }
    Ok(bytes)
}

fn split(bytes: &[u8]) -> Result<(u16, &[u8]), DecodeError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    let (prefix, body) = bytes
        .split_first_chunk::<2>()
        .ok_or(DecodeError::Truncated)?;
    let version = u16::from_le_bytes(*prefix);
    if !(OLDEST_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&version) {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    Ok((version, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::{
        BatchId, Change, DeviceId, DocumentId, DocumentSnapshot, Hello, Seq,
    };
    use crate::replica::{IndexRow, RecordKind, Summary};
    use proptest::prelude::*;

    /// A page of one three-byte snapshot whose summary lists a deal.
    fn snapshot_page() -> ServerMessage {
        let document = DocumentId(uuid::Uuid::from_u128(0x0102));
        ServerMessage::Snapshots {
            snapshots: vec![DocumentSnapshot {
                document,
                bytes: vec![1, 2, 3],
                summary: Some(Summary {
                    kind: Some(RecordKind::Deal),
                    row: IndexRow::Deal(crate::index::DealIndexRow {
                        id: document.0.to_string(),
                        title: "Renouvellement".to_owned(),
                        search_terms: vec!["renouvellement".to_owned()],
                        heads: vec!["ab".repeat(32)],
                        ..Default::default()
                    }),
                    heads: vec!["ab".repeat(32)],
                }),
            }],
            epoch: Seq(5),
            next: None,
        }
    }

    #[test]
    fn a_snapshot_page_keeps_its_summaries_through_encoding(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let page = snapshot_page();
        assert_eq!(
            decode_server(&encode_server(PROTOCOL_VERSION, &page)?)?,
            page
        );
        Ok(())
    }

    #[test]
    fn a_version_1_device_gets_snapshot_pages_byte_for_byte_as_version_1_wrote_them(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let bytes = encode_server(1, &snapshot_page())?;
        // Version 1, variant 6 (`Snapshots`), one snapshot: its id as 16 bytes, its 3 bytes;
        // epoch 5, no next page. No summary: a version 1 build reads exactly this.
        let mut expected = vec![1, 0, 6, 1, 16];
        expected.extend_from_slice(uuid::Uuid::from_u128(0x0102).as_bytes());
        expected.extend_from_slice(&[3, 1, 2, 3, 5, 0]);
        assert_eq!(bytes, expected);
        let ServerMessage::Snapshots { snapshots, .. } = decode_server(&bytes)? else {
            return Err("not a snapshot page".into());
        };
        assert_eq!(snapshots[0].summary, None);
        assert_eq!(snapshots[0].bytes, vec![1, 2, 3]);
        Ok(())
    }

    #[test]
    fn a_version_4_device_gets_snapshots_without_the_summaries_it_could_not_read(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let ServerMessage::Snapshots { snapshots, .. } =
            decode_server(&encode_server(4, &snapshot_page())?)?
        else {
            return Err("not a snapshot page".into());
        };
        assert_eq!(snapshots[0].summary, None);
        assert_eq!(snapshots[0].bytes, vec![1, 2, 3]);
        Ok(())
    }

    #[test]
    fn a_version_1_hello_is_still_accepted_and_its_version_reported(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let hello = ClientMessage::Hello(Hello {
            ticket: "t".to_owned(),
            device: DeviceId(uuid::Uuid::from_u128(1)),
            cursor: Seq(12),
        });
        let mut bytes = encode_client(&hello)?;
        bytes[..2].copy_from_slice(&1_u16.to_le_bytes());
        assert_eq!(decode_client(&bytes)?, (1, hello));
        Ok(())
    }

    #[test]
    fn a_relay_message_of_a_newer_version_is_a_typed_refusal_not_garbage() {
        let mut bytes = vec![0, 0, 4, 0];
        bytes[..2].copy_from_slice(&(PROTOCOL_VERSION + 1).to_le_bytes());
        assert_eq!(
            decode_server(&bytes),
            Err(DecodeError::UnsupportedVersion(PROTOCOL_VERSION + 1))
        );
    }

    fn push(changes: Vec<Vec<u8>>) -> ClientMessage {
        ClientMessage::Push {
            batch: BatchId(7),
            changes: changes
                .into_iter()
                .map(|bytes| Change {
                    document: DocumentId(uuid::Uuid::from_u128(42)),
                    bytes,
                })
                .collect(),
        }
    }

    #[test]
    fn a_hello_survives_encoding() -> Result<(), Box<dyn std::error::Error>> {
        let hello = ClientMessage::Hello(Hello {
            ticket: "t".to_owned(),
            device: DeviceId(uuid::Uuid::from_u128(1)),
            cursor: Seq(12),
        });
        assert_eq!(
            decode_client(&encode_client(&hello)?)?,
            (PROTOCOL_VERSION, hello)
        );
        Ok(())
    }

    #[test]
    fn a_quota_refusal_survives_encoding_with_its_stable_code(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let refusal = ServerMessage::Error {
            code: crate::protocol::messages::ErrorCode::QuotaExceeded,
            message: "full".to_owned(),
        };
        assert_eq!(
            decode_server(&encode_server(PROTOCOL_VERSION, &refusal)?)?,
            refusal
        );
        assert_eq!(
            crate::protocol::messages::ErrorCode::QuotaExceeded.as_str(),
            "quota_exceeded"
        );
        Ok(())
    }

    #[test]
    fn empty_and_one_byte_messages_are_truncated() {
        assert_eq!(decode_client(&[]), Err(DecodeError::Truncated));
        assert_eq!(decode_server(&[1]), Err(DecodeError::Truncated));
    }

    #[test]
    fn an_unknown_version_is_refused_before_decoding() {
        assert_eq!(
            decode_client(&[99, 0, 0]),
            Err(DecodeError::UnsupportedVersion(99))
        );
    }

    #[test]
    fn oversized_messages_are_refused_both_ways() {
        let huge = push(vec![vec![0; MAX_MESSAGE_BYTES]]);
        assert!(matches!(
            encode_client(&huge),
            Err(EncodeError::TooLarge(_))
        ));
        let bytes = vec![1; MAX_MESSAGE_BYTES + 1];
        assert_eq!(
            decode_client(&bytes),
            Err(DecodeError::TooLarge(MAX_MESSAGE_BYTES + 1))
        );
    }

    #[test]
    fn a_length_prefix_larger_than_the_input_does_not_allocate_it() {
        // Version 1, variant Push, batch 7, then a claim of u32::MAX changes with no bytes after.
        let bytes = [1, 0, 1, 7, 0xff, 0xff, 0xff, 0xff, 0x0f];
        assert!(matches!(
            decode_client(&bytes),
            Err(DecodeError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn garbage_never_panics_the_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _client = decode_client(&bytes);
            let _server = decode_server(&bytes);
        }

        #[test]
        fn every_truncation_of_a_valid_message_is_an_error(
            changes in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..64), 1..4)
        ) {
            let bytes = encode_client(&push(changes)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for end in 0..bytes.len() {
                prop_assert!(decode_client(&bytes[..end]).is_err());
            }
        }
    }
}
