//! What the relay learns from a change's bytes before it stores them: it parses and validates
//! every change (hash, actor, sequence number, dependencies) without loading any document.
//!
//! Compressed changes are inflated by [`chunk`] under a hard cap before Automerge parses them;
//! devices decode what the relay sends through the same [`decode_change`].

pub mod chunk;

use automerge::{Change, ChangeHash};

use self::chunk::ChunkError;

/// The facts of one valid change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeFacts {
    /// The change's hash (its identity: the log is deduplicated by document and hash).
    pub hash: [u8; 32],
    /// The actor that made it (bound to one device by the relay).
    pub actor: Vec<u8>,
    /// The actor's sequence number for this change.
    pub seq: u64,
    /// The hashes it depends on.
    pub deps: Vec<[u8; 32]>,
    /// The author it names (Automerge's Authors API: `shared::edit::Editor::to_author`, the
    /// person's id then the device's), when it names one.
    pub author: Option<Vec<u8>>,
}

/// The longest actor id accepted (Automerge makes 16-byte ones; the Authors API keeps them short).
pub const MAX_ACTOR_BYTES: usize = 64;

/// The longest author accepted (Carnet's are 32 bytes: a person's id and a device's).
pub const MAX_AUTHOR_BYTES: usize = 64;

/// Why bytes are not a storable change.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The bytes do not parse as an Automerge change (or fail its checksum).
    #[error("not a valid Automerge change")]
    Invalid(#[source] automerge::LoadChangeError),
    /// The bytes are not a single change chunk (a document, a bundle, or unparseable).
    #[error("not a single Automerge change")]
    NotAChange,
    /// The change parses, but names its actors in a way no Automerge peer produces (an empty
    /// or oversized id, or one listed twice). automerge 0.12 panics applying such a change
    /// (found by fuzzing `ingest_changes`), so it must never reach a device.
    #[error("the change names a malformed actor")]
    MalformedActor,
    /// The change names an author longer than [`MAX_AUTHOR_BYTES`].
    #[error("the change names a malformed author")]
    MalformedAuthor,
    /// The change claims no history yet is not its actor's first, or refers to other actors it
    /// cannot have seen. Automerge never makes such a change, and 0.12 panics applying one.
    #[error("the change's history is impossible")]
    ImpossibleHistory,
    /// The checksum in the chunk's header is not its hash's: the bytes were altered. Automerge
    /// refuses such a chunk when loading a document but not when applying a change, so it is
    /// checked here, where the relay would otherwise store bytes devices cannot load.
    #[error("the change's checksum does not match")]
    BadChecksum,
    /// The chunk was refused before parsing: it would inflate past the cap, its compressed
    /// body is broken, or its header does not parse.
    #[error("the change was refused before parsing")]
    Chunk(#[from] ChunkError),
}

/// The chunk types a device may push: a change (1) or a compressed change (2). Documents (0) and
/// the experimental bundles (3) are refused before parsing: automerge 0.12 can panic parsing a
/// malformed bundle (found by fuzzing).
const PUSHABLE_CHUNK_TYPES: [u8; 2] = [1, 2];

/// Where the checksum sits: after the 4 magic bytes.
const CHECKSUM: std::ops::Range<usize> = 4..8;

/// Where the chunk type sits: after the 4 magic bytes and the 4 checksum bytes.
const CHUNK_TYPE_OFFSET: usize = 8;

/// Parses one change's bytes (a change or a compressed change chunk), inflating a compressed
/// one with [`chunk::expand_change`] so that Automerge never inflates anything itself. The
/// change keeps the hash Automerge gives the original bytes.
pub fn decode_change(bytes: &[u8]) -> Result<Change, ChangeError> {
    if !bytes
        .get(CHUNK_TYPE_OFFSET)
        .is_some_and(|kind| PUSHABLE_CHUNK_TYPES.contains(kind))
    {
        return Err(ChangeError::NotAChange);
    }
    let expanded = chunk::expand_change(bytes)?;
    // Defence in depth: a parser panic on hostile bytes is a refusal, not a dead session.
    let parsed = std::panic::catch_unwind(|| Change::try_from(expanded.as_ref()))
        .map_err(|_| ChangeError::NotAChange)?;
    let change = parsed.map_err(ChangeError::Invalid)?;
    // The header's checksum is the first bytes of the hash of the (uncompressed) change.
    if bytes.get(CHECKSUM) != change.hash().0.get(..CHECKSUM.len()) {
        return Err(ChangeError::BadChecksum);
    }
    Ok(change)
}

/// Parses and checks one change's bytes.
pub fn inspect_change(bytes: &[u8]) -> Result<ChangeFacts, ChangeError> {
    let change = decode_change(bytes)?;
    let actors: Vec<&[u8]> = change.actors().map(|actor| actor.to_bytes()).collect();
    let well_formed = actors
        .iter()
        .all(|actor| (1..=MAX_ACTOR_BYTES).contains(&actor.len()));
    let distinct = actors
        .iter()
        .enumerate()
        .all(|(index, actor)| !actors[..index].contains(actor));
    if !well_formed || !distinct {
        return Err(ChangeError::MalformedActor);
    }
    // Without dependencies a change starts its actor's history: sequence 1, and no other actor
    // can appear in it (other actors enter a change only through what it depends on).
    if change.deps().is_empty() && (change.seq() != 1 || !change.other_actor_ids().is_empty()) {
        return Err(ChangeError::ImpossibleHistory);
    }
    let author = change.author().map(|author| author.as_bytes().to_vec());
    if author
        .as_ref()
        .is_some_and(|author| author.len() > MAX_AUTHOR_BYTES)
    {
        return Err(ChangeError::MalformedAuthor);
    }
    let ChangeHash(hash) = change.hash();
    Ok(ChangeFacts {
        hash,
        actor: change.actor_id().to_bytes().to_vec(),
        seq: change.seq(),
        deps: change.deps().iter().map(|ChangeHash(dep)| *dep).collect(),
        author,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    #[test]
    fn a_real_change_reveals_its_hash_and_actor() -> Result<(), Box<dyn std::error::Error>> {
        let mut document = AutoCommit::new();
        document.put(ROOT, "name", "Dupont")?;
        document.commit();
        let change = document.get_last_local_change().ok_or("no change")?;
        let facts = inspect_change(change.raw_bytes())?;
        assert_eq!(facts.hash, change.hash().0);
        assert_eq!(facts.actor, document.get_actor().to_bytes());
        assert_eq!(facts.seq, 1);
        Ok(())
    }

    /// `bytes` (an uncompressed change chunk) with the checksum its content calls for, so that
    /// a test reaches the checks after it.
    fn sealed<const N: usize>(mut bytes: [u8; N]) -> [u8; N] {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(&bytes[8..]);
        bytes[4..8].copy_from_slice(&hash[..4]);
        bytes
    }

    /// A change big enough that Automerge compresses it: a long note of varied words.
    fn large_change() -> Result<Change, Box<dyn std::error::Error>> {
        let mut document = AutoCommit::new();
        let words = [
            "visite",
            "Lyon",
            "devis",
            "relance",
            "fromagerie",
            "commande",
            "livraison",
        ];
        let note: Vec<String> = (0..20_000_u32)
            .map(|index| format!("{}{}", words[index as usize % words.len()], index % 97))
            .collect();
        document.put(ROOT, "notes", note.join(" "))?;
        document.commit();
        Ok(document.get_last_local_change().ok_or("no change")?)
    }

    #[test]
    fn a_compressed_change_keeps_the_hash_automerge_gives_it(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut change = large_change()?;
        let compressed = change.bytes().into_owned();
        assert_eq!(
            compressed[CHUNK_TYPE_OFFSET], 2,
            "automerge did not compress it"
        );
        assert!(compressed.len() < change.raw_bytes().len());
        let by_automerge = Change::try_from(compressed.as_slice())?;
        let decoded = decode_change(&compressed)?;
        assert_eq!(decoded.hash(), by_automerge.hash());
        assert_eq!(decoded.hash(), change.hash());
        assert_eq!(decoded.raw_bytes(), change.raw_bytes());
        assert_eq!(inspect_change(&compressed)?.hash, change.hash().0);
        Ok(())
    }

    #[test]
    fn a_compressed_change_with_a_wrong_checksum_is_refused(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut change = large_change()?;
        let mut compressed = change.bytes().into_owned();
        compressed[4] ^= 0xff;
        assert!(matches!(
            inspect_change(&compressed),
            Err(ChangeError::BadChecksum)
        ));
        let mut plain = change.raw_bytes().to_vec();
        plain[5] ^= 0xff;
        assert!(matches!(
            inspect_change(&plain),
            Err(ChangeError::BadChecksum)
        ));
        Ok(())
    }

    #[test]
    fn a_megabyte_that_would_inflate_to_a_gigabyte_is_refused() {
        let bomb = chunk::compressed_chunk(&chunk::deflate_bomb(128));
        assert!(bomb.len() <= crate::protocol::codec::MAX_MESSAGE_BYTES + 64 * 1024);
        assert!(matches!(
            inspect_change(&bomb),
            Err(ChangeError::Chunk(ChunkError::TooLarge {
                limit: chunk::MAX_INFLATED_BYTES
            }))
        ));
    }

    #[test]
    fn a_change_with_an_empty_actor_is_refused() {
        // Found by fuzzing: it parses, and applying it panics inside automerge 0.12.
        let bytes = sealed([
            0x85, 0x6f, 0x4a, 0x83, 0xff, 0xbf, 0xff, 0x29, 0x01, 0x18, 0x00, 0x00, 0x2a, 0x50,
            0xa5, 0x29, 0x01, 0x18, 0x00, 0x00, 0x2a, 0x00, 0x0a, 0x00, 0x08, 0xe0, 0x18, 0x80,
            0x2c, 0x29, 0x00, 0x00, 0x83, 0x9d,
        ]);
        assert!(matches!(
            inspect_change(&bytes),
            Err(ChangeError::MalformedActor)
        ));
    }

    #[test]
    fn a_first_change_naming_unknown_actors_is_refused() {
        // Found by fuzzing: no dependencies, a huge sequence number and two other actors.
        let bytes = sealed([
            0x85, 0x6f, 0x4a, 0x83, 0xdf, 0xbf, 0xff, 0xb1, 0x01, 0x18, 0x00, 0x02, 0xfe, 0xff,
            0xff, 0xff, 0x9d, 0xcc, 0x83, 0x85, 0x06, 0x10, 0x08, 0x00, 0x02, 0x01, 0x01, 0x03,
            0x00, 0x00, 0x00, 0x00, 0xa5, 0xf9,
        ]);
        assert!(matches!(
            inspect_change(&bytes),
            Err(ChangeError::ImpossibleHistory)
        ));
    }

    #[test]
    fn a_bundle_is_not_a_change() {
        // Found by fuzzing: a malformed bundle chunk panics automerge 0.12's parser.
        let bytes = [
            0x85, 0x6f, 0x4a, 0x83, 0x9d, 0x6f, 0x83, 0x84, 0x03, 0x08, 0x00, 0x00, 0x00, 0x01,
            0x23, 0x02, 0x95, 0x00, 0x00,
        ];
        assert!(matches!(
            inspect_change(&bytes),
            Err(ChangeError::NotAChange)
        ));
    }

    #[test]
    fn corrupt_change_bytes_are_refused() -> Result<(), Box<dyn std::error::Error>> {
        let mut document = AutoCommit::new();
        document.put(ROOT, "name", "Dupont")?;
        document.commit();
        let mut bytes = document
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        assert!(inspect_change(&bytes).is_err());
        assert!(inspect_change(b"garbage").is_err());
        Ok(())
    }
}
