//! The record pages in a real browser against the real relay: a demo account's 360° view
//! (contacts, deals, timeline, tasks, `tel:` and `mailto:` links), a contact edited inline on
//! one device and seen on another, a field restored from history on both devices, a field two
//! offline reps changed resolved by choosing, and an invalid e-mail refused and never saved.

use tests::{Device, HarnessResult, TestServer};

use crate::sync::{retype, value, wait_for_value, MANON, REMI};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace.
const DEMO_ACCOUNTS: usize = 6;

/// Signs `device` in as `email` and waits until it lists every demo account.
async fn signed_in(device: &Device, email: &str) -> HarnessResult {
    device.sign_in(email).await?;
    device.wait_until_synced().await?;
    device
        .wait_for_text("#accounts-count", &DEMO_ACCOUNTS.to_string())
        .await
}

/// The ids of the listed accounts, in list order.
async fn listed_accounts(device: &Device) -> HarnessResult<Vec<String>> {
    device.wait_for(".account-row").await?;
    let ids = device
        .evaluate(
            "return [...document.querySelectorAll('.account-row')].map(r => r.dataset.accountId);",
        )
        .await?;
    let ids: Vec<String> = serde_json::from_value(ids).map_err(|e| unexpected(e.to_string()))?;
    if ids.is_empty() {
        return Err(unexpected("no account is listed"));
    }
    Ok(ids)
}

/// Opens the page at `path` (the app serves its shell for every route) and waits for `css`.
async fn open(device: &Device, path: &str, css: &str) -> HarnessResult {
    device.goto(path).await?;
    device.wait_for(css).await?;
    Ok(())
}

/// The `attribute` of every element matching `css`.
async fn attributes(device: &Device, css: &str, attribute: &str) -> HarnessResult<Vec<String>> {
    let script = format!(
        "return [...document.querySelectorAll({})].map(e => e.getAttribute({}) || '');",
        serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?,
        serde_json::to_string(attribute).map_err(|e| unexpected(e.to_string()))?,
    );
    serde_json::from_value(device.evaluate(&script).await?).map_err(|e| unexpected(e.to_string()))
}

/// Clicks `css` once scrolled to the middle of the window, so the sticky app bar cannot cover
/// it (WebDriver only scrolls elements it finds outside the window).
pub(crate) async fn click_in_view(device: &Device, css: &str) -> HarnessResult {
    device.wait_for(css).await?;
    let script = format!(
        "document.querySelector({}).scrollIntoView({{ block: 'center' }});",
        serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?
    );
    device.evaluate(&script).await?;
    device.click(css).await
}

/// Waits until `css` matches nothing.
async fn wait_until_gone(device: &Device, css: &str, what: &str) -> HarnessResult {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    while !device.texts(css).await?.is_empty() {
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!("{what} never went away")));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_demo_account_shows_its_contacts_deals_timeline_tasks_and_links() -> HarnessResult {
    let test = "records-account-360";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        signed_in(&laptop, MANON).await?;
        // Every demo account has contacts, a timeline, a phone and an e-mail; not all have deals.
        let mut with_deals = None;
        for id in listed_accounts(&laptop).await? {
            open(
                &laptop,
                &format!("/accounts/{id}"),
                "#account-contacts .related-item",
            )
            .await?;
            if !laptop
                .texts("#account-deals .related-item")
                .await?
                .is_empty()
            {
                with_deals = Some(id);
                break;
            }
        }
        let id = with_deals.ok_or_else(|| unexpected("no demo account has a deal"))?;
        laptop.wait_for(".timeline-list .activity").await?;

        // Phones call in E.164, e-mails open the mail app, addresses open a map.
        let phones = attributes(&laptop, ".phone-link", "href").await?;
        let numbers = laptop.texts(".phone-link .point-value").await?;
        let first = phones.first().ok_or_else(|| unexpected("no phone link"))?;
        let digits: String = numbers
            .first()
            .map(|text| text.chars().filter(char::is_ascii_digit).collect())
            .unwrap_or_default();
        if *first != format!("tel:+33{}", digits.get(1..).unwrap_or_default()) {
            return Err(unexpected(format!("{first} does not call {numbers:?}")));
        }
        let emails = attributes(&laptop, ".email-link", "href").await?;
        let shown = laptop.texts(".email-link .point-value").await?;
        match (emails.first(), shown.first()) {
            (Some(href), Some(text)) if *href == format!("mailto:{}", text.trim()) => {}
            other => return Err(unexpected(format!("the e-mail link is {other:?}"))),
        }
        let maps = attributes(&laptop, ".map-link", "href").await?;
        if !maps
            .first()
            .is_some_and(|href| href.starts_with("https://www.openstreetmap.org/"))
        {
            return Err(unexpected(format!("the map links are {maps:?}")));
        }

        // A task due yesterday is overdue; completing it moves it down, done.
        laptop
            .fill("#new-task-title", "Relancer pour le devis")
            .await?;
        laptop
            .evaluate(
                "const d = new Date(Date.now() - 86400000);
                 const input = document.querySelector('#new-task-due');
                 input.value = d.toISOString().slice(0, 10);
                 input.dispatchEvent(new InputEvent('input', { bubbles: true }));",
            )
            .await?;
        laptop.click("#add-task").await?;
        laptop
            .wait_for_text(".task.overdue .task-title", "Relancer pour le devis")
            .await?;
        let task = laptop
            .evaluate(
                "for (const task of document.querySelectorAll('.task.overdue')) {
                   if (task.querySelector('.task-title').textContent === 'Relancer pour le devis')
                     return task.dataset.taskId;
                 } return null;",
            )
            .await?;
        let task = task
            .as_str()
            .ok_or_else(|| unexpected(format!("the new task is not listed ({task})")))?;
        click_in_view(&laptop, &format!(".task[data-task-id='{task}'] .task-done")).await?;
        laptop
            .wait_for_text(".task.done .task-title", "Relancer pour le devis")
            .await?;

        // A contact and a deal open their own pages.
        click_in_view(&laptop, "#account-contacts .related-link").await?;
        laptop.wait_for("#edit-first-name").await?;
        laptop.goto(&format!("/accounts/{id}")).await?;
        laptop.wait_for("#account-deals .related-item").await?;
        click_in_view(&laptop, "#account-deals .related-link").await?;
        laptop.wait_for("#edit-title").await?;
        laptop.wait_for("#edit-deal-stage").await?;
        laptop.wait_for(".deal-account-link").await?;
        laptop.screenshot(test, "deal").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&laptop], outcome).await;
    laptop.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_contact_edited_inline_on_one_device_shows_on_the_other() -> HarnessResult {
    let test = "records-contact-edit";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        signed_in(&tablet, MANON).await?;
        signed_in(&laptop, REMI).await?;
        let account = listed_accounts(&tablet).await?.remove(0);
        open(
            &tablet,
            &format!("/accounts/{account}"),
            "#account-contacts .related-item",
        )
        .await?;
        let contacts = attributes(&tablet, "#account-contacts .related-link", "href").await?;
        let contact = contacts
            .first()
            .ok_or_else(|| unexpected("no contact link"))?
            .clone();
        open(&tablet, &contact, "#edit-job-title").await?;
        open(&laptop, &contact, "#edit-job-title").await?;
        retype(&tablet, "#edit-job-title", "Directrice des achats").await?;
        tablet.wait_until_synced().await?;
        wait_for_value(&laptop, "#edit-job-title", "received the job title", |v| {
            v == "Directrice des achats"
        })
        .await?;
        laptop.screenshot(test, "received").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

/// Waits until one of the elements `css` matches shows a text `wanted` accepts (trimmed).
async fn wait_for_texts(
    device: &Device,
    css: &str,
    what: &str,
    wanted: impl Fn(&str) -> bool,
) -> HarnessResult {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let texts = device.texts(css).await?;
        if texts.iter().any(|text| wanted(text.trim())) {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!("{what}: {css} shows {texts:?}")));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn restoring_a_field_from_history_brings_the_earlier_value_back_on_both_devices(
) -> HarnessResult {
    let test = "records-history-restore";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        signed_in(&tablet, MANON).await?;
        signed_in(&laptop, REMI).await?;
        let account = listed_accounts(&tablet).await?.remove(0);
        let path = format!("/accounts/{account}");
        open(&tablet, &path, "#edit-industry").await?;
        open(&laptop, &path, "#edit-industry").await?;
        // The owner is named from the people directory, whoever of the team it is.
        wait_for_texts(
            &tablet,
            "#edit-owner option:checked",
            "the owner named",
            |text| {
                [
                    "Manon Lefèvre",
                    "Rémi Garnier",
                    "Rachida Benali",
                    "Julien Moreau",
                    "Sophie Marchand",
                    "Karim Haddad",
                ]
                .contains(&text)
            },
        )
        .await?;

        // The field changes twice: first on the tablet, then on the laptop.
        retype(&tablet, "#edit-industry", "Boulangerie artisanale").await?;
        tablet.wait_until_synced().await?;
        wait_for_value(&laptop, "#edit-industry", "received the first value", |v| {
            v == "Boulangerie artisanale"
        })
        .await?;
        retype(&laptop, "#edit-industry", "Pâtisserie industrielle").await?;
        laptop.wait_until_synced().await?;
        wait_for_value(
            &tablet,
            "#edit-industry",
            "received the second value",
            |v| v == "Pâtisserie industrielle",
        )
        .await?;

        // The tablet's History names its own change and restores the value it set.
        tablet.click("#tab-history").await?;
        // The laptop's change is named: the tablet's people directory knows Rémi.
        let colleague_change =
            ".history-row[data-author='colleague'][data-fields~='industry'] .history-meta";
        wait_for_texts(
            &tablet,
            colleague_change,
            "the colleague's change named",
            |text| text.contains("Rémi Garnier"),
        )
        .await?;
        let own_change =
            ".history-row[data-author='me-this-device'][data-fields~='industry'] .history-entry";
        tablet.click(own_change).await?;
        tablet
            .wait_for_text(
                "#history-detail tr[data-path='industry'] .history-after",
                "Boulangerie artisanale",
            )
            .await?;
        tablet.screenshot(test, "history").await?;
        click_in_view(
            &tablet,
            "#history-detail .restore-field[data-path='industry']",
        )
        .await?;
        // The restore is itself in the history, newest first.
        tablet
            .wait_for(
                ".history-row:first-child[data-author='me-this-device'][data-fields~='industry']",
            )
            .await?;
        tablet.click("#tab-details").await?;
        for device in [&tablet, &laptop] {
            wait_for_value(
                device,
                "#edit-industry",
                "came back to the first value",
                |v| v == "Boulangerie artisanale",
            )
            .await?;
        }
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_field_two_offline_reps_changed_shows_both_values_until_one_is_chosen() -> HarnessResult {
    let test = "records-conflict";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        signed_in(&tablet, MANON).await?;
        signed_in(&laptop, REMI).await?;
        let account = listed_accounts(&tablet).await?.remove(0);
        let path = format!("/accounts/{account}");
        open(&tablet, &path, "#edit-city").await?;
        open(&laptop, &path, "#edit-city").await?;
        tablet.go_offline().await?;
        laptop.go_offline().await?;
        retype(&tablet, "#edit-city", "Villeurbanne").await?;
        retype(&laptop, "#edit-city", "Vénissieux").await?;
        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        laptop.go_online().await?;
        laptop.wait_until_synced().await?;

        let conflict = "#addresses-main-city-conflict";
        for device in [&tablet, &laptop] {
            device.wait_for(conflict).await?;
            let mut choices =
                attributes(device, &format!("{conflict} button"), "data-value").await?;
            choices.sort();
            if choices != ["Villeurbanne", "Vénissieux"] {
                return Err(unexpected(format!("the conflict offers {choices:?}")));
            }
            // Each value names who set it, colleagues by name.
            let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
            loop {
                let authors = device
                    .texts(&format!("{conflict} .choice-author"))
                    .await?
                    .join(" | ");
                if authors.contains("Manon Lefèvre") && authors.contains("Rémi Garnier") {
                    break;
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(unexpected(format!(
                        "the conflict's authors read {authors:?}"
                    )));
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
        laptop.screenshot(test, "conflict").await?;
        click_in_view(
            &laptop,
            &format!("{conflict} button[data-value='Villeurbanne']"),
        )
        .await?;
        for device in [&tablet, &laptop] {
            wait_for_value(device, "#edit-city", "took the chosen city", |v| {
                v == "Villeurbanne"
            })
            .await?;
            wait_until_gone(device, conflict, "the resolved conflict").await?;
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_invalid_e_mail_is_refused_with_a_reason_and_never_saved() -> HarnessResult {
    let test = "records-invalid-email";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        signed_in(&tablet, MANON).await?;
        signed_in(&laptop, REMI).await?;
        let account = listed_accounts(&tablet).await?.remove(0);
        let path = format!("/accounts/{account}");
        open(&tablet, &path, ".email-input").await?;
        open(&laptop, &path, ".email-input").await?;
        let before = value(&tablet, ".email-input").await?;

        // Editing an existing address into a wrong one: refused, explained, not written.
        retype(&tablet, ".email-input", "compta@").await?;
        tablet
            .wait_for_text(
                ".email-input + .field-error",
                "The part after the @ is not a valid domain, like example.fr.",
            )
            .await?;
        // Adding a wrong one: refused on Enter, explained, nothing added.
        let listed = tablet.texts(".email-link").await?.len();
        tablet.fill("#new-email", "pas une adresse").await?;
        tablet
            .wait_for("#new-email")
            .await?
            .send_keys("\u{e007}")
            .await?;
        tablet
            .wait_for_text(
                "#new-email-error",
                "An e-mail address has exactly one @, like jean@example.fr.",
            )
            .await?;
        tablet.screenshot(test, "refused").await?;
        tablet.wait_until_synced().await?;

        // Neither this device's storage nor the colleague's device holds the wrong values.
        tablet.reload().await?;
        wait_for_value(&tablet, ".email-input", "kept the valid address", |v| {
            v == before
        })
        .await?;
        if tablet.texts(".email-link").await?.len() != listed {
            return Err(unexpected("an invalid address was added"));
        }
        let shown = laptop.texts(".email-link .point-value").await?;
        if shown
            .iter()
            .any(|text| text.contains("compta@") && !text.contains('.'))
        {
            return Err(unexpected(format!("the laptop shows {shown:?}")));
        }
        if value(&laptop, ".email-input").await? != before {
            return Err(unexpected("the laptop's address changed"));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}
