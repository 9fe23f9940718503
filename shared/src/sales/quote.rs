//! The quote (devis) record and its document: lines, terms, status, versions, freezing.
//!
//! One document per quote *version*. While a quote is a draft, it is edited like any record and
//! two reps editing it offline merge line by line (see [`super::line`]). Once sent, it is
//! frozen: every edit through [`Document::revise`] or [`Document::type_notes`] is refused with
//! [`QuoteError::Frozen`], and a change is a new version ([`Quote::new_version`]), a new
//! document linked to the previous one, which stays as it was.
//!
//! Freezing is checked where the edit is made; an edit made offline on a draft can still meet,
//! at merge, a copy another device has sent meanwhile. Sending records a fingerprint of what
//! was sent, so [`Quote::changed_since_sent`] tells such a quote apart (the UI offers a new
//! version). Totals are never stored: [`Quote::totals`] computes them from the lines.

use std::fmt::Write as _;

use automerge::ChangeHash;
use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::line::{check_lines, next_position, ordered, InvalidLine, Line, Lines};
use super::numbering::{DocumentNumber, NumberingError, Series};
use super::signature::{Signature, SignatureError};
use super::status::{IllegalTransition, QuoteStatus, QuoteTransition};
use super::totals::Totals;
use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::field::FieldPath;
use crate::ids::{AccountId, DealId, LineId, QuoteId};
use crate::record::{Record, RefusedChange};
use crate::record_patch::TextFields;
use crate::values::{AmountError, CurrencyCode, Date};

/// The schema version this build writes into quote documents.
pub const QUOTE_SCHEMA_VERSION: u64 = 1;

/// One version of a quote to a customer.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Quote {
    /// Its human number (`D-2026-7K2Q-0042`), shared by all its versions.
    pub number: DocumentNumber,
    /// Its version, from 1.
    pub version: u32,
    /// The version it replaces, if any.
    #[autosurgeon(missing = "Default::default")]
    pub previous: Option<QuoteId>,
    /// The customer.
    pub account: AccountId,
    /// The deal it prices, if any.
    #[autosurgeon(missing = "Default::default")]
    pub deal: Option<DealId>,
    /// The date it bears.
    pub issued_on: Date,
    /// The last day the offer holds.
    #[autosurgeon(missing = "Default::default")]
    pub valid_until: Option<Date>,
    /// Payment terms as printed (`30 jours fin de mois`).
    #[autosurgeon(missing = "Default::default")]
    pub payment_terms: String,
    /// The currency every line is priced in.
    pub currency: CurrencyCode,
    /// The lines, by id.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub lines: Lines,
    /// Draft, sent, accepted, refused or expired.
    pub status: QuoteStatus,
    /// What was sent, fingerprinted when it was sent (see [`Quote::changed_since_sent`]).
    #[autosurgeon(missing = "Default::default")]
    pub sent_fingerprint: Option<String>,
    /// Notes printed under the lines, edited concurrently while a draft.
    #[serde(with = "crate::record::text_as_string")]
    pub notes: Text,
    /// The customer's signature, given when they accepted it on the tablet.
    #[autosurgeon(missing = "Default::default")]
    pub signature: Option<Signature>,
}

/// Why a quote cannot be made, changed or moved on.
#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    /// Only a draft changes; a sent or answered quote gets a new version instead.
    #[error("the quote is {0}: it can no longer change, make a new version instead")]
    Frozen(QuoteStatus),
    /// A revision tried to change what only transitions and versions set.
    #[error("a revision cannot change the quote's {0}")]
    Protected(&'static str),
    /// The status machine refuses the transition.
    #[error(transparent)]
    Transition(#[from] IllegalTransition<QuoteStatus, QuoteTransition>),
    /// A quote with no line cannot be sent.
    #[error("a quote needs at least one line to be sent")]
    NoLines,
    /// Only a sent, refused or expired quote gets a new version (a draft is edited, an accepted
    /// one is a contract).
    #[error("a {0} quote gets no new version")]
    NotVersionable(QuoteStatus),
    /// The version counter is at its largest value.
    #[error("the quote has too many versions")]
    TooManyVersions,
    /// The number is not a quote number.
    #[error(transparent)]
    Numbering(#[from] NumberingError),
    /// A line is not valid.
    #[error(transparent)]
    Line(#[from] InvalidLine),
    /// The lines do not add up: another currency, or amounts too large.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The signature is not valid.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The document layer failed.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl Quote {
    /// An empty draft, version 1, numbered `number` (a quote number), for `account`.
    pub fn new(
        number: DocumentNumber,
        account: AccountId,
        issued_on: Date,
        currency: CurrencyCode,
    ) -> Result<Self, QuoteError> {
        number.expect_series(Series::Quote)?;
        Ok(Self {
            number,
            version: 1,
            previous: None,
            account,
            deal: None,
            issued_on,
            valid_until: None,
            payment_terms: String::new(),
            currency,
            lines: Lines::new(),
            status: QuoteStatus::Draft,
            sent_fingerprint: None,
            notes: Text::with_value(""),
            signature: None,
        })
    }

    /// The lines in document order.
    pub fn ordered_lines(&self) -> Vec<(LineId, &Line)> {
        ordered(&self.lines)
    }

    /// Where a line added now goes: after every line.
    pub fn next_position(&self) -> i64 {
        next_position(&self.lines)
    }

    /// The totals, computed from the lines.
    pub fn totals(&self) -> Result<Totals, AmountError> {
        Totals::of(self.currency, self.lines.values())
    }

    /// Checks what the types alone do not: the number's series, every line, and that the lines
    /// add up in the quote's currency.
    pub fn check(&self) -> Result<(), QuoteError> {
        self.number.expect_series(Series::Quote)?;
        check_lines(&self.lines)?;
        self.totals()?;
        Ok(())
    }

    /// Refuses any change unless the quote is a draft, with the status that froze it.
    pub fn ensure_draft(&self) -> Result<(), QuoteError> {
        match self.status {
            QuoteStatus::Draft => Ok(()),
            ref frozen => Err(QuoteError::Frozen(frozen.clone())),
        }
    }

    /// Changes a draft with `change`, or refuses: when the quote is frozen, when the change
    /// touches its number, version, link or status, or when the result is not valid. A refused
    /// change leaves the quote as it was.
    pub fn revise(&mut self, change: impl FnOnce(&mut Quote)) -> Result<(), QuoteError> {
        self.ensure_draft()?;
        let mut revised = self.clone();
        change(&mut revised);
        let protected = [
            ("number", revised.number == self.number),
            ("version", revised.version == self.version),
            ("previous version", revised.previous == self.previous),
            ("status", revised.status == self.status),
            (
                "sent fingerprint",
                revised.sent_fingerprint == self.sent_fingerprint,
            ),
            ("signature", revised.signature == self.signature),
        ];
        if let Some((field, _)) = protected.into_iter().find(|(_, kept)| !kept) {
            return Err(QuoteError::Protected(field));
        }
        revised.check()?;
        *self = revised;
        Ok(())
    }

    /// Moves the quote through its status machine. Sending needs at least one valid line, and
    /// fingerprints what is sent.
    pub fn apply(&mut self, transition: QuoteTransition) -> Result<(), QuoteError> {
        let status = self.status.after(transition)?;
        if transition == QuoteTransition::Send {
            if self.lines.is_empty() {
                return Err(QuoteError::NoLines);
            }
            self.check()?;
            self.sent_fingerprint = Some(self.fingerprint());
        }
        self.status = status;
        Ok(())
    }

    /// The customer accepts the sent quote by signing it ("Bon pour accord").
    pub fn sign(&mut self, signature: Signature) -> Result<(), QuoteError> {
        signature.check()?;
        let status = self.status.after(QuoteTransition::Accept)?;
        self.status = status;
        self.signature = Some(signature);
        Ok(())
    }

    /// Whether an edit may take the quote from `before` to `after`: a draft changes as
    /// [`Quote::revise`] allows, or is sent as [`Quote::apply`] does; a sent quote only
    /// moves on (accepted, signed or not, refused, expired); an answered quote never changes.
    pub fn check_edit(before: &Quote, after: &Quote) -> Result<(), QuoteError> {
        if before == after {
            return Ok(());
        }
        if before.status == after.status {
            let mut revised = before.clone();
            return revised.revise(|quote| *quote = after.clone());
        }
        let transition = [
            QuoteTransition::Send,
            QuoteTransition::Accept,
            QuoteTransition::Refuse,
            QuoteTransition::Expire,
        ]
        .into_iter()
        .find(|transition| before.status.after(*transition).ok().as_ref() == Some(&after.status))
        .ok_or_else(|| QuoteError::Protected("status"))?;
        let mut moved = before.clone();
        match (transition, &after.signature) {
            (QuoteTransition::Accept, Some(signature)) => moved.sign(signature.clone())?,
            _ => moved.apply(transition)?,
        }
        if moved != *after {
            return Err(match before.status {
                QuoteStatus::Draft => QuoteError::Protected("status"),
                ref frozen => QuoteError::Frozen(frozen.clone()),
            });
        }
        Ok(())
    }

    /// Whether a sent quote holds anything other than what was sent: an offline edit to the
    /// draft met the sent copy at merge. Always false for a draft.
    pub fn changed_since_sent(&self) -> bool {
        self.sent_fingerprint
            .as_ref()
            .is_some_and(|sent| *sent != self.fingerprint())
    }

    /// The next version of this quote, `id` being this one's: a draft with the same number,
    /// customer, deal, terms, notes and lines, `version` + 1, and a link back. The validity date
    /// is kept only when it is still ahead of `issued_on`.
    pub fn new_version(&self, id: QuoteId, issued_on: Date) -> Result<Quote, QuoteError> {
        match self.status {
            QuoteStatus::Sent | QuoteStatus::Refused | QuoteStatus::Expired => {}
            ref other => return Err(QuoteError::NotVersionable(other.clone())),
        }
        let version = self
            .version
            .checked_add(1)
            .ok_or(QuoteError::TooManyVersions)?;
        Ok(Quote {
            number: self.number.clone(),
            version,
            previous: Some(id),
            account: self.account,
            deal: self.deal,
            issued_on,
            valid_until: self.valid_until.filter(|until| *until >= issued_on),
            payment_terms: self.payment_terms.clone(),
            currency: self.currency,
            lines: self.lines.clone(),
            status: QuoteStatus::Draft,
            sent_fingerprint: None,
            // A fresh text: the new document writes it as its own.
            notes: Text::with_value(self.notes.as_str()),
            signature: None,
        })
    }

    /// A digest of everything the customer reads: lines, terms, dates, currency and notes.
    fn fingerprint(&self) -> String {
        let mut canonical = String::new();
        let mut field = |text: &str| {
            // Length-prefixed, so no text can pass for a field boundary.
            let _ = write!(canonical, "{}:{text};", text.len());
        };
        field(&self.issued_on.to_string());
        field(
            &self
                .valid_until
                .map(|date| date.to_string())
                .unwrap_or_default(),
        );
        field(&self.payment_terms);
        field(self.currency.as_str());
        field(self.notes.as_str());
        for (id, line) in self.ordered_lines() {
            field(&id.to_string());
            field(&line.position.to_string());
            let product = line
                .origin
                .as_ref()
                .map(|origin| origin.product.to_string());
            field(&product.unwrap_or_default());
            field(&line.description);
            field(&line.unit);
            field(&line.quantity.to_string());
            field(&line.unit_price.to_string());
            field(&line.discount.to_string());
            field(&line.vat_rate.to_string());
        }
        sha2::Sha256::digest(canonical.as_bytes()).iter().fold(
            String::with_capacity(64),
            |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            },
        )
    }
}

impl Record for Quote {
    type Id = QuoteId;
    const KIND: &'static str = "quote";
    const HAS_EDIT_RULES: bool = true;

    fn admits(before: &Self, after: &Self) -> Result<(), RefusedChange> {
        Quote::check_edit(before, after).map_err(|error| match error {
            QuoteError::Frozen(status) => RefusedChange::Frozen(status.to_string()),
            QuoteError::Protected(field) => RefusedChange::Protected(field),
            other => RefusedChange::Invalid(other.to_string()),
        })
    }

    fn admits_new(record: &Self) -> Result<(), RefusedChange> {
        record
            .ensure_draft()
            .and_then(|()| record.check())
            .map_err(|error| match error {
                QuoteError::Frozen(status) => RefusedChange::Frozen(status.to_string()),
                other => RefusedChange::Invalid(other.to_string()),
            })
    }
    const SCHEMA_VERSION: u64 = QUOTE_SCHEMA_VERSION;
}

/// A quote version held as its Automerge document.
pub type QuoteDocument = Document<Quote>;

impl Document<Quote> {
    /// Creates a quote document holding `quote`, which must be a valid draft.
    pub fn create(id: QuoteId, quote: &Quote, edit: &Edit) -> Result<Self, QuoteError> {
        quote.ensure_draft()?;
        quote.check()?;
        Ok(Self::new(id, quote, edit)?)
    }

    /// Changes the draft with `change` (see [`Quote::revise`]) and commits what differs as one
    /// change; a refused change writes nothing.
    pub fn revise(
        &mut self,
        edit: &Edit,
        message: &str,
        change: impl FnOnce(&mut Quote),
    ) -> Result<Option<ChangeHash>, QuoteError> {
        self.try_update(edit, message, |quote| quote.revise(change))
    }

    /// Types into the draft's notes (see [`Document::splice_text`]); refused once frozen.
    pub fn type_notes(
        &mut self,
        edit: &Edit,
        position: usize,
        delete: usize,
        insert: &str,
    ) -> Result<Option<ChangeHash>, QuoteError> {
        self.record()?.ensure_draft()?;
        Ok(self.splice_text(edit, &FieldPath::root("notes"), position, delete, insert)?)
    }

    /// The customer signs the sent quote, which is accepted (see [`Quote::sign`]).
    pub fn sign(
        &mut self,
        edit: &Edit,
        signature: Signature,
    ) -> Result<Option<ChangeHash>, QuoteError> {
        self.try_update(edit, "quote: signed", |quote| quote.sign(signature))
    }

    /// Moves the quote through its status machine (see [`Quote::apply`]).
    pub fn apply(
        &mut self,
        edit: &Edit,
        transition: QuoteTransition,
    ) -> Result<Option<ChangeHash>, QuoteError> {
        let message = format!("quote: {transition}");
        self.try_update(edit, &message, |quote| quote.apply(transition))
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Quote {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        vec![(FieldPath::root("notes"), &mut self.notes)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Editor;
    use crate::ids::ProductId;
    use crate::record::RefusedChange;
    use crate::sales::{
        DeviceCode, Discount, LineError, NumberBook, Product, ProductDraft, Quantity, VatRate,
    };
    use crate::values::Money;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn date(text: &str) -> Result<Date, crate::values::DateError> {
        Date::parse(text)
    }

    fn quantity(text: &str) -> Result<Quantity, crate::sales::QuantityError> {
        Quantity::parse(text)
    }

    fn flour() -> Result<Product, crate::sales::ProductError> {
        Product::from_draft(&ProductDraft {
            reference: "FAR-T65-25".to_owned(),
            name: "Farine T65, sac de 25 kg".to_owned(),
            unit: "sac".to_owned(),
            unit_price: "18,40".to_owned(),
            vat_rate: "5,5".to_owned(),
            ..ProductDraft::default()
        })
    }

    /// A draft quote with a catalogue line and a free line, and the ids of both lines.
    fn two_line_draft() -> Result<(Quote, LineId, LineId), Box<dyn std::error::Error>> {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let number = book.issue(Series::Quote, 2026)?;
        let mut quote = Quote::new(
            number,
            AccountId::generate(),
            date("2026-03-02")?,
            CurrencyCode::EUR,
        )?;
        let (catalogue, free) = (LineId::generate(), LineId::generate());
        let flour_line = Line::from_product(ProductId::generate(), &flour()?, quantity("4")?, 0)?;
        let delivery = Line::free(
            "Livraison",
            Quantity::ONE,
            Money::new(3_500, CurrencyCode::EUR),
            VatRate::Standard,
            1,
        );
        quote.revise(|quote| {
            quote.lines.insert(catalogue, flour_line);
            quote.lines.insert(free, delivery);
            quote.payment_terms = "30 jours fin de mois".to_owned();
        })?;
        Ok((quote, catalogue, free))
    }

    #[test]
    fn a_quote_survives_save_and_load_and_totals_come_from_its_lines() -> Outcome {
        let (quote, catalogue, _) = two_line_draft()?;
        let id = QuoteId::generate();
        let mut document = QuoteDocument::create(id, &quote, &Edit::anonymous(1))?;
        let loaded = QuoteDocument::load(&document.save())?.record()?;
        assert_eq!(loaded, quote);
        assert_eq!(loaded.number.to_string(), "D-2026-7K2Q-0001");
        let totals = loaded.totals()?;
        // 4 × 18.40 € at 5.5 % and 35.00 € of delivery at 20 %.
        assert_eq!(totals.net, Money::new(10_860, CurrencyCode::EUR));
        assert_eq!(totals.vat_total()?, Money::new(1_105, CurrencyCode::EUR));
        assert_eq!(totals.gross, Money::new(11_965, CurrencyCode::EUR));
        let snapshot = loaded
            .lines
            .get(&catalogue)
            .and_then(|line| line.origin.clone());
        assert_eq!(
            snapshot.map(|origin| origin.reference),
            Some("FAR-T65-25".to_owned())
        );
        Ok(())
    }

    #[test]
    fn offline_editors_of_one_draft_merge_line_by_line() -> Outcome {
        let (quote, catalogue, free) = two_line_draft()?;
        let mut first = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        let mut second = first.fork();
        let (added_first, added_second) = (LineId::generate(), LineId::generate());
        let marie = Edit::by(Editor::random(), 10);
        first.revise(&marie, "more flour, and rye", |quote| {
            if let Some(line) = quote.lines.get_mut(&catalogue) {
                line.quantity = Quantity::units(10).unwrap_or(line.quantity);
            }
            let rye = Line::free(
                "Farine de seigle T130",
                Quantity::units(2).unwrap_or(Quantity::ONE),
                Money::new(2_150, CurrencyCode::EUR),
                VatRate::Reduced,
                quote.next_position(),
            );
            quote.lines.insert(added_first, rye);
        })?;
        let paul = Edit::by(Editor::random(), 11);
        second.revise(&paul, "discount delivery, add setup", |quote| {
            if let Some(line) = quote.lines.get_mut(&free) {
                line.discount = Discount::parse("50").unwrap_or_default();
            }
            let setup = Line::free(
                "Mise en service",
                Quantity::ONE,
                Money::new(9_000, CurrencyCode::EUR),
                VatRate::Standard,
                quote.next_position(),
            );
            quote.lines.insert(added_second, setup);
        })?;
        first.merge(&mut second)?;
        second.merge(&mut first)?;
        assert_eq!(first.heads(), second.heads());
        let merged = first.record()?;
        assert_eq!(merged, second.record()?);
        assert_eq!(merged.lines.len(), 4);
        let kept_quantity = merged.lines.get(&catalogue).map(|line| line.quantity);
        assert_eq!(kept_quantity, Some(Quantity::units(10)?));
        let kept_discount = merged.lines.get(&free).map(|line| line.discount);
        assert_eq!(kept_discount, Some(Discount::parse("50")?));
        // Both additions took the same position: the line ids order them, the same everywhere.
        let order: Vec<LineId> = merged
            .ordered_lines()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(&order[..2], [catalogue, free]);
        assert_eq!(order[2], added_first.min(added_second));
        assert!(merged.totals().is_ok());
        Ok(())
    }

    #[test]
    fn a_sent_quote_refuses_every_edit_with_its_status() -> Outcome {
        let (quote, catalogue, _) = two_line_draft()?;
        let mut document = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        document.apply(&Edit::anonymous(2), QuoteTransition::Send)?;
        let changes = document.history().len();
        let refused = document.revise(&Edit::anonymous(3), "more", |quote| {
            quote.lines.remove(&catalogue);
        });
        assert!(matches!(
            refused,
            Err(QuoteError::Frozen(QuoteStatus::Sent))
        ));
        let typed = document.type_notes(&Edit::anonymous(3), 0, 0, "Remise possible.");
        assert!(matches!(typed, Err(QuoteError::Frozen(QuoteStatus::Sent))));
        assert_eq!(document.history().len(), changes);
        assert_eq!(document.record()?.lines.len(), 2);
        document.apply(&Edit::anonymous(4), QuoteTransition::Accept)?;
        let refused = document.revise(&Edit::anonymous(5), "terms", |quote| {
            quote.payment_terms = "comptant".to_owned();
        });
        assert_eq!(
            refused.map_err(|error| error.to_string()),
            Err(
                "the quote is accepted: it can no longer change, make a new version instead"
                    .to_owned()
            )
        );
        Ok(())
    }

    #[test]
    fn status_moves_follow_the_machine_and_an_empty_quote_is_not_sent() -> Outcome {
        let mut empty = Quote::new(
            DocumentNumber::parse("D-2026-7K2Q-0001")?,
            AccountId::generate(),
            date("2026-03-02")?,
            CurrencyCode::EUR,
        )?;
        assert!(matches!(
            empty.apply(QuoteTransition::Send),
            Err(QuoteError::NoLines)
        ));
        assert!(matches!(
            empty.apply(QuoteTransition::Accept),
            Err(QuoteError::Transition(IllegalTransition {
                from: QuoteStatus::Draft,
                transition: QuoteTransition::Accept
            }))
        ));
        let (mut quote, _, _) = two_line_draft()?;
        quote.apply(QuoteTransition::Send)?;
        quote.apply(QuoteTransition::Refuse)?;
        assert_eq!(quote.status, QuoteStatus::Refused);
        assert!(matches!(
            quote.apply(QuoteTransition::Send),
            Err(QuoteError::Transition(_))
        ));
        Ok(())
    }

    #[test]
    fn a_revision_cannot_set_the_status_or_leave_an_invalid_line() -> Outcome {
        let (mut quote, catalogue, free) = two_line_draft()?;
        let before = quote.clone();
        let shortcut = quote.revise(|quote| quote.status = QuoteStatus::Accepted);
        assert!(matches!(shortcut, Err(QuoteError::Protected("status"))));
        let renumbered = quote.revise(|quote| quote.version = 7);
        assert!(matches!(renumbered, Err(QuoteError::Protected("version"))));
        let blank = quote.revise(|quote| {
            if let Some(line) = quote.lines.get_mut(&free) {
                line.description = "  ".to_owned();
            }
        });
        assert!(matches!(
            blank,
            Err(QuoteError::Line(InvalidLine { line, reason: LineError::MissingDescription }))
                if line == free
        ));
        let swiss = CurrencyCode::parse("CHF")?;
        let francs = quote.revise(|quote| {
            if let Some(line) = quote.lines.get_mut(&catalogue) {
                line.unit_price = Money::new(1_840, swiss);
            }
        });
        assert!(matches!(
            francs,
            Err(QuoteError::Amount(AmountError::MixedCurrencies { .. }))
        ));
        assert_eq!(quote, before);
        Ok(())
    }

    #[test]
    fn a_new_version_is_a_linked_draft_and_the_old_one_is_untouched() -> Outcome {
        let (quote, _, free) = two_line_draft()?;
        let first_id = QuoteId::generate();
        let mut first = QuoteDocument::create(first_id, &quote, &Edit::anonymous(1))?;
        assert!(matches!(
            first.record()?.new_version(first_id, date("2026-03-09")?),
            Err(QuoteError::NotVersionable(QuoteStatus::Draft))
        ));
        first.apply(&Edit::anonymous(2), QuoteTransition::Send)?;
        let sent = first.record()?;
        let heads = first.heads();
        let mut next = sent.new_version(first_id, date("2026-03-09")?)?;
        assert_eq!(next.version, 2);
        assert_eq!(next.previous, Some(first_id));
        assert_eq!(next.number, sent.number);
        assert_eq!(next.status, QuoteStatus::Draft);
        assert_eq!(next.lines, sent.lines);
        next.revise(|quote| {
            quote.lines.remove(&free);
        })?;
        let second = QuoteDocument::create(QuoteId::generate(), &next, &Edit::anonymous(3))?;
        assert_eq!(second.record()?.lines.len(), 1);
        assert_eq!(first.heads(), heads);
        assert_eq!(first.record()?, sent);
        let mut accepted = sent;
        accepted.apply(QuoteTransition::Accept)?;
        assert!(matches!(
            accepted.new_version(first_id, date("2026-03-09")?),
            Err(QuoteError::NotVersionable(QuoteStatus::Accepted))
        ));
        Ok(())
    }

    #[test]
    fn an_offline_edit_that_meets_a_sent_copy_is_detected() -> Outcome {
        let (quote, catalogue, _) = two_line_draft()?;
        let mut sender = QuoteDocument::create(QuoteId::generate(), &quote, &Edit::anonymous(1))?;
        let mut editor = sender.fork();
        sender.apply(&Edit::anonymous(2), QuoteTransition::Send)?;
        assert!(!sender.record()?.changed_since_sent());
        editor.revise(&Edit::anonymous(2), "offline edit", |quote| {
            if let Some(line) = quote.lines.get_mut(&catalogue) {
                line.quantity = Quantity::units(6).unwrap_or(line.quantity);
            }
        })?;
        sender.merge(&mut editor)?;
        let merged = sender.record()?;
        assert_eq!(merged.status, QuoteStatus::Sent);
        assert!(merged.changed_since_sent());
        assert!(!editor.record()?.changed_since_sent());
        Ok(())
    }

    #[test]
    fn a_quote_cannot_carry_an_order_number_or_a_retired_product() -> Outcome {
        let order_number = DocumentNumber::parse("C-2026-7K2Q-0001")?;
        let wrong = Quote::new(
            order_number,
            AccountId::generate(),
            date("2026-03-02")?,
            CurrencyCode::EUR,
        );
        assert!(matches!(
            wrong,
            Err(QuoteError::Numbering(NumberingError::WrongSeries {
                expected: Series::Quote,
                ..
            }))
        ));
        let mut retired = flour()?;
        retired.active = false;
        assert_eq!(
            Line::from_product(ProductId::generate(), &retired, Quantity::ONE, 0),
            Err(LineError::InactiveProduct {
                reference: "FAR-T65-25".to_owned()
            })
        );
        Ok(())
    }

    #[test]
    fn an_edit_to_a_draft_passes_and_to_a_sent_quote_is_refused_as_frozen() -> Outcome {
        let (draft, catalogue, _) = two_line_draft()?;
        let mut edited = draft.clone();
        edited.payment_terms = "comptant".to_owned();
        assert!(Quote::admits(&draft, &edited).is_ok());
        // Sending through an edit must fingerprint what is sent, as `apply` does.
        let mut sent = draft.clone();
        sent.apply(QuoteTransition::Send)?;
        assert!(Quote::admits(&draft, &sent).is_ok());
        let mut sent_unprinted = sent.clone();
        sent_unprinted.sent_fingerprint = None;
        assert_eq!(
            Quote::admits(&draft, &sent_unprinted),
            Err(RefusedChange::Protected("status"))
        );
        let mut changed = sent.clone();
        changed.lines.remove(&catalogue);
        assert_eq!(
            Quote::admits(&sent, &changed),
            Err(RefusedChange::Frozen("sent".to_owned()))
        );
        let mut renumbered = draft.clone();
        renumbered.version = 7;
        assert_eq!(
            Quote::admits(&draft, &renumbered),
            Err(RefusedChange::Protected("version"))
        );
        Ok(())
    }

    #[test]
    fn a_sent_quote_is_signed_once_and_the_signature_cannot_change_afterwards() -> Outcome {
        let (mut quote, _, _) = two_line_draft()?;
        let signature = Signature::new("Marie Dupont", 1_780_000_000, "M 10 10 L 20 20")?;
        assert!(matches!(
            quote.clone().sign(signature.clone()),
            Err(QuoteError::Transition(_))
        ));
        quote.apply(QuoteTransition::Send)?;
        let sent = quote.clone();
        quote.sign(signature.clone())?;
        assert_eq!(quote.status, QuoteStatus::Accepted);
        assert!(Quote::admits(&sent, &quote).is_ok());
        let mut forged = quote.clone();
        forged.signature = Some(Signature::new("Someone Else", 1, "M 1 1 L 2 2")?);
        assert_eq!(
            Quote::admits(&quote, &forged),
            Err(RefusedChange::Frozen("accepted".to_owned()))
        );
        // Accepting while changing a line at the same time is refused.
        let mut sneaky = sent.clone();
        sneaky.sign(signature)?;
        sneaky.payment_terms = "à 90 jours".to_owned();
        assert_eq!(
            Quote::admits(&sent, &sneaky),
            Err(RefusedChange::Frozen("sent".to_owned()))
        );
        Ok(())
    }

    #[test]
    fn a_quote_is_created_only_as_a_valid_draft() -> Outcome {
        let (mut quote, _, _) = two_line_draft()?;
        assert!(Quote::admits_new(&quote).is_ok());
        quote.apply(QuoteTransition::Send)?;
        assert_eq!(
            Quote::admits_new(&quote),
            Err(RefusedChange::Frozen("sent".to_owned()))
        );
        Ok(())
    }

    #[test]
    fn a_quote_document_gives_its_row_with_totals_and_account() -> Outcome {
        let (quote, _, _) = two_line_draft()?;
        let id = QuoteId::generate();
        let mut document = QuoteDocument::create(id, &quote, &Edit::anonymous(1))?;
        let row = document.index_row()?;
        assert_eq!(row.id, id.to_string());
        assert_eq!(row.number, "D-2026-7K2Q-0001");
        assert_eq!(row.account, quote.account.to_string());
        assert_eq!(row.status, "draft");
        assert_eq!(
            row.totals,
            Some(crate::sales::RowTotals {
                net: 10_860,
                gross: 11_965
            })
        );
        assert_eq!(row.lines, 2);
        Ok(())
    }
}
