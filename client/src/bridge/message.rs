//! The messages between the page and the workspace worker. Plain serde data: the shared id
//! newtypes, `Problem`s for failures, Automerge changes as opaque bytes.

use serde::{Deserialize, Serialize};
use shared::search::Hit;

use crate::bridge::carried::Carried;
use crate::dashboard::figures::DashboardFigures;
use crate::dashboard::segment_figures::SegmentsFigures;
use crate::records::history_view::{HistoryDetail, RecordHistory};
use crate::state::problem::Problem;
use crate::state::sync_status::{SyncCommand, SyncStatus};
use crate::team::quarantine::QuarantinedRecord;
use crate::transfer::review::ImportReview;
use crate::workspace::import_session::ImportCommand;
use crate::workspace::machine::{Event, SubscriptionId, TabNews};
use crate::workspace::record::{ChangeId, RecordContent, RecordEdit};
use crate::workspace::transfer_job::{TransferDone, TransferJob};
use crate::workspace::{RecordRef, Topic};
use shared::edit::Edit;
use shared::ids::WorkspaceId;

/// The bridge's protocol version: a page and a worker of different builds (a cached worker
/// script, say) refuse each other's messages instead of misreading them.
pub const PROTOCOL: u32 = 9;

/// One save the page waits for, numbered by the page in increasing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ticket(pub u64);

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Open the database called `database` (always the first message a worker is sent).
    Open {
        /// The IndexedDB database's name (tests use their own).
        database: String,
    },
    /// Tell the page whenever what `topic` reads may have changed.
    Subscribe {
        /// The page's handle for the subscriber.
        subscription: SubscriptionId,
        /// What it reads.
        topic: Topic,
    },
    /// Stop telling the page about `subscription`.
    Unsubscribe {
        /// The subscriber.
        subscription: SubscriptionId,
    },
    /// Save `changes` (made on this device to `record`, oldest first) after every earlier edit
    /// of the record, and answer with [`FromWorker::Saved`].
    Save {
        /// The page's number for this save.
        ticket: Ticket,
        /// The record changed.
        record: RecordRef,
        /// Automerge changes, opaque here.
        changes: Vec<Vec<u8>>,
    },
    /// Apply `edit` to `record` (in the worker, to its document as it is then) and save the
    /// changes it makes after every earlier edit of the record; answered with
    /// [`FromWorker::Saved`].
    Edit {
        /// The page's number for this edit.
        ticket: Ticket,
        /// The record edited.
        record: RecordRef,
        /// Who edits (the signed-in person on this device, if anyone is signed in) and when.
        stamp: Edit,
        /// What to change.
        edit: RecordEdit,
    },
    /// Answer `query` ([`FromWorker::Answer`]).
    Ask {
        /// The page's number for this query.
        ticket: Ticket,
        /// What the page wants to read.
        query: Query,
    },
    /// Carry out `job` (an export, a backup, a restore, an import…), reporting
    /// [`FromWorker::TransferProgress`] and answering [`FromWorker::Transferred`]. Not replayed
    /// to a new worker: a worker that dies mid-transfer aborts its transaction, and the page
    /// says so.
    Transfer {
        /// The page's number for this transfer.
        ticket: Ticket,
        /// What to do.
        job: TransferJob,
    },
    /// For the import wizard the worker holds (one per page): a file picked, a choice, the
    /// import started or cancelled; answered by [`FromWorker::ImportReview`]. Not replayed: a
    /// worker that dies mid-import aborts its transaction, and the page says so.
    Import(ImportCommand),
    /// The rep asked to try stalled saves again.
    Retry,
    /// Something the workspace service must know (sync elected this tab, another tab's news…).
    Event(Event),
    /// Answer `query` from the search index the worker keeps ([`FromWorker::Found`]); answered
    /// once the index was first built.
    Search {
        /// The page's number for this query.
        ticket: Ticket,
        /// What the rep typed (the worker reads at most [`MAX_QUERY_CHARS`] of it).
        query: String,
        /// How many hits to return, at most (the worker caps it at [`MAX_HITS`]).
        limit: u16,
    },
    /// For the sync engine, which runs in the worker of the leader tab (elected by
    /// `Event::Elected`); ignored by a follower's worker.
    Sync(SyncCommand),
    /// Are you there? (answered by [`FromWorker::Pong`] with the same number)
    Ping(u64),
}

/// What a page reads of open records through the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Query {
    /// The record's content now ([`Answer::Record`]).
    Record(RecordRef),
    /// The record's history ([`Answer::History`]).
    History(RecordRef),
    /// What a history row changed and the record as it was after it ([`Answer::HistoryDetail`]).
    HistoryDetail {
        /// The record.
        record: RecordRef,
        /// The change before the row's first one (`None`: the row starts the history).
        before: Option<ChangeId>,
        /// The row's last change.
        after: ChangeId,
        /// The row's key.
        last: usize,
    },
    /// The records with changes set aside in the quarantine ([`Answer::Quarantine`]).
    Quarantine,
    /// The dashboard's figures at `now` ([`Answer::Dashboard`]).
    Dashboard {
        /// The workspace whose settings hold the stages and objectives (`None`: the starter).
        workspace: Option<WorkspaceId>,
        /// The page's clock (Unix seconds).
        now: i64,
    },
    /// The saved segments with the accounts of this device each holds ([`Answer::Segments`]).
    Segments {
        /// The workspace whose settings hold the segments.
        workspace: Option<WorkspaceId>,
        /// The page's clock (Unix seconds).
        now: i64,
    },
    /// A segment's call list as CSV ([`Answer::CallList`]).
    CallList {
        /// The workspace whose settings hold the segment.
        workspace: Option<WorkspaceId>,
        /// The segment's id.
        segment: String,
        /// The page's clock (Unix seconds).
        now: i64,
    },
}

/// The worker's answer to a [`Query`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// The record's content (`None`: the device has no such record).
    Record(Result<Option<RecordContent>, Problem>),
    /// The record's history.
    History(Result<RecordHistory, Problem>),
    /// A history row's details (`None`: the device has no such record).
    HistoryDetail(Result<Option<HistoryDetail>, Problem>),
    /// The records with changes set aside, the first set aside first.
    Quarantine(Result<Vec<QuarantinedRecord>, Problem>),
    /// The dashboard's figures (boxed: they are far larger than the other answers).
    Dashboard(Result<Box<DashboardFigures>, Problem>),
    /// The segments' figures.
    Segments(Result<SegmentsFigures, Problem>),
    /// A call list's CSV bytes.
    CallList(Result<Vec<u8>, Problem>),
}

/// How an [`Answer`] crosses the bridge. A record's content is read with the message: the first
/// screen reads the workspace's settings that way. Every other answer is read only by the page
/// that asked, so it is carried as the worker serialised it and read there
/// ([`Reply::into_answer`]), which keeps its reading code out of the first screen's module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The answer to [`Query::Record`].
    Record(Result<Option<RecordContent>, Problem>),
    /// The answer to any other query.
    Carried(Carried<Answer>),
    /// The answer could not be sent: why.
    Failed(Problem),
}

impl Reply {
    /// How `answer` is sent.
    pub fn of(answer: Answer) -> Self {
        match answer {
            Answer::Record(content) => Self::Record(content),
            other => Carried::new(&other).map_or_else(Self::Failed, Self::Carried),
        }
    }

    /// The answer to `query`, read now (a failure is the query's answer with the problem).
    pub fn into_answer(self, query: &Query) -> Answer {
        match self {
            Self::Record(content) => Answer::Record(content),
            Self::Carried(carried) => carried
                .open()
                .unwrap_or_else(|problem| Answer::failed(query, problem)),
            Self::Failed(problem) => Answer::failed(query, problem),
        }
    }
}

impl Answer {
    /// The answer to `query` when it cannot be read: `problem`.
    pub fn failed(query: &Query, problem: Problem) -> Self {
        match query {
            Query::Record(_) => Self::Record(Err(problem)),
            Query::History(_) => Self::History(Err(problem)),
            Query::HistoryDetail { .. } => Self::HistoryDetail(Err(problem)),
            Query::Quarantine => Self::Quarantine(Err(problem)),
            Query::Dashboard { .. } => Self::Dashboard(Err(problem)),
            Query::Segments { .. } => Self::Segments(Err(problem)),
            Query::CallList { .. } => Self::CallList(Err(problem)),
        }
    }
}

/// The longest query the worker reads, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// The most hits one query returns.
pub const MAX_HITS: u16 = 200;

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// How many records the index holds.
    pub records: usize,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker listens: messages posted before this may have found no listener (a worker's
    /// messages are dispatched as soon as its script has run, before its wasm is instantiated),
    /// so the page sends only after it.
    Listening,
    /// The database is open; what was sent before is being handled.
    Ready,
    /// The database cannot be opened: nothing will be saved until it can.
    Unavailable(Problem),
    /// The save `ticket` is stored, or stopped by `Problem` (its changes stay queued in the
    /// worker and are retried).
    Saved {
        /// The save.
        ticket: Ticket,
        /// Stored, or why not.
        outcome: Result<(), Problem>,
    },
    /// What these subscriptions read may have changed.
    Stale(Vec<SubscriptionId>),
    /// The sync engine's status changed (leader only).
    SyncStatus(SyncStatus),
    /// Sync stored records from the relay (at most every few hundred milliseconds while it
    /// downloads): the other tabs re-read (this tab's subscriptions are told by `Stale`).
    RecordsChanged,
    /// After catching up from a disconnection: the accounts colleagues changed meanwhile.
    Digest(Vec<DigestEntry>),
    /// Tell the other tabs.
    TellTabs(TabNews),
    /// The answer to [`ToWorker::Search`].
    Found {
        /// The query.
        ticket: Ticket,
        /// What it found, or why the index could not be built.
        found: Result<Found, Problem>,
    },
    /// How many records the transfer `ticket` has written so far.
    TransferProgress {
        /// The transfer.
        ticket: Ticket,
        /// Records written.
        done: usize,
        /// Of how many (`0`: not known).
        total: usize,
    },
    /// The transfer `ticket` ended.
    Transferred {
        /// The transfer.
        ticket: Ticket,
        /// What it produced, or why it failed (nothing written then).
        outcome: Result<TransferDone, Problem>,
    },
    /// What the import page shows now (after a command, a read of the device's data, or a chunk
    /// of the import written); boxed, as it is larger than the other messages.
    ImportReview(Box<ImportReview>),
    /// The answer to [`ToWorker::Ask`].
    Answer {
        /// The query.
        ticket: Ticket,
        /// What the worker read.
        answer: Reply,
    },
    /// The answer to [`ToWorker::Ping`].
    Pong(u64),
}

/// A message with the protocol version it was written for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<M> {
    /// [`PROTOCOL`] of the writer.
    pub carnet: u32,
    /// The message.
    pub message: M,
}

impl<M> Envelope<M> {
    /// `message` in this build's protocol.
    pub fn new(message: M) -> Self {
        Self {
            carnet: PROTOCOL,
            message,
        }
    }
}

/// One account of the "changed while you were away" digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestEntry {
    /// The account's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Who changed it (as far as the changes name their author).
    #[serde(default)]
    pub editors: Vec<shared::edit::Editor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_content_travels_read_and_every_other_answer_is_carried_to_the_page_that_asked() {
        assert_eq!(Reply::of(Answer::Record(Ok(None))), Reply::Record(Ok(None)));
        let quarantine = Answer::Quarantine(Ok(Vec::new()));
        let reply = Reply::of(quarantine.clone());
        assert!(matches!(reply, Reply::Carried(_)), "{reply:?}");
        assert_eq!(reply.into_answer(&Query::Quarantine), quarantine);
        let call_list = Answer::CallList(Ok(b"Nom;Ville\r\n".to_vec()));
        let query = Query::CallList {
            workspace: None,
            segment: "nord".to_owned(),
            now: 0,
        };
        assert_eq!(Reply::of(call_list.clone()).into_answer(&query), call_list);
    }

    #[test]
    fn a_reply_that_could_not_be_sent_answers_the_query_with_its_problem() {
        let problem = Problem::new("problem-storage-aborted");
        let query = Query::Dashboard {
            workspace: None,
            now: 0,
        };
        assert_eq!(
            Reply::Failed(problem.clone()).into_answer(&query),
            Answer::Dashboard(Err(problem.clone()))
        );
        assert_eq!(
            Reply::Failed(problem.clone()).into_answer(&Query::Quarantine),
            Answer::Quarantine(Err(problem))
        );
    }
}
