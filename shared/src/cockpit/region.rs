//! The French régions (the 2016 map) and the départements each one holds.
//!
//! The mapping is exact for the 101 départements: the 96 of metropolitan France (Corsica as
//! `2A` and `2B`) and the five overseas ones that are régions of their own (Guadeloupe,
//! Martinique, Guyane, La Réunion, Mayotte). The other overseas collectivities (`975`, `977`,
//! `978`, `98x`) belong to no région.

use serde::{Deserialize, Serialize};

use crate::values::Departement;

/// A French région.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Auvergne-Rhône-Alpes.
    AuvergneRhoneAlpes,
    /// Bourgogne-Franche-Comté.
    BourgogneFrancheComte,
    /// Bretagne.
    Bretagne,
    /// Centre-Val de Loire.
    CentreValDeLoire,
    /// Corse.
    Corse,
    /// Grand Est.
    GrandEst,
    /// Hauts-de-France.
    HautsDeFrance,
    /// Île-de-France.
    IleDeFrance,
    /// Normandie.
    Normandie,
    /// Nouvelle-Aquitaine.
    NouvelleAquitaine,
    /// Occitanie.
    Occitanie,
    /// Pays de la Loire.
    PaysDeLaLoire,
    /// Provence-Alpes-Côte d'Azur.
    ProvenceAlpesCoteDAzur,
    /// Guadeloupe (971).
    Guadeloupe,
    /// Martinique (972).
    Martinique,
    /// Guyane (973).
    Guyane,
    /// La Réunion (974).
    LaReunion,
    /// Mayotte (976).
    Mayotte,
}

/// Each région and its départements.
const REGIONS: &[(Region, &[&str])] = &[
    (
        Region::AuvergneRhoneAlpes,
        &[
            "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
        ],
    ),
    (
        Region::BourgogneFrancheComte,
        &["21", "25", "39", "58", "70", "71", "89", "90"],
    ),
    (Region::Bretagne, &["22", "29", "35", "56"]),
    (
        Region::CentreValDeLoire,
        &["18", "28", "36", "37", "41", "45"],
    ),
    (Region::Corse, &["2A", "2B"]),
    (
        Region::GrandEst,
        &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    ),
    (Region::HautsDeFrance, &["02", "59", "60", "62", "80"]),
    (
        Region::IleDeFrance,
        &["75", "77", "78", "91", "92", "93", "94", "95"],
    ),
    (Region::Normandie, &["14", "27", "50", "61", "76"]),
    (
        Region::NouvelleAquitaine,
        &[
            "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
        ],
    ),
    (
        Region::Occitanie,
        &[
            "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
        ],
    ),
    (Region::PaysDeLaLoire, &["44", "49", "53", "72", "85"]),
    (
        Region::ProvenceAlpesCoteDAzur,
        &["04", "05", "06", "13", "83", "84"],
    ),
    (Region::Guadeloupe, &["971"]),
    (Region::Martinique, &["972"]),
    (Region::Guyane, &["973"]),
    (Region::LaReunion, &["974"]),
    (Region::Mayotte, &["976"]),
];

impl Region {
    /// The région of `departement`, or `None` for a collectivity outside every région.
    pub fn of(departement: &Departement) -> Option<Self> {
        REGIONS
            .iter()
            .find(|(_, codes)| codes.contains(&departement.as_str()))
            .map(|(region, _)| *region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_of_metropolitan_france_is_in_exactly_one_region(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut codes: Vec<String> = (1..=95)
            .filter(|number| *number != 20)
            .map(|number| format!("{number:02}"))
            .collect();
        codes.extend(["2A", "2B"].map(str::to_owned));
        assert_eq!(codes.len(), 96);
        for code in &codes {
            let departement = Departement::parse(code)?;
            let holding = REGIONS
                .iter()
                .filter(|(_, listed)| listed.contains(&departement.as_str()))
                .count();
            assert_eq!(holding, 1, "département {code}");
        }
        let listed: usize = REGIONS.iter().map(|(_, listed)| listed.len()).sum();
        assert_eq!(listed, 96 + 5);
        Ok(())
    }

    #[test]
    fn overseas_regions_are_their_own_and_collectivities_have_none(
    ) -> Result<(), Box<dyn std::error::Error>> {
        assert_eq!(
            Region::of(&Departement::parse("972")?),
            Some(Region::Martinique)
        );
        assert_eq!(Region::of(&Departement::parse("975")?), None);
        assert_eq!(
            Region::of(&Departement::parse("69")?),
            Some(Region::AuvergneRhoneAlpes)
        );
        Ok(())
    }
}
