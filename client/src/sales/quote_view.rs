//! What the quote page shows of one quote version, and the edits it turns into a new quote:
//! pure, so tested natively. Amounts stay integers (minor units) until the page formats them
//! in the reader's language; totals are computed from the lines here, never read from storage.

use shared::ids::LineId;
use shared::sales::{
    Discount, Line, ProductIndexRow, Quantity, Quote, QuoteStatus, QuoteTransition, Signature,
    VatRate,
};
use shared::values::Money;

use crate::records::record_view::RecordSnapshot;
use crate::state::problem::Problem;

/// One line as the quote and order pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRow {
    /// The line's id.
    pub id: LineId,
    /// The catalogue reference, for a line made from a product.
    pub reference: Option<String>,
    /// What is sold.
    pub description: String,
    /// What one unit is.
    pub unit: String,
    /// The quantity as typed back (`2.5`).
    pub quantity: String,
    /// The unit price as typed back (`18.40`).
    pub unit_price: String,
    /// The unit price in minor units (for formatting).
    pub unit_price_minor: i64,
    /// The discount in percent as typed back (`10`, empty for none).
    pub discount: String,
    /// The VAT rate in basis points.
    pub vat_rate: u16,
    /// The line's net amount in minor units, when it computes.
    pub net: Option<i64>,
}

/// The VAT of one rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VatRow {
    /// The rate in basis points.
    pub rate: u16,
    /// The amount taxed at it, in minor units.
    pub base: i64,
    /// The VAT, in minor units.
    pub vat: i64,
}

/// The totals of a quote or an order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TotalsRow {
    /// Total before VAT.
    pub net: i64,
    /// One row per VAT rate, highest first.
    pub vat: Vec<VatRow>,
    /// Total including VAT.
    pub gross: i64,
}

/// What the quote page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuoteView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such quote.
    pub missing: bool,
    /// The quote (for edits and printing), once read.
    pub quote: Option<Quote>,
    /// Its lines in order.
    pub lines: Vec<LineRow>,
    /// Its totals, when the lines add up.
    pub totals: Option<TotalsRow>,
    /// Whether it may still be edited (a draft).
    pub editable: bool,
    /// Whether an offline edit met the copy that was sent (a new version is due).
    pub changed_since_sent: bool,
    /// The last save or load problem.
    pub error: Option<Problem>,
}

impl QuoteView {
    /// The quote's status, when read.
    pub fn status(&self) -> Option<&QuoteStatus> {
        self.quote.as_ref().map(|quote| &quote.status)
    }

    /// Whether `transition` is possible now.
    pub fn can(&self, transition: QuoteTransition) -> bool {
        self.quote.as_ref().is_some_and(|quote| {
            quote.status.after(transition).is_ok()
                && (transition != QuoteTransition::Send || !quote.lines.is_empty())
        })
    }

    /// Whether the quote can become a new version (sent, refused or expired).
    pub fn can_make_new_version(&self) -> bool {
        matches!(
            self.status(),
            Some(QuoteStatus::Sent | QuoteStatus::Refused | QuoteStatus::Expired)
        )
    }

    /// Whether the quote can become an order (accepted).
    pub fn can_make_order(&self) -> bool {
        self.status() == Some(&QuoteStatus::Accepted)
    }
}

/// The quote page's view of `snapshot`, given the last save problem.
pub fn quote_view(snapshot: &RecordSnapshot<Quote>, error: Option<&Problem>) -> QuoteView {
    let Ok(quote) = &snapshot.record else {
        return QuoteView {
            loaded: true,
            error: Some(Problem::new("problem-record-too-new")),
            ..QuoteView::default()
        };
    };
    QuoteView {
        loaded: true,
        missing: false,
        lines: line_rows(quote.ordered_lines()),
        totals: quote.totals().ok().map(|totals| totals_row(&totals)),
        editable: quote.status == QuoteStatus::Draft,
        changed_since_sent: quote.changed_since_sent(),
        quote: Some(quote.clone()),
        error: error.cloned(),
    }
}

/// The view of a quote this device does not have (or cannot read: `problem`).
pub fn missing_quote(problem: Option<Problem>) -> QuoteView {
    QuoteView {
        loaded: true,
        missing: problem.is_none(),
        error: problem,
        ..QuoteView::default()
    }
}

/// The rows of `lines`, in order.
pub fn line_rows(lines: Vec<(LineId, &Line)>) -> Vec<LineRow> {
    lines
        .into_iter()
        .map(|(id, line)| LineRow {
            id,
            reference: line.origin.as_ref().map(|origin| origin.reference.clone()),
            description: line.description.clone(),
            unit: line.unit.clone(),
            quantity: line.quantity.to_string(),
            unit_price: crate::records::field_input::amount_text(&line.unit_price),
            unit_price_minor: line.unit_price.minor_units,
            discount: if line.discount == Discount::NONE {
                String::new()
            } else {
                line.discount.to_string()
            },
            vat_rate: line.vat_rate.basis_points(),
            net: line.net().ok().map(|net| net.minor_units),
        })
        .collect()
}

/// The totals as rows.
pub fn totals_row(totals: &shared::sales::Totals) -> TotalsRow {
    TotalsRow {
        net: totals.net.minor_units,
        vat: totals
            .vat
            .iter()
            .map(|row| VatRow {
                rate: row.rate.basis_points(),
                base: row.taxable.minor_units,
                vat: row.vat.minor_units,
            })
            .collect(),
        gross: totals.gross.minor_units,
    }
}

/// One field of a line the rep types into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineField {
    /// What is sold.
    Description,
    /// How many.
    Quantity,
    /// The unit price excluding VAT.
    UnitPrice,
    /// The discount in percent.
    Discount,
    /// The VAT rate in percent.
    VatRate,
}

/// Why a typed value was refused (each a catalogue message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_id())]
pub enum LineProblem {
    /// Not a quantity.
    Quantity,
    /// Not an amount.
    Price,
    /// Not a discount between 0 and 100 %.
    Discount,
    /// Not a French VAT rate.
    VatRate,
    /// A line says what it sells.
    Description,
}

impl LineProblem {
    /// The catalogue message.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Quantity => "sales-problem-quantity",
            Self::Price => "sales-problem-price",
            Self::Discount => "sales-problem-discount",
            Self::VatRate => "sales-problem-vat-rate",
            Self::Description => "sales-problem-description",
        }
    }
}

/// Sets `field` of `line` from what the rep typed.
pub fn set_line_field(line: &mut Line, field: LineField, text: &str) -> Result<(), LineProblem> {
    match field {
        LineField::Description => {
            if text.trim().is_empty() {
                return Err(LineProblem::Description);
            }
            line.description = text.trim().to_owned();
        }
        LineField::Quantity => {
            line.quantity = Quantity::parse(text).map_err(|_| LineProblem::Quantity)?;
        }
        LineField::UnitPrice => {
            line.unit_price =
                Money::parse(text, line.unit_price.currency).map_err(|_| LineProblem::Price)?;
        }
        LineField::Discount => {
            line.discount = Discount::parse(text).map_err(|_| LineProblem::Discount)?;
        }
        LineField::VatRate => {
            line.vat_rate = VatRate::parse(text).map_err(|_| LineProblem::VatRate)?;
        }
    }
    Ok(())
}

/// The active products of the catalogue a quote in `currency` can offer, by reference.
pub fn offerable<'a>(products: &'a [ProductIndexRow], currency: &str) -> Vec<&'a ProductIndexRow> {
    let mut offerable: Vec<&ProductIndexRow> = products
        .iter()
        .filter(|row| row.active && row.unit_price.1 == currency)
        .collect();
    offerable.sort_by(|a, b| a.reference.cmp(&b.reference).then(a.id.cmp(&b.id)));
    offerable
}

/// A signature from what the pad drew, or why not.
pub fn signature_of(signer: &str, path: &str, now_seconds: i64) -> Result<Signature, &'static str> {
    Signature::new(signer, now_seconds, path).map_err(|error| match error {
        shared::sales::SignatureError::MissingSigner => "sales-problem-signer",
        shared::sales::SignatureError::Empty => "sales-problem-signature-empty",
        _ => "sales-problem-signature",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{AccountId, ProductId};
    use shared::sales::{DeviceCode, NumberBook, Series};
    use shared::values::{CurrencyCode, Date};

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn product(reference: &str, price: i64, vat: u16, active: bool) -> ProductIndexRow {
        ProductIndexRow {
            id: ProductId::generate().to_string(),
            reference: reference.to_owned(),
            name: format!("Produit {reference}"),
            unit: "sac".to_owned(),
            unit_price: (price, "EUR".to_owned()),
            vat_rate: vat,
            active,
            ..ProductIndexRow::default()
        }
    }

    fn draft() -> Result<Quote, Box<dyn std::error::Error>> {
        let number = NumberBook::new(DeviceCode::parse("7K2Q")?).issue(Series::Quote, 2026)?;
        Ok(Quote::new(
            number,
            AccountId::generate(),
            Date::parse("2026-12-04")?,
            CurrencyCode::EUR,
        )?)
    }

    #[test]
    fn a_draft_with_catalogue_and_free_lines_shows_each_net_and_the_vat_per_rate() -> Outcome {
        let mut quote = draft()?;
        let flour = product("FAR-T65", 1_840, 550, true);
        let mut line = Line::from_catalogue_row(&flour, Quantity::ONE, 0)?;
        set_line_field(&mut line, LineField::Quantity, "4")?;
        set_line_field(&mut line, LineField::Discount, "10")?;
        let mut delivery = Line::free(
            "Livraison",
            Quantity::ONE,
            Money::new(3_500, CurrencyCode::EUR),
            VatRate::Standard,
            1,
        );
        set_line_field(&mut delivery, LineField::VatRate, "20")?;
        quote.revise(|quote| {
            quote.lines.insert(LineId::generate(), line);
            quote.lines.insert(LineId::generate(), delivery);
        })?;
        let view = quote_view(
            &RecordSnapshot {
                record: Ok(quote),
                conflicts: Vec::new(),
            },
            None,
        );
        assert!(view.editable);
        assert_eq!(view.lines.len(), 2);
        // 4 × 18.40 = 73.60, less 10 % = 66.24 at 5.5 %; 35.00 at 20 %.
        assert_eq!(view.lines[0].reference.as_deref(), Some("FAR-T65"));
        assert_eq!(view.lines[0].net, Some(6_624));
        assert_eq!(view.lines[0].discount, "10");
        let totals = view.totals.clone().ok_or("no totals")?;
        assert_eq!(totals.net, 10_124);
        // VAT: 35.00 × 20 % = 7.00; 66.24 × 5.5 % = 3.6432 → 3.64.
        assert_eq!(
            totals.vat,
            vec![
                VatRow {
                    rate: 2_000,
                    base: 3_500,
                    vat: 700
                },
                VatRow {
                    rate: 550,
                    base: 6_624,
                    vat: 364
                }
            ]
        );
        assert_eq!(totals.gross, 11_188);
        assert!(view.can(QuoteTransition::Send));
        assert!(!view.can(QuoteTransition::Accept));
        Ok(())
    }

    #[test]
    fn typed_values_that_are_not_quantities_prices_or_rates_are_refused_and_change_nothing(
    ) -> Outcome {
        let mut line = Line::from_catalogue_row(&product("X", 100, 2_000, true), Quantity::ONE, 0)?;
        let before = line.clone();
        assert_eq!(
            set_line_field(&mut line, LineField::Quantity, "deux"),
            Err(LineProblem::Quantity)
        );
        assert_eq!(
            set_line_field(&mut line, LineField::VatRate, "19,6"),
            Err(LineProblem::VatRate)
        );
        assert_eq!(
            set_line_field(&mut line, LineField::Discount, "120"),
            Err(LineProblem::Discount)
        );
        assert_eq!(
            set_line_field(&mut line, LineField::Description, "  "),
            Err(LineProblem::Description)
        );
        assert_eq!(line, before);
        Ok(())
    }

    #[test]
    fn only_active_products_in_the_quotes_currency_are_offered_by_reference() {
        let products = vec![
            product("B", 100, 2_000, true),
            product("A", 100, 2_000, true),
            product("OLD", 100, 2_000, false),
            ProductIndexRow {
                unit_price: (100, "CHF".to_owned()),
                ..product("CH", 100, 2_000, true)
            },
        ];
        let offered: Vec<&str> = offerable(&products, "EUR")
            .into_iter()
            .map(|row| row.reference.as_str())
            .collect();
        assert_eq!(offered, vec!["A", "B"]);
    }

    #[test]
    fn a_signature_needs_a_name_and_strokes() {
        assert_eq!(
            signature_of("", "M 1 1 L 2 2", 0).err(),
            Some("sales-problem-signer")
        );
        assert_eq!(
            signature_of("Marie", "", 0).err(),
            Some("sales-problem-signature-empty")
        );
        assert!(signature_of("Marie", "M 1 1 L 2 2", 0).is_ok());
    }
}
