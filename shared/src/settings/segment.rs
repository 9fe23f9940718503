//! Segments kept in the workspace settings (issue 16): saved filters over accounts that a
//! manager shares with the team, each device counting them over the accounts it holds.
//!
//! They are stored in a map keyed by segment id, so two managers saving segments offline both
//! keep theirs. The filters are kept as the JSON text of the cockpit's stable serde form
//! ([`Segment`]), capped in size: the document holds a plain string, and a segment whose text
//! this version cannot read (written by a newer one, or damaged) is skipped by
//! [`SegmentSetting::segment`], never guessed. It must not match accounts (that is
//! `cockpit::segments`).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::cockpit::{Filter, Segment};
use crate::ids::UserId;

/// The longest segment name, in characters.
pub const MAX_SEGMENT_NAME_CHARS: usize = 120;
/// The largest filters' text, in bytes.
pub const MAX_SEGMENT_FILTERS_BYTES: usize = 8 * 1024;

/// Why a segment cannot be saved.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// Its name is empty.
    #[error("a segment needs a name")]
    NameMissing,
    /// Its name is longer than [`MAX_SEGMENT_NAME_CHARS`].
    #[error("the segment's name is too long")]
    NameTooLong,
    /// Its filters' text is larger than [`MAX_SEGMENT_FILTERS_BYTES`].
    #[error("the segment's filters are too large")]
    TooLarge,
    /// Its filters could not be written as text.
    #[error("the segment's filters could not be written")]
    Encode(#[from] serde_json::Error),
}

/// One segment as the settings document holds it.
#[derive(Clone, Debug, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct SegmentSetting {
    /// The name a manager gave it.
    #[autosurgeon(missing = "Default::default")]
    pub name: String,
    /// Its filters, as the JSON text of their stable form (a list of [`Filter`]).
    #[autosurgeon(missing = "Default::default")]
    pub filters: String,
    /// Who saved it.
    #[autosurgeon(missing = "Default::default")]
    pub made_by: Option<UserId>,
    /// When (Unix seconds).
    #[autosurgeon(missing = "Default::default")]
    pub made_at: i64,
}

impl SegmentSetting {
    /// `segment` as saved by `made_by` at `made_at`; its name is trimmed.
    pub fn new(segment: &Segment, made_by: UserId, made_at: i64) -> Result<Self, SegmentError> {
        let name = segment.name.trim();
        if name.is_empty() {
            return Err(SegmentError::NameMissing);
        }
        if name.chars().count() > MAX_SEGMENT_NAME_CHARS {
            return Err(SegmentError::NameTooLong);
        }
        let filters = serde_json::to_string(&segment.filters)?;
        if filters.len() > MAX_SEGMENT_FILTERS_BYTES {
            return Err(SegmentError::TooLarge);
        }
        Ok(Self {
            name: name.to_owned(),
            filters,
            made_by: Some(made_by),
            made_at,
        })
    }

    /// The segment as the cockpit reads it, or `None` when this version cannot read it (no
    /// name, filters too large or not in a form it knows).
    pub fn segment(&self) -> Option<Segment> {
        let name = self.name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_SEGMENT_NAME_CHARS
            || self.filters.len() > MAX_SEGMENT_FILTERS_BYTES
        {
            return None;
        }
        let filters: Vec<Filter> = serde_json::from_str(&self.filters).ok()?;
        Some(Segment {
            name: name.to_owned(),
            filters,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::LifecycleStage;
    use crate::edit::Edit;
    use crate::ids::WorkspaceId;
    use crate::settings::{Settings, SettingsDocument};
    use crate::values::Departement;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn rhone_bakeries() -> Result<Segment, Box<dyn std::error::Error>> {
        Ok(Segment {
            name: " Boulangeries du Rhône sans visite ".to_owned(),
            filters: vec![
                Filter::Industry {
                    industries: vec!["Boulangerie".to_owned()],
                },
                Filter::Departements {
                    departements: vec![Departement::parse("69")?],
                },
                Filter::NoVisitFor { days: 60 },
                Filter::SuggestedStage {
                    stages: vec![LifecycleStage::ToReactivate],
                },
            ],
        })
    }

    #[test]
    fn a_saved_segment_reads_back_from_the_settings_document() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut document = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        let segment = rhone_bakeries()?;
        let saved = SegmentSetting::new(&segment, UserId::from_bytes([2; 16]), 1_700_000_000)?;
        document.update(&edit, "save a segment", |settings| {
            settings.segments.insert("s1".to_owned(), saved.clone());
        })?;
        let loaded = SettingsDocument::load(&document.save())?;
        let read = loaded.record()?;
        assert_eq!(read.segments.get("s1"), Some(&saved));
        let expected = Segment {
            name: "Boulangeries du Rhône sans visite".to_owned(),
            ..segment
        };
        assert_eq!(saved.segment(), Some(expected));
        assert_eq!(saved.made_by, Some(UserId::from_bytes([2; 16])));
        Ok(())
    }

    #[test]
    fn settings_written_before_segments_existed_read_with_none() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut document = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        automerge::transaction::Transactable::delete(
            document.automerge_mut(),
            automerge::ROOT,
            "segments",
        )?;
        assert!(document.record()?.segments.is_empty());
        Ok(())
    }

    #[test]
    fn segments_two_managers_save_offline_both_survive_the_merge() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut paris = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        let mut lyon = paris.fork();
        let segment = rhone_bakeries()?;
        paris.update(&edit, "save a segment", |settings| {
            if let Ok(saved) = SegmentSetting::new(&segment, UserId::from_bytes([2; 16]), 1) {
                settings.segments.insert("a".to_owned(), saved);
            }
        })?;
        lyon.update(&edit, "save a segment", |settings| {
            if let Ok(saved) = SegmentSetting::new(&segment, UserId::from_bytes([3; 16]), 2) {
                settings.segments.insert("b".to_owned(), saved);
            }
        })?;
        paris.merge(&mut lyon)?;
        let merged = paris.record()?;
        let keys: Vec<&str> = merged.segments.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "b"]);
        Ok(())
    }

    #[test]
    fn an_unreadable_segment_is_skipped_and_the_settings_still_read() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut document = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        let good = SegmentSetting::new(&rhone_bakeries()?, UserId::from_bytes([2; 16]), 1)?;
        let newer = SegmentSetting {
            filters: r#"[{"filter":"weather","sunny":true}]"#.to_owned(),
            ..good.clone()
        };
        let huge = SegmentSetting {
            filters: format!("[{}]", " ".repeat(MAX_SEGMENT_FILTERS_BYTES)),
            ..good.clone()
        };
        let nameless = SegmentSetting {
            name: "  ".to_owned(),
            ..good.clone()
        };
        document.update(&edit, "save segments", |settings| {
            settings.segments.insert("good".to_owned(), good.clone());
            settings.segments.insert("newer".to_owned(), newer);
            settings.segments.insert("huge".to_owned(), huge);
            settings.segments.insert("nameless".to_owned(), nameless);
        })?;
        let read = document.record()?;
        let readable: Vec<&str> = read
            .segments
            .iter()
            .filter(|(_, saved)| saved.segment().is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(readable, ["good"]);
        Ok(())
    }

    #[test]
    fn a_segment_without_a_name_or_with_too_long_a_name_is_not_saved() -> Outcome {
        let mut segment = rhone_bakeries()?;
        segment.name = " ".to_owned();
        let someone = UserId::from_bytes([2; 16]);
        assert!(matches!(
            SegmentSetting::new(&segment, someone, 0),
            Err(SegmentError::NameMissing)
        ));
        segment.name = "x".repeat(MAX_SEGMENT_NAME_CHARS + 1);
        assert!(matches!(
            SegmentSetting::new(&segment, someone, 0),
            Err(SegmentError::NameTooLong)
        ));
        Ok(())
    }
}
