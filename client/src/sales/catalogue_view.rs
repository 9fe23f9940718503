//! The catalogue as its page lists it: products filtered by what the rep types and by
//! category, retired ones last; and the draft a manager fills in to add one. Pure, tested
//! natively.

use shared::sales::{ProductDraft, ProductError, ProductIndexRow};
use shared::search::search_terms;

/// The products matching `query` (every typed word a prefix of one of the product's words) in
/// `category` (all when `None`), active first, then by reference.
pub fn filtered<'a>(
    products: &'a [ProductIndexRow],
    query: &str,
    category: Option<&str>,
) -> Vec<&'a ProductIndexRow> {
    let typed = search_terms(query);
    let mut rows: Vec<&ProductIndexRow> = products
        .iter()
        .filter(|row| category.is_none_or(|category| row.category.as_deref() == Some(category)))
        .filter(|row| {
            typed.iter().all(|word| {
                row.search_terms
                    .iter()
                    .any(|term| term.starts_with(word.as_str()))
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.active
            .cmp(&a.active)
            .then_with(|| a.reference.cmp(&b.reference))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// The categories used, sorted, each once.
pub fn categories(products: &[ProductIndexRow]) -> Vec<String> {
    let mut categories: Vec<String> = products
        .iter()
        .filter_map(|row| row.category.clone())
        .collect();
    categories.sort();
    categories.dedup();
    categories
}

/// The catalogue message for a product draft refused.
pub fn product_problem(error: &ProductError) -> &'static str {
    match error {
        ProductError::MissingReference => "catalogue-problem-reference",
        ProductError::ReferenceTooLong => "catalogue-problem-reference-long",
        ProductError::MissingName => "catalogue-problem-name",
        ProductError::BadPrice(_) | ProductError::NegativePrice => "catalogue-problem-price",
        ProductError::BadVatRate(_) => "catalogue-problem-vat-rate",
        _ => "catalogue-problem-invalid",
    }
}

/// Whether a person of `role` edits the catalogue (managers and admins; the relay refuses the
/// others' changes anyway).
pub fn edits_catalogue(role: Option<&str>) -> bool {
    matches!(role, Some("admin" | "manager"))
}

/// An empty draft priced in euros at the standard rate.
pub fn blank_draft() -> ProductDraft {
    ProductDraft {
        vat_rate: "20".to_owned(),
        ..ProductDraft::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reference: &str, name: &str, category: Option<&str>, active: bool) -> ProductIndexRow {
        let mut terms = search_terms(reference);
        terms.extend(search_terms(name));
        ProductIndexRow {
            id: reference.to_owned(),
            reference: reference.to_owned(),
            name: name.to_owned(),
            category: category.map(str::to_owned),
            active,
            search_terms: terms,
            ..ProductIndexRow::default()
        }
    }

    #[test]
    fn typed_words_narrow_the_catalogue_and_retired_products_come_last() {
        let products = vec![
            row("FAR-T65", "Farine de blé T65", Some("Farines"), true),
            row("FAR-T45", "Farine de blé T45", Some("Farines"), false),
            row("LEV-01", "Levure fraîche", Some("Levures"), true),
        ];
        let found: Vec<&str> = filtered(&products, "farine ble", None)
            .into_iter()
            .map(|row| row.reference.as_str())
            .collect();
        assert_eq!(found, vec!["FAR-T65", "FAR-T45"]);
        let yeasts: Vec<&str> = filtered(&products, "", Some("Levures"))
            .into_iter()
            .map(|row| row.reference.as_str())
            .collect();
        assert_eq!(yeasts, vec!["LEV-01"]);
        assert_eq!(categories(&products), vec!["Farines", "Levures"]);
    }

    #[test]
    fn only_managers_and_admins_edit_the_catalogue() {
        assert!(edits_catalogue(Some("admin")));
        assert!(edits_catalogue(Some("manager")));
        assert!(!edits_catalogue(Some("rep")));
        assert!(!edits_catalogue(None));
    }
}
