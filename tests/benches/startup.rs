//! Start-up on a device holding 10,000 accounts, measured in headless Chromium with the app's
//! own performance marks: how long a new device takes to download the workspace, then, over
//! several reloads, the time to the first screen of the list (`carnet:first-list`) and to every
//! row (`carnet:all-rows`), against a peer measured in the same browser: reading the 10,000
//! stored documents' bytes, which a list that loaded documents would need before parsing any.
//! Long tasks (over 50 ms) during start-up and while scrolling the whole list are counted.
//! Then the workspace's rows are copied four times (50,000 accounts for the default 10,000) and
//! the search page answers typed queries: time from opening to a ready index, the first time
//! (no saved copy: built from every row, then saved) and over several reloads (loaded from the
//! saved copy), and p50/p95 per keystroke.
//!
//! With `CARNET_BASELINE_DIST_DIR` (another build of the client, such as the previous main's),
//! the start-ups are also measured with that build in the same run: a second relay over a copy
//! of the seeded data serves it (the same binary, so it must speak this relay's protocol) to a
//! second device, which downloads the same accounts; then each build is opened `RELOADS` times,
//! alternating, from an empty page, the other device waiting on an empty page meanwhile (its
//! page and worker stopped). A table shows both side by side (first list, all rows, long tasks;
//! the downloads for information), and the report gains a `baseline` part. The rest (reading
//! the documents, scrolling, search) is measured on this build only.
//!
//! Run with `cargo xtask bench` (it builds the client and the optimised server first);
//! `CARNET_BENCH_ACCOUNTS` changes the number of accounts (default 10,000).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tests::{Device, HarnessError, HarnessResult, TestServer};

const RELOADS: usize = 5;
/// The bound on every wait.
const WAIT: Duration = Duration::from_secs(900);

#[tokio::main]
async fn main() -> HarnessResult {
    let accounts: usize = std::env::var("CARNET_BENCH_ACCOUNTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000);
    // `cargo bench` passes its own flags; a filter that excludes this bench skips it.
    let arguments: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if arguments
        .iter()
        .any(|filter| !"startup".contains(filter.as_str()))
    {
        return Ok(());
    }
    let baseline_dist = std::env::var_os("CARNET_BASELINE_DIST_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    eprintln!("start-up bench: seeding {accounts} demo accounts…");
    let seeding = Instant::now();
    let mut server = TestServer::start_demo(accounts).await?;
    eprintln!("  relay seeded in {:.1} s", seeding.elapsed().as_secs_f64());
    let Some(baseline_dist) = baseline_dist else {
        let device = Device::open_with_wait("bench", server.port(), WAIT).await?;
        let outcome = measure(&device, accounts, None).await;
        device.close().await?;
        return outcome;
    };
    // The baseline build on a relay of its own over a copy of the seeded data: the same
    // accounts, each build on its own device (origin, profile and storage).
    eprintln!(
        "  a second relay over a copy of its data serves the baseline build in {}…",
        baseline_dist.display()
    );
    let baseline_server = server.copy_serving(&baseline_dist).await?;
    let device = Device::open_with_wait("bench", server.port(), WAIT).await?;
    let baseline_device = Device::open_with_wait("baseline", baseline_server.port(), WAIT).await?;
    let baseline = Baseline {
        device: &baseline_device,
        dist: &baseline_dist,
    };
    let outcome = measure(&device, accounts, Some(baseline)).await;
    let closed = baseline_device.close().await;
    device.close().await?;
    closed?;
    outcome
}

/// The build measured beside this one, on its own device.
#[derive(Clone, Copy)]
struct Baseline<'a> {
    device: &'a Device,
    dist: &'a std::path::Path,
}

/// One build's start-ups: the marks' times of each load, and its long tasks.
#[derive(Default)]
struct Startups {
    first_list: Vec<f64>,
    all_rows: Vec<f64>,
    long_tasks: usize,
    longest_task: f64,
    /// Where each load's time went, from the navigation's start (ms): the service worker
    /// running, the page's HTML arriving, the first screen's module fetched, the first list.
    phases: Vec<Value>,
}

/// Signs `device` in as the manager and waits for every account, synced; the time it took.
async fn download(device: &Device, accounts: usize) -> HarnessResult<Duration> {
    let began = Instant::now();
    device.sign_in("manon@demo.carnet.test").await?;
    device
        .wait_for_text("#accounts-count", &accounts.to_string())
        .await?;
    device.wait_until_synced().await?;
    Ok(began.elapsed())
}

/// One start-up of the app on `device` (reloaded, or opened from an empty page when
/// `from_blank`), read from its marks once every account is listed; added to `startups`.
async fn start_up(
    device: &Device,
    accounts: usize,
    from_blank: bool,
    startups: &mut Startups,
) -> HarnessResult {
    if from_blank {
        device.goto("/").await?;
    } else {
        device.reload().await?;
    }
    device
        .wait_for_text("#accounts-count", &accounts.to_string())
        .await?;
    let marks = device
        .evaluate(
            "return new Promise((resolve) => {
               const given = performance.now() + 120000;
               const read = () => {
                 const first = performance.getEntriesByName('carnet:first-list')[0];
                 const all = performance.getEntriesByName('carnet:all-rows')[0];
                 if (!first || !all) {
                   // A build without the marks: said rather than waited for.
                   if (performance.now() > given) return resolve(null);
                   return setTimeout(read, 20);
                 }
                 // Long tasks are kept in a buffer an observer can read afterwards.
                 const seen = [];
                 const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
                 observer.observe({ type: 'longtask', buffered: true });
                 setTimeout(() => {
                   const tasks = seen.filter((t) => t.startTime <= all.startTime);
                   observer.disconnect();
                   const navigation = performance.getEntriesByType('navigation')[0];
                   const module = performance.getEntriesByType('resource')
                     .find((entry) => entry.name.includes('/client-') && entry.name.endsWith('_bg.wasm'));
                   resolve([first.startTime, all.startTime, tasks.length,
                            Math.max(0, ...tasks.map((t) => t.duration)),
                            {
                              service_worker_started: navigation ? navigation.workerStart : null,
                              html_arrived: navigation ? navigation.responseStart : null,
                              ui_module_fetched: module ? module.responseEnd : null,
                              first_list: first.startTime,
                            }]);
                 }, 50);
               };
               read();
             });",
        )
        .await?;
    if marks.is_null() {
        return Err(HarnessError::Unexpected(
            "the page set no carnet:first-list and carnet:all-rows marks within 120 s".to_owned(),
        ));
    }
    let number = |index: usize| marks.get(index).and_then(Value::as_f64).unwrap_or(f64::NAN);
    startups.first_list.push(number(0));
    startups.all_rows.push(number(1));
    startups.long_tasks += number(2) as usize;
    startups.longest_task = startups.longest_task.max(number(3));
    startups
        .phases
        .push(marks.get(4).cloned().unwrap_or(Value::Null));
    Ok(())
}

async fn measure(
    device: &Device,
    accounts: usize,
    baseline: Option<Baseline<'_>>,
) -> HarnessResult {
    let bootstrap = download(device, accounts).await?;
    eprintln!(
        "  downloaded in {:.1} s; reloading {RELOADS} times…",
        bootstrap.as_secs_f64()
    );
    let mut startups = Startups::default();
    let mut compared = None;
    match baseline {
        None => {
            for _ in 0..RELOADS {
                start_up(device, accounts, false, &mut startups).await?;
            }
        }
        Some(baseline) => {
            // One app open at a time: the other device waits on an empty page, its worker
            // stopped, so the two builds never share the cores while one is measured.
            device.blank().await?;
            let baseline_bootstrap = download(baseline.device, accounts).await?;
            baseline.device.blank().await?;
            eprintln!(
                "  the baseline downloaded in {:.1} s; opening each build {RELOADS} times, \
                 alternating…",
                baseline_bootstrap.as_secs_f64()
            );
            let mut theirs = Startups::default();
            for round in 0..RELOADS {
                // Each build goes first in every other round.
                let order = if round % 2 == 0 {
                    [true, false]
                } else {
                    [false, true]
                };
                for ours in order {
                    let (measured, into) = if ours {
                        (device, &mut startups)
                    } else {
                        (baseline.device, &mut theirs)
                    };
                    start_up(measured, accounts, true, into).await?;
                    measured.blank().await?;
                }
            }
            // The rest is measured on this build alone: its app open again.
            device.goto("/").await?;
            device
                .wait_for_text("#accounts-count", &accounts.to_string())
                .await?;
            compared = Some((baseline, baseline_bootstrap, theirs));
        }
    }
    let Startups {
        mut first_list,
        mut all_rows,
        long_tasks,
        longest_task,
        phases,
    } = startups;
    eprintln!("  reading the documents, then scrolling…");
    // The peer: reading every stored document's bytes (no parsing at all).
    let mut documents_read = Vec::new();
    for _ in 0..RELOADS {
        let elapsed = device
            .evaluate(
                "return new Promise((resolve) => {
                   const start = performance.now();
                   const open = indexedDB.open('carnet');
                   open.onsuccess = () => {
                     const request = open.result.transaction('documents').objectStore('documents').getAll();
                     request.onsuccess = () => { open.result.close(); resolve(performance.now() - start); };
                   };
                 });",
            )
            .await?;
        documents_read.push(elapsed.as_f64().unwrap_or(f64::NAN));
    }
    let scroll = device
        .evaluate(
            "return new Promise((resolve) => {
               const tasks = [];
               const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
               observer.observe({ type: 'longtask' });
               const step = () => {
                 const bottom = document.documentElement.scrollHeight - innerHeight;
                 if (scrollY >= bottom - 1) {
                   setTimeout(() => {
                     observer.disconnect();
                     resolve([tasks.length, Math.max(0, ...tasks.map((t) => t.duration)),
                              document.querySelectorAll('.account-row').length]);
                   }, 200);
                   return;
                 }
                 scrollBy(0, innerHeight * 2);
                 requestAnimationFrame(step);
               };
               requestAnimationFrame(step);
             });",
        )
        .await?;
    eprintln!("  copying the rows for search…");
    // Search over five times the workspace: the rows are copied with new ids and suffixed names
    // straight into the index stores (downloading 50,000 accounts would measure the relay).
    let copies = device
        .evaluate(
            "return new Promise((resolve, reject) => {
               const open = indexedDB.open('carnet');
               open.onsuccess = () => {
                 const db = open.result;
                 const stores = ['account_index', 'contact_index', 'deal_index'];
                 const read = db.transaction(stores);
                 const rows = {};
                 let pending = stores.length;
                 for (const store of stores) {
                   const request = read.objectStore(store).getAll();
                   request.onsuccess = () => { rows[store] = request.result; if (--pending === 0) write(); };
                 }
                 const write = () => {
                   const tx = db.transaction([...stores, 'search_journal', 'search_saved'], 'readwrite');
                   let written = 0;
                   for (let copy = 2; copy <= 5; copy++) {
                     for (const store of stores) {
                       for (const row of rows[store]) {
                         const clone = structuredClone(row);
                         clone.id = crypto.randomUUID();
                         if ('name' in clone) { clone.name += ' ' + copy; clone.sort_name += ' ' + copy; }
                         if ('display_name' in clone) clone.display_name += ' ' + copy;
                         if ('title' in clone) clone.title += ' ' + copy;
                         tx.objectStore(store).put(clone);
                         written++;
                       }
                     }
                   }
                   // Rows written behind the app's back: the search journal is told that
                   // any row may have changed, as a rebuild or a wipe tells it, and the saved
                   // index is dropped, so the next opening measures a build from every row.
                   tx.objectStore('search_journal').add('*');
                   tx.objectStore('search_saved').clear();
                   tx.oncomplete = () => { db.close(); resolve(written); };
                   tx.onerror = () => reject(tx.error && tx.error.message);
                 };
               };
             });",
        )
        .await?;
    // The first opening builds the index from every row and saves it; the next ones load the
    // saved copy. Both are timed from the page's navigation.
    let search_ready = "return new Promise((resolve) => {
           const read = () => {
             const ready = performance.getEntriesByName('carnet:search-ready')[0];
             if (!ready) return setTimeout(read, 50);
             resolve(ready.startTime);
           };
           read();
         });";
    device.goto("/search").await?;
    device.wait_for("#search-box").await?;
    let built = device.evaluate(search_ready).await?;
    device
        .evaluate(
            "return new Promise((resolve) => {
               const open = indexedDB.open('carnet');
               open.onsuccess = () => {
                 const db = open.result;
                 const look = () => {
                   const request = db.transaction('search_journal').objectStore('search_journal').getAll();
                   request.onsuccess = () => {
                     if (request.result.includes('*')) return setTimeout(look, 200);
                     db.close();
                     resolve(true);
                   };
                 };
                 look();
               };
             });",
        )
        .await?;
    let mut loaded = Vec::new();
    for _ in 0..RELOADS {
        device.reload().await?;
        device.wait_for("#search-box").await?;
        loaded.push(
            device
                .evaluate(search_ready)
                .await?
                .as_f64()
                .unwrap_or(f64::NAN),
        );
    }
    let search_box = device.wait_for("#search-box").await?;
    let typed = ["boulangerie lyon", "pharmacie", "garage mar", "cave"];
    for query in typed {
        search_box.clear().await?;
        for character in query.chars() {
            search_box.send_keys(&character.to_string()).await?;
        }
    }
    let keystrokes = device
        .evaluate(
            "return performance.getEntriesByName('carnet:search-keystroke').map((m) => m.duration);",
        )
        .await?;
    let mut keystrokes: Vec<f64> = keystrokes
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    keystrokes.sort_by(f64::total_cmp);
    let percentile = |values: &[f64], share: f64| {
        values
            .get(((values.len() as f64 * share).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let search = serde_json::json!({
        "accounts": accounts * 5,
        "rows_copied": copies,
        "index_built_ms_after_opening_without_a_saved_copy": built,
        "index_ready_ms_after_opening_median": median(&mut loaded),
        "index_ready_ms_after_opening_all": loaded,
        "keystrokes": keystrokes.len(),
        "keystroke_ms_p50": percentile(&keystrokes, 0.5),
        "keystroke_ms_p95": percentile(&keystrokes, 0.95),
        "keystroke_ms_max": keystrokes.last(),
    });
    let first_list_all = first_list.clone();
    let all_rows_all = all_rows.clone();
    let first = median(&mut first_list);
    let all = median(&mut all_rows);
    let documents = median(&mut documents_read);
    let mut report = serde_json::json!({
        "accounts": accounts,
        "bootstrap_seconds": bootstrap.as_secs_f64(),
        "first_list_ms_median": first,
        "all_rows_ms_median": all,
        "read_all_documents_ms_median": documents,
        "first_list_over_reading_documents": first / documents,
        "long_tasks_during_startups": long_tasks,
        "longest_task_ms_during_startups": longest_task,
        "long_tasks_while_scrolling": scroll.get(0),
        "longest_task_ms_while_scrolling": scroll.get(1),
        "rows_in_the_page_at_the_bottom": scroll.get(2),
        "reloads": RELOADS,
        "phases_ms_all": phases,
        "search": search,
    });
    let table = compared.map(|(baseline, baseline_bootstrap, mut theirs)| {
        let ours = Compared {
            first_list: first,
            all_rows: all,
            long_tasks,
            longest_task,
            bootstrap_s: bootstrap.as_secs_f64(),
        };
        let baseline_first = median(&mut theirs.first_list);
        let baseline_all = median(&mut theirs.all_rows);
        let compared = json!({
            "dist_dir": baseline.dist.display().to_string(),
            "bootstrap_seconds": baseline_bootstrap.as_secs_f64(),
            "first_list_ms_median": baseline_first,
            "all_rows_ms_median": baseline_all,
            "first_list_ms_all": theirs.first_list,
            "all_rows_ms_all": theirs.all_rows,
            "long_tasks_during_startups": theirs.long_tasks,
            "longest_task_ms_during_startups": theirs.longest_task,
            "phases_ms_all": theirs.phases,
        });
        if let Value::Object(fields) = &mut report {
            // Loads in the order measured, alternating with the baseline's.
            fields.insert("first_list_ms_all".to_owned(), json!(first_list_all));
            fields.insert("all_rows_ms_all".to_owned(), json!(all_rows_all));
            fields.insert("baseline".to_owned(), compared);
        }
        let theirs = Compared {
            first_list: baseline_first,
            all_rows: baseline_all,
            long_tasks: theirs.long_tasks,
            longest_task: theirs.longest_task,
            bootstrap_s: baseline_bootstrap.as_secs_f64(),
        };
        (baseline.dist.display().to_string(), ours, theirs)
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report)
            .map_err(|e| HarnessError::Unexpected(e.to_string()))?
    );
    if let Some((dist, ours, theirs)) = table {
        print_comparison(accounts, &dist, &ours, &theirs);
    }
    let directory = tests::workspace_root().join("target/bench");
    std::fs::create_dir_all(&directory)
        .map_err(|source| HarnessError::io("cannot create target/bench", source))?;
    std::fs::write(directory.join("startup.json"), report.to_string())
        .map_err(|source| HarnessError::io("cannot write the report", source))?;
    Ok(())
}

/// One build's start-up figures, for the side-by-side table.
struct Compared {
    first_list: f64,
    all_rows: f64,
    long_tasks: usize,
    longest_task: f64,
    bootstrap_s: f64,
}

/// This build and the baseline side by side, with this build's figure over the baseline's.
fn print_comparison(accounts: usize, dist: &str, ours: &Compared, theirs: &Compared) {
    println!(
        "Start-up with {accounts} accounts: this build against the baseline ({dist}), \
         {RELOADS} loads each, alternating"
    );
    println!(
        "{:<34} {:>11} {:>11} {:>9}",
        "", "this build", "baseline", "ratio"
    );
    let rows: [(&str, f64, f64, usize); 5] = [
        (
            "first list ms (median)",
            ours.first_list,
            theirs.first_list,
            0,
        ),
        ("all rows ms (median)", ours.all_rows, theirs.all_rows, 0),
        (
            "long tasks (all loads)",
            ours.long_tasks as f64,
            theirs.long_tasks as f64,
            0,
        ),
        ("longest task ms", ours.longest_task, theirs.longest_task, 0),
        (
            "first download s (not compared)",
            ours.bootstrap_s,
            theirs.bootstrap_s,
            1,
        ),
    ];
    for (label, ours, theirs, decimals) in rows {
        // No ratio to a baseline of nothing (no long task).
        let ratio = if theirs > 0.0 {
            format!("{:.2}x", ours / theirs)
        } else {
            "-".to_owned()
        };
        println!("{label:<34} {ours:>11.decimals$} {theirs:>11.decimals$} {ratio:>9}");
    }
}
