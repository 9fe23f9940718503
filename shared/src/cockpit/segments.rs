//! Segments: saved filters over accounts (industry, départements, the stage a person set, the
//! stage suggested by orders, owner, days without a visit or an order), and the call list of
//! the accounts a segment holds, exported as CSV.
//!
//! A segment's serde form is stable (each filter tagged by its snake_case name), so it can be
//! saved in settings and read by later versions. Every filter must match (an empty segment
//! holds every account); a filter listing several values matches any of them. An account never
//! visited (or never ordering) has gone without a visit (an order) for any number of days.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::calendar::{days_between, paris_date};
use super::facts::AccountFact;
use super::lifecycle::{suggest_stage, AccountFigures, RfmThresholds};
use super::CockpitError;
use crate::account::LifecycleStage;
use crate::ids::{AccountId, UserId};
use crate::search::search_terms;
use crate::transfer::{stage_label, write_rows, Delimiter, ExportError, Field};
use crate::values::{Date, Departement};

/// A named, saved set of filters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// The name a manager gave it.
    pub name: String,
    /// The filters; every one must match.
    pub filters: Vec<Filter>,
}

/// One condition on an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "filter", rename_all = "snake_case")]
pub enum Filter {
    /// Its industry is one of these (compared without case or accents).
    Industry {
        /// The industries.
        industries: Vec<String>,
    },
    /// Its postcode is in one of these départements.
    Departements {
        /// The départements.
        departements: Vec<Departement>,
    },
    /// The stage a person set is one of these.
    Stage {
        /// The stages.
        stages: Vec<LifecycleStage>,
    },
    /// The stage its orders suggest is one of these.
    SuggestedStage {
        /// The stages.
        stages: Vec<LifecycleStage>,
    },
    /// Its owner is one of these.
    Owner {
        /// The owners.
        owners: Vec<UserId>,
    },
    /// No visit for more than this many days.
    NoVisitFor {
        /// The days.
        days: u32,
    },
    /// No revenue order for more than this many days.
    NoOrderFor {
        /// The days.
        days: u32,
    },
}

/// One line of a call list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallListEntry {
    /// The account.
    pub account: AccountId,
    /// Its name.
    pub name: String,
    /// A number to call.
    pub phone: Option<String>,
    /// Its postcode.
    pub postcode: Option<String>,
    /// Its city.
    pub city: String,
    /// Its industry.
    pub industry: Option<String>,
    /// The stage a person set.
    pub stage: LifecycleStage,
    /// The stage its orders suggest.
    pub suggested: LifecycleStage,
    /// Its last revenue order.
    pub last_order: Option<Date>,
    /// Its last visit.
    pub last_visit: Option<Date>,
}

impl Segment {
    /// Whether `account`, with its `figures`, is in the segment on `today`.
    pub fn matches(
        &self,
        account: &AccountFact,
        figures: &AccountFigures,
        thresholds: &RfmThresholds,
        today: Date,
    ) -> bool {
        let silent_for = |last: Option<Date>, days: u32| {
            last.is_none_or(|last| days_between(last, today) > i64::from(days))
        };
        self.filters.iter().all(|filter| match filter {
            Filter::Industry { industries } => account.industry.as_deref().is_some_and(|own| {
                let own = folded(own);
                industries.iter().any(|industry| folded(industry) == own)
            }),
            Filter::Departements { departements } => account
                .departement()
                .is_some_and(|own| departements.contains(&own)),
            Filter::Stage { stages } => stages.contains(&account.stage),
            Filter::SuggestedStage { stages } => {
                stages.contains(&suggest_stage(figures, thresholds, today))
            }
            Filter::Owner { owners } => account.owner.is_some_and(|own| owners.contains(&own)),
            Filter::NoVisitFor { days } => silent_for(figures.last_visit, *days),
            Filter::NoOrderFor { days } => silent_for(figures.last_order, *days),
        })
    }
}

/// The call list of `segment` among `accounts` at `now`, by name (folded), then id.
pub fn call_list(
    segment: &Segment,
    accounts: &[AccountFact],
    figures: &BTreeMap<AccountId, AccountFigures>,
    thresholds: &RfmThresholds,
    now: i64,
) -> Result<Vec<CallListEntry>, CockpitError> {
    let today = paris_date(now)?;
    let none = AccountFigures::default();
    let mut list: Vec<(String, CallListEntry)> = accounts
        .iter()
        .filter_map(|account| {
            let figures = figures.get(&account.id).unwrap_or(&none);
            segment
                .matches(account, figures, thresholds, today)
                .then(|| {
                    let entry = CallListEntry {
                        account: account.id,
                        name: account.name.clone(),
                        phone: account.phone.clone(),
                        postcode: account.postcode.as_ref().map(ToString::to_string),
                        city: account.city.clone(),
                        industry: account.industry.clone(),
                        stage: account.stage.clone(),
                        suggested: suggest_stage(figures, thresholds, today),
                        last_order: figures.last_order,
                        last_visit: figures.last_visit,
                    };
                    (folded(&account.name), entry)
                })
        })
        .collect();
    list.sort_by(|left, right| (&left.0, left.1.account).cmp(&(&right.0, right.1.account)));
    Ok(list.into_iter().map(|(_, entry)| entry).collect())
}

/// The call list as CSV, like every export (UTF-8 with BOM, CRLF, French headers).
pub fn export_call_list(
    entries: &[CallListEntry],
    delimiter: Delimiter,
) -> Result<Vec<u8>, ExportError> {
    let headers = [
        Field::AccountName.header(),
        Field::Phone.header(),
        Field::Postcode.header(),
        Field::City.header(),
        Field::Industry.header(),
        Field::LifecycleStage.header(),
        "Étape suggérée",
        "Dernière commande",
        "Dernière visite",
    ];
    let text = |date: Option<Date>| date.map(|date| date.to_string()).unwrap_or_default();
    let rows = entries.iter().map(|entry| {
        vec![
            entry.name.clone(),
            entry.phone.clone().unwrap_or_default(),
            entry.postcode.clone().unwrap_or_default(),
            entry.city.clone(),
            entry.industry.clone().unwrap_or_default(),
            stage_label(&entry.stage).to_owned(),
            stage_label(&entry.suggested).to_owned(),
            text(entry.last_order),
            text(entry.last_visit),
        ]
    });
    write_rows(delimiter, headers, rows)
}

/// Lower-case, accent-free words, for comparing what people type.
fn folded(text: &str) -> String {
    search_terms(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;
    use crate::cockpit::lifecycle::account_figures;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn names(
        fixture: &Fixture,
        filters: Vec<Filter>,
    ) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        let figures = account_figures(&fixture.facts.orders, &fixture.facts.activities)?;
        let segment = Segment {
            name: "test".to_owned(),
            filters,
        };
        let list = call_list(
            &segment,
            &fixture.facts.accounts,
            &figures,
            &RfmThresholds::default(),
            fixture.now,
        )?;
        Ok(list.into_iter().map(|entry| entry.name).collect())
    }

    #[test]
    fn an_empty_segment_holds_every_account_sorted_by_name() -> Outcome {
        let fixture = Fixture::new()?;
        // Sorted without accents: "Épicerie" between "Café" and "Fromagerie".
        assert_eq!(
            names(&fixture, Vec::new())?,
            vec![
                "Boucherie Durand",
                "Boulangerie Martin",
                "Café Sans Code",
                "Épicerie Roux",
                "Fromagerie du Léman",
                "Pâtisserie Leroy",
                "Traiteur Ancien",
            ]
        );
        Ok(())
    }

    #[test]
    fn filters_on_industry_departement_owner_and_stages_all_apply() -> Outcome {
        let fixture = Fixture::new()?;
        // "boulangerie" matches "Boulangerie" and " Boulangerie ".
        let industry = Filter::Industry {
            industries: vec!["boulangerie".to_owned()],
        };
        assert_eq!(
            names(&fixture, vec![industry.clone()])?,
            vec!["Boulangerie Martin", "Pâtisserie Leroy"]
        );
        let corsica = Filter::Departements {
            departements: vec![Departement::parse("2A")?, Departement::parse("2B")?],
        };
        assert_eq!(
            names(&fixture, vec![industry, corsica.clone()])?,
            vec!["Pâtisserie Leroy"]
        );
        // Set by hand "prospect", but ordering: the pastry shop is suggested "new customer".
        let hand_set = Filter::Stage {
            stages: vec![LifecycleStage::Prospect],
        };
        assert_eq!(
            names(&fixture, vec![hand_set])?,
            vec!["Boucherie Durand", "Café Sans Code", "Pâtisserie Leroy"]
        );
        let suggested = Filter::SuggestedStage {
            stages: vec![LifecycleStage::ToReactivate, LifecycleStage::Lost],
        };
        assert_eq!(
            names(&fixture, vec![suggested])?,
            vec!["Épicerie Roux", "Traiteur Ancien"]
        );
        let bruno = Filter::Owner {
            owners: vec![fixture.bruno],
        };
        assert_eq!(names(&fixture, vec![bruno, corsica])?, Vec::<String>::new());
        Ok(())
    }

    #[test]
    fn days_without_visit_or_order_count_never_as_forever() -> Outcome {
        let fixture = Fixture::new()?;
        // Last visits (Paris): bakery 30 March (46 days), butcher 6 April (39), pastry 11 May
        // (4), cheese shop 30 March (46); the others never.
        let no_visit = Filter::NoVisitFor { days: 39 };
        assert_eq!(
            names(&fixture, vec![no_visit])?,
            vec![
                "Boulangerie Martin",
                "Café Sans Code",
                "Épicerie Roux",
                "Fromagerie du Léman",
                "Traiteur Ancien",
            ]
        );
        // No order for more than 100 days: grocery (126), caterer (440), and the two that never
        // ordered.
        let no_order = Filter::NoOrderFor { days: 100 };
        assert_eq!(
            names(&fixture, vec![no_order])?,
            vec![
                "Boucherie Durand",
                "Café Sans Code",
                "Épicerie Roux",
                "Traiteur Ancien",
            ]
        );
        Ok(())
    }

    #[test]
    fn the_call_list_exports_as_csv_with_french_headers_and_a_bom() -> Outcome {
        let fixture = Fixture::new()?;
        let figures = account_figures(&fixture.facts.orders, &fixture.facts.activities)?;
        let segment = Segment {
            name: "À relancer".to_owned(),
            filters: vec![Filter::SuggestedStage {
                stages: vec![LifecycleStage::ToReactivate, LifecycleStage::Lost],
            }],
        };
        let list = call_list(
            &segment,
            &fixture.facts.accounts,
            &figures,
            &RfmThresholds::default(),
            fixture.now,
        )?;
        let csv = export_call_list(&list, Delimiter::Semicolon)?;
        let expected = "\u{feff}Raison sociale;Téléphone;Code postal;Ville;Secteur;Étape;\
            Étape suggérée;Dernière commande;Dernière visite\r\n\
            Épicerie Roux;04 95 00 00 07;20200;Bastia;Épicerie;Client actif;À relancer;\
            2026-01-09;\r\n\
            Traiteur Ancien;;97200;Fort-de-France;Traiteur;Client actif;Perdu;2025-03-01;\r\n";
        assert_eq!(String::from_utf8(csv)?, expected);
        let empty = export_call_list(&[], Delimiter::Comma)?;
        assert!(String::from_utf8(empty)?.ends_with("Dernière visite\r\n"));
        Ok(())
    }

    #[test]
    fn a_segment_reads_back_from_its_stable_json() -> Outcome {
        let segment = Segment {
            name: "Corse silencieuse".to_owned(),
            filters: vec![
                Filter::Departements {
                    departements: vec![Departement::parse("2a")?],
                },
                Filter::NoOrderFor { days: 60 },
                Filter::SuggestedStage {
                    stages: vec![LifecycleStage::ToReactivate],
                },
            ],
        };
        let json = serde_json::to_string(&segment)?;
        assert_eq!(
            json,
            r#"{"name":"Corse silencieuse","filters":[{"filter":"departements","departements":["2A"]},{"filter":"no_order_for","days":60},{"filter":"suggested_stage","stages":["to_reactivate"]}]}"#
        );
        assert_eq!(serde_json::from_str::<Segment>(&json)?, segment);
        Ok(())
    }
}
