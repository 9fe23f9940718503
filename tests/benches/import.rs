//! A 10,000-row CSV import, measured in headless Chromium through the app's import page as a
//! user goes through it.
//!
//! A relay seeded with a small demo workspace; the manager's device signs in and syncs, opens
//! the import page from the accounts list and picks a generated file of `CARNET_IMPORT_ROWS`
//! accounts (10,000): UTF-8 with a byte order mark, semicolons, French headers the page maps by
//! itself (company name, SIRET, address, postcode, city, phone, e-mail), every row valid and none
//! a duplicate. Measured: from the file picked to the review ready (the columns mapped, the
//! duplicates looked for, "Continue" enabled), then, from the click on "Import" to the page
//! saying it is done, the time and the long tasks (over 50 ms) on the page's thread (count,
//! longest, total), through the Long Tasks API. Afterwards the accounts list must count every
//! imported account, or the benchmark fails. Prints a table against the targets (no task
//! over 50 ms, done within 10 s; reported, never asserted) and writes `target/bench/import.json`.
//!
//! Run with `cargo xtask bench import` (alone) or `cargo xtask bench` (every benchmark).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared::values::{Siren, Siret};
use tests::bench::{self, Milestone};
use tests::{Device, HarnessError, HarnessResult, TestServer};

/// The bound on every wait.
const WAIT: Duration = Duration::from_secs(1_800);
/// How long the accounts list may take to count the imported accounts once the page is done.
const LISTED: Duration = Duration::from_secs(120);
/// The demo workspace's accounts before the import (the relay's seed, small).
const DEMO_ACCOUNTS: usize = 20;
/// The targets, printed beside the measures.
const TARGET_DONE_S: f64 = 10.0;
const TARGET_LONGEST_TASK_MS: f64 = 50.0;

/// Company kinds and towns the generated accounts are named after (with their postcodes).
const TRADES: [&str; 10] = [
    "Boulangerie",
    "Pharmacie",
    "Garage",
    "Fromagerie",
    "Librairie",
    "Quincaillerie",
    "Fleuriste",
    "Cave",
    "Épicerie",
    "Crêperie",
];
const TOWNS: [(&str, &str); 8] = [
    ("Lyon", "69002"),
    ("Bordeaux", "33000"),
    ("Quimper", "29000"),
    ("Nantes", "44000"),
    ("Marseille", "13001"),
    ("Lille", "59000"),
    ("Toulouse", "31000"),
    ("Strasbourg", "67000"),
];

#[tokio::main]
async fn main() -> HarnessResult {
    if bench::filtered_out("import") {
        return Ok(());
    }
    let rows: usize = std::env::var("CARNET_IMPORT_ROWS")
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|rows| *rows > 0)
        .unwrap_or(10_000);
    let folder = tempfile::tempdir()
        .map_err(|source| HarnessError::io("cannot create a folder for the file", source))?;
    let file = folder.path().join("clients-export.csv");
    let csv = accounts_csv(rows)?;
    std::fs::write(&file, &csv)
        .map_err(|source| HarnessError::io("cannot write the CSV file", source))?;
    eprintln!(
        "import bench: {rows} rows ({:.1} MB); seeding a relay with {DEMO_ACCOUNTS} demo accounts…",
        csv.len() as f64 / 1_000_000.0
    );
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let device = Device::open_with_wait("import", server.port(), WAIT).await?;
    let result = measure(&device, &file.display().to_string(), rows).await;
    let closed = device.close().await;
    drop(server);
    let result = result?;
    closed?;
    eprintln!("  import: {result}");
    print_table(rows, &result);
    let report = json!({
        "rows": rows,
        "demo_accounts_before": DEMO_ACCOUNTS,
        "file_bytes": csv.len(),
        "target_done_s": TARGET_DONE_S,
        "target_longest_task_ms": TARGET_LONGEST_TASK_MS,
        "import": result,
    });
    let path = bench::write_report("import", &report)?;
    eprintln!("  report: {}", path.display());
    Ok(())
}

/// A CSV export of `rows` accounts as an older tool writes it: UTF-8 with a byte order mark,
/// semicolons, French headers; every row valid (a real SIRET check digit, a French phone
/// number, an e-mail address) and different from every other and from the demo's accounts.
fn accounts_csv(rows: usize) -> HarnessResult<Vec<u8>> {
    let mut text =
        String::from("\u{feff}Raison sociale;SIRET;Adresse;Code postal;Ville;Téléphone;E-mail\r\n");
    for row in 0..rows {
        let trade = TRADES[row % TRADES.len()];
        let (town, postcode) = TOWNS[(row / TRADES.len()) % TOWNS.len()];
        let siret = siret_of(row)?;
        write!(
            text,
            "{trade} {town} n°{number};{siret};{street} rue de la République;{postcode};{town};\
             04 {a:02} {b:02} {c:02} {d:02};contact{number}@{slug}.fr\r\n",
            number = row + 1,
            street = row % 200 + 1,
            a = 70 + row % 10,
            b = (row / 10) % 100,
            c = (row / 1_000) % 100,
            d = row % 100,
            slug = trade.to_lowercase().replace(['é', 'ê'], "e"),
        )
        .map_err(|error| HarnessError::Unexpected(format!("cannot write a row: {error}")))?;
    }
    Ok(text.into_bytes())
}

/// A valid SIRET of its own for `row`: a SIREN starting with 9 (the demo draws 1 to 9, but its
/// establishments are numbered 0001 to 0009; these are 0012) and the Luhn digits.
fn siret_of(row: usize) -> HarnessResult<Siret> {
    let siren = with_check_digit(&format!("9{row:07}"), Siren::parse)?;
    with_check_digit(&format!("{siren}0012"), Siret::parse)
}

/// The one digit that makes `body` + digit pass `parse` (Luhn: exactly one of ten does).
fn with_check_digit<T, E>(body: &str, parse: impl Fn(&str) -> Result<T, E>) -> HarnessResult<T> {
    (0..10)
        .find_map(|digit| parse(&format!("{body}{digit}")).ok())
        .ok_or_else(|| HarnessError::Unexpected(format!("no check digit completes {body}")))
}

/// Signs in, goes through the import page with the file at `path` and times the import.
async fn measure(device: &Device, path: &str, rows: usize) -> HarnessResult<Value> {
    device.sign_in("manon@demo.carnet.test").await?;
    device
        .wait_for_text("#accounts-count", &DEMO_ACCOUNTS.to_string())
        .await?;
    device.wait_until_synced().await?;
    device.click("#accounts-import-link a").await?;
    let input = device.wait_for("#import-file").await?;

    // The file is read and checked on the device: timed to "Continue" enabled, long tasks too.
    device
        .evaluate(
            "window.carnetBench = { tasks: [], began: performance.now() };
             window.carnetBench.observer = new PerformanceObserver((list) =>
               window.carnetBench.tasks.push(...list.getEntries()));
             window.carnetBench.observer.observe({ type: 'longtask' });
             return true;",
        )
        .await?;
    input.send_keys(path).await?;
    let reviewed = device
        .evaluate(
            "return new Promise((resolve) => {
               const bench = window.carnetBench;
               const check = () => {
                 const review = document.querySelector('#import-review');
                 if (!review || review.disabled || document.querySelector('#import-loading')) return;
                 clearInterval(timer);
                 const ready = performance.now() - bench.began;
                 setTimeout(() => {
                   bench.observer.disconnect();
                   const tasks = bench.tasks.filter((task) =>
                     task.startTime >= bench.began && task.startTime <= bench.began + ready);
                   resolve({
                     review_ready_ms: ready,
                     long_tasks: tasks.length,
                     longest_task_ms: Math.max(0, ...tasks.map((task) => task.duration)),
                     long_tasks_ms: tasks.reduce((sum, task) => sum + task.duration, 0),
                   });
                 }, 200);
               };
               const timer = setInterval(check, 10);
             });",
        )
        .await?;
    let problem = device
        .evaluate("return document.querySelector('#import-file-problem')?.textContent ?? null;")
        .await?;
    if problem != Value::Null {
        return Err(HarnessError::Unexpected(format!(
            "the page refused the file: {problem}"
        )));
    }
    eprintln!("  review ready: {reviewed}");

    device
        .evaluate(
            "document.querySelector('#import-review').scrollIntoView({ block: 'center' }); \
             return true;",
        )
        .await?;
    device.click("#import-review").await?;
    let planned = format!("{rows} new records");
    device.wait_for("#import-summary-create").await?;
    let summary = device.texts(".import-summary-card").await?.join(" | ");
    let creates = device.texts("#import-summary-create").await?;
    if !creates.iter().any(|text| text.trim() == planned) {
        return Err(HarnessError::Unexpected(format!(
            "the summary does not plan {planned:?}: {summary}"
        )));
    }
    device.wait_for("#import-start").await?;

    let probe = bench::probe(
        "document.querySelector('#import-start').click()",
        &[
            Milestone {
                name: "progress_shown",
                reached: "!!document.querySelector('#import-progress, #import-outcome')",
            },
            Milestone {
                name: "done",
                reached: "!!document.querySelector('#import-outcome')",
            },
        ],
    );
    let mut result = device.evaluate(&probe).await?;
    let outcome = device
        .evaluate("return document.querySelector('#import-outcome')?.textContent ?? '';")
        .await?;
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    if imported_count(&outcome) != Some(rows) {
        return Err(HarnessError::Unexpected(format!(
            "the page did not import {rows} accounts: {outcome:?}"
        )));
    }

    // The accounts list counts every one of them.
    let listed_began = Instant::now();
    device.click("#import-outcome ~ .import-actions a").await?;
    let expected = (DEMO_ACCOUNTS + rows).to_string();
    let shown = loop {
        let shown = device
            .evaluate(
                "return (document.querySelector('#accounts-count')?.textContent ?? '').trim();",
            )
            .await?;
        if shown.as_str() == Some(expected.as_str()) {
            break shown;
        }
        if listed_began.elapsed() > LISTED {
            return Err(HarnessError::Unexpected(format!(
                "the accounts list counts {shown} accounts, not {expected} \
                 ({DEMO_ACCOUNTS} before and {rows} imported), {LISTED:?} after the import"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    if let Value::Object(fields) = &mut result {
        fields.insert("outcome".to_owned(), json!(outcome.trim()));
        fields.insert("accounts_listed".to_owned(), shown);
        fields.insert("review".to_owned(), reviewed);
    }
    Ok(result)
}

/// The number of new records the outcome "Imported: N new, M completed." gives (any digit
/// grouping ignored).
fn imported_count(outcome: &str) -> Option<usize> {
    let (_, rest) = outcome.split_once("Imported:")?;
    let (number, _) = rest.split_once("new")?;
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// One table: the review, then the import, against the targets.
fn print_table(rows: usize, result: &Value) {
    let review = result.get("review").cloned().unwrap_or_default();
    println!("Import of a {rows}-row CSV of accounts on the import page");
    println!(
        "{:<28} {:>9} {:>11} {:>11} {:>14}",
        "", "time s", "long tasks", "longest ms", "long tasks ms"
    );
    println!(
        "{:<28} {:>9.2} {:>11} {:>11.0} {:>14.0}",
        "file picked → review ready",
        bench::number(&review, "review_ready_ms") / 1_000.0,
        bench::number(&review, "long_tasks"),
        bench::number(&review, "longest_task_ms"),
        bench::number(&review, "long_tasks_ms"),
    );
    println!(
        "{:<28} {:>9.2} {:>11} {:>11.0} {:>14.0}",
        "\"Import\" → done",
        bench::number(result, "done_ms") / 1_000.0,
        bench::number(result, "long_tasks"),
        bench::number(result, "longest_task_ms"),
        bench::number(result, "long_tasks_ms"),
    );
    println!(
        "{:<28} {:>9} {:>11} {:>11} {:>14}",
        "target (import)",
        format!("≤{TARGET_DONE_S:.0}"),
        0,
        format!("≤{TARGET_LONGEST_TASK_MS:.0}"),
        "-"
    );
    println!(
        "accounts listed afterwards: {}",
        result
            .get("accounts_listed")
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
}
