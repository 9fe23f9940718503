//! Search: accent-insensitive prefixes over names and visit reports, opened from anywhere with
//! the keyboard.

use fantoccini::key::Key;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::{account_id, open_account, type_at_end, MANON};
use crate::{finish, unexpected};

/// Types `query` into the search box and waits for a hit titled `title`; returns that hit's text.
async fn find(device: &Device, query: &str, title: &str) -> HarnessResult<String> {
    device.fill("#search-box", query).await?;
    device
        .wait_for_text(".search-hit .search-title", title)
        .await?;
    let hits = device.texts(".search-hit").await?;
    hits.into_iter()
        .find(|hit| hit.contains(title))
        .ok_or_else(|| unexpected(format!("no hit for {title:?}")))
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn search_finds_an_accented_name_typed_without_accents_and_words_of_a_visit_report(
) -> HarnessResult {
    let test = "search";
    let server = TestServer::start_demo(30).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.fill("#account-name", "Boulangerie Élevé").await?;
        tablet.fill("#account-city", "Villeurbanne").await?;
        tablet.click("#create-account").await?;
        let id = account_id(&tablet, "Boulangerie Élevé").await?;
        open_account(&tablet, &id).await?;
        tablet.click("#add-visit").await?;
        type_at_end(
            &tablet,
            ".visit-report",
            "Commande de farine bio pour mars.",
        )
        .await?;
        crate::sync::wait_for_value(&tablet, ".visit-report", "saved the report", |v| {
            v.contains("farine bio")
        })
        .await?;

        // "/" from any page opens search, the box focused.
        // In-app navigation (a full reload would cut the last keystroke's save short).
        tablet.click(".app-nav a[href='/']").await?;
        tablet.wait_for("#accounts").await?;
        tablet.wait_for("body").await?.send_keys("/").await?;
        tablet.wait_for("#search-box").await?;
        let focused = tablet
            .evaluate("return document.activeElement && document.activeElement.id;")
            .await?;
        if focused != serde_json::json!("search-box") {
            return Err(unexpected(format!("the focus is on {focused}")));
        }
        find(&tablet, "eleve", "Boulangerie Élevé").await?;
        find(&tablet, "boul villeur", "Boulangerie Élevé").await?;
        let hit = find(&tablet, "farin", "Boulangerie Élevé").await?;
        if !hit.contains("in a visit report") {
            return Err(unexpected(format!("the hit does not say where: {hit:?}")));
        }
        tablet.screenshot(test, "1-found-in-report").await?;
        // A hit opens its record.
        tablet
            .evaluate(
                "for (const hit of document.querySelectorAll('.search-hit')) {
                   if (hit.querySelector('.search-title').textContent === 'Boulangerie Élevé') {
                     hit.querySelector('a').click(); return true;
                   }
                 } return false;",
            )
            .await?;
        tablet.wait_for("#edit-name").await?;
        // Ctrl+K works too.
        tablet
            .wait_for("body")
            .await?
            .send_keys(&format!(
                "{}k{}",
                char::from(Key::Control),
                char::from(Key::Null)
            ))
            .await?;
        tablet.wait_for("#search-box").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet], outcome).await;
    tablet.close().await?;
    outcome
}
