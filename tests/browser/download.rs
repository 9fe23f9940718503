//! A new device's first download: the rep is not made to wait for it. While a 2,000-account
//! workspace arrives over a poor connection, the list scrolls, search answers what has arrived,
//! and the page keeps painting; the Long Tasks API counts what blocked the page meanwhile (the
//! 50 ms target itself is the first-sync benchmark's, never a timed assert here).

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::MANON;
use crate::{finish, unexpected};

/// Accounts in the workspace the device downloads.
const ACCOUNTS: usize = 2_000;

/// How long the emulated field connection holds every byte, then lets them move. Poor enough
/// that the download outlasts the rep's scrolling and searching with room to spare: measured
/// quiet and under load, the rep is done after 3–4 s and the download would end after 12–14 s.
/// (At 300/150 ms it ended after about 4 s, and once, in a full run of the suite, first.)
const HELD: Duration = Duration::from_millis(1000);
const MOVING: Duration = Duration::from_millis(100);

/// The bound on the whole download once the connection is good again.
const DOWNLOAD_LIMIT: Duration = Duration::from_secs(600);

/// Installed on the sign-in page (sign-in does not navigate): records long tasks and counts the
/// frames the page paints.
const INSTRUMENT: &str = "
    window.carnetLongTasks = [];
    new PerformanceObserver((list) => window.carnetLongTasks.push(...list.getEntries()))
        .observe({ type: 'longtask', buffered: true });
    window.carnetFrames = 0;
    const tick = () => { window.carnetFrames += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    return true;";

/// Whether the page's sync indicator still shows work in progress.
async fn still_downloading(device: &Device) -> HarnessResult<bool> {
    let status = device
        .evaluate("return (document.querySelector('#sync-status')?.textContent ?? '').trim();")
        .await?;
    Ok(status != "Synced")
}

/// The frames the page has painted since it was instrumented.
async fn frames(device: &Device) -> HarnessResult<u64> {
    let frames = device.evaluate("return window.carnetFrames;").await?;
    frames
        .as_u64()
        .ok_or_else(|| unexpected(format!("no frame counter: {frames}")))
}

/// The rep's part: scrolls the list and searches while the download runs.
async fn use_the_app_meanwhile(device: &Device) -> HarnessResult {
    device.wait_for(".account-row").await?;
    let listed = device
        .evaluate("return Number(document.querySelector('#accounts-count')?.textContent ?? 0);")
        .await?;
    if listed
        .as_u64()
        .is_some_and(|listed| listed >= ACCOUNTS as u64)
    {
        return Err(unexpected(
            "the whole workspace was listed before the rep could touch the page: nothing was tested",
        ));
    }
    let painted_before = frames(device).await?;

    // Scroll half-way down what is listed; the window of rendered rows follows.
    let scrolled = device
        .evaluate(
            "window.scrollTo(0, document.documentElement.scrollHeight / 2);
             return window.scrollY;",
        )
        .await?;
    if scrolled.as_f64().is_none_or(|y| y <= 0.0) {
        return Err(unexpected(format!("the list did not scroll: {scrolled}")));
    }
    let mut rows_in_view = Value::Null;
    for _ in 0..100 {
        rows_in_view = device
            .evaluate(
                "return [...document.querySelectorAll('.account-row')]
                   .filter((row) => { const box = row.getBoundingClientRect();
                                      return box.top >= 0 && box.bottom <= window.innerHeight; })
                   .map((row) => row.querySelector('.account-name').textContent);",
            )
            .await?;
        if rows_in_view.as_array().is_some_and(|rows| !rows.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let name = rows_in_view
        .as_array()
        .and_then(|rows| rows.first())
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| unexpected("no account row in view after scrolling"))?;

    // "/" opens search; the rep types the start of a name seen in the list, key by key.
    device.wait_for("body").await?.send_keys("/").await?;
    let search = device.wait_for("#search-box").await?;
    let query: String = name
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    for character in query.chars() {
        search.send_keys(&character.to_string()).await?;
    }
    device
        .wait_for_text(".search-hit .search-title", &name)
        .await?;
    search.send_keys(&Key::Escape.to_string()).await?;

    let painted_after = frames(device).await?;
    if painted_after <= painted_before {
        return Err(unexpected(format!(
            "the page painted no frame while the rep scrolled and searched ({painted_before} → {painted_after})"
        )));
    }
    if !still_downloading(device).await? {
        return Err(unexpected(
            "the download ended before the rep had scrolled and searched: nothing was tested",
        ));
    }
    Ok(())
}

/// A connection that holds every byte for a while, then lets them through, for ever.
async fn poor_connection(device: &Device) {
    loop {
        device.link().set_silent(true);
        tokio::time::sleep(HELD).await;
        device.link().set_silent(false);
        tokio::time::sleep(MOVING).await;
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_new_device_downloading_two_thousand_accounts_still_scrolls_and_searches() -> HarnessResult
{
    let test = "download";
    let server = TestServer::start_demo(ACCOUNTS).await?;
    let device = Device::open_with_wait("download", server.port(), DOWNLOAD_LIMIT).await?;
    let outcome = async {
        device.goto("/").await?;
        device.evaluate(INSTRUMENT).await?;
        device.fill("#sign-in-email", MANON).await?;
        device
            .fill("#sign-in-password", tests::DEMO_PASSWORD)
            .await?;
        device.click("#sign-in").await?;

        let interaction = tokio::select! {
            outcome = use_the_app_meanwhile(&device) => outcome,
            () = poor_connection(&device) => Ok(()),
        };
        device.link().set_silent(false);
        interaction?;

        // Nothing was lost to the interruptions: every account arrives and is listed.
        device.click(".app-nav a[href='/']").await?;
        device.wait_until_synced().await?;
        device
            .wait_for_text("#accounts-count", &ACCOUNTS.to_string())
            .await?;

        let tasks = device
            .evaluate(
                "const tasks = window.carnetLongTasks;
                 return [tasks.length,
                         Math.max(0, ...tasks.map((task) => task.duration)),
                         tasks.reduce((sum, task) => sum + task.duration, 0)];",
            )
            .await?;
        eprintln!(
            "{test}: long tasks on the page's thread from sign-in to synced [count, longest ms, total ms] = {tasks}"
        );
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&device], outcome).await;
    device.close().await?;
    outcome
}
