//! What the order page shows of one order: its fixed lines and totals, its status and what may
//! still change (delivery date, notes), pure and tested natively.

use shared::sales::{Order, OrderStatus, OrderTransition};

use super::quote_view::{line_rows, totals_row, LineRow, TotalsRow};
use crate::records::record_view::RecordSnapshot;
use crate::state::problem::Problem;

/// What the order page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such order.
    pub missing: bool,
    /// The order, once read.
    pub order: Option<Order>,
    /// Its lines in order.
    pub lines: Vec<LineRow>,
    /// Its totals, when the lines add up.
    pub totals: Option<TotalsRow>,
    /// The last save or load problem.
    pub error: Option<Problem>,
}

impl OrderView {
    /// Whether `transition` is possible now.
    pub fn can(&self, transition: OrderTransition) -> bool {
        self.order
            .as_ref()
            .is_some_and(|order| order.status.after(transition).is_ok())
    }

    /// Whether its delivery date and notes may still change (a confirmed order).
    pub fn open(&self) -> bool {
        self.order
            .as_ref()
            .is_some_and(|order| order.status == OrderStatus::Confirmed)
    }
}

/// The order page's view of `snapshot`, given the last save problem.
pub fn order_view(snapshot: &RecordSnapshot<Order>, error: Option<&Problem>) -> OrderView {
    let Ok(order) = &snapshot.record else {
        return OrderView {
            loaded: true,
            error: Some(Problem::new("problem-record-too-new")),
            ..OrderView::default()
        };
    };
    OrderView {
        loaded: true,
        missing: false,
        lines: line_rows(order.ordered_lines()),
        totals: order.totals().ok().map(|totals| totals_row(&totals)),
        order: Some(order.clone()),
        error: error.cloned(),
    }
}

/// The view of an order this device does not have (or cannot read: `problem`).
pub fn missing_order(problem: Option<Problem>) -> OrderView {
    OrderView {
        loaded: true,
        missing: problem.is_none(),
        error: problem,
        ..OrderView::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{AccountId, LineId};
    use shared::sales::{DeviceCode, Line, NumberBook, Quantity, Series, VatRate};
    use shared::values::{CurrencyCode, Date, Money};

    #[test]
    fn a_confirmed_order_may_be_delivered_or_cancelled_and_a_delivered_one_no_more(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let line = Line::free(
            "Révision",
            Quantity::ONE,
            Money::new(48_000, CurrencyCode::EUR),
            VatRate::Standard,
            0,
        );
        let mut order = Order::direct(
            book.issue(Series::Order, 2026)?,
            AccountId::generate(),
            CurrencyCode::EUR,
            Date::parse("2026-12-04")?,
            [(LineId::generate(), line)].into_iter().collect(),
        )?;
        let snapshot = |order: &Order| RecordSnapshot {
            record: Ok(order.clone()),
            conflicts: Vec::new(),
        };
        let view = order_view(&snapshot(&order), None);
        assert!(view.open());
        assert!(view.can(OrderTransition::Deliver));
        assert_eq!(view.totals.map(|totals| totals.gross), Some(57_600));
        order.apply(OrderTransition::Deliver)?;
        let view = order_view(&snapshot(&order), None);
        assert!(!view.open());
        assert!(!view.can(OrderTransition::Cancel));
        Ok(())
    }
}
