//! The index rows of the catalogue, quotes and orders: what the catalogue list, an account's
//! 360° page and the dashboards read instead of loading documents.
//!
//! Totals are derived here from the lines (never stored in a document), so a row's amounts are
//! those the document computes at its heads; a quote or order whose lines do not add up (an
//! amount too large) has no totals in its row rather than wrong ones.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use super::order::Order;
use super::product::Product;
use super::quote::Quote;
use crate::document::{Document, DocumentError};
use crate::ids::{OrderId, ProductId, QuoteId};
use crate::search::search_terms;

/// One catalogue product as the catalogue list and a quote's product picker see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductIndexRow {
    /// The product's identifier, as text.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Its name.
    pub name: String,
    /// Its category, when set.
    pub category: Option<String>,
    /// What one unit is.
    pub unit: String,
    /// The unit price excluding VAT, in minor units, and its currency.
    pub unit_price: (i64, String),
    /// The VAT rate in basis points (2000 is 20 %).
    pub vat_rate: u16,
    /// Whether it can still be added to a quote.
    pub active: bool,
    /// Accent-free words of the reference, name and category.
    pub search_terms: Vec<String>,
    /// The document heads the row was derived from.
    pub heads: Vec<String>,
}

impl ProductIndexRow {
    /// The row for `product` at `heads`.
    pub fn from_product(id: ProductId, product: &Product, heads: &[ChangeHash]) -> Self {
        let mut words = search_terms(&product.reference);
        words.extend(search_terms(&product.name));
        words.extend(product.category.iter().flat_map(|text| search_terms(text)));
        words.sort();
        words.dedup();
        Self {
            id: id.to_string(),
            reference: product.reference.clone(),
            name: product.name.clone(),
            category: product.category.clone(),
            unit: product.unit.clone(),
            unit_price: (
                product.unit_price.minor_units,
                product.unit_price.currency.to_string(),
            ),
            vat_rate: product.vat_rate.basis_points(),
            active: product.active,
            search_terms: words,
            heads: heads.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The amounts of a quote or an order, derived from its lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowTotals {
    /// The total before VAT, in minor units.
    pub net: i64,
    /// The total including VAT, in minor units.
    pub gross: i64,
}

/// One quote version as an account's page and the dashboards see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteIndexRow {
    /// The quote version's identifier, as text.
    pub id: String,
    /// Its human number.
    pub number: String,
    /// Its version, from 1.
    pub version: u32,
    /// The version it replaces, if any.
    pub previous: Option<String>,
    /// The customer account.
    pub account: String,
    /// The deal it prices, if any.
    pub deal: Option<String>,
    /// Its status's stored name.
    pub status: String,
    /// The date it bears (`YYYY-MM-DD`).
    pub issued_on: String,
    /// The last day the offer holds.
    pub valid_until: Option<String>,
    /// The currency of every amount.
    pub currency: String,
    /// Its totals, when its lines add up.
    pub totals: Option<RowTotals>,
    /// How many lines it has.
    pub lines: u32,
    /// Accent-free words of the number.
    pub search_terms: Vec<String>,
    /// The document heads the row was derived from.
    pub heads: Vec<String>,
}

impl QuoteIndexRow {
    /// The row for `quote` at `heads`.
    pub fn from_quote(id: QuoteId, quote: &Quote, heads: &[ChangeHash]) -> Self {
        let number = quote.number.to_string();
        Self {
            id: id.to_string(),
            search_terms: search_terms(&number),
            number,
            version: quote.version,
            previous: quote.previous.map(|previous| previous.to_string()),
            account: quote.account.to_string(),
            deal: quote.deal.map(|deal| deal.to_string()),
            status: quote.status.to_string(),
            issued_on: quote.issued_on.to_string(),
            valid_until: quote.valid_until.map(|date| date.to_string()),
            currency: quote.currency.to_string(),
            totals: quote.totals().ok().map(|totals| RowTotals {
                net: totals.net.minor_units,
                gross: totals.gross.minor_units,
            }),
            lines: u32::try_from(quote.lines.len()).unwrap_or(u32::MAX),
            heads: heads.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One order line as the dashboards see it: which product, how many, for how much.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineRow {
    /// The catalogue product, for a line made from one.
    pub product: Option<String>,
    /// The quantity in thousandths of a unit.
    pub quantity: i64,
    /// The line's net amount in minor units (after its discount, rounded to the cent).
    pub net: i64,
}

/// One order as an account's page and the dashboards see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIndexRow {
    /// The order's identifier, as text.
    pub id: String,
    /// Its human number.
    pub number: String,
    /// The customer account.
    pub account: String,
    /// The deal it closes, if any.
    pub deal: Option<String>,
    /// The quote version it was made from, if any.
    pub quote: Option<String>,
    /// Its status's stored name.
    pub status: String,
    /// The day it was taken (`YYYY-MM-DD`).
    pub ordered_on: String,
    /// The day it is (to be) delivered.
    pub delivery_date: Option<String>,
    /// The currency of every amount.
    pub currency: String,
    /// Its totals, when its lines add up.
    pub totals: Option<RowTotals>,
    /// Its lines, in document order (empty when they do not add up).
    pub lines: Vec<OrderLineRow>,
    /// Accent-free words of the number.
    pub search_terms: Vec<String>,
    /// The document heads the row was derived from.
    pub heads: Vec<String>,
}

impl OrderIndexRow {
    /// The row for `order` at `heads`.
    pub fn from_order(id: OrderId, order: &Order, heads: &[ChangeHash]) -> Self {
        let number = order.number.to_string();
        let lines: Option<Vec<OrderLineRow>> = order
            .ordered_lines()
            .into_iter()
            .map(|(_, line)| {
                line.net().ok().map(|net| OrderLineRow {
                    product: line
                        .origin
                        .as_ref()
                        .map(|origin| origin.product.to_string()),
                    quantity: line.quantity.thousandths(),
                    net: net.minor_units,
                })
            })
            .collect();
        let totals = order.totals().ok().map(|totals| RowTotals {
            net: totals.net.minor_units,
            gross: totals.gross.minor_units,
        });
        Self {
            id: id.to_string(),
            search_terms: search_terms(&number),
            number,
            account: order.account.to_string(),
            deal: order.deal.map(|deal| deal.to_string()),
            quote: order
                .quote
                .as_ref()
                .map(|reference| reference.quote.to_string()),
            status: order.status.to_string(),
            ordered_on: order.ordered_on.to_string(),
            delivery_date: order.delivery_date.map(|date| date.to_string()),
            currency: order.currency.to_string(),
            lines: if totals.is_some() {
                lines.unwrap_or_default()
            } else {
                Vec::new()
            },
            totals,
            heads: heads.iter().map(ToString::to_string).collect(),
        }
    }
}

impl Document<Product> {
    /// The row the catalogue list reads instead of loading this document.
    pub fn index_row(&mut self) -> Result<ProductIndexRow, DocumentError> {
        let heads = self.heads();
        Ok(ProductIndexRow::from_product(
            self.id(),
            &self.record()?,
            &heads,
        ))
    }
}

impl Document<Quote> {
    /// The row an account's page and the dashboards read instead of loading this document.
    pub fn index_row(&mut self) -> Result<QuoteIndexRow, DocumentError> {
        let heads = self.heads();
        Ok(QuoteIndexRow::from_quote(
            self.id(),
            &self.record()?,
            &heads,
        ))
    }
}

impl Document<Order> {
    /// The row an account's page and the dashboards read instead of loading this document.
    pub fn index_row(&mut self) -> Result<OrderIndexRow, DocumentError> {
        let heads = self.heads();
        Ok(OrderIndexRow::from_order(
            self.id(),
            &self.record()?,
            &heads,
        ))
    }
}
