//! Automerge's storage chunks, read by our code before Automerge sees them, so that nothing a
//! peer sends is inflated past [`MAX_INFLATED_BYTES`].
//!
//! Automerge inflates DEFLATE streams with no limit: a 1 MiB compressed change can claim a
//! gigabyte. Every chunk starts `[magic: 4][checksum: 4][type: 1][length: LEB128][body]`:
//!
//! - a change (type 1) holds no deflated data (Automerge refuses deflated change columns);
//! - a compressed change (type 2) is a change whose body is one raw DEFLATE stream, and whose
//!   checksum is the uncompressed change's (its hash is computed over the uncompressed form);
//! - a document (type 0) may deflate any of its columns, each on its own;
//! - a bundle (type 3, experimental) is refused: no peer of ours writes one.
//!
//! [`expand_change`] inflates a compressed change here, through a reader that stops at the cap,
//! and rebuilds it as the uncompressed change Automerge would have built (same hash).
//! [`check_inflation`] walks every chunk of stored or received bytes and counts what each would
//! inflate to, without keeping it, before those bytes go to `Automerge::load`. This module never
//! calls Automerge.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;

use flate2::bufread::DeflateDecoder;

use crate::protocol::codec::MAX_MESSAGE_BYTES;

/// The most bytes one chunk may inflate to: a change's body, or a document's deflated columns
/// together. Eight messages' worth: Automerge's columns rarely compress better than 4:1, and a
/// device never pushes a change over one message.
pub const MAX_INFLATED_BYTES: usize = 8 * MAX_MESSAGE_BYTES;

/// Automerge's magic bytes, at the start of every chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The longest chunk header: magic, checksum, type and a 10-byte LEB128 length.
const MAX_HEADER_BYTES: usize = 4 + 4 + 1 + 10;

/// The length of a change hash.
const HASH_BYTES: usize = 32;

/// The bit of a column specification saying its data is deflated.
const DEFLATE_BIT: u64 = 0b1000;

/// How much one read pulls from an inflater.
const READ_BYTES: usize = 16 * 1024;

/// The chunk types, as the header's type byte spells them.
mod kind {
    pub(super) const DOCUMENT: u8 = 0;
    pub(super) const CHANGE: u8 = 1;
    pub(super) const COMPRESSED_CHANGE: u8 = 2;
    // 3, a bundle, is refused everywhere.
}

/// Why bytes were refused before Automerge saw them.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChunkError {
    /// A chunk would inflate past the cap.
    #[error("a chunk would inflate past {limit} bytes")]
    TooLarge {
        /// The cap it hit.
        limit: usize,
    },
    /// A DEFLATE stream is broken.
    #[error("a compressed chunk does not inflate")]
    Corrupt,
    /// A chunk's header or layout does not parse (truncated, bad magic, impossible lengths).
    #[error("the bytes are not Automerge chunks")]
    Malformed,
    /// Not a change (for [`expand_change`]), or a bundle (for [`check_inflation`]).
    #[error("the chunk is of type {0}, refused here")]
    Refused(u8),
}

/// A change's bytes as an uncompressed change chunk: borrowed when they already are one,
/// rebuilt (with the same checksum, so the same hash) when they are a compressed change.
/// Never inflates more than [`MAX_INFLATED_BYTES`].
pub fn expand_change(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ChunkError> {
    expand_change_within(bytes, MAX_INFLATED_BYTES)
}

/// Checks that every chunk of `bytes` (a saved document, incremental chunks, changes, in any
/// concatenation) inflates to at most [`MAX_INFLATED_BYTES`], counting without keeping.
pub fn check_inflation(bytes: &[u8]) -> Result<(), ChunkError> {
    check_inflation_within(bytes, MAX_INFLATED_BYTES).map(drop)
}

/// [`expand_change`] with its cap as a parameter.
pub(crate) fn expand_change_within(bytes: &[u8], cap: usize) -> Result<Cow<'_, [u8]>, ChunkError> {
    let header = Header::read(bytes, 0)?;
    if header.body.end != bytes.len() {
        return Err(ChunkError::Malformed);
    }
    match header.kind {
        kind::CHANGE => Ok(Cow::Borrowed(bytes)),
        kind::COMPRESSED_CHANGE => {
            let deflated = bytes.get(header.body).ok_or(ChunkError::Malformed)?;
            let mut chunk = inflate(DeflateDecoder::new(deflated), cap, MAX_HEADER_BYTES)?;
            let body = chunk.len();
            // The header goes after the body, within the room reserved for it (no reallocation),
            // then rotates to the front in place.
            chunk.extend_from_slice(&MAGIC);
            chunk.extend_from_slice(&header.checksum);
            chunk.push(kind::CHANGE);
            write_leb128(&mut chunk, body as u64);
            let header_length = chunk.len() - body;
            chunk.rotate_right(header_length);
            Ok(Cow::Owned(chunk))
        }
        other => Err(ChunkError::Refused(other)),
    }
}

/// [`check_inflation`] with its cap as a parameter; how many bytes the deflated parts inflate to.
pub(crate) fn check_inflation_within(bytes: &[u8], cap: usize) -> Result<usize, ChunkError> {
    let mut inflated = 0;
    let mut at = 0;
    while at < bytes.len() {
        let header = Header::read(bytes, at)?;
        let body = bytes
            .get(header.body.clone())
            .ok_or(ChunkError::Malformed)?;
        match header.kind {
            kind::DOCUMENT => inflated += check_document(body, cap)?,
            // Automerge refuses a change with deflated columns before inflating any.
            kind::CHANGE => {}
            kind::COMPRESSED_CHANGE => inflated += count_inflated(DeflateDecoder::new(body), cap)?,
            other => return Err(ChunkError::Refused(other)),
        }
        at = header.body.end;
    }
    Ok(inflated)
}

/// Inflates everything `source` yields into a buffer with `room` spare bytes in front, refusing
/// past `cap` bytes. The buffer grows geometrically but never past `cap + room`, and at most
/// `cap + 1` bytes are ever pulled from `source`.
pub(crate) fn inflate(source: impl Read, cap: usize, room: usize) -> Result<Vec<u8>, ChunkError> {
    let mut inflated: Vec<u8> = Vec::new();
    drain(source, cap, |piece| {
        let needed = inflated.len() + piece.len();
        if needed + room > inflated.capacity() {
            let target = (inflated.capacity() * 2).max(needed).min(cap) + room;
            inflated.reserve_exact(target - inflated.len());
        }
        inflated.extend_from_slice(piece);
    })?;
    Ok(inflated)
}

/// How many bytes `source` inflates to, refusing past `cap`; nothing is kept.
pub(crate) fn count_inflated(source: impl Read, cap: usize) -> Result<usize, ChunkError> {
    drain(source, cap, |_piece| {})
}

/// Feeds what `source` yields to `keep`, in pieces, and fails as soon as it passes `cap` bytes:
/// the source is read through a limit of `cap + 1`, so nothing past that is ever inflated.
fn drain(source: impl Read, cap: usize, mut keep: impl FnMut(&[u8])) -> Result<usize, ChunkError> {
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut source = source.take(limit);
    let mut buffer = [0_u8; READ_BYTES];
    let mut total = 0_usize;
    loop {
        let read = match source.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(ChunkError::Corrupt),
        };
        total += read;
        if total > cap {
            return Err(ChunkError::TooLarge { limit: cap });
        }
        keep(&buffer[..read]);
    }
}

/// A document chunk's body: actors, heads, the change and op column metadata, then the column
/// data. Each deflated column is counted; together they may inflate to at most `cap`, which is
/// returned.
fn check_document(body: &[u8], cap: usize) -> Result<usize, ChunkError> {
    let mut reader = Reader { bytes: body, at: 0 };
    let actors = reader.leb128()?;
    for _ in 0..actors {
        let length = reader.leb128()?;
        reader.skip(length)?;
    }
    let heads = reader.leb128()?;
    reader.skip(
        heads
            .checked_mul(HASH_BYTES as u64)
            .ok_or(ChunkError::Malformed)?,
    )?;
    let mut columns = reader.columns()?;
    columns.extend(reader.columns()?);
    let mut budget = cap;
    for (deflated, length) in columns {
        let data = reader.take(length)?;
        if deflated {
            let inflated =
                count_inflated(DeflateDecoder::new(data), budget).map_err(|error| match error {
                    ChunkError::TooLarge { .. } => ChunkError::TooLarge { limit: cap },
                    other => other,
                })?;
            budget -= inflated;
        }
    }
    // What follows (the heads' indices) is never inflated.
    Ok(cap - budget)
}

/// A chunk header: where its body lies in the whole input.
struct Header {
    checksum: [u8; 4],
    kind: u8,
    body: Range<usize>,
}

impl Header {
    /// The header of the chunk starting at `at`, whose body must lie within `bytes`.
    fn read(bytes: &[u8], at: usize) -> Result<Self, ChunkError> {
        let mut reader = Reader { bytes, at };
        if reader.take(4)? != MAGIC {
            return Err(ChunkError::Malformed);
        }
        let checksum = reader
            .take(4)?
            .try_into()
            .map_err(|_| ChunkError::Malformed)?;
        let kind = reader
            .take(1)?
            .first()
            .copied()
            .ok_or(ChunkError::Malformed)?;
        let length = reader.leb128()?;
        let start = reader.at;
        reader.skip(length)?;
        Ok(Self {
            checksum,
            kind,
            body: start..reader.at,
        })
    }
}

/// A cursor over bytes that refuses to read past their end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: u64) -> Result<&'a [u8], ChunkError> {
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| self.at.checked_add(length))
            .ok_or(ChunkError::Malformed)?;
        let taken = self.bytes.get(self.at..end).ok_or(ChunkError::Malformed)?;
        self.at = end;
        Ok(taken)
    }

    fn skip(&mut self, length: u64) -> Result<(), ChunkError> {
        self.take(length).map(drop)
    }

    /// An unsigned LEB128 number, as Automerge reads it (at most ten bytes, none overlong).
    fn leb128(&mut self) -> Result<u64, ChunkError> {
        let mut value: u64 = 0;
        for index in 0..10 {
            let byte = *self.take(1)?.first().ok_or(ChunkError::Malformed)?;
            let bits = u64::from(byte & 0x7f);
            if index == 9 && bits > 1 {
                return Err(ChunkError::Malformed);
            }
            value |= bits << (7 * index);
            if byte & 0x80 == 0 {
                if index > 0 && byte == 0 {
                    return Err(ChunkError::Malformed);
                }
                return Ok(value);
            }
        }
        Err(ChunkError::Malformed)
    }

    /// A column metadata list: whether each column is deflated, and its length.
    fn columns(&mut self) -> Result<Vec<(bool, u64)>, ChunkError> {
        let count = self.leb128()?;
        let mut columns = Vec::new();
        for _ in 0..count {
            // Each entry takes at least two bytes, so a lying count runs out of input first.
            let spec = self.leb128()?;
            let length = self.leb128()?;
            columns.push((spec & DEFLATE_BIT != 0, length));
        }
        Ok(columns)
    }
}

fn write_leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A DEFLATE stream of `segments` × 8 MiB of zeros, about a thousandth of that size, built
/// without compressing it all: after a full flush the encoder's state is reset, so one flushed
/// segment repeats byte for byte, and the stream ends with the encoder's final empty block.
#[cfg(test)]
pub(crate) fn deflate_bomb(segments: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0_u8; 8 << 20];
    let mut encoder = Compress::new(Compression::best(), false);
    let mut segment = Vec::with_capacity(1 << 20);
    let mut end = Vec::with_capacity(64);
    let flushed = encoder.compress_vec(&zeros, &mut segment, FlushCompress::Full);
    let finished = encoder.compress_vec(&[], &mut end, FlushCompress::Finish);
    assert!(flushed.is_ok() && finished.is_ok(), "the encoder failed");
    let mut stream = Vec::with_capacity(segment.len() * segments + end.len());
    for _ in 0..segments {
        stream.extend_from_slice(&segment);
    }
    stream.extend_from_slice(&end);
    stream
}

/// A compressed change chunk (type 2) whose body is `deflated`, with any checksum.
#[cfg(test)]
pub(crate) fn compressed_chunk(deflated: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(deflated.len() + MAX_HEADER_BYTES);
    chunk.extend_from_slice(&MAGIC);
    chunk.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    chunk.push(kind::COMPRESSED_CHANGE);
    write_leb128(&mut chunk, deflated.len() as u64);
    chunk.extend_from_slice(deflated);
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::DeflateEncoder;
    use flate2::Compression;
    use std::io::Write;

    /// A reader that counts what is pulled through it.
    struct Counting<R> {
        inner: R,
        pulled: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let read = self.inner.read(buffer)?;
            self.pulled.set(self.pulled.get() + read);
            Ok(read)
        }
    }

    fn deflate_zeros(length: usize) -> Result<Vec<u8>, std::io::Error> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0_u8; 1 << 20];
        let mut left = length;
        while left > 0 {
            let piece = left.min(zeros.len());
            encoder.write_all(&zeros[..piece])?;
            left -= piece;
        }
        encoder.finish()
    }

    #[test]
    fn the_inflater_is_never_read_past_the_cap() -> Result<(), Box<dyn std::error::Error>> {
        let deflated = deflate_zeros(64 << 20)?;
        let pulled = std::rc::Rc::new(std::cell::Cell::new(0));
        let source = Counting {
            inner: DeflateDecoder::new(deflated.as_slice()),
            pulled: pulled.clone(),
        };
        let cap = 1 << 20;
        assert_eq!(
            inflate(source, cap, 0),
            Err(ChunkError::TooLarge { limit: cap })
        );
        assert!(pulled.get() <= cap + 1, "pulled {} bytes", pulled.get());
        Ok(())
    }

    #[test]
    fn the_buffer_of_what_fits_never_grows_past_the_cap() -> Result<(), Box<dyn std::error::Error>>
    {
        let cap = 3 << 20;
        let deflated = deflate_zeros(cap)?;
        let inflated = inflate(DeflateDecoder::new(deflated.as_slice()), cap, 7)?;
        assert_eq!(inflated.len(), cap);
        assert!(inflated.capacity() <= cap + 7, "{}", inflated.capacity());
        Ok(())
    }

    #[test]
    fn the_test_bomb_inflates_to_what_it_claims() {
        let bomb = deflate_bomb(3);
        let inflated = count_inflated(DeflateDecoder::new(bomb.as_slice()), usize::MAX);
        assert_eq!(inflated, Ok(3 * (8 << 20)));
        assert!(bomb.len() < 3 * (8 << 20) / 500, "{} bytes", bomb.len());
    }

    #[test]
    fn a_gigabyte_bomb_in_a_stored_document_is_refused() {
        // Received bytes that end in a compressed change claiming 1 GiB.
        let bomb = compressed_chunk(&deflate_bomb(128));
        assert!(bomb.len() < 2 * MAX_MESSAGE_BYTES, "{} bytes", bomb.len());
        assert_eq!(
            check_inflation(&bomb),
            Err(ChunkError::TooLarge {
                limit: MAX_INFLATED_BYTES
            })
        );
    }

    /// A saved document large enough that Automerge deflates some of its columns.
    fn saved_document() -> Result<Vec<u8>, automerge::AutomergeError> {
        use automerge::transaction::Transactable;
        let mut document = automerge::AutoCommit::new();
        for index in 0..3_000_u32 {
            let key = format!("k{}", index % 50);
            document.put(automerge::ROOT, key, format!("value {index}"))?;
        }
        Ok(document.save())
    }

    #[test]
    fn a_saved_documents_deflated_columns_are_counted_and_pass(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let saved = saved_document()?;
        let inflated = check_inflation_within(&saved, MAX_INFLATED_BYTES)?;
        assert!(inflated > 0, "no deflated column was found");
        assert_eq!(
            check_inflation_within(&saved, inflated - 1),
            Err(ChunkError::TooLarge {
                limit: inflated - 1
            })
        );
        // Concatenated chunks are each walked.
        let twice = [saved.as_slice(), saved.as_slice()].concat();
        assert_eq!(
            check_inflation_within(&twice, MAX_INFLATED_BYTES)?,
            2 * inflated
        );
        Ok(())
    }

    #[test]
    fn a_document_column_that_inflates_past_the_cap_is_refused() {
        // A document chunk with no actors or heads, no change columns, and one deflated op
        // column (spec: id 1, deflate bit, type 0) holding the bomb.
        let deflated = deflate_bomb(2);
        let mut body = vec![0, 0, 0, 1];
        write_leb128(&mut body, (1 << 4) | DEFLATE_BIT);
        write_leb128(&mut body, deflated.len() as u64);
        body.extend_from_slice(&deflated);
        let mut chunk = MAGIC.to_vec();
        chunk.extend_from_slice(&[0, 0, 0, 0, kind::DOCUMENT]);
        write_leb128(&mut chunk, body.len() as u64);
        chunk.extend_from_slice(&body);
        assert_eq!(
            check_inflation_within(&chunk, 1 << 20),
            Err(ChunkError::TooLarge { limit: 1 << 20 })
        );
        assert_eq!(check_inflation_within(&chunk, 16 << 20), Ok(16 << 20));
    }

    #[test]
    fn a_broken_deflate_stream_is_corrupt() {
        let garbage = [0xff_u8; 64];
        assert_eq!(
            count_inflated(DeflateDecoder::new(garbage.as_slice()), 1 << 20),
            Err(ChunkError::Corrupt)
        );
    }

    #[test]
    fn leb128_reads_as_automerge_does() {
        let read = |bytes: &[u8]| Reader { bytes, at: 0 }.leb128();
        assert_eq!(read(&[0x01]), Ok(1));
        assert_eq!(read(&[0x81, 0x01]), Ok(129));
        assert_eq!(read(&[0x81, 0x00]), Err(ChunkError::Malformed));
        assert_eq!(read(&[0x80]), Err(ChunkError::Malformed));
        let mut written = Vec::new();
        write_leb128(&mut written, 300_000);
        assert_eq!(read(&written), Ok(300_000));
    }

    #[test]
    fn truncated_or_foreign_bytes_are_malformed() {
        assert_eq!(
            check_inflation(b"not automerge"),
            Err(ChunkError::Malformed)
        );
        assert_eq!(
            check_inflation(&[0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, 0x7f]),
            Err(ChunkError::Malformed)
        );
        assert_eq!(check_inflation(&[]), Ok(()));
    }
}
