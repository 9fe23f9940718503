//! The first vertical slice: an account created in the app lives in IndexedDB as an Automerge
//! document, survives reloads, and the app starts and shows it with no network at all, its
//! page included (every page but the list is in a module the service worker keeps).

use tests::{Device, HarnessResult, TestServer};

use crate::{finish, unexpected};

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_account_created_on_a_device_is_still_there_after_reloading_offline() -> HarnessResult {
    let test = "account_survives_offline_reload";
    let server = TestServer::start_demo(0).await?;
    let device = Device::open("tablet", server.port()).await?;
    let outcome = async {
        device.sign_in("manon@demo.carnet.test").await?;
        device.wait_for("#accounts-empty").await?;
        device.screenshot(test, "1-empty").await?;

        device.fill("#account-name", "Boulangerie Élevé").await?;
        device.fill("#account-city", "Lyon").await?;
        device.click("#create-account").await?;
        device.wait_for_text(".account-name", "Boulangerie Élevé").await?;
        device.wait_for_text(".account-city", "Lyon").await?;
        device.screenshot(test, "2-created").await?;

        device.reload().await?;
        device.wait_for_text(".account-name", "Boulangerie Élevé").await?;
        device.wait_for_service_worker().await?;

        device.go_offline().await?;
        // The link really is cut: a fetch that bypasses the service worker's cache fails.
        let reachable = device
            .evaluate(
                "return fetch('/api/health', {cache: 'no-store'}).then(() => true, () => false);",
            )
            .await?;
        if reachable != serde_json::Value::Bool(false) {
            return Err(unexpected("the device still reaches the server while offline"));
        }
        device.reload().await?;
        device.wait_for_text(".account-name", "Boulangerie Élevé").await?;
        device.wait_for_text(".account-city", "Lyon").await?;
        device.wait_for_text("#sync-status", "Offline").await?;
        device.screenshot(test, "3-offline-reload").await?;

        // The record is an Automerge document in IndexedDB, not just a rendered row.
        let stored = device
            .evaluate(
                "return new Promise((resolve) => {
                   const open = indexedDB.open('carnet');
                   open.onsuccess = () => {
                     const request = open.result.transaction('documents').objectStore('documents').getAll();
                     request.onsuccess = () => resolve(request.result
                       .filter((record) => record.kind === 'account')
                       .map((record) => record.snapshot instanceof Uint8Array
                         ? Array.from(record.snapshot.slice(0, 4)) : null));
                     request.onerror = () => resolve('error');
                   };
                   open.onerror = () => resolve('error');
                 });",
            )
            .await?;
        // Every Automerge document starts with the magic bytes 85 6f 4a 83.
        if stored != serde_json::json!([[0x85, 0x6f, 0x4a, 0x83]]) {
            return Err(unexpected(format!("IndexedDB holds {stored}, not one Automerge document")));
        }

        // Its page opens too, still offline: the pages' module comes from the service worker.
        crate::records::click_in_view(&device, ".account-row a").await?;
        device.wait_for("#edit-notes").await?;
        device.wait_for_text("#sync-status", "Offline").await?;
        device.screenshot(test, "4-offline-account-page").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&device], outcome).await;
    device.close().await?;
    outcome
}
