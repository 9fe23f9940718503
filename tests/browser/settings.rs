//! Settings: the rep's devices, and removing a lost one ends its sync.

use tests::{Device, HarnessError, HarnessResult, TestServer};

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
        let held = lost.held_documents().await?;
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

/// A 1 × 1 PNG (a real image: the browser reads it as one).
const ONE_PIXEL_PNG: [u8; 67] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_admin_gives_the_company_a_logo_and_a_photo_too_large_is_refused_before_it_is_read(
) -> HarnessResult {
    let test = "company_logo";
    let files =
        tempfile::tempdir().map_err(|error| HarnessError::io("a temporary directory", error))?;
    let logo = files.path().join("logo.png");
    std::fs::write(&logo, ONE_PIXEL_PNG).map_err(|error| HarnessError::io("the logo", error))?;
    // A photo straight from a camera: far over the cap (its bytes are never read).
    let photo = files.path().join("photo.png");
    let mut large = ONE_PIXEL_PNG.to_vec();
    large.resize(2 * 1024 * 1024, 0);
    std::fs::write(&photo, large).map_err(|error| HarnessError::io("the photo", error))?;
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.goto("/settings").await?;
        tablet.wait_for("#identity").await?;
        let preview =
            "return (document.querySelector('#identity-logo-preview') || {}).src || null;";
        if !tablet.evaluate(preview).await?.is_null() {
            return Err(unexpected("the demo company already has a logo"));
        }
        crate::import::pick_file(&tablet, "#identity-logo", &logo.display().to_string()).await?;
        crate::team::wait_for_script(
            &tablet,
            "const image = document.querySelector('#identity-logo-preview');
             return image !== null && image.src.startsWith('data:image/png;base64,');",
            "the logo's preview",
        )
        .await?;
        let chosen = tablet.evaluate(preview).await?;
        tablet.screenshot(test, "1-logo").await?;
        crate::import::pick_file(&tablet, "#identity-logo", &photo.display().to_string()).await?;
        let refusal = tablet.wait_for("#identity-error").await?.text().await?;
        if !refusal.contains("PNG") {
            return Err(unexpected(format!("the refusal reads {refusal:?}")));
        }
        if tablet.evaluate(preview).await? != chosen {
            return Err(unexpected("the refused photo replaced the logo"));
        }
        // Kept in the workspace's settings: there after a reload.
        tablet.reload().await?;
        tablet.wait_for("#identity-logo-preview").await?;
        if tablet.evaluate(preview).await? != chosen {
            return Err(unexpected("the logo changed across a reload"));
        }
        crate::sync::center(&tablet, "#identity-logo-remove").await?;
        tablet.click("#identity-logo-remove").await?;
        crate::team::wait_for_script(
            &tablet,
            "return document.querySelector('#identity-logo-preview') === null;",
            "the logo removed",
        )
        .await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}
