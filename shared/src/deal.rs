//! The deal record (an opportunity) and its document.
//!
//! The amount is integer minor units with its currency; the stage is the key of a pipeline
//! stage from the workspace settings, a register, so two reps moving the same card concurrently
//! produce a visible conflict rather than a silent pick.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use crate::document::{Document, DocumentError};
use crate::field::FieldPath;
use crate::ids::{AccountId, DealId, UserId};
use crate::index::DealIndexRow;
use crate::record::{named_values, KeySet, Record};
use crate::record_patch::TextFields;
use crate::values::{Date, Money};

/// The schema version this build writes into deal documents.
pub const DEAL_SCHEMA_VERSION: u64 = 1;

named_values!(
    /// Whether the deal is still being worked.
    DealStatus {
        /// In progress.
        Open => "open",
        /// Signed.
        Won => "won",
        /// Lost.
        Lost => "lost",
    }
);

/// An opportunity to sell.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Deal {
    /// What is being sold.
    pub title: String,
    /// The account buying.
    #[autosurgeon(missing = "Default::default")]
    pub account: Option<AccountId>,
    /// The contacts involved (ids).
    #[autosurgeon(missing = "Default::default")]
    pub contacts: KeySet,
    /// The pipeline stage key.
    pub stage: String,
    /// The amount.
    #[autosurgeon(missing = "Default::default")]
    pub amount: Option<Money>,
    /// Win probability in percent (0–100).
    #[autosurgeon(missing = "Default::default")]
    pub probability: Option<u8>,
    /// Expected close date.
    #[autosurgeon(missing = "Default::default")]
    pub expected_close: Option<Date>,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Why it was won or lost.
    #[autosurgeon(missing = "Default::default")]
    pub status_reason: Option<String>,
    /// The rep who owns the deal.
    #[autosurgeon(missing = "Default::default")]
    pub owner: Option<UserId>,
    /// Free notes, edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub notes: Text,
}

impl Deal {
    /// An open deal called `title` at pipeline stage `stage`.
    pub fn new(title: &str, stage: &str) -> Self {
        Self {
            title: title.to_owned(),
            account: None,
            contacts: KeySet::default(),
            stage: stage.to_owned(),
            amount: None,
            probability: None,
            expected_close: None,
            status: DealStatus::Open,
            status_reason: None,
            owner: None,
            notes: Text::with_value(""),
        }
    }
}

impl Record for Deal {
    type Id = DealId;
    const KIND: &'static str = "deal";
    const SCHEMA_VERSION: u64 = DEAL_SCHEMA_VERSION;
}

/// A deal held as its Automerge document.
pub type DealDocument = Document<Deal>;

impl Document<Deal> {
    /// The card the pipeline board reads instead of loading this document.
    pub fn index_row(&mut self) -> Result<DealIndexRow, DocumentError> {
        let heads = self.heads();
        Ok(DealIndexRow::from_deal(self.id(), &self.record()?, &heads))
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Deal {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        vec![(FieldPath::root("notes"), &mut self.notes)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::values::CurrencyCode;

    #[test]
    fn concurrent_stage_moves_are_a_visible_conflict() -> Result<(), DocumentError> {
        let mut first = DealDocument::new(
            DealId::generate(),
            &Deal::new("Four à sole", "meet"),
            &Edit::anonymous(1),
        )?;
        let mut second = first.fork();
        first.update(&Edit::anonymous(2), "move", |d| {
            d.stage = "propose".to_owned()
        })?;
        second.update(&Edit::anonymous(2), "move", |d| {
            d.stage = "sign".to_owned();
            d.amount = Some(Money::new(1_250_000, CurrencyCode::EUR));
        })?;
        first.merge(&mut second)?;
        let stages = first.conflicts(&crate::field::FieldPath::root("stage"))?;
        assert_eq!(stages.len(), 2);
        let row = first.index_row()?;
        assert_eq!(row.amount, Some((1_250_000, "EUR".to_owned())));
        assert_eq!(row.status, "open");
        Ok(())
    }

    #[test]
    fn a_deals_row_carries_its_own_probability_or_none() -> Result<(), DocumentError> {
        let mut deal = Deal::new("Four à sole", "meet");
        let mut plain = DealDocument::new(DealId::generate(), &deal, &Edit::anonymous(1))?;
        deal.probability = Some(35);
        let mut own = DealDocument::new(DealId::generate(), &deal, &Edit::anonymous(1))?;
        let row = own.index_row()?;
        assert_eq!(row.probability, Some(35));
        assert_eq!(row.form, crate::index::ROW_FORM);
        assert_eq!(plain.index_row()?.probability, None);
        Ok(())
    }
}
