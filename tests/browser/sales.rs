//! Selling at the customer's: a rep with no signal builds a quote of three catalogue lines and
//! a free line, the customer signs it on the tablet with a finger, the printed page (saved as
//! PDF by Chromium) holds the legal mentions and the right totals, and the quote becomes an
//! order; back online, the manager's device receives the order: on the account, and offline, on
//! the dashboard: in this year's revenue, its région's bar and the rep's revenue objective the
//! manager set for the month before she left.

use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::field_day::open_screen;
use crate::records::click_in_view;
use crate::sync::{account_id, open_account, retype, MANON, RACHIDA, REMI};
use crate::team::{choose_option, wait_for_script};
use crate::{finish, unexpected};

/// The references of the catalogue lines the rep adds (the demo's catalogue).
const PRODUCTS: [&str; 3] = ["FAR-T65-25", "LEV-FR-500", "FOUR-REV"];

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn a_quote_built_offline_is_signed_on_the_tablet_printed_and_becomes_an_order_the_manager_sees(
) -> HarnessResult {
    let test = "sales_quote_to_order";
    const NAME: &str = "Boulangerie des Quatre Saisons";
    let server = TestServer::start_demo(1).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let manager = Device::open("manager", server.port()).await?;
    let outcome = async {
        tablet.sign_in(RACHIDA).await?;
        manager.sign_in(REMI).await?;
        tablet.wait_until_synced().await?;
        manager.wait_until_synced().await?;
        manager.wait_for_service_worker().await?;

        // The manager sets Rachida 1,000 € of revenue for this month (the first period offered).
        open_screen(&manager, "/dashboard").await?;
        manager.wait_for("#objective-form").await?;
        choose_option(&manager, "#objective-assignee", "Rachida Benali").await?;
        choose_option(&manager, "#objective-metric", "Revenue").await?;
        manager.fill("#objective-target", "1000").await?;
        click_in_view(&manager, "#objective-form button[type='submit']").await?;
        wait_for_script(
            &manager,
            &rachidas_objective("row.textContent.includes('1,000')"),
            "the revenue objective listed on the dashboard",
        )
        .await?;
        manager.wait_until_synced().await?;

        // The rep's customer, created while she still had signal.
        tablet.goto("/").await?;
        tablet.fill("#account-name", NAME).await?;
        tablet.fill("#account-city", "Paris").await?;
        tablet.fill("#account-postcode", "75011").await?;
        tablet.click("#create-account").await?;
        let id = account_id(&tablet, NAME).await?;
        tablet.wait_until_synced().await?;

        // At the customer's, no signal: a new quote of three catalogue lines and a free line.
        tablet.go_offline().await?;
        open_account(&tablet, &id).await?;
        click_in_view(&tablet, "#new-quote").await?;
        tablet.wait_for("#quote-number").await?;
        let number = tablet.wait_for("#quote-number").await?.text().await?;
        if !number.contains("D-20") {
            return Err(unexpected(format!("the quote is numbered {number:?}")));
        }
        for (added, reference) in PRODUCTS.into_iter().enumerate() {
            choose_product(&tablet, reference).await?;
            tablet.wait_for("#add-product:not([disabled])").await?;
            click_in_view(&tablet, "#add-product").await?;
            wait_for_lines(&tablet, added + 1).await?;
        }
        wait_for_lines(&tablet, 3).await?;
        tablet.fill("#free-line-description", "Livraison en tournée").await?;
        click_in_view(&tablet, "#add-free-line").await?;
        wait_for_lines(&tablet, 4).await?;
        let lines = line_ids(&tablet).await?;
        let (flour, delivery) = match (lines.first(), lines.last()) {
            (Some(flour), Some(delivery)) => (flour.clone(), delivery.clone()),
            _ => return Err(unexpected("the quote has no lines")),
        };
        // Four sacks of flour; the delivery at 35 € excluding VAT (standard rate).
        retype(&tablet, &format!("#line-{flour}-quantity"), "4").await?;
        retype(&tablet, &format!("#line-{delivery}-price"), "35").await?;
        // 4 × 18.40 + 2.35 = 75.95 at 5.5 % (VAT 4.18); 480 + 35 = 515.00 at 20 % (VAT 103.00):
        // 590.95 excluding VAT, 698.13 including it.
        wait_for_amount(&tablet, "#total-net", "590.95").await?;
        wait_for_amount(&tablet, "#total-gross", "698.13").await?;
        tablet.screenshot(test, "1-draft").await?;

        // Sent, then signed by the customer with a finger.
        click_in_view(&tablet, "#send-quote").await?;
        tablet.wait_for("#quote-status.status-sent").await?;
        tablet.wait_for("#signature-pad").await?;
        tablet
            .evaluate("document.querySelector('#signature-pad').scrollIntoView({block: 'center'}); return true;")
            .await?;
        tablet
            .draw_with_finger(
                "#signature-pad",
                &[
                    &[(-120.0, 10.0), (-80.0, -20.0), (-40.0, 15.0), (0.0, -25.0), (40.0, 20.0)],
                    &[(60.0, 0.0), (90.0, -15.0), (120.0, 10.0)],
                ],
            )
            .await?;
        tablet.fill("#signer-name", "Marie Dupont").await?;
        tablet.wait_for("#sign-quote:not([disabled])").await?;
        click_in_view(&tablet, "#sign-quote").await?;
        tablet.wait_for("#quote-status.status-accepted").await?;
        wait_for_script(
            &tablet,
            "const signer = document.querySelector('#quote-signer');
             return signer !== null && signer.textContent.startsWith('Marie Dupont — ');",
            "the signer's name and time under the signature",
        )
        .await?;
        let drawn = tablet
            .evaluate("const path = document.querySelector('#quote-signed path'); return path ? path.getAttribute('d') : null;")
            .await?;
        match drawn {
            Value::String(path) if path.matches('L').count() >= 4 => {}
            other => return Err(unexpected(format!("no drawn signature is kept: {other}"))),
        }
        tablet.screenshot(test, "2-signed").await?;

        // The printed page, saved as PDF by Chromium, read back as text: in French, as the
        // customer reads it.
        speak(&tablet, "fr").await?;
        tablet.wait_for("#quote-status.status-accepted").await?;
        // Printing waits for the workspace's identity (the print button is disabled before).
        tablet
            .wait_for(".quote-page[data-identity-loaded='true']")
            .await?;
        let printed = tablet.print_to_pdf_text().await?;
        speak(&tablet, "en").await?;
        tablet.wait_for("#quote-status.status-accepted").await?;
        let flat: String = printed.split_whitespace().collect::<Vec<_>>().join(" ");
        let quote_number = number
            .split_whitespace()
            .find(|word| word.starts_with("D-"))
            .ok_or_else(|| unexpected(format!("no number in {number:?}")))?;
        for expected in [
            "DEVIS N°",
            quote_number,
            "Carnet Démo SAS",
            "SIRET 73282932000074",
            "FR44732829320",
            "RCS Lyon 732 829 320",
            NAME,
            "Livraison en tournée",
            "Total HT 590,95",
            "Total TTC 698,13",
            "4,18",
            "103,00",
            "trois fois le taux d'intérêt légal",
            "40 €",
            "« Bon pour accord »",
            "Marie Dupont",
        ] {
            if !flat.contains(expected) {
                return Err(unexpected(format!(
                    "the printed quote lacks {expected:?}:\n{printed}"
                )));
            }
        }
        if flat.contains("Imprimer ou enregistrer") || flat.contains("Transformer en commande") {
            return Err(unexpected(format!("the printed page shows the app's controls:\n{printed}")));
        }

        // Accepted, it becomes an order, still offline.
        click_in_view(&tablet, "#make-order").await?;
        tablet.wait_for("#order-number").await?;
        let order = tablet.wait_for("#order-number").await?.text().await?;
        let order_number = order
            .split_whitespace()
            .find(|word| word.starts_with("C-"))
            .ok_or_else(|| unexpected(format!("the order is numbered {order:?}")))?
            .to_owned();
        wait_for_amount(&tablet, "#total-gross", "698.13").await?;
        tablet.screenshot(test, "3-order").await?;

        // Meanwhile the manager's dashboard counts no revenue from it.
        manager.goto("/dashboard").await?;
        manager.wait_for("#revenue-year").await?;
        let before = manager.wait_for("#revenue-year").await?.text().await?;
        if before.replace(char::is_whitespace, "").contains("590.95") {
            return Err(unexpected(format!("revenue before the order: {before}")));
        }

        // Back online: the manager's device shows the order on the account, and its revenue
        // on the dashboard.
        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        manager.goto("/").await?;
        account_id(&manager, NAME).await?;
        open_account(&manager, &id).await?;
        wait_for_script(
            &manager,
            &format!(
                "const orders = document.querySelector('#account-orders');
                 return orders !== null && orders.textContent.includes({});",
                serde_json::to_string(&order_number).map_err(|e| unexpected(e.to_string()))?
            ),
            "the order listed on the manager's account page",
        )
        .await?;
        click_in_view(&manager, "#account-orders a").await?;
        wait_for_amount(&manager, "#total-gross", "698.13").await?;
        manager.wait_for(".order-quote-link").await?;
        manager.screenshot(test, "4-manager").await?;

        // The manager loses the network, then opens his dashboard: the order counts in this
        // year's revenue, in Île-de-France's bar and in Rachida's objective.
        manager.go_offline().await?;
        open_screen(&manager, "/dashboard").await?;
        wait_for_amount(&manager, "#revenue-year", "590.95").await?;
        wait_for_script(
            &manager,
            "const chart = document.querySelector('#dashboard-region-EUR');
             return chart !== null && [...chart.querySelectorAll('tr')].some((row) =>
                 row.textContent.includes('Île-de-France')
                 && row.textContent.replace(/\\s/g, '').includes('590.95'));",
            "Île-de-France's bar at 590.95",
        )
        .await?;
        wait_for_script(
            &manager,
            &rachidas_objective("row.textContent.replace(/\\s/g, '').includes('590.95')"),
            "the order counted in Rachida's objective",
        )
        .await?;
        manager.screenshot(test, "5-dashboard-offline").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &manager], outcome).await;
    tablet.close().await?;
    manager.close().await?;
    outcome
}

/// A script true once Rachida's objective on the dashboard satisfies `condition` (on `row`).
fn rachidas_objective(condition: &str) -> String {
    format!(
        "return [...document.querySelectorAll('#dashboard-objectives .objective')]
            .some((row) => row.textContent.includes('Rachida Benali') && {condition});"
    )
}

/// Shows the app in `language` (`fr`, `en`) on `device`, reloading the page it is on (the
/// harness reads the sync status in English; the printed quote is checked in French).
async fn speak(device: &Device, language: &str) -> HarnessResult {
    device
        .evaluate(&format!(
            "localStorage.setItem('carnet.language', '{language}'); return true;"
        ))
        .await?;
    device.reload().await
}

/// Picks the catalogue product `reference` in the quote's product picker.
async fn choose_product(device: &Device, reference: &str) -> HarnessResult {
    let script = format!(
        "const select = document.querySelector('#product-choice');
         if (!select) return false;
         const option = [...select.options].find((option) => option.textContent.startsWith({} + ' '));
         if (!option) return false;
         select.value = option.value;
         select.dispatchEvent(new Event('change', {{ bubbles: true }}));
         return true;",
        serde_json::to_string(reference).map_err(|e| unexpected(e.to_string()))?
    );
    wait_for_script(
        device,
        &script,
        &format!("{reference} offered in the quote"),
    )
    .await
}

/// Waits until the quote open on `device` lists `count` lines.
async fn wait_for_lines(device: &Device, count: usize) -> HarnessResult {
    wait_for_script(
        device,
        &format!("return document.querySelectorAll('.sales-line').length === {count};"),
        &format!("{count} lines on the quote"),
    )
    .await
}

/// The ids of the lines of the quote open on `device`, in order.
async fn line_ids(device: &Device) -> HarnessResult<Vec<String>> {
    let found = device
        .evaluate(
            "return [...document.querySelectorAll('.sales-line')].map((row) => row.dataset.line);",
        )
        .await?;
    match found {
        Value::Array(ids) => Ok(ids
            .into_iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect()),
        other => Err(unexpected(format!("no line ids: {other}"))),
    }
}

/// Waits until the amount shown by `css` reads `digits` (its currency sign and grouping
/// aside).
async fn wait_for_amount(device: &Device, css: &str, digits: &str) -> HarnessResult {
    wait_for_script(
        device,
        &format!(
            "const shown = document.querySelector({});
             return shown !== null && shown.textContent.replace(/\\s/g, '').includes({});",
            serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?,
            serde_json::to_string(digits).map_err(|e| unexpected(e.to_string()))?
        ),
        &format!("{css} reading {digits}"),
    )
    .await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn two_offline_editors_of_one_draft_merge_line_by_line_and_the_accepted_quote_sets_its_deals_amount(
) -> HarnessResult {
    let test = "sales_merge_and_deal";
    let server = TestServer::start_demo(2).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        tablet.sign_in(REMI).await?;
        laptop.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;

        // The manager prices one of the demo's deals from its page.
        tablet.goto("/pipeline").await?;
        tablet.wait_for(".deal-card .deal-title").await?;
        let deal = match tablet
            .evaluate("return document.querySelector('.deal-card').dataset.dealId;")
            .await?
        {
            Value::String(id) => id,
            other => return Err(unexpected(format!("no deal on the board: {other}"))),
        };
        tablet.goto(&format!("/deals/{deal}")).await?;
        click_in_view(&tablet, "#new-quote").await?;
        tablet.wait_for(".quote-deal-link").await?;
        let quote = match tablet.evaluate("return location.pathname;").await? {
            Value::String(path) if path.starts_with("/quotes/") => path,
            other => return Err(unexpected(format!("the new quote is not open: {other}"))),
        };
        choose_product(&tablet, "FAR-T65-25").await?;
        tablet.wait_for("#add-product:not([disabled])").await?;
        click_in_view(&tablet, "#add-product").await?;
        wait_for_lines(&tablet, 1).await?;
        tablet.wait_until_synced().await?;

        // The admin opens the same draft; then both lose the signal.
        laptop.goto(&quote).await?;
        wait_for_lines(&laptop, 1).await?;
        let flour = line_ids(&laptop)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| unexpected("no line on the admin's copy"))?;
        tablet.go_offline().await?;
        laptop.go_offline().await?;

        // Offline, the manager adds yeast while the admin changes the flour's quantity and adds
        // a free line.
        choose_product(&tablet, "LEV-FR-500").await?;
        tablet.wait_for("#add-product:not([disabled])").await?;
        click_in_view(&tablet, "#add-product").await?;
        wait_for_lines(&tablet, 2).await?;
        retype(&laptop, &format!("#line-{flour}-quantity"), "3").await?;
        laptop.fill("#free-line-description", "Mise en service").await?;
        click_in_view(&laptop, "#add-free-line").await?;
        wait_for_lines(&laptop, 2).await?;
        tablet.screenshot(test, "1-tablet-offline").await?;
        laptop.screenshot(test, "2-laptop-offline").await?;

        // Back online: both copies hold the three lines and the admin's quantity.
        tablet.go_online().await?;
        laptop.go_online().await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;
        // 3 × 18.40 + 2.35 = 57.55 at 5.5 %, and the free line at 0.00: 57.55 before VAT.
        for device in [&tablet, &laptop] {
            wait_for_lines(device, 3).await?;
            wait_for_amount(device, "#total-net", "57.55").await?;
        }
        tablet.screenshot(test, "3-merged").await?;

        // Sent, signed, accepted: the deal takes the quote's total before VAT.
        click_in_view(&tablet, "#send-quote").await?;
        tablet.wait_for("#quote-status.status-sent").await?;
        tablet
            .evaluate("document.querySelector('#signature-pad').scrollIntoView({block: 'center'}); return true;")
            .await?;
        tablet
            .draw_with_finger(
                "#signature-pad",
                &[&[(-100.0, 0.0), (-50.0, -20.0), (0.0, 20.0), (50.0, -10.0)]],
            )
            .await?;
        tablet.fill("#signer-name", "Paul Martin").await?;
        tablet.wait_for("#sign-quote:not([disabled])").await?;
        click_in_view(&tablet, "#sign-quote").await?;
        tablet.wait_for("#quote-status.status-accepted").await?;
        click_in_view(&tablet, "#deal-follows-quote").await?;
        tablet.wait_for("#deal-followed").await?;
        tablet.goto(&format!("/deals/{deal}")).await?;
        wait_for_amount(&tablet, "#deal-amount", "57.55").await?;
        // A frozen quote refuses edits: the accepted copy offers no line editing.
        laptop.wait_for("#quote-status.status-accepted").await?;
        let editable = laptop
            .evaluate("return document.querySelectorAll('.sales-line input').length;")
            .await?;
        if editable != 0 {
            return Err(unexpected(format!(
                "an accepted quote still offers {editable} fields to edit"
            )));
        }
        tablet.screenshot(test, "4-deal").await?;
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&tablet, &laptop], outcome).await;
    tablet.close().await?;
    laptop.close().await?;
    outcome
}
