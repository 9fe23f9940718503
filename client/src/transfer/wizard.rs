//! The import wizard's state: the file read, the rep's overrides and mapping, the plan with its
//! duplicate decisions, and where the import stands. Pure, and held by the workspace worker
//! (`workspace::import_session`), so reading and planning a large file never runs on the page's
//! thread: the page sends the file's bytes and the rep's [`ImportChoice`]s, the worker adds what
//! it read of the device's data and how the import went, and the page is shown an
//! [`crate::transfer::review::ImportReview`] of the result.
//!
//! Steps: no file yet → review (detection, mapping, preview, problems, duplicates) → summary →
//! importing (progress, Cancel) → done, cancelled or failed. Every change of the file's reading
//! (encoding, delimiter, kind of record, mapping) re-validates the rows and starts the duplicate
//! decisions again; a plan exists only once the keys of the device's records of that kind are
//! known, so duplicates against the device are never missed. Catalogue products are offered
//! only once the rep is known to be a manager or an admin (the relay refuses anyone else's
//! products, so a rep's import would never sync).

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::state::file_bytes::FileBytes;
use crate::state::problem::Problem;

use shared::transfer::{
    read_vcards, sniff, Decision, Delimiter, Entity, ExistingKeys, Field, ImportPlan, ImportRules,
    Mapping, ReadOptions, Sniffed, Table, TextEncoding, ValidatedRow,
};

/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// What the rep picked, once read.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A CSV file.
    Csv {
        /// Its bytes, kept to read again under another encoding or delimiter.
        bytes: Rc<Vec<u8>>,
        /// What [`sniff`] guessed.
        detected: Sniffed,
        /// The rep's overrides.
        options: ReadOptions,
        /// The file read under the guesses and overrides.
        table: Rc<Table>,
        /// The column → field mapping.
        mapping: Mapping,
    },
    /// A vCard file: contacts only, one row per card.
    Vcard {
        /// The cards, validated.
        rows: Rc<Vec<ValidatedRow>>,
    },
}

/// Why the picked file cannot be imported at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileProblem {
    /// The stable code of the error (`not_text`, `empty_file`, `unterminated_card`…).
    pub code: String,
    /// The line it concerns, when there is one.
    pub line: Option<u64>,
}

/// Where the wizard stands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// Choosing the file and reviewing how it reads.
    #[default]
    Review,
    /// Reading the counts before committing.
    Summary,
    /// Storing: `done` of `total` records written (nothing is kept until the end).
    Importing {
        /// Records written so far in the open transaction.
        done: usize,
        /// Records to write.
        total: usize,
    },
    /// Stored.
    Done {
        /// Records created.
        created: usize,
        /// Stored records merged into.
        merged: usize,
    },
    /// The rep cancelled; nothing was stored.
    Cancelled,
    /// Storage refused; nothing was stored.
    Failed(Problem),
}

/// The whole wizard.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportWizard {
    /// The picked file's name.
    pub file_name: Option<String>,
    /// The file, read.
    pub source: Option<Source>,
    /// Why the file cannot be read, instead of a source.
    pub problem: Option<FileProblem>,
    /// The kind of record the rows become.
    pub entity: Entity,
    /// Whether the rep may write the catalogue (a manager or an admin): products are offered.
    pub edits_catalogue: bool,
    /// The workspace's stages and currency.
    pub rules: ImportRules,
    /// The keys of the device's records of `entity`, once read.
    pub existing: Option<(Entity, Rc<ExistingKeys>)>,
    /// The validated rows with duplicates and decisions (needs a source and the keys).
    pub plan: Option<Rc<ImportPlan>>,
    /// Where the wizard stands.
    pub step: Step,
}

/// What the rep does on the import page (sent by the page to the worker that holds the wizard).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportChoice {
    /// A file was picked and its bytes read.
    Open {
        /// Its name.
        name: String,
        /// Its bytes.
        bytes: FileBytes,
    },
    /// The rep forces an encoding (`None`: the guess).
    ChooseEncoding(Option<TextEncoding>),
    /// The rep forces a delimiter (`None`: the guess).
    ChooseDelimiter(Option<Delimiter>),
    /// The rows are accounts, contacts, deals or (for managers and admins) products.
    ChooseEntity(Entity),
    /// The rep's role was read: whether they may write the catalogue.
    KnowRole {
        /// Whether they are a manager or an admin.
        edits_catalogue: bool,
    },
    /// Column `column` feeds `field` (or nothing).
    MapColumn {
        /// The column.
        column: usize,
        /// The field.
        field: Option<Field>,
    },
    /// A choice for the duplicate row on `line`.
    Decide {
        /// The row's line.
        line: u64,
        /// The choice.
        decision: Decision,
    },
    /// The same choice for every duplicate.
    DecideAll(Decision),
    /// Go to the summary.
    Review,
    /// Back from the summary to the review.
    Back,
    /// Start again with another file.
    Reset,
}

/// What can happen to the wizard: the rep's choices, and what the worker read and wrote.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportAction {
    /// One of the rep's choices.
    Choose(ImportChoice),
    /// The keys of the device's records of `entity` were read.
    KnowExisting {
        /// The kind they belong to.
        entity: Entity,
        /// The keys.
        keys: Rc<ExistingKeys>,
    },
    /// The workspace's settings were read.
    KnowRules(ImportRules),
    /// The import started: `total` records to write.
    Start {
        /// Records to write.
        total: usize,
    },
    /// `done` records written so far.
    Progress(usize),
    /// The transaction committed.
    Finish {
        /// Records created.
        created: usize,
        /// Records merged into.
        merged: usize,
    },
    /// The import was cancelled.
    Cancelled,
    /// The import failed.
    Fail(Problem),
}

impl From<ImportChoice> for ImportAction {
    fn from(choice: ImportChoice) -> Self {
        Self::Choose(choice)
    }
}

impl ImportWizard {
    /// A wizard with no file, importing accounts under `rules`.
    pub fn new(rules: ImportRules) -> Self {
        Self {
            file_name: None,
            source: None,
            problem: None,
            entity: Entity::Account,
            edits_catalogue: false,
            rules,
            existing: None,
            plan: None,
            step: Step::Review,
        }
    }

    /// The state after `action` (one of the rep's [`ImportChoice`]s or an [`ImportAction`]).
    pub fn apply(self, action: impl Into<ImportAction>) -> Self {
        let action = action.into();
        if self.is_importing()
            && !matches!(
                action,
                ImportAction::Progress(_)
                    | ImportAction::Finish { .. }
                    | ImportAction::Cancelled
                    | ImportAction::Fail(_)
            )
        {
            return self;
        }
        match action {
            ImportAction::Choose(choice) => self.choose(choice),
            ImportAction::KnowExisting { entity, keys } => {
                let mut wizard = self;
                wizard.existing = Some((entity, keys));
                wizard.replan();
                wizard
            }
            ImportAction::KnowRules(rules) => {
                let mut wizard = self;
                wizard.rules = rules;
                wizard.replan();
                wizard
            }
            ImportAction::Start { total } => {
                let mut wizard = self;
                if wizard.step == Step::Summary {
                    wizard.step = Step::Importing { done: 0, total };
                }
                wizard
            }
            ImportAction::Progress(now) => {
                let mut wizard = self;
                if let Step::Importing { done, .. } = &mut wizard.step {
                    *done = now;
                }
                wizard
            }
            ImportAction::Finish { created, merged } => Self {
                step: Step::Done { created, merged },
                ..self
            },
            ImportAction::Cancelled => Self {
                step: Step::Cancelled,
                ..self
            },
            ImportAction::Fail(reason) => Self {
                step: Step::Failed(reason),
                ..self
            },
        }
    }

    fn choose(mut self, choice: ImportChoice) -> Self {
        match choice {
            ImportChoice::Open { name, bytes } => {
                self = Self {
                    file_name: Some(name.clone()),
                    entity: self.entity,
                    edits_catalogue: self.edits_catalogue,
                    existing: self.existing,
                    ..Self::new(self.rules)
                };
                self.open(&name, Rc::new(bytes.0));
            }
            ImportChoice::ChooseEncoding(encoding) => self.reread(|options| {
                options.encoding = encoding;
            }),
            ImportChoice::ChooseDelimiter(delimiter) => self.reread(|options| {
                options.delimiter = delimiter;
            }),
            ImportChoice::ChooseEntity(entity) => {
                if matches!(self.source, Some(Source::Vcard { .. }))
                    || !self.entities().contains(&entity)
                {
                    return self;
                }
                self.set_entity(entity);
            }
            ImportChoice::KnowRole { edits_catalogue } => {
                self.edits_catalogue = edits_catalogue;
                if !edits_catalogue && self.entity == Entity::Product {
                    self.set_entity(Entity::Account);
                }
            }
            ImportChoice::MapColumn { column, field } => {
                if let Some(Source::Csv { mapping, .. }) = &mut self.source {
                    if mapping.set(column, field) {
                        self.replan();
                    }
                }
            }
            ImportChoice::Decide { line, decision } => {
                if let Some(plan) = &mut self.plan {
                    Rc::make_mut(plan).decide(line, decision);
                }
            }
            ImportChoice::DecideAll(decision) => {
                if let Some(plan) = &mut self.plan {
                    Rc::make_mut(plan).decide_all(decision);
                }
            }
            ImportChoice::Review => {
                if self.can_review() {
                    self.step = Step::Summary;
                }
            }
            ImportChoice::Back => self.step = Step::Review,
            ImportChoice::Reset => {
                self = Self {
                    entity: self.entity,
                    edits_catalogue: self.edits_catalogue,
                    existing: self.existing,
                    ..Self::new(self.rules)
                }
            }
        }
        self
    }

    /// The kinds of record the rep may import: products only for managers and admins.
    pub fn entities(&self) -> &'static [Entity] {
        Self::entities_for(self.edits_catalogue)
    }

    /// The kinds of record a rep who may (or may not) write the catalogue may import.
    pub fn entities_for(edits_catalogue: bool) -> &'static [Entity] {
        const ALL: [Entity; 4] = [
            Entity::Account,
            Entity::Contact,
            Entity::Deal,
            Entity::Product,
        ];
        if edits_catalogue {
            &ALL
        } else {
            &ALL[..3]
        }
    }

    /// Whether records are being written.
    pub fn is_importing(&self) -> bool {
        matches!(self.step, Step::Importing { .. })
    }

    /// Whether the plan can go to the summary: a plan exists, every required field has a
    /// column, and at least one row would be written.
    pub fn can_review(&self) -> bool {
        let Some(plan) = &self.plan else {
            return false;
        };
        let mapped = match &self.source {
            Some(Source::Csv { mapping, .. }) => mapping.missing_required().is_empty(),
            Some(Source::Vcard { .. }) => true,
            None => false,
        };
        let summary = plan.summary();
        mapped && summary.create + summary.merge_existing > 0
    }

    /// The fields the mapping lacks (empty for vCards).
    pub fn missing_fields(&self) -> Vec<Field> {
        match &self.source {
            Some(Source::Csv { mapping, .. }) => mapping.missing_required(),
            _ => Vec::new(),
        }
    }

    /// Whether the keys of the device's records of the current kind are known.
    pub fn knows_existing(&self) -> bool {
        self.existing
            .as_ref()
            .is_some_and(|(entity, _)| *entity == self.entity)
    }

    /// The rows become `entity` records: the mapping is guessed again and the rows re-planned.
    fn set_entity(&mut self, entity: Entity) {
        self.entity = entity;
        if let Some(Source::Csv { table, mapping, .. }) = &mut self.source {
            *mapping = Mapping::guess(entity, &table.headers);
        }
        self.replan();
    }

    fn open(&mut self, name: &str, bytes: Rc<Vec<u8>>) {
        let looks_like_vcard = name.to_lowercase().ends_with(".vcf")
            || bytes
                .iter()
                .skip_while(|byte| byte.is_ascii_whitespace() || **byte > 0x7F)
                .take(11)
                .map(u8::to_ascii_uppercase)
                .eq(b"BEGIN:VCARD".iter().copied());
        if looks_like_vcard {
            match read_vcards(&bytes) {
                Ok(rows) => {
                    self.entity = Entity::Contact;
                    self.source = Some(Source::Vcard {
                        rows: Rc::new(rows),
                    });
                }
                Err(error) => {
                    self.problem = Some(FileProblem {
                        code: error.code().to_owned(),
                        line: match error {
                            shared::transfer::VcardError::Unterminated { line } => Some(line),
                            _ => None,
                        },
                    });
                }
            }
            self.replan();
            return;
        }
        let detected = match sniff(&bytes) {
            Ok(detected) => detected,
            Err(error) => {
                self.problem = Some(read_problem(&error));
                return;
            }
        };
        self.source = Some(Source::Csv {
            bytes,
            detected,
            options: ReadOptions::default(),
            table: Rc::new(Table {
                format: detected,
                headers: Vec::new(),
                rows: Vec::new(),
            }),
            mapping: Mapping {
                entity: self.entity,
                columns: Vec::new(),
            },
        });
        self.reread(|_| {});
    }

    /// Reads the CSV file again with changed options, guessing the mapping anew.
    fn reread(&mut self, change: impl FnOnce(&mut ReadOptions)) {
        let entity = self.entity;
        let Some(Source::Csv {
            bytes,
            options,
            table,
            mapping,
            ..
        }) = &mut self.source
        else {
            return;
        };
        change(options);
        match Table::read(bytes, options) {
            Ok(read) => {
                *mapping = Mapping::guess(entity, &read.headers);
                *table = Rc::new(read);
                self.problem = None;
            }
            Err(error) => {
                *table = Rc::new(Table {
                    format: table.format,
                    headers: Vec::new(),
                    rows: Vec::new(),
                });
                self.problem = Some(read_problem(&error));
            }
        }
        self.replan();
    }

    /// Validates the rows again and finds duplicates, once the device's keys are known.
    fn replan(&mut self) {
        self.step = Step::Review;
        let keys = match &self.existing {
            Some((entity, keys)) if *entity == self.entity => Rc::clone(keys),
            _ => {
                self.plan = None;
                return;
            }
        };
        self.plan = match (&self.source, &self.problem) {
            (Some(Source::Csv { table, mapping, .. }), None) => {
                Some(Rc::new(ImportPlan::new(table, mapping, &self.rules, &keys)))
            }
            (Some(Source::Vcard { rows }), None) => Some(Rc::new(ImportPlan::from_rows(
                Entity::Contact,
                rows.as_ref().clone(),
                &keys,
            ))),
            _ => None,
        };
    }
}

fn read_problem(error: &shared::transfer::ReadError) -> FileProblem {
    FileProblem {
        code: error.code().to_owned(),
        line: match error {
            shared::transfer::ReadError::Malformed { line, .. } => Some(*line),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::settings::Settings;
    use shared::transfer::{DuplicateKey, DuplicateOf};

    const FRENCH: &[u8] =
        include_bytes!("../../../shared/tests/fixtures/import/french-export-windows-1252.csv");
    const DUPLICATES: &[u8] =
        include_bytes!("../../../shared/tests/fixtures/import/duplicates.csv");

    fn wizard() -> ImportWizard {
        ImportWizard::new(ImportRules::from_settings(&Settings::starter()))
    }

    fn opened(bytes: &[u8], name: &str) -> ImportWizard {
        wizard()
            .apply(ImportChoice::Open {
                name: name.to_owned(),
                bytes: FileBytes(bytes.to_vec()),
            })
            .apply(ImportAction::KnowExisting {
                entity: Entity::Account,
                keys: Rc::new(ExistingKeys::new()),
            })
    }

    #[test]
    fn a_french_export_is_read_as_windows_1252_with_semicolons_and_mapped() {
        let wizard = opened(FRENCH, "clients.csv");
        let Some(Source::Csv {
            detected,
            table,
            mapping,
            ..
        }) = &wizard.source
        else {
            panic!("no CSV source: {:?}", wizard.problem);
        };
        assert_eq!(detected.encoding, TextEncoding::Windows1252);
        assert_eq!(detected.delimiter, Delimiter::Semicolon);
        assert_eq!(table.headers[0], "Raison sociale");
        assert_eq!(mapping.columns[0], Some(Field::AccountName));
        assert_eq!(wizard.plan.as_ref().map(|plan| plan.rows().len()), Some(4));
        assert!(wizard.can_review());
    }

    #[test]
    fn a_plan_waits_for_the_keys_of_the_devices_records() {
        let wizard = wizard().apply(ImportChoice::Open {
            name: "clients.csv".to_owned(),
            bytes: FileBytes(FRENCH.to_vec()),
        });
        assert!(wizard.source.is_some());
        assert!(wizard.plan.is_none());
        assert!(!wizard.can_review());
        let contacts = wizard.apply(ImportAction::KnowExisting {
            entity: Entity::Contact,
            keys: Rc::new(ExistingKeys::new()),
        });
        assert!(contacts.plan.is_none(), "keys of another kind do not count");
    }

    #[test]
    fn a_delimiter_override_reads_the_file_again_and_the_guess_comes_back() {
        let columns = |wizard: &ImportWizard| match &wizard.source {
            Some(Source::Csv { table, .. }) => table.headers.len(),
            _ => 0,
        };
        let wizard = opened(FRENCH, "clients.csv")
            .apply(ImportChoice::ChooseDelimiter(Some(Delimiter::Comma)));
        assert_eq!(columns(&wizard), 1, "no comma in the header: one column");
        let wizard = wizard.apply(ImportChoice::ChooseDelimiter(None));
        assert_eq!(columns(&wizard), 9);
        assert!(wizard.can_review());
    }

    #[test]
    fn unmapping_the_name_column_blocks_the_summary() {
        let wizard = opened(FRENCH, "clients.csv").apply(ImportChoice::MapColumn {
            column: 0,
            field: None,
        });
        assert_eq!(wizard.missing_fields(), vec![Field::AccountName]);
        let wizard = wizard.apply(ImportChoice::Review);
        assert_eq!(wizard.step, Step::Review);
    }

    #[test]
    fn a_binary_file_is_a_problem_and_has_no_plan() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        let wizard = opened(png, "clients.csv");
        assert_eq!(
            wizard.problem,
            Some(FileProblem {
                code: "not_text".to_owned(),
                line: None
            })
        );
        assert!(wizard.plan.is_none());
    }

    #[test]
    fn duplicates_against_the_device_start_skipped_and_can_be_merged_for_all() {
        let mut keys = ExistingKeys::new();
        keys.insert(
            DuplicateKey::NameAndPostcode {
                name: shared::transfer::normalised_name("Les Halles de Lyon"),
                postcode: "69003".to_owned(),
            },
            "stored-id",
        );
        let wizard = wizard()
            .apply(ImportChoice::Open {
                name: "doublons.csv".to_owned(),
                bytes: FileBytes(DUPLICATES.to_vec()),
            })
            .apply(ImportAction::KnowExisting {
                entity: Entity::Account,
                keys: Rc::new(keys),
            });
        let Some(plan) = wizard.plan.clone() else {
            panic!("no plan");
        };
        let stored = plan
            .duplicates()
            .iter()
            .find(|duplicate| matches!(&duplicate.of, DuplicateOf::Existing { id } if id == "stored-id"))
            .map(|duplicate| duplicate.line);
        let Some(line) = stored else {
            panic!(
                "the stored duplicate was not found: {:?}",
                plan.duplicates()
            );
        };
        assert_eq!(plan.decision(line), Some(Decision::Skip));
        let wizard = wizard.apply(ImportChoice::DecideAll(Decision::Merge));
        let summary = wizard
            .plan
            .as_ref()
            .map(|plan| plan.summary())
            .unwrap_or_default();
        assert_eq!(summary.merge_existing, 1);
        assert_eq!(summary.skip, 0);
    }

    #[test]
    fn the_import_moves_through_its_steps_and_ignores_edits_while_running() {
        let wizard = opened(FRENCH, "clients.csv")
            .apply(ImportChoice::Review)
            .apply(ImportAction::Start { total: 4 });
        assert_eq!(wizard.step, Step::Importing { done: 0, total: 4 });
        let wizard = wizard
            .apply(ImportChoice::ChooseEntity(Entity::Deal))
            .apply(ImportAction::Progress(2));
        assert_eq!(wizard.entity, Entity::Account);
        assert_eq!(wizard.step, Step::Importing { done: 2, total: 4 });
        let cancelled = wizard.clone().apply(ImportAction::Cancelled);
        assert_eq!(cancelled.step, Step::Cancelled);
        let done = wizard.apply(ImportAction::Finish {
            created: 4,
            merged: 0,
        });
        assert_eq!(
            done.step,
            Step::Done {
                created: 4,
                merged: 0
            }
        );
    }

    const CATALOGUE: &[u8] = include_bytes!(
        "../../../shared/tests/fixtures/import/catalogue-fournisseur-windows-1252.csv"
    );

    #[test]
    fn products_are_offered_to_managers_and_admins_only() {
        let rep =
            opened(CATALOGUE, "catalogue.csv").apply(ImportChoice::ChooseEntity(Entity::Product));
        assert_eq!(rep.entity, Entity::Account, "a rep cannot choose products");
        assert!(!rep.entities().contains(&Entity::Product));
        let manager = rep
            .apply(ImportChoice::KnowRole {
                edits_catalogue: true,
            })
            .apply(ImportChoice::ChooseEntity(Entity::Product));
        assert_eq!(manager.entity, Entity::Product);
        assert!(manager.entities().contains(&Entity::Product));
        let demoted = manager.apply(ImportChoice::KnowRole {
            edits_catalogue: false,
        });
        assert_eq!(
            demoted.entity,
            Entity::Account,
            "a role taken away takes products away"
        );
    }

    #[test]
    fn a_supplier_catalogue_is_planned_as_products_with_its_refused_row_and_duplicates() {
        let wizard = opened(CATALOGUE, "catalogue.csv")
            .apply(ImportChoice::KnowRole {
                edits_catalogue: true,
            })
            .apply(ImportChoice::ChooseEntity(Entity::Product));
        assert!(
            wizard.plan.is_none(),
            "the products' keys are not known yet"
        );
        let mut keys = ExistingKeys::new();
        keys.insert(
            DuplicateKey::Reference(shared::transfer::folded_reference("FAR-T65-25")),
            "stored-flour",
        );
        let wizard = wizard.apply(ImportAction::KnowExisting {
            entity: Entity::Product,
            keys: Rc::new(keys),
        });
        assert!(wizard.missing_fields().is_empty());
        let summary = wizard
            .plan
            .as_ref()
            .map(|plan| plan.summary())
            .unwrap_or_default();
        assert_eq!(
            (summary.invalid, summary.duplicates, summary.create),
            (1, 2, 3)
        );
        assert!(wizard.can_review());
    }

    #[test]
    fn a_vcard_file_becomes_contacts() {
        let cards = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Anne Roux\r\nN:Roux;Anne;;;\r\nEMAIL:anne@roux.fr\r\nEND:VCARD\r\n";
        let wizard = wizard()
            .apply(ImportChoice::Open {
                name: "anne.vcf".to_owned(),
                bytes: FileBytes(cards.to_vec()),
            })
            .apply(ImportAction::KnowExisting {
                entity: Entity::Contact,
                keys: Rc::new(ExistingKeys::new()),
            });
        assert_eq!(wizard.entity, Entity::Contact);
        assert!(wizard.can_review(), "{:?}", wizard.problem);
    }
}
