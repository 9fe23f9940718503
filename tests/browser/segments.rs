//! Segments and objectives planned by the manager on the demo workspace: Rémi (a manager, not
//! an admin) saves a segment on the dashboard and sees how many accounts it holds; Rachida's
//! device receives it and counts, lists and exports (call list as CSV) only her part of it;
//! and Rémi sets Rachida an objective from his own device, which reaches her Today page.

use std::collections::BTreeSet;

use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::field_day::open_screen;
use crate::import::{capture_downloads, download};
use crate::records::click_in_view;
use crate::sync::{RACHIDA, REMI};
use crate::team::{choose_option, wait_for_script};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace (enough for both départements to hold some).
const DEMO_ACCOUNTS: usize = 120;

/// The segment Rémi saves.
const SEGMENT: &str = "Paris et Lyon sans visite depuis 60 jours";

/// The segment's row on the dashboard.
fn row() -> String {
    format!("#dashboard-segments .segment[data-name='{SEGMENT}']")
}

/// How many accounts the segment holds on `device`, once it is listed there.
async fn count(device: &Device) -> HarnessResult<usize> {
    device.wait_for(&row()).await?;
    let count = device
        .evaluate(&format!(
            "return Number(document.querySelector(\"{}\").dataset.count);",
            row()
        ))
        .await?;
    count
        .as_u64()
        .and_then(|count| usize::try_from(count).ok())
        .ok_or_else(|| unexpected(format!("odd count {count}")))
}

/// The names of the accounts the opened segment lists on `device` (each a link to its page).
async fn listed(device: &Device) -> HarnessResult<BTreeSet<String>> {
    click_in_view(device, &format!("{} .segment-open", row())).await?;
    device
        .wait_for(&format!("{} .segment-accounts", row()))
        .await?;
    let names = device
        .evaluate(&format!(
            "return [...document.querySelectorAll(\"{} .segment-accounts a\")]
                .filter((link) => link.getAttribute('href').startsWith('/accounts/'))
                .map((link) => link.textContent.trim());",
            row()
        ))
        .await?;
    let Value::Array(names) = names else {
        return Err(unexpected(format!("odd names {names}")));
    };
    Ok(names
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

/// The rows of a call list (name, postcode), read from its CSV (BOM, `;`, CRLF, a header).
fn call_list(bytes: &[u8]) -> HarnessResult<Vec<(String, String)>> {
    let text = String::from_utf8(bytes.to_vec()).map_err(|error| unexpected(error.to_string()))?;
    let text = text
        .strip_prefix('\u{feff}')
        .ok_or_else(|| unexpected("the call list has no BOM"))?;
    let mut lines = text.split("\r\n").filter(|line| !line.is_empty());
    let header = lines.next().unwrap_or_default();
    if !header.starts_with("Raison sociale;Téléphone;Code postal") {
        return Err(unexpected(format!("odd header {header}")));
    }
    lines
        .map(|line| {
            let fields = fields(line);
            match (fields.first(), fields.get(2)) {
                (Some(name), Some(postcode)) => Ok((name.clone(), postcode.clone())),
                _ => Err(unexpected(format!("odd line {line}"))),
            }
        })
        .collect()
}

/// The fields of one CSV line (quotes as the export writes them).
fn fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match (character, quoted) {
            ('"', true) if characters.peek() == Some(&'"') => {
                characters.next();
                if let Some(field) = fields.last_mut() {
                    field.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (';', false) => fields.push(String::new()),
            (other, _) => {
                if let Some(field) = fields.last_mut() {
                    field.push(other);
                }
            }
        }
    }
    fields
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_segment_the_manager_saves_reaches_the_rep_who_counts_lists_and_exports_her_part_only(
) -> HarnessResult {
    let test = "segments";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let manager = Device::open("manager", server.port()).await?;
    let rep = Device::open("rep", server.port()).await?;
    let outcome = async {
        manager.sign_in(REMI).await?;
        rep.sign_in(RACHIDA).await?;
        manager.wait_until_synced().await?;
        rep.wait_until_synced().await?;

        // Rémi saves the segment: accounts in Paris (75) or the Rhône (69) not visited for
        // more than 60 days.
        open_screen(&manager, "/dashboard").await?;
        manager.wait_for("#segment-form").await?;
        crate::sync::center(&manager, "#segment-name").await?;
        manager.fill("#segment-name", SEGMENT).await?;
        crate::sync::center(&manager, "#segment-departements").await?;
        manager.fill("#segment-departements", "75, 69").await?;
        crate::sync::center(&manager, "#segment-no-visit").await?;
        manager.fill("#segment-no-visit", "60").await?;
        click_in_view(&manager, "#segment-save").await?;
        let all = count(&manager).await?;
        let everyone = listed(&manager).await?;
        if all == 0 || everyone.len() != all {
            return Err(unexpected(format!(
                "the manager counts {all} and lists {everyone:?}"
            )));
        }
        manager.screenshot(test, "1-manager-segment").await?;
        manager.wait_until_synced().await?;

        // Rachida (Île-de-France and the north-east) gets it and sees her part only: the
        // Paris accounts, none of the Rhône's.
        open_screen(&rep, "/dashboard").await?;
        let hers = count(&rep).await?;
        let mine = listed(&rep).await?;
        if hers == 0 || hers >= all || mine.len() != hers || !mine.is_subset(&everyone) {
            return Err(unexpected(format!(
                "the rep counts {hers} and lists {mine:?} of the manager's {everyone:?}"
            )));
        }
        if rep
            .evaluate("return !!document.querySelector('#segment-form');")
            .await?
            != Value::Bool(false)
        {
            return Err(unexpected("a rep is offered the segment form"));
        }
        rep.screenshot(test, "2-rep-part").await?;

        // Her call list holds exactly her part, all in Paris.
        capture_downloads(&rep).await?;
        click_in_view(&rep, &format!("{} .segment-call-list", row())).await?;
        let lines = call_list(&download(&rep, 0).await?)?;
        let exported: BTreeSet<String> = lines.iter().map(|(name, _)| name.clone()).collect();
        if exported != mine
            || lines
                .iter()
                .any(|(_, postcode)| !postcode.starts_with("75"))
        {
            return Err(unexpected(format!(
                "the rep's call list {lines:?} is not her part {mine:?}"
            )));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&manager, &rep], outcome).await;
    manager.close().await?;
    rep.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_objective_the_manager_sets_from_his_device_reaches_the_reps_today_page() -> HarnessResult
{
    let test = "manager_objective";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let manager = Device::open("manager", server.port()).await?;
    let rep = Device::open("rep", server.port()).await?;
    let outcome = async {
        manager.sign_in(REMI).await?;
        rep.sign_in(RACHIDA).await?;
        manager.wait_until_synced().await?;
        rep.wait_until_synced().await?;

        // Rémi, a manager, sets Rachida 30 visits for this month (the first period offered).
        open_screen(&manager, "/dashboard").await?;
        manager.wait_for("#objective-form").await?;
        choose_option(&manager, "#objective-assignee", "Rachida Benali").await?;
        choose_option(&manager, "#objective-metric", "Visits").await?;
        crate::sync::center(&manager, "#objective-target").await?;
        manager.fill("#objective-target", "30").await?;
        click_in_view(&manager, "#objective-form button[type='submit']").await?;
        let set = "return [...document.querySelectorAll('#dashboard-objectives .objective')]
            .some((row) => row.textContent.includes('Rachida Benali') && row.textContent.includes('of 30'));";
        wait_for_script(&manager, set, "the objective listed on the manager's dashboard").await?;
        manager.wait_until_synced().await?;

        // The relay took it from him: it reaches Rachida's Today page (with the visits she
        // already made this month).
        open_screen(&rep, "/today").await?;
        let shown = "const block = document.querySelector('#today-objectives');
            return !!block && / of 30/.test(block.textContent);";
        wait_for_script(&rep, shown, "the objective on the rep's Today page").await?;
        rep.screenshot(test, "1-today").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&manager, &rep], outcome).await;
    manager.close().await?;
    rep.close().await?;
    outcome
}
