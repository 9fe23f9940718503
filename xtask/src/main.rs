//! Carnet's task runner, the one place that knows how to set up, build, run and test the project.
//!
//! - `cargo xtask run [SERVER ARGS…]`: installs the missing build tools, builds the client in
//!   release mode, and starts the server on http://127.0.0.1:8080 with the demo workspace.
//! - `cargo xtask test`: installs the missing tools (Chromium included), then runs formatting,
//!   clippy (host and wasm), native tests, wasm tests in headless Chromium, and the end-to-end
//!   browser tests against the real server.
//! - `cargo xtask bench [size | NAME | ARGS…]`: the size of the built client (per file and along
//!   the first screen's critical path, raw, gzip and brotli, with `twiggy` summaries of each wasm
//!   module), then the benchmarks (criterion), printed as tables; `bench size` stops after the
//!   size, and `bench NAME` runs the browser benchmark `tests/benches/NAME.rs` alone (`bench
//!   import`); other ARGS go to `cargo bench --workspace`.
//! - `cargo xtask fuzz [SECONDS]`: each fuzz target for SECONDS (default 600), with nightly and
//!   cargo-fuzz (installed when missing); `cargo xtask test` runs each for
//!   [`FUZZ_SECONDS_IN_TEST`] and fails when one crashes.
//! - `cargo xtask build-client`: the client in release mode into `dist/`, with brotli and gzip
//!   copies of every compressible file (written in Rust, so every machine serves them).
//! - `cargo xtask setup [--browser]`: only installs the tools.
//!
//! Every tool is pinned and skipped when already installed at the right version. Nothing is
//! downloaded from anywhere but the package registries (crates.io, npm, Debian).

mod compress;
mod size;
mod split;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    if split::started_as_wrapper() {
        return split::run_wrapper();
    }
    let mut arguments = std::env::args().skip(1);
    let task = arguments.next().unwrap_or_default();
    let rest: Vec<String> = arguments.collect();
    let root = workspace_root()?;
    match task.as_str() {
        "run" => run(&root, &rest),
        "test" => test(&root),
        "bench" => bench(&root, &rest),
        "fuzz" => {
            let seconds = rest.first().map_or("600", String::as_str);
            let tools = tools::ensure(&root, tools::Needs::BUILD)?;
            tools::ensure_fuzzing(&tools)?;
            fuzz(&root, &tools, seconds)
        }
        "build-client" => {
            let tools = tools::ensure(&root, tools::Needs::BUILD)?;
            build_client(&root, &tools).map(drop)
        }
        "setup" => {
            let needs = if rest.iter().any(|argument| argument == "--browser") {
                tools::Needs::TEST
            } else {
                tools::Needs::BUILD
            };
            tools::ensure(&root, needs).map(drop)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 run [SERVER ARGS…]   build the client and start the server (demo data)\n  \
                 test                 every check and test, browsers included\n  \
                 bench [size|NAME]    the client's size, then the benchmarks (or NAME alone)\n  \
                 fuzz [SECONDS]       each fuzz target for SECONDS (nightly + cargo-fuzz)\n  \
                 build-client         build the client into dist/ (release)\n  \
                 setup [--browser]    install the pinned tools only"
            );
            bail!("unknown task {task:?}")
        }
    }
}

/// Builds the client and runs the server in the foreground until Ctrl-C.
fn run(root: &Path, server_arguments: &[String]) -> Result<()> {
    let tools = tools::ensure(root, tools::Needs::BUILD)?;
    build_client(root, &tools)?;
    let mut command = cargo(root);
    command.args([
        "run",
        "--profile",
        "server-release",
        "--package",
        "server",
        "--bin",
        "carnet-server",
        "--",
        "--demo",
    ]);
    command.args(server_arguments);
    step("Starting the server", command)
}

/// Every benchmark, the client's size first. The browser ones need the built client and the
/// optimised server binary, which they are pointed at. `bench size` stops after the size;
/// `bench NAME`, where `tests/benches/NAME.rs` exists, runs that benchmark alone (the relay's
/// benchmarks take no filter, and a criterion benchmark's name may contain NAME).
fn bench(root: &Path, arguments: &[String]) -> Result<()> {
    let tools = tools::ensure(root, tools::Needs::TEST)?;
    let files = build_client(root, &tools)?;
    measure_size(root, &tools, &files)?;
    if arguments.first().is_some_and(|argument| argument == "size") {
        return Ok(());
    }
    let mut server = cargo(root);
    server.args([
        "build",
        "--profile",
        "server-release",
        "--package",
        "server",
        "--bin",
        "carnet-server",
    ]);
    step("Building the optimised server", server)?;
    let mut bench = tools.command(root, "cargo");
    let browser_bench = arguments.first().filter(|name| {
        !name.starts_with('-') && root.join(format!("tests/benches/{name}.rs")).is_file()
    });
    match browser_bench {
        Some(name) => {
            bench.args(["bench", "--package", "tests", "--bench", name, "--"]);
        }
        None => {
            bench.args(["bench", "--workspace"]);
        }
    }
    bench.args(arguments);
    bench.env(
        "CARNET_SERVER_BIN",
        target_dir(root).join("server-release/carnet-server"),
    );
    step("Benchmarks", bench)
}

/// Every check and every test, in the order that fails fastest.
fn test(root: &Path) -> Result<()> {
    let tools = tools::ensure(root, tools::Needs::TEST)?;
    let mut format = cargo(root);
    format.args(["fmt", "--all", "--check"]);
    step("Checking formatting", format)?;

    let mut clippy_host = cargo(root);
    clippy_host.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    step("Linting (host)", clippy_host)?;

    let mut clippy_wasm = tools.command(root, "cargo");
    clippy_wasm.args([
        "clippy",
        "--package",
        "client",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    step("Linting (wasm client)", clippy_wasm)?;

    // Every process the tests start (servers, PostgreSQL clusters, ChromeDriver, Chromium)
    // carries this run's marker: whatever still does afterwards outlived its test, and fails the
    // run (after being listed and killed).
    let run = format!("xtask-{}", std::process::id());
    let mut native = cargo(root);
    native
        .args(["test", "--workspace", "--exclude", "tests"])
        .env("CARNET_E2E_RUN", &run);
    step(
        "Native tests (the storage conformance suite on SQLite and PostgreSQL)",
        native,
    )?;

    let mut relay_on_postgres = cargo(root);
    relay_on_postgres
        .args(["test", "--package", "server", "--test", "relay"])
        .env("CARNET_RELAY_TESTS_DATABASE", "postgres")
        .env("CARNET_E2E_RUN", &run);
    step("The relay's tests on PostgreSQL", relay_on_postgres)?;

    let mut wasm = tools.command(root, "cargo");
    wasm.args([
        "test",
        "--package",
        "client",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .env("CHROMEDRIVER", &tools.chromedriver)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    step("Wasm tests in headless Chromium", wasm)?;

    // Never skipped: the toolchain and cargo-fuzz are installed like every other tool.
    tools::ensure_fuzzing(&tools)?;
    fuzz(root, &tools, FUZZ_SECONDS_IN_TEST)?;

    build_client(root, &tools)?;
    let mut server = cargo(root);
    server.args(["build", "--package", "server", "--bin", "carnet-server"]);
    step("Building the server", server)?;

    let mut browser = tools.command(root, "cargo");
    browser
        .args([
            "test",
            "--package",
            "tests",
            "--",
            "--include-ignored",
            "--test-threads",
            "2",
        ])
        .env(
            "CARNET_SERVER_BIN",
            target_dir(root).join("debug").join("carnet-server"),
        )
        .env("CARNET_DIST_DIR", root.join("dist"))
        .env("CARNET_CHROMIUM", &tools.chromium)
        .env("CHROMEDRIVER", &tools.chromedriver)
        .env("CARNET_SCREENSHOTS", target_dir(root).join("screenshots"));
    browser.env("CARNET_E2E_RUN", &run);
    let browsers = step("End-to-end tests in headless Chromium", browser);
    let mut survivors = cargo(root);
    survivors.args(["run", "--quiet", "--package", "tests", "--bin", "survivors"]);
    survivors.env("CARNET_E2E_RUN", &run);
    step(
        "Checking that the end-to-end tests left no process",
        survivors,
    )?;
    browsers
}

/// The fuzz targets (`fuzz/`), which need the nightly toolchain and cargo-fuzz.
const FUZZ_TARGETS: &[&str] = &[
    "decode_messages",
    "ingest_changes",
    "read_saved_search_index",
];

/// How long `cargo xtask test` fuzzes each target.
const FUZZ_SECONDS_IN_TEST: &str = "20";

/// Runs every fuzz target for `seconds` each, starting from the committed corpus
/// (`fuzz/corpus/<target>/`, read only: new inputs go to a scratch folder under the target
/// directory); a crash fails with the reproducer's path.
fn fuzz(root: &Path, tools: &tools::Tools, seconds: &str) -> Result<()> {
    for target in FUZZ_TARGETS {
        let scratch = target_dir(root).join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&scratch)
            .with_context(|| format!("cannot create {}", scratch.display()))?;
        let committed = root.join("fuzz").join("corpus").join(target);
        let mut command = tools.command(&root.join("fuzz"), "cargo");
        command
            .arg(format!("+{}", tools::NIGHTLY))
            .args(["fuzz", "run", "-O", target])
            .arg(&scratch)
            .arg(&committed)
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-rss_limit_mb=2048",
                "-timeout=10",
            ]);
        let title = format!("Fuzzing {target} for {seconds} s");
        if let Err(error) = step(&title, command) {
            eprintln!(
                "\n{target} crashed: its input is in fuzz/artifacts/{target}/. Minimise it with \
                 `cargo +nightly fuzz tmin {target} <file>` (in fuzz/), fix the cause, and commit \
                 the input under fuzz/regressions/{target}/ (a stable test replays it)."
            );
            return Err(error);
        }
    }
    Ok(())
}

/// The size benchmark: sizes per file and along the critical path, then where each wasm
/// module's bytes go (`twiggy`, installed when missing).
fn measure_size(root: &Path, tools: &tools::Tools, files: &[compress::Compressed]) -> Result<()> {
    let dist = root.join("dist");
    let ui_modules = size::print_report(&dist, files)?;
    let floor = build_automerge_floor(root, tools)?;
    size::print_floor(ui_modules, &floor)?;
    tools::ensure_twiggy(tools)?;
    for module in size::named_modules(&dist, &target_dir(root))? {
        let path = module.to_string_lossy().into_owned();
        let mut top = tools.command(root, "twiggy");
        top.args(["top", "-n", "25", &path]);
        step(&format!("twiggy top -n 25 {path}"), top)?;
        let mut dominators = tools.command(root, "twiggy");
        dominators.args(["dominators", "-d", "3", "-r", "60", &path]);
        step(&format!("twiggy dominators -d 3 -r 60 {path}"), dominators)?;
        let mut every_item = tools.command(root, "twiggy");
        every_item.args(["top", "-n", "1000000", "-f", "json", &path]);
        let output = every_item
            .output()
            .with_context(|| format!("cannot run {every_item:?}"))?;
        if !output.status.success() {
            bail!("twiggy top failed on {path} ({})", output.status);
        }
        let per_crate = size::bytes_per_crate(&String::from_utf8_lossy(&output.stdout))?;
        size::print_bytes_per_crate(&module, &per_crate, 25);
    }
    Ok(())
}

/// Builds `xtask/automerge-floor` as Trunk builds the worker (the `wasm-release` profile, which
/// optimises Automerge for speed, then wasm-bindgen and `wasm-opt -Oz`) and returns the optimised
/// module.
fn build_automerge_floor(root: &Path, tools: &tools::Tools) -> Result<PathBuf> {
    let target = target_dir(root);
    let mut build = tools.command(root, "cargo");
    build.args([
        "build",
        "--locked",
        "--offline",
        "--package",
        "automerge-floor",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    step("Building Automerge alone (the worker's floor)", build)?;
    let linked = target
        .join("wasm32-unknown-unknown")
        .join("wasm-release")
        .join("automerge_floor.wasm");
    let out = target.join("automerge-floor");
    let out_arg = out.to_string_lossy().into_owned();
    let linked_arg = linked.to_string_lossy().into_owned();
    let mut bindgen = tools.command(root, "wasm-bindgen");
    bindgen.args(["--target", "no-modules", "--out-dir", &out_arg, &linked_arg]);
    step("wasm-bindgen on Automerge alone", bindgen)?;
    let bound = out.join("automerge_floor_bg.wasm");
    let optimised = out.join("automerge_floor_opt.wasm");
    let mut wasm_opt = tools.command(root, "wasm-opt");
    wasm_opt.arg("-Oz").arg(&bound).arg("-o").arg(&optimised);
    step("wasm-opt -Oz on Automerge alone", wasm_opt)?;
    Ok(optimised)
}

/// `trunk build --release` into `dist/`, fully offline once the crates are fetched, then brotli
/// and gzip copies of every compressible file, which the relay sends to browsers that accept them.
fn build_client(root: &Path, tools: &tools::Tools) -> Result<Vec<compress::Compressed>> {
    let mut fetch = cargo(root);
    fetch.args(["fetch", "--locked"]);
    step("Fetching crates", fetch)?;
    // Trunk's wasm-bindgen is this executable, which splits the UI module first (`split`).
    let wrapper = split::wrapper_folder(&target_dir(root))?;
    let real_wasm_bindgen = split::find_real_wasm_bindgen(tools.path(), &wrapper)
        .context("wasm-bindgen is not installed (run `cargo xtask setup`)")?;
    let mut trunk = tools.command_with_first(root, "trunk", &wrapper)?;
    trunk
        .args(["build", "--release", "--offline", "--locked"])
        .env(split::REAL_WASM_BINDGEN, real_wasm_bindgen)
        .env(split::PAGES_OUT, target_dir(root).join("carnet-pages"))
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("NO_COLOR", "true");
    step("Building the client (release)", trunk)?;
    eprintln!("\n==> Compressing the client (brotli 11, gzip 9)");
    compress::compress_folder(&root.join("dist"))
}

fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}

/// Runs `command`, echoing what it does, and fails with its name when it fails.
fn step(title: &str, mut command: Command) -> Result<()> {
    eprintln!("\n==> {title}");
    let status = command
        .status()
        .with_context(|| format!("cannot start: {command:?}"))?;
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    Ok(())
}

fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .context("xtask must live one folder below the workspace root")
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}
