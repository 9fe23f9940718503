//! The size benchmark: what the built client weighs raw, gzipped and brotli-compressed, per file
//! and along the first screen's critical path, against the budgets; then where the wasm's bytes
//! go, from `twiggy`.
//!
//! A benchmark, not a test: it prints numbers and never fails on them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::compress::{self, Compressed};

/// The first screen's critical path (HTML, JS, UI wasm, CSS), brotli-compressed (issue 12).
const CRITICAL_PATH_BUDGET: u64 = 450_000;
/// Every wasm module together, brotli-compressed (issue 12).
const ALL_MODULES_BUDGET: u64 = 1_000_000;
/// What the critical path is made of: the page and the scripts, modules and styles it names.
const CRITICAL_EXTENSIONS: &[&str] = &["js", "wasm", "css"];

/// Prints the per-file and critical-path sizes of the built client in `dist`, whose compressed
/// copies `files` describes.
pub(crate) fn print_report(dist: &Path, files: &[Compressed]) -> Result<()> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read {}", index.display()))?;
    let mut rows: Vec<Row> = files
        .iter()
        .map(|file| Row::new(dist, file, &html))
        .collect::<Result<_>>()?;
    rows.sort_by(|a, b| b.brotli.cmp(&a.brotli).then_with(|| a.name.cmp(&b.name)));

    println!("\nSize of the built client ({})", dist.display());
    println!(
        "{:<44} {:>11} {:>11} {:>11}  critical",
        "file", "raw", "gzip", "brotli"
    );
    for row in &rows {
        println!(
            "{:<44} {:>11} {:>11} {:>11}  {}",
            row.name,
            row.raw,
            row.gzip,
            row.brotli,
            if row.critical { "yes" } else { "" }
        );
    }
    let critical = Totals::of(rows.iter().filter(|row| row.critical));
    let modules = Totals::of(rows.iter().filter(|row| row.name.ends_with(".wasm")));
    let everything = Totals::of(rows.iter());
    println!(
        "{:<44} {:>11} {:>11} {:>11}",
        "critical path (HTML + JS + wasm + CSS)", critical.raw, critical.gzip, critical.brotli
    );
    println!(
        "{:<44} {:>11} {:>11} {:>11}",
        "all wasm modules", modules.raw, modules.gzip, modules.brotli
    );
    println!(
        "{:<44} {:>11} {:>11} {:>11}",
        "all compressible files", everything.raw, everything.gzip, everything.brotli
    );
    println!(
        "critical path, brotli: {} B = {:.0}% of the {} B budget ({})",
        critical.brotli,
        percent(critical.brotli, CRITICAL_PATH_BUDGET),
        CRITICAL_PATH_BUDGET,
        verdict(critical.brotli, CRITICAL_PATH_BUDGET)
    );
    println!(
        "all wasm modules, brotli: {} B = {:.0}% of the {} B budget ({})",
        modules.brotli,
        percent(modules.brotli, ALL_MODULES_BUDGET),
        ALL_MODULES_BUDGET,
        verdict(modules.brotli, ALL_MODULES_BUDGET)
    );
    Ok(())
}

/// The wasm-bindgen output of each module in `dist`, before wasm-opt strips the names: Trunk
/// leaves it in `<target>/wasm-bindgen/release/<crate>_bg.wasm`. Its code is a little larger
/// than the shipped module but its functions are named, which is what twiggy needs.
pub(crate) fn named_modules(dist: &Path, target_dir: &Path) -> Result<Vec<PathBuf>> {
    let bindgen = target_dir.join("wasm-bindgen").join("release");
    let mut modules = Vec::new();
    let entries =
        std::fs::read_dir(dist).with_context(|| format!("cannot list {}", dist.display()))?;
    for entry in entries {
        let name = entry
            .with_context(|| format!("cannot list {}", dist.display()))?
            .file_name();
        let Some(shipped) = name.to_str().and_then(|name| name.strip_suffix("_bg.wasm")) else {
            continue;
        };
        // `client-<hash>` → `client`.
        let crate_name = shipped.rsplit_once('-').map_or(shipped, |(name, _)| name);
        let named = bindgen.join(format!("{crate_name}_bg.wasm"));
        if named.is_file() {
            modules.push(named);
        }
    }
    modules.sort();
    Ok(modules)
}

/// One file of the report.
struct Row {
    name: String,
    raw: u64,
    gzip: u64,
    brotli: u64,
    critical: bool,
}

impl Row {
    fn new(dist: &Path, file: &Compressed, html: &str) -> Result<Self> {
        let name = file
            .path
            .strip_prefix(dist)
            .unwrap_or(&file.path)
            .to_string_lossy()
            .into_owned();
        let extension = file
            .path
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        let critical = name == "index.html"
            || (CRITICAL_EXTENSIONS.contains(&extension) && html.contains(&format!("/{name}")));
        // A copy that was not worth writing is served as the file itself.
        let bytes = std::fs::read(&file.path)
            .with_context(|| format!("cannot read {}", file.path.display()))?;
        let gzip = match file.gzip {
            Some(gzip) => gzip,
            None => size(&compress::gzip(&bytes)?).min(file.raw),
        };
        let brotli = match file.brotli {
            Some(brotli) => brotli,
            None => size(&compress::brotli(&bytes)?).min(file.raw),
        };
        Ok(Self {
            name,
            raw: file.raw,
            gzip,
            brotli,
            critical,
        })
    }
}

#[derive(Default)]
struct Totals {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl Totals {
    fn of<'a>(rows: impl Iterator<Item = &'a Row>) -> Self {
        rows.fold(Self::default(), |totals, row| Self {
            raw: totals.raw + row.raw,
            gzip: totals.gzip + row.gzip,
            brotli: totals.brotli + row.brotli,
        })
    }
}

fn size(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

fn percent(part: u64, whole: u64) -> f64 {
    // Sizes are far below 2^52: the conversions are exact.
    let ratio = part as f64 / whole as f64;
    ratio * 100.0
}

fn verdict(size: u64, budget: u64) -> &'static str {
    if size <= budget {
        "within"
    } else {
        "OVER"
    }
}
