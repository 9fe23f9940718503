//! A rep's first sync downloads her part of the workspace only: on one relay seeded with the
//! demo workspace, a new device of the admin (who reads every record) and new devices of two
//! reps (each reads what they own or what sits in their territories, and the contacts, deals,
//! quotes and orders of those accounts: Rachida has two territories, Karim one, the smaller
//! scope) sign in, each in a fresh browser profile, one after the other.
//!
//! For each, from the click on "Sign in": the first account row on screen and synced (the
//! indicator says "Synced" and the documents held stop growing); then the records the device
//! holds (documents in IndexedDB, accounts listed) and the bytes the relay sent it, counted on
//! its network link (pages and files loaded before the click are not counted). Prints one table
//! and writes `target/bench/scoped_sync.json`. Run with `cargo xtask bench scoped_sync`;
//! `CARNET_BENCH_ACCOUNTS` sets the workspace's accounts (default 10,000).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tests::bench::{self, Milestone};
use tests::{Device, HarnessError, HarnessResult, TestServer, DEMO_PASSWORD};

/// The bound on every wait.
const WAIT: Duration = Duration::from_secs(1_800);
/// How long the documents held must stay the same to count as synced.
const SETTLED: Duration = Duration::from_secs(3);

/// Who signs in: a label and an address of the demo.
const PEOPLE: [(&str, &str); 3] = [
    ("admin (every record)", "manon@demo.carnet.test"),
    ("rep, two territories", "rachida@demo.carnet.test"),
    ("rep, one territory", "karim@demo.carnet.test"),
];

#[tokio::main]
async fn main() -> HarnessResult {
    if bench::filtered_out("scoped_sync") {
        return Ok(());
    }
    let accounts = bench::accounts_from_env();
    eprintln!("scoped-sync bench: seeding the relay with {accounts} demo accounts…");
    let seeding = Instant::now();
    let server = TestServer::start_demo(accounts).await?;
    eprintln!("  relay seeded in {:.1} s", seeding.elapsed().as_secs_f64());
    let mut results = Vec::new();
    for (index, (label, email)) in PEOPLE.into_iter().enumerate() {
        let device =
            Device::open_with_wait(&format!("scoped-{index}"), server.port(), WAIT).await?;
        let result = measure(&device, email).await;
        device.close().await?;
        let result = result?;
        eprintln!("  {label}: {result}");
        results.push((label, result));
    }
    drop(server);
    print_table(accounts, &results);
    let report = json!({
        "accounts": accounts,
        "people": results
            .iter()
            .map(|(label, result)| json!({ "who": label, "result": result }))
            .collect::<Vec<_>>(),
    });
    let path = bench::write_report("scoped_sync", &report)?;
    eprintln!("  report: {}", path.display());
    Ok(())
}

/// Signs a fresh profile in as `email` and measures its first sync.
async fn measure(device: &Device, email: &str) -> HarnessResult<Value> {
    device.goto("/").await?;
    device.fill("#sign-in-email", email).await?;
    device.fill("#sign-in-password", DEMO_PASSWORD).await?;
    let before = device.link().bytes_received();
    let began = Instant::now();
    let probe = bench::probe(
        "document.querySelector('#sign-in').click()",
        &[
            Milestone {
                name: "first_rows",
                reached: "!!document.querySelector('.account-row')",
            },
            Milestone {
                name: "synced",
                reached: "(document.querySelector('#sync-status')?.textContent ?? '').trim() === 'Synced'",
            },
        ],
    );
    let mut result = device.evaluate(&probe).await?;
    // "Synced" may show between two pages of the download: synced is when nothing more comes.
    let mut held = device.held_documents().await?;
    let mut still_since = Instant::now();
    while still_since.elapsed() < SETTLED {
        if began.elapsed() > WAIT {
            return Err(HarnessError::Unexpected(
                "the download never settled".to_owned(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = device.held_documents().await?;
        if now != held {
            held = now;
            still_since = Instant::now();
        }
    }
    let settled_ms = (began.elapsed() - SETTLED).as_secs_f64() * 1_000.0;
    let listed = device
        .evaluate("return (document.querySelector('#accounts-count')?.textContent ?? '').trim();")
        .await?;
    let received = device.link().bytes_received().saturating_sub(before);
    if let Value::Object(fields) = &mut result {
        fields.insert("settled_ms".to_owned(), json!(settled_ms));
        fields.insert("documents".to_owned(), json!(held));
        fields.insert("accounts_listed".to_owned(), listed);
        fields.insert("bytes_received".to_owned(), json!(received));
    }
    Ok(result)
}

/// One table: each person's download, and its share of the admin's.
fn print_table(accounts: usize, results: &[(&str, Value)]) {
    let whole = results.first().map(|(_, result)| result.clone());
    let share = |result: &Value, key: &str| {
        let all = whole
            .as_ref()
            .map_or(f64::NAN, |whole| bench::number(whole, key));
        100.0 * bench::number(result, key) / all
    };
    println!("A new device's first sync, {accounts}-account demo workspace");
    println!(
        "{:<22} {:>9} {:>10} {:>12} {:>8} {:>11} {:>8} {:>10}",
        "",
        "accounts",
        "documents",
        "MB received",
        "% bytes",
        "first rows s",
        "synced s",
        "settled s"
    );
    for (label, result) in results {
        println!(
            "{:<22} {:>9} {:>10} {:>12.2} {:>7.1}% {:>11.2} {:>8.2} {:>10.2}",
            label,
            result
                .get("accounts_listed")
                .and_then(Value::as_str)
                .unwrap_or("?"),
            bench::number(result, "documents"),
            bench::number(result, "bytes_received") / 1_000_000.0,
            share(result, "bytes_received"),
            bench::number(result, "first_rows_ms") / 1_000.0,
            bench::number(result, "synced_ms") / 1_000.0,
            bench::number(result, "settled_ms") / 1_000.0,
        );
    }
}
