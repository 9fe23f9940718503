//! The manager's dashboard on real devices of the demo workspace: a deal a rep moved to
//! another stage, synced a moment earlier, moves the stage figures the manager reads on the
//! dashboard with his device offline, and a stage's bar opens the pipeline; an objective an
//! admin sets on the dashboard shows on the rep's Today page, and a visit she reports moves its
//! progress there and on the admin's dashboard; an admin who lengthens the "active" window in
//! Settings changes the lifecycle stage an account's orders suggest, on its page and on the
//! dashboard, whose suggested stage's bar opens the accounts behind it.

use std::collections::BTreeMap;

use fantoccini::key::Key;
use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::field_day::{card_in, movable_card, open_screen};
use crate::records::click_in_view;
use crate::sync::{account_id, open_account, retype, MANON, RACHIDA, REMI};
use crate::team::{choose_option, wait_for_script};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace (enough for every stage to hold deals).
const DEMO_ACCOUNTS: usize = 25;

/// The pipeline chart in euros (the demo's currency).
const PIPELINE: &str = "#dashboard-pipeline-EUR";

/// Each stage's row header in the pipeline chart's table ("Proposition (4)"), by stage key.
async fn stage_rows(device: &Device) -> HarnessResult<BTreeMap<String, String>> {
    device.wait_for(&format!("{PIPELINE} tbody tr")).await?;
    let rows = device
        .evaluate(&format!(
            "return [...document.querySelectorAll('{PIPELINE} tbody tr')]
                .map((row) => [row.dataset.key, row.querySelector('th').textContent.trim()]);"
        ))
        .await?;
    let Value::Array(rows) = rows else {
        return Err(unexpected(format!("odd stage rows {rows}")));
    };
    rows.into_iter()
        .map(|row| match row {
            Value::Array(pair) => match pair.as_slice() {
                [Value::String(key), Value::String(text)] => Ok((key.clone(), text.clone())),
                _ => Err(unexpected(format!("odd stage row {pair:?}"))),
            },
            other => Err(unexpected(format!("odd stage row {other}"))),
        })
        .collect()
}

/// The number of deals a stage row's header counts: "Proposition (4)" gives 4.
fn deals_in(row: &str) -> Option<u32> {
    let (_, count) = row.rsplit_once('(')?;
    count.trim_end_matches(')').trim().parse().ok()
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_deal_a_rep_moved_moves_the_managers_dashboard_offline_and_its_bar_opens_the_pipeline(
) -> HarnessResult {
    let test = "dashboard_offline";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let rep = Device::open("rep", server.port()).await?;
    let manager = Device::open("manager", server.port()).await?;
    let outcome = async {
        rep.sign_in(RACHIDA).await?;
        manager.sign_in(REMI).await?;
        rep.wait_until_synced().await?;
        manager.wait_until_synced().await?;
        manager.wait_for_service_worker().await?;

        // The rep picks a deal on her board that can move one stage on.
        open_screen(&rep, "/pipeline").await?;
        let (deal, from, to) = movable_card(&rep).await?;

        // The manager's dashboard, before: how many open deals each stage holds.
        open_screen(&manager, "/dashboard").await?;
        let before = stage_rows(&manager).await?;
        let (Some(from_before), Some(to_before)) = (
            before.get(&from).and_then(|row| deals_in(row)),
            before.get(&to).and_then(|row| deals_in(row)),
        ) else {
            return Err(unexpected(format!(
                "the dashboard lists no {from} or {to} stage: {before:?}"
            )));
        };
        manager.screenshot(test, "1-before").await?;
        manager
            .evaluate(
                "document.querySelector('#dashboard-pipeline-reps-EUR')
                    .scrollIntoView({ block: 'start' });",
            )
            .await?;
        manager.screenshot(test, "1-per-rep").await?;

        // The rep moves it with its "move to…" menu; the change syncs.
        let menu = format!(".deal-card[data-deal-id='{deal}'] .deal-move-select");
        rep.evaluate(&format!(
            "const menu = document.querySelector(\"{menu}\");
             menu.value = '{to}';
             menu.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await?;
        rep.wait_for(&card_in(&to, &deal)).await?;
        rep.wait_until_synced().await?;

        // The manager's device receives it (his board shows it moved), then loses the network.
        open_screen(&manager, "/pipeline").await?;
        manager.wait_for(&card_in(&to, &deal)).await?;
        manager.go_offline().await?;

        // Offline, the dashboard counts the deal in its new stage.
        open_screen(&manager, "/dashboard").await?;
        let expected = (from_before - 1, to_before + 1);
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        loop {
            let after = stage_rows(&manager).await?;
            let counts = (
                after.get(&from).and_then(|row| deals_in(row)),
                after.get(&to).and_then(|row| deals_in(row)),
            );
            if counts == (Some(expected.0), Some(expected.1)) {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(format!(
                    "the dashboard shows {counts:?} deals in {from} and {to}, not {expected:?}"
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        manager.screenshot(test, "2-after-offline").await?;

        // The stage's bar opens the pipeline, where the deal is.
        click_in_view(
            &manager,
            &format!("{PIPELINE} a.chart-bar-link[data-key='{to}']"),
        )
        .await?;
        manager.wait_for(&card_in(&to, &deal)).await?;
        let path = manager.evaluate("return location.pathname;").await?;
        if path != Value::String("/pipeline".to_owned()) {
            return Err(unexpected(format!("the bar opened {path}")));
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&rep, &manager], outcome).await;
    rep.close().await?;
    manager.close().await?;
    outcome
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn an_objective_an_admin_sets_shows_on_the_reps_today_page_and_her_visit_moves_it(
) -> HarnessResult {
    let test = "dashboard_objective";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let admin = Device::open("admin", server.port()).await?;
    let rep = Device::open("rep", server.port()).await?;
    let outcome = async {
        // Lyon's Place Bellecour: the rep's device knows where it is.
        rep.mock_position(45.7578, 4.8320, 20.0).await?;
        admin.sign_in(MANON).await?;
        rep.sign_in(RACHIDA).await?;
        admin.wait_until_synced().await?;
        rep.wait_until_synced().await?;

        // The admin sets Rachida 40 visits for this month (the first period offered).
        open_screen(&admin, "/dashboard").await?;
        admin.wait_for("#objective-form").await?;
        choose_option(&admin, "#objective-assignee", "Rachida Benali").await?;
        choose_option(&admin, "#objective-metric", "Visits").await?;
        admin.fill("#objective-target", "40").await?;
        click_in_view(&admin, "#objective-form button[type='submit']").await?;
        let listed = "return [...document.querySelectorAll('#dashboard-objectives .objective')]
            .some((row) => row.textContent.includes('Rachida Benali') && row.textContent.includes('of 40'));";
        wait_for_script(&admin, listed, "the objective listed on the dashboard").await?;
        admin.screenshot(test, "1-dashboard").await?;
        admin.wait_until_synced().await?;

        // It reaches Rachida's Today page with its progress.
        open_screen(&rep, "/today").await?;
        let shown = "const block = document.querySelector('#today-objectives');
            return !!block && block.textContent.includes('0 of 40')
                && !!block.querySelector('.objective-bar .objective-fill');";
        wait_for_script(&rep, shown, "the objective on the rep's Today page").await?;
        rep.screenshot(test, "2-today").await?;

        // She reports her first planned visit: her objective counts it, here and on the
        // admin's dashboard once synced.
        click_in_view(&rep, ".planned-visit .start-visit").await?;
        rep.fill("#visit-report-text", "Démonstration faite.").await?;
        click_in_view(&rep, "#save-visit").await?;
        rep.wait_for(".reported-visit").await?;
        let counted = "const block = document.querySelector('#today-objectives');
            return !!block && block.textContent.includes('1 of 40');";
        wait_for_script(&rep, counted, "the visit counted on the rep's Today page").await?;
        rep.screenshot(test, "3-visit-counted").await?;
        rep.wait_until_synced().await?;
        let moved = "return [...document.querySelectorAll('#dashboard-objectives .objective')]
            .some((row) => row.textContent.includes('Rachida Benali') && row.textContent.includes('1 of 40'));";
        wait_for_script(&admin, moved, "the visit counted on the admin's dashboard").await?;
        admin.screenshot(test, "4-dashboard-moved").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin, &rep], outcome).await;
    admin.close().await?;
    rep.close().await?;
    outcome
}

/// Presses Enter in the field `css`.
async fn press_enter(device: &Device, css: &str) -> HarnessResult {
    device
        .wait_for(css)
        .await?
        .send_keys(&char::from(Key::Enter).to_string())
        .await?;
    Ok(())
}

/// The stage suggested on the account page open on `device` is `stage` (a stored name), and
/// its reasons include `reason`.
async fn wait_for_suggestion(device: &Device, stage: &str, reason: &str) -> HarnessResult {
    let script = format!(
        "const shown = document.querySelector('#account-suggested');
         return !!shown && shown.dataset.stage === '{stage}'
             && shown.textContent.includes({});",
        serde_json::to_string(reason).map_err(|error| unexpected(error.to_string()))?
    );
    wait_for_script(
        device,
        &script,
        &format!("the suggestion {stage} ({reason})"),
    )
    .await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_longer_active_window_an_admin_sets_changes_the_suggested_stage_and_its_bar_opens_the_account(
) -> HarnessResult {
    let test = "dashboard_lifecycle";
    const NAME: &str = "Fromagerie du Vieux Lyon";
    let server = TestServer::start_demo(1).await?;
    let admin = Device::open("admin", server.port()).await?;
    let outcome = async {
        admin.sign_in(MANON).await?;
        admin.wait_until_synced().await?;

        // A customer's only order, taken on a tablet whose date is 100 days behind: the order
        // bears that day.
        let shifted = admin.shift_clock(-100).await?;
        admin.goto("/").await?;
        admin.fill("#account-name", NAME).await?;
        admin.fill("#account-city", "Lyon").await?;
        admin.fill("#account-postcode", "69005").await?;
        admin.click("#create-account").await?;
        let id = account_id(&admin, NAME).await?;
        open_account(&admin, &id).await?;
        click_in_view(&admin, "#new-quote").await?;
        admin.wait_for("#quote-number").await?;
        admin.fill("#free-line-description", "Plateau de fromages").await?;
        click_in_view(&admin, "#add-free-line").await?;
        admin.wait_for(".sales-line").await?;
        let line = admin
            .evaluate("return document.querySelector('.sales-line').dataset.line;")
            .await?;
        let line = line.as_str().ok_or_else(|| unexpected(format!("no line id: {line}")))?;
        retype(&admin, &format!("#line-{line}-price"), "42").await?;
        wait_for_script(
            &admin,
            "const net = document.querySelector('#total-net');
             return !!net && net.textContent.includes('42');",
            "the quote's total",
        )
        .await?;
        click_in_view(&admin, "#send-quote").await?;
        admin.wait_for("#quote-status.status-sent").await?;
        admin.wait_for("#signature-pad").await?;
        admin
            .evaluate("document.querySelector('#signature-pad').scrollIntoView({block: 'center'}); return true;")
            .await?;
        admin
            .draw_with_finger("#signature-pad", &[&[(-60.0, 0.0), (0.0, -20.0), (60.0, 10.0)]])
            .await?;
        admin.fill("#signer-name", "Lucie Martin").await?;
        admin.wait_for("#sign-quote:not([disabled])").await?;
        click_in_view(&admin, "#sign-quote").await?;
        admin.wait_for("#quote-status.status-accepted").await?;
        click_in_view(&admin, "#make-order").await?;
        admin.wait_for("#order-number").await?;

        // Back to the real date: silent for 100 days, past the default 90-day active window
        // and win-back floor, the customer is suggested "to win back", beside the prospect
        // stage set when the account was made.
        admin.restore_clock(&shifted).await?;
        admin.goto("/").await?;
        open_account(&admin, &id).await?;
        wait_for_suggestion(&admin, "to_reactivate", "last order 10").await?;
        wait_for_script(
            &admin,
            "const shown = document.querySelector('#account-suggested-stage');
             return !!shown && shown.textContent.startsWith('Suggested: To win back — ')
                 && !!document.querySelector('#use-suggested-stage');",
            "the suggestion in words, with its button",
        )
        .await?;
        admin.screenshot(test, "1-to-win-back").await?;

        // The admin keeps customers active for 120 days without an order.
        open_screen(&admin, "/settings").await?;
        admin.wait_for("#lifecycle-active-days").await?;
        // A window longer than the 365 days that make a customer lost is refused.
        retype(&admin, "#lifecycle-active-days", "400").await?;
        press_enter(&admin, "#lifecycle-active-days").await?;
        admin.wait_for("#lifecycle-active-days-error").await?;
        retype(&admin, "#lifecycle-active-days", "120").await?;
        press_enter(&admin, "#lifecycle-active-days").await?;
        wait_for_script(
            &admin,
            "const field = document.querySelector('#lifecycle-active-days');
             return !!field && field.value === '120'
                 && !document.querySelector('#lifecycle-active-days-error');",
            "the active window saved",
        )
        .await?;
        admin.screenshot(test, "2-settings").await?;

        // The same customer is now suggested active; one click sets it by hand.
        open_screen(&admin, "/").await?;
        open_account(&admin, &id).await?;
        wait_for_suggestion(&admin, "active", "last order 10").await?;
        click_in_view(&admin, "#use-suggested-stage").await?;
        wait_for_script(
            &admin,
            "const stage = document.querySelector('#edit-stage');
             return !!stage && stage.value === 'active'
                 && !document.querySelector('#use-suggested-stage');",
            "the suggested stage set by hand",
        )
        .await?;
        admin.screenshot(test, "3-active").await?;

        // The dashboard counts it among the active customers; that bar opens its accounts.
        open_screen(&admin, "/dashboard").await?;
        admin
            .wait_for("#dashboard-suggested tbody tr[data-key='active']")
            .await?;
        click_in_view(
            &admin,
            "#dashboard-suggested a.chart-bar-link[data-key='active']",
        )
        .await?;
        let listed = format!("#dashboard-suggested-accounts[data-stage='active'] li[data-id='{id}'] a");
        admin.wait_for(&listed).await?;
        let path = admin.evaluate("return location.pathname;").await?;
        if path != Value::String("/dashboard/customers/active".to_owned()) {
            return Err(unexpected(format!("the bar opened {path}")));
        }
        admin.screenshot(test, "4-dashboard").await?;
        click_in_view(&admin, &listed).await?;
        admin.wait_for(&format!(".account-page[data-id='{id}'] #account-suggested")).await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&admin], outcome).await;
    admin.close().await?;
    outcome
}
