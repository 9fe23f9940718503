//! The import wizard as the workspace worker holds it: the picked file read, mapped and planned
//! there, never on the page's thread. The page sends [`ImportCommand`]s (the file's bytes once,
//! then the rep's choices); the session applies them to its [`ImportWizard`], says which reads
//! and writes the worker must carry out ([`ImportEffect`]), hears how they went, and after every
//! change gives the [`ImportReview`] the page shows — never the whole plan.
//!
//! Pure: no storage, no messages, no clock; the worker (`bridge::worker`) runs the effects. The
//! keys of the device's records are read again for each file (records imported or synced since
//! count) and for each kind of record chosen; the plan waits for them, so duplicates against the
//! device are never missed.

use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use shared::edit::Edit;
use shared::ids::WorkspaceId;
use shared::settings::Settings;
use shared::transfer::{Entity, ExistingKeys, ImportRules, ImportWork};

use crate::state::problem::Problem;
use crate::transfer::review::{ImportReview, Shown, REVIEW_PAGE};
use crate::transfer::wizard::{ImportAction, ImportChoice, ImportWizard, Step};

/// What the import page asks of the worker's import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportCommand {
    /// The import page opened: start over under the rules of `workspace` (the starter's until
    /// they are read, or for good when no one is signed in).
    Begin {
        /// The signed-in workspace, if any.
        workspace: Option<WorkspaceId>,
    },
    /// One of the rep's choices (the picked file's bytes among them).
    Choose(ImportChoice),
    /// Show one more page of a list.
    ShowMore(ReviewList),
    /// Write the plan in one transaction (from the summary only), stamped with `stamp`.
    Start {
        /// Who imports (if signed in) and when.
        stamp: Edit,
    },
    /// Stop the running import before it commits: nothing is stored.
    Cancel,
}

/// A list the review shows one page at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewList {
    /// The refused rows.
    Refused,
    /// The duplicates.
    Duplicates,
}

/// What the worker must do for the import.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportEffect {
    /// Read the workspace's settings, then call [`ImportSession::know_rules`].
    ReadRules(WorkspaceId),
    /// Read the keys of the device's records of this kind, then call
    /// [`ImportSession::know_keys`].
    ReadKeys(Entity),
    /// Write `work` in one transaction, reporting [`ImportSession::progress`] and then
    /// [`ImportSession::finish`].
    Write {
        /// What to write.
        work: ImportWork,
        /// Who imports and when.
        stamp: Edit,
    },
    /// Cancel the running write.
    StopWriting,
}

/// The wizard and what the worker read for it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSession {
    wizard: ImportWizard,
    /// The display names of the device's records of the wizard's kind, by id.
    names: HashMap<String, String>,
    shown: Shown,
    /// The kind whose keys are being read.
    reading_keys: Option<Entity>,
}

impl Default for ImportSession {
    fn default() -> Self {
        Self::new()
    }
}

impl ImportSession {
    /// No file yet, accounts, the starter's rules.
    pub fn new() -> Self {
        Self {
            wizard: ImportWizard::new(ImportRules::from_settings(&Settings::starter())),
            names: HashMap::new(),
            shown: Shown::default(),
            reading_keys: None,
        }
    }

    /// Applies `command`; the effects to carry out.
    pub fn command(&mut self, command: ImportCommand) -> Vec<ImportEffect> {
        match command {
            // A page opened while the import writes shows its progress (and says when it is done).
            ImportCommand::Begin { .. } if self.wizard.is_importing() => Vec::new(),
            ImportCommand::Begin { workspace } => {
                *self = Self::new();
                workspace.map(ImportEffect::ReadRules).into_iter().collect()
            }
            ImportCommand::Choose(choice) => {
                if matches!(choice, ImportChoice::Open { .. }) && !self.wizard.is_importing() {
                    // Keys read for an earlier file may miss records stored since: the plan
                    // waits for a new read.
                    self.wizard.existing = None;
                    self.reading_keys = None;
                    self.shown = Shown::default();
                }
                self.apply(choice.into());
                self.wanted_keys().into_iter().collect()
            }
            ImportCommand::ShowMore(list) => {
                match list {
                    ReviewList::Refused => self.shown.refused += REVIEW_PAGE,
                    ReviewList::Duplicates => self.shown.duplicates += REVIEW_PAGE,
                }
                Vec::new()
            }
            ImportCommand::Start { stamp } => {
                let Some(plan) = self
                    .wizard
                    .plan
                    .as_ref()
                    .filter(|_| self.wizard.step == Step::Summary && self.wizard.can_review())
                else {
                    return Vec::new();
                };
                let summary = plan.summary();
                let work = plan.work();
                self.apply(ImportAction::Start {
                    total: summary.create + summary.merge_existing,
                });
                vec![ImportEffect::Write { work, stamp }]
            }
            ImportCommand::Cancel if self.wizard.is_importing() => vec![ImportEffect::StopWriting],
            ImportCommand::Cancel => Vec::new(),
        }
    }

    /// The workspace's settings were read.
    pub fn know_rules(&mut self, settings: &Settings) {
        self.apply(ImportAction::KnowRules(ImportRules::from_settings(
            settings,
        )));
    }

    /// The keys and display names of the device's records of `entity` were read; the effects to
    /// carry out (the rep may have chosen another kind meanwhile).
    pub fn know_keys(
        &mut self,
        entity: Entity,
        keys: ExistingKeys,
        names: HashMap<String, String>,
    ) -> Vec<ImportEffect> {
        if self.reading_keys == Some(entity) {
            self.reading_keys = None;
        }
        if entity == self.wizard.entity {
            self.names = names;
        }
        self.apply(ImportAction::KnowExisting {
            entity,
            keys: Rc::new(keys),
        });
        self.wanted_keys().into_iter().collect()
    }

    /// The keys could not be read: the review says why.
    pub fn keys_failed(&mut self, entity: Entity, problem: Problem) {
        if self.reading_keys == Some(entity) {
            self.reading_keys = None;
        }
        self.wizard.step = Step::Failed(problem);
    }

    /// `done` records are written.
    pub fn progress(&mut self, done: usize) {
        self.apply(ImportAction::Progress(done));
    }

    /// The write ended: stored (created, merged), cancelled, or failed (nothing stored).
    pub fn finish(&mut self, outcome: ImportOutcome) {
        self.apply(match outcome {
            ImportOutcome::Stored { created, merged } => ImportAction::Finish { created, merged },
            ImportOutcome::Cancelled => ImportAction::Cancelled,
            ImportOutcome::Failed(problem) => ImportAction::Fail(problem),
        });
    }

    /// What the page shows.
    pub fn review(&self) -> ImportReview {
        ImportReview::of(&self.wizard, &self.names, self.shown)
    }

    /// The wizard.
    pub fn wizard(&self) -> &ImportWizard {
        &self.wizard
    }

    fn apply(&mut self, action: ImportAction) {
        // The wizard moves through `apply` by value; an empty one holds its place meanwhile.
        let empty = ImportWizard::new(ImportRules {
            stages: Vec::new(),
            currency: self.wizard.rules.currency,
            territories: std::collections::BTreeMap::new(),
        });
        let wizard = std::mem::replace(&mut self.wizard, empty);
        self.wizard = wizard.apply(action);
    }

    /// A read of the keys the plan waits for, unless one is under way.
    fn wanted_keys(&mut self) -> Option<ImportEffect> {
        let entity = self.wizard.entity;
        let wanted = self.wizard.source.is_some()
            && !self.wizard.knows_existing()
            && self.reading_keys != Some(entity);
        wanted.then(|| {
            self.reading_keys = Some(entity);
            ImportEffect::ReadKeys(entity)
        })
    }
}

/// How a write ended.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportOutcome {
    /// Committed.
    Stored {
        /// Records created.
        created: usize,
        /// Stored records merged into.
        merged: usize,
    },
    /// The rep cancelled: nothing stored.
    Cancelled,
    /// Storage refused: nothing stored.
    Failed(Problem),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::file_bytes::FileBytes;
    use crate::transfer::review::Reading;
    use shared::transfer::{Decision, Delimiter, DuplicateKey, TextEncoding};

    const FRENCH: &[u8] =
        include_bytes!("../../../shared/tests/fixtures/import/french-export-windows-1252.csv");

    const STAMP: Edit = Edit {
        editor: None,
        time: 1_700_000_000,
    };

    fn open(session: &mut ImportSession, name: &str, bytes: Vec<u8>) -> Vec<ImportEffect> {
        session.command(ImportCommand::Choose(ImportChoice::Open {
            name: name.to_owned(),
            bytes: FileBytes(bytes),
        }))
    }

    /// A CSV of `rows` accounts, every one refused (no name).
    fn refused_rows(rows: usize) -> Vec<u8> {
        let mut text = String::from("Raison sociale;Ville\r\n");
        for row in 0..rows {
            text.push_str(&format!(";Ville {row}\r\n"));
        }
        text.into_bytes()
    }

    /// A CSV of `rows` accounts all named alike in the same postcode: every row after the first
    /// duplicates the first.
    fn duplicate_rows(rows: usize) -> Vec<u8> {
        let mut text = String::from("Raison sociale;Code postal\r\n");
        for _ in 0..rows {
            text.push_str("Boulangerie Martin;69002\r\n");
        }
        text.into_bytes()
    }

    #[test]
    fn a_picked_file_is_read_then_waits_for_the_keys_of_the_devices_accounts() -> Result<(), String>
    {
        let mut session = ImportSession::new();
        let effects = open(&mut session, "clients.csv", FRENCH.to_vec());
        assert_eq!(effects, vec![ImportEffect::ReadKeys(Entity::Account)]);
        let review = session.review();
        assert_eq!(
            review.reading,
            Some(Reading::Csv {
                encoding: TextEncoding::Windows1252,
                delimiter: Delimiter::Semicolon,
                chosen_encoding: None,
                chosen_delimiter: None,
            })
        );
        assert!(review.looks_for_duplicates());
        assert!(!review.can_review);
        let effects = session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        assert!(effects.is_empty());
        let review = session.review();
        let checks = review.checks.ok_or("no checks once the keys are known")?;
        assert_eq!(checks.summary.rows, 4);
        assert!(review.can_review);
        Ok(())
    }

    #[test]
    fn a_second_file_reads_the_keys_again() {
        let mut session = ImportSession::new();
        open(&mut session, "clients.csv", FRENCH.to_vec());
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        let effects = open(&mut session, "clients-2.csv", FRENCH.to_vec());
        assert_eq!(effects, vec![ImportEffect::ReadKeys(Entity::Account)]);
        assert!(session.review().checks.is_none());
    }

    #[test]
    fn choosing_another_kind_replans_once_its_keys_are_read() -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "clients.csv", FRENCH.to_vec());
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        let effects = session.command(ImportCommand::Choose(ImportChoice::ChooseEntity(
            Entity::Contact,
        )));
        assert_eq!(effects, vec![ImportEffect::ReadKeys(Entity::Contact)]);
        let review = session.review();
        assert_eq!(review.entity, Entity::Contact);
        assert!(review.checks.is_none(), "no plan before the contacts' keys");
        let mapping = review.mapping.ok_or("no mapping")?;
        assert_eq!(
            mapping.entity,
            Entity::Contact,
            "the mapping is guessed again"
        );
        session.know_keys(Entity::Contact, ExistingKeys::new(), HashMap::new());
        assert!(session.review().checks.is_some());
        Ok(())
    }

    #[test]
    fn a_mapping_choice_replans_and_the_review_says_what_is_missing() -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "clients.csv", FRENCH.to_vec());
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        let before = session.review().checks.ok_or("no checks")?.summary;
        session.command(ImportCommand::Choose(ImportChoice::MapColumn {
            column: 0,
            field: None,
        }));
        let review = session.review();
        let mapping = review.mapping.ok_or("no mapping")?;
        assert_eq!(mapping.missing, vec![shared::transfer::Field::AccountName]);
        let after = review.checks.ok_or("no checks")?.summary;
        assert_ne!(before, after, "the rows are validated again");
        assert!(!review.can_review);
        Ok(())
    }

    #[test]
    fn the_review_of_ten_thousand_refused_rows_shows_one_page_and_counts_them_all(
    ) -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "vides.csv", refused_rows(10_000));
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        let review = session.review();
        let mapping = review.mapping.ok_or("no mapping")?;
        assert!(mapping.preview.len() <= crate::transfer::wizard::PREVIEW_ROWS);
        let checks = review.checks.ok_or("no checks")?;
        assert_eq!(checks.summary.invalid, 10_000);
        assert_eq!(checks.refused.len(), REVIEW_PAGE);
        session.command(ImportCommand::ShowMore(ReviewList::Refused));
        let checks = session.review().checks.ok_or("no checks")?;
        assert_eq!(checks.refused.len(), 2 * REVIEW_PAGE);
        Ok(())
    }

    #[test]
    fn the_review_of_many_duplicates_shows_one_page_and_a_choice_for_all_reaches_every_one(
    ) -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "doublons.csv", duplicate_rows(1_000));
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        let checks = session.review().checks.ok_or("no checks")?;
        assert_eq!(checks.summary.duplicates, 999);
        assert_eq!(checks.duplicates.len(), REVIEW_PAGE);
        assert_eq!(checks.duplicates[0].name, "Boulangerie Martin");
        session.command(ImportCommand::Choose(ImportChoice::DecideAll(
            Decision::Merge,
        )));
        let checks = session.review().checks.ok_or("no checks")?;
        assert_eq!(checks.summary.merge_in_file, 999);
        assert!(checks
            .duplicates
            .iter()
            .all(|duplicate| duplicate.decision == Some(Decision::Merge)));
        Ok(())
    }

    #[test]
    fn a_duplicate_of_a_stored_record_is_named_after_it() -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "doublons.csv", duplicate_rows(1));
        let mut keys = ExistingKeys::new();
        keys.insert(
            DuplicateKey::NameAndPostcode {
                name: shared::transfer::normalised_name("Boulangerie Martin"),
                postcode: "69002".to_owned(),
            },
            "stored-id",
        );
        let names = HashMap::from([("stored-id".to_owned(), "Boulangerie Martin SARL".to_owned())]);
        session.know_keys(Entity::Account, keys, names);
        let checks = session.review().checks.ok_or("no checks")?;
        assert_eq!(
            checks.duplicates[0].of,
            crate::transfer::review::DuplicateTarget::Existing {
                name: "Boulangerie Martin SARL".to_owned()
            }
        );
        Ok(())
    }

    #[test]
    fn the_import_writes_the_plan_it_holds_from_the_summary_only() -> Result<(), String> {
        let mut session = ImportSession::new();
        open(&mut session, "clients.csv", FRENCH.to_vec());
        session.know_keys(Entity::Account, ExistingKeys::new(), HashMap::new());
        assert!(
            session
                .command(ImportCommand::Start { stamp: STAMP })
                .is_empty(),
            "not from the review"
        );
        session.command(ImportCommand::Choose(ImportChoice::Review));
        let effects = session.command(ImportCommand::Start { stamp: STAMP });
        let [ImportEffect::Write { work, stamp }] = effects.as_slice() else {
            return Err(format!("not one write: {effects:?}"));
        };
        assert_eq!(work.creates.len(), 4);
        assert_eq!(*stamp, STAMP);
        assert_eq!(session.review().step, Step::Importing { done: 0, total: 4 });
        assert!(
            session
                .command(ImportCommand::Start { stamp: STAMP })
                .is_empty(),
            "one write at a time"
        );
        session.progress(2);
        assert!(
            session
                .command(ImportCommand::Begin { workspace: None })
                .is_empty(),
            "a page opened meanwhile follows the running import"
        );
        assert_eq!(session.review().step, Step::Importing { done: 2, total: 4 });
        assert_eq!(
            session.command(ImportCommand::Cancel),
            vec![ImportEffect::StopWriting]
        );
        session.finish(ImportOutcome::Stored {
            created: 4,
            merged: 0,
        });
        assert_eq!(
            session.review().step,
            Step::Done {
                created: 4,
                merged: 0
            }
        );
        Ok(())
    }

    #[test]
    fn a_new_page_starts_over_and_reads_the_workspaces_rules() {
        let mut session = ImportSession::new();
        open(&mut session, "clients.csv", FRENCH.to_vec());
        let workspace = WorkspaceId::generate();
        let effects = session.command(ImportCommand::Begin {
            workspace: Some(workspace),
        });
        assert_eq!(effects, vec![ImportEffect::ReadRules(workspace)]);
        assert_eq!(session.review(), ImportReview::empty());
    }
}
