//! A forgotten password: an admin makes a one-time reset link for a rep in Settings; the rep
//! opens it on a fresh device, chooses a new password and is signed in with their accounts
//! downloaded; the link works once, the old password stops working, and the rep's device signed
//! in before stays signed in.

use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::{JULIEN, MANON};
use crate::{finish, unexpected};

/// Julien's new password.
const NEW_PASSWORD: &str = "tournée-du-vendredi";

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_admin_s_reset_link_gives_a_rep_a_new_password_once_and_the_old_one_stops_working(
) -> HarnessResult {
    let test = "password_reset";
    // Enough generated accounts that every rep holds some.
    let server = TestServer::start_demo(12).await?;
    let admin = Device::open("admin", server.port()).await?;
    let before = Device::open("julien-before", server.port()).await?;
    let fresh = Device::open("julien-fresh", server.port()).await?;
    let other = Device::open("other", server.port()).await?;
    let outcome = async {
        // Julien's own device, signed in before he forgot his password: what he holds.
        before.sign_in(JULIEN).await?;
        before.wait_until_synced().await?;
        before.wait_for(".account-row").await?;
        let held = listed_accounts(&before).await?;

        admin.sign_in(MANON).await?;
        admin.goto("/settings").await?;
        admin.wait_for("#people .person").await?;
        let julien = admin
            .evaluate(
                "for (const row of document.querySelectorAll('#people .person')) {
                   if (row.textContent.includes('Julien Moreau')) return row.dataset.personId;
                 }
                 return null;",
            )
            .await?;
        let julien = julien
            .as_str()
            .ok_or_else(|| unexpected("Julien is not in the people section"))?
            .to_owned();
        let row = format!("#people .person[data-person-id='{julien}']");
        admin.click(&format!("{row} .reset-password")).await?;
        let link = format!("{row} .password-reset-link");
        admin.wait_for(&link).await?;
        admin.wait_for(&format!("{row} .copy-reset-link")).await?;
        admin
            .evaluate(&format!(
                "document.querySelector({}).scrollIntoView(); return true;",
                Value::String(row.clone())
            ))
            .await?;
        admin.screenshot(test, "1-link").await?;
        let link = admin
            .evaluate(&format!(
                "return document.querySelector({}).value;",
                Value::String(link.clone())
            ))
            .await?;
        let link = link.as_str().unwrap_or_default().to_owned();
        let fragment = link
            .split_once("/#password-reset=")
            .map(|(_, token)| format!("/#password-reset={token}"))
            .ok_or_else(|| unexpected(format!("not a password reset link: {link:?}")))?;

        // A fresh browser opens the link, chooses a new password, and is signed in as Julien
        // with his accounts downloaded.
        fresh.goto(&fragment).await?;
        fresh.wait_for("#reset-password").await?;
        fresh.screenshot(test, "2-choose").await?;
        fresh.fill("#reset-password", NEW_PASSWORD).await?;
        fresh.click("#reset").await?;
        fresh.wait_for("#accounts, #accounts-empty").await?;
        fresh.wait_until_synced().await?;
        wait_for_accounts(&fresh, held).await?;
        let address = fresh.evaluate("return location.href;").await?;
        if address
            .as_str()
            .is_some_and(|href| href.contains("password-reset"))
        {
            return Err(unexpected("the spent token stays in the address"));
        }
        fresh.screenshot(test, "3-signed-in").await?;

        // The same link, opened again, is refused and says why.
        other.goto(&fragment).await?;
        other.fill("#reset-password", "encore-un-autre").await?;
        other.click("#reset").await?;
        other.wait_for("#reset-error").await?;
        let said = other.texts("#reset-error").await?.join(" ");
        if !said.contains("already used") {
            return Err(unexpected(format!(
                "a spent link was not refused: {said:?}"
            )));
        }

        // The old password no longer signs in.
        other.goto("/").await?;
        other.reload().await?;
        other.fill("#sign-in-email", JULIEN).await?;
        other
            .fill("#sign-in-password", tests::DEMO_PASSWORD)
            .await?;
        other.click("#sign-in").await?;
        other.wait_for("#sign-in-error").await?;
        let said = other.texts("#sign-in-error").await?.join(" ");
        if !said.contains("do not match") {
            return Err(unexpected(format!(
                "the old password was not refused: {said:?}"
            )));
        }

        // The device signed in before the reset is still signed in and syncing.
        before.reload().await?;
        before.wait_until_synced().await?;
        wait_for_accounts(&before, held).await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &before, &fresh, &other], outcome).await;
    admin.close().await?;
    before.close().await?;
    fresh.close().await?;
    other.close().await?;
    outcome
}

/// How many accounts the device's list shows.
async fn listed_accounts(device: &Device) -> HarnessResult<u64> {
    device.wait_for("#accounts, #accounts-empty").await?;
    let count = device
        .evaluate("return document.querySelectorAll('.account-row').length;")
        .await?;
    count
        .as_u64()
        .ok_or_else(|| unexpected(format!("no row count ({count})")))
}

/// Waits until the device's list shows `expected` accounts.
async fn wait_for_accounts(device: &Device, expected: u64) -> HarnessResult {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let listed = listed_accounts(device).await?;
        if listed == expected {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!(
                "{listed} accounts listed instead of {expected}"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
