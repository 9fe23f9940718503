//! Data in and out of a workspace: CSV import of accounts, contacts, deals and catalogue
//! products with mapping, validation and duplicate checks; CSV and vCard export; vCard import; the full backup file.
//!
//! Everything here is pure: bytes and records in, plans, records, documents and bytes out. The
//! client reads the file the rep picked, shows the preview, mapping and summary this module
//! computes, and stores the documents the plan yields in one transaction (all or nothing is the
//! client's transaction, not this module's). No IO and no clock: the edit time is passed in.
//!
//! The import pipeline, in order:
//! 1. [`sniff`] guesses the encoding and delimiter (the rep can override both);
//! 2. [`Table::read`] decodes and splits the file into rows that keep their physical line;
//! 3. [`Mapping::guess`] maps columns to fields from French or English headers (the rep can
//!    change it), and [`Table::preview`] shows the first rows;
//! 4. [`ImportPlan::new`] validates every row and finds duplicates in the file and against the
//!    existing [`ExistingKeys`]; the rep [`ImportPlan::decide`]s per duplicate and reads the
//!    [`ImportSummary`];
//! 5. [`ImportPlan::writes`] yields the documents to create and the merges to apply, in chunks.

mod backup;
mod csv_export;
mod duplicates;
mod entity;
mod mapping;
mod merge;
mod plan;
mod record_document;
mod row;
mod sniff;
mod table;
mod vcard;
mod windows_1252;

pub use backup::{
    Backup, BackupDocument, BackupError, BackupManifest, DocumentKind, ManifestEntry,
    BACKUP_FORMAT_VERSION, BACKUP_MAGIC,
};
pub use csv_export::{
    export_accounts, export_contacts, export_deals, export_products, ExportError,
};
pub(crate) use csv_export::{stage_label, write_rows};
pub use duplicates::{
    folded_reference, normalised_name, Duplicate, DuplicateKey, DuplicateOf, ExistingKeys,
};
pub use entity::Entity;
pub use mapping::{Field, Mapping};
pub use merge::{merge_backup_document, MergeError, MergeWrite, Merged, MergedBackupDocument};
pub use plan::{Decision, ImportPlan, ImportRules, ImportSummary, ImportWork, ImportWrite};
pub use record_document::{CreatedRecord, RecordDocument};
pub use row::{Candidate, RowProblem, ValidatedRow};
pub use sniff::{sniff, Delimiter, Sniffed, TextEncoding};
pub use table::{ReadError, ReadOptions, Row, Table};
pub use vcard::{contacts_to_vcard, read_vcards, VcardContact, VcardError};
