//! The order (bon de commande) record and its document.
//!
//! An order is made from an accepted quote, whose lines and terms it copies, or taken directly
//! with its lines. Either way its lines are fixed from then on: only its delivery date, its
//! notes and its status (confirmed → delivered or cancelled) change. It has its own number
//! series (`C-…`), issued on the device when the order is confirmed.

use automerge::ChangeHash;
use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::line::{check_lines, ordered, InvalidLine, Line, Lines};
use super::numbering::{DocumentNumber, NumberingError, Series};
use super::quote::Quote;
use super::status::{IllegalTransition, OrderStatus, OrderTransition, QuoteStatus};
use super::totals::Totals;
use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::field::FieldPath;
use crate::ids::{AccountId, DealId, LineId, OrderId, QuoteId};
use crate::record::{Record, RefusedChange};
use crate::record_patch::TextFields;
use crate::values::{AmountError, CurrencyCode, Date};

/// The schema version this build writes into order documents.
pub const ORDER_SCHEMA_VERSION: u64 = 1;

/// An order taken from a customer.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Order {
    /// Its human number (`C-2026-7K2Q-0007`).
    pub number: DocumentNumber,
    /// The customer.
    pub account: AccountId,
    /// The deal it closes, if any.
    #[autosurgeon(missing = "Default::default")]
    pub deal: Option<DealId>,
    /// The accepted quote it was made from, if any.
    #[autosurgeon(missing = "Default::default")]
    pub quote: Option<QuoteReference>,
    /// The day it was taken.
    pub ordered_on: Date,
    /// The day it is (to be) delivered.
    #[autosurgeon(missing = "Default::default")]
    pub delivery_date: Option<Date>,
    /// Payment terms as printed.
    #[autosurgeon(missing = "Default::default")]
    pub payment_terms: String,
    /// The currency every line is priced in.
    pub currency: CurrencyCode,
    /// The lines, by id, fixed when the order is made.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub lines: Lines,
    /// Confirmed, delivered or cancelled.
    pub status: OrderStatus,
    /// Notes (delivery instructions…), edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub notes: Text,
}

/// The quote version an order was made from.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct QuoteReference {
    /// The quote version's document.
    pub quote: QuoteId,
    /// Its number.
    pub number: DocumentNumber,
    /// Its version.
    pub version: u32,
}

/// Why an order cannot be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// Only an accepted quote becomes an order.
    #[error("the quote is {0}: only an accepted quote becomes an order")]
    QuoteNotAccepted(QuoteStatus),
    /// An order sells something.
    #[error("an order needs at least one line")]
    NoLines,
    /// An edit tried to change what is fixed when the order is made.
    #[error("an order's {0} cannot change")]
    Fixed(&'static str),
    /// A delivered or cancelled order changes no more.
    #[error("the order is {0}: it can no longer change")]
    Closed(OrderStatus),
    /// The status machine refuses the transition.
    #[error(transparent)]
    Transition(#[from] IllegalTransition<OrderStatus, OrderTransition>),
    /// The number is not an order number.
    #[error(transparent)]
    Numbering(#[from] NumberingError),
    /// A line is not valid.
    #[error(transparent)]
    Line(#[from] InvalidLine),
    /// The lines do not add up: another currency, or amounts too large.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The document layer failed.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl Order {
    /// The order an accepted quote (`id` being its document) becomes: its lines, terms,
    /// customer and deal copied, numbered `number` (an order number), confirmed on `ordered_on`.
    pub fn from_quote(
        id: QuoteId,
        quote: &Quote,
        number: DocumentNumber,
        ordered_on: Date,
    ) -> Result<Self, OrderError> {
        if quote.status != QuoteStatus::Accepted {
            return Err(OrderError::QuoteNotAccepted(quote.status.clone()));
        }
        let mut order = Self::direct(
            number,
            quote.account,
            quote.currency,
            ordered_on,
            quote.lines.clone(),
        )?;
        order.deal = quote.deal;
        order.payment_terms.clone_from(&quote.payment_terms);
        order.quote = Some(QuoteReference {
            quote: id,
            number: quote.number.clone(),
            version: quote.version,
        });
        Ok(order)
    }

    /// An order taken directly (no quote) with `lines`, numbered `number` (an order number),
    /// confirmed on `ordered_on`.
    pub fn direct(
        number: DocumentNumber,
        account: AccountId,
        currency: CurrencyCode,
        ordered_on: Date,
        lines: Lines,
    ) -> Result<Self, OrderError> {
        let order = Self {
            number,
            account,
            deal: None,
            quote: None,
            ordered_on,
            delivery_date: None,
            payment_terms: String::new(),
            currency,
            lines,
            status: OrderStatus::Confirmed,
            notes: Text::with_value(""),
        };
        order.check()?;
        Ok(order)
    }

    /// Checks what the types alone do not: the number's series, at least one line, every
    /// line, and that the lines add up in the order's currency.
    pub fn check(&self) -> Result<(), OrderError> {
        self.number.expect_series(Series::Order)?;
        if self.lines.is_empty() {
            return Err(OrderError::NoLines);
        }
        check_lines(&self.lines)?;
        self.totals()?;
        Ok(())
    }

    /// The lines in document order.
    pub fn ordered_lines(&self) -> Vec<(LineId, &Line)> {
        ordered(&self.lines)
    }

    /// The totals, computed from the lines.
    pub fn totals(&self) -> Result<Totals, AmountError> {
        Totals::of(self.currency, self.lines.values())
    }

    /// Sets (or clears) the delivery date of a confirmed order.
    pub fn schedule_delivery(&mut self, date: Option<Date>) -> Result<(), OrderError> {
        if self.status != OrderStatus::Confirmed {
            return Err(OrderError::Closed(self.status.clone()));
        }
        self.delivery_date = date;
        Ok(())
    }

    /// Moves the order through its status machine.
    pub fn apply(&mut self, transition: OrderTransition) -> Result<(), OrderError> {
        self.status = self.status.after(transition)?;
        Ok(())
    }

    /// Whether an edit may take the order from `before` to `after`: its number, customer,
    /// links, date, currency and lines never change; a confirmed order's delivery date, terms
    /// and notes do, and it moves on once (delivered or cancelled); a closed order never
    /// changes.
    pub fn check_edit(before: &Order, after: &Order) -> Result<(), OrderError> {
        if before == after {
            return Ok(());
        }
        if before.status != OrderStatus::Confirmed {
            return Err(OrderError::Closed(before.status.clone()));
        }
        let fixed = [
            ("number", before.number == after.number),
            ("account", before.account == after.account),
            ("deal", before.deal == after.deal),
            ("quote", before.quote == after.quote),
            ("order date", before.ordered_on == after.ordered_on),
            ("currency", before.currency == after.currency),
            ("lines", before.lines == after.lines),
        ];
        if let Some((field, _)) = fixed.into_iter().find(|(_, kept)| !kept) {
            return Err(OrderError::Fixed(field));
        }
        if before.status != after.status {
            [OrderTransition::Deliver, OrderTransition::Cancel]
                .into_iter()
                .find(|transition| {
                    before.status.after(*transition).ok().as_ref() == Some(&after.status)
                })
                .ok_or(OrderError::Fixed("status"))?;
        }
        Ok(())
    }
}

impl Record for Order {
    type Id = OrderId;
    const KIND: &'static str = "order";
    const HAS_EDIT_RULES: bool = true;

    fn admits(before: &Self, after: &Self) -> Result<(), RefusedChange> {
        Order::check_edit(before, after).map_err(|error| match error {
            OrderError::Closed(status) => RefusedChange::Frozen(status.to_string()),
            OrderError::Fixed(field) => RefusedChange::Protected(field),
            other => RefusedChange::Invalid(other.to_string()),
        })
    }

    fn admits_new(record: &Self) -> Result<(), RefusedChange> {
        record
            .check()
            .map_err(|error| RefusedChange::Invalid(error.to_string()))
    }
    const SCHEMA_VERSION: u64 = ORDER_SCHEMA_VERSION;
}

/// An order held as its Automerge document.
pub type OrderDocument = Document<Order>;

impl Document<Order> {
    /// Creates an order document holding `order`, which must be valid.
    pub fn create(id: OrderId, order: &Order, edit: &Edit) -> Result<Self, OrderError> {
        order.check()?;
        Ok(Self::new(id, order, edit)?)
    }

    /// Sets the delivery date (see [`Order::schedule_delivery`]).
    pub fn schedule_delivery(
        &mut self,
        edit: &Edit,
        date: Option<Date>,
    ) -> Result<Option<ChangeHash>, OrderError> {
        self.try_update(edit, "order: delivery date", |order| {
            order.schedule_delivery(date)
        })
    }

    /// Moves the order through its status machine (see [`Order::apply`]).
    pub fn apply(
        &mut self,
        edit: &Edit,
        transition: OrderTransition,
    ) -> Result<Option<ChangeHash>, OrderError> {
        let message = format!("order: {transition}");
        self.try_update(edit, &message, |order| order.apply(transition))
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Order {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        vec![(FieldPath::root("notes"), &mut self.notes)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RefusedChange;
    use crate::sales::{DeviceCode, NumberBook, Quantity, QuoteTransition, VatRate};
    use crate::values::Money;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn accepted_quote(book: &mut NumberBook) -> Result<Quote, Box<dyn std::error::Error>> {
        let mut quote = Quote::new(
            book.issue(Series::Quote, 2026)?,
            AccountId::generate(),
            Date::parse("2026-03-02")?,
            CurrencyCode::EUR,
        )?;
        let line = Line::free(
            "Four à sole, révision",
            Quantity::ONE,
            Money::new(48_000, CurrencyCode::EUR),
            VatRate::Standard,
            0,
        );
        quote.revise(|quote| {
            quote.lines.insert(LineId::generate(), line);
            quote.deal = Some(DealId::generate());
        })?;
        quote.apply(QuoteTransition::Send)?;
        quote.apply(QuoteTransition::Accept)?;
        Ok(quote)
    }

    #[test]
    fn an_accepted_quote_becomes_a_confirmed_order_with_its_lines() -> Outcome {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let quote = accepted_quote(&mut book)?;
        let quote_id = QuoteId::generate();
        let number = book.issue(Series::Order, 2026)?;
        let order = Order::from_quote(quote_id, &quote, number, Date::parse("2026-03-10")?)?;
        assert_eq!(order.number.to_string(), "C-2026-7K2Q-0001");
        assert_eq!(order.status, OrderStatus::Confirmed);
        assert_eq!(order.lines, quote.lines);
        assert_eq!(order.deal, quote.deal);
        assert_eq!(
            order.quote.as_ref().map(|reference| reference.quote),
            Some(quote_id)
        );
        assert_eq!(order.totals()?, quote.totals()?);
        let mut document = OrderDocument::create(OrderId::generate(), &order, &Edit::anonymous(1))?;
        assert_eq!(OrderDocument::load(&document.save())?.record()?, order);
        Ok(())
    }

    #[test]
    fn a_quote_not_yet_accepted_does_not_become_an_order() -> Outcome {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let mut quote = accepted_quote(&mut book)?;
        quote.status = QuoteStatus::Sent;
        let refused = Order::from_quote(
            QuoteId::generate(),
            &quote,
            book.issue(Series::Order, 2026)?,
            Date::parse("2026-03-10")?,
        );
        assert!(matches!(
            refused,
            Err(OrderError::QuoteNotAccepted(QuoteStatus::Sent))
        ));
        quote.status = QuoteStatus::Accepted;
        let quote_numbered = Order::from_quote(
            QuoteId::generate(),
            &quote,
            book.issue(Series::Quote, 2026)?,
            Date::parse("2026-03-10")?,
        );
        assert!(matches!(
            quote_numbered,
            Err(OrderError::Numbering(NumberingError::WrongSeries { .. }))
        ));
        Ok(())
    }

    #[test]
    fn a_direct_order_needs_lines_and_closes_once_delivered() -> Outcome {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let ordered_on = Date::parse("2026-04-01")?;
        let empty = Order::direct(
            book.issue(Series::Order, 2026)?,
            AccountId::generate(),
            CurrencyCode::EUR,
            ordered_on,
            Lines::new(),
        );
        assert!(matches!(empty, Err(OrderError::NoLines)));
        let mut lines = Lines::new();
        lines.insert(
            LineId::generate(),
            Line::free(
                "Pain de campagne",
                Quantity::parse("12,5")?,
                Money::new(420, CurrencyCode::EUR),
                VatRate::Reduced,
                0,
            ),
        );
        let order = Order::direct(
            book.issue(Series::Order, 2026)?,
            AccountId::generate(),
            CurrencyCode::EUR,
            ordered_on,
            lines,
        )?;
        let mut document = OrderDocument::create(OrderId::generate(), &order, &Edit::anonymous(1))?;
        let delivery = Date::parse("2026-04-03")?;
        document.schedule_delivery(&Edit::anonymous(2), Some(delivery))?;
        document.apply(&Edit::anonymous(3), OrderTransition::Deliver)?;
        let delivered = document.record()?;
        assert_eq!(delivered.status, OrderStatus::Delivered);
        assert_eq!(delivered.delivery_date, Some(delivery));
        let moved = document.schedule_delivery(&Edit::anonymous(4), None);
        assert!(matches!(
            moved,
            Err(OrderError::Closed(OrderStatus::Delivered))
        ));
        let cancelled = document.apply(&Edit::anonymous(4), OrderTransition::Cancel);
        assert!(matches!(cancelled, Err(OrderError::Transition(_))));
        Ok(())
    }

    #[test]
    fn an_orders_lines_are_fixed_and_a_closed_order_changes_no_more() -> Outcome {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let quote = accepted_quote(&mut book)?;
        let order = Order::from_quote(
            QuoteId::generate(),
            &quote,
            book.issue(Series::Order, 2026)?,
            Date::parse("2026-03-10")?,
        )?;
        let mut scheduled = order.clone();
        scheduled.delivery_date = Some(Date::parse("2026-03-20")?);
        assert!(Order::admits(&order, &scheduled).is_ok());
        let mut repriced = order.clone();
        repriced.lines.clear();
        assert_eq!(
            Order::admits(&order, &repriced),
            Err(RefusedChange::Protected("lines"))
        );
        let mut delivered = order.clone();
        delivered.apply(OrderTransition::Deliver)?;
        assert!(Order::admits(&order, &delivered).is_ok());
        let mut reopened = delivered.clone();
        reopened.status = OrderStatus::Confirmed;
        assert_eq!(
            Order::admits(&delivered, &reopened),
            Err(RefusedChange::Frozen("delivered".to_owned()))
        );
        Ok(())
    }
}
