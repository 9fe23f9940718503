//! The rows the dashboard and the segments read, kept in the workspace worker between two
//! computations so that opening the cockpit again does not read and decode every account, deal,
//! quote, order and product row again (at 10,000 accounts and 20,000 orders that is most of the
//! time it takes).
//!
//! [`RowsKeeper`] decides, purely: what a computation must read first ([`Plan`]: every row, or
//! only the rows of the records written since, or nothing), from what the workspace machine says
//! was written ([`Written`], told before any subscriber re-reads). Rows are kept slim (the
//! search words and heads, which no figure reads, are dropped) and shared with the computation
//! that reads them (`Rc`): a patch while one runs copies, never changes what it reads.
//!
//! This module must not touch IndexedDB: the worker's side (`dashboard_figures`) reads what the
//! plan asks and hands the rows back.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use shared::ids::WorkspaceId;
use shared::index::{AccountIndexRow, DealIndexRow};
use shared::replica::IndexRow;
use shared::sales::{OrderIndexRow, ProductIndexRow, QuoteIndexRow};
use shared::settings::Settings;

use super::invalidation::Written;
use super::record::RecordRef;

/// Past this many records written since the last computation, every row is read again: one
/// read of a whole store beats thousands of single reads.
pub const MOST_PATCHED: usize = 1_000;

/// A row the keeper holds: found by its key, and slimmed of what no figure reads.
pub trait KeptRow: Clone {
    /// Its key (the record's id, as stored).
    fn key(&self) -> &str;
    /// Drops what the figures never read.
    fn slim(&mut self);
}

impl KeptRow for AccountIndexRow {
    fn key(&self) -> &str {
        &self.id
    }
    fn slim(&mut self) {
        self.search_terms = Vec::new();
        self.note_words = String::new();
        self.report_words = String::new();
        self.heads = Vec::new();
    }
}

/// Rows of which the figures read everything but their heads.
macro_rules! kept_but_heads {
    ($($row:ty),*) => {$(
        impl KeptRow for $row {
            fn key(&self) -> &str {
                &self.id
            }
            fn slim(&mut self) {
                self.heads = Vec::new();
            }
        }
    )*};
}

kept_but_heads!(DealIndexRow, QuoteIndexRow, OrderIndexRow, ProductIndexRow);

/// The rows of one kind, in no particular order, found by key.
#[derive(Clone, Debug)]
pub struct Keyed<T> {
    rows: Rc<Vec<T>>,
    at: HashMap<String, usize>,
}

impl<T: KeptRow> Keyed<T> {
    /// Keeps `rows`, slimmed (a key seen twice keeps its last row).
    pub fn new(rows: Vec<T>) -> Self {
        let mut keyed = Self {
            rows: Rc::new(Vec::with_capacity(rows.len())),
            at: HashMap::with_capacity(rows.len()),
        };
        for row in rows {
            let key = row.key().to_owned();
            keyed.put(&key, Some(row));
        }
        keyed
    }

    /// The rows, shared.
    pub fn rows(&self) -> Rc<Vec<T>> {
        Rc::clone(&self.rows)
    }

    /// Puts `row` under `key`, or removes what `key` held when `None`.
    pub fn put(&mut self, key: &str, row: Option<T>) {
        let rows = Rc::make_mut(&mut self.rows);
        match (self.at.get(key).copied(), row) {
            (Some(index), Some(mut row)) => {
                row.slim();
                if let Some(slot) = rows.get_mut(index) {
                    *slot = row;
                }
            }
            (None, Some(mut row)) => {
                row.slim();
                self.at.insert(key.to_owned(), rows.len());
                rows.push(row);
            }
            (Some(index), None) => {
                self.at.remove(key);
                rows.swap_remove(index);
                if let Some(moved) = rows.get(index) {
                    self.at.insert(moved.key().to_owned(), index);
                }
            }
            (None, None) => {}
        }
    }
}

/// Every row the dashboard reads.
#[derive(Clone, Debug)]
pub struct KeptRows {
    /// Every account's row.
    pub accounts: Keyed<AccountIndexRow>,
    /// Every deal's row.
    pub deals: Keyed<DealIndexRow>,
    /// Every quote version's row.
    pub quotes: Keyed<QuoteIndexRow>,
    /// Every order's row.
    pub orders: Keyed<OrderIndexRow>,
    /// Every catalogue product's row.
    pub products: Keyed<ProductIndexRow>,
}

impl KeptRows {
    /// Puts what storage now holds for `record` (`None`: it has no row any more).
    pub fn put(&mut self, record: RecordRef, row: Option<IndexRow>) {
        let key = record_key(record);
        match (record, row) {
            (RecordRef::Account(_), Some(IndexRow::Account(row))) => {
                self.accounts.put(&key, Some(row))
            }
            (RecordRef::Account(_), None) => self.accounts.put(&key, None),
            (RecordRef::Deal(_), Some(IndexRow::Deal(row))) => self.deals.put(&key, Some(row)),
            (RecordRef::Deal(_), None) => self.deals.put(&key, None),
            (RecordRef::Quote(_), Some(IndexRow::Quote(row))) => self.quotes.put(&key, Some(row)),
            (RecordRef::Quote(_), None) => self.quotes.put(&key, None),
            (RecordRef::Order(_), Some(IndexRow::Order(row))) => self.orders.put(&key, Some(row)),
            (RecordRef::Order(_), None) => self.orders.put(&key, None),
            (RecordRef::Product(_), Some(IndexRow::Product(row))) => {
                self.products.put(&key, Some(row))
            }
            (RecordRef::Product(_), None) => self.products.put(&key, None),
            // Contacts and settings are not kept; a row of another kind is not this record's.
            _ => {}
        }
    }
}

/// The key `record`'s row is stored under.
pub fn record_key(record: RecordRef) -> String {
    match record {
        RecordRef::Account(id) => id.to_string(),
        RecordRef::Contact(id) => id.to_string(),
        RecordRef::Deal(id) => id.to_string(),
        RecordRef::Settings(id) => id.to_string(),
        RecordRef::Product(id) => id.to_string(),
        RecordRef::Quote(id) => id.to_string(),
        RecordRef::Order(id) => id.to_string(),
    }
}

/// Whether the keeper holds rows of `record`'s kind.
fn kept(record: &RecordRef) -> bool {
    matches!(
        record,
        RecordRef::Account(_)
            | RecordRef::Deal(_)
            | RecordRef::Quote(_)
            | RecordRef::Order(_)
            | RecordRef::Product(_)
    )
}

/// What must be read before the next computation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Every row (nothing is kept, or too much or anything changed).
    ReadAll,
    /// These records' rows only.
    Patch(BTreeSet<RecordRef>),
    /// Nothing: the kept rows are current.
    Ready,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Dirt {
    #[default]
    Clean,
    Records(BTreeSet<RecordRef>),
    Everything,
}

/// What is kept, and what was written since it was read.
#[derive(Debug, Default)]
pub struct RowsKeeper {
    kept: Option<KeptRows>,
    dirt: Dirt,
    /// Bumped whenever the kept rows change (what is made from them can be kept until then).
    version: u64,
    /// The workspace's settings as last read (`None` inside: it has none on this device).
    settings: Option<(WorkspaceId, Option<Settings>)>,
    /// Bumped whenever the settings may have been written, so a read that began before does
    /// not keep what it read.
    settings_written: u64,
}

/// A read of the settings begun at one moment (see [`RowsKeeper::settings`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingsRead {
    workspace: WorkspaceId,
    written: u64,
}

impl RowsKeeper {
    /// Nothing kept.
    pub fn new() -> Self {
        Self::default()
    }

    /// The workspace wrote `written`.
    pub fn written(&mut self, written: Written) {
        let settings = match &written {
            Written::Everything => true,
            Written::Records(records) => records
                .iter()
                .any(|record| matches!(record, RecordRef::Settings(_))),
        };
        if settings {
            self.settings = None;
            self.settings_written += 1;
        }
        self.dirt = match (std::mem::take(&mut self.dirt), written) {
            (Dirt::Everything, _) | (_, Written::Everything) => Dirt::Everything,
            (Dirt::Clean, Written::Records(records)) => {
                Dirt::Records(records.into_iter().filter(kept).collect())
            }
            (Dirt::Records(mut dirty), Written::Records(records)) => {
                dirty.extend(records.into_iter().filter(kept));
                Dirt::Records(dirty)
            }
        };
        if let Dirt::Records(records) = &self.dirt {
            if records.is_empty() {
                self.dirt = Dirt::Clean;
            } else if records.len() > MOST_PATCHED {
                self.dirt = Dirt::Everything;
            }
        }
    }

    /// What to read now; what is written from now on is for the next plan (a write landing
    /// while this plan's reads run may or may not be in them, so it is read again next time).
    pub fn plan(&mut self) -> Plan {
        match (&self.kept, std::mem::take(&mut self.dirt)) {
            (None, _) | (_, Dirt::Everything) => Plan::ReadAll,
            (Some(_), Dirt::Records(records)) => Plan::Patch(records),
            (Some(_), Dirt::Clean) => Plan::Ready,
        }
    }

    /// Keeps `rows`, read whole by a [`Plan::ReadAll`].
    pub fn read_all(&mut self, rows: KeptRows) {
        self.kept = Some(rows);
        self.version += 1;
    }

    /// Puts what a [`Plan::Patch`] read (`None`: the record has no row any more).
    pub fn patched(&mut self, rows: Vec<(RecordRef, Option<IndexRow>)>) {
        if let Some(kept) = &mut self.kept {
            if !rows.is_empty() {
                self.version += 1;
            }
            for (record, row) in rows {
                kept.put(record, row);
            }
        }
    }

    /// A plan's reads failed: everything is read again next time.
    pub fn failed(&mut self) {
        self.kept = None;
        self.dirt = Dirt::Clean;
        self.version += 1;
    }

    /// Which rows are kept and which settings: both numbers change whenever the rows or the
    /// settings may have (what is made of them alone, like the cockpit's facts, can be kept
    /// under this key).
    pub fn version(&self) -> (u64, u64) {
        (self.version, self.settings_written)
    }

    /// The kept rows.
    pub fn rows(&self) -> Option<&KeptRows> {
        self.kept.as_ref()
    }

    /// `workspace`'s settings if kept (`Ok`), or the read to begin (`Err`), to hand back to
    /// [`RowsKeeper::keep_settings`] with what it read.
    pub fn settings(&self, workspace: WorkspaceId) -> Result<Option<Settings>, SettingsRead> {
        match &self.settings {
            Some((kept, settings)) if *kept == workspace => Ok(settings.clone()),
            _ => Err(SettingsRead {
                workspace,
                written: self.settings_written,
            }),
        }
    }

    /// Keeps what `read` found, unless the settings were written since it began.
    pub fn keep_settings(&mut self, read: SettingsRead, settings: Option<Settings>) {
        if read.written == self.settings_written {
            self.settings = Some((read.workspace, settings));
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::ids::{AccountId, ContactId, OrderId, WorkspaceId};

    use super::*;

    fn account(byte: u8) -> RecordRef {
        RecordRef::Account(AccountId::from_bytes([byte; 16]))
    }

    fn account_row(byte: u8, name: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: AccountId::from_bytes([byte; 16]).to_string(),
            name: name.to_owned(),
            search_terms: vec![name.to_lowercase()],
            note_words: "long notes".to_owned(),
            heads: vec!["abc".to_owned()],
            ..AccountIndexRow::default()
        }
    }

    fn kept_rows(accounts: Vec<AccountIndexRow>) -> KeptRows {
        KeptRows {
            accounts: Keyed::new(accounts),
            deals: Keyed::new(Vec::new()),
            quotes: Keyed::new(Vec::new()),
            orders: Keyed::new(Vec::new()),
            products: Keyed::new(Vec::new()),
        }
    }

    fn names(keeper: &RowsKeeper) -> Vec<String> {
        let mut names: Vec<String> = keeper
            .rows()
            .map(|rows| {
                rows.accounts
                    .rows()
                    .iter()
                    .map(|row| row.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn nothing_kept_reads_everything_then_nothing_until_a_write() {
        let mut keeper = RowsKeeper::new();
        assert_eq!(keeper.plan(), Plan::ReadAll);
        keeper.read_all(kept_rows(vec![account_row(1, "Martin")]));
        assert_eq!(keeper.plan(), Plan::Ready);
        assert_eq!(keeper.plan(), Plan::Ready);
        keeper.written(Written::Records(BTreeSet::from([account(1)])));
        assert_eq!(keeper.plan(), Plan::Patch(BTreeSet::from([account(1)])));
        assert_eq!(keeper.plan(), Plan::Ready);
    }

    #[test]
    fn a_patch_replaces_adds_and_removes_rows_and_keeps_them_slim() {
        let mut keeper = RowsKeeper::new();
        keeper.read_all(kept_rows(vec![
            account_row(1, "Martin"),
            account_row(2, "Café"),
            account_row(3, "Garage"),
        ]));
        keeper.patched(vec![
            (
                account(1),
                Some(IndexRow::Account(account_row(1, "Martin & fils"))),
            ),
            (
                account(4),
                Some(IndexRow::Account(account_row(4, "Fleurs"))),
            ),
            (account(2), None),
            // A record that never had a row and still has none changes nothing.
            (account(9), None),
        ]);
        assert_eq!(names(&keeper), ["Fleurs", "Garage", "Martin & fils"]);
        // After a removal moved the last row into its slot, that row is still found by key.
        keeper.patched(vec![(account(4), None), (account(3), None)]);
        assert_eq!(names(&keeper), ["Martin & fils"]);
        let rows = keeper.rows().map(|rows| rows.accounts.rows());
        let row = rows.as_ref().and_then(|rows| rows.first());
        assert!(row.is_some_and(|row| row.search_terms.is_empty()
            && row.note_words.is_empty()
            && row.heads.is_empty()));
    }

    #[test]
    fn rows_a_computation_reads_do_not_change_under_it_when_a_patch_lands() {
        let mut keeper = RowsKeeper::new();
        keeper.read_all(kept_rows(vec![account_row(1, "Martin")]));
        let reading = keeper.rows().map(|rows| rows.accounts.rows());
        keeper.patched(vec![(
            account(1),
            Some(IndexRow::Account(account_row(1, "Dupont"))),
        )]);
        assert_eq!(
            reading
                .as_ref()
                .and_then(|rows| rows.first())
                .map(|row| row.name.as_str()),
            Some("Martin")
        );
        assert_eq!(names(&keeper), ["Dupont"]);
    }

    #[test]
    fn writes_of_contacts_and_settings_need_no_read_and_anything_or_too_many_reads_everything() {
        let mut keeper = RowsKeeper::new();
        keeper.read_all(kept_rows(Vec::new()));
        keeper.written(Written::Records(BTreeSet::from([
            RecordRef::Contact(ContactId::from_bytes([1; 16])),
            RecordRef::Settings(WorkspaceId::from_bytes([2; 16])),
        ])));
        assert_eq!(keeper.plan(), Plan::Ready);
        keeper.written(Written::Records(BTreeSet::from([account(1)])));
        keeper.written(Written::Everything);
        keeper.written(Written::Records(BTreeSet::from([account(2)])));
        assert_eq!(keeper.plan(), Plan::ReadAll);
        let many: BTreeSet<RecordRef> = (0..=MOST_PATCHED as u32)
            .map(|number| {
                let mut bytes = [0; 16];
                bytes[..4].copy_from_slice(&number.to_be_bytes());
                RecordRef::Order(OrderId::from_bytes(bytes))
            })
            .collect();
        keeper.written(Written::Records(many));
        assert_eq!(keeper.plan(), Plan::ReadAll);
    }

    #[test]
    fn the_version_moves_with_every_change_of_rows_or_settings_and_only_then() {
        let mut keeper = RowsKeeper::new();
        keeper.read_all(kept_rows(vec![account_row(1, "Martin")]));
        let read = keeper.version();
        assert_eq!(keeper.plan(), Plan::Ready);
        keeper.patched(Vec::new());
        assert_eq!(keeper.version(), read);
        keeper.patched(vec![(account(1), None)]);
        let patched = keeper.version();
        assert_ne!(patched, read);
        keeper.written(Written::Records(BTreeSet::from([RecordRef::Settings(
            WorkspaceId::from_bytes([7; 16]),
        )])));
        assert_ne!(keeper.version(), patched);
    }

    #[test]
    fn settings_are_kept_until_written_and_a_read_overtaken_by_a_write_is_not_kept() {
        let mut keeper = RowsKeeper::new();
        let workspace = WorkspaceId::from_bytes([7; 16]);
        let Err(read) = keeper.settings(workspace) else {
            panic!("nothing was kept yet");
        };
        keeper.keep_settings(read, Some(Settings::starter()));
        assert_eq!(keeper.settings(workspace), Ok(Some(Settings::starter())));
        // Another workspace's settings are not these.
        assert!(keeper.settings(WorkspaceId::from_bytes([8; 16])).is_err());
        // An account written leaves them; the settings written drop them.
        keeper.written(Written::Records(BTreeSet::from([account(1)])));
        assert!(keeper.settings(workspace).is_ok());
        keeper.written(Written::Records(BTreeSet::from([RecordRef::Settings(
            workspace,
        )])));
        let Err(read) = keeper.settings(workspace) else {
            panic!("the settings were written");
        };
        // Written again while that read ran: what it read may be older than the write.
        keeper.written(Written::Everything);
        keeper.keep_settings(read, None);
        assert!(keeper.settings(workspace).is_err());
    }

    #[test]
    fn a_write_while_a_plan_reads_is_read_again_by_the_next_plan_and_a_failure_reads_everything() {
        let mut keeper = RowsKeeper::new();
        assert_eq!(keeper.plan(), Plan::ReadAll);
        // Written while every row was being read: the read may have missed it.
        keeper.written(Written::Records(BTreeSet::from([account(1)])));
        keeper.read_all(kept_rows(vec![account_row(1, "Martin")]));
        assert_eq!(keeper.plan(), Plan::Patch(BTreeSet::from([account(1)])));
        keeper.failed();
        assert_eq!(keeper.plan(), Plan::ReadAll);
    }
}
