//! The screenshots of every screen the README shows: tablet (1024×768) and laptop (1440×900),
//! light and dark, on the demo workspace. They go to `target/screenshots/docs/`, and to
//! `docs/screenshots/` when `CARNET_UPDATE_SCREENSHOTS=1` (then commit them after looking).

use std::path::PathBuf;

use serde_json::Value;
use tests::{Device, HarnessResult, TestServer};

use crate::sync::MANON;
use crate::{finish, unexpected};

const SIZES: [(&str, u32, u32); 2] = [("tablet", 1024, 768), ("laptop", 1440, 900)];

/// The first element matching `css`'s `attribute`, once the page shows one.
async fn first_attribute(device: &Device, css: &str, attribute: &str) -> HarnessResult<String> {
    device.wait_for(css).await?;
    let script = format!(
        "const e = document.querySelector({}); return e ? e.getAttribute({}) : null;",
        serde_json::to_string(css).map_err(|e| unexpected(e.to_string()))?,
        serde_json::to_string(attribute).map_err(|e| unexpected(e.to_string()))?
    );
    match device.evaluate(&script).await? {
        Value::String(value) => Ok(value),
        other => Err(unexpected(format!("{css} has no {attribute} ({other})"))),
    }
}

#[tokio::test]
#[ignore = "needs the built client and Chromium: run `cargo xtask test`"]
async fn every_screen_is_photographed_at_tablet_and_laptop_sizes_in_both_themes() -> HarnessResult {
    let test = "documentation_screenshots";
    let server = TestServer::start_demo(40).await?;
    let device = Device::open("docs", server.port()).await?;
    let directory = if std::env::var_os("CARNET_UPDATE_SCREENSHOTS").is_some() {
        tests::workspace_root().join("docs/screenshots")
    } else {
        tests::workspace_root().join("target/screenshots/docs")
    };
    let outcome = async {
        device.set_viewport(1024, 768).await?;
        device.emulate_dark_mode(false).await?;
        device.goto("/").await?;
        device.wait_for("#sign-in-email").await?;
        shoot(&device, &directory, "sign-in").await?;
        device.sign_in(MANON).await?;
        device.wait_until_synced().await?;
        device.wait_for_text("#accounts-count", "40").await?;
        let account = first_attribute(&device, ".account-row", "data-account-id").await?;
        let mut screens: Vec<(String, String)> = vec![
            ("today".to_owned(), "/today".to_owned()),
            ("accounts".to_owned(), "/".to_owned()),
            ("account".to_owned(), format!("/accounts/{account}")),
            ("pipeline".to_owned(), "/pipeline".to_owned()),
            ("search".to_owned(), "/search".to_owned()),
            ("import".to_owned(), "/import".to_owned()),
            ("settings".to_owned(), "/settings".to_owned()),
        ];
        // The contact and deal pages of the account's first contact and deal, when its page
        // links them.
        device.goto(&format!("/accounts/{account}")).await?;
        device.wait_for("#edit-name").await?;
        for (name, css) in [("contact", "a[href^='/contacts/']"), ("deal", "a[href^='/deals/']")] {
            if let Ok(Value::String(href)) = device
                .evaluate(&format!(
                    "const a = document.querySelector(\"{css}\"); return a ? a.getAttribute('href') : null;"
                ))
                .await
            {
                screens.push((name.to_owned(), href));
            }
        }
        for (name, path) in &screens {
            device.goto(path).await?;
            device.wait_for("main .page").await?;
            // Let lists fill and fonts settle before the picture.
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            shoot(&device, &directory, name).await?;
        }
        Ok(())
    }
    .await;
    let outcome = finish(test, &[&device], outcome).await;
    device.close().await?;
    outcome
}

/// Photographs the current page at every size, in light then dark.
async fn shoot(device: &Device, directory: &std::path::Path, name: &str) -> HarnessResult {
    for (size, width, height) in SIZES {
        device.set_viewport(width, height).await?;
        for dark in [false, true] {
            device.emulate_dark_mode(dark).await?;
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let theme = if dark { "dark" } else { "light" };
            let path: PathBuf = directory.join(format!("{name}-{size}-{theme}.png"));
            device.screenshot_to(&path).await?;
        }
    }
    device.set_viewport(1024, 768).await?;
    device.emulate_dark_mode(false).await
}
