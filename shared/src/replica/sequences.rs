//! What Automerge asserts instead of refusing. Automerge numbers each actor's changes 1, 2, 3 …
//! and, when it adds a change to a document, *asserts* (it panics) that the change is its actor's
//! next one and that only an actor's first change names an author; it refuses neither. A hostile
//! change numbered past its actor's next (whose dependencies the document holds) would kill the
//! relay's validation task or a device's worker. Bytes from the network therefore reach a
//! document through [`Sequences::load`], which counts each actor's changes and refuses such a
//! change first.

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};

use super::{unreadable, ReplicaError};
use crate::protocol::change::chunk::check_inflation;
use crate::protocol::change::decode_change;

/// What to do with a change whose dependencies the document does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Hand it to Automerge, which keeps it until they arrive (bytes a device received, which
    /// may come in any order).
    Queue,
    /// Refuse it: the relay stores a change only after everything it depends on, so that every
    /// device reading its log in order can check each change as it comes.
    Refuse,
}

/// The highest sequence number a document holds of each actor (its count of that actor's
/// changes), counted from the document when first needed and kept current as changes are loaded
/// through [`Sequences::load`]. Keep one per document, beside it.
#[derive(Clone, Debug, Default)]
pub struct Sequences {
    /// Actor bytes → highest sequence held; `None` until counted (or after Automerge applied
    /// changes this type did not see, such as queued ones or a whole snapshot).
    held: Option<HashMap<Vec<u8>, u64>>,
}

impl Sequences {
    /// Loads one chunk of received bytes into `automerge`. A single change is checked first: one
    /// the document holds is skipped; one naming an author must be its actor's first; one whose
    /// dependencies are held must be its actor's next; one whose dependencies are missing is
    /// queued or refused as `missing` says. Other bytes (a snapshot) are handed to Automerge.
    pub fn load(
        &mut self,
        automerge: &mut AutoCommit,
        bytes: &[u8],
        missing: Missing,
    ) -> Result<(), ReplicaError> {
        check_inflation(bytes)?;
        let Ok(change) = decode_change(bytes) else {
            // Not one well-formed change: Automerge reads it whole (and counts afresh after).
            automerge.load_incremental(bytes).map_err(unreadable)?;
            self.held = None;
            return Ok(());
        };
        if holds(automerge, &change.hash()) {
            return Ok(());
        }
        let actor = change.actor_id().to_bytes().to_vec();
        let seq = change.seq();
        if change.author().is_some() && seq != 1 {
            return Err(ReplicaError::ImpossibleHistory { seq });
        }
        if !change.deps().iter().all(|dep| holds(automerge, dep)) {
            return match missing {
                Missing::Refuse => Err(ReplicaError::MissingHistory),
                Missing::Queue => {
                    automerge.load_incremental(bytes).map_err(unreadable)?;
                    Ok(())
                }
            };
        }
        let had_queued = !automerge.get_missing_deps(&[]).is_empty();
        let held = self.counted(automerge);
        let next = held.get(&actor).copied().unwrap_or(0).saturating_add(1);
        if seq != next {
            return Err(ReplicaError::ImpossibleHistory { seq });
        }
        automerge.load_incremental(bytes).map_err(unreadable)?;
        if had_queued {
            // The change may have released queued ones Automerge applied with it.
            self.held = None;
        } else {
            held.insert(actor, seq);
        }
        Ok(())
    }

    /// The counts, from `automerge` when not known.
    fn counted(&mut self, automerge: &mut AutoCommit) -> &mut HashMap<Vec<u8>, u64> {
        self.held.get_or_insert_with(|| {
            let mut held: HashMap<Vec<u8>, u64> = HashMap::new();
            for change in automerge.get_changes_meta(&[]) {
                let seq = held.entry(change.actor.to_bytes().to_vec()).or_insert(0);
                *seq = (*seq).max(change.seq);
            }
            held
        })
    }
}

/// Whether `automerge` holds the change `hash`.
fn holds(automerge: &mut AutoCommit, hash: &ChangeHash) -> bool {
    automerge.get_change_meta_by_hash(hash).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Change, ExpandedChange, ROOT};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// The bytes, in order, of `count` changes one actor made to one document.
    fn history(count: usize) -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
        let mut document = AutoCommit::new().with_actor(ActorId::from([7_u8; 16]));
        let mut changes = Vec::new();
        for index in 0..count {
            document.put(ROOT, "name", format!("Boulangerie {index}"))?;
            document.commit();
            let change = document.get_last_local_change().ok_or("no change")?;
            changes.push(change.raw_bytes().to_vec());
        }
        Ok(changes)
    }

    /// `bytes` (a real change) rewritten with another sequence number and dependencies, as a
    /// hostile device could send it (the hash and checksum are those of the new content).
    fn forged(
        bytes: &[u8],
        seq: u64,
        deps: Vec<ChangeHash>,
    ) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let change = Change::from_bytes(bytes.to_vec())?;
        let mut expanded: ExpandedChange = change.decode();
        expanded.seq = seq;
        expanded.deps = deps;
        expanded.hash = None;
        Ok(Change::from(expanded).raw_bytes().to_vec())
    }

    #[test]
    fn a_change_numbered_past_its_actors_next_is_refused_instead_of_crashing_automerge(
    ) -> TestResult {
        let changes = history(3)?;
        let first = Change::from_bytes(changes[0].clone())?;
        // Sequence 58 of an actor the document holds one change of, depending only on that one.
        let hostile = forged(&changes[2], 58, vec![first.hash()])?;
        let mut document = AutoCommit::new();
        let mut sequences = Sequences::default();
        sequences.load(&mut document, &changes[0], Missing::Refuse)?;
        let before = document.get_heads();
        let refused = sequences.load(&mut document, &hostile, Missing::Queue);
        assert!(matches!(
            refused,
            Err(ReplicaError::ImpossibleHistory { seq: 58 })
        ));
        assert_eq!(
            document.get_heads(),
            before,
            "nothing of the change was applied"
        );
        // The document still takes its actor's real next change.
        sequences.load(&mut document, &changes[1], Missing::Refuse)?;
        assert_eq!(
            document.get_heads(),
            vec![Change::from_bytes(changes[1].clone())?.hash()]
        );
        Ok(())
    }

    #[test]
    fn a_change_whose_history_is_missing_is_refused_by_the_relay_and_queued_by_a_device(
    ) -> TestResult {
        let changes = history(2)?;
        let mut relay = AutoCommit::new();
        let refused = Sequences::default().load(&mut relay, &changes[1], Missing::Refuse);
        assert!(matches!(refused, Err(ReplicaError::MissingHistory)));
        assert!(relay.get_heads().is_empty());
        // A device receiving the two out of order ends with both, and counts right after.
        let mut device = AutoCommit::new();
        let mut sequences = Sequences::default();
        sequences.load(&mut device, &changes[1], Missing::Queue)?;
        sequences.load(&mut device, &changes[0], Missing::Queue)?;
        assert_eq!(
            device.get_heads(),
            vec![Change::from_bytes(changes[1].clone())?.hash()]
        );
        let longer = history(3)?;
        sequences.load(&mut device, &longer[2], Missing::Refuse)?;
        assert_eq!(device.get_heads().len(), 1);
        Ok(())
    }

    #[test]
    fn an_author_on_a_later_change_is_refused() -> TestResult {
        let changes = history(1)?;
        let first = Change::from_bytes(changes[0].clone())?;
        // The same actor's first change made with an author, forged into its second.
        let mut authored =
            AutoCommit::new().with_author(Some(automerge::Author::from(vec![1_u8; 32])));
        authored.set_actor(first.actor_id().clone());
        authored.put(ROOT, "name", "Fromagerie Dupont")?;
        authored.commit();
        let authored = authored.get_last_local_change().ok_or("no change")?;
        assert!(authored.author().is_some());
        let hostile = forged(authored.raw_bytes(), 2, vec![first.hash()])?;
        assert!(Change::from_bytes(hostile.clone())?.author().is_some());
        let mut replica = AutoCommit::new();
        let mut sequences = Sequences::default();
        sequences.load(&mut replica, first.raw_bytes(), Missing::Refuse)?;
        let refused = sequences.load(&mut replica, &hostile, Missing::Refuse);
        assert!(matches!(
            refused,
            Err(ReplicaError::ImpossibleHistory { seq: 2 })
        ));
        Ok(())
    }

    #[test]
    fn a_change_held_already_is_skipped() -> TestResult {
        let changes = history(2)?;
        let mut document = AutoCommit::new();
        let mut sequences = Sequences::default();
        for bytes in changes.iter().chain(changes.iter()) {
            sequences.load(&mut document, bytes, Missing::Refuse)?;
        }
        assert_eq!(document.get_changes(&[]).len(), 2);
        Ok(())
    }
}
