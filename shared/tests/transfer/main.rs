//! Data in and out (`shared::transfer`) against real files: the fixtures in
//! `tests/fixtures/import/`, and round trips through export, import and backup.
//!
//! - `csv_import`: sniffing, mapping, validation with line numbers, duplicates, the plan;
//! - `products`: catalogue products from a supplier file, their duplicates, export read back;
//! - `round_trips`: CSV and vCard export read back, 10,000 rows;
//! - `vcard`: vCard 3.0, 4.0 and 2.1 files;
//! - `backup`: the backup file written, read, refused when damaged, and merged.

mod backup;
mod csv_import;
mod products;
mod round_trips;
mod vcard;

use std::error::Error;
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn Error>>;

/// 2026-03-02 09:00 UTC.
const NOW: i64 = 1_772_442_000;

/// The bytes of `tests/fixtures/import/<name>`.
fn fixture(name: &str) -> Result<Vec<u8>, std::io::Error> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "import",
        name,
    ]
    .iter()
    .collect();
    std::fs::read(path)
}
