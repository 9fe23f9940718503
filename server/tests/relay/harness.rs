//! A relay on port 0 and devices that speak the real protocol to it.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use server::identity::{Principal, Role, UserId, WorkspaceId};
use server::session::Limits;
use server::state::AppState;
use server::storage::{Database, Location};
use shared::protocol::client::{ClientEffect, ClientEvent, OutboxEntry, SyncClient};
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{
    Change, ClientMessage, DeviceId, DocumentId, ErrorCode, Seq, ServerMessage,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

pub(crate) type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long a test waits for the relay before failing.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

/// The environment variable that runs the relay tests on PostgreSQL (`postgres`) instead of the
/// embedded SQLite database (`cargo xtask test` runs them both ways).
pub(crate) const DATABASE_VARIABLE: &str = "CARNET_RELAY_TESTS_DATABASE";

/// A value bound to a setup statement.
pub(crate) enum Value {
    /// Text.
    Text(String),
    /// An integer, or NULL.
    Integer(Option<i64>),
}

/// The relay, running in-process.
pub(crate) struct Relay {
    pub(crate) address: SocketAddr,
    pub(crate) state: AppState,
    /// Where its data is: the SQLite file in `data`, or a database of its own on the test
    /// binary's PostgreSQL cluster.
    location: Location,
    /// The data directory (and the built client's folder).
    _data: tempfile::TempDir,
    /// Resolves the relay's shutdown signal.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The relay's serve loop.
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Relay {
    /// Starts a relay with default limits.
    pub(crate) async fn start() -> TestResult<Self> {
        Self::start_with(|_| {}).await
    }

    /// Starts a relay after `adjust` changed its state (limits, caps).
    pub(crate) async fn start_with(adjust: impl FnOnce(&mut AppState)) -> TestResult<Self> {
        Self::start_built(None, adjust).await
    }

    /// Starts a relay serving a build whose `index.html` is `index` (written before the server
    /// starts, as a real build is), after `adjust` changed its state.
    pub(crate) async fn start_built(
        index: Option<&str>,
        adjust: impl FnOnce(&mut AppState),
    ) -> TestResult<Self> {
        let database =
            if std::env::var(DATABASE_VARIABLE).is_ok_and(|database| database == "postgres") {
                Some(tests::PostgresCluster::shared()?.create_database().await?)
            } else {
                None
            };
        Self::start_on(index, adjust, database).await
    }

    /// Starts a relay on a new database of the test binary's PostgreSQL cluster, whatever the
    /// suite runs on (tests of several instances).
    pub(crate) async fn start_on_postgres() -> TestResult<Self> {
        let url = tests::PostgresCluster::shared()?.create_database().await?;
        Self::start_on(None, |_| {}, Some(url)).await
    }

    /// Starts another instance of `neighbour`'s relay: the same PostgreSQL database.
    pub(crate) async fn start_beside(neighbour: &Relay) -> TestResult<Self> {
        let Location::Postgres(url) = &neighbour.location else {
            return Err("only relays on PostgreSQL share a database".into());
        };
        Self::start_on(None, |_| {}, Some(url.clone())).await
    }

    async fn start_on(
        index: Option<&str>,
        adjust: impl FnOnce(&mut AppState),
        database: Option<String>,
    ) -> TestResult<Self> {
        let data = tempfile::tempdir()?;
        let dist = data.path().join("dist");
        std::fs::create_dir_all(&dist)?;
        if let Some(index) = index {
            std::fs::write(dist.join("index.html"), index)?;
        }
        let mut arguments = vec![
            "carnet-server".to_owned(),
            "--bind".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--data-dir".to_owned(),
            data.path().to_string_lossy().into_owned(),
            "--dist-dir".to_owned(),
            dist.to_string_lossy().into_owned(),
            "--allowed-origins".to_owned(),
            "https://app.carnet.test".to_owned(),
        ];
        if let Some(url) = database {
            arguments.extend(["--database".to_owned(), url]);
        }
        let config = <server::config::Config as clap::Parser>::try_parse_from(arguments)?;
        let location = config.location();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let mut state = AppState::open(&config).await?;
        // Tests open many sockets from one address at once; the cap has its own tests.
        state.pre_auth = server::admission::PreAuthSlots::new(10_000);
        adjust(&mut state);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(server::run(listener, state.clone(), async move {
            // A dropped sender (the test ended) stops the relay too.
            let _stopped = stopped.await;
        }));
        Ok(Self {
            address,
            state,
            location,
            _data: data,
            stop: Some(stop),
            served: Some(served),
        })
    }

    /// Runs a setup statement the API cannot make on the relay's database: `sqlite` (with
    /// `?1`, `?2`... placeholders) on SQLite, `postgres` (with `$1`, `$2`...) on PostgreSQL.
    pub(crate) async fn execute(
        &self,
        sqlite: &str,
        postgres: &str,
        values: Vec<Value>,
    ) -> TestResult {
        match &self.location {
            Location::Sqlite(directory) => {
                let connection = rusqlite::Connection::open(directory.join("carnet.sqlite3"))?;
                connection.busy_timeout(Duration::from_secs(5))?;
                let values: Vec<Box<dyn rusqlite::ToSql>> = values
                    .into_iter()
                    .map(|value| -> Box<dyn rusqlite::ToSql> {
                        match value {
                            Value::Text(text) => Box::new(text),
                            Value::Integer(integer) => Box::new(integer),
                        }
                    })
                    .collect();
                connection.execute(sqlite, rusqlite::params_from_iter(values.iter()))?;
            }
            Location::Postgres(url) => {
                let (client, connection) =
                    tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
                let driver = tokio::spawn(connection);
                let values: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = values
                    .into_iter()
                    .map(
                        |value| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
                            match value {
                                Value::Text(text) => Box::new(text),
                                Value::Integer(integer) => Box::new(integer),
                            }
                        },
                    )
                    .collect();
                let references: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|value| value.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                let executed = client.execute(postgres, &references).await;
                drop(client);
                let _ended = driver.await;
                executed?;
            }
        }
        Ok(())
    }

    /// A second handle on the relay's database (as a restarted relay would open it).
    pub(crate) async fn reopen(&self) -> TestResult<std::sync::Arc<dyn Database>> {
        Ok(server::storage::open(&self.location).await?)
    }

    /// Adds `device` to `user`.
    pub(crate) async fn add_device(
        &self,
        user: UserId,
        device: DeviceId,
        name: &str,
    ) -> TestResult {
        self.execute(
            "INSERT INTO devices (id, user, name, created_at) VALUES (?1, ?2, ?3, 0)",
            "INSERT INTO devices (id, person, name, created_at) VALUES ($1, $2, $3, 0)",
            vec![
                Value::Text(device.0.to_string()),
                Value::Text(user.to_string()),
                Value::Text(name.to_owned()),
            ],
        )
        .await
    }

    /// Derives the access keys of documents appended straight to the log (as the relay does
    /// at start and after seeding).
    pub(crate) async fn derive_keys(&self) -> TestResult<usize> {
        Ok(server::ingest::derive_missing_keys(
            self.state.log.as_ref(),
            self.state.access.as_ref(),
            &self.state.validators,
        )
        .await?)
    }

    /// Adds a person with `role` (disabled since `disabled_at` when given) and one device of
    /// theirs to `seed`'s workspace; their principal.
    pub(crate) async fn person(
        &self,
        seed: Principal,
        role: Role,
        disabled_at: Option<i64>,
    ) -> TestResult<Principal> {
        let user = UserId(Uuid::new_v4());
        let device = DeviceId(Uuid::new_v4());
        self.execute(
            "INSERT INTO users
             (id, workspace, email, name, role, password_hash, created_at, disabled_at)
             VALUES (?1, ?2, ?3, 'Someone', ?4, 'x', 0, ?5)",
            "INSERT INTO users
             (id, workspace, email, name, role, password_hash, created_at, disabled_at)
             VALUES ($1, $2, $3, 'Someone', $4, 'x', 0, $5)",
            vec![
                Value::Text(user.to_string()),
                Value::Text(seed.workspace.to_string()),
                Value::Text(format!("{user}@carnet.test")),
                Value::Text(role.as_str().to_owned()),
                Value::Integer(disabled_at),
            ],
        )
        .await?;
        self.add_device(user, device, "tablet").await?;
        Ok(Principal {
            workspace: seed.workspace,
            user,
            role,
            device,
        })
    }

    /// Registers a workspace with one user and returns a principal for each of `devices` new
    /// devices of that user.
    pub(crate) async fn workspace(&self, devices: usize) -> TestResult<Vec<Principal>> {
        let workspace = WorkspaceId(Uuid::new_v4());
        let user = UserId(Uuid::new_v4());
        self.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES (?1, 'Test', 0)",
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, 'Test', 0)",
            vec![Value::Text(workspace.to_string())],
        )
        .await?;
        self.execute(
            "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
             VALUES (?1, ?2, ?3, 'Rep', 'rep', 'x', 0)",
            "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
             VALUES ($1, $2, $3, 'Rep', 'rep', 'x', 0)",
            vec![
                Value::Text(user.to_string()),
                Value::Text(workspace.to_string()),
                Value::Text(format!("{user}@carnet.test")),
            ],
        )
        .await?;
        let mut principals = Vec::new();
        for _ in 0..devices {
            let device = DeviceId(Uuid::new_v4());
            self.add_device(user, device, "tablet").await?;
            principals.push(Principal {
                workspace,
                user,
                role: Role::Rep,
                device,
            });
        }
        Ok(principals)
    }

    /// Signals shutdown and waits for the serve loop to return (sessions drained).
    pub(crate) async fn shut_down(&mut self) -> TestResult {
        if let Some(stop) = self.stop.take() {
            let _sent = stop.send(());
        }
        let served = self.served.take().ok_or("already shut down")?;
        tokio::time::timeout(PATIENCE, served)
            .await
            .map_err(|_| "the relay did not finish shutting down")???;
        Ok(())
    }

    /// A fresh single-use ticket for `principal`.
    pub(crate) async fn ticket(&self, principal: Principal) -> TestResult<String> {
        Ok(self
            .state
            .accounts
            .issue_ticket(principal, std::time::SystemTime::now())
            .await?)
    }

    /// Opens a raw WebSocket to `/sync`.
    pub(crate) async fn socket(&self) -> TestResult<Socket> {
        let (socket, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/sync", self.address)).await?;
        Ok(socket)
    }
}

/// A raw client socket.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A device: its own document replica, outbox and protocol state machine.
pub(crate) struct Device {
    pub(crate) principal: Principal,
    pub(crate) document: AutoCommit,
    /// Replicas of every other document the device received.
    pub(crate) others: HashMap<DocumentId, AutoCommit>,
    /// Log entries received.
    pub(crate) entries_received: usize,
    /// Snapshots received while bootstrapping.
    pub(crate) snapshots_received: usize,
    /// The summary each received snapshot came with (`None`: the relay had none to send).
    pub(crate) summaries: HashMap<DocumentId, Option<shared::replica::Summary>>,
    pub(crate) client: SyncClient,
    pub(crate) outbox: BTreeMap<u64, Change>,
    pub(crate) socket: Option<Socket>,
    pub(crate) refusals: Vec<ErrorCode>,
    pub(crate) acknowledged: usize,
    /// Outbox entries the relay refused as out of the person's reach.
    pub(crate) forbidden: usize,
    /// Documents the relay told the device to purge, in order.
    pub(crate) purged: Vec<DocumentId>,
    /// Unsynced changes set aside by purges.
    pub(crate) set_aside: Vec<Change>,
    /// Documents the relay sent whole as they entered the person's reach.
    pub(crate) granted: Vec<DocumentId>,
    next_key: u64,
}

/// The one document the tests edit.
pub(crate) const DOCUMENT: DocumentId = DocumentId(Uuid::from_u128(0x00c0_ffee));

impl Device {
    /// A device of `principal` with an empty replica.
    pub(crate) fn new(principal: Principal) -> Self {
        let mut document = AutoCommit::new();
        document.set_actor(automerge::ActorId::random());
        Self {
            principal,
            document,
            others: HashMap::new(),
            entries_received: 0,
            snapshots_received: 0,
            summaries: HashMap::new(),
            client: SyncClient::new(principal.device, Seq(0), Vec::new()),
            outbox: BTreeMap::new(),
            socket: None,
            refusals: Vec::new(),
            acknowledged: 0,
            forbidden: 0,
            purged: Vec::new(),
            set_aside: Vec::new(),
            granted: Vec::new(),
            next_key: 1,
        }
    }

    /// Sets `field` to `value` as one change, into the outbox (and out, when connected).
    pub(crate) async fn edit(
        &mut self,
        field: &str,
        value: impl Into<automerge::ScalarValue>,
    ) -> TestResult {
        self.document.put(ROOT, field, value)?;
        self.document.commit();
        let bytes = self
            .document
            .get_last_local_change()
            .ok_or("no local change")?
            .raw_bytes()
            .to_vec();
        self.queue(Change {
            document: DOCUMENT,
            bytes,
        })
        .await
    }

    /// Puts a change in the outbox as if made locally.
    pub(crate) async fn queue(&mut self, change: Change) -> TestResult {
        let key = self.next_key;
        self.next_key += 1;
        self.outbox.insert(key, change.clone());
        let effects = self
            .client
            .handle(ClientEvent::OutboxAdded(vec![OutboxEntry { key, change }]));
        self.perform(effects).await
    }

    /// Connects with a fresh ticket and says hello.
    pub(crate) async fn connect(&mut self, relay: &Relay) -> TestResult {
        self.connect_with_ticket_from(relay, relay).await
    }

    /// Connects to `relay` with a ticket `issuer` (another instance, perhaps) issued.
    pub(crate) async fn connect_with_ticket_from(
        &mut self,
        issuer: &Relay,
        relay: &Relay,
    ) -> TestResult {
        let ticket = issuer.ticket(self.principal).await?;
        self.socket = Some(relay.socket().await?);
        let effects = self.client.handle(ClientEvent::Connected { ticket });
        self.perform(effects).await
    }

    /// Drops the connection (like a dead zone).
    pub(crate) fn disconnect(&mut self) {
        self.socket = None;
        let _effects = self.client.handle(ClientEvent::Disconnected);
    }

    /// Reads and handles messages until `done` holds.
    pub(crate) async fn until(&mut self, what: &str, done: impl Fn(&Device) -> bool) -> TestResult {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(self) {
            let socket = self.socket.as_mut().ok_or("not connected")?;
            let frame = tokio::time::timeout_at(deadline, socket.next())
                .await
                .map_err(|_| format!("timed out waiting for {what}"))?;
            match frame {
                Some(Ok(Message::Binary(bytes))) => {
                    let message = decode_server(&bytes)?;
                    let effects = self.client.handle(ClientEvent::Received(message));
                    self.perform(effects).await?;
                }
                Some(Ok(Message::Close(_))) | None => {
                    self.disconnect();
                    return Err(format!("closed while waiting for {what}").into());
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
            }
        }
        Ok(())
    }

    async fn perform(&mut self, effects: Vec<ClientEffect>) -> TestResult {
        for effect in effects {
            match effect {
                ClientEffect::Send(message) => self.send(&message).await?,
                ClientEffect::Forbidden { keys, .. } => {
                    self.forbidden += keys.len();
                    for key in keys {
                        if let Some(change) = self.outbox.remove(&key) {
                            self.set_aside.push(change);
                        }
                    }
                }
                ClientEffect::ListHoldings => {
                    let held = self.others.keys().copied().collect();
                    let effects = self.client.handle(ClientEvent::Holdings(held));
                    Box::pin(self.perform(effects)).await?;
                }
                ClientEffect::Purge { documents, keys } => {
                    for document in &documents {
                        self.others.remove(document);
                    }
                    for key in keys {
                        if let Some(change) = self.outbox.remove(&key) {
                            self.set_aside.push(change);
                        }
                    }
                    self.purged.extend(documents.iter().copied());
                    let effects = self.client.handle(ClientEvent::Purged(documents));
                    Box::pin(self.perform(effects)).await?;
                }
                ClientEffect::StoreGranted(snapshots) => {
                    for snapshot in snapshots {
                        self.granted.push(snapshot.document);
                        let mut loaded = AutoCommit::load(&snapshot.bytes)?;
                        self.replica(snapshot.document).merge(&mut loaded)?;
                    }
                }
                ClientEffect::Acknowledged(keys) => {
                    self.acknowledged += keys.len();
                    for key in keys {
                        self.outbox.remove(&key);
                    }
                }
                ClientEffect::Store { entries, .. } => {
                    self.entries_received += entries.len();
                    for entry in entries {
                        let change = automerge::Change::try_from(entry.change.bytes.as_slice())?;
                        self.replica(entry.change.document)
                            .apply_changes([change])?;
                    }
                }
                ClientEffect::StoreSnapshots(snapshots) => {
                    self.snapshots_received += snapshots.len();
                    for snapshot in snapshots {
                        self.summaries.insert(snapshot.document, snapshot.summary);
                        let mut loaded = AutoCommit::load(&snapshot.bytes)?;
                        self.replica(snapshot.document).merge(&mut loaded)?;
                    }
                }
                ClientEffect::Refused(code) => self.refusals.push(code),
            }
        }
        Ok(())
    }

    /// The replica of `document`, created empty on first use.
    pub(crate) fn replica(&mut self, document: DocumentId) -> &mut AutoCommit {
        if document == DOCUMENT {
            &mut self.document
        } else {
            self.others.entry(document).or_default()
        }
    }

    /// Sends one message (nothing when offline).
    pub(crate) async fn send(&mut self, message: &ClientMessage) -> TestResult {
        if let Some(socket) = self.socket.as_mut() {
            socket
                .send(Message::Binary(encode_client(message)?.into()))
                .await?;
        }
        Ok(())
    }
}

/// Sends one protocol message on a raw socket.
pub(crate) async fn send(socket: &mut Socket, message: &ClientMessage) -> TestResult {
    socket
        .send(Message::Binary(encode_client(message)?.into()))
        .await?;
    Ok(())
}

/// The next protocol message on a raw socket, or `None` once it closed.
pub(crate) async fn next_message(socket: &mut Socket) -> TestResult<Option<ServerMessage>> {
    loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .map_err(|_| "timed out waiting for a message")?;
        match frame {
            // The digest of the person's reach follows every welcome; raw sockets that do not
            // compare holdings pass over it.
            Some(Ok(Message::Binary(bytes))) => match decode_server(&bytes)? {
                ServerMessage::Reach { .. } => {}
                message => return Ok(Some(message)),
            },
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(None),
            Some(Ok(_)) => {}
        }
    }
}

/// Reads until the server closes the socket; the error codes it sent on the way.
pub(crate) async fn refusals_until_closed(socket: &mut Socket) -> TestResult<Vec<ErrorCode>> {
    let mut codes = Vec::new();
    while let Some(message) = next_message(socket).await? {
        if let ServerMessage::Error { code, .. } = message {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// Limits small enough for tests to reach them quickly.
/// The same person as the shared code names them.
pub(crate) fn shared_user(user: UserId) -> shared::ids::UserId {
    shared::ids::UserId::from_bytes(*user.0.as_bytes())
}

/// The scope of a reader who may read every record (an admin).
pub(crate) fn everything() -> std::sync::Arc<server::access::Scope> {
    std::sync::Arc::new(server::access::Scope::Everything)
}

pub(crate) fn tight_limits() -> Limits {
    Limits {
        handshake_timeout: Duration::from_millis(300),
        ..Limits::default()
    }
}

/// One HTTP/1.1 request over a fresh raw connection (closed after the answer): the status,
/// headers (lower-cased names) and body.
pub(crate) async fn http_get(
    address: SocketAddr,
    path: &str,
) -> TestResult<(u16, Vec<(String, String)>, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(address).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    let mut raw = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut raw))
        .await
        .map_err(|_| format!("timed out waiting for {path}"))??;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .ok_or("no status line")?
        .parse()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Ok((status, headers, body.to_owned()))
}

/// The value of the header `name` (lower-case) among `headers`.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header == name)
        .map(|(_, value)| value.as_str())
}
