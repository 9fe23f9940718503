//! One quote version opened for editing: its lines, terms and status, edited through the
//! workspace service like every record. Each edit is first made on the page's copy with the
//! rules of `shared::sales` (a frozen quote refuses it there and then; the worker checks again
//! against the document as it is then).

use shared::field::FieldPath;
use shared::ids::{LineId, QuoteId};
use shared::sales::{
    Line, ProductIndexRow, Quantity, Quote, QuoteError, QuoteTransition, Signature,
};
use shared::values::Money;
use yew::prelude::*;

use super::quote_view::{
    missing_quote, quote_view, set_line_field, LineField, LineProblem, QuoteView,
};
use crate::records::typed_text::TypedText;
use crate::records::{use_document, DocumentHandle};

/// The open quote and the edits its page can make.
#[derive(Clone, PartialEq)]
pub(super) struct QuoteHandle {
    document: DocumentHandle<Quote, QuoteView>,
}

/// Opens quote version `id`.
#[hook]
pub(super) fn use_quote(id: QuoteId) -> QuoteHandle {
    QuoteHandle {
        document: use_document::<Quote, QuoteView>(id, quote_view, missing_quote),
    }
}

/// The catalogue message for a refused quote edit.
pub(super) fn quote_problem(error: &QuoteError) -> &'static str {
    match error {
        QuoteError::Frozen(_) => "problem-sale-frozen",
        QuoteError::NoLines => "sales-problem-no-lines",
        QuoteError::Line(_) => "sales-problem-description",
        QuoteError::Amount(_) => "sales-problem-amounts",
        QuoteError::Signature(_) => "sales-problem-signature",
        _ => "problem-sales-invalid",
    }
}

impl QuoteHandle {
    /// What to show.
    pub(super) fn view(&self) -> &QuoteView {
        self.document.view()
    }

    /// Changes the draft with `change` on a copy first; sends it only when the quote's rules
    /// allow it.
    fn revise(&self, message: &str, change: impl FnOnce(&mut Quote)) -> Result<(), &'static str> {
        let Some(mut quote) = self.view().quote.clone() else {
            return Ok(());
        };
        quote
            .revise(change)
            .map_err(|error| quote_problem(&error))?;
        self.document.update(message, move |shown| *shown = quote);
        Ok(())
    }

    /// Adds one unit of the catalogue product `row` as a new last line.
    pub(super) fn add_product(&self, row: &ProductIndexRow) -> Result<(), &'static str> {
        let position = self.view().quote.as_ref().map_or(0, Quote::next_position);
        let line = Line::from_catalogue_row(row, Quantity::ONE, position)
            .map_err(|_| "sales-problem-product")?;
        self.revise("add line", move |quote| {
            quote.lines.insert(LineId::generate(), line);
        })
    }

    /// Adds a free line (not from the catalogue) described as `description`.
    pub(super) fn add_free_line(&self, description: &str) -> Result<(), &'static str> {
        let Some(quote) = self.view().quote.as_ref() else {
            return Ok(());
        };
        if description.trim().is_empty() {
            return Err(LineProblem::Description.message_id());
        }
        let line = Line::free(
            description,
            Quantity::ONE,
            Money::zero(quote.currency),
            shared::sales::VatRate::Standard,
            quote.next_position(),
        );
        self.revise("add line", move |quote| {
            quote.lines.insert(LineId::generate(), line);
        })
    }

    /// Sets `field` of line `line` from what the rep typed.
    pub(super) fn set_line(
        &self,
        line: LineId,
        field: LineField,
        text: &str,
    ) -> Result<(), &'static str> {
        let Some(mut edited) = self
            .view()
            .quote
            .as_ref()
            .and_then(|quote| quote.lines.get(&line).cloned())
        else {
            return Ok(());
        };
        set_line_field(&mut edited, field, text).map_err(LineProblem::message_id)?;
        self.revise("change line", move |quote| {
            quote.lines.insert(line, edited);
        })
    }

    /// Removes line `line`.
    pub(super) fn remove_line(&self, line: LineId) -> Result<(), &'static str> {
        self.revise("remove line", move |quote| {
            quote.lines.remove(&line);
        })
    }

    /// Sets the last day the offer holds (`2026-12-31`; blank clears it).
    pub(super) fn set_valid_until(&self, text: &str) -> Result<(), &'static str> {
        let date =
            crate::records::field_input::date(text).map_err(|problem| problem.message_id())?;
        self.revise("change validity", move |quote| quote.valid_until = date)
    }

    /// Sets the payment terms.
    pub(super) fn set_payment_terms(&self, text: String) -> Result<(), &'static str> {
        self.revise("change payment terms", move |quote| {
            quote.payment_terms = text;
        })
    }

    /// The notes now read `text` (refused once the quote is frozen).
    pub(super) fn type_notes(&self, typed: TypedText) -> Result<(), &'static str> {
        if !self.view().editable {
            return Err("problem-sale-frozen");
        }
        self.document.type_text(FieldPath::root("notes"), typed);
        Ok(())
    }

    /// Moves the quote on: sends, refuses or marks it expired.
    pub(super) fn apply(&self, transition: QuoteTransition) -> Result<(), &'static str> {
        let Some(mut quote) = self.view().quote.clone() else {
            return Ok(());
        };
        quote
            .apply(transition)
            .map_err(|error| quote_problem(&error))?;
        self.document
            .update(&format!("quote: {transition}"), move |shown| *shown = quote);
        Ok(())
    }

    /// The customer signs the sent quote, which is accepted.
    pub(super) fn sign(&self, signature: Signature) -> Result<(), &'static str> {
        let Some(mut quote) = self.view().quote.clone() else {
            return Ok(());
        };
        quote
            .sign(signature)
            .map_err(|error| quote_problem(&error))?;
        self.document
            .update("quote: signed", move |shown| *shown = quote);
        Ok(())
    }
}
