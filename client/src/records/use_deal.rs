//! One deal opened for editing: the deal page's view of its document and its edits.

use std::str::FromStr;

use shared::deal::{Deal, DealStatus};
use shared::field::FieldPath;
use shared::ids::DealId;
use shared::values::CurrencyCode;
use yew::prelude::*;

use super::use_document::{use_document, DocumentHandle};
use crate::records::deal_view::{deal_view, DealView};
use crate::records::field_input::{self, InputProblem};
use crate::records::typed_text::TypedText;

/// The open deal and the edits a page can make.
#[derive(Clone, PartialEq)]
pub struct DealHandle {
    document: DocumentHandle<Deal, DealView>,
}

impl DealHandle {
    /// What to show.
    pub fn view(&self) -> &DealView {
        self.document.view()
    }

    /// The underlying record handle (history, restore, conflicts).
    pub fn document(&self) -> &DocumentHandle<Deal, DealView> {
        &self.document
    }

    /// Renames the deal (a blank title is refused).
    pub fn set_title(&self, typed: TypedText) -> Result<(), InputProblem> {
        field_input::required_text(typed.text())?;
        self.document.type_into("rename deal", move |deal| {
            deal.title = typed.onto(&deal.title);
        });
        Ok(())
    }

    /// Moves the deal to pipeline stage `stage`.
    pub fn set_stage(&self, stage: String) {
        self.document
            .update("move deal", move |deal| deal.stage = stage);
    }

    /// Marks the deal open, won or lost (stored name).
    pub fn set_status(&self, status: String) {
        let Ok(status) = DealStatus::from_str(&status);
        self.document
            .update("change deal status", move |deal| deal.status = status);
    }

    /// Sets the amount from `text` in the deal's currency (else `default_currency`); blank
    /// clears it.
    pub fn set_amount(
        &self,
        text: &str,
        default_currency: CurrencyCode,
    ) -> Result<(), InputProblem> {
        let currency = self
            .view()
            .amount
            .as_ref()
            .and_then(|(_, currency)| CurrencyCode::parse(currency).ok())
            .unwrap_or(default_currency);
        let amount = field_input::money(text, currency)?;
        self.document
            .update("change amount", move |deal| deal.amount = amount);
        Ok(())
    }

    /// Sets the expected close date (`2025-03-31`; blank clears it).
    pub fn set_expected_close(&self, text: &str) -> Result<(), InputProblem> {
        let date = field_input::date(text)?;
        self.document
            .update("change close date", move |deal| deal.expected_close = date);
        Ok(())
    }

    /// The rep typed into the notes.
    pub fn type_notes(&self, typed: TypedText) {
        self.document.type_text(FieldPath::root("notes"), typed);
    }
}

/// Opens deal `id` from the device and keeps it current.
#[hook]
pub fn use_deal(id: DealId) -> DealHandle {
    DealHandle {
        document: use_document::<Deal, DealView>(id, deal_view, |error| DealView {
            loaded: true,
            missing: error.is_none(),
            error,
            ..DealView::default()
        }),
    }
}
