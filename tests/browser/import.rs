//! Data in and out through the real app: the import wizard on a French spreadsheet export
//! (Windows-1252, semicolons, accented headers, a quoted field over two lines, a bad SIRET and
//! a duplicate), the accounts reaching a second device through the relay; a binary file renamed
//! `.csv` refused with nothing changed; an admin importing a supplier's catalogue (a refused VAT
//! rate, duplicate references) that a rep's device then lists; CSV export; and a backup restored onto a wiped device
//! giving the same documents with the same history.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::{MANON, REMI};
use crate::{finish, unexpected};

/// Demo accounts in these tests' workspace.
const DEMO_ACCOUNTS: usize = 4;

/// The absolute path of a committed fixture (what a file input is given).
fn fixture(relative: &str) -> HarnessResult<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    let path = path
        .canonicalize()
        .map_err(|error| unexpected(format!("{}: {error}", path.display())))?;
    Ok(path.display().to_string())
}

/// Gives the file input `css` the file at `path`, as a rep picking it would.
pub(crate) async fn pick_file(device: &Device, css: &str, path: &str) -> HarnessResult {
    Ok(device.wait_for(css).await?.send_keys(path).await?)
}

/// Waits until the text of the element `css` contains `part`, and returns it.
pub(crate) async fn wait_for_text_containing(
    device: &Device,
    css: &str,
    part: &str,
) -> HarnessResult<String> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let texts = device.texts(css).await.unwrap_or_default();
        if let Some(text) = texts.iter().find(|text| text.contains(part)) {
            return Ok(text.clone());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!(
                "{css} never contained {part:?} (it shows {texts:?})"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Whether the element `css` is disabled.
async fn is_disabled(device: &Device, css: &str) -> HarnessResult<bool> {
    let script = format!(
        "const e = document.querySelector({}); return e ? e.disabled : null;",
        serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?
    );
    match device.evaluate(&script).await? {
        Value::Bool(disabled) => Ok(disabled),
        other => Err(unexpected(format!("{css} is not on the page ({other})"))),
    }
}

#[tokio::test]
#[ignore = "needs the built client, the server binary and Chromium (cargo xtask test)"]
async fn the_import_wizard_imports_a_french_export_that_reaches_a_second_device() -> HarnessResult {
    let test = "import_wizard";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet
            .wait_for_text("#accounts-count", &DEMO_ACCOUNTS.to_string())
            .await?;
        tablet.click("#accounts-import-link a").await?;
        tablet.wait_for("#import-file").await?;

        // A picture renamed .csv: said plainly, nothing to import.
        pick_file(
            &tablet,
            "#import-file",
            &fixture("../shared/tests/fixtures/import/binary-renamed.csv")?,
        )
        .await?;
        wait_for_text_containing(&tablet, "#import-file-problem", "not text").await?;
        if !is_disabled(&tablet, "#import-review").await? {
            return Err(unexpected("a binary file can go on to the summary"));
        }
        tablet.screenshot(test, "1-binary-refused").await?;

        // The old tool's export.
        pick_file(
            &tablet,
            "#import-file",
            &fixture("fixtures/import/ancien-crm-windows-1252.csv")?,
        )
        .await?;
        let detected =
            wait_for_text_containing(&tablet, "#import-detected", "Windows-1252").await?;
        if !detected.contains("semicolon") {
            return Err(unexpected(format!("detected: {detected}")));
        }
        tablet
            .wait_for_text("#import-preview th .import-header", "Téléphone")
            .await?;
        tablet
            .wait_for_text("#import-preview td", "Fromagerie Côte-Rôtie")
            .await?;
        // "Enseigne" is not a name the guess knows: the rep maps it to the company name.
        wait_for_text_containing(&tablet, "#import-missing", "Company name").await?;
        if !is_disabled(&tablet, "#import-review").await? {
            return Err(unexpected("the summary is reachable without a name column"));
        }
        tablet
            .wait_for("#import-map-0")
            .await?
            .select_by_value("account_name")
            .await?;
        // The bad SIRET's row, with its line and reason.
        let problem = wait_for_text_containing(&tablet, "#import-problem-5", "Line 5").await?;
        if !problem.contains("invalid SIRET") || !problem.contains("552 032 534 00647") {
            return Err(unexpected(format!("the refused row says {problem:?}")));
        }
        // The same bakery typed twice: first "import anyway", then the rep settles on skip.
        wait_for_text_containing(&tablet, "#import-duplicate-7", "as line 2").await?;
        tablet.click("#decide-7-anyway").await?;
        tablet.click("#decide-7-skip").await?;
        // Each choice goes to the import wizard in the worker, and the page shows the review it
        // answers with: the last one must show skip chosen.
        let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
        loop {
            let chosen = tablet
                .evaluate(
                    "return document.querySelector('#decide-7-skip').getAttribute('aria-checked');",
                )
                .await?;
            if chosen == Value::String("true".to_owned()) {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(unexpected(format!("skip is not chosen ({chosen})")));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tablet.screenshot(test, "2-review").await?;
        crate::records::click_in_view(&tablet, "#import-review").await?;
        tablet
            .wait_for_text("#import-summary-create", "3 new records")
            .await?;
        tablet
            .wait_for_text(
                "#import-summary-invalid",
                "1 refused (see the reasons above)",
            )
            .await?;
        tablet
            .wait_for_text("#import-summary-skip", "1 duplicate skipped")
            .await?;
        tablet.screenshot(test, "3-summary").await?;
        tablet.click("#import-start").await?;
        wait_for_text_containing(&tablet, "#import-outcome", "Imported: 3 new").await?;
        tablet.click("#import-outcome ~ .import-actions a").await?;
        let total = (DEMO_ACCOUNTS + 3).to_string();
        tablet.wait_for_text("#accounts-count", &total).await?;
        for name in [
            "Boulangerie Élevé",
            "Fromagerie Côte-Rôtie",
            "Crêperie Ker Ys",
        ] {
            tablet.wait_for_text(".account-name", name).await?;
        }
        tablet.wait_until_synced().await?;

        // Another rep's device receives them through the relay.
        laptop.sign_in(REMI).await?;
        laptop.wait_until_synced().await?;
        laptop.wait_for_text("#accounts-count", &total).await?;
        for name in [
            "Boulangerie Élevé",
            "Fromagerie Côte-Rôtie",
            "Crêperie Ker Ys",
        ] {
            laptop.wait_for_text(".account-name", name).await?;
        }
        let names = laptop.texts(".account-name").await?;
        if names
            .iter()
            .any(|name| name.contains("Garage Lefèvre") || name.contains("SARL"))
        {
            return Err(unexpected(format!(
                "a refused or skipped row was imported: {names:?}"
            )));
        }
        laptop.screenshot(test, "4-second-device").await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet, &laptop], outcome).await
}

/// The references of the demo catalogue.
const DEMO_PRODUCTS: usize = 10;

#[tokio::test]
#[ignore = "needs the built client, the server binary and Chromium (cargo xtask test)"]
async fn an_admin_imports_a_supplier_catalogue_that_a_rep_then_reads() -> HarnessResult {
    let test = "import_products";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let laptop = Device::open("laptop", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet.goto("/import").await?;
        pick_file(
            &tablet,
            "#import-file",
            &fixture("../shared/tests/fixtures/import/catalogue-fournisseur-windows-1252.csv")?,
        )
        .await?;
        wait_for_text_containing(&tablet, "#import-detected", "Windows-1252").await?;
        // An admin is offered products.
        tablet
            .wait_for("#import-kind option[value='product']")
            .await?;
        tablet
            .wait_for("#import-kind")
            .await?
            .select_by_value("product")
            .await?;
        tablet
            .wait_for("#import-map-4 option[value='unit_price']:checked")
            .await?;
        // 8,5 % is no French VAT rate: the row is refused with its reason.
        let problem = wait_for_text_containing(&tablet, "#import-problem-5", "Line 5").await?;
        if !problem.contains("VAT rate “8,5” is not a French rate") {
            return Err(unexpected(format!("the refused row says {problem:?}")));
        }
        // The demo's flour in lower case, and the salt typed twice: both skipped by default.
        wait_for_text_containing(&tablet, "#import-duplicate-6", "already on this device").await?;
        wait_for_text_containing(&tablet, "#import-duplicate-7", "as line 2").await?;
        tablet.screenshot(test, "1-review").await?;
        crate::records::click_in_view(&tablet, "#import-review").await?;
        tablet
            .wait_for_text("#import-summary-create", "3 new records")
            .await?;
        tablet
            .wait_for_text(
                "#import-summary-invalid",
                "1 refused (see the reasons above)",
            )
            .await?;
        tablet
            .wait_for_text("#import-summary-skip", "2 duplicates skipped")
            .await?;
        tablet.click("#import-start").await?;
        wait_for_text_containing(&tablet, "#import-outcome", "Imported: 3 new").await?;
        tablet.click("#import-outcome ~ .import-actions a").await?;
        tablet.wait_for("#catalogue-title").await?;
        for reference in ["SEL-GUE-25", "LEV-SEC-500", "MOU-PAN-12"] {
            tablet
                .wait_for_text(".product-reference", reference)
                .await?;
        }
        let references = tablet.texts(".product-reference").await?;
        if references.len() != DEMO_PRODUCTS + 3
            || references.iter().any(|reference| reference == "THE-NOI-1")
        {
            return Err(unexpected(format!("the catalogue lists {references:?}")));
        }
        tablet.screenshot(test, "2-catalogue").await?;
        tablet.wait_until_synced().await?;

        // A rep's device receives them through the relay.
        laptop.sign_in(REMI).await?;
        laptop.wait_until_synced().await?;
        laptop.goto("/catalogue").await?;
        for reference in ["SEL-GUE-25", "LEV-SEC-500", "MOU-PAN-12"] {
            laptop
                .wait_for_text(".product-reference", reference)
                .await?;
        }
        laptop.screenshot(test, "3-rep-catalogue").await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet, &laptop], outcome).await
}

/// Starts capturing the blobs the app offers for download (`window.__downloads`).
pub(crate) async fn capture_downloads(device: &Device) -> HarnessResult {
    device
        .evaluate(
            "window.__downloads = [];
             const original = URL.createObjectURL;
             URL.createObjectURL = function (blob) {
               window.__downloads.push(blob);
               return original.call(URL, blob);
             };
             return true;",
        )
        .await?;
    Ok(())
}

/// The bytes of the `index`th captured download, once it exists.
pub(crate) async fn download(device: &Device, index: usize) -> HarnessResult<Vec<u8>> {
    let deadline = tokio::time::Instant::now() + tests::WAIT_LIMIT;
    loop {
        let script = format!(
            "const blob = (window.__downloads || [])[{index}];
             if (!blob) return null;
             return blob.arrayBuffer().then(buffer => Array.from(new Uint8Array(buffer)));"
        );
        if let Value::Array(bytes) = device.evaluate(&script).await? {
            return Ok(bytes
                .iter()
                .filter_map(Value::as_u64)
                .filter_map(|byte| u8::try_from(byte).ok())
                .collect());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(unexpected(format!("download {index} never came")));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Every stored document's heads, by id, read from the device's IndexedDB.
async fn stored_heads(device: &Device) -> HarnessResult<BTreeMap<String, Vec<String>>> {
    let value = device
        .evaluate(
            "return new Promise((resolve, reject) => {
               const open = indexedDB.open('carnet');
               open.onerror = () => reject(open.error);
               open.onsuccess = () => {
                 const db = open.result;
                 const store = db.transaction('documents').objectStore('documents');
                 const keys = store.getAllKeys();
                 const values = store.getAll();
                 values.onsuccess = () => {
                   const heads = {};
                   keys.result.forEach((key, i) => { heads[key] = (values.result[i].heads || []).slice().sort(); });
                   db.close();
                   resolve(heads);
                 };
               };
             });",
        )
        .await?;
    serde_json::from_value(value).map_err(|error| unexpected(error.to_string()))
}

/// Erases the device's records (documents, rows, outbox) but keeps its session and its place
/// in the relay's log, as a device whose data was lost: nothing comes back by itself.
async fn lose_records(device: &Device) -> HarnessResult {
    device
        .evaluate(
            "return new Promise((resolve, reject) => {
               const open = indexedDB.open('carnet');
               open.onerror = () => reject(open.error);
               open.onsuccess = () => {
                 const db = open.result;
                 const stores = ['documents', 'account_index', 'contact_index', 'deal_index', 'outbox'];
                 const tx = db.transaction(stores, 'readwrite');
                 stores.forEach(name => tx.objectStore(name).clear());
                 tx.oncomplete = () => { db.close(); resolve(true); };
                 tx.onerror = () => reject(tx.error);
               };
             });",
        )
        .await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the built client, the server binary and Chromium (cargo xtask test)"]
async fn a_backup_restored_on_a_wiped_device_gives_back_the_same_data_and_history() -> HarnessResult
{
    let test = "backup_restore";
    let server = TestServer::start_demo(DEMO_ACCOUNTS).await?;
    let tablet = Device::open("tablet", server.port()).await?;
    let outcome = async {
        tablet.sign_in(MANON).await?;
        tablet.wait_until_synced().await?;
        tablet
            .wait_for_text("#accounts-count", &DEMO_ACCOUNTS.to_string())
            .await?;
        // One more record with history of its own.
        tablet.fill("#account-name", "Atelier Bleu").await?;
        tablet.fill("#account-city", "Nantes").await?;
        tablet.click("#create-account").await?;
        let total = (DEMO_ACCOUNTS + 1).to_string();
        tablet.wait_for_text("#accounts-count", &total).await?;
        tablet.wait_until_synced().await?;

        tablet.click("a[href='/settings']").await?;
        tablet.wait_for("#export-accounts").await?;
        capture_downloads(&tablet).await?;

        // Export everything: UTF-8 with BOM, French headers, semicolons, one line per account.
        tablet.click("#export-accounts").await?;
        let csv = download(&tablet, 0).await?;
        let text = String::from_utf8(csv.clone()).map_err(|e| unexpected(e.to_string()))?;
        if !csv.starts_with(b"\xEF\xBB\xBF") || !text.contains("Raison sociale;") {
            return Err(unexpected(format!(
                "the export starts {:?}",
                &text[..text.len().min(80)]
            )));
        }
        if !text.contains("Atelier Bleu;") {
            return Err(unexpected(format!("the export holds {text:?}")));
        }
        tablet.click("#export-comma").await?;
        tablet.click("#export-accounts").await?;
        let comma = String::from_utf8(download(&tablet, 1).await?)
            .map_err(|e| unexpected(e.to_string()))?;
        if !comma.contains("Raison sociale,") {
            return Err(unexpected("the comma export is not separated by commas"));
        }
        tablet
            .wait_for_text("#transfer-outcome", &format!("{total} records exported."))
            .await?;

        // The backup, kept outside the browser.
        tablet.click("#backup-download").await?;
        let backup = download(&tablet, 2).await?;
        if !backup.starts_with(b"CARNETBK") {
            return Err(unexpected("the backup is not a Carnet backup file"));
        }
        let folder = tempfile::tempdir()
            .map_err(|source| tests::HarnessError::io("no temporary folder", source))?;
        let backup_path = folder.path().join("carnet-sauvegarde.carnet");
        std::fs::write(&backup_path, &backup)
            .map_err(|source| tests::HarnessError::io("cannot keep the backup", source))?;
        let before = stored_heads(&tablet).await?;
        if before.len() < DEMO_ACCOUNTS + 1 {
            return Err(unexpected(format!(
                "only {} documents before",
                before.len()
            )));
        }

        // The device loses its records while out of reach of the relay (which would otherwise
        // send them back whole at the next connection: it compares what the device holds with
        // what its person may read); its place in the log says it has everything, so offline
        // only the backup can bring them back.
        tablet.go_offline().await?;
        lose_records(&tablet).await?;
        tablet.goto("/").await?;
        tablet.wait_for_text("#accounts-count", "0").await?;
        tablet.click("a[href='/settings']").await?;

        // A damaged or foreign file is refused and changes nothing.
        pick_file(
            &tablet,
            "#restore-file",
            &fixture("../shared/tests/fixtures/import/binary-renamed.csv")?,
        )
        .await?;
        wait_for_text_containing(&tablet, "#transfer-outcome", "not a Carnet backup").await?;
        if !stored_heads(&tablet).await?.is_empty() {
            return Err(unexpected("a refused file changed the device's data"));
        }

        pick_file(&tablet, "#restore-file", &backup_path.display().to_string()).await?;
        wait_for_text_containing(&tablet, "#transfer-outcome", "Restored:").await?;
        tablet.screenshot(test, "1-restored").await?;
        let after = stored_heads(&tablet).await?;
        if after != before {
            return Err(unexpected(format!(
                "the restored documents differ: {} before, {} after",
                before.len(),
                after.len()
            )));
        }
        tablet.click("a[href='/']").await?;
        tablet.wait_for_text("#accounts-count", &total).await?;
        tablet
            .wait_for_text(".account-name", "Atelier Bleu")
            .await?;
        tablet.go_online().await?;
        tablet.wait_until_synced().await?;
        tablet.wait_for_text("#accounts-count", &total).await?;
        Ok(())
    }
    .await;
    finish(test, &[&tablet], outcome).await
}
