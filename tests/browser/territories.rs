//! Territories: an admin adds a département to a territory in Settings, an account created with
//! a postcode there joins that territory and reaches the rep who covers it (who reads its
//! territory by name), and when the admin chooses another territory on the account page the
//! account leaves the rep's device; realigning the accounts with the map brings it back.

use fantoccini::key::Key;
use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::{account_id, open_account, type_at_end, wait_for_value, MANON};
use crate::{finish, unexpected};

/// The demo's rep covering Méditerranée (see the README's table).
const KARIM: &str = "karim@demo.carnet.test";

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_account_created_in_a_departement_an_admin_added_to_a_territory_reaches_its_rep(
) -> HarnessResult {
    let test = "territory_rule";
    const NAME: &str = "Rhumerie du Port";
    let server = TestServer::start_demo(1).await?;
    let admin = Device::open("admin", server.port()).await?;
    let karim = Device::open("karim", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        karim.sign_in(KARIM).await?;
        admin.wait_until_synced().await?;
        karim.wait_until_synced().await?;

        // The admin adds Guadeloupe (971) to Méditerranée, which Karim covers.
        admin.goto("/settings").await?;
        let departements = "#territory-mediterranee-departements";
        admin.wait_for(departements).await?;
        type_at_end(&admin, departements, ", 971").await?;
        admin
            .wait_for(departements)
            .await?
            .send_keys(&char::from(Key::Enter).to_string())
            .await?;
        wait_for_value(&admin, departements, "lists 971", |value| {
            value.ends_with("84, 971")
        })
        .await?;
        admin.screenshot(test, "1-territories").await?;
        admin.wait_until_synced().await?;

        // An account created in Pointe-à-Pitre joins Méditerranée by its postcode.
        admin.goto("/").await?;
        admin.fill("#account-name", NAME).await?;
        admin.fill("#account-city", "Pointe-à-Pitre").await?;
        admin.fill("#account-postcode", "97110").await?;
        admin.click("#create-account").await?;
        let id = account_id(&admin, NAME).await?;
        open_account(&admin, &id).await?;
        admin
            .wait_for_text("#edit-territory option:checked", "Méditerranée")
            .await?;
        admin.screenshot(test, "2-account").await?;
        admin.wait_until_synced().await?;

        // Karim's device receives it; he reads its territory, and may not change it.
        account_id(&karim, NAME).await?;
        open_account(&karim, &id).await?;
        karim
            .wait_for_text("#account-territory", "Méditerranée")
            .await?;
        let select = karim
            .evaluate("return document.querySelector('#edit-territory') !== null;")
            .await?;
        if select != Value::Bool(false) {
            return Err(unexpected("a rep is offered to change the territory"));
        }
        karim.screenshot(test, "3-rep").await?;

        // The admin moves it to Île-de-France by hand: it leaves Karim's device.
        crate::team::choose_option(&admin, "#edit-territory", "Île-de-France").await?;
        admin.wait_until_synced().await?;
        karim.goto("/").await?;
        let listed = format!(
            "return document.querySelector(\".account-row[data-account-id='{id}']\") !== null;"
        );
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        loop {
            karim.wait_for("#accounts-count, #accounts-empty").await?;
            if karim.evaluate(&listed).await? == Value::Bool(false) {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(
                    "the account moved out of Méditerranée is still listed",
                ));
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }

        // The admin realigns the accounts with the territories: its postcode puts it back in
        // Méditerranée, and it reaches Karim's device again.
        admin.goto("/settings").await?;
        admin
            .wait_for("#realign-territories:not([disabled])")
            .await?;
        crate::records::click_in_view(&admin, "#realign-territories").await?;
        admin.wait_for("#territories-realigned").await?;
        admin.screenshot(test, "4-realigned").await?;
        account_id(&karim, NAME).await?;
        open_account(&karim, &id).await?;
        karim
            .wait_for_text("#account-territory", "Méditerranée")
            .await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &karim], outcome).await;
    admin.close().await?;
    karim.close().await?;
    outcome
}
