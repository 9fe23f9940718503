//! The attack script (run with `cargo xtask bench` or `cargo bench -p server --bench attack`).
//!
//! It starts the optimised `carnet-server` binary (`CARNET_SERVER_BIN`, else
//! `target/server-release/carnet-server`, built if missing) with `--demo` on 127.0.0.1 in a
//! temporary data directory, signs a demo device in, then replays, each bounded in count and time:
//! 1. `invitations`: concurrent invitation accepts with wrong codes (anonymous);
//! 2. `sign-ins`: concurrent sign-ins with a random address each (anonymous);
//! 3. `bomb`: a signed-in device pushes one compressed Automerge change chunk (type 2) whose
//!    DEFLATE body inflates to about 1 GiB, over the real sync socket.
//!
//! During each it samples the server's resident memory (`/proc/<pid>/status`) and the latency of
//! another signed-in device asking for sync tickets, then prints one table row per attack: the
//! answers by status, the peak RSS growth, and the ticket latency p50 and max. The server is ended
//! on every path out (its handle kills it when dropped); nothing leaves 127.0.0.1.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use shared::protocol::codec::{decode_server, encode_client, MAX_MESSAGE_BYTES};
use shared::protocol::{BatchId, Change, ClientMessage, DocumentId, Hello, Seq, ServerMessage};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

#[path = "../tests/support/binary.rs"]
#[allow(dead_code)]
mod binary;

use binary::{post, sign_in, ticket, BinaryResult, SignedIn};

/// Concurrent wrong-code invitation accepts.
const INVITATION_FLOOD: usize = 900;
/// Concurrent random-address sign-ins.
const SIGN_IN_FLOOD: usize = 900;
/// What the bomb inflates to, at most (it is cut to fit one protocol message).
const BOMB_TARGET_BYTES: usize = 1 << 30;
/// The longest any attack may run.
const ATTACK_LIMIT: Duration = Duration::from_secs(120);
/// How often memory is sampled.
const RSS_PERIOD: Duration = Duration::from_millis(10);
/// How often the bystander device asks for a ticket.
const TICKET_PERIOD: Duration = Duration::from_millis(50);
/// How long the server may take to start.
const START_LIMIT: Duration = Duration::from_secs(60);

/// The Automerge chunk magic bytes.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a compressed change.
const COMPRESSED_CHANGE: u8 = 2;
/// The WebSocket frames the bomb is sent in (the relay takes frames of at most 256 KiB).
const FRAGMENT_BYTES: usize = 128 * 1024;

fn main() -> BinaryResult {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: only run for real.
    if !std::env::args().any(|argument| argument == "--bench") {
        return Ok(());
    }
    let binary = server_binary()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let data = tempfile::tempdir()?;
        let mut server = Server::start(&binary, data.path()).await?;
        let outcome = attack(&server).await;
        server.stop().await;
        let rows = outcome?;
        print_table(&rows);
        Ok(())
    })
}

/// One attack's figures.
struct Row {
    attack: &'static str,
    answers: BTreeMap<String, usize>,
    rss_before_kib: u64,
    rss_peak_kib: u64,
    tickets: Vec<Duration>,
    ticket_failures: u64,
    elapsed: Duration,
}

async fn attack(server: &Server) -> BinaryResult<Vec<Row>> {
    let address = server.address;
    let bystander = sign_in(address, "manon@demo.carnet.test").await?;
    let pusher = sign_in(address, "remi@demo.carnet.test").await?;
    let bomb = bomb()?;
    println!(
        "bomb: a {} KiB compressed change that inflates to {} MiB",
        bomb.compressed_bytes / 1024,
        bomb.inflated_bytes >> 20
    );
    let mut rows = Vec::new();
    rows.push(
        measure(server, &bystander, "invitations", || {
            invitation_flood(address)
        })
        .await
        .map_err(|error| format!("the invitation flood failed: {error}"))?,
    );
    rows.push(
        measure(server, &bystander, "sign-ins", || sign_in_flood(address))
            .await
            .map_err(|error| format!("the sign-in flood failed: {error}"))?,
    );
    rows.push(
        measure(server, &bystander, "bomb", || {
            push_bomb(address, &pusher, bomb.change)
        })
        .await
        .map_err(|error| format!("the bomb failed: {error}"))?,
    );
    Ok(rows)
}

/// Runs `attack` while sampling the server's memory and the bystander's ticket latency.
async fn measure<F, Fut>(
    server: &Server,
    bystander: &SignedIn,
    name: &'static str,
    attack: F,
) -> BinaryResult<Row>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = BinaryResult<BTreeMap<String, usize>>>,
{
    let pid = server.pid;
    let rss_before_kib = status_kib(pid, "VmRSS:")?;
    let running = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(AtomicU64::new(rss_before_kib));
    let sampler = {
        let (running, peak) = (Arc::clone(&running), Arc::clone(&peak));
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                if let Ok(rss) = status_kib(pid, "VmRSS:") {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(RSS_PERIOD).await;
            }
        })
    };
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let failures = Arc::new(AtomicU64::new(0));
    let prober = {
        let (running, latencies, failures) = (
            Arc::clone(&running),
            Arc::clone(&latencies),
            Arc::clone(&failures),
        );
        let address = server.address;
        let bystander = SignedIn {
            access: bystander.access.clone(),
            device: bystander.device,
        };
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                let started = Instant::now();
                let answer =
                    tokio::time::timeout(Duration::from_secs(10), ticket(address, &bystander))
                        .await;
                match answer {
                    Ok(Ok(_ticket)) => lock(&latencies).push(started.elapsed()),
                    _ => {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                tokio::time::sleep(TICKET_PERIOD).await;
            }
        })
    };
    let started = Instant::now();
    let answers = tokio::time::timeout(ATTACK_LIMIT, attack()).await;
    let elapsed = started.elapsed();
    // Let the probes see the aftermath a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.store(false, Ordering::Relaxed);
    let _sampled = sampler.await;
    let _probed = prober.await;
    let answers = match answers {
        Ok(answers) => answers?,
        Err(_) => BTreeMap::from([("timed out".to_owned(), 1)]),
    };
    let tickets = std::mem::take(&mut *lock(&latencies));
    Ok(Row {
        attack: name,
        answers,
        rss_before_kib,
        rss_peak_kib: peak.load(Ordering::Relaxed).max(status_kib(pid, "VmRSS:")?),
        tickets,
        ticket_failures: failures.load(Ordering::Relaxed),
        elapsed,
    })
}

/// Wrong-code invitation accepts, all at once.
async fn invitation_flood(address: SocketAddr) -> BinaryResult<BTreeMap<String, usize>> {
    let requests = (0..INVITATION_FLOOD).map(|index| async move {
        let body = serde_json::json!({
            "code": format!("{index:064x}"),
            "name": "Pirate",
            "password": "a-strong-password",
            "device_name": "Script",
        });
        post(address, "/api/invitations/accept", None, &body).await
    });
    Ok(tally(futures_util::future::join_all(requests).await))
}

/// Sign-ins with a random address each, all at once.
async fn sign_in_flood(address: SocketAddr) -> BinaryResult<BTreeMap<String, usize>> {
    let requests = (0..SIGN_IN_FLOOD).map(|_| async move {
        let body = serde_json::json!({
            "email": format!("{}@example.test", uuid::Uuid::new_v4()),
            "password": "a-strong-password",
            "device_name": "Script",
        });
        post(address, "/api/auth/login", None, &body).await
    });
    Ok(tally(futures_util::future::join_all(requests).await))
}

/// Answers counted by status (`error` for a request that got none).
fn tally(answers: Vec<BinaryResult<(u16, serde_json::Value)>>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for answer in answers {
        let key = match answer {
            Ok((status, _)) => status.to_string(),
            Err(_) => "error".to_owned(),
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// A compressed change chunk and what it inflates to.
struct Bomb {
    change: &'static [u8],
    compressed_bytes: usize,
    inflated_bytes: usize,
}

/// Builds the bomb: zeros deflated at the best ratio, fed in slices (never held inflated), as
/// many as fit in one protocol message.
fn bomb() -> BinaryResult<Bomb> {
    // The push around the chunk (version, ids, lengths) takes well under 1 KiB.
    let budget = MAX_MESSAGE_BYTES - 1024;
    let slice = vec![0_u8; 1 << 20];
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut inflated = 0;
    while inflated < BOMB_TARGET_BYTES {
        encoder.write_all(&slice)?;
        encoder.flush()?;
        if encoder.get_ref().len() > budget - 32 * 1024 {
            break;
        }
        inflated += slice.len();
    }
    let body = encoder.finish()?;
    let mut chunk = Vec::with_capacity(body.len() + 16);
    chunk.extend_from_slice(&MAGIC);
    // The checksum is never reached: the chunk is inflated before it is checked.
    chunk.extend_from_slice(&[0; 4]);
    chunk.push(COMPRESSED_CHANGE);
    let mut length = body.len();
    loop {
        let byte = u8::try_from(length & 0x7f)?;
        length >>= 7;
        if length == 0 {
            chunk.push(byte);
            break;
        }
        chunk.push(byte | 0x80);
    }
    chunk.extend_from_slice(&body);
    Ok(Bomb {
        compressed_bytes: chunk.len(),
        inflated_bytes: inflated,
        change: chunk.leak(),
    })
}

/// Pushes the bomb from a signed-in device and waits for the relay's answer.
async fn push_bomb(
    address: SocketAddr,
    device: &SignedIn,
    bomb: &[u8],
) -> BinaryResult<BTreeMap<String, usize>> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync")).await?;
    let hello = ClientMessage::Hello(Hello {
        ticket: ticket(address, device).await?,
        device: device.device,
        cursor: Seq(0),
    });
    socket
        .send(Message::Binary(encode_client(&hello)?.into()))
        .await?;
    let push = ClientMessage::Push {
        batch: BatchId(1),
        changes: vec![Change {
            document: DocumentId(uuid::Uuid::new_v4()),
            bytes: bomb.to_vec(),
        }],
    };
    let mut pushed = false;
    loop {
        let frame = tokio::time::timeout(ATTACK_LIMIT, socket.next()).await;
        let message = match frame {
            Ok(Some(Ok(Message::Binary(bytes)))) => decode_server(&bytes)?,
            Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => {
                return Ok(BTreeMap::from([("closed".to_owned(), 1)]))
            }
            Ok(Some(Ok(_))) => continue,
            Err(_) => return Ok(BTreeMap::from([("no answer".to_owned(), 1)])),
        };
        match message {
            ServerMessage::Welcome { .. } if !pushed => {
                let bytes = encode_client(&push)?;
                let fragments: Vec<&[u8]> = bytes.chunks(FRAGMENT_BYTES).collect();
                for (index, fragment) in fragments.iter().enumerate() {
                    let opcode = if index == 0 {
                        OpCode::Data(Data::Binary)
                    } else {
                        OpCode::Data(Data::Continue)
                    };
                    let last = index + 1 == fragments.len();
                    socket
                        .send(Message::Frame(Frame::message(
                            fragment.to_vec(),
                            opcode,
                            last,
                        )))
                        .await?;
                }
                pushed = true;
            }
            ServerMessage::Ack { .. } => return Ok(BTreeMap::from([("ack".to_owned(), 1)])),
            ServerMessage::Error { code, .. } => {
                return Ok(BTreeMap::from([(format!("{code:?}"), 1)]))
            }
            _ => {}
        }
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<12} {:<34} {:>12} {:>12} {:>10} {:>10} {:>8}",
        "attack", "answers", "RSS growth", "RSS peak", "ticket p50", "ticket max", "took"
    );
    for row in rows {
        let answers = row
            .answers
            .iter()
            .map(|(status, count)| format!("{status}×{count}"))
            .collect::<Vec<_>>()
            .join(" ");
        let mut tickets = row.tickets.clone();
        tickets.sort();
        let p50 = tickets.get(tickets.len() / 2).copied();
        let max = tickets.last().copied();
        let millis = |latency: Option<Duration>| {
            latency.map_or("-".to_owned(), |latency| {
                format!("{:.1} ms", latency.as_secs_f64() * 1e3)
            })
        };
        let failed = if row.ticket_failures > 0 {
            format!(" ({} ticket requests failed)", row.ticket_failures)
        } else {
            String::new()
        };
        println!(
            "{:<12} {:<34} {:>9} MiB {:>8} MiB {:>10} {:>10} {:>6.1} s{failed}",
            row.attack,
            answers,
            row.rss_peak_kib.saturating_sub(row.rss_before_kib) / 1024,
            row.rss_peak_kib / 1024,
            millis(p50),
            millis(max),
            row.elapsed.as_secs_f64(),
        );
    }
}

/// The server under attack: ended when dropped, whatever happened.
struct Server {
    child: Child,
    pid: u32,
    address: SocketAddr,
}

impl Server {
    async fn start(binary: &Path, data: &Path) -> BinaryResult<Self> {
        let dist = data.join("dist");
        std::fs::create_dir_all(&dist)?;
        let mut child = Command::new(binary)
            .args(["--demo", "--bind", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(data)
            .arg("--dist-dir")
            .arg(&dist)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().ok_or("the server exited at once")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let address = tokio::time::timeout(START_LIMIT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.strip_prefix("Carnet is running at http://") {
                    let address: SocketAddr = rest.trim_end_matches('/').parse()?;
                    return Ok::<_, Box<dyn std::error::Error + Send + Sync>>(address);
                }
            }
            Err("the server exited before listening".into())
        })
        .await
        .map_err(|_| "the server did not start")??;
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_line)) = lines.next_line().await {} });
        Ok(Self {
            child,
            pid,
            address,
        })
    }

    /// Ends the server and waits for it.
    async fn stop(&mut self) {
        if let Err(error) = self.child.kill().await {
            eprintln!("could not end the server: {error}");
        }
    }
}

/// The optimised server binary: `CARNET_SERVER_BIN`, else the workspace's `server-release`
/// build, made now if it is missing.
fn server_binary() -> BinaryResult<PathBuf> {
    if let Some(path) = std::env::var_os("CARNET_SERVER_BIN") {
        return Ok(PathBuf::from(path));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace folder")?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from);
    let binary = target.join("server-release/carnet-server");
    if !binary.exists() {
        println!("building the optimised server (cargo build --profile server-release -p server)");
        let status = std::process::Command::new(
            std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
        )
        .args([
            "build",
            "--profile",
            "server-release",
            "-p",
            "server",
            "--bin",
            "carnet-server",
        ])
        .current_dir(workspace)
        .status()?;
        if !status.success() || !binary.exists() {
            return Err(format!(
                "no server binary at {}: run `cargo build --profile server-release -p server --bin carnet-server` or set CARNET_SERVER_BIN",
                binary.display()
            )
            .into());
        }
    }
    Ok(binary)
}

/// A `kB` field of `/proc/<pid>/status`.
fn status_kib(pid: u32, field: &str) -> BinaryResult<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|line| line.starts_with(field))
        .ok_or("no such field")?;
    Ok(line.split_whitespace().nth(1).ok_or("no value")?.parse()?)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
