//! The relay benchmark (run with `cargo xtask bench` or `cargo bench -p server --bench relay`).
//!
//! It runs the real `carnet-server` binary (release build) on loopback and measures:
//! 1. durable throughput: changes per second pushed by 4 devices, acknowledged only after the
//!    SQLite commit (WAL, `synchronous=FULL`), and fanned out to 50 subscribed devices, with the
//!    p50/p99 latency from a push leaving a device to the change reaching each subscriber;
//! 2. the same load through a plain in-process WebSocket broadcast loop that stores nothing (the
//!    ceiling any relay can reach on this machine), reported as a ratio;
//! 3. resident memory of the server holding 10,000 idle, authenticated sync connections;
//! 4. the same durable load on PostgreSQL (a throwaway local cluster, `synchronous_commit=on`):
//!    one relay instance, then two instances on the one database with the pushers and the
//!    subscribers spread over both (a change pushed to one reaches subscribers of the other
//!    through `NOTIFY` and a re-read of the log).
//!
//! Every loop is bounded in count and time, and nothing leaves 127.0.0.1.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use shared::protocol::change::inspect_change;
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{BatchId, Change, ClientMessage, DocumentId, Hello, Seq, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

#[path = "../tests/support/binary.rs"]
mod binary;

use binary::{sign_in, start_demo_server_on, start_server, ticket, SignedIn};

type BenchResult<T = ()> = binary::BinaryResult<T>;

const SUBSCRIBERS: usize = 50;
const PUSHERS: usize = 4;
const CHANGES_PER_BATCH: usize = 20;
const BATCHES_PER_PUSHER: usize = 250;
const IDLE_CONNECTIONS: usize = 10_000;

fn main() -> BenchResult {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: only run for real.
    if !std::env::args().any(|argument| argument == "--bench") {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let data = tempfile::tempdir()?;
        let (mut server, address) = start_server(data.path(), 0).await?;
        let token = sign_in(address, "remi@demo.carnet.test").await?;

        // `cargo bench -p server --bench relay -- idle` (or `fanout`, `postgres`) runs one part.
        let only = |part: &str| {
            let parts: Vec<String> = std::env::args()
                .filter(|argument| ["idle", "fanout", "postgres"].contains(&argument.as_str()))
                .collect();
            parts.is_empty() || parts.iter().any(|chosen| chosen == part)
        };
        if only("fanout") {
        let relay = fan_out(&[address], &token, Target::Relay).await?;
        println!(
            "relay      : {:>8.0} changes/s durable, fanned out to {SUBSCRIBERS} devices; latency p50 {:>7.2} ms, p99 {:>7.2} ms",
            relay.changes_per_second, relay.p50_ms, relay.p99_ms
        );
        let ceiling_address = broadcast_ceiling().await?;
        let ceiling = fan_out(&[ceiling_address], &token, Target::Ceiling).await?;
        println!(
            "ceiling    : {:>8.0} changes/s, no storage (a bare broadcast loop); latency p50 {:>7.2} ms, p99 {:>7.2} ms",
            ceiling.changes_per_second, ceiling.p50_ms, ceiling.p99_ms
        );
        println!(
            "ratio      : relay/ceiling throughput {:.2}",
            relay.changes_per_second / ceiling.changes_per_second
        );
        }
        if only("idle") {
        let (before, after) = idle_connections(address, &token, server.id().ok_or("no pid")?).await?;
        println!(
            "idle       : {IDLE_CONNECTIONS} authenticated connections: server RSS {:.1} MiB -> {:.1} MiB ({:.1} KiB per connection)",
            before / 1024.0,
            after / 1024.0,
            (after - before) / IDLE_CONNECTIONS as f64
        );
        }
        server.kill().await?;
        if only("postgres") {
            on_postgres().await?;
        }
        Ok(())
    })
}

/// The durable fan-out on PostgreSQL: one instance, then two instances on one database.
async fn on_postgres() -> BenchResult {
    let cluster = tests::PostgresCluster::start()?;
    let url = cluster.create_database().await?;
    let data = [tempfile::tempdir()?, tempfile::tempdir()?];
    let limit = Duration::from_secs(120);
    let (mut first, first_address) =
        start_demo_server_on(data[0].path(), 0, None, limit, Some(&url)).await?;
    let token = sign_in(first_address, "remi@demo.carnet.test").await?;
    let one = fan_out(&[first_address], &token, Target::Relay).await?;
    println!(
        "postgres 1 : {:>8.0} changes/s durable (one instance), fanned out to {SUBSCRIBERS} devices; latency p50 {:>7.2} ms, p99 {:>7.2} ms",
        one.changes_per_second, one.p50_ms, one.p99_ms
    );
    let (mut second, second_address) =
        start_demo_server_on(data[1].path(), 0, None, limit, Some(&url)).await?;
    let two = fan_out(&[first_address, second_address], &token, Target::Relay).await?;
    println!(
        "postgres 2 : {:>8.0} changes/s durable (two instances, devices spread over both); latency p50 {:>7.2} ms, p99 {:>7.2} ms",
        two.changes_per_second, two.p50_ms, two.p99_ms
    );
    first.kill().await?;
    second.kill().await?;
    drop(cluster);
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Relay,
    Ceiling,
}

struct FanOut {
    changes_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Pushes `PUSHERS × BATCHES_PER_PUSHER × CHANGES_PER_BATCH` changes while `SUBSCRIBERS` listen.
/// Subscribers and pushers are spread over `addresses` (instances of one relay) in turn.
async fn fan_out(
    addresses: &[SocketAddr],
    token: &SignedIn,
    target: Target,
) -> BenchResult<FanOut> {
    // Changes are made before the clock starts: the benchmark measures the relay, not automerge.
    let mut workloads = Vec::new();
    for _ in 0..PUSHERS {
        let document = DocumentId(uuid::Uuid::new_v4());
        let mut replica = AutoCommit::new();
        let mut batches = Vec::new();
        for batch in 0..BATCHES_PER_PUSHER {
            let mut changes = Vec::new();
            for field in 0..CHANGES_PER_BATCH {
                replica.put(ROOT, format!("field{field}"), format!("value {batch}"))?;
                replica.commit();
                let change = replica.get_last_local_change().ok_or("no change")?;
                changes.push((
                    change.hash().0,
                    Change {
                        document,
                        bytes: change.raw_bytes().to_vec(),
                    },
                ));
            }
            batches.push(changes);
        }
        workloads.push(batches);
    }
    let total = PUSHERS * BATCHES_PER_PUSHER * CHANGES_PER_BATCH;
    let sent_at: Arc<Mutex<HashMap<[u8; 32], Instant>>> = Arc::default();

    let mut subscribers = Vec::new();
    for address in addresses.iter().cycle().take(SUBSCRIBERS) {
        let mut socket = open(*address, token, target).await?;
        let sent_at = Arc::clone(&sent_at);
        subscribers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(total);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            while latencies.len() < total {
                let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, socket.next()).await
                else {
                    break;
                };
                let Message::Binary(bytes) = frame else {
                    continue;
                };
                if let Ok(ServerMessage::Entries { entries, more }) = decode_server(&bytes) {
                    let now = Instant::now();
                    // A subscriber that fell behind is moved to log pages, which it must ask for.
                    if let (true, Some(last)) = (more, entries.last()) {
                        let next_page = ClientMessage::CatchUp { after: last.seq };
                        let Ok(request) = encode_client(&next_page) else {
                            break;
                        };
                        if socket.send(Message::Binary(request.into())).await.is_err() {
                            break;
                        }
                    }
                    for entry in entries {
                        if let Ok(facts) = inspect_change(&entry.change.bytes) {
                            let sent = sent_at
                                .lock()
                                .ok()
                                .and_then(|map| map.get(&facts.hash).copied());
                            if let Some(sent) = sent {
                                latencies.push(now.duration_since(sent));
                            }
                        }
                    }
                }
            }
            latencies
        }));
    }

    let started = Instant::now();
    let mut pushers = Vec::new();
    for (batches, address) in workloads.into_iter().zip(addresses.iter().cycle()) {
        let mut socket = open(*address, token, target).await?;
        let sent_at = Arc::clone(&sent_at);
        pushers.push(tokio::spawn(async move {
            let mut in_flight = 0_usize;
            let mut acked = 0_usize;
            let count = batches.len();
            for (number, batch) in batches.into_iter().enumerate() {
                let (hashes, changes): (Vec<[u8; 32]>, Vec<Change>) = batch.into_iter().unzip();
                let message = ClientMessage::Push {
                    batch: BatchId(number as u64 + 1),
                    changes,
                };
                let Ok(bytes) = encode_client(&message) else {
                    return acked;
                };
                if let Ok(mut map) = sent_at.lock() {
                    let now = Instant::now();
                    for hash in hashes {
                        map.insert(hash, now);
                    }
                }
                if socket.send(Message::Binary(bytes.into())).await.is_err() {
                    return acked;
                }
                in_flight += 1;
                // A window of 8 batches in flight, like a device draining its outbox.
                while in_flight >= 8 || (number + 1 == count && in_flight > 0) {
                    match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
                        Ok(Some(Ok(Message::Binary(bytes)))) => {
                            if let Ok(ServerMessage::Ack { .. }) = decode_server(&bytes) {
                                in_flight -= 1;
                                acked += 1;
                            }
                        }
                        Ok(Some(Ok(_))) => {}
                        _ => return acked,
                    }
                }
            }
            acked
        }));
    }
    let mut acked = 0;
    for pusher in pushers {
        acked += pusher.await?;
    }
    let elapsed = started.elapsed();
    let mut latencies = Vec::new();
    for subscriber in subscribers {
        latencies.extend(subscriber.await?);
    }
    if target == Target::Relay && acked != PUSHERS * BATCHES_PER_PUSHER {
        return Err(format!("only {acked} batches were acknowledged").into());
    }
    latencies.sort_unstable();
    let percentile = |fraction: f64| {
        let index =
            ((latencies.len() as f64 * fraction) as usize).min(latencies.len().saturating_sub(1));
        latencies
            .get(index)
            .map_or(f64::NAN, |latency| latency.as_secs_f64() * 1000.0)
    };
    Ok(FanOut {
        changes_per_second: total as f64 / elapsed.as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
    })
}

/// Opens a sync socket: authenticated and live on the relay, plain on the ceiling.
async fn open(address: SocketAddr, token: &SignedIn, target: Target) -> BenchResult<Socket> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync")).await?;
    if target == Target::Relay {
        let ticket = ticket(address, token).await?;
        let hello = ClientMessage::Hello(Hello {
            ticket,
            device: token.device,
            cursor: Seq(0),
        });
        socket
            .send(Message::Binary(encode_client(&hello)?.into()))
            .await?;
        // Start live from the head: ask for the (empty) page after it, which ends catching up.
        let head = match next_message(&mut socket).await? {
            ServerMessage::Welcome { head } => head,
            other => return Err(format!("expected a welcome, got {other:?}").into()),
        };
        if head > Seq(0) {
            let catch_up = ClientMessage::CatchUp { after: head };
            socket
                .send(Message::Binary(encode_client(&catch_up)?.into()))
                .await?;
            let _last_page = next_message(&mut socket).await?;
        }
    }
    Ok(socket)
}

/// The next protocol message on `socket`.
async fn next_message(socket: &mut Socket) -> BenchResult<ServerMessage> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await? {
            Some(Ok(Message::Binary(bytes))) => match decode_server(&bytes)? {
                // The digest of the person's reach follows the welcome: not compared here.
                ServerMessage::Reach { .. } => {}
                message => return Ok(message),
            },
            Some(Ok(_)) => {}
            _ => return Err("the socket closed".into()),
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A bare WebSocket broadcast loop with no storage, no validation and no protocol state: every
/// binary frame from anyone is acknowledged and re-sent as entries to everyone else.
async fn broadcast_ceiling() -> BenchResult<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (sender, _) = tokio::sync::broadcast::channel::<Arc<Vec<u8>>>(4096);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                let (mut write, mut read) = socket.split();
                let mut receiver = sender.subscribe();
                loop {
                    tokio::select! {
                        frame = read.next() => {
                            let Some(Ok(Message::Binary(bytes))) = frame else { return };
                            let Ok((_, ClientMessage::Push { batch, changes })) = shared::protocol::codec::decode_client(&bytes) else { continue };
                            let entries = changes.into_iter().map(|change| shared::protocol::Entry { seq: Seq(0), change }).collect();
                            if let Ok(bytes) = shared::protocol::codec::encode_server(1, &ServerMessage::Entries { entries, more: false }) {
                                let _receivers = sender.send(Arc::new(bytes));
                            }
                            let ack = ServerMessage::Ack { batch, stored: 0, duplicates: 0 };
                            if let Ok(bytes) = shared::protocol::codec::encode_server(1, &ack) {
                                if write.send(Message::Binary(bytes.into())).await.is_err() { return; }
                            }
                        }
                        published = receiver.recv() => {
                            let Ok(bytes) = published else { continue };
                            if write.send(Message::Binary(bytes.to_vec().into())).await.is_err() { return; }
                        }
                    }
                }
            });
        }
    });
    Ok(address)
}

/// Opens `IDLE_CONNECTIONS` authenticated connections and reads the server's RSS before/after.
async fn idle_connections(
    address: SocketAddr,
    token: &SignedIn,
    pid: u32,
) -> BenchResult<(f64, f64)> {
    let before = rss_kib(pid)?;
    let mut sockets = Vec::with_capacity(IDLE_CONNECTIONS);
    let deadline = Instant::now() + Duration::from_secs(300);
    while sockets.len() < IDLE_CONNECTIONS && Instant::now() < deadline {
        sockets.push(open(address, token, Target::Relay).await?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid)?;
    drop(sockets);
    Ok((before, after))
}

fn rss_kib(pid: u32) -> BenchResult<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .ok_or("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).ok_or("bad VmRSS")?.parse()?)
}
