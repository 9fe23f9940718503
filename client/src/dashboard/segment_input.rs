//! The segment form's pure part: what a manager typed and ticked, read as the cockpit's
//! [`Segment`] (industries and départements as comma-separated lists, days as whole numbers,
//! an empty field meaning no filter). Errors are catalogue ids.

use std::collections::BTreeSet;

use shared::account::LifecycleStage;
use shared::cockpit::{Filter, Segment};
use shared::ids::UserId;
use shared::values::Departement;

/// Why a segment has no name (a catalogue id).
pub const NAME_MISSING: &str = "dashboard-segment-name-missing";
/// Why a département was refused (a catalogue id).
pub const DEPARTEMENT_INVALID: &str = "dashboard-segment-departement-invalid";
/// Why a number of days was refused (a catalogue id).
pub const DAYS_INVALID: &str = "dashboard-segment-days-invalid";

/// The lifecycle stages a segment may filter on (their stored names), in their order.
pub const STAGES: [&str; 5] = [
    "prospect",
    "new_customer",
    "active",
    "to_reactivate",
    "lost",
];

/// What the form holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentInput {
    /// The name.
    pub name: String,
    /// Industries, comma-separated.
    pub industries: String,
    /// Départements, comma- or space-separated.
    pub departements: String,
    /// The stages a person set, ticked.
    pub stages: BTreeSet<String>,
    /// The suggested stages, ticked.
    pub suggested: BTreeSet<String>,
    /// The owners, ticked.
    pub owners: BTreeSet<UserId>,
    /// Days without a visit, as typed.
    pub no_visit_days: String,
    /// Days without an order, as typed.
    pub no_order_days: String,
}

impl SegmentInput {
    /// The segment, or the catalogue id of what is wrong.
    pub fn read(&self) -> Result<Segment, &'static str> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(NAME_MISSING);
        }
        let mut filters = Vec::new();
        let industries: Vec<String> = self
            .industries
            .split(',')
            .map(str::trim)
            .filter(|industry| !industry.is_empty())
            .map(str::to_owned)
            .collect();
        if !industries.is_empty() {
            filters.push(Filter::Industry { industries });
        }
        let departements = self
            .departements
            .split([',', ' ', ';'])
            .filter(|text| !text.trim().is_empty())
            .map(|text| Departement::parse(text.trim()).map_err(|_| DEPARTEMENT_INVALID))
            .collect::<Result<Vec<_>, _>>()?;
        if !departements.is_empty() {
            filters.push(Filter::Departements { departements });
        }
        let stages = ticked(&self.stages);
        if !stages.is_empty() {
            filters.push(Filter::Stage { stages });
        }
        let suggested = ticked(&self.suggested);
        if !suggested.is_empty() {
            filters.push(Filter::SuggestedStage { stages: suggested });
        }
        if !self.owners.is_empty() {
            filters.push(Filter::Owner {
                owners: self.owners.iter().copied().collect(),
            });
        }
        if let Some(days) = days(&self.no_visit_days)? {
            filters.push(Filter::NoVisitFor { days });
        }
        if let Some(days) = days(&self.no_order_days)? {
            filters.push(Filter::NoOrderFor { days });
        }
        Ok(Segment {
            name: name.to_owned(),
            filters,
        })
    }
}

/// The known stages among `names`, in [`STAGES`] order.
fn ticked(names: &BTreeSet<String>) -> Vec<LifecycleStage> {
    STAGES
        .iter()
        .filter(|stage| names.contains(**stage))
        .map(|stage| match stage.parse::<LifecycleStage>() {
            Ok(stage) => stage,
            Err(never) => match never {},
        })
        .collect()
}

fn days(text: &str) -> Result<Option<u32>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| DAYS_INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn a_filled_form_reads_as_every_filter_it_names() -> Outcome {
        let owner = UserId::from_bytes([4; 16]);
        let input = SegmentInput {
            name: " Boulangeries du Rhône ".to_owned(),
            industries: "Boulangerie, Pâtisserie ,".to_owned(),
            departements: "69, 2a".to_owned(),
            stages: BTreeSet::from(["active".to_owned()]),
            suggested: BTreeSet::from(["lost".to_owned(), "to_reactivate".to_owned()]),
            owners: BTreeSet::from([owner]),
            no_visit_days: " 60 ".to_owned(),
            no_order_days: String::new(),
        };
        let segment = input.read()?;
        assert_eq!(segment.name, "Boulangeries du Rhône");
        assert_eq!(
            segment.filters,
            vec![
                Filter::Industry {
                    industries: vec!["Boulangerie".to_owned(), "Pâtisserie".to_owned()],
                },
                Filter::Departements {
                    departements: vec![Departement::parse("69")?, Departement::parse("2A")?],
                },
                Filter::Stage {
                    stages: vec![LifecycleStage::Active],
                },
                Filter::SuggestedStage {
                    stages: vec![LifecycleStage::ToReactivate, LifecycleStage::Lost],
                },
                Filter::Owner {
                    owners: vec![owner],
                },
                Filter::NoVisitFor { days: 60 },
            ]
        );
        Ok(())
    }

    #[test]
    fn a_form_without_a_name_or_with_a_bad_departement_or_days_is_refused() {
        let named = SegmentInput {
            name: "Tous".to_owned(),
            ..SegmentInput::default()
        };
        assert_eq!(SegmentInput::default().read(), Err(NAME_MISSING));
        let departement = SegmentInput {
            departements: "20".to_owned(),
            ..named.clone()
        };
        assert_eq!(departement.read(), Err(DEPARTEMENT_INVALID));
        let days = SegmentInput {
            no_order_days: "-3".to_owned(),
            ..named.clone()
        };
        assert_eq!(days.read(), Err(DAYS_INVALID));
        assert_eq!(named.read().map(|segment| segment.filters), Ok(Vec::new()));
    }
}
