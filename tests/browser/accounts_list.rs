//! The accounts list's filters: by place and stage, saved under a name, kept across reloads.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::MANON;
use crate::{finish, unexpected};

/// The number the list's counter shows.
async fn count(device: &Device) -> HarnessResult<usize> {
    let texts = device.texts("#accounts-count").await?;
    texts
        .first()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| unexpected(format!("unreadable counter {texts:?}")))
}

/// Waits until the counter satisfies `accept`.
async fn wait_for_count(
    device: &Device,
    what: &str,
    accept: impl Fn(usize) -> bool,
) -> HarnessResult<usize> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let shown = count(device).await?;
        if accept(shown) {
            return Ok(shown);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!(
                "the list never {what}: it counts {shown}"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn filters_narrow_the_list_are_saved_by_name_and_survive_a_reload() -> HarnessResult {
    let test = "account_filters";
    let server = TestServer::start_demo(40).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.wait_for_text("#accounts-count", "40").await?;
        // The first listed account's city, typed without its accents and cut short.
        let city = tablet
            .texts(".account-city")
            .await?
            .first()
            .cloned()
            .unwrap_or_default();
        let prefix: String = shared_fold(&city).chars().take(3).collect();
        tablet.fill("#filter-place", &prefix).await?;
        let narrowed = wait_for_count(&tablet, "narrowed by place", |n| n > 0 && n < 40).await?;
        for shown in tablet.texts(".account-city").await? {
            if !shared_fold(&shown).starts_with(&prefix) {
                return Err(unexpected(format!(
                    "{shown:?} does not start with {prefix:?}"
                )));
            }
        }
        tablet.fill("#filter-name", "Ma tournée").await?;
        tablet.click("#save-filter").await?;
        tablet.wait_for_text(".chip-apply", "Ma tournée").await?;
        tablet.click("#clear-filter").await?;
        wait_for_count(&tablet, "came back whole", |n| n == 40).await?;
        tablet.click(".chip-apply").await?;
        wait_for_count(&tablet, "took the saved filter", |n| n == narrowed).await?;
        tablet.screenshot(test, "1-saved-filter").await?;
        tablet.reload().await?;
        tablet.wait_for("#filter-place").await?;
        wait_for_count(&tablet, "kept its filter across the reload", |n| {
            n == narrowed
        })
        .await?;
        // Stage and "mine" narrow further or keep; "no task" and an impossible stage empty it.
        tablet.click("#clear-filter").await?;
        wait_for_count(&tablet, "came back whole", |n| n == 40).await?;
        tablet
            .evaluate(
                "const select = document.querySelector('#filter-stage');
                 select.value = select.options[1].value;
                 select.dispatchEvent(new Event('change', { bubbles: true }));
                 return select.value;",
            )
            .await?;
        wait_for_count(&tablet, "narrowed by stage", |n| n < 40).await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}

/// Lower-case without accents, as the filter compares.
fn shared_fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}
