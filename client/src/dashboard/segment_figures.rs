//! The segments' figures the workspace worker sends the dashboard: each segment saved in the
//! settings with the accounts of this device it holds (a rep's device holds their accounts
//! only, so each rep sees their part), and a segment's call list as CSV.
//!
//! The suggested stage is read with the workspace's thresholds (the defaults without
//! settings). A segment this version cannot read is left out. Pure: it must not read storage (the worker gathers, `Gathered`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shared::cockpit::{
    account_figures, call_list, export_call_list, AccountFact, AccountFigures, CallListEntry,
    CockpitError, Filter, RfmThresholds, Segment,
};
use shared::ids::{AccountId, UserId};
use shared::settings::Settings;
use shared::transfer::{Delimiter, ExportError};

use crate::dashboard::gathered::Gathered;

/// Every readable segment with the accounts it holds on this device.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SegmentsFigures {
    /// The segments, by name then id.
    pub segments: Vec<SegmentFigure>,
}

/// One segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentFigure {
    /// Its id in the settings.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Who saved it.
    pub made_by: Option<UserId>,
    /// Its filters.
    pub filters: Vec<Filter>,
    /// The accounts it holds here, by name.
    pub accounts: Vec<SegmentAccount>,
}

/// An account a segment holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentAccount {
    /// The account.
    pub id: AccountId,
    /// Its name.
    pub name: String,
}

/// Why a segment's figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SegmentFiguresError {
    /// The cockpit could not compute them (a clock out of range).
    #[error(transparent)]
    Cockpit(#[from] CockpitError),
    /// The call list could not be written.
    #[error(transparent)]
    Export(#[from] ExportError),
}

impl SegmentsFigures {
    /// The segments of `gathered`'s settings at `now` (Unix seconds).
    pub fn compute(gathered: &Gathered, now: i64) -> Result<Self, SegmentFiguresError> {
        let mut segments = Vec::new();
        let readable = readable_segments(gathered.settings.as_ref());
        if readable.is_empty() {
            return Ok(Self { segments });
        }
        let list = Lists::of(gathered)?;
        for (id, made_by, segment) in readable {
            let entries = list.call_list(&segment, now)?;
            segments.push(SegmentFigure {
                id,
                name: segment.name,
                made_by,
                filters: segment.filters,
                accounts: entries
                    .into_iter()
                    .map(|entry| SegmentAccount {
                        id: entry.account,
                        name: entry.name,
                    })
                    .collect(),
            });
        }
        segments.sort_by(|left, right| (&left.name, &left.id).cmp(&(&right.name, &right.id)));
        Ok(Self { segments })
    }
}

/// The most characters of a segment's name a call list's file name keeps.
const FILE_NAME_CHARS: usize = 60;

/// The file name of a call list of the segment named `segment`, made on `day` (`YYYY-MM-DD`):
/// the name in lower case, every run of other characters than letters and digits made one
/// hyphen (so it is a valid name on every system), cut to [`FILE_NAME_CHARS`] characters.
pub fn call_list_file_name(segment: &str, day: &str) -> String {
    let mut slug = String::new();
    for character in segment.chars() {
        if slug.chars().count() >= FILE_NAME_CHARS {
            break;
        }
        if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    match slug.trim_end_matches('-') {
        "" => format!("carnet-segment-{day}.csv"),
        slug => format!("carnet-{slug}-{day}.csv"),
    }
}

/// The call list of segment `id` among `gathered`'s accounts at `now`, as CSV (semicolons, as
/// the workspace's spreadsheets in French expect); `None` when there is no such readable
/// segment.
pub fn call_list_csv(
    gathered: &Gathered,
    id: &str,
    now: i64,
) -> Result<Option<Vec<u8>>, SegmentFiguresError> {
    let Some((_, _, segment)) = readable_segments(gathered.settings.as_ref())
        .into_iter()
        .find(|(found, _, _)| found == id)
    else {
        return Ok(None);
    };
    let list = Lists::of(gathered)?;
    let entries = list.call_list(&segment, now)?;
    Ok(Some(export_call_list(&entries, Delimiter::Semicolon)?))
}

/// The readable segments of `settings`: id, author, segment.
fn readable_segments(settings: Option<&Settings>) -> Vec<(String, Option<UserId>, Segment)> {
    settings
        .map(|settings| {
            settings
                .segments
                .iter()
                .filter_map(|(id, saved)| Some((id.clone(), saved.made_by, saved.segment()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The facts a call list reads.
struct Lists {
    accounts: Vec<AccountFact>,
    figures: BTreeMap<AccountId, AccountFigures>,
    thresholds: RfmThresholds,
}

impl Lists {
    fn of(gathered: &Gathered) -> Result<Self, CockpitError> {
        let facts = gathered.facts();
        let figures = account_figures(&facts.orders, &facts.activities)?;
        let thresholds = gathered
            .settings
            .as_ref()
            .map(|settings| settings.rfm_thresholds.clone())
            .unwrap_or_default();
        Ok(Self {
            accounts: facts.accounts,
            figures,
            thresholds,
        })
    }

    fn call_list(&self, segment: &Segment, now: i64) -> Result<Vec<CallListEntry>, CockpitError> {
        call_list(
            segment,
            &self.accounts,
            &self.figures,
            &self.thresholds,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_list_file_is_named_after_its_segment_in_a_name_every_system_accepts() {
        assert_eq!(
            call_list_file_name("Boulangeries du Rhône / sans visite: 60 j", "2026-12-05"),
            "carnet-boulangeries-du-rhône-sans-visite-60-j-2026-12-05.csv"
        );
        assert_eq!(
            call_list_file_name(" ?? ", "2026-12-05"),
            "carnet-segment-2026-12-05.csv"
        );
        let long = call_list_file_name(&"é".repeat(100), "2026-12-05");
        assert_eq!(long, format!("carnet-{}-2026-12-05.csv", "é".repeat(60)));
    }

    use shared::account::{Account, Activity, ActivityKind};
    use shared::index::AccountIndexRow;
    use shared::record::{Address, AddressKind};
    use shared::settings::SegmentSetting;
    use shared::values::{Date, Departement};

    use crate::dashboard::gathered::noon_of;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    const RACHIDA: UserId = UserId::from_bytes([1; 16]);
    const BAKERY: AccountId = AccountId::from_bytes([11; 16]);
    const PASTRY: AccountId = AccountId::from_bytes([12; 16]);
    const CAFE: AccountId = AccountId::from_bytes([13; 16]);

    fn row(id: AccountId, name: &str, postcode: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: id.to_string(),
            name: name.to_owned(),
            postcode: postcode.to_owned(),
            city: "Lyon".to_owned(),
            stage: "active".to_owned(),
            owner: Some(RACHIDA.to_string()),
            ..AccountIndexRow::default()
        }
    }

    fn account(name: &str, postcode: &str, visited: Option<i64>) -> Account {
        let mut account = Account::named(name);
        account.industry = Some("Boulangerie".to_owned());
        let mut address = Address::in_city(AddressKind::Visit, "Lyon");
        address.postcode = postcode.to_owned();
        account.addresses.insert("visit".to_owned(), address);
        if let Some(at) = visited {
            account
                .activities
                .insert("visit".to_owned(), Activity::new(ActivityKind::Visit, at));
        }
        account
    }

    /// Three accounts: a bakery in Lyon visited 90 days ago, a pastry shop in Lyon visited
    /// yesterday, a café in Paris never visited; two segments, one of them unreadable.
    fn gathered(now: i64) -> Result<Gathered, Box<dyn std::error::Error>> {
        let day = 86_400;
        let mut settings = Settings::starter();
        let segment = Segment {
            name: "Rhône sans visite".to_owned(),
            filters: vec![
                Filter::Departements {
                    departements: vec![Departement::parse("69")?],
                },
                Filter::NoVisitFor { days: 60 },
            ],
        };
        let saved = SegmentSetting::new(&segment, RACHIDA, now)?;
        settings.segments.insert("rhone".to_owned(), saved.clone());
        settings.segments.insert(
            "newer".to_owned(),
            SegmentSetting {
                filters: "[{\"filter\":\"weather\"}]".to_owned(),
                ..saved
            },
        );
        Ok(Gathered {
            accounts: vec![
                row(BAKERY, "Boulangerie Martin", "69002"),
                row(PASTRY, "Pâtisserie Roux", "69003"),
                row(CAFE, "Café du Port", "75011"),
            ]
            .into(),
            documents: BTreeMap::from([
                (
                    BAKERY,
                    account("Boulangerie Martin", "69002", Some(now - 90 * day)),
                ),
                (PASTRY, account("Pâtisserie Roux", "69003", Some(now - day))),
                (CAFE, account("Café du Port", "75011", None)),
            ]),
            settings: Some(settings),
            ..Gathered::default()
        })
    }

    #[test]
    fn a_segment_holds_the_accounts_of_the_device_it_matches_and_an_unreadable_one_is_left_out(
    ) -> Outcome {
        let now = noon_of(Date::parse("2026-05-15")?);
        let figures = SegmentsFigures::compute(&gathered(now)?, now)?;
        assert_eq!(figures.segments.len(), 1);
        let segment = &figures.segments[0];
        assert_eq!(segment.id, "rhone");
        assert_eq!(segment.made_by, Some(RACHIDA));
        assert_eq!(
            segment.accounts,
            vec![SegmentAccount {
                id: BAKERY,
                name: "Boulangerie Martin".to_owned(),
            }]
        );
        Ok(())
    }

    #[test]
    fn a_segments_call_list_is_csv_of_its_accounts_and_an_unknown_segment_has_none() -> Outcome {
        let now = noon_of(Date::parse("2026-05-15")?);
        let gathered = gathered(now)?;
        let csv = call_list_csv(&gathered, "rhone", now)?.ok_or("no call list")?;
        let text = String::from_utf8(csv)?;
        let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].starts_with("Boulangerie Martin;;69002;Lyon;Boulangerie;"));
        assert_eq!(call_list_csv(&gathered, "newer", now)?, None);
        assert_eq!(call_list_csv(&gathered, "gone", now)?, None);
        Ok(())
    }

    #[test]
    fn without_segments_nothing_is_matched() -> Outcome {
        let figures = SegmentsFigures::compute(&Gathered::default(), 0)?;
        assert!(figures.segments.is_empty());
        Ok(())
    }
}
