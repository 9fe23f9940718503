//! What the app and the harness survive: a relay SIGKILLed in the middle of a large upload, a
//! link that goes silent without a reset (only the app's heartbeat can notice), and a test that
//! panics with a browser open (the harness still ends every process it started).

use std::time::Duration;

use tests::{survivors, Device, HarnessError, HarnessResult, TestServer};

use crate::import::{pick_file, wait_for_text_containing};
use crate::sync::{account_id, offline_label, MANON, REMI};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace.
const DEMO_ACCOUNTS: usize = 4;
/// Rows of the imported spreadsheet: a few thousand changes, several pushed batches.
const IMPORTED_ROWS: usize = 3_000;
/// Long enough for a heartbeat to notice a dead link (at most 30 s) and a reconnection's
/// backoff, on a machine busy with other browsers.
const SLOW_WAIT: Duration = Duration::from_secs(90);

/// Polls `condition` every 100 ms until it holds, for at most `limit`.
async fn wait_until<F, Fut>(what: &str, limit: Duration, mut condition: F) -> HarnessResult
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = HarnessResult<bool>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if condition().await? {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(HarnessError::Timeout {
                what: what.to_owned(),
                limit,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A test body that opens a device, reports its marker and the processes carrying it, and
/// panics with the device still open.
async fn open_then_panic(
    port: u16,
    report: tokio::sync::oneshot::Sender<(String, Vec<tests::Survivor>)>,
) -> HarnessResult {
    let device = Device::open("doomed", port).await?;
    device.goto("/").await?;
    device.wait_for("#sign-in-email").await?;
    let running = survivors(device.marker());
    let _receiver_waits = report.send((device.marker().to_owned(), running));
    panic!("a test fails with its browser open")
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run `cargo xtask test`"]
async fn a_test_that_panics_with_a_device_open_leaves_no_browser_or_driver_behind() -> HarnessResult
{
    let server = TestServer::start().await?;
    let port = server.port();
    let (report, reported) = tokio::sync::oneshot::channel();
    let doomed = tokio::spawn(open_then_panic(port, report));
    let joined = doomed.await;
    if !joined.as_ref().is_err_and(tokio::task::JoinError::is_panic) {
        return Err(unexpected(format!(
            "the test did not panic as planned: {joined:?}"
        )));
    }
    let (marker, running) = reported
        .await
        .map_err(|_| unexpected("the device never opened"))?;
    // The marker reaches ChromeDriver and the browser it starts, or this test proves nothing.
    let driver = running
        .iter()
        .any(|process| process.command.contains("chromedriver"));
    let browser = running.iter().any(|process| {
        process.command.contains("chrom") && !process.command.contains("chromedriver")
    });
    if !driver || !browser {
        return Err(unexpected(format!(
            "the device's processes do not all carry its marker: {running:?}"
        )));
    }
    // Killed processes take a moment to go; a live one left behind never does.
    let marker = marker.as_str();
    let left = wait_until(
        "the device's processes to end",
        tests::WAIT_LIMIT,
        || async move { Ok(survivors(marker).is_empty()) },
    )
    .await;
    if left.is_err() {
        return Err(unexpected(format!(
            "processes outlived the panicking test: {:?}",
            survivors(marker)
        )));
    }
    Ok(())
}

/// A spreadsheet of `rows` accounts whose names the import guesses ("Raison sociale").
fn large_spreadsheet(directory: &tempfile::TempDir, rows: usize) -> HarnessResult<String> {
    let mut csv = String::from("Raison sociale;Ville\n");
    for row in 1..=rows {
        csv.push_str(&format!("Maison {row:05};Lyon\n"));
    }
    let path = directory.path().join("large.csv");
    std::fs::write(&path, csv)
        .map_err(|source| HarnessError::io("cannot write the spreadsheet", source))?;
    Ok(path.display().to_string())
}

/// The number in "Offline · N to sync".
fn waiting_changes(label: &str) -> HarnessResult<u64> {
    label
        .split_whitespace()
        .find_map(|word| word.replace([',', '\u{202f}', '\u{a0}'], "").parse().ok())
        .ok_or_else(|| unexpected(format!("no count of changes in {label:?}")))
}

#[tokio::test]
#[ignore = "needs the built client, the server binary and Chromium (cargo xtask test)"]
async fn a_relay_killed_during_a_large_upload_gets_every_change_once_it_restarts() -> HarnessResult
{
    let test = "relay_killed_during_upload";
    let mut server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open_with_wait("tablet", server.port(), SLOW_WAIT).await?;
    let laptop = Device::open_with_wait("laptop", server.port(), SLOW_WAIT).await?;
    let files = tempfile::tempdir().map_err(|source| HarnessError::io("tempdir", source))?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        laptop.sign_in(REMI).await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;

        // A large import made offline: every row's change waits in the outbox.
        tablet.go_offline().await?;
        tablet.click("#accounts-import-link a").await?;
        pick_file(
            &tablet,
            "#import-file",
            &large_spreadsheet(&files, IMPORTED_ROWS)?,
        )
        .await?;
        // Once the 3,000 rows are read the button is enabled; it sits at the window's edge.
        tablet.wait_for("#import-review:not([disabled])").await?;
        crate::records::click_in_view(&tablet, "#import-review").await?;
        tablet
            .wait_for_text(
                "#import-summary-create",
                &format!("{IMPORTED_ROWS} new records"),
            )
            .await?;
        tablet.click("#import-start").await?;
        wait_for_text_containing(
            &tablet,
            "#import-outcome",
            &format!("Imported: {IMPORTED_ROWS} new"),
        )
        .await?;
        let waiting = waiting_changes(&offline_label(&tablet).await?)?;
        if waiting < IMPORTED_ROWS as u64 {
            return Err(unexpected(format!(
                "{waiting} changes wait for {IMPORTED_ROWS} imported rows"
            )));
        }
        let logged_before = server.metric("carnet_log_changes").await?;

        // The network returns; the relay dies once it has stored part of the upload.
        tablet.go_online().await?;
        {
            let server = &server;
            wait_until(
                "the relay to store a first batch",
                SLOW_WAIT,
                || async move { Ok(server.metric("carnet_changes_stored_total").await? > 0) },
            )
            .await?;
        }
        server.kill().await?;
        // Nothing reaches the restarted relay before its log is counted (the tablet's socket
        // already died with the relay: the cut changes nothing for it).
        tablet.link().go_offline();
        server.restart().await?;
        let logged_at_kill = server.metric("carnet_log_changes").await? - logged_before;
        tablet.link().go_online();
        if logged_at_kill >= waiting {
            return Err(unexpected(format!(
                "the upload of {waiting} changes was over before the kill"
            )));
        }
        tablet.screenshot(test, "1-relay-restarted").await?;

        // The tablet finishes its upload; the relay keeps each change once.
        tablet.wait_until_synced().await?;
        let logged = server.metric("carnet_log_changes").await? - logged_before;
        if logged != waiting {
            return Err(unexpected(format!(
                "the log gained {logged} changes for {waiting} uploaded \
                 ({logged_at_kill} stored before the kill)"
            )));
        }
        // The other device has every imported account, no more, no fewer.
        laptop
            .wait_for_text(
                "#accounts-count",
                &(DEMO_ACCOUNTS + IMPORTED_ROWS).to_string(),
            )
            .await?;
        laptop.wait_until_synced().await?;
        laptop.screenshot(test, "2-laptop-has-everything").await?;
        eprintln!(
            "{test}: {waiting} changes, {logged_at_kill} stored before the SIGKILL, \
             {logged} in the log after the restart"
        );
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client, the server binary and Chromium (cargo xtask test)"]
async fn a_silent_link_is_noticed_by_the_heartbeat_and_replaced_by_a_new_connection(
) -> HarnessResult {
    let test = "silent_link";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open_with_wait("tablet", server.port(), SLOW_WAIT).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        laptop.sign_in(REMI).await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;
        let connections_before = tablet.link().sync_connections();

        // Packets stop, nothing is reset: the tablet's socket still looks open.
        tablet.link().set_silent(true);
        laptop.fill("#account-name", "Maison du Silence").await?;
        laptop.fill("#account-city", "Brest").await?;
        laptop.click("#create-account").await?;
        laptop.wait_until_synced().await?;

        // Only the heartbeat can tell: the indicator leaves "Synced".
        let watched = &tablet;
        wait_until(
            "the tablet to notice the silence",
            SLOW_WAIT,
            || async move {
                let shown = watched.texts("#sync-status").await?;
                Ok(!shown.iter().any(|text| text.trim() == "Synced"))
            },
        )
        .await?;
        tablet.screenshot(test, "1-silence-noticed").await?;

        tablet.link().set_silent(false);
        account_id(&tablet, "Maison du Silence").await?;
        tablet.wait_until_synced().await?;
        let connections_after = tablet.link().sync_connections();
        if connections_after <= connections_before {
            return Err(unexpected(format!(
                "the change came without a new connection ({connections_before} sync \
                 connections before the silence, {connections_after} after)"
            )));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}
