//! What the import page shows of the wizard the workspace worker holds: how the file reads, its
//! headers, mapping and first rows, the counts, and one page at a time of the refused rows and
//! of the duplicates, with the rep's choice for each. Built by the worker from the
//! [`ImportWizard`] after every change and sent whole; it never holds the file's rows, so what
//! crosses to the page stays small whatever the file's size. Pure data: no reading, no planning.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use shared::transfer::{
    Candidate, Decision, Delimiter, DuplicateKey, DuplicateOf, Entity, Field, ImportSummary,
    RowProblem, TextEncoding,
};

use crate::transfer::wizard::{FileProblem, ImportWizard, Source, Step, PREVIEW_ROWS};

/// How many refused rows or duplicates one page of the review shows (the rep asks for more).
pub const REVIEW_PAGE: usize = 100;

/// The wizard as the import page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportReview {
    /// The picked file's name.
    pub file_name: Option<String>,
    /// Why the file cannot be read, if it cannot.
    pub problem: Option<FileProblem>,
    /// How the file was read, once it was.
    pub reading: Option<Reading>,
    /// The kind of record the rows become.
    pub entity: Entity,
    /// Whether products are offered (the rep is a manager or an admin).
    pub edits_catalogue: bool,
    /// The CSV file's columns, their fields and first rows (none for a vCard file).
    pub mapping: Option<MappingView>,
    /// The counts, refused rows and duplicates, once the device's keys are known.
    pub checks: Option<Checks>,
    /// Whether "Continue" leads to the summary.
    pub can_review: bool,
    /// Where the wizard stands.
    pub step: Step,
}

/// How the file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reading {
    /// A CSV file: what was guessed and what the rep forces.
    Csv {
        /// The guessed encoding.
        encoding: TextEncoding,
        /// The guessed delimiter.
        delimiter: Delimiter,
        /// The encoding the rep forces (`None`: the guess).
        chosen_encoding: Option<TextEncoding>,
        /// The delimiter the rep forces (`None`: the guess).
        chosen_delimiter: Option<Delimiter>,
    },
    /// A vCard file of this many cards.
    Vcard {
        /// Cards read.
        cards: usize,
    },
}

/// The columns of a CSV file, the field each feeds, and its first rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingView {
    /// The kind of record the fields belong to.
    pub entity: Entity,
    /// The header of each column.
    pub headers: Vec<String>,
    /// The field each column feeds.
    pub columns: Vec<Option<Field>>,
    /// The required fields no column feeds.
    pub missing: Vec<Field>,
    /// The first [`PREVIEW_ROWS`] rows: their line and one cell per column.
    pub preview: Vec<(u64, Vec<String>)>,
}

/// The plan as the rep checks it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    /// The counts.
    pub summary: ImportSummary,
    /// The first refused rows shown.
    pub refused: Vec<RefusedRow>,
    /// The first duplicates shown.
    pub duplicates: Vec<DuplicateRow>,
}

/// A refused row: its line and every reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRow {
    /// The row's line.
    pub line: u64,
    /// Why it is refused.
    pub problems: Vec<RowProblemView>,
}

/// One reason a row is refused, as the page words it: the problem's stable code and what its
/// message names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblemView {
    /// The stable code (`missing`, `bad_siret`…).
    pub code: String,
    /// The field concerned, if the message names it.
    pub field: Option<Field>,
    /// The cell's text, if the message quotes it.
    pub value: Option<String>,
    /// The header's and the row's widths, for a row of the wrong width.
    pub widths: Option<(usize, usize)>,
}

/// One duplicate row, with the rep's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateRow {
    /// The row's line.
    pub line: u64,
    /// The name the row gives its record.
    pub name: String,
    /// The key it shares.
    pub key: KeyKind,
    /// What it duplicates.
    pub of: DuplicateTarget,
    /// The rep's choice.
    pub decision: Option<Decision>,
}

/// Which key two records share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyKind {
    /// The SIRET.
    Siret,
    /// The name and postcode.
    NameAndPostcode,
    /// An e-mail address.
    Email,
    /// A product reference.
    Reference,
}

/// What a duplicate row duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DuplicateTarget {
    /// An earlier row of the file.
    Row {
        /// Its line.
        line: u64,
    },
    /// A record of the device, by its display name (its id when it has none).
    Existing {
        /// Its name.
        name: String,
    },
}

/// How many refused rows and duplicates the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Refused rows.
    pub refused: usize,
    /// Duplicates.
    pub duplicates: usize,
}

impl Default for Shown {
    fn default() -> Self {
        Self {
            refused: REVIEW_PAGE,
            duplicates: REVIEW_PAGE,
        }
    }
}

impl ImportReview {
    /// What the page shows of `wizard`: at most `shown` refused rows and duplicates, the
    /// device's records named from `names`.
    pub fn of(wizard: &ImportWizard, names: &HashMap<String, String>, shown: Shown) -> Self {
        let reading = wizard.source.as_ref().map(|source| match source {
            Source::Csv {
                detected, options, ..
            } => Reading::Csv {
                encoding: detected.encoding,
                delimiter: detected.delimiter,
                chosen_encoding: options.encoding,
                chosen_delimiter: options.delimiter,
            },
            Source::Vcard { rows } => Reading::Vcard { cards: rows.len() },
        });
        let mapping = match &wizard.source {
            Some(Source::Csv { table, mapping, .. }) if wizard.problem.is_none() => {
                let width = table.headers.len();
                Some(MappingView {
                    entity: mapping.entity,
                    headers: table.headers.clone(),
                    columns: mapping.columns.clone(),
                    missing: mapping.missing_required(),
                    preview: table
                        .preview(PREVIEW_ROWS)
                        .iter()
                        .map(|row| {
                            let cells = (0..width)
                                .map(|column| row.cells.get(column).cloned().unwrap_or_default())
                                .collect();
                            (row.line, cells)
                        })
                        .collect(),
                })
            }
            _ => None,
        };
        let checks = wizard.plan.as_ref().map(|plan| {
            let refused = plan
                .invalid_rows()
                .take(shown.refused)
                .map(|(line, problems)| RefusedRow {
                    line,
                    problems: problems.iter().map(RowProblemView::of).collect(),
                })
                .collect();
            let duplicates = &plan.duplicates()[..plan.duplicates().len().min(shown.duplicates)];
            let lines: HashSet<u64> = duplicates.iter().map(|duplicate| duplicate.line).collect();
            let row_names: HashMap<u64, String> = plan
                .rows()
                .iter()
                .filter(|row| lines.contains(&row.line))
                .filter_map(|row| Some((row.line, name_of(row.outcome.as_ref().ok()?))))
                .collect();
            Checks {
                summary: plan.summary(),
                refused,
                duplicates: duplicates
                    .iter()
                    .map(|duplicate| DuplicateRow {
                        line: duplicate.line,
                        name: row_names.get(&duplicate.line).cloned().unwrap_or_default(),
                        key: KeyKind::of(&duplicate.key),
                        of: match &duplicate.of {
                            DuplicateOf::Row { line } => DuplicateTarget::Row { line: *line },
                            DuplicateOf::Existing { id } => DuplicateTarget::Existing {
                                name: names.get(id).unwrap_or(id).clone(),
                            },
                        },
                        decision: plan.decision(duplicate.line),
                    })
                    .collect(),
            }
        });
        Self {
            file_name: wizard.file_name.clone(),
            problem: wizard.problem.clone(),
            reading,
            entity: wizard.entity,
            edits_catalogue: wizard.edits_catalogue,
            mapping,
            checks,
            can_review: wizard.can_review(),
            step: wizard.step.clone(),
        }
    }

    /// The review before any file: nothing picked, accounts.
    pub fn empty() -> Self {
        Self {
            file_name: None,
            problem: None,
            reading: None,
            entity: Entity::Account,
            edits_catalogue: false,
            mapping: None,
            checks: None,
            can_review: false,
            step: Step::Review,
        }
    }

    /// The kinds of record the rep may import: products only for managers and admins.
    pub fn entities(&self) -> &'static [Entity] {
        ImportWizard::entities_for(self.edits_catalogue)
    }

    /// Whether the plan waits for the keys of the device's records (a file read, no problem).
    pub fn looks_for_duplicates(&self) -> bool {
        self.reading.is_some() && self.problem.is_none() && self.checks.is_none()
    }
}

impl RowProblemView {
    /// `problem` as the page words it.
    pub fn of(problem: &RowProblem) -> Self {
        let mut view = Self {
            code: problem.code().to_owned(),
            field: None,
            value: None,
            widths: None,
        };
        match problem {
            RowProblem::WrongFieldCount { expected, found } => {
                view.widths = Some((*expected, *found));
            }
            RowProblem::Missing { field } => view.field = Some(*field),
            RowProblem::BadDate { field, value, .. } => {
                view.field = Some(*field);
                view.value = Some(value.clone());
            }
            RowProblem::BadSiret { value, .. }
            | RowProblem::BadSiren { value, .. }
            | RowProblem::BadVat { value, .. }
            | RowProblem::BadEmail { value, .. }
            | RowProblem::BadPhone { value, .. }
            | RowProblem::UnknownStage { value }
            | RowProblem::UnknownTerritory { value }
            | RowProblem::UnknownStatus { value }
            | RowProblem::BadAmount { value, .. }
            | RowProblem::BadCurrency { value, .. }
            | RowProblem::BadProbability { value }
            | RowProblem::ReferenceTooLong { value }
            | RowProblem::BadPrice { value, .. }
            | RowProblem::NegativePrice { value }
            | RowProblem::BadVatRate { value, .. } => view.value = Some(value.clone()),
            RowProblem::SiretNotOfSiren | RowProblem::InvalidProduct { .. } => {}
        }
        view
    }
}

impl KeyKind {
    /// The kind of `key`.
    pub fn of(key: &DuplicateKey) -> Self {
        match key {
            DuplicateKey::Siret(_) => Self::Siret,
            DuplicateKey::NameAndPostcode { .. } => Self::NameAndPostcode,
            DuplicateKey::Email(_) => Self::Email,
            DuplicateKey::Reference(_) => Self::Reference,
        }
    }
}

/// The name a valid row gives its record, to tell duplicates apart.
fn name_of(candidate: &Candidate) -> String {
    match candidate {
        Candidate::Account(account) => account.name.clone(),
        Candidate::Contact(contact) => contact.display_name(),
        Candidate::Deal(deal) => deal.title.clone(),
        Candidate::Product(product) => format!("{} — {}", product.reference, product.name),
    }
}
