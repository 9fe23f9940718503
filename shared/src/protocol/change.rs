//! What the relay learns from a change's bytes before it stores them: it parses and validates
//! every change (hash, actor, sequence number, dependencies) without loading any document.

use automerge::{Change, ChangeHash};

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
}

/// Why bytes are not a storable change.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The bytes do not parse as an Automerge change (or fail its checksum).
    #[error("not a valid Automerge change")]
    Invalid(#[source] automerge::LoadChangeError),
}

/// Parses and checks one change's bytes.
pub fn inspect_change(bytes: &[u8]) -> Result<ChangeFacts, ChangeError> {
    let change = Change::try_from(bytes).map_err(ChangeError::Invalid)?;
    let ChangeHash(hash) = change.hash();
    Ok(ChangeFacts {
        hash,
        actor: change.actor_id().to_bytes().to_vec(),
        seq: change.seq(),
        deps: change.deps().iter().map(|ChangeHash(dep)| *dep).collect(),
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
