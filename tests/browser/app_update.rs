//! A new build never swaps code under the rep: it waits, the app says so, and the rep reloads.

use tests::{Device, HarnessResult, TestServer};

use crate::{finish, unexpected};

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_new_build_waits_until_the_rep_chooses_to_reload() -> HarnessResult {
    let test = "new_build_waits_for_reload";
    let server = TestServer::start().await?;
    let device = Device::open("laptop", server.port()).await?;
    let outcome = async {
        device.goto("/").await?;
        device.wait_for("#sign-in-email").await?;
        device.wait_for_service_worker().await?;
        let first_cache = caches(&device).await?;

        server.publish_new_build("0000feedc0ffee01")?;
        // Browsers look for a new worker on navigation and on `update()`; the app also asks hourly.
        device
            .evaluate("return navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true);")
            .await?;
        device.wait_for("#update-ready").await?;
        device.screenshot(test, "1-update-ready").await?;

        // Until the rep clicks, the running page stays on the old build's worker.
        if caches(&device).await? .iter().all(|name| name != "carnet-shell-0000feedc0ffee01") {
            return Err(unexpected("the new build's cache was not prepared in the background"));
        }
        let controller = device
            .evaluate("return navigator.serviceWorker.controller.scriptURL;")
            .await?;
        if controller.as_str().is_none() {
            return Err(unexpected("the page lost its service worker before the rep chose"));
        }

        device.click("#update-ready button").await?;
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        loop {
            let names = caches(&device).await.unwrap_or_default();
            if names == vec!["carnet-shell-0000feedc0ffee01".to_owned()] {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(format!(
                    "after reloading, the caches are {names:?} (first build: {first_cache:?})"
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        device.wait_for("#sign-in-email").await?;
        if !device.texts("#update-ready").await?.is_empty() {
            return Err(unexpected("the update prompt is still shown after the update"));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&device], outcome).await;
    device.close().await?;
    outcome
}

/// The names of the page's caches.
async fn caches(device: &Device) -> HarnessResult<Vec<String>> {
    let names = device.evaluate("return caches.keys();").await?;
    Ok(names
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}
