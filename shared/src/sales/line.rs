//! A line of a quote or an order: a catalogue product copied at insertion, or a free line.
//!
//! Lines live in a map keyed by [`LineId`] inside their document, each with its own `position`
//! (ties broken by id), so two people adding or editing different lines offline merge line by
//! line, and the order stays the same on every device. A catalogue line keeps a snapshot of the
//! product as it was when added: what the customer was offered does not move with the catalogue.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::discount::Discount;
use super::product::Product;
use super::quantity::Quantity;
use super::rows::ProductIndexRow;
use super::totals::line_net;
use super::vat_rate::VatRate;
use crate::ids::{LineId, ProductId};
use crate::values::{AmountError, CurrencyCode, Money};

/// The lines of a quote or an order, by id.
pub type Lines = BTreeMap<LineId, Line>;

/// One line of a quote or an order.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Line {
    /// Sort position among the document's lines (ties broken by line id).
    pub position: i64,
    /// The catalogue product it was made from, as it was then; `None` for a free line.
    #[autosurgeon(missing = "Default::default")]
    pub origin: Option<CatalogueSnapshot>,
    /// What is sold, as printed (the product's name, or free text).
    pub description: String,
    /// What one unit is (`kg`, `heure`); empty for a plain count.
    #[autosurgeon(missing = "Default::default")]
    pub unit: String,
    /// How many units.
    pub quantity: Quantity,
    /// The price of one unit, excluding VAT.
    pub unit_price: Money,
    /// The discount on this line.
    #[autosurgeon(missing = "Default::default")]
    pub discount: Discount,
    /// The VAT rate.
    pub vat_rate: VatRate,
}

/// A catalogue product as it was when a line was made from it.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CatalogueSnapshot {
    /// The product.
    pub product: ProductId,
    /// Its reference then.
    pub reference: String,
    /// Its name then.
    pub name: String,
    /// Its unit price then.
    pub unit_price: Money,
    /// Its VAT rate then.
    pub vat_rate: VatRate,
}

/// Why a line cannot be added or kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// A retired product cannot be offered any more.
    #[error("the product {reference} is no longer sold")]
    InactiveProduct {
        /// Its reference.
        reference: String,
    },
    /// A line must say what it sells.
    #[error("a line needs a description")]
    MissingDescription,
    /// The catalogue row names no product, currency or rate this version knows.
    #[error("the catalogue row of {reference} is not readable")]
    UnreadableProduct {
        /// Its reference.
        reference: String,
    },
}

impl Line {
    /// A line selling `quantity` of the catalogue product `product` (id `id`) at its current
    /// price and rate, placed at `position`.
    pub fn from_product(
        id: ProductId,
        product: &Product,
        quantity: Quantity,
        position: i64,
    ) -> Result<Self, LineError> {
        if !product.active {
            return Err(LineError::InactiveProduct {
                reference: product.reference.clone(),
            });
        }
        Ok(Self {
            position,
            origin: Some(CatalogueSnapshot {
                product: id,
                reference: product.reference.clone(),
                name: product.name.clone(),
                unit_price: product.unit_price,
                vat_rate: product.vat_rate,
            }),
            description: product.name.clone(),
            unit: product.unit.clone(),
            quantity,
            unit_price: product.unit_price,
            discount: Discount::NONE,
            vat_rate: product.vat_rate,
        })
    }

    /// A line selling `quantity` of the product listed as `row` in the catalogue (what a
    /// device reads without loading the product's document), placed at `position`.
    pub fn from_catalogue_row(
        row: &ProductIndexRow,
        quantity: Quantity,
        position: i64,
    ) -> Result<Self, LineError> {
        let unreadable = || LineError::UnreadableProduct {
            reference: row.reference.clone(),
        };
        let id = row.id.parse::<ProductId>().map_err(|_| unreadable())?;
        let currency = CurrencyCode::parse(&row.unit_price.1).map_err(|_| unreadable())?;
        let vat_rate =
            VatRate::from_basis_points(u64::from(row.vat_rate)).map_err(|_| unreadable())?;
        let product = Product {
            reference: row.reference.clone(),
            name: row.name.clone(),
            description: autosurgeon::Text::with_value(""),
            unit: row.unit.clone(),
            unit_price: Money::new(row.unit_price.0, currency),
            vat_rate,
            category: row.category.clone(),
            active: row.active,
        };
        Self::from_product(id, &product, quantity, position)
    }

    /// A free line (not from the catalogue), placed at `position`.
    pub fn free(
        description: &str,
        quantity: Quantity,
        unit_price: Money,
        vat_rate: VatRate,
        position: i64,
    ) -> Self {
        Self {
            position,
            origin: None,
            description: description.trim().to_owned(),
            unit: String::new(),
            quantity,
            unit_price,
            discount: Discount::NONE,
            vat_rate,
        }
    }

    /// Checks what the types alone do not: the line says what it sells.
    pub fn check(&self) -> Result<(), LineError> {
        if self.description.trim().is_empty() {
            return Err(LineError::MissingDescription);
        }
        Ok(())
    }

    /// The line's net amount: quantity × unit price × (1 − discount), rounded to the cent.
    pub fn net(&self) -> Result<Money, AmountError> {
        line_net(self.quantity, self.unit_price, self.discount)
    }
}

/// The lines in document order: by position, then by id.
pub fn ordered(lines: &Lines) -> Vec<(LineId, &Line)> {
    let mut ordered: Vec<(LineId, &Line)> = lines.iter().map(|(id, line)| (*id, line)).collect();
    ordered.sort_by_key(|(id, line)| (line.position, *id));
    ordered
}

/// The position after every line: where a new line goes.
pub fn next_position(lines: &Lines) -> i64 {
    lines
        .values()
        .map(|line| line.position.saturating_add(1))
        .max()
        .unwrap_or(0)
}

/// A line of a document that is not valid, and which one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is not valid")]
pub struct InvalidLine {
    /// The line.
    pub line: LineId,
    /// What is wrong with it.
    #[source]
    pub reason: LineError,
}

/// Checks every line (see [`Line::check`]), in document order.
pub fn check_lines(lines: &Lines) -> Result<(), InvalidLine> {
    ordered(lines).into_iter().try_for_each(|(id, line)| {
        line.check()
            .map_err(|reason| InvalidLine { line: id, reason })
    })
}
