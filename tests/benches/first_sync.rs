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
//! The peer takes about 100 s per 1,000 accounts on two cores: it is stopped after
//! `CARNET_PEER_CAP_S` seconds (300; 0 for no cap). A capped peer is reported as such: the
//! documents it had stored in IndexedDB by then out of the total, its time as the cap, and the
//! ratio as a lower bound ("≥ 9.4x"); its page, browser and sync server are all ended, and the
//! benchmark fails if any process it started outlives them.
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

/// How long the peer may take before it is stopped (`CARNET_PEER_CAP_S`), in seconds.
const DEFAULT_CAP_S: f64 = 300.0;

/// How long the processes of a stopped peer may take to disappear.
const ENDING: Duration = Duration::from_secs(10);

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
    let cap = peer_cap()?;

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
    let theirs = measure_peer(&device, concurrency, cap).await;
    // A capped peer is still finding documents: its session, browser and server all end here.
    let closed = device.close().await;
    peer.stop().await?;
    all_ended().await?;
    let theirs = theirs?;
    closed?;
    eprintln!("  automerge-repo: {theirs}");
    let capped = is_capped(&theirs);

    let mut report = json!({
        "accounts": accounts,
        "documents": documents,
        "peer_concurrency": concurrency,
        "peer_cap_s": cap.map(|cap| cap.as_secs_f64()),
        "ours": ours,
        "automerge_repo": theirs,
        "synced_ratio_peer_over_ours": bench::number(&theirs, "synced_ms") / bench::number(&ours, "synced_ms"),
        "first_rows_ratio_peer_over_ours": bench::number(&theirs, "first_rows_ms") / bench::number(&ours, "first_rows_ms"),
    });
    if capped {
        if let Value::Object(fields) = &mut report {
            // The peer's times are the cap: the true ratios are at least these.
            fields.insert("peer_capped".to_owned(), json!(true));
            fields.insert("synced_ratio_is_a_lower_bound".to_owned(), json!(true));
            fields.insert(
                "first_rows_ratio_is_a_lower_bound".to_owned(),
                json!(theirs.get("first_rows_capped") == Some(&json!(true))),
            );
        }
    }
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

/// The peer's cap: `CARNET_PEER_CAP_S` seconds (300 when unset; 0 for none).
fn peer_cap() -> HarnessResult<Option<Duration>> {
    let seconds = match std::env::var("CARNET_PEER_CAP_S") {
        Ok(value) => value.trim().parse::<f64>().map_err(|_| {
            HarnessError::Unexpected(format!("CARNET_PEER_CAP_S is not a number: {value:?}"))
        })?,
        Err(_) => DEFAULT_CAP_S,
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(HarnessError::Unexpected(format!(
            "CARNET_PEER_CAP_S must be 0 or more seconds, not {seconds}"
        )));
    }
    Ok((seconds > 0.0).then(|| Duration::from_secs_f64(seconds)))
}

/// Whether the peer's result is a capped one.
fn is_capped(result: &Value) -> bool {
    result.get("capped") == Some(&json!(true))
}

/// Waits until no process this run started is alive (the relay, the browsers, the sync
/// server); fails, naming them, if some outlive [`ENDING`].
async fn all_ended() -> HarnessResult {
    let run = tests::process::run_marker();
    let deadline = Instant::now() + ENDING;
    loop {
        let left = tests::survivors(&run);
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(HarnessError::Unexpected(format!(
                "processes outlived the peer: {left:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the reference stack's page in a fresh profile and times its download, for `cap` at
/// most: a capped result has `capped: true`, its `synced_ms` (and `first_rows_ms`, if no row
/// was on screen yet, with `first_rows_capped: true`) set to the cap, and `documents_found` and
/// `documents_stored` (in IndexedDB) at the cap.
async fn measure_peer(
    device: &Device,
    concurrency: usize,
    cap: Option<Duration>,
) -> HarnessResult<Value> {
    device.goto("/").await?;
    // Automerge's wasm and the list of URLs, as Carnet's page is loaded before sign-in.
    device
        .evaluate("return window.carnetPeer.ready.then((urls) => urls.documents.length);")
        .await?;
    let probe = bench::probe_within(
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
        cap,
    );
    let mut result = device.evaluate(&probe).await?;
    if let Some(capped_ms) = result.get("capped_ms").and_then(Value::as_f64) {
        let counts = device
            .evaluate(
                "return window.carnetPeer.storedDocuments().then((stored) =>
                   [window.carnetPeer.loaded, stored, window.carnetPeer.total,
                    window.carnetPeer.empty, window.carnetPeer.error]);",
            )
            .await?;
        if counts.get(3) != Some(&json!(0)) || counts.get(4) != Some(&Value::Null) {
            return Err(HarnessError::Unexpected(format!(
                "the capped peer loaded empty documents or failed: \
                 [found, stored, total, empty, error] = {counts}"
            )));
        }
        if let Value::Object(fields) = &mut result {
            fields.insert("capped".to_owned(), json!(true));
            fields.insert("synced_ms".to_owned(), json!(capped_ms));
            if !fields.contains_key("first_rows_ms") {
                fields.insert("first_rows_ms".to_owned(), json!(capped_ms));
                fields.insert("first_rows_capped".to_owned(), json!(true));
            }
            fields.insert(
                "documents_found".to_owned(),
                counts.get(0).cloned().unwrap_or_default(),
            );
            fields.insert(
                "documents_stored".to_owned(),
                counts.get(1).cloned().unwrap_or_default(),
            );
        }
        return Ok(result);
    }
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

/// One table: ours against the peer, and the peer's time over ours. A capped peer's times are
/// the cap, shown as "≥", and the documents it had stored by then are said under the table.
fn print_table(accounts: usize, documents: usize, ours: &Value, theirs: &Value) {
    let capped = is_capped(theirs);
    let first_rows_capped = theirs.get("first_rows_capped") == Some(&json!(true));
    let seconds = |result: &Value, key: &str| bench::number(result, key) / 1_000.0;
    // Ours is never capped; the peer's capped times are lower bounds.
    let time = |result: &Value, key: &str, bound: bool| {
        if bound {
            format!("≥{:.2}", seconds(result, key))
        } else {
            format!("{:.2}", seconds(result, key))
        }
    };
    let rows: [(&str, &Value, bool); 2] =
        [("Carnet", ours, false), ("automerge-repo", theirs, true)];
    println!("First sync of a new device: {accounts} accounts, {documents} documents");
    println!(
        "{:<16} {:>10} {:>14} {:>11} {:>12} {:>15}",
        "", "synced s", "first rows s", "long tasks", "longest ms", "long tasks ms"
    );
    for (name, result, peer) in rows {
        println!(
            "{:<16} {:>10} {:>14} {:>11} {:>12.0} {:>15.0}",
            name,
            time(result, "synced_ms", peer && capped),
            time(result, "first_rows_ms", peer && first_rows_capped),
            bench::number(result, "long_tasks"),
            bench::number(result, "longest_task_ms"),
            bench::number(result, "long_tasks_ms"),
        );
    }
    let ratio = |key: &str, bound: bool| {
        let ratio = bench::number(theirs, key) / bench::number(ours, key);
        if bound {
            format!("≥{ratio:.2}x")
        } else {
            format!("{ratio:.2}x")
        }
    };
    println!(
        "{:<16} {:>10} {:>14}   (automerge-repo's time over Carnet's)",
        "ratio",
        ratio("synced_ms", capped),
        ratio("first_rows_ms", first_rows_capped),
    );
    if capped {
        println!(
            "automerge-repo was stopped at the cap of {:.0} s: {} of {documents} documents \
             stored in IndexedDB ({} found); its times are the cap, the ratios lower bounds",
            seconds(theirs, "capped_ms"),
            bench::number(theirs, "documents_stored"),
            bench::number(theirs, "documents_found"),
        );
    }
}
