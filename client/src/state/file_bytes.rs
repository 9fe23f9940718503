//! A file's bytes crossing the worker bridge: serialised as bytes (a `Uint8Array` through
//! `serde-wasm-bindgen`), not as a list of numbers, so a backup of many megabytes is copied once
//! rather than turned into millions of JavaScript numbers.

use serde::de::{Error, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The bytes of a file (an export, a backup, a restored backup).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileBytes(pub Vec<u8>);

impl Serialize for FileBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for FileBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = FileBytes;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("the bytes of a file")
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<FileBytes, E> {
        Ok(FileBytes(bytes.to_vec()))
    }

    fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<FileBytes, E> {
        Ok(FileBytes(bytes))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<FileBytes, A::Error> {
        // Formats without bytes (JSON) write a list of numbers.
        let mut bytes = Vec::with_capacity(sequence.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(byte) = sequence.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(FileBytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_bytes_survive_a_format_without_bytes() -> Result<(), serde_json::Error> {
        let bytes = FileBytes(vec![0, 1, 254, 255]);
        let text = serde_json::to_string(&bytes)?;
        assert_eq!(text, "[0,1,254,255]");
        assert_eq!(serde_json::from_str::<FileBytes>(&text)?, bytes);
        Ok(())
    }
}
