//! What the device keeps no matter what: a tab killed right after a save, two tabs editing at
//! once, a week of offline edits, a full disk, and a sign-out with unsynced changes.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::{
    account_id, offline_label, open_account, type_at_end, value, wait_for_value, MANON, REMI,
};
use crate::{finish, unexpected};

/// Both devices signed in and synced, an account `name` created on the tablet and listed on
/// the laptop; returns its id.
async fn signed_in_with_account(
    tablet: &Device,
    laptop: &Device,
    name: &str,
) -> HarnessResult<String> {
    tablet.sign_in(MANON).await?;
    laptop.sign_in(REMI).await?;
    tablet.fill("#account-name", name).await?;
    tablet.fill("#account-city", "Nantes").await?;
    tablet.click("#create-account").await?;
    let id = account_id(tablet, name).await?;
    tablet.wait_until_synced().await?;
    account_id(laptop, name).await?;
    Ok(id)
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_tab_killed_right_after_a_save_reopens_with_the_change_and_syncs_it() -> HarnessResult {
    let test = "tab_killed_after_save";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        let id = signed_in_with_account(&tablet, &laptop, "Fromagerie Dupont").await?;
        open_account(&tablet, &id).await?;
        tablet.go_offline().await?;
        type_at_end(&tablet, "#edit-notes", "Livraison le mardi.").await?;
        // "Offline · N to sync": the save completed and its changes wait in the outbox.
        offline_label(&tablet).await?;
        tablet.crash_tab().await?;

        tablet.goto(&format!("/accounts/{id}")).await?;
        wait_for_value(&tablet, "#edit-notes", "came back", |v| {
            v == "Livraison le mardi."
        })
        .await?;
        offline_label(&tablet).await?;
        tablet.screenshot(test, "1-reopened-offline").await?;
        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        open_account(&laptop, &id).await?;
        wait_for_value(&laptop, "#edit-notes", "received the note", |v| {
            v == "Livraison le mardi."
        })
        .await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn two_tabs_of_one_device_editing_at_once_lose_nothing() -> HarnessResult {
    let test = "two_tabs_edit";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        let id = signed_in_with_account(&tablet, &laptop, "Garage Martin").await?;
        open_account(&tablet, &id).await?;
        let (first, second) = tablet.open_tab(&format!("/accounts/{id}")).await?;
        tablet.wait_for("#edit-notes").await?;
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
        for (turn, word) in words.iter().enumerate() {
            // Alternate tabs without waiting for the other tab to show the previous word.
            tablet
                .switch_to(if turn % 2 == 0 {
                    first.clone()
                } else {
                    second.clone()
                })
                .await?;
            type_at_end(&tablet, "#edit-notes", &format!("{word} ")).await?;
            type_at_end(&tablet, "#edit-city", &format!(" {turn}")).await?;
        }
        for handle in [first.clone(), second.clone()] {
            tablet.switch_to(handle).await?;
            wait_for_value(&tablet, "#edit-notes", "holds every word", |v| {
                words.iter().all(|word| v.contains(word))
            })
            .await?;
        }
        tablet.screenshot(test, "1-second-tab").await?;

        // The leader tab closes: the other one takes over syncing.
        tablet.switch_to(first).await?;
        tablet.close_tab(second).await?;
        tablet.reload().await?;
        type_at_end(&tablet, "#edit-notes", "golf").await?;
        tablet.wait_until_synced().await?;
        open_account(&laptop, &id).await?;
        let notes = wait_for_value(&laptop, "#edit-notes", "received every word", |v| {
            words.iter().all(|word| v.contains(word)) && v.contains("golf")
        })
        .await?;
        let city = value(&laptop, "#edit-city").await?;
        if !(0..6).all(|turn| city.contains(&turn.to_string())) {
            return Err(unexpected(format!(
                "the city lost a tab's typing: {city:?} ({notes:?})"
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

/// Starts a typist in the current tab that types `letters` one at a time at the end of the
/// account's notes, every `pause_ms`, like a rep would (the field's value, then an `input`
/// event), and asks the other tab's typist for one of its letters after every third. With
/// `answering` it is that other typist: it types one of `letters` whenever asked (messages
/// between tabs are not throttled in a background tab, timers are).
fn start_notes_typist(letters: &str, pause_ms: u32, answering: bool) -> HarnessResult<String> {
    let letters = serde_json::to_string(letters).map_err(|e| unexpected(e.to_string()))?;
    Ok(format!(
        "const letters = [...{letters}];
         const channel = new BroadcastChannel('carnet-test-typists');
         let typed = 0;
         const type = () => {{
           const field = document.querySelector('#edit-notes');
           if (!field || typed >= letters.length) return false;
           const letter = letters[typed];
           typed += 1;
           field.value = field.value + letter;
           field.dispatchEvent(new InputEvent('input', {{ bubbles: true, inputType: 'insertText', data: letter }}));
           return true;
         }};
         if ({answering}) {{
           channel.onmessage = () => type();
         }} else {{
           const step = () => {{
             if (!type()) return;
             if (typed % 3 === 0) channel.postMessage('type');
             setTimeout(step, {pause_ms});
           }};
           setTimeout(step, {pause_ms});
         }}
         return true;"
    ))
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_tab_typing_on_notes_it_was_shown_before_another_tabs_keystroke_keeps_it() -> HarnessResult
{
    let test = "two_tabs_one_field";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.fill("#account-name", "Quincaillerie Roux").await?;
        tablet.fill("#account-city", "Nantes").await?;
        tablet.click("#create-account").await?;
        let id = account_id(&tablet, "Quincaillerie Roux").await?;
        open_account(&tablet, &id).await?;
        let (first, second) = tablet.open_tab(&format!("/accounts/{id}")).await?;
        tablet.wait_for("#edit-notes").await?;
        // The second tab types a digit each time the first has typed three letters: each digit
        // is stored while the first tab types on, on the notes it was shown before the digit
        // (a tab re-reads a record only once its own edits are answered).
        let (letters, digits) = ("abcdefghijklmnopqrstuvwx", "01234567");
        tablet
            .evaluate(&start_notes_typist(digits, 0, true)?)
            .await?;
        tablet.switch_to(first.clone()).await?;
        tablet
            .evaluate(&start_notes_typist(letters, 40, false)?)
            .await?;
        let every_keystroke =
            |v: &str| letters.chars().chain(digits.chars()).all(|c| v.contains(c));
        for handle in [first.clone(), second.clone()] {
            tablet.switch_to(handle).await?;
            wait_for_value(
                &tablet,
                "#edit-notes",
                "holds every keystroke",
                every_keystroke,
            )
            .await?;
        }
        tablet.screenshot(test, "1-both-tabs").await?;
        // What the device stored, read afresh, holds them too.
        tablet.close_tab(first).await?;
        tablet.reload().await?;
        wait_for_value(
            &tablet,
            "#edit-notes",
            "stored every keystroke",
            every_keystroke,
        )
        .await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_week_offline_of_a_thousand_edits_syncs_them_all() -> HarnessResult {
    let test = "week_offline";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        let id = signed_in_with_account(&tablet, &laptop, "Cave Moreau").await?;
        open_account(&tablet, &id).await?;
        tablet.go_offline().await?;
        // A thousand keystrokes, each an Automerge change of its own.
        let day = "Visite ok, commande passée, rappel prévu. ";
        let mut typed = String::new();
        while typed.chars().count() < 1_000 {
            type_at_end(&tablet, "#edit-notes", day).await?;
            typed.push_str(day);
        }
        wait_for_value(&tablet, "#edit-notes", "holds the week", |v| v == typed).await?;
        // Every keystroke's change is saved and waits for the relay.
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        loop {
            let pending = offline_label(&tablet).await?;
            let count: usize = pending
                .trim_start_matches("Offline · ")
                .trim_end_matches(" to sync")
                .parse()
                .map_err(|_| unexpected(format!("unreadable indicator {pending:?}")))?;
            if count >= 1_000 {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(format!(
                    "only {count} changes wait for the relay"
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        tablet.screenshot(test, "1-a-week-offline").await?;
        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        open_account(&laptop, &id).await?;
        wait_for_value(&laptop, "#edit-notes", "received the week", |v| v == typed).await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

/// Serves the workspace worker with the same fault as the page's: from the moment the page says
/// `fill` on the `carnet-test-full-disk` channel, the worker's object store refuses every
/// document write with `QuotaExceededError` (the worker answers `full`). A worker started after
/// a reload has room again. The compressed copies go, so the browser gets this one.
fn serve_a_worker_whose_disk_fills_on_demand(server: &TestServer) -> HarnessResult {
    let loader = server.dist_dir().join("carnet-worker_loader.js");
    let original = std::fs::read_to_string(&loader)
        .map_err(|source| tests::HarnessError::io("cannot read the worker's loader", source))?;
    let patched = format!(
        "(() => {{
           let full = false;
           const channel = new BroadcastChannel('carnet-test-full-disk');
           channel.onmessage = (event) => {{
             if (event.data === 'fill') {{ full = true; channel.postMessage('full'); }}
           }};
           for (const method of ['put', 'add']) {{
             const original = IDBObjectStore.prototype[method];
             IDBObjectStore.prototype[method] = function (...args) {{
               if (full && this.name === 'documents') {{
                 throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
               }}
               return original.apply(this, args);
             }};
           }}
         }})();
         {original}"
    );
    std::fs::write(&loader, patched)
        .map_err(|source| tests::HarnessError::io("cannot write the worker's loader", source))?;
    for compressed in ["carnet-worker_loader.js.br", "carnet-worker_loader.js.gz"] {
        let path = server.dist_dir().join(compressed);
        if path.exists() {
            std::fs::remove_file(&path).map_err(|source| {
                tests::HarnessError::io("cannot remove a compressed copy", source)
            })?;
        }
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_full_disk_is_said_plainly_and_loses_nothing() -> HarnessResult {
    let test = "quota_exceeded";
    let server = TestServer::start_demo(1).await?;
    serve_a_worker_whose_disk_fills_on_demand(&server)?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.wait_for_text("#accounts-count", "1").await?;
        let before = tablet.texts(".account-name").await?;
        // The browser refuses every document write as a full disk does. (Chromium's DevTools
        // quota override does not reach IndexedDB's writes in this headless build, so the
        // refusal is injected where the browser raises it: at the object store, in the page
        // and in the workspace worker, where saves are written. The worker's copy was served
        // with its script, see `serve_a_worker_whose_disk_fills_on_demand`.)
        let full = tablet
            .evaluate(
                "for (const method of ['put', 'add']) {
                   const original = IDBObjectStore.prototype[method];
                   IDBObjectStore.prototype[method] = function (...args) {
                     if (this.name === 'documents') {
                       throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
                     }
                     return original.apply(this, args);
                   };
                 }
                 const channel = new BroadcastChannel('carnet-test-full-disk');
                 return new Promise((resolve) => {
                   channel.onmessage = (event) => { if (event.data === 'full') resolve(true); };
                   channel.postMessage('fill');
                   setTimeout(() => resolve(false), 10000);
                 });",
            )
            .await?;
        if full != serde_json::Value::Bool(true) {
            return Err(unexpected(
                "the workspace worker never said its disk was full",
            ));
        }
        tablet.fill("#account-name", "Pharmacie du Port").await?;
        tablet.click("#create-account").await?;
        tablet.wait_for(".banner.error").await?;
        let alerts = tablet.texts("[role=alert]").await?.join(" ");
        if !alerts.contains("storage is full") {
            return Err(unexpected(format!("the rep was told {alerts:?}")));
        }
        tablet.screenshot(test, "1-storage-full").await?;
        tablet.reload().await?;
        tablet.wait_for("#accounts").await?;
        let after = tablet.texts(".account-name").await?;
        if after != before {
            return Err(unexpected(format!(
                "a refused save changed the list: {after:?}"
            )));
        }
        tablet.fill("#account-name", "Pharmacie du Port").await?;
        tablet.click("#create-account").await?;
        tablet
            .wait_for_text(".account-name", "Pharmacie du Port")
            .await?;
        tablet.wait_until_synced().await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn signing_out_with_unsynced_changes_lists_them_and_waits_for_consent() -> HarnessResult {
    let test = "sign_out_guard";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.go_offline().await?;
        tablet.fill("#account-name", "Atelier Roux").await?;
        tablet.click("#create-account").await?;
        account_id(&tablet, "Atelier Roux").await?;
        offline_label(&tablet).await?;
        tablet.goto("/settings").await?;
        tablet.click("#sign-out").await?;
        tablet.wait_for("#sign-out-unsynced").await?;
        let listed = tablet.texts("#sign-out-unsynced li").await?;
        if listed != vec!["Atelier Roux".to_owned()] {
            return Err(unexpected(format!("the unsynced records listed are {listed:?}")));
        }
        tablet.screenshot(test, "1-unsynced-listed").await?;

        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        tablet.click("#sign-out").await?;
        tablet.wait_for("#sign-in-email").await?;
        let left = tablet
            .evaluate(
                "return new Promise((resolve) => {
                   const open = indexedDB.open('carnet');
                   open.onsuccess = () => {
                     const request = open.result.transaction('documents').objectStore('documents').count();
                     request.onsuccess = () => resolve(request.result);
                   };
                 });",
            )
            .await?;
        if left != serde_json::json!(0) {
            return Err(unexpected(format!("{left} documents stayed after signing out")));
        }
        // Signing in again brings everything back from the relay.
        tablet.sign_in(MANON).await?;
        tablet.wait_for_text(".account-name", "Atelier Roux").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}
