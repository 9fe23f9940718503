//! A record's History tab: its changes newest first, a rep's burst of typing in one field shown
//! as one row, who made each (the Authors API's user and device), the fields a row changed with
//! their values before and after, and the record as it was. Pure: works on any
//! `shared::document::Document` natively.

use shared::document::Document;
use shared::history::ChangeHash;

use crate::team::people::People;
use crate::workspace::record::ChangeId;
use shared::edit::Editor;
use shared::field::{FieldPath, FieldValue};
use shared::history::HistoryEntry;
use shared::record::Record;

/// Changes by one editor to the same fields less than this far apart read as one edit.
const BURST_SECONDS: i64 = 120;

/// One row of the History tab: one change, or a burst of them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryRow {
    /// Position of the row's last change in the history (its stable key).
    pub last: usize,
    /// Position of the change before the row's first one (`None`: the row starts the history).
    pub before: Option<usize>,
    /// When its last change was made (Unix seconds, editing device's clock).
    pub time: i64,
    /// Who made it, on which device.
    pub editor: Option<Editor>,
    /// The top-level fields it touched.
    pub fields: Vec<String>,
    /// How many changes it gathers.
    pub changes: usize,
    /// Whether it created the record.
    pub created: bool,
}

/// The rows of `entries` (in causal order, as `Document::history` gives them), newest first.
pub fn group(entries: &[HistoryEntry]) -> Vec<HistoryRow> {
    let mut rows: Vec<HistoryRow> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let created = index == 0;
        if let Some(row) = rows.last_mut() {
            let same_burst = !row.created
                && !created
                && row.editor == entry.editor
                && row.fields == entry.fields
                && (entry.time - row.time).abs() <= BURST_SECONDS;
            if same_burst {
                row.last = index;
                row.time = entry.time;
                row.changes += 1;
                continue;
            }
        }
        rows.push(HistoryRow {
            last: index,
            before: index.checked_sub(1),
            time: entry.time,
            editor: entry.editor,
            fields: entry.fields.clone(),
            changes: 1,
            created,
        });
    }
    // Changes that touched nothing visible (a choice already made elsewhere) are noise.
    rows.retain(|row| row.created || !row.fields.is_empty());
    rows.reverse();
    rows
}

/// A record's history as the page shows it: its rows (newest first) and the id of every change
/// they point at (a row's `last` and `before` index `changes`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecordHistory {
    /// The rows, newest first.
    pub rows: Vec<HistoryRow>,
    /// Every change of the history, in causal order.
    pub changes: Vec<ChangeId>,
}

/// One field as a History row changed it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldDifference {
    /// The field.
    pub path: FieldPath,
    /// Its value before the row (`None`: absent).
    pub before: Option<FieldValue>,
    /// Its value after the row (`None`: removed). Restoring brings this value back.
    pub after: Option<FieldValue>,
}

/// What the History tab shows of one selected row.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryDetail {
    /// The row's key ([`HistoryRow::last`]).
    pub last: usize,
    /// Every field the row changed.
    pub differences: Vec<FieldDifference>,
    /// Every field of the record as it was just after the row.
    pub as_it_was: Vec<(FieldPath, FieldValue)>,
}

/// The details of `row` of `entries` in `document`.
pub fn detail<R: Record>(
    document: &mut Document<R>,
    entries: &[HistoryEntry],
    row: &HistoryRow,
) -> Option<HistoryDetail> {
    let after = entries.get(row.last)?.hash;
    let before: Vec<_> = row
        .before
        .and_then(|index| entries.get(index))
        .map(|entry| entry.hash)
        .into_iter()
        .collect();
    Some(detail_between(document, &before, after, row.last))
}

/// The details of the row `last` running from `before` (empty: the start of the history) to
/// change `after`.
pub fn detail_between<R: Record>(
    document: &mut Document<R>,
    before: &[ChangeHash],
    after: ChangeHash,
    last: usize,
) -> HistoryDetail {
    let after = [after];
    let differences = document
        .field_changes(before, &after)
        .into_iter()
        .map(|change| FieldDifference {
            path: change.path,
            before: change.before,
            after: change.after,
        })
        .collect();
    let as_it_was = document
        .field_changes(&[], &after)
        .into_iter()
        .filter_map(|change| Some((change.path, change.after?)))
        .collect();
    HistoryDetail {
        last,
        differences,
        as_it_was,
    }
}

/// The signed-in person on this device, to recognise their own changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    /// Their user and this device.
    pub editor: Editor,
    /// Their name.
    pub name: String,
}

/// Who made a change, as the History tab says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Author {
    /// The signed-in person, on this device or another of theirs.
    Me {
        /// Their name.
        name: String,
        /// Whether it was this device.
        this_device: bool,
    },
    /// Someone else: their name when the people directory knows them, and short forms of
    /// their user and device ids.
    Colleague {
        /// Their name, from the people directory.
        name: Option<String>,
        /// The first characters of the user's id.
        user: String,
        /// The first characters of the device's id.
        device: String,
    },
    /// No author recorded (demo data, edits before signing in, migrations).
    Unknown,
}

/// Who `editor` is, seen from `me`, named from `people`.
pub fn author(editor: Option<Editor>, me: Option<&Me>, people: &People) -> Author {
    let Some(editor) = editor else {
        return Author::Unknown;
    };
    match me {
        Some(me) if me.editor.user == editor.user => Author::Me {
            name: me.name.clone(),
            this_device: me.editor.device == editor.device,
        },
        _ => Author::Colleague {
            name: people.name_of(editor.user).map(str::to_owned),
            user: short_id(&editor.user.to_string()),
            device: short_id(&editor.device.to_string()),
        },
    }
}

fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// The catalogue message naming a record's top-level field (`field-name`…); `None` for fields
/// this version has no words for (shown by their key).
pub fn field_label_id(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "record-field-name",
        "siren" => "record-field-siren",
        "siret" => "record-field-siret",
        "vat" => "record-field-vat",
        "industry" => "record-field-industry",
        "tags" => "record-field-tags",
        "stage" => "record-field-stage",
        "addresses" => "record-field-addresses",
        "phones" => "record-field-phones",
        "emails" => "record-field-emails",
        "website" => "record-field-website",
        "owner" => "record-field-owner",
        "notes" => "record-field-notes",
        "activities" => "record-field-activities",
        "tasks" => "record-field-tasks",
        "first_name" => "record-field-first-name",
        "last_name" => "record-field-last-name",
        "job_title" => "record-field-job-title",
        "accounts" => "record-field-accounts",
        "title" => "record-field-title",
        "account" => "record-field-account",
        "amount" => "record-field-amount",
        "status" => "record-field-status",
        "expected_close" => "record-field-expected-close",
        "probability" => "record-field-probability",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::account::{Account, AccountDocument};
    use shared::edit::Edit;
    use shared::ids::{AccountId, DeviceId, UserId};

    use crate::team::people::Person;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn someone() -> Editor {
        Editor {
            user: UserId::generate(),
            device: DeviceId::generate(),
        }
    }

    #[test]
    fn a_burst_of_typing_is_one_row_and_rows_are_newest_first() -> TestResult {
        let (anne, bruno) = (someone(), someone());
        let mut document = AccountDocument::new(
            AccountId::generate(),
            &Account::named("Garage"),
            &Edit::by(anne, 100),
        )?;
        for (time, name) in [
            (200, "Garage D"),
            (201, "Garage Du"),
            (230, "Garage Dupuis"),
        ] {
            document.update(&Edit::by(anne, time), "rename", |a| {
                a.name = name.to_owned()
            })?;
        }
        document.update(&Edit::by(bruno, 240), "rename", |a| {
            a.name = "Garage Dupuis SA".to_owned()
        })?;
        document.update(&Edit::by(anne, 5_000), "rename", |a| {
            a.name = "Dupuis".to_owned()
        })?;
        let entries = document.history();
        let rows = group(&entries);
        let summary: Vec<(usize, Option<Editor>, bool)> = rows
            .iter()
            .map(|row| (row.changes, row.editor, row.created))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, Some(anne), false),
                (1, Some(bruno), false),
                (3, Some(anne), false),
                (1, Some(anne), true),
            ]
        );
        assert_eq!(rows[2].fields, vec!["name"]);
        Ok(())
    }

    #[test]
    fn a_row_shows_its_values_before_and_after_and_the_record_as_it_was() -> TestResult {
        let anne = someone();
        let mut document = AccountDocument::new(
            AccountId::generate(),
            &Account::named("Garage"),
            &Edit::by(anne, 100),
        )?;
        document.update(&Edit::by(anne, 200), "rename", |a| {
            a.name = "Garage Dupuis".to_owned()
        })?;
        document.update(&Edit::by(anne, 9_000), "industry", |a| {
            a.industry = Some("Automobile".to_owned())
        })?;
        let entries = document.history();
        let rows = group(&entries);
        let rename = rows
            .iter()
            .find(|row| row.fields == ["name"])
            .ok_or("no rename row")?;
        let detail = detail(&mut document, &entries, rename).ok_or("no detail")?;
        assert_eq!(
            detail.differences,
            vec![FieldDifference {
                path: FieldPath::root("name"),
                before: Some(FieldValue::Text("Garage".to_owned())),
                after: Some(FieldValue::Text("Garage Dupuis".to_owned())),
            }]
        );
        assert!(detail.as_it_was.contains(&(
            FieldPath::root("name"),
            FieldValue::Text("Garage Dupuis".to_owned())
        )));
        // The industry set later is not there yet: it was still empty.
        assert!(detail
            .as_it_was
            .contains(&(FieldPath::root("industry"), FieldValue::Null)));
        Ok(())
    }

    #[test]
    fn changes_are_attributed_to_me_on_this_or_another_device_or_a_colleague() {
        let me = Me {
            editor: someone(),
            name: "Manon Lefèvre".to_owned(),
        };
        let other_device = Editor {
            user: me.editor.user,
            device: DeviceId::generate(),
        };
        assert_eq!(
            author(Some(me.editor), Some(&me), &People::default()),
            Author::Me {
                name: "Manon Lefèvre".to_owned(),
                this_device: true
            }
        );
        assert!(matches!(
            author(Some(other_device), Some(&me), &People::default()),
            Author::Me {
                this_device: false,
                ..
            }
        ));
        let colleague = someone();
        match author(Some(colleague), Some(&me), &People::default()) {
            Author::Colleague { name, user, device } => {
                assert_eq!(name, None);
                assert_eq!(user.len(), 8);
                assert!(colleague.user.to_string().starts_with(&user));
                assert!(colleague.device.to_string().starts_with(&device));
            }
            other => panic!("a colleague is not {other:?}"),
        }
        // Once the people directory knows them, the colleague is named.
        let people = People::new(vec![Person {
            id: colleague.user,
            name: "Rémi Garnier".to_owned(),
            email: "remi@demo.carnet.test".to_owned(),
            role: "rep".to_owned(),
            disabled_at: None,
            leads: Vec::new(),
            teams: Vec::new(),
            territories: Vec::new(),
        }]);
        assert!(matches!(
            author(Some(colleague), Some(&me), &people),
            Author::Colleague { name: Some(name), .. } if name == "Rémi Garnier"
        ));
        assert_eq!(author(None, Some(&me), &people), Author::Unknown);
        assert_eq!(
            field_label_id("first_name"),
            Some("record-field-first-name")
        );
        assert_eq!(field_label_id("unknown_future_field"), None);
    }
}
