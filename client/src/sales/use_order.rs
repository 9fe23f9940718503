//! One order opened: its delivery date, notes and status are what may change, through the
//! workspace service; its lines are fixed (the worker refuses anything else).

use shared::field::FieldPath;
use shared::ids::OrderId;
use shared::sales::{Order, OrderTransition};
use yew::prelude::*;

use super::order_view::{missing_order, order_view, OrderView};
use crate::records::typed_text::TypedText;
use crate::records::{use_document, DocumentHandle};

/// The open order and the edits its page can make.
#[derive(Clone, PartialEq)]
pub(super) struct OrderHandle {
    document: DocumentHandle<Order, OrderView>,
}

/// Opens order `id`.
#[hook]
pub(super) fn use_order(id: OrderId) -> OrderHandle {
    OrderHandle {
        document: use_document::<Order, OrderView>(id, order_view, missing_order),
    }
}

impl OrderHandle {
    /// What to show.
    pub(super) fn view(&self) -> &OrderView {
        self.document.view()
    }

    /// Sets the delivery date (`2026-12-31`; blank clears it).
    pub(super) fn set_delivery_date(&self, text: &str) -> Result<(), &'static str> {
        let date =
            crate::records::field_input::date(text).map_err(|problem| problem.message_id())?;
        let Some(mut order) = self.view().order.clone() else {
            return Ok(());
        };
        order
            .schedule_delivery(date)
            .map_err(|_| "problem-sale-frozen")?;
        self.document
            .update("schedule delivery", move |shown| *shown = order);
        Ok(())
    }

    /// The notes now read `text`.
    pub(super) fn type_notes(&self, typed: TypedText) -> Result<(), &'static str> {
        if !self.view().open() {
            return Err("problem-sale-frozen");
        }
        self.document.type_text(FieldPath::root("notes"), typed);
        Ok(())
    }

    /// Marks the order delivered or cancelled.
    pub(super) fn apply(&self, transition: OrderTransition) -> Result<(), &'static str> {
        let Some(mut order) = self.view().order.clone() else {
            return Ok(());
        };
        order.apply(transition).map_err(|_| "problem-sale-frozen")?;
        self.document
            .update(&format!("order: {transition}"), move |shown| *shown = order);
        Ok(())
    }
}
