//! Two devices of the demo workspace editing through the real relay: offline edits of the same
//! account converge in either order (different fields merge, the same field shows both values
//! until a rep chooses, the same visit report keeps both reps' words), a tab killed right after
//! a save reopens with it, two tabs of one device lose nothing, and a week of offline edits
//! syncs in full.

use fantoccini::key::Key;
use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::{finish, unexpected};

pub(crate) const MANON: &str = "manon@demo.carnet.test";
pub(crate) const REMI: &str = "remi@demo.carnet.test";
/// A rep of the demo (territories Île-de-France and Nord-Est): her own visits and tasks.
pub(crate) const RACHIDA: &str = "rachida@demo.carnet.test";
/// Another rep of the demo's north team (Grand Ouest and Centre).
pub(crate) const JULIEN: &str = "julien@demo.carnet.test";
/// Demo accounts in these tests' workspace (a new device downloads them as snapshots).
const DEMO_ACCOUNTS: usize = 4;

/// Scrolls the element `css` to the middle of the window, clear of the sticky app bar (a
/// click on a field the bar covers would land on the bar).
pub(crate) async fn center(device: &Device, css: &str) -> HarnessResult {
    device
        .evaluate(&format!(
            "const e = document.querySelector({}); if (e) e.scrollIntoView({{ block: 'center' }}); return true;",
            serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?
        ))
        .await?;
    Ok(())
}

/// Replaces the whole value of the field `css` by typing `text` over a selection of it.
pub(crate) async fn retype(device: &Device, css: &str, text: &str) -> HarnessResult {
    let element = device.wait_for(css).await?;
    center(device, css).await?;
    element.click().await?;
    element
        .send_keys(&format!(
            "{}a{}",
            char::from(Key::Control),
            char::from(Key::Null)
        ))
        .await?;
    Ok(element.send_keys(text).await?)
}

/// Types `text` at the end of the field `css`.
pub(crate) async fn type_at_end(device: &Device, css: &str, text: &str) -> HarnessResult {
    let element = device.wait_for(css).await?;
    center(device, css).await?;
    element.click().await?;
    element
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Control),
            char::from(Key::End)
        ))
        .await?;
    element
        .send_keys(&char::from(Key::Null).to_string())
        .await?;
    Ok(element.send_keys(text).await?)
}

/// The value of the field `css`.
pub(crate) async fn value(device: &Device, css: &str) -> HarnessResult<String> {
    let script = format!(
        "const e = document.querySelector({}); return e ? e.value : null;",
        serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?
    );
    match device.evaluate(&script).await? {
        Value::String(text) => Ok(text),
        other => Err(unexpected(format!("{css} has no value ({other})"))),
    }
}

/// Waits until the field `css` satisfies `accept`.
pub(crate) async fn wait_for_value(
    device: &Device,
    css: &str,
    what: &str,
    accept: impl Fn(&str) -> bool,
) -> HarnessResult<String> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let current = value(device, css).await.unwrap_or_default();
        if accept(&current) {
            return Ok(current);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!(
                "{css} never {what}: it reads {current:?}"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The id of the listed account called `name`, once listed.
pub(crate) async fn account_id(device: &Device, name: &str) -> HarnessResult<String> {
    device.wait_for_text(".account-name", name).await?;
    let script = format!(
        "for (const row of document.querySelectorAll('.account-row')) {{
           if (row.querySelector('.account-name').textContent.trim() === {}) return row.dataset.accountId;
         }} return null;",
        serde_json::to_string(name).map_err(|e| unexpected(e.to_string()))?
    );
    match device.evaluate(&script).await? {
        Value::String(id) => Ok(id),
        other => Err(unexpected(format!("no row for {name} ({other})"))),
    }
}

/// Opens the account page of `id` through the app's own navigation.
pub(crate) async fn open_account(device: &Device, id: &str) -> HarnessResult {
    device
        .click(&format!(".account-row[data-account-id='{id}'] a"))
        .await?;
    device.wait_for("#edit-name").await?;
    Ok(())
}

/// Both devices signed in, synced, with `name` created on the first and open on both pages.
async fn shared_account(tablet: &Device, laptop: &Device, name: &str) -> HarnessResult<String> {
    tablet.sign_in(MANON).await?;
    laptop.sign_in(REMI).await?;
    tablet.wait_until_synced().await?;
    laptop.wait_until_synced().await?;
    for device in [tablet, laptop] {
        // A new device lists every demo account it downloaded.
        device
            .wait_for_text("#accounts-count", &DEMO_ACCOUNTS.to_string())
            .await?;
    }
    tablet.fill("#account-name", name).await?;
    tablet.fill("#account-city", "Lyon").await?;
    tablet.click("#create-account").await?;
    let id = account_id(tablet, name).await?;
    tablet.wait_until_synced().await?;
    account_id(laptop, name).await?;
    open_account(tablet, &id).await?;
    open_account(laptop, &id).await?;
    // A visit both reps will write the report of while offline.
    tablet.click("#add-visit").await?;
    laptop.wait_for(".visit-report").await?;
    tablet.wait_until_synced().await?;
    Ok(id)
}

/// The scenario of both offline-edit tests; `tablet_first` says which device reconnects first.
async fn offline_edits_converge(test: &str, tablet_first: bool) -> HarnessResult {
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        shared_account(&tablet, &laptop, "Boulangerie Élevé").await?;
        tablet.go_offline().await?;
        laptop.go_offline().await?;

        // Different fields, the same field, and the same visit report, all offline.
        retype(&tablet, "#edit-name", "Boulangerie Élevé SARL").await?;
        type_at_end(&tablet, "#edit-notes", "Client fidèle depuis 2019.").await?;
        type_at_end(&tablet, ".visit-report", "Commande de 40 baguettes.").await?;
        retype(&laptop, "#edit-name", "Boulangerie Élevé & Fils").await?;
        retype(&laptop, "#edit-city", "Villeurbanne").await?;
        type_at_end(&laptop, ".visit-report", "Rappeler en mars.").await?;
        tablet
            .wait_for_text("#sync-status", &offline_label(&tablet).await?)
            .await?;
        tablet.screenshot(test, "1-offline-edits").await?;

        let (first, second) = if tablet_first {
            (&tablet, &laptop)
        } else {
            (&laptop, &tablet)
        };
        first.go_online().await?;
        first.wait_until_synced().await?;
        second.go_online().await?;
        second.wait_until_synced().await?;
        // The device that was away longest is told what colleagues changed meanwhile.
        second.wait_for("#sync-digest").await?;
        let digest = second.texts("#sync-digest li").await?.join(" ");
        if !digest.contains("Boulangerie Élevé") {
            return Err(unexpected(format!("the digest names {digest:?}")));
        }
        // …and by whom, by name: the colleague on the other device.
        let colleague = if tablet_first {
            "Manon Lefèvre"
        } else {
            "Rémi Garnier"
        };
        if !digest.contains(colleague) {
            return Err(unexpected(format!(
                "the digest does not name {colleague}: {digest:?}"
            )));
        }

        for device in [&tablet, &laptop] {
            wait_for_value(device, "#edit-city", "became Villeurbanne", |v| {
                v == "Villeurbanne"
            })
            .await?;
            wait_for_value(device, "#edit-notes", "kept the notes", |v| {
                v == "Client fidèle depuis 2019."
            })
            .await?;
            wait_for_value(device, ".visit-report", "kept both reports", |v| {
                v.contains("Commande de 40 baguettes.") && v.contains("Rappeler en mars.")
            })
            .await?;
            // The concurrent names are both visible until a rep chooses.
            device.wait_for("#name-conflict").await?;
            let choices = device.texts("#name-conflict .choice-value").await?;
            if !(choices.iter().any(|c| c == "Boulangerie Élevé SARL")
                && choices.iter().any(|c| c == "Boulangerie Élevé & Fils"))
            {
                return Err(unexpected(format!("the conflict offers {choices:?}")));
            }
        }
        laptop.screenshot(test, "2-converged-with-conflict").await?;

        crate::records::click_in_view(
            &laptop,
            "#name-conflict button[data-value='Boulangerie Élevé SARL']",
        )
        .await?;
        for device in [&tablet, &laptop] {
            wait_for_value(device, "#edit-name", "took the chosen name", |v| {
                v == "Boulangerie Élevé SARL"
            })
            .await?;
            device.wait_until_synced().await?;
        }
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        while !tablet.texts("#name-conflict").await?.is_empty() {
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected("the tablet still shows the resolved conflict"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tablet.screenshot(test, "3-resolved").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

/// The indicator's text while offline with some changes waiting ("Offline · N to sync").
pub(crate) async fn offline_label(device: &Device) -> HarnessResult<String> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let texts = device.texts("#sync-status").await?;
        if let Some(text) = texts.iter().find(|t| t.starts_with("Offline · ")) {
            return Ok(text.trim().to_owned());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!(
                "the indicator shows {texts:?}, not offline with changes"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn offline_edits_of_one_account_converge_when_the_tablet_reconnects_first() -> HarnessResult {
    offline_edits_converge("offline_edits_tablet_first", true).await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn offline_edits_of_one_account_converge_when_the_laptop_reconnects_first() -> HarnessResult {
    offline_edits_converge("offline_edits_laptop_first", false).await
}
