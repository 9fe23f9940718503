//! The rep's day in the field, on real devices of the demo workspace: a deal dragged to the next
//! stage on a tablet shows there on a laptop; a deal moves with the arrow keys and the move is
//! announced and kept; a visit reported offline with a mocked position (check-in, distance to
//! the address, next step) reaches the rep's other device once back online; and with location
//! refused, Today says so and still lists the visits.

use fantoccini::key::Key;
use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::{MANON, RACHIDA, REMI};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace: enough for each rep to have visits planned today
/// (see shared's `each_rep_has_visits_planned_today_at_addresses_with_coordinates`).
const DEMO_ACCOUNTS: usize = 25;

/// Opens a screen through the app's navigation (no reload: works offline too).
pub(crate) async fn open_screen(device: &Device, path: &str) -> HarnessResult {
    device.click(&format!(".app-nav a[href='{path}']")).await
}

/// A card on the board with a stage after its own: (deal id, its stage, the next stage).
pub(crate) async fn movable_card(device: &Device) -> HarnessResult<(String, String, String)> {
    device.wait_for(".deal-card").await?;
    let found = device
        .evaluate(
            "const columns = [...document.querySelectorAll('.pipeline-column')];
             for (let i = 0; i + 1 < columns.length; i++) {
               const card = columns[i].querySelector('.deal-card');
               if (card) return [card.dataset.dealId, columns[i].dataset.stage, columns[i + 1].dataset.stage];
             }
             return null;",
        )
        .await?;
    match found {
        Value::Array(values) => match values.as_slice() {
            [Value::String(deal), Value::String(from), Value::String(to)] => {
                Ok((deal.clone(), from.clone(), to.clone()))
            }
            _ => Err(unexpected(format!("odd card description {values:?}"))),
        },
        other => Err(unexpected(format!(
            "no movable card on the board ({other})"
        ))),
    }
}

/// The selector of deal `deal`'s card in the column of `stage`.
pub(crate) fn card_in(stage: &str, deal: &str) -> String {
    format!(".pipeline-column[data-stage='{stage}'] .deal-card[data-deal-id='{deal}']")
}

/// The text of the first element matched by `css`.
async fn text_of(device: &Device, css: &str) -> HarnessResult<String> {
    device.wait_for(css).await?;
    Ok(device
        .texts(css)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default())
}

#[tokio::test]
#[ignore = "needs the built client and Chromium (cargo xtask test)"]
async fn a_deal_dragged_by_touch_on_a_tablet_moves_on_the_laptop() -> HarnessResult {
    let test = "a_deal_dragged_by_touch_on_a_tablet_moves_on_the_laptop";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        laptop.sign_in(REMI).await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;
        open_screen(&tablet, "/pipeline").await?;
        open_screen(&laptop, "/pipeline").await?;
        let (deal, from, to) = movable_card(&tablet).await?;
        laptop.wait_for(&card_in(&from, &deal)).await?;
        let total = format!(".pipeline-column[data-stage='{to}'] .stage-total");
        let total_before = text_of(&laptop, &total).await?;

        tablet
            .drag(
                &format!(".deal-card[data-deal-id='{deal}']"),
                &format!(".pipeline-column[data-stage='{to}'] .pipeline-column-header"),
                true,
            )
            .await?;
        tablet.wait_for(&card_in(&to, &deal)).await?;
        let announced = text_of(&tablet, "#pipeline-announcement").await?;
        if !announced.contains("moved to") {
            return Err(unexpected(format!(
                "the move was announced as {announced:?}"
            )));
        }
        tablet.screenshot(test, "1-moved-on-tablet").await?;
        tablet.wait_until_synced().await?;

        // The laptop's board re-reads when sync brings the change: no reload.
        laptop.wait_for(&card_in(&to, &deal)).await?;
        let total_after = text_of(&laptop, &total).await?;
        if total_after != text_of(&tablet, &total).await? {
            return Err(unexpected("the two devices show different stage totals"));
        }
        if total_after == total_before {
            eprintln!("the moved deal has no amount in the workspace currency: {total_after}");
        }
        laptop.screenshot(test, "2-moved-on-laptop").await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet, &laptop], outcome).await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium (cargo xtask test)"]
async fn a_deal_moves_with_the_arrow_keys_and_the_move_is_announced_and_kept() -> HarnessResult {
    let test = "a_deal_moves_with_the_arrow_keys_and_the_move_is_announced_and_kept";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        laptop.sign_in(REMI).await?;
        laptop.wait_until_synced().await?;
        open_screen(&laptop, "/pipeline").await?;
        let (deal, from, to) = movable_card(&laptop).await?;
        let card = laptop
            .wait_for(&format!(".deal-card[data-deal-id='{deal}']"))
            .await?;
        laptop
            .evaluate(&format!(
                "document.querySelector(\".deal-card[data-deal-id='{deal}']\").focus();"
            ))
            .await?;
        card.send_keys(&char::from(Key::Right).to_string()).await?;
        laptop.wait_for(&card_in(&to, &deal)).await?;
        // Focus follows the card into its new column (the page moves it once the column has
        // rendered), so the next arrow keeps moving it.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        let focused = loop {
            let focused = laptop
                .evaluate("return document.activeElement && document.activeElement.dataset.dealId;")
                .await?;
            if focused == Value::String(deal.clone()) || tokio::time::Instant::now() >= deadline {
                break focused;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        if focused != Value::String(deal.clone()) {
            return Err(unexpected(format!("focus is on {focused} after the move")));
        }
        let announced = text_of(&laptop, "#pipeline-announcement").await?;
        if !announced.contains("moved to") {
            return Err(unexpected(format!(
                "the move was announced as {announced:?}"
            )));
        }
        laptop.screenshot(test, "1-moved-right").await?;

        // Left goes back; the keyboard's move is saved like any other.
        let card = laptop
            .wait_for(&format!(".deal-card[data-deal-id='{deal}']"))
            .await?;
        card.send_keys(&char::from(Key::Left).to_string()).await?;
        laptop.wait_for(&card_in(&from, &deal)).await?;
        card_moved_again_is_kept(&laptop, &deal, &to).await
    }
    .await;
    finish(test, &[&laptop], outcome).await
}

/// Moves `deal` to `stage` with its "move to…" menu, then reloads: the board shows it there.
async fn card_moved_again_is_kept(device: &Device, deal: &str, stage: &str) -> HarnessResult {
    let menu = format!(".deal-card[data-deal-id='{deal}'] .deal-move-select");
    device
        .evaluate(&format!(
            "const menu = document.querySelector(\"{menu}\");
             menu.value = '{stage}';
             menu.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await?;
    device.wait_for(&card_in(stage, deal)).await?;
    device.wait_until_synced().await?;
    device.reload().await?;
    device.wait_for(&card_in(stage, deal)).await?;
    Ok(())
}

/// The first planned visit's account id and visit-address coordinates.
async fn first_planned_visit(device: &Device) -> HarnessResult<(String, f64, f64)> {
    device.wait_for(".planned-visit").await?;
    let found = device
        .evaluate(
            "const row = document.querySelector('.planned-visit[data-latitude]');
             return row ? [row.dataset.accountId, row.dataset.latitude, row.dataset.longitude] : null;",
        )
        .await?;
    let parse = |value: &Value| value.as_str().and_then(|text| text.parse::<f64>().ok());
    match found {
        Value::Array(values) => match values.as_slice() {
            [Value::String(id), latitude, longitude] => match (parse(latitude), parse(longitude)) {
                (Some(latitude), Some(longitude)) => Ok((id.clone(), latitude, longitude)),
                _ => Err(unexpected(format!("odd coordinates {values:?}"))),
            },
            _ => Err(unexpected(format!("odd planned visit {values:?}"))),
        },
        other => Err(unexpected(format!(
            "no planned visit with coordinates ({other})"
        ))),
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium (cargo xtask test)"]
async fn a_visit_reported_offline_with_its_check_in_reaches_the_reps_other_device() -> HarnessResult
{
    let test = "a_visit_reported_offline_with_its_check_in_reaches_the_reps_other_device";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        // Lyon's Place Bellecour, to begin with.
        tablet.mock_position(45.7578, 4.8320, 20.0).await?;
        tablet.sign_in(RACHIDA).await?;
        laptop.sign_in(RACHIDA).await?;
        tablet.wait_until_synced().await?;
        laptop.wait_until_synced().await?;
        open_screen(&tablet, "/today").await?;
        open_screen(&laptop, "/today").await?;

        // With a position, every planned visit shows its distance, nearest first.
        let (account, latitude, longitude) = first_planned_visit(&tablet).await?;
        tablet.wait_for(".today-hint").await?;
        let distances = tablet.texts(".planned-visit .visit-distance").await?;
        if distances.iter().any(|distance| distance.trim().is_empty()) {
            return Err(unexpected(format!(
                "visits without distance: {distances:?}"
            )));
        }
        tablet.screenshot(test, "1-today").await?;

        // On site (about 30 m from the visit address), with no network.
        tablet
            .mock_position(latitude + 0.0002, longitude + 0.0002, 8.0)
            .await?;
        tablet.go_offline().await?;
        tablet
            .click(&format!(
                ".planned-visit[data-account-id='{account}'] .start-visit"
            ))
            .await?;
        tablet
            .wait_for("#check-in-status .check-in-distance")
            .await?;
        let coordinates = text_of(&tablet, "#check-in-status .check-in-coordinates").await?;
        let expected = format!("{:.5}, {:.5}", latitude + 0.0002, longitude + 0.0002);
        if coordinates != expected {
            return Err(unexpected(format!(
                "checked in at {coordinates}, not {expected}"
            )));
        }
        tablet.fill("#visit-outcome", "Commande passée").await?;
        tablet
            .fill(
                "#visit-report-text",
                "Quarante baguettes par jour dès lundi.",
            )
            .await?;
        tablet
            .fill("#next-step-title", "Livrer la première commande")
            .await?;
        tablet.screenshot(test, "2-visit-report-offline").await?;
        tablet.click("#save-visit").await?;

        let reported = format!(".reported-visit[data-account-id='{account}']");
        tablet
            .wait_for(&format!("{reported} .check-in-distance"))
            .await?;
        // The visit is done: it leaves the round; its next step is a task for later.
        let still_planned = tablet
            .texts(&format!(".planned-visit[data-account-id='{account}']"))
            .await?;
        if !still_planned.is_empty() {
            return Err(unexpected("the reported visit is still planned"));
        }
        let offline_distance = text_of(&tablet, &format!("{reported} .check-in-distance")).await?;
        tablet.screenshot(test, "3-reported-offline").await?;

        tablet.go_online().await?;
        tablet.wait_until_synced().await?;

        // The rep's laptop shows the visit with its check-in and distance, without a reload.
        laptop
            .wait_for(&format!("{reported} .check-in-distance"))
            .await?;
        let report = text_of(&laptop, &format!("{reported} .reported-visit-report")).await?;
        if report != "Quarante baguettes par jour dès lundi." {
            return Err(unexpected(format!(
                "the laptop shows the report {report:?}"
            )));
        }
        let laptop_coordinates =
            text_of(&laptop, &format!("{reported} .check-in-coordinates")).await?;
        if laptop_coordinates != expected {
            return Err(unexpected(format!(
                "the laptop shows the check-in at {laptop_coordinates}"
            )));
        }
        let laptop_distance = text_of(&laptop, &format!("{reported} .check-in-distance")).await?;
        if laptop_distance != offline_distance || !laptop_distance.contains(" m ") {
            return Err(unexpected(format!(
                "distance {laptop_distance:?} on the laptop, {offline_distance:?} on the tablet"
            )));
        }
        laptop.screenshot(test, "4-reported-on-laptop").await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet, &laptop], outcome).await
}

#[tokio::test]
#[ignore = "needs the built client and Chromium (cargo xtask test)"]
async fn with_location_refused_today_says_so_and_still_lists_the_visits() -> HarnessResult {
    let test = "with_location_refused_today_says_so_and_still_lists_the_visits";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.deny_position().await?;
        tablet.sign_in(RACHIDA).await?;
        tablet.wait_until_synced().await?;
        open_screen(&tablet, "/today").await?;
        tablet
            .wait_for("#position-message[data-state='denied']")
            .await?;
        let message = text_of(&tablet, "#position-message p").await?;
        if !message.contains("Location is turned off") {
            return Err(unexpected(format!("the message reads {message:?}")));
        }
        first_planned_visit(&tablet).await?;
        let distances = tablet.texts(".planned-visit .visit-distance").await?;
        if distances.iter().any(|distance| !distance.trim().is_empty()) {
            return Err(unexpected(format!(
                "distances without a position: {distances:?}"
            )));
        }
        tablet.wait_for("#due-tasks, #no-tasks").await?;
        // A visit can still be reported, without a check-in.
        tablet.click(".planned-visit .start-visit").await?;
        tablet.wait_for("#check-in-status.check-in-missing").await?;
        tablet.screenshot(test, "1-location-refused").await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet], outcome).await
}
