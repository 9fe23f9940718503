//! Territories as sets of départements and postcode prefixes, and the rule that places a new
//! account in the territory of its postcode.
//!
//! The rule applies when an account is created (the client's form, a CSV import) and never
//! afterwards: an account's `territory` is then a fact of its document, changed only by a person
//! (admins and managers on the account page). Editing a postcode, or a territory's départements,
//! moves no account, whether its territory was chosen or came from the rule: the document does
//! not say which, and an account silently changing hands (and leaving a rep's device) on a typo
//! fixed in a postcode would be worse than a territory to correct by hand.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::record::KeySet;
use crate::values::{Departement, Postcode, PostcodePrefix};

/// A sales territory: a name, and the départements and postcode prefixes it covers.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Territory {
    /// The name shown.
    pub name: String,
    /// Départements covered (`69`, `2A`, `971`), as [`Departement`] writes them.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub departements: KeySet,
    /// Postcode prefixes covered (`690`, `75011`), as [`PostcodePrefix`] writes them.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub postcode_prefixes: KeySet,
}

impl Territory {
    /// A territory called `name` covering nothing yet.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            departements: KeySet::default(),
            postcode_prefixes: KeySet::default(),
        }
    }

    /// How specifically the territory covers `postcode` (the number of leading digits its best
    /// match stands for), or `None` when it does not cover it.
    fn specificity(&self, postcode: &Postcode, departement: Option<&Departement>) -> Option<usize> {
        let by_prefix = self
            .postcode_prefixes
            .iter()
            .filter_map(|prefix| PostcodePrefix::parse(prefix).ok())
            .filter(|prefix| postcode.as_str().starts_with(prefix.as_str()))
            .map(|prefix| prefix.as_str().len());
        let by_departement = departement.into_iter().flat_map(|departement| {
            self.departements
                .iter()
                .filter_map(|code| Departement::parse(code).ok())
                .filter(move |code| code == departement)
                .map(|code| code.specificity())
        });
        by_prefix.chain(by_departement).max()
    }
}

/// The key of the territory of `postcode` among `territories`: the most specific match wins (a
/// postcode prefix longer than a département beats it), ties go to the first key in order.
/// `None` when the postcode is not a French postcode or no territory covers it.
pub fn territory_of_postcode<'a>(
    territories: &'a BTreeMap<String, Territory>,
    postcode: &str,
) -> Option<&'a str> {
    let postcode = Postcode::parse(postcode).ok()?;
    let departement = postcode.departement();
    let mut best: Option<(usize, &str)> = None;
    // Keys come in order, and only a strictly better match replaces the one found first.
    for (key, territory) in territories {
        if let Some(specificity) = territory.specificity(&postcode, departement.as_ref()) {
            if best.is_none_or(|(found, _)| specificity > found) {
                best = Some((specificity, key.as_str()));
            }
        }
    }
    best.map(|(_, key)| key)
}

/// Places `account`, when it has no territory yet (none chosen by a person), in the territory
/// of its address's postcode; returns the key it was given, if any. An account that has a
/// territory keeps it.
pub fn assign_territory<'a>(
    territories: &'a BTreeMap<String, Territory>,
    account: &mut Account,
) -> Option<&'a str> {
    if account.territory.is_some() {
        return None;
    }
    let postcode = account.display_address()?.postcode.as_str();
    let key = territory_of_postcode(territories, postcode)?;
    account.territory = Some(key.to_owned());
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::MAIN_ADDRESS;
    use crate::record::{Address, AddressKind};

    fn territory(name: &str, departements: &[&str], prefixes: &[&str]) -> Territory {
        Territory {
            name: name.to_owned(),
            departements: departements.iter().copied().collect(),
            postcode_prefixes: prefixes.iter().copied().collect(),
        }
    }

    fn workspace() -> BTreeMap<String, Territory> {
        [
            ("idf", territory("Île-de-France", &["75", "92", "93"], &[])),
            (
                "paris-est",
                territory("Paris Est", &[], &["75011", "75020"]),
            ),
            ("lyon", territory("Lyon", &[], &["690"])),
            ("rhone", territory("Rhône", &["69", "01"], &[])),
            ("corse-sud", territory("Corse-du-Sud", &["2A"], &[])),
            ("corse-nord", territory("Haute-Corse", &["2b"], &[])),
            ("antilles", territory("Antilles", &["971", "972"], &[])),
            // Same département as "rhone": the first key in order wins a tie.
            ("beaujolais", territory("Beaujolais", &["69"], &[])),
            ("pointe", territory("Pointe-à-Pitre", &[], &["9711"])),
        ]
        .into_iter()
        .map(|(key, territory)| (key.to_owned(), territory))
        .collect()
    }

    fn account_at(postcode: &str) -> Account {
        let mut account = Account::named("Boulangerie Martin");
        let mut address = Address::in_city(AddressKind::Visit, "Lyon");
        address.postcode = postcode.to_owned();
        account.addresses.insert(MAIN_ADDRESS.to_owned(), address);
        account
    }

    #[test]
    fn a_postcode_belongs_to_the_territory_covering_its_departement() {
        let territories = workspace();
        assert_eq!(territory_of_postcode(&territories, "92100"), Some("idf"));
        assert_eq!(territory_of_postcode(&territories, "01000"), Some("rhone"));
        assert_eq!(territory_of_postcode(&territories, "75008"), Some("idf"));
    }

    #[test]
    fn a_longer_postcode_prefix_beats_the_departement() {
        let territories = workspace();
        assert_eq!(
            territory_of_postcode(&territories, "75011"),
            Some("paris-est")
        );
        assert_eq!(territory_of_postcode(&territories, "69003"), Some("lyon"));
        assert_eq!(
            territory_of_postcode(&territories, "69100"),
            Some("beaujolais")
        );
        assert_eq!(territory_of_postcode(&territories, "97110"), Some("pointe"));
    }

    #[test]
    fn two_territories_covering_the_same_departement_go_to_the_first_key() {
        let territories = workspace();
        // "beaujolais" < "rhone": both list 69, and no prefix covers 69400.
        assert_eq!(
            territory_of_postcode(&territories, "69400"),
            Some("beaujolais")
        );
    }

    #[test]
    fn corsican_postcodes_go_to_2a_or_2b_by_their_number() {
        let territories = workspace();
        assert_eq!(
            territory_of_postcode(&territories, "20000"),
            Some("corse-sud")
        );
        assert_eq!(
            territory_of_postcode(&territories, "20190"),
            Some("corse-sud")
        );
        assert_eq!(
            territory_of_postcode(&territories, "20200"),
            Some("corse-nord")
        );
        assert_eq!(
            territory_of_postcode(&territories, "20620"),
            Some("corse-nord")
        );
        assert_eq!(territory_of_postcode(&territories, "20700"), None);
    }

    #[test]
    fn overseas_postcodes_match_three_digit_departements() {
        let territories = workspace();
        assert_eq!(
            territory_of_postcode(&territories, "97200"),
            Some("antilles")
        );
        assert_eq!(territory_of_postcode(&territories, "97300"), None);
    }

    #[test]
    fn postcodes_are_normalised_and_invalid_ones_belong_nowhere() {
        let territories = workspace();
        assert_eq!(territory_of_postcode(&territories, " 92 100 "), Some("idf"));
        for invalid in ["", "9210", "921000", "92-100", "ABCDE", "00100"] {
            assert_eq!(
                territory_of_postcode(&territories, invalid),
                None,
                "{invalid}"
            );
        }
        assert_eq!(territory_of_postcode(&territories, "33000"), None);
        assert_eq!(territory_of_postcode(&BTreeMap::new(), "92100"), None);
    }

    #[test]
    fn a_new_account_without_territory_gets_the_one_of_its_postcode() {
        let territories = workspace();
        let mut account = account_at("69003");
        assert_eq!(assign_territory(&territories, &mut account), Some("lyon"));
        assert_eq!(account.territory.as_deref(), Some("lyon"));
    }

    #[test]
    fn a_territory_chosen_by_a_person_is_kept() {
        let territories = workspace();
        let mut account = account_at("69003");
        account.territory = Some("idf".to_owned());
        assert_eq!(assign_territory(&territories, &mut account), None);
        assert_eq!(account.territory.as_deref(), Some("idf"));
    }

    #[test]
    fn an_account_without_postcode_or_outside_every_territory_stays_without() {
        let territories = workspace();
        let mut nowhere = Account::named("Sans adresse");
        assert_eq!(assign_territory(&territories, &mut nowhere), None);
        assert_eq!(nowhere.territory, None);
        let mut bordeaux = account_at("33000");
        assert_eq!(assign_territory(&territories, &mut bordeaux), None);
        assert_eq!(bordeaux.territory, None);
    }
}
