//! The size benchmark: what the built client weighs raw, gzipped and brotli-compressed, per file
//! and along the first screen's critical path, against the budgets; then where the wasm's bytes
//! go, from `twiggy`.
//!
//! A benchmark, not a test: it prints numbers and never fails on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::compress::{self, Compressed};

/// The first screen's critical path (HTML, JS, UI wasm, CSS), brotli-compressed (issue 12).
const CRITICAL_PATH_BUDGET: u64 = 450_000;
/// Every wasm module together, brotli-compressed (issue 12).
const ALL_MODULES_BUDGET: u64 = 1_000_000;
/// What the critical path is made of: the page and the scripts, modules and styles it names.
const CRITICAL_EXTENSIONS: &[&str] = &["js", "wasm", "css"];

/// The name Trunk gives the workspace worker's files (its `data-bin`).
const WORKER_NAME: &str = "carnet-worker";

/// Prints the per-file and critical-path sizes of the built client in `dist`, whose compressed
/// copies `files` describes. Returns the brotli size of the UI's modules (every wasm module but
/// the worker's), which hold no Automerge.
pub(crate) fn print_report(dist: &Path, files: &[Compressed]) -> Result<u64> {
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
    print_against_budget("critical path", critical.brotli, CRITICAL_PATH_BUDGET);
    print_against_budget("all wasm modules", modules.brotli, ALL_MODULES_BUDGET);
    let ui_modules = Totals::of(
        rows.iter()
            .filter(|row| row.name.ends_with(".wasm") && !row.name.starts_with(WORKER_NAME)),
    );
    Ok(ui_modules.brotli)
}

/// Prints the floor under every module's size: the UI's modules, which hold no Automerge, plus
/// Automerge alone as the worker compiles it (`automerge_floor`, the optimised module of the
/// `automerge-floor` crate), against the all-modules budget.
pub(crate) fn print_floor(ui_modules_brotli: u64, automerge_floor: &Path) -> Result<()> {
    let bytes = std::fs::read(automerge_floor)
        .with_context(|| format!("cannot read {}", automerge_floor.display()))?;
    let automerge = size(&compress::brotli(&bytes)?);
    println!("\nThe floor under all modules (brotli)");
    println!(
        "{:<44} {:>11}",
        "UI modules (first screen + pages, no Automerge)", ui_modules_brotli
    );
    println!(
        "{:<44} {:>11}  (raw {})",
        "Automerge alone, as the worker compiles it",
        automerge,
        size(&bytes)
    );
    print_against_budget(
        "UI modules + Automerge alone",
        ui_modules_brotli + automerge,
        ALL_MODULES_BUDGET,
    );
    Ok(())
}

/// One line: `what`'s brotli size against its budget.
fn print_against_budget(what: &str, brotli: u64, budget: u64) {
    println!(
        "{what}, brotli: {brotli} B = {:.0}% of the {budget} B budget ({})",
        percent(brotli, budget),
        verdict(brotli, budget)
    );
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
        let named = bindgen.join(format!("{}_bg.wasm", without_hash(shipped)));
        if named.is_file() {
            modules.push(named);
        }
    }
    // The split-off pages' module, as the splitter wrote it (names kept, before wasm-opt).
    let split_work = bindgen.join("carnet-split-work").join("loader");
    if let Ok(entries) = std::fs::read_dir(&split_work) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|extension| extension == "wasm")
            {
                modules.push(path);
            }
        }
    }
    modules.sort();
    Ok(modules)
}

/// A module's name without the hash Trunk adds to it: `client-<16 hex digits>` → `client`; the
/// worker's `carnet-worker` has none and stays whole.
fn without_hash(shipped: &str) -> &str {
    match shipped.rsplit_once('-') {
        Some((name, hash))
            if hash.len() == 16 && hash.chars().all(|digit| digit.is_ascii_hexdigit()) =>
        {
            name
        }
        _ => shipped,
    }
}

/// Bytes per crate of a wasm module, largest first, from `twiggy top -f json` of its named
/// build: each function counts for the crate its name starts with (`<client::Page as
/// yew::Component>::view` is the client's), data segments as `data`, the name section as
/// `names` and everything else (types, imports, tables) as `other`.
pub(crate) fn bytes_per_crate(twiggy_json: &str) -> Result<Vec<(String, u64)>> {
    let items: Vec<serde_json::Value> =
        serde_json::from_str(twiggy_json).context("twiggy's JSON is not a list")?;
    let mut per_crate: BTreeMap<String, u64> = BTreeMap::new();
    for item in &items {
        let name = item["name"].as_str().unwrap_or_default();
        let size = item["shallow_size"].as_u64().unwrap_or_default();
        *per_crate.entry(owner(name)).or_default() += size;
    }
    let mut sorted: Vec<(String, u64)> = per_crate.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(sorted)
}

/// The crate (or kind of item) one twiggy item belongs to.
fn owner(name: &str) -> String {
    if name.starts_with("data segment") {
        return "data".to_owned();
    }
    if name.ends_with("subsection") || name.starts_with("custom section") {
        return "names".to_owned();
    }
    let path = name.trim_start_matches(['<', '&', '*', '(', '[']);
    let path = path.strip_prefix("mut ").unwrap_or(path);
    let path = path.strip_prefix("dyn ").unwrap_or(path);
    match path.split_once("::") {
        Some((owner, _))
            if !owner.is_empty()
                && owner
                    .chars()
                    .all(|character| character.is_ascii_alphanumeric() || character == '_') =>
        {
            owner.to_owned()
        }
        _ => "other".to_owned(),
    }
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

/// Prints the largest entries of [`bytes_per_crate`] with their share of `total`.
pub(crate) fn print_bytes_per_crate(module: &Path, per_crate: &[(String, u64)], rows: usize) {
    let total: u64 = per_crate.iter().map(|(_, bytes)| bytes).sum();
    println!(
        "\nBytes per crate of {} (before wasm-opt, names included)",
        module.display()
    );
    for (owner, bytes) in per_crate.iter().take(rows) {
        println!("{owner:<32} {bytes:>10} {:>6.1}%", percent(*bytes, total));
    }
    println!("{:<32} {total:>10}", "total");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_named_without_trunks_hash_but_a_dash_in_its_own_name_stays() {
        assert_eq!(without_hash("client-ee4ba1a4c63cc6a5"), "client");
        assert_eq!(without_hash("carnet-worker"), "carnet-worker");
        assert_eq!(
            without_hash("carnet-worker-ee4ba1a4c63cc6a5"),
            "carnet-worker"
        );
    }

    #[test]
    fn twiggy_items_are_counted_for_the_crate_their_name_starts_with() -> Result<()> {
        let json = r#"[
            {"name":"\"function names\" subsection","shallow_size":1000,"shallow_size_percent":1.0},
            {"name":"data segment \".rodata\"","shallow_size":300,"shallow_size_percent":1.0},
            {"name":"automerge::op_set2::OpSet::load::h97","shallow_size":200,"shallow_size_percent":1.0},
            {"name":"<client::pages::deal::DealPage as yew::functional::FunctionProvider>::run::h1","shallow_size":150,"shallow_size_percent":1.0},
            {"name":"client::hooks::use_import::ImportHandle::start::h2","shallow_size":100,"shallow_size_percent":1.0},
            {"name":"<&mut serde_json::de::Deserializer<R>>::parse::h3","shallow_size":40,"shallow_size_percent":1.0},
            {"name":"code[42]","shallow_size":7,"shallow_size_percent":1.0},
            {"name":"type[3]: (i32) -> nil","shallow_size":5,"shallow_size_percent":1.0}
        ]"#;
        assert_eq!(
            bytes_per_crate(json)?,
            vec![
                ("names".to_owned(), 1000),
                ("data".to_owned(), 300),
                ("client".to_owned(), 250),
                ("automerge".to_owned(), 200),
                ("serde_json".to_owned(), 40),
                ("other".to_owned(), 12),
            ]
        );
        Ok(())
    }

    #[test]
    fn the_critical_path_is_the_page_and_the_code_and_styles_it_names() -> Result<()> {
        let dist = tempfile::tempdir()?;
        let html = "<link rel=\"stylesheet\" href=\"/style-0011.css\"/>\
            <script type=\"module\">import init from '/client-aa.js';\
            await init({ module_or_path: '/client-aa_bg.wasm' });</script>\
            <link rel=\"manifest\" href=\"/manifest.webmanifest\" />";
        let names = [
            ("index.html", html.to_owned()),
            ("style-0011.css", "body { color: teal; }\n".repeat(40)),
            ("client-aa.js", "export default 1;\n".repeat(40)),
            ("client-aa_bg.wasm", "\0asm".repeat(200)),
            ("worker-bb_bg.wasm", "\0asm".repeat(200)),
            ("manifest.webmanifest", "{}".to_owned()),
        ];
        for (name, text) in &names {
            std::fs::write(dist.path().join(name), text)?;
        }
        let files = compress::compress_folder(dist.path())?;
        let critical: Vec<String> = files
            .iter()
            .map(|file| Row::new(dist.path(), file, html))
            .filter_map(|row| row.ok().filter(|row| row.critical).map(|row| row.name))
            .collect();
        assert_eq!(
            critical,
            vec![
                "client-aa.js",
                "client-aa_bg.wasm",
                "index.html",
                "style-0011.css"
            ]
        );
        Ok(())
    }
}
