//! End-to-end scenarios in headless Chromium against the real server binary.
//!
//! They need the built client and Debian's Chromium, so they are `#[ignore]`d in a plain
//! `cargo test`; `cargo xtask test` builds everything and runs them.

mod accounts_list;
mod app_update;
mod dashboard;
mod download;
mod durability;
mod field_day;
mod import;
mod offline_shell;
mod password_reset;
mod records;
mod resilience;
mod sales;
mod screenshots;
mod search;
mod segments;
mod settings;
mod sync;
mod team;
mod territories;

use tests::{Device, HarnessError, HarnessResult};

/// Saves a screenshot of each device when `outcome` failed, then returns `outcome`.
pub(crate) async fn finish(
    test: &str,
    devices: &[&Device],
    outcome: HarnessResult,
) -> HarnessResult {
    if let Err(error) = &outcome {
        for device in devices {
            match device.screenshot(test, "failure").await {
                Ok(path) => eprintln!("screenshot of the failure: {}", path.display()),
                Err(screenshot_error) => eprintln!("no screenshot: {screenshot_error}"),
            }
        }
        eprintln!("{test} failed: {error}");
    }
    outcome
}

/// Marks a failure whose message the test writes itself.
pub(crate) fn unexpected(message: impl Into<String>) -> HarnessError {
    HarnessError::Unexpected(message.into())
}
