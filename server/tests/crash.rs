//! Crash durability: the real server binary, under continuous pushes, is killed with SIGKILL at
//! random moments and restarted. Every change it acknowledged must be in the log afterwards, and
//! the database must open cleanly every time.
//!
//! `CARNET_CRASH_ITERATIONS` sets the number of kills (50 by default; 1,000 for a soak).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{
    BatchId, Change, ClientMessage, DeviceId, DocumentId, Hello, Seq, ServerMessage,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const PATIENCE: Duration = Duration::from_secs(20);

#[tokio::test]
async fn every_acknowledged_change_survives_sigkill() -> TestResult {
    let iterations: u32 = std::env::var("CARNET_CRASH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let data = tempfile::tempdir()?;
    let mut server = start(data.path(), 0).await?;
    let address = server.1;
    let (access_token, device) = sign_in(address).await?;

    let mut acknowledged: HashSet<[u8; 32]> = HashSet::new();
    let mut seed: u64 = 0x5eed_cafe;
    let mut total_sent = 0_u64;
    for iteration in 0..iterations {
        // Push until a random moment, then kill: the kill may land mid-commit, mid-ack, anywhere.
        let kill_after = Duration::from_millis(20 + next(&mut seed) % 250);
        let pushing = push_until_killed(
            address,
            &access_token,
            device,
            &mut acknowledged,
            &mut total_sent,
            iteration,
        );
        let _outcome = tokio::time::timeout(kill_after, pushing).await;
        server.0.kill().await?;

        let stored = stored_hashes(data.path())?;
        let missing = acknowledged.difference(&stored).count();
        assert_eq!(
            missing, 0,
            "iteration {iteration}: {missing} acknowledged changes were lost"
        );
        server = start(data.path(), address.port()).await?;
    }
    let _stopped = server.0.kill().await;
    assert!(
        acknowledged.len() > usize::try_from(iterations).unwrap_or(usize::MAX),
        "too few acks to mean anything: {}",
        acknowledged.len()
    );
    eprintln!(
        "{iterations} kills: {} changes acknowledged, {total_sent} sent, none lost",
        acknowledged.len()
    );
    Ok(())
}

/// Pushes batches of fresh changes and records the hashes of every acknowledged batch.
async fn push_until_killed(
    address: SocketAddr,
    access_token: &str,
    device: DeviceId,
    acknowledged: &mut HashSet<[u8; 32]>,
    sent: &mut u64,
    iteration: u32,
) -> TestResult {
    let ticket = ticket(address, access_token).await?;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync")).await?;
    let hello = ClientMessage::Hello(Hello {
        ticket,
        device,
        cursor: Seq(0),
    });
    socket
        .send(Message::Binary(encode_client(&hello)?.into()))
        .await?;
    let mut document = AutoCommit::new();
    let id = DocumentId(uuid::Uuid::new_v4());
    let mut in_flight: Vec<(BatchId, Vec<[u8; 32]>)> = Vec::new();
    let mut batch = 0_u64;
    loop {
        // Keep a few batches in flight, so kills land between commit and ack too.
        while in_flight.len() < 4 {
            batch += 1;
            let mut changes = Vec::new();
            let mut hashes = Vec::new();
            for field in 0..5 {
                document.put(ROOT, format!("f{field}"), format!("{iteration}-{batch}"))?;
                document.commit();
                let change = document.get_last_local_change().ok_or("no change")?;
                hashes.push(change.hash().0);
                changes.push(Change {
                    document: id,
                    bytes: change.raw_bytes().to_vec(),
                });
            }
            *sent += changes.len() as u64;
            let push = ClientMessage::Push {
                batch: BatchId(batch),
                changes,
            };
            socket
                .send(Message::Binary(encode_client(&push)?.into()))
                .await?;
            in_flight.push((BatchId(batch), hashes));
        }
        match socket.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                if let ServerMessage::Ack { batch: acked, .. } = decode_server(&bytes)? {
                    if let Some(position) = in_flight.iter().position(|(id, _)| *id == acked) {
                        let (_, hashes) = in_flight.remove(position);
                        acknowledged.extend(hashes);
                    }
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Ok(()),
        }
    }
}

/// Starts the binary with the demo workspace on `port` (0 for any) and waits until it listens.
async fn start(data: &Path, port: u16) -> TestResult<(Child, SocketAddr)> {
    let dist = data.join("dist");
    std::fs::create_dir_all(&dist)?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet-server"))
        .args(["--demo", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        .arg("--dist-dir")
        .arg(&dist)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let address = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("Carnet is running at http://") {
                return Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
                    rest.trim_end_matches('/').parse::<SocketAddr>()?,
                );
            }
        }
        Err("the server exited before listening".into())
    })
    .await
    .map_err(|_| "the server did not start")??;
    tokio::spawn(async move { while let Ok(Some(_line)) = lines.next_line().await {} });
    Ok((child, address))
}

/// The hashes in the log, read straight from the database file, after checking its integrity.
fn stored_hashes(data: &Path) -> TestResult<HashSet<[u8; 32]>> {
    let connection = rusqlite::Connection::open(data.join("carnet.sqlite3"))?;
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    assert_eq!(integrity, "ok");
    let mut statement = connection.prepare("SELECT change_hash FROM change_log")?;
    let hashes = statement
        .query_map([], |row| row.get::<_, Vec<u8>>(0))?
        .map(|hash| -> TestResult<[u8; 32]> { Ok(hash?.as_slice().try_into()?) })
        .collect::<TestResult<HashSet<[u8; 32]>>>()?;
    Ok(hashes)
}

async fn sign_in(address: SocketAddr) -> TestResult<(String, DeviceId)> {
    let body = serde_json::json!({
        "email": "remi@demo.carnet.test",
        "password": "carnet-demo",
        "device_name": "crash-test tablet",
    });
    let (status, answer) = post(address, "/api/auth/login", None, &body).await?;
    assert_eq!(status, 200, "{answer}");
    let token = answer["access_token"]
        .as_str()
        .ok_or("no access token")?
        .to_owned();
    let device = serde_json::from_value(answer["device_id"].clone())?;
    Ok((token, device))
}

async fn ticket(address: SocketAddr, access_token: &str) -> TestResult<String> {
    let (status, answer) = post(
        address,
        "/api/sync/ticket",
        Some(access_token),
        &serde_json::json!({}),
    )
    .await?;
    assert_eq!(status, 200, "{answer}");
    Ok(answer["ticket"].as_str().ok_or("no ticket")?.to_owned())
}

/// A minimal HTTP/1.1 JSON POST over a raw socket.
async fn post(
    address: SocketAddr,
    path: &str,
    bearer: Option<&str>,
    body: &serde_json::Value,
) -> TestResult<(u16, serde_json::Value)> {
    let body = body.to_string();
    let authorization = bearer
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream
        .write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
    let status = head.split_whitespace().nth(1).ok_or("no status")?.parse()?;
    let body = if body.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(body.trim())?
    };
    Ok((status, body))
}

/// A tiny deterministic generator (xorshift) for kill timings.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
