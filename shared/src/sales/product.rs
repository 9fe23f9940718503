//! The catalogue product record (a product or a service) and its document.
//!
//! One document per product, edited by managers and read by every rep offline. A quote line
//! copies what it needs from the product when it is added (see [`super::line`]), so changing a
//! price in the catalogue never changes a quote already written.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::vat_rate::{VatRate, VatRateError};
use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::field::FieldPath;
use crate::ids::ProductId;
use crate::record::{Record, RefusedChange};
use crate::record_patch::TextFields;
use crate::values::{CurrencyCode, Money, MoneyError};

/// The schema version this build writes into product documents.
pub const PRODUCT_SCHEMA_VERSION: u64 = 1;

/// The longest reference, in characters (it is printed in a narrow column).
pub const MAX_REFERENCE_CHARS: usize = 40;

/// A product or a service of the workspace's catalogue.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Product {
    /// The workspace's own reference (`FAR-T65-25`), printed on quotes.
    pub reference: String,
    /// The name shown and printed.
    pub name: String,
    /// A longer description, edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub description: Text,
    /// What one unit is (`kg`, `pièce`, `heure`); empty for a plain count.
    #[autosurgeon(missing = "Default::default")]
    pub unit: String,
    /// The price of one unit, excluding VAT.
    pub unit_price: Money,
    /// The VAT rate it is sold at.
    pub vat_rate: VatRate,
    /// A category to group the catalogue by.
    #[autosurgeon(missing = "Default::default")]
    pub category: Option<String>,
    /// Whether it can still be added to a quote.
    pub active: bool,
}

/// What a manager types to create a product (or a CSV row brings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductDraft {
    /// See [`Product::reference`].
    pub reference: String,
    /// See [`Product::name`].
    pub name: String,
    /// See [`Product::description`].
    pub description: String,
    /// See [`Product::unit`].
    pub unit: String,
    /// The unit price excluding VAT as typed (`12,90`).
    pub unit_price: String,
    /// The currency of the price (the workspace's default currency).
    pub currency: CurrencyCode,
    /// The VAT rate as typed (`5,5`).
    pub vat_rate: String,
    /// See [`Product::category`]; blank for none.
    pub category: String,
}

/// Why a product is not valid, or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    /// The reference is blank.
    #[error("a product needs a reference")]
    MissingReference,
    /// The reference is longer than [`MAX_REFERENCE_CHARS`].
    #[error("a product reference has at most {MAX_REFERENCE_CHARS} characters")]
    ReferenceTooLong,
    /// The name is blank.
    #[error("a product needs a name")]
    MissingName,
    /// The price is not an amount.
    #[error("the unit price is not valid")]
    BadPrice(#[source] MoneyError),
    /// The price is below zero (a discount belongs on the quote line).
    #[error("a catalogue price is not negative")]
    NegativePrice,
    /// The VAT rate is not a French rate.
    #[error("the VAT rate is not valid")]
    BadVatRate(#[source] VatRateError),
    /// The document layer failed.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl Product {
    /// The product a draft describes, every field parsed and checked; it starts active.
    pub fn from_draft(draft: &ProductDraft) -> Result<Self, ProductError> {
        let unit_price =
            Money::parse(&draft.unit_price, draft.currency).map_err(ProductError::BadPrice)?;
        let vat_rate = VatRate::parse(&draft.vat_rate).map_err(ProductError::BadVatRate)?;
        let category = Some(draft.category.trim())
            .filter(|category| !category.is_empty())
            .map(str::to_owned);
        let product = Self {
            reference: draft.reference.trim().to_owned(),
            name: draft.name.trim().to_owned(),
            description: Text::with_value(draft.description.trim()),
            unit: draft.unit.trim().to_owned(),
            unit_price,
            vat_rate,
            category,
            active: true,
        };
        product.check()?;
        Ok(product)
    }

    /// Checks what the types alone do not: a reference and a name, a price not below zero.
    pub fn check(&self) -> Result<(), ProductError> {
        let reference = self.reference.trim();
        if reference.is_empty() {
            return Err(ProductError::MissingReference);
        }
        if reference.chars().count() > MAX_REFERENCE_CHARS {
            return Err(ProductError::ReferenceTooLong);
        }
        if self.name.trim().is_empty() {
            return Err(ProductError::MissingName);
        }
        if self.unit_price.minor_units < 0 {
            return Err(ProductError::NegativePrice);
        }
        Ok(())
    }
}

impl Record for Product {
    type Id = ProductId;
    const KIND: &'static str = "product";
    const HAS_EDIT_RULES: bool = true;

    fn admits(_before: &Self, after: &Self) -> Result<(), RefusedChange> {
        Self::admits_new(after)
    }

    fn admits_new(record: &Self) -> Result<(), RefusedChange> {
        record
            .check()
            .map_err(|error| RefusedChange::Invalid(error.to_string()))
    }
    const SCHEMA_VERSION: u64 = PRODUCT_SCHEMA_VERSION;
}

/// A catalogue product held as its Automerge document.
pub type ProductDocument = Document<Product>;

impl Document<Product> {
    /// Creates a product from a draft, as one change stamped with `edit`.
    pub fn create(id: ProductId, draft: &ProductDraft, edit: &Edit) -> Result<Self, ProductError> {
        Ok(Self::new(id, &Product::from_draft(draft)?, edit)?)
    }

    /// Changes the product with `change` and commits it, unless the result is not a valid
    /// product: then nothing is written and the reason is returned.
    pub fn revise(
        &mut self,
        edit: &Edit,
        message: &str,
        change: impl FnOnce(&mut Product),
    ) -> Result<Option<automerge::ChangeHash>, ProductError> {
        self.try_update(edit, message, |product| {
            change(product);
            product.check()
        })
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Product {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        vec![(FieldPath::root("description"), &mut self.description)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flour() -> ProductDraft {
        ProductDraft {
            reference: " FAR-T65-25 ".to_owned(),
            name: "Farine T65, sac de 25 kg".to_owned(),
            description: "Meule de pierre.".to_owned(),
            unit: "sac".to_owned(),
            unit_price: "18,40".to_owned(),
            currency: CurrencyCode::EUR,
            vat_rate: "5,5".to_owned(),
            category: "Farines".to_owned(),
        }
    }

    #[test]
    fn a_drafted_product_is_parsed_once_and_survives_save_and_load() -> Result<(), ProductError> {
        let id = ProductId::generate();
        let mut created = ProductDocument::create(id, &flour(), &Edit::anonymous(1))?;
        let product = ProductDocument::load(&created.save())?.record()?;
        assert_eq!(product.reference, "FAR-T65-25");
        assert_eq!(product.unit_price, Money::new(1_840, CurrencyCode::EUR));
        assert_eq!(product.vat_rate, VatRate::Reduced);
        assert_eq!(product.category.as_deref(), Some("Farines"));
        assert!(product.active);
        assert_eq!(product, created.record()?);
        Ok(())
    }

    #[test]
    fn a_draft_without_reference_name_or_valid_price_is_refused() {
        let blank_reference = ProductDraft {
            reference: "  ".to_owned(),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&blank_reference),
            Err(ProductError::MissingReference)
        ));
        let long_reference = ProductDraft {
            reference: "R".repeat(MAX_REFERENCE_CHARS + 1),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&long_reference),
            Err(ProductError::ReferenceTooLong)
        ));
        let blank_name = ProductDraft {
            name: String::new(),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&blank_name),
            Err(ProductError::MissingName)
        ));
        let bad_price = ProductDraft {
            unit_price: "18,405".to_owned(),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&bad_price),
            Err(ProductError::BadPrice(MoneyError::TooPrecise { .. }))
        ));
        let negative = ProductDraft {
            unit_price: "-1".to_owned(),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&negative),
            Err(ProductError::NegativePrice)
        ));
        let overseas_rate = ProductDraft {
            vat_rate: "8,5".to_owned(),
            ..flour()
        };
        assert!(matches!(
            Product::from_draft(&overseas_rate),
            Err(ProductError::BadVatRate(VatRateError::Unknown(_)))
        ));
    }

    #[test]
    fn a_revision_that_breaks_the_product_writes_nothing() -> Result<(), ProductError> {
        let mut document =
            ProductDocument::create(ProductId::generate(), &flour(), &Edit::anonymous(1))?;
        let refused = document.revise(&Edit::anonymous(2), "rename", |product| {
            product.name = " ".to_owned();
        });
        assert!(matches!(refused, Err(ProductError::MissingName)));
        assert_eq!(document.history().len(), 1);
        let retired = document.revise(&Edit::anonymous(3), "retire", |product| {
            product.active = false;
        })?;
        assert!(retired.is_some());
        assert!(!document.record()?.active);
        Ok(())
    }
}
