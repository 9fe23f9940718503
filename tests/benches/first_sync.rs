//! First sync of a new device, measured in headless Chromium against the reference JavaScript
//! stack in the same run.
//!
//! Ours: the relay seeded with the demo workspace; a fresh browser profile signs in as the
//! manager. From the click on "Sign in": the first account row on screen, every account listed
//! (`#accounts-count` shows them all), and synced (the count, and the indicator says "Synced");
//! long tasks (over 50 ms) on the page's thread meanwhile, through the Long Tasks API.
//!
//! The peer: `@automerge/automerge-repo` with its IndexedDB storage and WebSocket adapter in a
//! fresh browser profile, against `@automerge/automerge-repo-sync-server` on loopback holding the
//! same documents (same generator, seed and ids; see `tests::automerge_repo`). From `start()`
//! (its sign-in): the first account row on screen, every document found, and synced (the repo
//! flushed them all to IndexedDB), `CARNET_PEER_CONCURRENCY` documents at a time (64); long tasks
//! likewise. Both pages are loaded before the clock
//! starts, and both reach their server through a device link of the harness.
//!
//! Prints one table, ours against the peer, with the ratio, and writes
//! `target/bench/first_sync.json`. Run with `cargo xtask bench` (it builds the client and the
//! optimised server first); `CARNET_BENCH_ACCOUNTS` changes the number of accounts (default
//! 10,000); `cargo xtask bench first_sync` runs this benchmark alone.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tests::bench::{self, Milestone};
use tests::{AutomergeRepoPeer, Device, HarnessError, HarnessResult, TestServer, DEMO_PASSWORD};

/// The bound on every wait: 10,000 accounts with the reference stack take minutes.
const WAIT: Duration = Duration::from_secs(1_800);

/// How many documents the peer finds at a time (`CARNET_PEER_CONCURRENCY`): all at once, its
/// handles time out after 60 s beyond a few thousand documents.
const DEFAULT_CONCURRENCY: usize = 64;

#[tokio::main]
async fn main() -> HarnessResult {
    if bench::filtered_out("first_sync") {
        return Ok(());
    }
    let accounts = bench::accounts_from_env();
    let concurrency: usize = std::env::var("CARNET_PEER_CONCURRENCY")
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|value| *value > 0)
        .unwrap_or(DEFAULT_CONCURRENCY);

    eprintln!("first-sync bench: seeding the relay with {accounts} demo accounts…");
    let seeding = Instant::now();
    let server = TestServer::start_demo(accounts).await?;
    eprintln!("  relay seeded in {:.1} s", seeding.elapsed().as_secs_f64());
    let device = Device::open_with_wait("first-sync", server.port(), WAIT).await?;
    let ours = measure_ours(&device, accounts).await;
    drop(device);
    drop(server);
    let ours = ours?;
    eprintln!("  ours: {ours}");

    eprintln!("  preparing the automerge-repo peer…");
    let peer = AutomergeRepoPeer::start(accounts).await?;
    let documents = peer.documents();
    let device = Device::open_with_wait("automerge-repo", peer.port(), WAIT).await?;
    let theirs = measure_peer(&device, concurrency).await;
    drop(device);
    peer.stop().await?;
    let theirs = theirs?;
    eprintln!("  automerge-repo: {theirs}");

    let report = json!({
        "accounts": accounts,
        "documents": documents,
        "peer_concurrency": concurrency,
        "ours": ours,
        "automerge_repo": theirs,
        "synced_ratio_peer_over_ours": bench::number(&theirs, "synced_ms") / bench::number(&ours, "synced_ms"),
        "first_rows_ratio_peer_over_ours": bench::number(&theirs, "first_rows_ms") / bench::number(&ours, "first_rows_ms"),
    });
    print_table(accounts, documents, &ours, &theirs);
    let path = bench::write_report("first_sync", &report)?;
    eprintln!("  report: {}", path.display());
    Ok(())
}

/// Signs a fresh profile in to the seeded relay and times the download.
async fn measure_ours(device: &Device, accounts: usize) -> HarnessResult<Value> {
    device.goto("/").await?;
    device
        .fill("#sign-in-email", "manon@demo.carnet.test")
        .await?;
    device.fill("#sign-in-password", DEMO_PASSWORD).await?;
    let listed = format!(
        "(document.querySelector('#accounts-count')?.textContent ?? '').trim() === '{accounts}'"
    );
    let synced = format!(
        "{listed} && (document.querySelector('#sync-status')?.textContent ?? '').trim() === 'Synced'"
    );
    let probe = bench::probe(
        "document.querySelector('#sign-in').click()",
        &[
            Milestone {
                name: "signed_in",
                reached: "!!document.querySelector('#accounts, #accounts-empty')",
            },
            Milestone {
                name: "first_rows",
                reached: "!!document.querySelector('.account-row')",
            },
            Milestone {
                name: "all_rows",
                reached: &listed,
            },
            Milestone {
                name: "synced",
                reached: &synced,
            },
        ],
    );
    device.evaluate(&probe).await
}

/// Opens the reference stack's page in a fresh profile and times its download.
async fn measure_peer(device: &Device, concurrency: usize) -> HarnessResult<Value> {
    device.goto("/").await?;
    // Automerge's wasm and the list of URLs, as Carnet's page is loaded before sign-in.
    device
        .evaluate("return window.carnetPeer.ready.then((urls) => urls.documents.length);")
        .await?;
    let probe = bench::probe(
        &format!("window.carnetPeer.start({concurrency})"),
        &[
            Milestone {
                name: "first_rows",
                reached: "!!document.querySelector('.peer-row')",
            },
            Milestone {
                name: "all_rows",
                reached: "window.carnetPeer.loaded === window.carnetPeer.total",
            },
            Milestone {
                name: "synced",
                reached: "window.carnetPeer.stored",
            },
        ],
    );
    let result = device.evaluate(&probe).await?;
    // A peer that "loaded" empty documents would look fast for nothing.
    let counts = device
        .evaluate(
            "return [window.carnetPeer.loaded, window.carnetPeer.total, window.carnetPeer.empty];",
        )
        .await?;
    if counts.get(0) != counts.get(1) || counts.get(2) != Some(&json!(0)) {
        return Err(HarnessError::Unexpected(format!(
            "the peer did not load every document: [loaded, total, empty] = {counts}"
        )));
    }
    Ok(result)
}

/// One table: ours against the peer, and the peer's time over ours.
fn print_table(accounts: usize, documents: usize, ours: &Value, theirs: &Value) {
    let seconds = |result: &Value, key: &str| bench::number(result, key) / 1_000.0;
    let rows: [(&str, &Value); 2] = [("Carnet", ours), ("automerge-repo", theirs)];
    println!("First sync of a new device: {accounts} accounts, {documents} documents");
    println!(
        "{:<16} {:>10} {:>14} {:>11} {:>12} {:>15}",
        "", "synced s", "first rows s", "long tasks", "longest ms", "long tasks ms"
    );
    for (name, result) in rows {
        println!(
            "{:<16} {:>10.2} {:>14.2} {:>11} {:>12.0} {:>15.0}",
            name,
            seconds(result, "synced_ms"),
            seconds(result, "first_rows_ms"),
            bench::number(result, "long_tasks"),
            bench::number(result, "longest_task_ms"),
            bench::number(result, "long_tasks_ms"),
        );
    }
    let ratio = |key: &str| bench::number(theirs, key) / bench::number(ours, key);
    println!(
        "{:<16} {:>9.2}x {:>13.2}x   (automerge-repo's time over Carnet's)",
        "ratio",
        ratio("synced_ms"),
        ratio("first_rows_ms"),
    );
}
