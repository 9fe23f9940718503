//! The scoped first sync (run with `cargo xtask bench` or `cargo bench -p server --bench scope`).
//!
//! The real `carnet-server` binary (release build) seeds a 10,000-account demo workspace; then a
//! new device of a rep whose territory holds a part of it, and a new device of the admin, each
//! sync from nothing (snapshots, then the log's tail) with the real client state machine. For each:
//! the records and bytes downloaded and the time, and the rep's share of the admin's. Bounded:
//! each download stops at 10 minutes.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use shared::protocol::client::{ClientEffect, ClientEvent, ClientPhase, SyncClient};
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::{DocumentId, Seq};
use tokio_tungstenite::tungstenite::Message;

#[path = "../tests/support/binary.rs"]
#[allow(dead_code)] // this benchmark starts its own size of workspace, not the default one
mod binary;

use binary::{sign_in, start_demo_server, ticket, SignedIn};

type BenchResult<T = ()> = binary::BinaryResult<T>;

const ACCOUNTS: usize = 10_000;
const DOWNLOAD_LIMIT: Duration = Duration::from_secs(600);

struct Download {
    records: usize,
    bytes: usize,
    entries: usize,
    seconds: f64,
}

fn main() -> BenchResult {
    if !std::env::args().any(|argument| argument == "--bench") {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let data = tempfile::tempdir()?;
        let seeding = Instant::now();
        let (mut server, address) =
            start_demo_server(data.path(), 0, Some(ACCOUNTS), Duration::from_secs(1_800)).await?;
        println!(
            "seeding    : {ACCOUNTS} demo accounts seeded, compacted and given access keys in {:.1} s",
            seeding.elapsed().as_secs_f64()
        );
        let mut results = Vec::new();
        for (who, email) in [
            ("rep (Méditerranée)", "karim@demo.carnet.test"),
            ("admin (everything)", "manon@demo.carnet.test"),
        ] {
            let device = sign_in(address, email).await?;
            let download = tokio::time::timeout(DOWNLOAD_LIMIT, first_sync(address, &device))
                .await
                .map_err(|_| format!("{who}'s first sync took over ten minutes"))??;
            println!(
                "{who:<20}: {:>6} records, {:>6} log entries, {:>8.1} MiB in {:>6.2} s",
                download.records,
                download.entries,
                download.bytes as f64 / (1024.0 * 1024.0),
                download.seconds
            );
            results.push(download);
        }
        if let [rep, admin] = results.as_slice() {
            println!(
                "share      : the rep downloads {:.1} % of the records, {:.1} % of the bytes, in {:.1} % of the time",
                100.0 * rep.records as f64 / admin.records.max(1) as f64,
                100.0 * rep.bytes as f64 / admin.bytes.max(1) as f64,
                100.0 * rep.seconds / admin.seconds.max(f64::EPSILON)
            );
        }
        server.kill().await?;
        Ok(())
    })
}

/// A new device's first sync, as the client state machine drives it, until it is live.
async fn first_sync(address: SocketAddr, device: &SignedIn) -> BenchResult<Download> {
    let started = Instant::now();
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync")).await?;
    let mut client = SyncClient::new(device.device, Seq(0), Vec::new());
    let mut effects = client.handle(ClientEvent::Connected {
        ticket: ticket(address, device).await?,
    });
    let mut records: HashSet<DocumentId> = HashSet::new();
    let (mut bytes, mut entries) = (0, 0);
    loop {
        for effect in std::mem::take(&mut effects) {
            match effect {
                ClientEffect::Send(message) => {
                    socket
                        .send(Message::Binary(encode_client(&message)?.into()))
                        .await?;
                }
                ClientEffect::StoreSnapshots(snapshots) | ClientEffect::StoreGranted(snapshots) => {
                    records.extend(snapshots.iter().map(|snapshot| snapshot.document));
                }
                ClientEffect::Store {
                    entries: stored, ..
                } => {
                    entries += stored.len();
                    records.extend(stored.iter().map(|entry| entry.change.document));
                }
                ClientEffect::ListHoldings => {
                    effects.extend(client.handle(ClientEvent::Holdings(Vec::new())));
                }
                ClientEffect::Refused(code) => {
                    return Err(format!("the relay refused: {code:?}").into())
                }
                ClientEffect::Acknowledged(_)
                | ClientEffect::Purge { .. }
                | ClientEffect::Forbidden { .. } => {}
            }
        }
        if client.phase() == ClientPhase::Live && effects.is_empty() {
            break;
        }
        match tokio::time::timeout(Duration::from_secs(60), socket.next()).await? {
            Some(Ok(Message::Binary(frame))) => {
                bytes += frame.len();
                effects = client.handle(ClientEvent::Received(decode_server(&frame)?));
            }
            Some(Ok(_)) => {}
            _ => return Err("the socket closed".into()),
        }
    }
    Ok(Download {
        records: records.len(),
        bytes,
        entries,
        seconds: started.elapsed().as_secs_f64(),
    })
}
