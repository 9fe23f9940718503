//! The team: an admin invites a rep with a one-time link (and the territory she will cover);
//! disables a rep from Settings while the rep's app is open (the rep's device erases its copy of
//! the workspace at once and returns to the sign-in page, and signing in again is refused with
//! the reason); a manager reassigns an account while its rep is offline with an unsynced edit
//! (the account leaves her device, her edit is set aside, the new rep gets it); an admin
//! disabling a rep hands her accounts to a chosen colleague in the same step; an admin gives a
//! rep a territory and a team from Settings.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::{account_id, open_account, type_at_end, JULIEN, MANON, RACHIDA, REMI};
use crate::{finish, unexpected};

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_rep_disabled_by_an_admin_has_her_open_app_erased_at_once_and_cannot_sign_in_again(
) -> HarnessResult {
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
        // Disabled without a handover, his records can still be handed over later.
        crate::records::click_in_view(&admin, &format!("{row} .hand-over-person")).await?;
        choose_option(&admin, "#handover-to", "Julien Moreau").await?;
        crate::records::click_in_view(&admin, &format!("{row} .confirm-hand-over")).await?;
        wait_for_script(
            &admin,
            "const said = document.querySelector('#people-handed');
             return said !== null && said.textContent.includes('Julien Moreau');",
            "the handover reported",
        )
        .await?;

        // The rep's open app: its socket is closed, the next ticket answered "revoked", and
        // the device erases its copy of the workspace and returns to the sign-in page.
        rep.wait_for("#sign-in-email").await?;
        let held = rep.held_documents().await?;
        if held != 0 {
            return Err(unexpected(format!(
                "the revoked device still holds {held} documents"
            )));
        }
        rep.screenshot(test, "2-erased").await?;

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

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_admin_s_invitation_link_signs_a_new_rep_in_once_and_a_cancelled_one_never(
) -> HarnessResult {
    let test = "invite_person";
    let server = TestServer::start_demo(1).await?;
    let admin = Device::open("admin", server.port()).await?;
    let newcomer = Device::open("newcomer", server.port()).await?;
    let other = Device::open("other", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        admin.goto("/settings").await?;
        admin.wait_for("#invite-form").await?;
        admin
            .fill("#invite-email", "lucie@demo.carnet.test")
            .await?;
        // She will cover the Grand Ouest.
        tick(
            &admin,
            "#invite-form input.invite-territory[data-key='ouest']",
            true,
        )
        .await?;
        admin.click("#invite").await?;
        admin.wait_for("#invitation-link").await?;
        // While it waits, the pending list says the territory it gives, by name.
        let lucie = "#pending-invitations .pending-invitation[data-email='lucie@demo.carnet.test']";
        admin.wait_for(lucie).await?;
        let listed = admin.texts(lucie).await?.join(" ");
        if !listed.contains("Grand Ouest") {
            return Err(unexpected(format!(
                "the pending invitation does not say what it gives: {listed:?}"
            )));
        }
        admin.screenshot(test, "1-link").await?;
        let link = admin
            .evaluate("return document.querySelector('#invitation-link').value;")
            .await?;
        let link = link.as_str().unwrap_or_default().to_owned();
        let fragment = link
            .split_once("/#invitation=")
            .map(|(_, code)| format!("/#invitation={code}"))
            .ok_or_else(|| unexpected(format!("not an invitation link: {link:?}")))?;

        // The newcomer opens the link on their own device, chooses a name and a password, and
        // is signed in with the workspace downloaded.
        newcomer.goto(&fragment).await?;
        newcomer.fill("#join-name", "Lucie Martin").await?;
        newcomer.fill("#join-password", "tournée-du-jeudi").await?;
        newcomer.click("#join").await?;
        newcomer.wait_for("#accounts, #accounts-empty").await?;
        newcomer.wait_until_synced().await?;
        let address = newcomer.evaluate("return location.href;").await?;
        if address
            .as_str()
            .is_some_and(|href| href.contains("invitation"))
        {
            return Err(unexpected("the spent code stays in the address"));
        }

        // The admin's directory lists her.
        admin.goto("/settings").await?;
        admin.wait_for("#people .person").await?;
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        while !admin
            .texts("#people .person")
            .await?
            .iter()
            .any(|text| text.contains("Lucie Martin") && text.contains("Grand Ouest"))
        {
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(
                    "the new rep is not in the directory with her territory",
                ));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        // The link works once.
        other.goto(&fragment).await?;
        other.fill("#join-name", "Quelqu'un").await?;
        other.fill("#join-password", "autre-mot-de-passe").await?;
        other.click("#join").await?;
        other.wait_for("#join-error").await?;
        let said = other.texts("#join-error").await?.join(" ");
        if !said.contains("already used") {
            return Err(unexpected(format!(
                "a spent link was not refused: {said:?}"
            )));
        }

        // An invitation cancelled before it is used stops working.
        admin.fill("#invite-email", "paul@demo.carnet.test").await?;
        admin.click("#invite").await?;
        let pending =
            "#pending-invitations .pending-invitation[data-email='paul@demo.carnet.test']";
        admin.wait_for(pending).await?;
        let link = admin
            .evaluate("return document.querySelector('#invitation-link').value;")
            .await?;
        let paul = link
            .as_str()
            .and_then(|link| link.split_once("/#invitation="))
            .map(|(_, code)| format!("/#invitation={code}"))
            .ok_or_else(|| unexpected("no link for Paul"))?;
        admin
            .click(&format!("{pending} .cancel-invitation"))
            .await?;
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        while !admin.texts(pending).await?.is_empty() {
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected("the cancelled invitation is still listed"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        other.goto(&paul).await?;
        other.reload().await?;
        other.fill("#join-name", "Paul").await?;
        other.fill("#join-password", "paul-mot-de-passe").await?;
        other.click("#join").await?;
        other.wait_for("#join-error").await?;
        let said = other.texts("#join-error").await?.join(" ");
        if !said.contains("unknown, expired or already used") {
            return Err(unexpected(format!(
                "a cancelled link was not refused: {said:?}"
            )));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &newcomer, &other], outcome).await;
    admin.close().await?;
    newcomer.close().await?;
    other.close().await?;
    outcome
}

/// Chooses the option labelled `label` in the select `select` on `device` (once the select
/// offers it: its choices, such as the people directory, may still be on their way, at most the
/// harness's limit), and waits until the select shows it.
pub(crate) async fn choose_option(device: &Device, select: &str, label: &str) -> HarnessResult {
    let script = format!(
        "const select = document.querySelector({});
         if (!select) return false;
         const option = [...select.options].find((option) => option.textContent.trim() === {});
         if (!option) return false;
         select.value = option.value;
         select.dispatchEvent(new Event('change', {{ bubbles: true }}));
         return true;",
        serde_json::to_string(select).map_err(|error| unexpected(error.to_string()))?,
        serde_json::to_string(label).map_err(|error| unexpected(error.to_string()))?
    );
    wait_for_script(device, &script, &format!("{label} offered by {select}")).await?;
    device
        .wait_for_text(&format!("{select} option:checked"), label)
        .await
}

/// Gives the account open on `device` to the person named `name`, with the owner picker.
async fn give(device: &Device, name: &str) -> HarnessResult {
    choose_option(device, "#edit-owner", name).await
}

/// Waits, at most the harness's limit, until `device`'s list has no row for `id`.
async fn wait_until_unlisted(device: &Device, id: &str) -> HarnessResult {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    let script = format!(
        "return document.querySelector(\".account-row[data-account-id='{id}']\") !== null;"
    );
    loop {
        device.wait_for("#accounts-count").await?;
        if device.evaluate(&script).await? == serde_json::Value::Bool(false) {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected("the reassigned account is still listed"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The id of the person named `name` in the open people section of `device`.
async fn person_id(device: &Device, name: &str) -> HarnessResult<String> {
    device.wait_for("#people .person").await?;
    let script = format!(
        "for (const row of document.querySelectorAll('#people .person')) {{
           if (row.textContent.includes({})) return row.dataset.personId;
         }}
         return null;",
        serde_json::to_string(name).map_err(|error| unexpected(error.to_string()))?
    );
    let id = device.evaluate(&script).await?;
    id.as_str()
        .map(str::to_owned)
        .ok_or_else(|| unexpected(format!("{name} is not in the people section")))
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn disabling_a_rep_hands_her_accounts_to_the_chosen_colleague_whose_device_receives_them(
) -> HarnessResult {
    let test = "disable_hand_over";
    const NAME: &str = "Maison Lyonnaise du Thé";
    let server = TestServer::start_demo(1).await?;
    let admin = Device::open("admin", server.port()).await?;
    let rachida = Device::open("rachida", server.port()).await?;
    let julien = Device::open("julien", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        rachida.sign_in(RACHIDA).await?;
        julien.sign_in(JULIEN).await?;
        for device in [&admin, &rachida, &julien] {
            device.wait_until_synced().await?;
        }
        // The admin creates an account and gives it to Rachida; Julien does not have it.
        admin.fill("#account-name", NAME).await?;
        admin.fill("#account-city", "Lyon").await?;
        admin.click("#create-account").await?;
        let id = account_id(&admin, NAME).await?;
        open_account(&admin, &id).await?;
        give(&admin, "Rachida Benali").await?;
        admin.wait_until_synced().await?;
        account_id(&rachida, NAME).await?;

        // The admin disables Rachida, choosing Julien to receive her accounts and deals.
        admin.goto("/settings").await?;
        let person = person_id(&admin, "Rachida Benali").await?;
        let row = format!("#people .person[data-person-id='{person}']");
        admin.click(&format!("{row} .disable-person")).await?;
        admin.wait_for(&format!("{row} #handover-to")).await?;
        choose_option(&admin, "#handover-to", "Julien Moreau").await?;
        admin
            .evaluate("document.querySelector('#handover-to').scrollIntoView({ block: 'center' }); return true;")
            .await?;
        admin.screenshot(test, "1-choose-colleague").await?;
        admin.click(&format!("{row} .confirm-disable")).await?;
        admin
            .wait_for(&format!("{row}[data-disabled='true']"))
            .await?;
        let said = admin.wait_for("#people-handed").await?.text().await?;
        if !said.contains("Julien Moreau") {
            return Err(unexpected(format!(
                "the handover is not reported: {said:?}"
            )));
        }
        admin
            .evaluate("document.querySelector('#people-handed').scrollIntoView({ block: 'center' }); return true;")
            .await?;
        admin.screenshot(test, "2-handed-over").await?;

        // Rachida's open app is erased; Julien's device receives the account, naming him.
        rachida.wait_for("#sign-in-email").await?;
        account_id(&julien, NAME).await?;
        open_account(&julien, &id).await?;
        julien
            .wait_for_text("#edit-owner option:checked", "Julien Moreau")
            .await?;
        julien.screenshot(test, "3-received").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &rachida, &julien], outcome).await;
    admin.close().await?;
    rachida.close().await?;
    julien.close().await?;
    outcome
}

/// Waits, at most the harness's limit, until `device` holds a number of documents `done` accepts;
/// answers that number.
async fn wait_for_held(
    device: &Device,
    what: &str,
    done: impl Fn(u64) -> bool,
) -> HarnessResult<u64> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let held = device.held_documents().await?;
        if done(held) {
            return Ok(held);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!("{what}: still {held} documents")));
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Waits, at most the harness's limit, until `script` answers `true` on `device`.
pub(crate) async fn wait_for_script(device: &Device, script: &str, what: &str) -> HarnessResult {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    while device.evaluate(script).await? != serde_json::Value::Bool(true) {
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!("never happened: {what}")));
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Ok(())
}

/// Ticks (or unticks) the checkbox `selector` on `device` when it is not already so (once it is
/// there: the form's choices may still be loading, at most the harness's limit).
async fn tick(device: &Device, selector: &str, ticked: bool) -> HarnessResult {
    let script = format!(
        "const box = document.querySelector({});
         if (!box) return false;
         if (box.checked !== {ticked}) box.click();
         return true;",
        serde_json::to_string(selector).map_err(|error| unexpected(error.to_string()))?
    );
    wait_for_script(device, &script, &format!("a checkbox {selector}")).await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_admin_gives_a_rep_a_territory_and_a_team_from_settings_and_his_device_follows(
) -> HarnessResult {
    let test = "access_and_teams";
    let server = TestServer::start_demo(12).await?;
    let admin = Device::open("admin", server.port()).await?;
    let julien = Device::open("julien", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        julien.sign_in(JULIEN).await?;
        admin.wait_until_synced().await?;
        julien.wait_until_synced().await?;
        let before = julien.held_documents().await?;

        // The admin gives Julien Île-de-France on top of his territories.
        admin.goto("/settings").await?;
        let person = person_id(&admin, "Julien Moreau").await?;
        let row = format!("#people .person[data-person-id='{person}']");
        crate::records::click_in_view(&admin, &format!("{row} .edit-access")).await?;
        admin.wait_for(&format!("{row} .access-form")).await?;
        tick(&admin, &format!("{row} input[data-territory='idf']"), true).await?;
        admin
            .evaluate(&format!(
                "document.querySelector(\"{row} .access-form\").scrollIntoView({{ block: 'center' }}); return true;"
            ))
            .await?;
        admin.screenshot(test, "1-access-form").await?;
        crate::records::click_in_view(&admin, &format!("{row} .save-access")).await?;
        wait_for_script(
            &admin,
            &format!(
                "return document.querySelector(\"{row} .person-line\").textContent.includes('Île-de-France');"
            ),
            "the territory listed for Julien",
        )
        .await?;

        // His open app receives the territory's records at once.
        let granted = wait_for_held(&julien, "Île-de-France reaching Julien", |held| held > before).await?;

        // The admin makes a team led by Rémi with Julien as a member; it is listed by name.
        crate::records::click_in_view(&admin, "#new-team").await?;
        admin.wait_for("#team-form").await?;
        admin.fill("#team-name", "Équipe Paris").await?;
        let remi = person_id(&admin, "Rémi Garnier").await?;
        tick(&admin, &format!("#team-form input.team-lead[data-person-id='{remi}']"), true).await?;
        tick(&admin, &format!("#team-form input.team-member[data-person-id='{person}']"), true).await?;
        tick(&admin, "#team-form input.team-territory[data-territory='idf']", true).await?;
        crate::records::click_in_view(&admin, "#save-team").await?;
        admin
            .wait_for_text(
                "#teams .team[data-team='Équipe Paris'] .team-members",
                "Members: Julien Moreau",
            )
            .await?;
        admin
            .evaluate("document.querySelector('#teams').scrollIntoView({ block: 'center' }); return true;")
            .await?;
        admin.screenshot(test, "2-team").await?;

        // Taking the territory back purges its records from his device again.
        crate::records::click_in_view(&admin, &format!("{row} .edit-access")).await?;
        admin.wait_for(&format!("{row} .access-form")).await?;
        tick(&admin, &format!("{row} input[data-territory='idf']"), false).await?;
        crate::records::click_in_view(&admin, &format!("{row} .save-access")).await?;
        wait_for_held(&julien, "Île-de-France leaving Julien", |held| held < granted).await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &julien], outcome).await;
    admin.close().await?;
    julien.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_account_reassigned_while_its_rep_is_offline_leaves_her_device_and_her_edit_is_set_aside(
) -> HarnessResult {
    let test = "reassign_offline";
    const NAME: &str = "Cave des Canuts";
    const NOTE: &str = "Commande de 40 bouteilles";
    let server = TestServer::start_demo(1).await?;
    let manager = Device::open("manager", server.port()).await?;
    let rachida = Device::open("rachida", server.port()).await?;
    let julien = Device::open("julien", server.port()).await?;
    let outcome = async {
        manager.sign_in(REMI).await?;
        rachida.sign_in(RACHIDA).await?;
        julien.sign_in(JULIEN).await?;
        for device in [&manager, &rachida, &julien] {
            device.wait_until_synced().await?;
        }
        // The manager creates an account and gives it to Rachida: it reaches her device whole.
        manager.fill("#account-name", NAME).await?;
        manager.fill("#account-city", "Lyon").await?;
        manager.click("#create-account").await?;
        let id = account_id(&manager, NAME).await?;
        open_account(&manager, &id).await?;
        give(&manager, "Rachida Benali").await?;
        manager.wait_until_synced().await?;
        account_id(&rachida, NAME).await?;
        open_account(&rachida, &id).await?;

        // Offline, she writes a note that is saved on her device only.
        rachida.go_offline().await?;
        type_at_end(&rachida, "#edit-notes", NOTE).await?;
        crate::sync::wait_for_value(&rachida, "#edit-notes", "the note kept", |value| {
            value.contains(NOTE)
        })
        .await?;
        rachida.screenshot(test, "1-offline-note").await?;

        // Meanwhile the manager hands the account to Julien, whose device receives it.
        give(&manager, "Julien Moreau").await?;
        manager.wait_until_synced().await?;
        account_id(&julien, NAME).await?;

        // Rachida reconnects: the account leaves her list and her search, and her note is set
        // aside in Settings rather than lost.
        rachida.go_online().await?;
        rachida.goto("/").await?;
        wait_until_unlisted(&rachida, &id).await?;
        rachida.goto("/search").await?;
        rachida.fill("#search-box", "Canuts").await?;
        rachida
            .wait_for_text("#search-status", "Nothing found.")
            .await?;
        rachida.goto("/settings").await?;
        let count = rachida.wait_for("#quarantine-count").await?.text().await?;
        let count: usize = count
            .trim()
            .parse()
            .map_err(|_| unexpected(format!("the set-aside count reads {count:?}")))?;
        if count == 0 {
            return Err(unexpected("nothing was set aside"));
        }
        rachida
            .evaluate("document.querySelector('#quarantine').scrollIntoView(); return true;")
            .await?;
        rachida.screenshot(test, "2-set-aside").await?;

        // Her note never reached the relay: neither the manager nor Julien has it.
        open_account(&julien, &id).await?;
        for device in [&manager, &julien] {
            let notes = device
                .evaluate("return document.querySelector('#edit-notes').value;")
                .await?;
            if notes.as_str().unwrap_or_default().contains(NOTE) {
                return Err(unexpected("the out-of-reach note was synced"));
            }
        }
        Ok(())
    }
    .await;
    finish(test, &[&manager, &rachida, &julien], outcome).await
}
