//! The team: an admin disables a rep from Settings while the rep's app is open; the rep's sync
//! stops at once and saying why, and signing in again is refused with the reason.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::{MANON, REMI};
use crate::{finish, unexpected};

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_rep_disabled_by_an_admin_stops_syncing_at_once_and_cannot_sign_in_again() -> HarnessResult
{
    let test = "disable_person";
    let server = TestServer::start_demo(1).await?;
    let admin = Device::open("admin", server.port()).await?;
    let rep = Device::open("rep", server.port()).await?;
    let other = Device::open("other", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        rep.sign_in(REMI).await?;
        rep.wait_until_synced().await?;
        admin.goto("/settings").await?;
        admin.wait_for("#people .person").await?;
        let remi = admin
            .evaluate(
                "for (const row of document.querySelectorAll('#people .person')) {
                   if (row.textContent.includes('Rémi Garnier')) return row.dataset.personId;
                 }
                 return null;",
            )
            .await?;
        let remi = remi
            .as_str()
            .ok_or_else(|| unexpected("Rémi is not in the people section"))?
            .to_owned();
        let row = format!("#people .person[data-person-id='{remi}']");
        admin.click(&format!("{row} .disable-person")).await?;
        admin.wait_for(&format!("{row} .person-confirm")).await?;
        admin.screenshot(test, "1-confirm").await?;
        admin.click(&format!("{row} .confirm-disable")).await?;
        admin
            .wait_for(&format!("{row}[data-disabled='true']"))
            .await?;

        // The rep's open app: its socket is closed, the next ticket refused, and it says so.
        rep.wait_for_text("#sync-status", "Sync stopped").await?;
        let reason = rep
            .evaluate("return document.querySelector('#sync-status').title;")
            .await?;
        let reason = reason.as_str().unwrap_or_default();
        if !reason.contains("session has ended") {
            return Err(unexpected(format!("the stop gives no reason: {reason:?}")));
        }
        rep.screenshot(test, "2-stopped").await?;

        // Signing in again, on any device, is refused and says why.
        other.goto("/").await?;
        other.fill("#sign-in-email", REMI).await?;
        other
            .fill("#sign-in-password", tests::DEMO_PASSWORD)
            .await?;
        other.click("#sign-in").await?;
        other.wait_for("#sign-in-error").await?;
        let said = other.texts("#sign-in-error").await?.join(" ");
        if !said.contains("administrator removed this access") {
            return Err(unexpected(format!(
                "sign-in refused without the reason: {said:?}"
            )));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &rep, &other], outcome).await;
    admin.close().await?;
    rep.close().await?;
    other.close().await?;
    outcome
}
