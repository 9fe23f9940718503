//! A record kind's edit rules ([`Record::admits`]) judged on a received change, as its author
//! saw the record. A device checks every edit against its kind's rules before writing it (a
//! sent quote is frozen, an order's lines are fixed); the relay judges every pushed change
//! again here, so a device that skips the check (an old build, a hostile client) cannot
//! rewrite a signed quote.
//!
//! The judgement is made on the record *at the change's dependencies* (what its author held)
//! and at the change itself, never on the relay's merged state: two people editing one draft
//! offline while a third sends it each made a change the rules admit, and both are kept (the
//! merge of concurrent changes is the CRDT's, as on every device). A change whose record does
//! not read before it is a creation, judged by [`Record::admits_new`]; a change after which
//! the record no longer reads, though it did before, is refused; a change that leaves the
//! record unreadable on both sides (a record still being written) is not judged.

use automerge::{AutoCommit, ChangeHash};

use super::{unreadable, RecordKind, ReplicaError};
use crate::document::Document;
use crate::protocol::change::decode_change;
use crate::record::{Record, RefusedChange};
use crate::sales::{Order, Product, Quote};

/// Judges the change `bytes` (already loaded into `automerge`, which holds everything it
/// depends on) by the rules of the record's kind. Bytes that are not one change are not judged
/// (a pushed change is always one).
pub fn judge(automerge: &mut AutoCommit, bytes: &[u8]) -> Result<(), ReplicaError> {
    let kind = super::root_text(automerge, "kind").and_then(|kind| RecordKind::from_name(&kind));
    let Ok(change) = decode_change(bytes) else {
        return Ok(());
    };
    let at = [change.hash()];
    let deps = change.deps().to_vec();
    match kind {
        Some(RecordKind::Quote) => judge_as::<Quote>(automerge, &deps, &at),
        Some(RecordKind::Order) => judge_as::<Order>(automerge, &deps, &at),
        Some(RecordKind::Product) => judge_as::<Product>(automerge, &deps, &at),
        _ => Ok(()),
    }
}

fn judge_as<R: Record>(
    automerge: &mut AutoCommit,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Result<(), ReplicaError> {
    let read = |automerge: &mut AutoCommit, heads: &[ChangeHash]| {
        let state = automerge.fork_at(heads).map_err(unreadable)?;
        Ok::<_, ReplicaError>(
            Document::<R>::from_automerge(state)
                .and_then(|document| document.record())
                .ok(),
        )
    };
    let before = read(automerge, before)?;
    let after = read(automerge, after)?;
    let verdict = match (before, after) {
        (Some(before), Some(after)) => R::admits(&before, &after),
        (None, Some(created)) => R::admits_new(&created),
        (Some(_), None) => Err(RefusedChange::Invalid(
            "the record would no longer read".to_owned(),
        )),
        (None, None) => Ok(()),
    };
    verdict.map_err(ReplicaError::EditRefused)
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;
    use crate::edit::Edit;
    use crate::ids::{AccountId, LineId, QuoteId};
    use crate::replica::{Missing, Sequences};
    use crate::sales::{
        DeviceCode, Line, NumberBook, Quantity, QuoteDocument, QuoteStatus, QuoteTransition,
        Series, VatRate,
    };
    use crate::values::{CurrencyCode, Date, Money};

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    /// The relay's copy of one record: every pushed change loaded in order, then judged.
    #[derive(Default)]
    struct Relay {
        automerge: AutoCommit,
        sequences: Sequences,
    }

    impl Relay {
        fn push(&mut self, changes: Vec<Vec<u8>>) -> Result<(), ReplicaError> {
            for bytes in changes {
                self.sequences
                    .load(&mut self.automerge, &bytes, Missing::Refuse)?;
                judge(&mut self.automerge, &bytes)?;
            }
            Ok(())
        }

        fn quote(&self) -> Result<Quote, Box<dyn std::error::Error>> {
            Ok(QuoteDocument::from_automerge(self.automerge.clone())?.record()?)
        }
    }

    /// A draft of one free line of 100.00 € (net), and its line's id.
    fn draft() -> Result<(Quote, LineId), Box<dyn std::error::Error>> {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let mut quote = Quote::new(
            book.issue(Series::Quote, 2026)?,
            AccountId::generate(),
            Date::parse("2026-03-02")?,
            CurrencyCode::EUR,
        )?;
        let line = LineId::generate();
        let delivery = Line::free(
            "Livraison",
            Quantity::ONE,
            Money::new(10_000, CurrencyCode::EUR),
            VatRate::Standard,
            1,
        );
        quote.revise(|quote| {
            quote.lines.insert(line, delivery);
        })?;
        Ok((quote, line))
    }

    fn all_changes(document: &mut QuoteDocument) -> Vec<Vec<u8>> {
        document.changes_since(&[])
    }

    #[test]
    fn a_change_that_rewrites_a_quote_its_author_saw_sent_is_refused() -> Outcome {
        let (quote, _) = draft()?;
        let mut document = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        document.apply(&Edit::anonymous(2), QuoteTransition::Send)?;
        let mut relay = Relay::default();
        relay.push(all_changes(&mut document))?;
        // A device that skips its own check rewrites the payment terms of the sent quote.
        let before = document.heads();
        document.update(&Edit::anonymous(3), "sneaky", |quote| {
            quote.payment_terms = "à 90 jours".to_owned();
        })?;
        let refused = relay.push(document.changes_since(&before));
        assert!(
            matches!(
                &refused,
                Err(ReplicaError::EditRefused(RefusedChange::Frozen(status))) if status == "sent"
            ),
            "{refused:?}"
        );
        Ok(())
    }

    #[test]
    fn a_line_edited_on_the_draft_while_a_colleague_sent_it_is_kept() -> Outcome {
        let (quote, line) = draft()?;
        let mut sender = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        let mut editor = sender.fork();
        let created = sender.heads();
        sender.apply(&Edit::anonymous(2), QuoteTransition::Send)?;
        editor.revise(&Edit::anonymous(2), "offline edit", |quote| {
            if let Some(line) = quote.lines.get_mut(&line) {
                line.quantity = Quantity::units(3).unwrap_or(line.quantity);
            }
        })?;
        let mut relay = Relay::default();
        relay.push(all_changes(&mut sender))?;
        // The editor's change depends on the draft only: its author saw a draft.
        relay.push(editor.changes_since(&created))?;
        let merged = relay.quote()?;
        assert_eq!(merged.status, QuoteStatus::Sent);
        assert_eq!(
            merged.lines.get(&line).map(|line| line.quantity),
            Quantity::units(3).ok()
        );
        Ok(())
    }

    #[test]
    fn a_quote_that_arrives_already_accepted_is_refused() -> Outcome {
        let (mut quote, _) = draft()?;
        quote.status = QuoteStatus::Accepted;
        // Not through `create`, which refuses it: the bytes a hostile device would push.
        let mut document = QuoteDocument::new(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        let refused = Relay::default().push(all_changes(&mut document));
        assert!(
            matches!(
                &refused,
                Err(ReplicaError::EditRefused(RefusedChange::Frozen(status))) if status == "accepted"
            ),
            "{refused:?}"
        );
        Ok(())
    }

    #[test]
    fn a_draft_created_and_sent_by_the_rules_passes_every_change() -> Outcome {
        let (quote, _) = draft()?;
        let mut document = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        document.type_notes(&Edit::anonymous(2), 0, 0, "Livraison le mardi")?;
        document.apply(&Edit::anonymous(3), QuoteTransition::Send)?;
        let mut relay = Relay::default();
        relay.push(all_changes(&mut document))?;
        assert_eq!(relay.quote()?, document.record()?);
        Ok(())
    }
}
