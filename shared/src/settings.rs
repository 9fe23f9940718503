//! The workspace settings record and its document: pipeline stages, custom fields, territories,
//! default currency, objectives, segments, the thresholds of the suggested lifecycle stage.
//! One document per workspace. Territories and the rule placing new accounts in them by
//! postcode are in `settings/territory.rs`; objectives in `settings/objective.rs`; segments in
//! `settings/segment.rs`. Managers may change objectives and segments, nothing else
//! ([`PLANNING_KEYS`], [`settings_beyond_plans`]).
//!
//! Stages and territories are maps keyed by id with an explicit `position`, so two managers
//! adding stages concurrently both keep theirs and the order stays deterministic.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use crate::cockpit::RfmThresholds;
use crate::document::Document;
use crate::field::FieldPath;
use crate::ids::WorkspaceId;
use crate::record::{named_values, Record};
use crate::record_patch::TextFields;
use crate::values::CurrencyCode;

mod identity;
mod objective;
mod segment;
mod territory;

pub use identity::{
    CompanyIdentity, IdentityError, MAX_IDENTITY_FIELD_CHARS, MAX_LOGO_BYTES, MAX_MENTIONS_CHARS,
};
pub use objective::{period_of_text, text_of_period, ObjectiveMetric, ObjectiveSetting};
pub use segment::{
    SegmentError, SegmentSetting, MAX_SEGMENT_FILTERS_BYTES, MAX_SEGMENT_NAME_CHARS,
};
pub use territory::{assign_territory, territory_of_postcode, Territory};

/// The schema version this build writes into settings documents.
pub const SETTINGS_SCHEMA_VERSION: u64 = 1;

named_values!(
    /// The type of a custom field's values.
    CustomFieldKind {
        /// Free text.
        Text => "text",
        /// A number.
        Number => "number",
        /// Yes or no.
        Flag => "flag",
        /// A date.
        Date => "date",
    }
);

named_values!(
    /// Which record kind a custom field belongs to.
    RecordKind {
        /// Accounts.
        Account => "account",
        /// Contacts.
        Contact => "contact",
        /// Deals.
        Deal => "deal",
    }
);

/// One column of the pipeline board.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct PipelineStage {
    /// The name shown.
    pub name: String,
    /// Sort position (ties broken by key).
    pub position: i64,
    /// Default win probability in percent.
    #[autosurgeon(missing = "Default::default")]
    pub probability: Option<u8>,
}

/// A workspace-defined field.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CustomFieldDefinition {
    /// The label shown.
    pub label: String,
    /// The value type.
    pub kind: CustomFieldKind,
    /// Which records have it.
    pub applies_to: RecordKind,
}

/// Workspace-wide settings.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Settings {
    /// Pipeline stages by key.
    #[autosurgeon(missing = "Default::default")]
    pub pipeline_stages: BTreeMap<String, PipelineStage>,
    /// Custom field definitions by field key.
    #[autosurgeon(missing = "Default::default")]
    pub custom_fields: BTreeMap<String, CustomFieldDefinition>,
    /// Territories by key.
    #[autosurgeon(missing = "Default::default")]
    pub territories: BTreeMap<String, Territory>,
    /// The currency new deals use.
    pub default_currency: CurrencyCode,
    /// Who sells, as printed on quotes and orders.
    #[autosurgeon(missing = "Default::default")]
    pub identity: CompanyIdentity,
    /// The objectives of reps and teams by objective id (a map, so objectives added on two
    /// devices offline merge).
    #[autosurgeon(missing = "Default::default")]
    pub objectives: BTreeMap<String, ObjectiveSetting>,
    /// The segments shared with the team by segment id (a map, so segments saved on two
    /// devices offline merge).
    #[autosurgeon(missing = "Default::default")]
    pub segments: BTreeMap<String, SegmentSetting>,
    /// The thresholds of the lifecycle stage suggested from orders (the defaults in documents
    /// written before them). Admins change them; see [`RfmThresholds::check`].
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub rfm_thresholds: RfmThresholds,
}

impl Settings {
    /// The settings a new workspace starts with: a five-stage pipeline in euros.
    pub fn starter() -> Self {
        let stages = [
            ("qualify", "Qualification", 10),
            ("meet", "Rendez-vous", 25),
            ("propose", "Proposition", 50),
            ("negotiate", "Négociation", 75),
            ("sign", "Signature", 90),
        ];
        Self {
            pipeline_stages: stages
                .iter()
                .zip(0..)
                .map(|((key, name, probability), position)| {
                    (
                        (*key).to_owned(),
                        PipelineStage {
                            name: (*name).to_owned(),
                            position,
                            probability: Some(*probability),
                        },
                    )
                })
                .collect(),
            custom_fields: BTreeMap::new(),
            territories: BTreeMap::new(),
            default_currency: CurrencyCode::EUR,
            identity: CompanyIdentity::default(),
            objectives: BTreeMap::new(),
            segments: BTreeMap::new(),
            rfm_thresholds: RfmThresholds::default(),
        }
    }

    /// The stage keys in board order.
    pub fn ordered_stages(&self) -> Vec<&str> {
        let mut stages: Vec<(&String, &PipelineStage)> = self.pipeline_stages.iter().collect();
        stages.sort_by_key(|(key, stage)| (stage.position, key.as_str()));
        stages.into_iter().map(|(key, _)| key.as_str()).collect()
    }

    /// The key of the territory of `postcode` (see [`territory_of_postcode`]: the most specific
    /// match, ties to the first key; `None` for an invalid postcode or one no territory covers).
    pub fn territory_of_postcode(&self, postcode: &str) -> Option<&str> {
        territory_of_postcode(&self.territories, postcode)
    }

    /// Places a new `account` without territory in the one of its postcode (see
    /// [`assign_territory`]); returns the key it was given, if any.
    pub fn assign_territory(&self, account: &mut crate::account::Account) -> Option<&str> {
        assign_territory(&self.territories, account)
    }
}

impl Record for Settings {
    type Id = WorkspaceId;
    const KIND: &'static str = "settings";
    const SCHEMA_VERSION: u64 = SETTINGS_SCHEMA_VERSION;
}

/// A workspace's settings held as its Automerge document.
pub type SettingsDocument = Document<Settings>;

/// The settings' keys a manager may change (objectives and segments); only an admin changes
/// the others.
pub const PLANNING_KEYS: [&str; 2] = ["objectives", "segments"];

/// What of a settings document only an admin may change: the settings as this version reads
/// them with what managers may change ([`PLANNING_KEYS`]) left empty, and every other key of
/// the document's root (its bookkeeping, and keys a newer version wrote) as stored. Two
/// documents whose values are equal differ in objectives and segments at most.
///
/// The fields this version knows are compared as read, not as stored: a field a device filled
/// with its default because it read it absent changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsBeyondPlans {
    settings: Settings,
    others: BTreeMap<String, String>,
}

/// How deep [`settings_beyond_plans`] reads keys it does not know; deeper, it gives up.
const MAX_UNKNOWN_DEPTH: usize = 16;

/// What of the settings `automerge` holds only an admin may change, or `None` when it holds
/// no readable settings.
pub fn settings_beyond_plans(automerge: &automerge::AutoCommit) -> Option<SettingsBeyondPlans> {
    use automerge::{ReadDoc, ScalarValue, Value, ROOT};
    let is_settings = match automerge.get(ROOT, "kind") {
        Ok(Some((Value::Scalar(kind), _))) => {
            matches!(kind.as_ref(), ScalarValue::Str(kind) if kind.as_str() == Settings::KIND)
        }
        _ => false,
    };
    if !is_settings {
        return None;
    }
    let mut settings = SettingsDocument::from_automerge(automerge.clone())
        .and_then(|document| document.record())
        .ok()?;
    settings.objectives.clear();
    settings.segments.clear();
    // The keys this version reads are those it writes.
    let mut written = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut written, Settings::starter()).ok()?;
    let known: Vec<String> = written.keys(ROOT).collect();
    let mut others = BTreeMap::new();
    for key in automerge.keys(ROOT) {
        if known.contains(&key) {
            continue;
        }
        let mut text = String::new();
        for (value, id) in automerge.get_all(ROOT, key.as_str()).ok()? {
            render(automerge, &value, &id, 0, &mut text)?;
        }
        others.insert(key, text);
    }
    Some(SettingsBeyondPlans { settings, others })
}

/// Writes `value` (and what it holds) into `text`; `None` past [`MAX_UNKNOWN_DEPTH`].
fn render(
    automerge: &automerge::AutoCommit,
    value: &automerge::Value<'_>,
    id: &automerge::ObjId,
    depth: usize,
    text: &mut String,
) -> Option<()> {
    use automerge::{ObjType, ReadDoc, Value};
    use std::fmt::Write;
    if depth > MAX_UNKNOWN_DEPTH {
        return None;
    }
    match value {
        Value::Scalar(scalar) => write!(text, "{scalar:?};").ok(),
        Value::Object(ObjType::Text) => write!(text, "{:?};", automerge.text(id).ok()?).ok(),
        Value::Object(ObjType::Map | ObjType::Table) => {
            text.push('{');
            for item in automerge.map_range(id, ..) {
                write!(text, "{:?}:", item.key).ok()?;
                render(
                    automerge,
                    &item.value.clone().into_value(),
                    &item.id(),
                    depth + 1,
                    text,
                )?;
            }
            text.push('}');
            Some(())
        }
        Value::Object(ObjType::List) => {
            text.push('[');
            for item in automerge.list_range(id, ..) {
                render(
                    automerge,
                    &item.value.clone().into_value(),
                    &item.id(),
                    depth + 1,
                    text,
                )?;
            }
            text.push(']');
            Some(())
        }
    }
}
/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Settings {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;

    use super::*;
    use crate::account::LifecycleStage;
    use crate::cockpit::{suggest_stage, AccountFigures, MedianDays};
    use crate::document::DocumentError;
    use crate::edit::Edit;
    use crate::values::Date;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn only_objectives_and_segments_leave_the_settings_beyond_plans_unchanged() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut document = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        let before = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        document.update(&edit, "plan", |settings| {
            settings.objectives.insert(
                "o".to_owned(),
                ObjectiveSetting {
                    rep: None,
                    team: Some("Sud".to_owned()),
                    period: "2026".to_owned(),
                    metric: ObjectiveMetric::Visits,
                    currency: None,
                    target: 40,
                },
            );
            settings.segments.insert(
                "s".to_owned(),
                SegmentSetting {
                    name: "Tous".to_owned(),
                    filters: "[]".to_owned(),
                    made_by: None,
                    made_at: 0,
                },
            );
        })?;
        let planned = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        assert_eq!(planned, before);
        document.update(&edit, "rename a stage", |settings| {
            if let Some(stage) = settings.pipeline_stages.get_mut("meet") {
                stage.name = "Visite".to_owned();
            }
        })?;
        let renamed = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        assert_ne!(renamed, before);
        Ok(())
    }

    #[test]
    fn a_key_this_version_does_not_know_counts_beyond_plans() -> Outcome {
        let edit = Edit::anonymous(0);
        let mut document = SettingsDocument::new(
            WorkspaceId::from_bytes([1; 16]),
            &Settings::starter(),
            &edit,
        )?;
        let before = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        let automerge = document.automerge_mut();
        let later = automerge.put_object(automerge::ROOT, "later", automerge::ObjType::Map)?;
        automerge.put(&later, "colour", "blue")?;
        let with_later = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        assert_ne!(with_later, before);
        let automerge = document.automerge_mut();
        automerge.put(&later, "colour", "red")?;
        let changed = settings_beyond_plans(document.automerge()).ok_or("no settings")?;
        assert_ne!(changed, with_later);
        Ok(())
    }

    #[test]
    fn a_document_of_another_kind_has_no_settings_beyond_plans() {
        assert_eq!(settings_beyond_plans(&automerge::AutoCommit::new()), None);
    }

    #[test]
    fn a_settings_document_written_before_the_thresholds_reads_the_defaults() -> Outcome {
        let edit = Edit::anonymous(0);
        let workspace = WorkspaceId::from_bytes([1; 16]);
        let mut document = SettingsDocument::new(workspace, &Settings::starter(), &edit)?;
        document
            .automerge_mut()
            .delete(automerge::ROOT, "rfm_thresholds")?;
        let mut old = SettingsDocument::load(&document.save())?;
        assert_eq!(old.record()?.rfm_thresholds, RfmThresholds::default());
        // Writing the record back keeps what it read and adds the thresholds.
        old.update(&edit, "rename a stage", |settings| {
            if let Some(stage) = settings.pipeline_stages.get_mut("qualify") {
                stage.name = "Découverte".to_owned();
            }
        })?;
        assert_eq!(old.record()?.rfm_thresholds, RfmThresholds::default());
        Ok(())
    }

    #[test]
    fn thresholds_an_admin_saves_change_the_suggested_stage() -> Outcome {
        let edit = Edit::anonymous(0);
        let workspace = WorkspaceId::from_bytes([1; 16]);
        let mut document = SettingsDocument::new(workspace, &Settings::starter(), &edit)?;
        // A customer who ordered on the 1st of each month from December 2025 to March 2026
        // (intervals 31, 31 and 28 days; first 165 days, last 75 days before 15 May 2026).
        let figures = AccountFigures {
            first_order: Some(Date::parse("2025-12-01")?),
            last_order: Some(Date::parse("2026-03-01")?),
            orders: 4,
            usual_interval: MedianDays::of([31, 31, 28]),
            ..AccountFigures::default()
        };
        let today = Date::parse("2026-05-15")?;
        let stage = |document: &SettingsDocument| -> Result<LifecycleStage, DocumentError> {
            Ok(suggest_stage(
                &figures,
                &document.record()?.rfm_thresholds,
                today,
            ))
        };
        // 75 days silent ≤ 90: active.
        assert_eq!(stage(&document)?, LifecycleStage::Active);
        document.update(&edit, "active for 60 days", |settings| {
            settings.rfm_thresholds.active_days = 60;
            settings.rfm_thresholds.win_back_floor_days = 60;
        })?;
        // 75 > 60 and 75 > max(60, 31 × 1.5 = 46.5 → 47): to win back.
        let reloaded = SettingsDocument::load(&document.save())?;
        assert_eq!(reloaded.record()?.rfm_thresholds.active_days, 60);
        assert_eq!(stage(&reloaded)?, LifecycleStage::ToReactivate);
        Ok(())
    }
}
