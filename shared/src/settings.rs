//! The workspace settings record and its document: pipeline stages, custom fields, territories,
//! default currency, objectives, the thresholds of the suggested lifecycle stage. One document per workspace. Territories and the rule placing
//! new accounts in them by postcode are in `settings/territory.rs`; objectives in
//! `settings/objective.rs`.
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
mod territory;

pub use identity::{
    CompanyIdentity, IdentityError, MAX_IDENTITY_FIELD_CHARS, MAX_LOGO_BYTES, MAX_MENTIONS_CHARS,
};
pub use objective::{period_of_text, text_of_period, ObjectiveMetric, ObjectiveSetting};
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
