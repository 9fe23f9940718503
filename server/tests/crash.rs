//! Crash durability: the real server binary, under continuous pushes, is killed with SIGKILL at
//! random moments and restarted. Every change it acknowledged must be in the log afterwards, and
//! the database must open cleanly every time.
//!
//! `CARNET_CRASH_ITERATIONS` sets the number of kills (50 by default; 1,000 for a soak).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{BatchId, Change, ClientMessage, DocumentId, Hello, Seq, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

#[path = "support/binary.rs"]
mod binary;

use binary::{sign_in, start_server, ticket, SignedIn};

type TestResult<T = ()> = binary::BinaryResult<T>;

#[tokio::test]
async fn every_acknowledged_change_survives_sigkill() -> TestResult {
    let iterations: u32 = std::env::var("CARNET_CRASH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let data = tempfile::tempdir()?;
    let mut server = start_server(data.path(), 0).await?;
    let address = server.1;
    let device = sign_in(address, "remi@demo.carnet.test").await?;

    let mut acknowledged: HashSet<[u8; 32]> = HashSet::new();
    let mut seed: u64 = 0x5eed_cafe;
    let mut total_sent = 0_u64;
    for iteration in 0..iterations {
        // Push until a random moment, then kill: the kill may land mid-commit, mid-ack, anywhere.
        let kill_after = Duration::from_millis(20 + next(&mut seed) % 250);
        let pushing = push_until_killed(
            address,
            &device,
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
        server = start_server(data.path(), address.port()).await?;
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
    device: &SignedIn,
    acknowledged: &mut HashSet<[u8; 32]>,
    sent: &mut u64,
    iteration: u32,
) -> TestResult {
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

/// A tiny deterministic generator (xorshift) for kill timings.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
