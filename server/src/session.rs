//! One sync connection's loop: frames in, [`RelaySession`] decides, storage and fan-out act.
//!
//! The only place on the server that touches a socket. It enforces what the protocol state
//! machine cannot see: the hello deadline, idle reaping with pings, per-connection rate limits,
//! a bounded write time (a device that stops reading is disconnected, never waited for), device
//! revocation, and graceful shutdown between (never during) storage commits.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use shared::protocol::codec::{decode_client, encode_server, DecodeError, EncodeError};
use shared::protocol::relay::{Appended, RelayEffect, RelayEvent, RelaySession};
use shared::protocol::{
    holdings_digest, ClientMessage, DocumentId, ErrorCode, Seq, ServerMessage, MAX_HOLDING_PAGE,
    PROTOCOL_VERSION,
};
use tokio::sync::broadcast;
use tokio::time::Instant;

use crate::access::{Grants, Scope};
use crate::admission::PreAuthSlot;
use crate::hub::Publication;
use crate::identity::Principal;
use crate::ingest::{self, IngestError};
use crate::state::AppState;
use crate::storage::{PageBudget, StorageError};

/// The limits of one connection.
#[derive(Clone, Debug)]
pub struct Limits {
    /// How long a new connection may take to send a valid hello (short: until then it holds one
    /// of its client address's few pre-authentication slots).
    pub handshake_timeout: Duration,
    /// How often the relay pings an idle connection.
    pub ping_interval: Duration,
    /// Silence after which a connection is reaped.
    pub idle_timeout: Duration,
    /// How long one send may wait for the device to read.
    pub write_timeout: Duration,
    /// Sustained messages per second, and the burst above it.
    pub messages_per_second: f64,
    /// The message burst.
    pub message_burst: f64,
    /// Sustained bytes per second, and the burst above it.
    pub bytes_per_second: f64,
    /// The byte burst.
    pub byte_burst: f64,
    /// The longest the relay slows a fast sender down before refusing it.
    pub max_throttle: Duration,
    /// Entries read per log page at most.
    pub page_entries: usize,
    /// Bytes of changes per log page (the read stops there).
    pub page_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            handshake_timeout: Duration::from_secs(5),
            ping_interval: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(10),
            messages_per_second: 200.0,
            message_burst: 400.0,
            bytes_per_second: 4.0 * 1024.0 * 1024.0,
            byte_burst: 8.0 * 1024.0 * 1024.0,
            max_throttle: Duration::from_secs(2),
            page_entries: 2_000,
            page_bytes: 768 * 1024,
        }
    }
}

impl Limits {
    /// What one log or snapshot page may hold.
    pub fn page_budget(&self) -> PageBudget {
        PageBudget {
            entries: self.page_entries,
            bytes: self.page_bytes,
        }
    }
}

/// How many document ids a device's holdings may list (beyond, the session is refused).
const MAX_HOLDINGS: usize = 200_000;

/// How many whole documents one change of reach sends at most (the rest follow at the device's
/// next connection).
const MAX_GRANTED: usize = 5_000;

/// Why a push was not stored.
enum Refusal {
    /// Its changes to these documents are out of the person's reach.
    Forbidden(Vec<shared::protocol::DocumentId>),
    /// Another refusal, as the protocol names it.
    Code(ErrorCode),
}

/// Why the loop stops.
enum Stop {
    /// The device left, the socket failed, or the session closed itself.
    Done,
}

/// Serves one upgraded connection until it closes; `pre_auth` is given back once the device
/// authenticates.
pub async fn run<S>(socket: S, state: AppState, pre_auth: PreAuthSlot)
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    state.metrics.connection_opened();
    let mut connection = Connection::new(socket, state.clone());
    connection.pre_auth = Some(pre_auth);
    connection.serve().await;
    state.metrics.connection_closed();
}

struct Connection<S> {
    socket: S,
    state: AppState,
    machine: RelaySession,
    version: u16,
    principal: Option<Principal>,
    /// What the signed-in person may reach, and so what their device receives.
    grants: Option<Grants>,
    scope: Arc<Scope>,
    /// Every document of the workspace the relay knows (has access keys for).
    known: Arc<HashSet<DocumentId>>,
    /// The cursor the device said hello with: documents logged before it that enter the
    /// person's reach are sent whole.
    hello_cursor: Seq,
    /// The device's holdings, page by page, until the last page.
    holdings: HashSet<DocumentId>,
    /// Whether the holdings were compared already (once per connection).
    holdings_compared: bool,
    /// The digest of the person's reach, to send once the welcome is out.
    pending_reach: Option<[u8; 32]>,
    pre_auth: Option<PreAuthSlot>,
    live: Option<broadcast::Receiver<Arc<Publication>>>,
    messages: TokenBucket,
    bytes: TokenBucket,
    last_heard: Instant,
}

impl<S> Connection<S>
where
    S: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin,
{
    fn new(socket: S, state: AppState) -> Self {
        let limits = &state.limits;
        let now = Instant::now();
        Self {
            messages: TokenBucket::new(limits.message_burst, limits.messages_per_second, now),
            bytes: TokenBucket::new(limits.byte_burst, limits.bytes_per_second, now),
            socket,
            machine: RelaySession::new(),
            version: PROTOCOL_VERSION,
            principal: None,
            grants: None,
            scope: Arc::new(Scope::Only(Default::default())),
            known: Arc::default(),
            hello_cursor: Seq(0),
            holdings: HashSet::new(),
            holdings_compared: false,
            pending_reach: None,
            pre_auth: None,
            live: None,
            last_heard: now,
            state,
        }
    }

    async fn serve(&mut self) {
        let limits = self.state.limits.clone();
        let hello_deadline = Instant::now() + limits.handshake_timeout;
        let mut revocations = self.state.accounts.revocations();
        let mut ping = tokio::time::interval(limits.ping_interval);
        ping.tick().await;
        let shutdown = self.state.shutdown.clone();
        loop {
            let event = tokio::select! {
                () = shutdown.cancelled() => {
                    self.close(1001, "the server is restarting").await;
                    return;
                }
                frame = next_frame(&mut self.socket, self.principal.is_none().then_some(hello_deadline)) => {
                    match self.frame_event(frame).await {
                        Ok(Some(event)) => event,
                        Ok(None) => continue,
                        Err(Stop::Done) => return,
                    }
                }
                publication = next_publication(&mut self.live) => match publication {
                    Ok(publication) => {
                        self.state.metrics.fanned_out(publication.entries.len(), publication.committed_at.elapsed());
                        match self.published(&publication).await {
                            Ok(events) => {
                                for event in events {
                                    if self.drive(event).await.is_err() {
                                        return;
                                    }
                                }
                                continue;
                            }
                            Err(Stop::Done) => return,
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // A missed publication may have changed who reads what: look again.
                        let missed = Publication::entries(Vec::new(), std::time::Instant::now(), true);
                        match self.published(&missed).await {
                            Ok(events) => {
                                for event in events {
                                    if self.drive(event).await.is_err() {
                                        return;
                                    }
                                }
                            }
                            Err(Stop::Done) => return,
                        }
                        RelayEvent::Lagged
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        self.live = None;
                        continue;
                    }
                },
                revoked = revocations.recv() => {
                    let ours = self.principal.map(|principal| principal.device);
                    if matches!(revoked, Ok(device) if Some(device) == ours) {
                        self.refuse(ErrorCode::Unauthorised).await;
                        return;
                    }
                    continue;
                }
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > limits.idle_timeout {
                        self.close(1000, "idle").await;
                        return;
                    }
                    if self.send_frame(Message::Ping(Vec::new().into())).await.is_err() {
                        return;
                    }
                    continue;
                }
            };
            if self.drive(event).await.is_err() {
                return;
            }
        }
    }

    /// Turns one frame (or its absence) into a protocol event, after rate limiting.
    async fn frame_event(
        &mut self,
        frame: Result<Option<Result<Message, axum::Error>>, tokio::time::error::Elapsed>,
    ) -> Result<Option<RelayEvent>, Stop> {
        let message = match frame {
            Err(_elapsed) => {
                self.refuse(ErrorCode::Unauthorised).await;
                return Err(Stop::Done);
            }
            Ok(None | Some(Err(_))) => return Err(Stop::Done),
            Ok(Some(Ok(message))) => message,
        };
        self.last_heard = Instant::now();
        let bytes = match message {
            Message::Binary(bytes) => bytes,
            // A text frame is not a protocol message.
            Message::Text(_) => return Ok(Some(RelayEvent::Received(Err(DecodeError::Truncated)))),
            Message::Ping(_) | Message::Pong(_) => return Ok(None),
            Message::Close(_) => return Err(Stop::Done),
        };
        self.throttle(bytes.len()).await?;
        let decoded = decode_client(&bytes).map(|(version, message)| {
            self.version = version;
            self.machine.speaks(version);
            if let ClientMessage::Hello(hello) = &message {
                self.hello_cursor = hello.cursor;
            }
            message
        });
        Ok(Some(RelayEvent::Received(decoded)))
    }

    /// Waits out a burst, or refuses a sender that stays above the limits.
    async fn throttle(&mut self, size: usize) -> Result<(), Stop> {
        let now = Instant::now();
        let wait = self
            .messages
            .take(1.0, now)
            .max(self.bytes.take(size as f64, now));
        if wait > self.state.limits.max_throttle {
            self.refuse(ErrorCode::RateLimited).await;
            return Err(Stop::Done);
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// Feeds an event to the state machine and carries out its effects (which may feed more).
    async fn drive(&mut self, event: RelayEvent) -> Result<(), Stop> {
        let mut events = VecDeque::from([event]);
        while let Some(event) = events.pop_front() {
            for effect in self.machine.handle(event) {
                if let Some(follow_up) = self.perform(effect).await? {
                    events.push_back(follow_up);
                }
            }
            if let Some(digest) = self.pending_reach.take() {
                events.push_back(RelayEvent::Reach { digest });
            }
        }
        if self.machine.is_closed() {
            return Err(Stop::Done);
        }
        Ok(())
    }

    async fn perform(&mut self, effect: RelayEffect) -> Result<Option<RelayEvent>, Stop> {
        match effect {
            RelayEffect::Send(message) => {
                if matches!(message, ServerMessage::Error { .. }) {
                    self.state.metrics.refused();
                }
                if let ServerMessage::Ack {
                    stored, duplicates, ..
                } = message
                {
                    self.state.metrics.acknowledged(stored, duplicates);
                }
                match encode_server(self.version, &message) {
                    Ok(bytes) => {
                        self.send_frame(Message::Binary(bytes.into())).await?;
                        Ok(None)
                    }
                    // Live entries too large for one message: let the pages carry them.
                    Err(EncodeError::TooLarge(_))
                        if matches!(message, ServerMessage::Entries { .. }) =>
                    {
                        Ok(Some(RelayEvent::Lagged))
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot encode a message");
                        Err(Stop::Done)
                    }
                }
            }
            RelayEffect::Authenticate { ticket, device } => {
                let redeemed = self
                    .state
                    .accounts
                    .redeem_ticket(&ticket, device, std::time::SystemTime::now())
                    .await;
                let principal = match redeemed {
                    Ok(principal) => principal,
                    Err(error) => {
                        tracing::error!(%error, "cannot redeem a sync ticket");
                        self.refuse(ErrorCode::ServerBusy).await;
                        return Err(Stop::Done);
                    }
                };
                let Some(principal) = principal else {
                    return Ok(Some(RelayEvent::Authenticated {
                        accepted: false,
                        head: Default::default(),
                    }));
                };
                // Subscribe before reading the head and the scope, so nothing published in
                // between is missed.
                self.live = Some(self.state.hub.subscribe(principal.workspace));
                let grants = match self
                    .state
                    .access
                    .grants(principal.workspace, principal.user)
                    .await
                {
                    Ok(Some(grants)) => grants,
                    // Disabled since the ticket was issued: refused like a revoked device.
                    Ok(None) => {
                        return Ok(Some(RelayEvent::Authenticated {
                            accepted: false,
                            head: Default::default(),
                        }))
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot read a person's grants");
                        self.refuse(ErrorCode::ServerBusy).await;
                        return Err(Stop::Done);
                    }
                };
                self.principal = Some(principal);
                if let Err(error) = self.rescope(grants).await {
                    tracing::error!(%error, "cannot read the records' access");
                    self.refuse(ErrorCode::ServerBusy).await;
                    return Err(Stop::Done);
                }
                self.pending_reach = Some(self.reach_digest());
                match self.state.log.head(principal.workspace).await {
                    Ok(head) => {
                        self.pre_auth = None;
                        Ok(Some(RelayEvent::Authenticated {
                            accepted: true,
                            head,
                        }))
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot read the log head");
                        self.refuse(ErrorCode::ServerBusy).await;
                        Err(Stop::Done)
                    }
                }
            }
            RelayEffect::Append { batch, changes } => match self.append(changes).await {
                Err(Refusal::Forbidden(documents)) => {
                    Ok(Some(RelayEvent::Forbidden { batch, documents }))
                }
                Err(Refusal::Code(code)) => Ok(Some(RelayEvent::Appended {
                    batch,
                    outcome: Err(code),
                })),
                Ok(appended) => Ok(Some(RelayEvent::Appended {
                    batch,
                    outcome: Ok(appended),
                })),
            },
            RelayEffect::ReadLog { after } => {
                let Some(principal) = self.principal else {
                    return Err(Stop::Done);
                };
                let budget = self.state.limits.page_budget();
                match self
                    .state
                    .log
                    .page(principal.workspace, after, budget, Arc::clone(&self.scope))
                    .await
                {
                    Ok(page) => Ok(Some(RelayEvent::Page {
                        entries: page.entries,
                        through: page.through,
                        more: page.more,
                    })),
                    Err(error) => {
                        tracing::error!(%error, "cannot read the log");
                        self.refuse(ErrorCode::ServerBusy).await;
                        Err(Stop::Done)
                    }
                }
            }
            RelayEffect::ReadSnapshots { after } => {
                let Some(principal) = self.principal else {
                    return Err(Stop::Done);
                };
                let budget = self.state.limits.page_budget();
                // The epoch first: snapshots read after it cover at least that far.
                let scope = Arc::clone(&self.scope);
                let page = async {
                    let epoch = self.state.log.epoch(principal.workspace).await?;
                    let page = self
                        .state
                        .log
                        .snapshots_page(principal.workspace, after, budget, scope)
                        .await?;
                    Ok::<_, crate::storage::StorageError>((epoch, page))
                };
                match page.await {
                    Ok((epoch, page)) => {
                        // Only what this person may read was loaded; the next page starts
                        // after the last document looked at.
                        let next = if page.more { page.through } else { None };
                        Ok(Some(RelayEvent::SnapshotPage {
                            snapshots: page.snapshots,
                            epoch,
                            next,
                        }))
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot read snapshots");
                        self.refuse(ErrorCode::ServerBusy).await;
                        Err(Stop::Done)
                    }
                }
            }
            RelayEffect::ReadSnapshot { document } => {
                let Some(principal) = self.principal else {
                    return Err(Stop::Done);
                };
                let visible = self.scope.contains(&document);
                let (bytes, covers) =
                    match self.state.log.snapshot(principal.workspace, document).await {
                        // Out of reach answers like absent.
                        Ok(found) => found.filter(|_| visible).unwrap_or_default(),
                        Err(error) => {
                            tracing::error!(%error, "cannot read a snapshot");
                            self.refuse(ErrorCode::ServerBusy).await;
                            return Err(Stop::Done);
                        }
                    };
                Ok(Some(RelayEvent::SnapshotRead {
                    document,
                    bytes,
                    covers,
                }))
            }
            RelayEffect::CompareHoldings {
                documents,
                complete,
            } => {
                if self.holdings_compared {
                    // Once per connection: each comparison may send thousands of whole
                    // documents, so a device asking again is refused rather than served.
                    self.refuse(ErrorCode::OutOfOrder).await;
                    return Err(Stop::Done);
                }
                if self.holdings.len() + documents.len() > MAX_HOLDINGS {
                    self.refuse(ErrorCode::TooLarge).await;
                    return Err(Stop::Done);
                }
                self.holdings.extend(documents);
                if !complete {
                    return Ok(None);
                }
                self.holdings_compared = true;
                let held = std::mem::take(&mut self.holdings);
                let revoked = held
                    .iter()
                    .filter(|document| {
                        self.known.contains(document) && !self.scope.contains(document)
                    })
                    .copied()
                    .collect();
                let reachable: Vec<DocumentId> = self
                    .known
                    .iter()
                    .filter(|document| self.scope.contains(document) && !held.contains(document))
                    .copied()
                    .collect();
                let granted = self.whole(reachable, self.hello_cursor).await?;
                Ok(Some(RelayEvent::ReachChanged { revoked, granted }))
            }
            RelayEffect::AcknowledgePurge { documents } => {
                let Some(principal) = self.principal else {
                    return Err(Stop::Done);
                };
                if documents.len() > MAX_HOLDING_PAGE {
                    self.refuse(ErrorCode::TooLarge).await;
                    return Err(Stop::Done);
                }
                tracing::info!(
                    device = %principal.device.0,
                    documents = documents.len(),
                    "a device purged records that left its person's reach"
                );
                if let Err(error) = self
                    .state
                    .access
                    .acknowledge_purge(
                        principal.workspace,
                        principal.device,
                        documents,
                        unix_seconds(),
                    )
                    .await
                {
                    tracing::error!(%error, "cannot record a purge");
                }
                Ok(None)
            }
            RelayEffect::Close => {
                self.close(1008, "refused").await;
                Err(Stop::Done)
            }
        }
    }

    /// The whole of each of `documents` logged at or before `through` (those logged later reach
    /// the device through the log), at most [`MAX_GRANTED`] of them.
    async fn whole(
        &mut self,
        documents: Vec<DocumentId>,
        through: Seq,
    ) -> Result<Vec<shared::protocol::DocumentSnapshot>, Stop> {
        let Some(principal) = self.principal else {
            return Err(Stop::Done);
        };
        let mut whole = Vec::new();
        if through == Seq(0) {
            return Ok(whole);
        }
        for document in documents {
            if whole.len() >= MAX_GRANTED {
                // The rest go at the device's next connection, when it lists its holdings.
                break;
            }
            let read = async {
                let first = self
                    .state
                    .log
                    .first_position(principal.workspace, document)
                    .await?;
                if first.is_none_or(|first| first > through) {
                    return Ok(None);
                }
                ingest::whole_document(
                    self.state.log.as_ref(),
                    &self.state.validators,
                    principal.workspace,
                    document,
                )
                .await
            };
            match read.await {
                Ok(Some(snapshot)) => whole.push(snapshot),
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(%error, "cannot read a document entering a person's reach");
                    self.refuse(ErrorCode::ServerBusy).await;
                    return Err(Stop::Done);
                }
            }
        }
        Ok(whole)
    }

    /// Ingests a pushed batch (validated off the async workers, checked against the person's
    /// grants, then durably appended), then publishes what is new.
    async fn append(
        &mut self,
        changes: Vec<shared::protocol::Change>,
    ) -> Result<Appended, Refusal> {
        let principal = self.principal.ok_or(Refusal::Code(ErrorCode::OutOfOrder))?;
        let grants = self
            .grants
            .clone()
            .ok_or(Refusal::Code(ErrorCode::OutOfOrder))?;
        let ingested = ingest::ingest(
            self.state.log.as_ref(),
            self.state.access.as_ref(),
            &self.state.validators,
            principal.into(),
            &grants,
            changes,
            unix_seconds(),
        )
        .await
        .map_err(|error| {
            match &error {
                IngestError::BadChange { .. }
                | IngestError::Unreadable(_)
                | IngestError::ForeignActor
                | IngestError::ForgedAuthor { .. }
                | IngestError::Forbidden { .. }
                | IngestError::MissingHistory { .. } => {
                    tracing::debug!(%error, "a pushed batch was refused");
                }
                IngestError::EditRefused { .. } => {
                    // An honest device checks the same rules first: worth a warning.
                    tracing::warn!(%error, "a pushed batch breaks a record's edit rules");
                }
                IngestError::QuotaExceeded => self.state.metrics.refused_quota(),
                IngestError::Storage(_) | IngestError::Validation(_) => {
                    tracing::error!(%error, "cannot ingest a pushed batch");
                }
            }
            match error {
                // Both are set aside by the device: nothing of them is lost, the rest flows.
                IngestError::Forbidden { documents }
                | IngestError::MissingHistory { documents } => Refusal::Forbidden(documents),
                IngestError::EditRefused { document, .. } => Refusal::Forbidden(vec![document]),
                other => Refusal::Code(other.code()),
            }
        })?;
        let outcome = ingested.outcome;
        let stored = u32::try_from(outcome.stored.len()).unwrap_or(u32::MAX);
        if !outcome.stored.is_empty() || ingested.access_changed {
            self.state.hub.publish(
                principal.workspace,
                Publication::entries(
                    outcome.stored,
                    std::time::Instant::now(),
                    ingested.access_changed,
                ),
            );
        }
        Ok(Appended {
            stored,
            duplicates: outcome.duplicates,
        })
    }

    /// The digest of the documents the person may read now.
    fn reach_digest(&self) -> [u8; 32] {
        holdings_digest(
            self.known
                .iter()
                .filter(|document| self.scope.contains(document))
                .copied(),
        )
    }

    /// Takes `grants` as the session's and computes the scope they give over the workspace's
    /// records now.
    async fn rescope(&mut self, grants: Grants) -> Result<(), StorageError> {
        let Some(principal) = self.principal else {
            return Ok(());
        };
        let records = self.state.access.record_access(principal.workspace).await?;
        self.scope = Arc::new(Scope::of(&grants, &records));
        self.known = Arc::new(records.into_keys().collect());
        self.grants = Some(grants);
        Ok(())
    }

    /// The events a publication is for this session: when it changed who may read what, the
    /// person's grants and scope are read again and what left or entered their reach goes first;
    /// then its entries this person may read.
    async fn published(&mut self, publication: &Publication) -> Result<Vec<RelayEvent>, Stop> {
        let mut events = Vec::new();
        let first = publication.entries.first().map(|entry| entry.seq);
        if publication.access_changed {
            let Some(principal) = self.principal else {
                return Ok(events);
            };
            let grants = match self
                .state
                .access
                .grants(principal.workspace, principal.user)
                .await
            {
                Ok(Some(grants)) => grants,
                Ok(None) => {
                    // Disabled meanwhile.
                    self.refuse(ErrorCode::Unauthorised).await;
                    return Err(Stop::Done);
                }
                Err(error) => {
                    tracing::error!(%error, "cannot read a person's grants");
                    self.refuse(ErrorCode::ServerBusy).await;
                    return Err(Stop::Done);
                }
            };
            let before = Arc::clone(&self.scope);
            if let Err(error) = self.rescope(grants).await {
                tracing::error!(%error, "cannot read the records' access");
                self.refuse(ErrorCode::ServerBusy).await;
                return Err(Stop::Done);
            }
            let revoked: Vec<DocumentId> = self
                .known
                .iter()
                .filter(|document| before.contains(document) && !self.scope.contains(document))
                .copied()
                .collect();
            let entered: Vec<DocumentId> = self
                .known
                .iter()
                .filter(|document| !before.contains(document) && self.scope.contains(document))
                .copied()
                .collect();
            // Documents this publication creates arrive with it; older ones are sent whole.
            let existed_through =
                first.map_or(Seq(u64::MAX), |first| Seq(first.0.saturating_sub(1)));
            let granted = self.whole(entered, existed_through).await?;
            if !revoked.is_empty() || !granted.is_empty() {
                events.push(RelayEvent::ReachChanged { revoked, granted });
            }
        }
        if publication.reread {
            // Another instance appended: read the log from this device's cursor.
            events.push(RelayEvent::Lagged);
        }
        let (Some(first), Some(last)) = (publication.entries.first(), publication.entries.last())
        else {
            return Ok(events);
        };
        let entries = publication
            .entries
            .iter()
            .filter(|entry| self.scope.contains(&entry.change.document))
            .cloned()
            .collect();
        events.push(RelayEvent::Published {
            from: first.seq,
            through: last.seq,
            entries,
        });
        Ok(events)
    }

    async fn refuse(&mut self, code: ErrorCode) {
        self.state.metrics.refused();
        let message = ServerMessage::Error {
            code,
            message: code.describe().to_owned(),
        };
        if let Ok(bytes) = encode_server(self.version, &message) {
            let _gone = self.send_frame(Message::Binary(bytes.into())).await;
        }
        self.close(1008, code.as_str()).await;
    }

    async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _gone = self.send_frame(Message::Close(Some(frame))).await;
    }

    async fn send_frame(&mut self, message: Message) -> Result<(), Stop> {
        match tokio::time::timeout(self.state.limits.write_timeout, self.socket.send(message)).await
        {
            Ok(Ok(())) => Ok(()),
            // The device stopped reading (or left): it is disconnected, nobody waits for it.
            Ok(Err(_)) | Err(_) => Err(Stop::Done),
        }
    }
}

/// The next frame, within `deadline` if one is set.
async fn next_frame<S>(
    socket: &mut S,
    deadline: Option<Instant>,
) -> Result<Option<Result<Message, axum::Error>>, tokio::time::error::Elapsed>
where
    S: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, socket.next()).await,
        None => Ok(socket.next().await),
    }
}

/// The next publication, or never when not subscribed.
async fn next_publication(
    live: &mut Option<broadcast::Receiver<Arc<Publication>>>,
) -> Result<Arc<Publication>, broadcast::error::RecvError> {
    match live {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

fn unix_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A token bucket: `take` spends tokens (going into debt) and says how long to wait it off.
#[derive(Debug)]
struct TokenBucket {
    capacity: f64,
    tokens: f64,
    refill_per_second: f64,
    updated: Instant,
}

impl TokenBucket {
    fn new(capacity: f64, refill_per_second: f64, now: Instant) -> Self {
        Self {
            capacity,
            tokens: capacity,
            refill_per_second,
            updated: now,
        }
    }

    fn take(&mut self, amount: f64, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.updated = now;
        self.tokens = (self.tokens + elapsed * self.refill_per_second).min(self.capacity);
        self.tokens -= amount;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.refill_per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_within_capacity_needs_no_wait() {
        let now = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 5.0, now);
        for _ in 0..10 {
            assert_eq!(bucket.take(1.0, now), Duration::ZERO);
        }
        assert_eq!(bucket.take(1.0, now), Duration::from_millis(200));
    }

    #[test]
    fn tokens_refill_with_time() {
        let now = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 5.0, now);
        bucket.take(10.0, now);
        assert_eq!(
            bucket.take(5.0, now + Duration::from_secs(1)),
            Duration::ZERO
        );
    }
}
