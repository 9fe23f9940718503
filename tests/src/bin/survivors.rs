//! Lists the processes an end-to-end run left behind, kills them, and fails if there were any.
//!
//! `cargo xtask test` runs it after the browser tests with the same `CARNET_E2E_RUN`: every
//! server, ChromeDriver and Chromium the run started carries that run's marker (see
//! `tests::process`), so whatever still carries it outlived its test.

use std::process::ExitCode;

use tests::process::{end_marked, run_marker, RUN_VARIABLE};

fn main() -> ExitCode {
    if std::env::var_os(RUN_VARIABLE).is_none() {
        eprintln!("{RUN_VARIABLE} is not set: name the run whose processes to look for");
        return ExitCode::FAILURE;
    }
    let survivors = end_marked(&run_marker());
    if survivors.is_empty() {
        eprintln!("No process of the end-to-end run is left.");
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} processes outlived the end-to-end tests (now killed):",
        survivors.len()
    );
    for survivor in &survivors {
        eprintln!("  {:>7}  {}", survivor.pid, survivor.command);
    }
    ExitCode::FAILURE
}
