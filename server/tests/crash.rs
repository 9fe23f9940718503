//! Crash durability: the real server binary is killed with SIGKILL while a device keeps pushing
//! to it, and restarted on the database exactly as the kill left it (its WAL unrecovered: the
//! test never opens the database between a kill and the restart). Every push error is counted;
//! every change the server acknowledged must be in the log the restarted server serves.
//!
//! The same load runs against two instances on one PostgreSQL database: instances are killed in
//! turn and PostgreSQL itself is crashed (SIGKILL, recovered from its WAL at restart), while the
//! device moves to whichever instance answers.
//!
//! `CARNET_CRASH_ITERATIONS` sets the number of kills (50 by default; 1,000 for a soak by hand;
//! a fifth of them on PostgreSQL).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use shared::protocol::change::inspect_change;
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{BatchId, Change, ClientMessage, DocumentId, Hello, Seq, ServerMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

#[path = "support/binary.rs"]
mod binary;

use binary::{sign_in, start_demo_server_on, start_server, ticket, SignedIn};

type TestResult<T = ()> = binary::BinaryResult<T>;
type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long the device may go without an acknowledgement before the test fails (a restart
/// takes well under a second; this only bounds a hang).
const PROGRESS_LIMIT: Duration = Duration::from_secs(60);
/// Batches the device keeps in flight, so that kills land between commit and ack too.
const IN_FLIGHT: usize = 4;
/// Changes per batch.
const BATCH_CHANGES: usize = 5;

/// What the pushing device saw.
#[derive(Debug, Default)]
struct Tally {
    /// Hashes of every change in an acknowledged batch.
    acknowledged: HashSet<[u8; 32]>,
    /// Changes sent.
    sent: u64,
    /// Sessions that ended by a socket error or close while pushing (the kills).
    broken_sessions: u64,
    /// Failed attempts to get a ticket or open the socket (the server was down).
    failed_connections: u64,
    /// Error messages the relay answered a push with.
    refused: u64,
    /// Batches sent and never acknowledged (in flight at a kill).
    unacknowledged_batches: u64,
}

impl Tally {
    fn push_errors(&self) -> u64 {
        self.broken_sessions + self.failed_connections + self.refused
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_change_survives_sigkill_under_load() -> TestResult {
    let kills: u64 = std::env::var("CARNET_CRASH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let data = tempfile::tempdir()?;
    let mut server = start_server(data.path(), 0).await?;
    let address = server.1;
    let device = Arc::new(sign_in(address, "remi@demo.carnet.test").await?);

    let acks = Arc::new(AtomicU64::new(0));
    let stop = CancellationToken::new();
    let pusher = tokio::spawn(push_until_stopped(
        address,
        device.clone(),
        acks.clone(),
        stop.clone(),
    ));

    let mut seed: u64 = 0x5eed_cafe;
    for kill in 0..kills {
        // Kill only under load: once the device has been acknowledged since the last restart,
        // after a random moment (mid-commit, mid-ack, anywhere).
        wait_for_progress(&acks, kill).await?;
        tokio::time::sleep(Duration::from_millis(next(&mut seed) % 120)).await;
        server.0.kill().await?;
        // Restarted on the files as they are: nothing opens the database in between.
        server = start_server(data.path(), address.port()).await?;
    }
    wait_for_progress(&acks, kills).await?;
    stop.cancel();
    let tally = pusher.await??;

    let logged = logged_hashes(address, &device).await?;
    let lost = tally.acknowledged.difference(&logged).count();
    server.0.kill().await?;
    check_integrity(data.path())?;
    eprintln!(
        "{kills} kills under load: {} changes sent, {} acknowledged, {lost} of them lost; {} push \
         errors ({} broken sessions, {} failed connections, {} refusals), {} batches \
         unacknowledged",
        tally.sent,
        tally.acknowledged.len(),
        tally.push_errors(),
        tally.broken_sessions,
        tally.failed_connections,
        tally.refused,
        tally.unacknowledged_batches,
    );
    assert_eq!(
        lost, 0,
        "{lost} acknowledged changes are missing from the log"
    );
    assert!(
        tally.broken_sessions >= kills,
        "only {} sessions broke for {kills} kills: the kills did not land under load",
        tally.broken_sessions
    );
    assert_eq!(
        tally.refused, 0,
        "the relay refused pushes of valid changes"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_change_survives_killed_instances_and_postgres_crashes() -> TestResult {
    let kills: u64 = std::env::var("CARNET_CRASH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse::<u64>().ok())
        .map_or(12, |kills| (kills / 5).max(4));
    // A cluster of this test's own: it is crashed.
    let mut cluster = tests::PostgresCluster::start()?;
    let url = cluster.create_database().await?;
    let data = [tempfile::tempdir()?, tempfile::tempdir()?];
    let limit = Duration::from_secs(60);
    // The first instance seeds the demo; the second finds it there.
    let first = start_demo_server_on(data[0].path(), 0, None, limit, Some(&url)).await?;
    let second = start_demo_server_on(data[1].path(), 0, None, limit, Some(&url)).await?;
    let addresses = [first.1, second.1];
    let mut instances = [first.0, second.0];
    let device = Arc::new(sign_in(addresses[0], "remi@demo.carnet.test").await?);

    let acks = Arc::new(AtomicU64::new(0));
    let stop = CancellationToken::new();
    let pusher = tokio::spawn(push_to_any_until_stopped(
        addresses,
        device.clone(),
        acks.clone(),
        stop.clone(),
    ));
    let mut seed: u64 = 0x0dd_ba11;
    let mut database_crashes = 0;
    for kill in 0..kills {
        wait_for_progress(&acks, kill).await?;
        tokio::time::sleep(Duration::from_millis(next(&mut seed) % 120)).await;
        if kill % 4 == 3 {
            // PostgreSQL dies under load and comes back; the instances stay up and reconnect.
            cluster.crash()?;
            cluster.resume()?;
            database_crashes += 1;
        } else {
            let victim = usize::from(kill % 2 == 1);
            instances[victim].kill().await?;
            let restarted = start_demo_server_on(
                data[victim].path(),
                addresses[victim].port(),
                None,
                limit,
                Some(&url),
            )
            .await?;
            instances[victim] = restarted.0;
        }
    }
    wait_for_progress(&acks, kills).await?;
    stop.cancel();
    let tally = pusher.await??;

    // Read back through each instance: both serve every acknowledged change.
    for address in addresses {
        let logged = logged_hashes(address, &device).await?;
        let lost = tally.acknowledged.difference(&logged).count();
        assert_eq!(
            lost, 0,
            "{lost} acknowledged changes are missing from the log read through {address}"
        );
    }
    for instance in &mut instances {
        instance.kill().await?;
    }
    eprintln!(
        "{kills} kills under load ({database_crashes} of PostgreSQL): {} changes sent, {} \
         acknowledged, none lost; {} push errors ({} broken sessions, {} failed connections, {} \
         refusals), {} batches unacknowledged",
        tally.sent,
        tally.acknowledged.len(),
        tally.push_errors(),
        tally.broken_sessions,
        tally.failed_connections,
        tally.refused,
        tally.unacknowledged_batches,
    );
    assert!(
        tally.broken_sessions + tally.refused >= kills - database_crashes,
        "the kills did not land under load"
    );
    Ok(())
}

/// Pushes as [`push_until_stopped`] does, to whichever instance answers: after a failure the
/// device tries the other one.
async fn push_to_any_until_stopped(
    addresses: [SocketAddr; 2],
    device: Arc<SignedIn>,
    acks: Arc<AtomicU64>,
    stop: CancellationToken,
) -> TestResult<Tally> {
    let mut tally = Tally::default();
    let mut session = 0_u64;
    let mut current = 0;
    while !stop.is_cancelled() {
        session += 1;
        let socket = match connect(addresses[current], &device).await {
            Ok(socket) => socket,
            Err(_) => {
                tally.failed_connections += 1;
                current = 1 - current;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        push_session(socket, session, &mut tally, &acks, &stop).await?;
        current = 1 - current;
    }
    Ok(tally)
}

/// Waits until the device is acknowledged again (the acks counter moves past what it was when
/// called), so that the next kill lands on a live, pushing session; `kill` names the restart.
async fn wait_for_progress(acks: &AtomicU64, kill: u64) -> TestResult {
    let before = acks.load(Ordering::SeqCst);
    tokio::time::timeout(PROGRESS_LIMIT, async {
        while acks.load(Ordering::SeqCst) <= before {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .map_err(|_| format!("no acknowledgement after restart {kill}").into())
}

/// Pushes fresh changes until `stop`, reconnecting after every failure (each one counted).
async fn push_until_stopped(
    address: SocketAddr,
    device: Arc<SignedIn>,
    acks: Arc<AtomicU64>,
    stop: CancellationToken,
) -> TestResult<Tally> {
    let mut tally = Tally::default();
    let mut session = 0_u64;
    while !stop.is_cancelled() {
        session += 1;
        let socket = match connect(address, &device).await {
            Ok(socket) => socket,
            Err(_) => {
                tally.failed_connections += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        push_session(socket, session, &mut tally, &acks, &stop).await?;
    }
    Ok(tally)
}

/// A fresh ticket and an open, greeted socket.
async fn connect(address: SocketAddr, device: &SignedIn) -> TestResult<Socket> {
    let ticket = ticket(address, device).await?;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync")).await?;
    let hello = ClientMessage::Hello(Hello {
        ticket,
        device: device.device,
        cursor: Seq(0),
    });
    socket
        .send(Message::Binary(encode_client(&hello)?.into()))
        .await?;
    Ok(socket)
}

/// Keeps [`IN_FLIGHT`] batches of one new document's changes in flight on `socket` until it
/// breaks or `stop`; records every acknowledged change.
async fn push_session(
    mut socket: Socket,
    session: u64,
    tally: &mut Tally,
    acks: &AtomicU64,
    stop: &CancellationToken,
) -> TestResult {
    let mut document = AutoCommit::new();
    let id = DocumentId(uuid::Uuid::new_v4());
    let mut in_flight: Vec<(BatchId, Vec<[u8; 32]>)> = Vec::new();
    let mut batch = 0_u64;
    loop {
        while in_flight.len() < IN_FLIGHT {
            batch += 1;
            let mut changes = Vec::with_capacity(BATCH_CHANGES);
            let mut hashes = Vec::with_capacity(BATCH_CHANGES);
            for field in 0..BATCH_CHANGES {
                document.put(ROOT, format!("f{field}"), format!("{session}-{batch}"))?;
                document.commit();
                let change = document.get_last_local_change().ok_or("no change")?;
                hashes.push(change.hash().0);
                changes.push(Change {
                    document: id,
                    bytes: change.raw_bytes().to_vec(),
                });
            }
            let push = ClientMessage::Push {
                batch: BatchId(batch),
                changes,
            };
            if socket
                .send(Message::Binary(encode_client(&push)?.into()))
                .await
                .is_err()
            {
                tally.broken_sessions += 1;
                tally.unacknowledged_batches += in_flight.len() as u64;
                return Ok(());
            }
            tally.sent += BATCH_CHANGES as u64;
            in_flight.push((BatchId(batch), hashes));
        }
        let frame = tokio::select! {
            () = stop.cancelled() => {
                tally.unacknowledged_batches += in_flight.len() as u64;
                return Ok(());
            }
            frame = socket.next() => frame,
        };
        match frame {
            Some(Ok(Message::Binary(bytes))) => match decode_server(&bytes)? {
                ServerMessage::Ack { batch: acked, .. } => {
                    if let Some(position) = in_flight.iter().position(|(id, _)| *id == acked) {
                        let (_, hashes) = in_flight.remove(position);
                        tally.acknowledged.extend(hashes);
                        acks.fetch_add(1, Ordering::SeqCst);
                    }
                }
                // As the app does: nothing of the batch was stored, so it drops the socket and
                // pushes again on a new one (after a database failure, `server_busy`).
                ServerMessage::Error { .. } => {
                    tally.refused += 1;
                    tally.unacknowledged_batches += in_flight.len() as u64;
                    return Ok(());
                }
                _ => {}
            },
            Some(Ok(_)) => {}
            Some(Err(_)) | None => {
                tally.broken_sessions += 1;
                tally.unacknowledged_batches += in_flight.len() as u64;
                return Ok(());
            }
        }
    }
}

/// The hash of every change in the workspace's log, read through the restarted server itself
/// (pages of `CatchUp` from the start).
async fn logged_hashes(address: SocketAddr, device: &SignedIn) -> TestResult<HashSet<[u8; 32]>> {
    let mut socket = connect(address, device).await?;
    let mut hashes = HashSet::new();
    let mut after = Seq(0);
    let mut asked = false;
    loop {
        let frame = tokio::time::timeout(PROGRESS_LIMIT, socket.next())
            .await?
            .ok_or("the server closed the socket")??;
        let Message::Binary(bytes) = frame else {
            continue;
        };
        match decode_server(&bytes)? {
            ServerMessage::Welcome { .. } if !asked => {
                asked = true;
                send_catch_up(&mut socket, after).await?;
            }
            ServerMessage::Entries { entries, more } => {
                for entry in &entries {
                    hashes.insert(inspect_change(&entry.change.bytes)?.hash);
                    after = after.max(entry.seq);
                }
                if !more {
                    return Ok(hashes);
                }
                send_catch_up(&mut socket, after).await?;
            }
            // This reader lists no holdings: the digest of its person's reach is passed over.
            ServerMessage::Reach { .. } => {}
            ServerMessage::Passed { through, more } => {
                after = after.max(through);
                if !more {
                    return Ok(hashes);
                }
                send_catch_up(&mut socket, after).await?;
            }
            other => return Err(format!("unexpected message {other:?}").into()),
        }
    }
}

async fn send_catch_up(socket: &mut Socket, after: Seq) -> TestResult {
    let catch_up = ClientMessage::CatchUp { after };
    socket
        .send(Message::Binary(encode_client(&catch_up)?.into()))
        .await?;
    Ok(())
}

/// Opens the database once everything is over (never between a kill and a restart).
fn check_integrity(data: &Path) -> TestResult {
    let connection = rusqlite::Connection::open(data.join("carnet.sqlite3"))?;
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    assert_eq!(integrity, "ok");
    Ok(())
}

/// A tiny deterministic generator (xorshift) for kill timings.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
