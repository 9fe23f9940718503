//! Changes set aside (the quarantine): local changes to records that left the person's reach
//! (reassigned to a colleague, a territory redrawn…) or that the relay refused, kept on the
//! device so that nothing typed is ever lost. They go back to the relay on their own if the
//! record comes back within reach; until then the rep can download them or discard them.
//!
//! Pure: what the settings section lists, and the JSON and CSV files it offers. Storage
//! (`storage/quarantine.rs`) keeps the changes; this module must not touch IndexedDB.

use serde::{Deserialize, Serialize};
use shared::protocol::DocumentId;
use shared::replica::RecordKind;

/// One change set aside, as storage keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct QuarantinedChange {
    /// The record's document.
    pub document: DocumentId,
    /// The record's kind, when it was known.
    pub kind: Option<RecordKind>,
    /// The record's title (an account's name, a contact's, a deal's title), when it was known.
    pub title: Option<String>,
    /// The Automerge change.
    pub bytes: Vec<u8>,
    /// When the change was made (milliseconds since the epoch), when known.
    pub made_at: Option<f64>,
    /// When it was set aside (milliseconds since the epoch).
    pub set_aside_at: f64,
}

/// One record's changes set aside, as the settings section lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedRecord {
    /// The record's document.
    pub document: DocumentId,
    /// Its kind, when known.
    pub kind: Option<RecordKind>,
    /// Its title, when known.
    pub title: Option<String>,
    /// How many of its changes are set aside.
    pub changes: usize,
    /// When the first of them was set aside (milliseconds since the epoch).
    pub first_set_aside_at: f64,
}

/// The file the set-aside changes are downloaded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuarantineFormat {
    /// A JSON document (`{"carnet_set_aside": 1, "changes": [...]}`).
    Json,
    /// CSV (UTF-8 with a byte-order mark, CRLF line ends), one change per row.
    Csv,
}

impl QuarantineFormat {
    /// The file's media type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv;charset=utf-8",
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
        }
    }
}

/// The records `changes` belong to, the record set aside first listed first; a record's kind
/// and title are the first any of its changes knew.
pub fn summarise(changes: &[QuarantinedChange]) -> Vec<QuarantinedRecord> {
    let mut records: Vec<QuarantinedRecord> = Vec::new();
    for change in changes {
        match records
            .iter_mut()
            .find(|record| record.document == change.document)
        {
            Some(record) => {
                record.changes += 1;
                record.first_set_aside_at = record.first_set_aside_at.min(change.set_aside_at);
                record.kind = record.kind.or(change.kind);
                if record.title.is_none() {
                    record.title.clone_from(&change.title);
                }
            }
            None => records.push(QuarantinedRecord {
                document: change.document,
                kind: change.kind,
                title: change.title.clone(),
                changes: 1,
                first_set_aside_at: change.set_aside_at,
            }),
        }
    }
    records.sort_by(|a, b| a.first_set_aside_at.total_cmp(&b.first_set_aside_at));
    records
}

/// How many changes `records` hold in all.
pub fn total_changes(records: &[QuarantinedRecord]) -> usize {
    records.iter().map(|record| record.changes).sum()
}

/// `changes` as a file in `format`: per change the document id, the record's kind and title,
/// when it was set aside (UTC, ISO 8601) and the change's bytes in base64. Fails only on a bug
/// (the output is memory).
pub fn export(
    changes: &[QuarantinedChange],
    format: QuarantineFormat,
) -> Result<Vec<u8>, serde_json::Error> {
    match format {
        QuarantineFormat::Json => export_json(changes),
        QuarantineFormat::Csv => Ok(export_csv(changes)),
    }
}

/// The JSON file's shape.
#[derive(Serialize)]
struct JsonFile<'a> {
    /// The file format's version.
    carnet_set_aside: u32,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    document: String,
    kind: Option<&'static str>,
    title: Option<&'a str>,
    set_aside_at: String,
    change: String,
}

fn export_json(changes: &[QuarantinedChange]) -> Result<Vec<u8>, serde_json::Error> {
    let file = JsonFile {
        carnet_set_aside: 1,
        changes: changes
            .iter()
            .map(|change| JsonChange {
                document: change.document.0.to_string(),
                kind: change.kind.map(RecordKind::as_str),
                title: change.title.as_deref(),
                set_aside_at: utc_timestamp(change.set_aside_at),
                change: base64(&change.bytes),
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&file)
}

fn export_csv(changes: &[QuarantinedChange]) -> Vec<u8> {
    // The byte-order mark makes spreadsheets read accents right.
    let mut text = String::from("\u{feff}document,kind,title,set_aside_at,change\r\n");
    for change in changes {
        let fields = [
            change.document.0.to_string(),
            change.kind.map(RecordKind::as_str).unwrap_or("").to_owned(),
            change.title.clone().unwrap_or_default(),
            utc_timestamp(change.set_aside_at),
            base64(&change.bytes),
        ];
        let row: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// `field` quoted when it holds a separator, a quote or a line end (RFC 4180).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let [a, b, c] = [0, 1, 2].map(|index| group.get(index).copied().unwrap_or(0));
        let bits = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
        for position in 0..4 {
            if position <= group.len() {
                let sextet = (bits >> (18 - 6 * position)) & 0x3f;
                text.push(char::from(ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC): a file leaving the device
/// must not depend on its time zone.
fn utc_timestamp(milliseconds: f64) -> String {
    let seconds = (milliseconds / 1000.0).floor() as i64;
    let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Days to the civil date (Howard Hinnant's `civil_from_days`).
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(document: u128, set_aside_at: f64, title: Option<&str>) -> QuarantinedChange {
        QuarantinedChange {
            document: DocumentId(uuid::Uuid::from_u128(document)),
            kind: Some(RecordKind::Account),
            title: title.map(str::to_owned),
            bytes: b"foo".to_vec(),
            made_at: None,
            set_aside_at,
        }
    }

    #[test]
    fn changes_are_listed_per_record_the_first_set_aside_first() {
        let changes = [
            change(2, 5_000.0, None),
            change(1, 1_000.0, Some("Boulangerie Martin")),
            change(2, 3_000.0, Some("Garage Petit")),
            change(1, 2_000.0, None),
            change(2, 4_000.0, None),
        ];
        let records = summarise(&changes);
        let listed: Vec<(u128, usize, Option<&str>, f64)> = records
            .iter()
            .map(|record| {
                (
                    record.document.0.as_u128(),
                    record.changes,
                    record.title.as_deref(),
                    record.first_set_aside_at,
                )
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                (1, 2, Some("Boulangerie Martin"), 1_000.0),
                (2, 3, Some("Garage Petit"), 3_000.0),
            ]
        );
        assert_eq!(total_changes(&records), 5);
    }

    #[test]
    fn base64_matches_the_standard_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn set_aside_times_are_written_in_utc() {
        assert_eq!(utc_timestamp(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(1_700_000_000_123.0), "2023-11-14T22:13:20Z");
        assert_eq!(utc_timestamp(951_782_400_000.0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn the_csv_file_quotes_titles_with_separators_and_keeps_the_change_in_base64() {
        let changes = [change(1, 0.0, Some("Dupont, \"père\" & fils"))];
        let bytes = export(&changes, QuarantineFormat::Csv).unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(
            text,
            "\u{feff}document,kind,title,set_aside_at,change\r\n\
             00000000-0000-0000-0000-000000000001,account,\
             \"Dupont, \"\"père\"\" & fils\",1970-01-01T00:00:00Z,Zm9v\r\n"
        );
    }

    #[test]
    fn the_json_file_names_each_change_with_its_record() -> Result<(), String> {
        let mut untitled = change(2, 1_700_000_000_000.0, None);
        untitled.kind = None;
        let changes = [change(1, 0.0, Some("Garage Petit")), untitled];
        let bytes = export(&changes, QuarantineFormat::Json).map_err(|e| e.to_string())?;
        let file: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        assert_eq!(file["carnet_set_aside"], 1);
        assert_eq!(
            file["changes"][0],
            serde_json::json!({
                "document": "00000000-0000-0000-0000-000000000001",
                "kind": "account",
                "title": "Garage Petit",
                "set_aside_at": "1970-01-01T00:00:00Z",
                "change": "Zm9v",
            })
        );
        assert_eq!(file["changes"][1]["kind"], serde_json::Value::Null);
        assert_eq!(file["changes"][1]["title"], serde_json::Value::Null);
        Ok(())
    }
}
