//! Settings: the rep's devices, and removing a lost one ends its sync.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::MANON;
use crate::{finish, unexpected};

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn removing_a_lost_device_from_settings_erases_its_copy_at_its_next_connection(
) -> HarnessResult {
    let test = "remove_device";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let lost = Device::open("lost", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        lost.sign_in(MANON).await?;
        lost.wait_until_synced().await?;
        tablet.goto("/settings").await?;
        let lost_id = lost
            .evaluate(
                "return new Promise((resolve) => {
                   const open = indexedDB.open('carnet');
                   open.onsuccess = () => {
                     const request = open.result.transaction('meta').objectStore('meta').get('session');
                     request.onsuccess = () => resolve(request.result.device_id);
                   };
                 });",
            )
            .await?;
        let lost_id = lost_id
            .as_str()
            .ok_or_else(|| unexpected("the lost device has no session"))?
            .to_owned();
        let row = format!("#devices .device[data-device-id='{lost_id}']");
        tablet.wait_for(&row).await?;
        tablet.screenshot(test, "1-devices").await?;
        tablet.click(&format!("{row} button")).await?;
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        while !tablet.texts(&row).await?.is_empty() {
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected("the removed device is still listed"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // The lost device learns it at its next connection: it erases its copy of the
        // workspace and returns to the sign-in page.
        // (Coming back online is its next connection; no click, as the page may already have
        // left for the sign-in page.)
        lost.go_offline().await?;
        lost.go_online().await?;
        lost.wait_for("#sign-in-email").await?;
        let held = crate::team::held_documents(&lost).await?;
        if held != 0 {
            return Err(unexpected(format!(
                "the removed device still holds {held} documents"
            )));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &lost], outcome).await;
    tablet.close().await?;
    lost.close().await?;
    outcome
}
