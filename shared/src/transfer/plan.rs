//! The import plan: every row validated, duplicates found, the rep's choices, the summary, and
//! the documents to write, yielded in chunks so the UI can show progress and cancel.
//!
//! The plan writes nothing: the client stores what [`ImportPlan::writes`] yields in one
//! transaction, so either every chosen row is imported or none is.

use std::collections::{BTreeMap, HashMap};

use super::duplicates::{candidate_keys, Duplicate, DuplicateKey, DuplicateOf, ExistingKeys};
use super::entity::Entity;
use super::mapping::Mapping;
use super::merge::MergeWrite;
use super::record_document::CreatedRecord;
use super::row::{validate, Candidate, RowProblem, ValidatedRow};
use super::table::Table;
use crate::document::DocumentError;
use crate::edit::Edit;
use crate::search::search_terms;
use crate::settings::{assign_territory, Settings, Territory};
use crate::values::CurrencyCode;

/// What the workspace allows: its pipeline stages, its default currency and its territories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRules {
    /// The pipeline stages in board order, as (key, name).
    pub stages: Vec<(String, String)>,
    /// The currency of amounts that do not say theirs.
    pub currency: CurrencyCode,
    /// The territories by key: each account the import creates is placed in the territory of
    /// its postcode ([`crate::settings::assign_territory`]).
    pub territories: BTreeMap<String, Territory>,
}

/// What to do with a row that duplicates something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    /// Leave the row out (the default).
    Skip,
    /// Add what the row knows to the record it duplicates, overwriting nothing.
    Merge,
    /// Create a record from the row all the same.
    ImportAnyway,
}

/// The counts the rep reads before committing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSummary {
    /// Data rows in the file.
    pub rows: usize,
    /// Rows refused by validation (never imported).
    pub invalid: usize,
    /// Valid rows that duplicate an earlier row or a stored record.
    pub duplicates: usize,
    /// Records that will be created.
    pub create: usize,
    /// Stored records that will receive merged rows.
    pub merge_existing: usize,
    /// Rows merged into an earlier row of the file.
    pub merge_in_file: usize,
    /// Duplicate rows left out.
    pub skip: usize,
}

/// One write the client performs.
#[derive(Debug)]
pub enum ImportWrite {
    /// A new document to store, with its index row.
    Create(Box<CreatedRecord>),
    /// Rows to merge into a stored document (the client loads its bytes and applies it).
    Merge(Box<MergeWrite>),
}

/// A file's rows, validated and checked for duplicates, with the rep's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportPlan {
    entity: Entity,
    rows: Vec<ValidatedRow>,
    duplicates: Vec<Duplicate>,
    decisions: HashMap<u64, Decision>,
    territories: BTreeMap<String, Territory>,
}

/// Where one valid row ends up.
enum Resolution {
    Create,
    IntoRow(usize),
    IntoExisting(String),
    Skip,
}

impl ImportRules {
    /// The rules of a workspace with `settings`.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            stages: settings
                .ordered_stages()
                .into_iter()
                .map(|key| {
                    let name = settings
                        .pipeline_stages
                        .get(key)
                        .map(|stage| stage.name.clone())
                        .unwrap_or_default();
                    (key.to_owned(), name)
                })
                .collect(),
            currency: settings.default_currency,
            territories: settings.territories.clone(),
        }
    }

    /// The first stage of the pipeline, where deals without a stage go.
    pub fn first_stage(&self) -> Option<&str> {
        self.stages.first().map(|(key, _)| key.as_str())
    }

    /// The key of the territory `text` names (by key or by name, accents and case ignored).
    pub fn territory_key(&self, text: &str) -> Option<&str> {
        let folded = search_terms(text).join(" ");
        self.territories
            .iter()
            .find(|(key, territory)| {
                key.as_str() == text
                    || search_terms(key).join(" ") == folded
                    || search_terms(&territory.name).join(" ") == folded
            })
            .map(|(key, _)| key.as_str())
    }

    /// The key of the stage `text` names (by key or by name, accents and case ignored).
    pub fn stage_key(&self, text: &str) -> Option<&str> {
        let folded = search_terms(text).join(" ");
        self.stages
            .iter()
            .find(|(key, name)| {
                key == text
                    || search_terms(key).join(" ") == folded
                    || search_terms(name).join(" ") == folded
            })
            .map(|(key, _)| key.as_str())
    }
}

impl ImportPlan {
    /// Validates every row of `table` under `mapping` and finds the duplicates, within the file
    /// and against `existing`. Every duplicate starts as [`Decision::Skip`].
    pub fn new(
        table: &Table,
        mapping: &Mapping,
        rules: &ImportRules,
        existing: &ExistingKeys,
    ) -> Self {
        let width = table.headers.len();
        let rows = table
            .rows
            .iter()
            .map(|row| validate(row, mapping, width, rules))
            .collect();
        Self {
            territories: rules.territories.clone(),
            ..Self::from_rows(mapping.entity, rows, existing)
        }
    }

    /// Finds the duplicates among rows validated elsewhere (cards of a vCard file) and against
    /// `existing`. Every duplicate starts as [`Decision::Skip`]. No territory is known, so
    /// accounts are created without one.
    pub fn from_rows(entity: Entity, rows: Vec<ValidatedRow>, existing: &ExistingKeys) -> Self {
        let mut seen: HashMap<DuplicateKey, u64> = HashMap::new();
        let mut duplicates = Vec::new();
        for row in &rows {
            let Ok(candidate) = &row.outcome else {
                continue;
            };
            let keys = candidate_keys(candidate);
            let found = keys
                .iter()
                .find_map(|key| {
                    existing.get(key).map(|id| {
                        let of = DuplicateOf::Existing { id: id.to_owned() };
                        (key.clone(), of)
                    })
                })
                .or_else(|| {
                    keys.iter().find_map(|key| {
                        seen.get(key)
                            .map(|&line| (key.clone(), DuplicateOf::Row { line }))
                    })
                });
            for key in keys {
                seen.entry(key).or_insert(row.line);
            }
            if let Some((key, of)) = found {
                duplicates.push(Duplicate {
                    line: row.line,
                    key,
                    of,
                });
            }
        }
        let decisions = duplicates
            .iter()
            .map(|duplicate| (duplicate.line, Decision::Skip))
            .collect();
        Self {
            entity,
            rows,
            duplicates,
            decisions,
            territories: BTreeMap::new(),
        }
    }

    /// The kind of record the rows become.
    pub fn entity(&self) -> Entity {
        self.entity
    }

    /// Every row, valid or not, in file order.
    pub fn rows(&self) -> &[ValidatedRow] {
        &self.rows
    }

    /// The refused rows: their line and every reason.
    pub fn invalid_rows(&self) -> impl Iterator<Item = (u64, &[RowProblem])> {
        self.rows.iter().filter_map(|row| match &row.outcome {
            Ok(_) => None,
            Err(problems) => Some((row.line, problems.as_slice())),
        })
    }

    /// The duplicate rows, in file order.
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    /// The choice for the duplicate row on `line`.
    pub fn decision(&self, line: u64) -> Option<Decision> {
        self.decisions.get(&line).copied()
    }

    /// Chooses what to do with the duplicate row on `line`; false when it is not a duplicate.
    pub fn decide(&mut self, line: u64, decision: Decision) -> bool {
        match self.decisions.get_mut(&line) {
            Some(slot) => {
                *slot = decision;
                true
            }
            None => false,
        }
    }

    /// Chooses the same for every duplicate row.
    pub fn decide_all(&mut self, decision: Decision) {
        for slot in self.decisions.values_mut() {
            *slot = decision;
        }
    }

    /// The counts for the confirmation screen.
    pub fn summary(&self) -> ImportSummary {
        let resolutions = self.resolve();
        let mut summary = ImportSummary {
            rows: self.rows.len(),
            invalid: self.invalid_rows().count(),
            duplicates: self.duplicates.len(),
            ..ImportSummary::default()
        };
        let mut existing: Vec<&str> = Vec::new();
        for resolution in resolutions.iter().flatten() {
            match resolution {
                Resolution::Create => summary.create += 1,
                Resolution::IntoRow(_) => summary.merge_in_file += 1,
                Resolution::IntoExisting(id) => existing.push(id),
                Resolution::Skip => summary.skip += 1,
            }
        }
        existing.sort_unstable();
        existing.dedup();
        summary.merge_existing = existing.len();
        summary
    }

    /// The writes to perform, `chunk` at a time (at least one): documents to create, stamped
    /// with `edit`, and merges into stored documents. Building documents is the slow part, so
    /// it happens chunk by chunk as the iterator is driven; dropping it cancels.
    pub fn writes<'a>(
        &self,
        edit: &'a Edit,
        chunk: usize,
    ) -> impl Iterator<Item = Result<Vec<ImportWrite>, DocumentError>> + 'a {
        self.work().into_writes(edit, chunk)
    }

    /// What the import will write, before any document is built: plain data, so the plan can
    /// be made where the rep decides and the documents built where they are stored. Each
    /// account created is placed in the territory of its postcode (once the rows merged into
    /// it have filled its address); a row merged into a stored account moves it nowhere.
    pub fn work(&self) -> ImportWork {
        let resolutions = self.resolve();
        let mut records: Vec<Option<Candidate>> = self
            .rows
            .iter()
            .map(|row| row.outcome.as_ref().ok().cloned())
            .collect();
        let mut merges: BTreeMap<String, MergeWrite> = BTreeMap::new();
        // Rows merge into a created row (never into one merged away), in file order, so notes
        // are appended in the order the file has them.
        for (index, resolution) in resolutions.iter().enumerate() {
            let Some(resolution) = resolution else {
                continue;
            };
            match resolution {
                Resolution::Create => {}
                Resolution::Skip => records[index] = None,
                Resolution::IntoRow(target) => {
                    if let Some(incoming) = records[index].take() {
                        if let Some(record) = &mut records[*target] {
                            record.absorb(&incoming);
                        }
                    }
                }
                Resolution::IntoExisting(id) => {
                    if let Some(incoming) = records[index].take() {
                        let line = self.rows[index].line;
                        merges
                            .entry(id.clone())
                            .and_modify(|merge| merge.add(line, &incoming))
                            .or_insert_with(|| MergeWrite::new(id.clone(), line, incoming));
                    }
                }
            }
        }
        ImportWork {
            creates: records
                .into_iter()
                .enumerate()
                .filter(|(index, _)| matches!(resolutions[*index], Some(Resolution::Create)))
                .filter_map(|(_, record)| record)
                .map(|mut record| {
                    if let Candidate::Account(account) = &mut record {
                        assign_territory(&self.territories, account);
                    }
                    record
                })
                .collect(),
            merges: merges.into_values().collect(),
        }
    }

    /// Where each row ends up (`None` for invalid rows). Rows merged into an earlier row that
    /// is itself merged elsewhere follow it, so every merge lands on a created or stored record.
    fn resolve(&self) -> Vec<Option<Resolution>> {
        let index_of: HashMap<u64, usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| (row.line, index))
            .collect();
        let duplicate_of: HashMap<u64, &DuplicateOf> = self
            .duplicates
            .iter()
            .map(|duplicate| (duplicate.line, &duplicate.of))
            .collect();
        let mut resolutions: Vec<Option<Resolution>> = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            if row.outcome.is_err() {
                resolutions.push(None);
                continue;
            }
            let decision = self.decision(row.line).unwrap_or(Decision::ImportAnyway);
            let resolution = match (decision, duplicate_of.get(&row.line)) {
                (Decision::ImportAnyway, _) | (_, None) => Resolution::Create,
                (Decision::Skip, Some(_)) => Resolution::Skip,
                (Decision::Merge, Some(DuplicateOf::Existing { id })) => {
                    Resolution::IntoExisting(id.clone())
                }
                (Decision::Merge, Some(DuplicateOf::Row { line })) => {
                    match index_of
                        .get(line)
                        .map(|&target| (target, &resolutions[target]))
                    {
                        Some((_, Some(Resolution::IntoExisting(id)))) => {
                            Resolution::IntoExisting(id.clone())
                        }
                        Some((_, Some(Resolution::IntoRow(root)))) => Resolution::IntoRow(*root),
                        Some((target, Some(Resolution::Create))) => Resolution::IntoRow(target),
                        // Merging into a row that is left out leaves this one out too.
                        _ => Resolution::Skip,
                    }
                }
            };
            resolutions.push(Some(resolution));
        }
        resolutions
    }
}

/// What an import writes, before any document is built (see [`ImportPlan::work`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportWork {
    /// The records to create, in file order.
    pub creates: Vec<Candidate>,
    /// The merges into stored records.
    pub merges: Vec<MergeWrite>,
}

impl ImportWork {
    /// How many records it creates or merges into.
    pub fn len(&self) -> usize {
        self.creates.len() + self.merges.len()
    }

    /// Whether it writes nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The writes, `chunk` at a time (at least one): documents created stamped with `edit`,
    /// then the merges. Documents are built as the iterator is driven; dropping it cancels.
    pub fn into_writes(
        self,
        edit: &Edit,
        chunk: usize,
    ) -> impl Iterator<Item = Result<Vec<ImportWrite>, DocumentError>> + '_ {
        let mut work = self
            .creates
            .into_iter()
            .map(Work::Create)
            .chain(self.merges.into_iter().map(Work::Merge))
            .peekable();
        let chunk = chunk.max(1);
        std::iter::from_fn(move || {
            work.peek()?;
            let batch: Vec<Work> = work.by_ref().take(chunk).collect();
            Some(
                batch
                    .into_iter()
                    .map(|item| match item {
                        Work::Create(candidate) => CreatedRecord::create(&candidate, edit)
                            .map(|created| ImportWrite::Create(Box::new(created))),
                        Work::Merge(merge) => Ok(ImportWrite::Merge(Box::new(merge))),
                    })
                    .collect(),
            )
        })
    }
}

/// One write before its document is built.
enum Work {
    Create(Candidate),
    Merge(MergeWrite),
}
