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
//! Run with `cargo xtask bench` (it builds the client and the optimised server first);
//! `CARNET_BENCH_ACCOUNTS` changes the number of accounts (default 10,000).

use std::time::{Duration, Instant};

use serde_json::Value;
use tests::{Device, HarnessError, HarnessResult, TestServer};

const RELOADS: usize = 5;

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
    eprintln!("start-up bench: seeding {accounts} demo accounts…");
    let seeding = Instant::now();
    let server = TestServer::start_demo(accounts).await?;
    eprintln!("  relay seeded in {:.1} s", seeding.elapsed().as_secs_f64());
    let device = Device::open_with_wait("bench", server.port(), Duration::from_secs(900)).await?;
    let outcome = measure(&device, accounts).await;
    device.close().await?;
    outcome
}

async fn measure(device: &Device, accounts: usize) -> HarnessResult {
    let bootstrap = Instant::now();
    device.sign_in("manon@demo.carnet.test").await?;
    device
        .wait_for_text("#accounts-count", &accounts.to_string())
        .await?;
    device.wait_until_synced().await?;
    let bootstrap = bootstrap.elapsed();
    eprintln!(
        "  downloaded in {:.1} s; reloading {RELOADS} times…",
        bootstrap.as_secs_f64()
    );

    let mut first_list = Vec::new();
    let mut all_rows = Vec::new();
    let mut long_tasks = 0;
    let mut longest_task: f64 = 0.0;
    for _ in 0..RELOADS {
        device.reload().await?;
        device
            .wait_for_text("#accounts-count", &accounts.to_string())
            .await?;
        let marks = device
            .evaluate(
                "return new Promise((resolve) => {
                   const read = () => {
                     const first = performance.getEntriesByName('carnet:first-list')[0];
                     const all = performance.getEntriesByName('carnet:all-rows')[0];
                     if (!first || !all) return setTimeout(read, 20);
                     // Long tasks are kept in a buffer an observer can read afterwards.
                     const seen = [];
                     const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
                     observer.observe({ type: 'longtask', buffered: true });
                     setTimeout(() => {
                       const tasks = seen.filter((t) => t.startTime <= all.startTime);
                       observer.disconnect();
                       resolve([first.startTime, all.startTime, tasks.length,
                                Math.max(0, ...tasks.map((t) => t.duration))]);
                     }, 50);
                   };
                   read();
                 });",
            )
            .await?;
        let number = |index: usize| marks.get(index).and_then(Value::as_f64).unwrap_or(f64::NAN);
        first_list.push(number(0));
        all_rows.push(number(1));
        long_tasks += number(2) as usize;
        longest_task = longest_task.max(number(3));
    }
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
    let first = median(&mut first_list);
    let all = median(&mut all_rows);
    let documents = median(&mut documents_read);
    let report = serde_json::json!({
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
        "search": search,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report)
            .map_err(|e| HarnessError::Unexpected(e.to_string()))?
    );
    let directory = tests::workspace_root().join("target/bench");
    std::fs::create_dir_all(&directory)
        .map_err(|source| HarnessError::io("cannot create target/bench", source))?;
    std::fs::write(directory.join("startup.json"), report.to_string())
        .map_err(|source| HarnessError::io("cannot write the report", source))?;
    Ok(())
}
