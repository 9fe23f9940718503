//! The pinned build and test tools: checks what is installed and installs only what is missing.
//!
//! | tool | version | from |
//! |---|---|---|
//! | wasm32-unknown-unknown | the toolchain's | rustup |
//! | trunk | 0.21.14 (the newest that builds on rustc 1.95) | crates.io |
//! | wasm-bindgen-cli | exactly `wasm-bindgen` in Cargo.lock | crates.io |
//! | wasm-opt | binaryen 132 (`package-lock.json`) | npm |
//! | chromium, chromedriver | Debian's | apt |
//! | pdftotext (reads back the quote a browser test prints to PDF) | Debian's `poppler-utils` | apt |
//! | postgresql (the relay's scale-out backend, tested) | Debian's (14 or newer) | apt |
//! | twiggy (for `cargo xtask bench`) | 0.8.0 | crates.io |
//! | nightly toolchain (for fuzzing) | the channel's newest, once | rustup |
//! | cargo-fuzz | 0.13.2 | crates.io |

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const TRUNK_VERSION: &str = "0.21.14";
const CARGO_FUZZ_VERSION: &str = "0.13.2";
const TWIGGY_VERSION: &str = "0.8.0";
/// The toolchain the fuzz targets build with (sanitizers and `-Z` flags need nightly).
pub(crate) const NIGHTLY: &str = "nightly";
const WASM_OPT_VERSION: &str = "version_132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Which tools a task needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Needs {
    browser: bool,
    database: bool,
}

impl Needs {
    /// Building the client.
    pub(crate) const BUILD: Self = Self {
        browser: false,
        database: false,
    };
    /// Building and testing in a real browser, and the relay on a real PostgreSQL.
    pub(crate) const TEST: Self = Self {
        browser: true,
        database: true,
    };
}

/// The oldest PostgreSQL the relay supports.
const POSTGRES_MAJOR: u32 = 14;

/// Where the tools are, once ensured.
#[derive(Debug)]
pub(crate) struct Tools {
    path: OsString,
    /// Debian's Chromium.
    pub(crate) chromium: PathBuf,
    /// The ChromeDriver matching it.
    pub(crate) chromedriver: PathBuf,
}

impl Tools {
    /// A command for `program` with the project's tools first on `PATH` (npm's wasm-opt before
    /// any older system one, which cannot parse our wasm).
    pub(crate) fn command(&self, root: &Path, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(root).env("PATH", &self.path);
        command
    }

    /// The `PATH` the project's commands run with.
    pub(crate) fn path(&self) -> &OsString {
        &self.path
    }

    /// A command for `program` with `folder` first on `PATH`, then the project's tools.
    pub(crate) fn command_with_first(
        &self,
        root: &Path,
        program: &str,
        folder: &Path,
    ) -> Result<Command> {
        let path = std::env::join_paths(
            std::iter::once(folder.to_path_buf()).chain(std::env::split_paths(&self.path)),
        )
        .context("a tool's folder cannot be put on PATH")?;
        let mut command = Command::new(program);
        command.current_dir(root).env("PATH", path);
        Ok(command)
    }
}

/// Installs whatever `needs` requires and is missing or at the wrong version.
pub(crate) fn ensure(root: &Path, needs: Needs) -> Result<Tools> {
    let cargo_bin = cargo_home()?.join("bin");
    let node_bin = root.join("node_modules").join(".bin");
    let mut paths = vec![node_bin.clone(), cargo_bin];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(paths).context("PATH has an entry that cannot be joined")?;
    let tools = Tools {
        path,
        chromium: PathBuf::from(CHROMIUM),
        chromedriver: PathBuf::from(CHROMEDRIVER),
    };

    ensure_wasm_target(&tools)?;
    let bindgen_version = locked_version(root, "wasm-bindgen")?;
    ensure_cargo_tool(
        &tools,
        "wasm-bindgen",
        &format!("wasm-bindgen {bindgen_version}"),
        // No `--locked`: wasm-bindgen-cli's own lockfile names a webpki-roots release that this
        // registry does not serve; the unlocked resolution builds the same CLI.
        &["install", "wasm-bindgen-cli", "--version", &bindgen_version],
    )?;
    ensure_cargo_tool(
        &tools,
        "trunk",
        &format!("trunk {TRUNK_VERSION}"),
        &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
    )?;
    ensure_wasm_opt(root, &tools, &node_bin)?;
    if needs.browser {
        ensure_browser(&tools)?;
    }
    if needs.database {
        ensure_postgres(&tools)?;
    }
    Ok(tools)
}

/// twiggy, the wasm size profiler the size benchmark prints (skipped when already installed).
pub(crate) fn ensure_twiggy(tools: &Tools) -> Result<()> {
    ensure_cargo_tool(
        tools,
        "twiggy",
        // The binary calls itself `twiggy-opt` in `--version`.
        &format!("twiggy-opt {TWIGGY_VERSION}"),
        &["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"],
    )
}

/// The nightly toolchain and cargo-fuzz, for `cargo xtask fuzz` and the fuzzing step of
/// `cargo xtask test`; each is skipped when already installed (cargo-fuzz at the pinned version).
pub(crate) fn ensure_fuzzing(tools: &Tools) -> Result<()> {
    let toolchains = output_of(tools, "rustup", &["toolchain", "list"]).unwrap_or_default();
    let has_nightly = toolchains
        .lines()
        .any(|line| line.starts_with(&format!("{NIGHTLY}-")));
    if !has_nightly {
        eprintln!("the nightly toolchain is missing; installing it (a few minutes, once)");
        install(
            tools,
            "rustup",
            &["toolchain", "install", NIGHTLY, "--profile", "minimal"],
        )?;
    }
    let found = output_of(tools, "cargo", &["fuzz", "--version"]);
    let wanted = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if !found
        .as_deref()
        .is_some_and(|found| found.starts_with(&wanted))
    {
        eprintln!(
            "cargo-fuzz: want {wanted:?}, found {:?}; installing (a few minutes, once)",
            found.unwrap_or_else(|| "nothing".to_owned())
        );
        install(
            tools,
            "cargo",
            &[
                "install",
                "cargo-fuzz",
                "--version",
                CARGO_FUZZ_VERSION,
                "--locked",
            ],
        )?;
    }
    Ok(())
}

fn ensure_wasm_target(tools: &Tools) -> Result<()> {
    let installed =
        output_of(tools, "rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    install(tools, "rustup", &["target", "add", WASM_TARGET])
}

fn ensure_cargo_tool(
    tools: &Tools,
    program: &str,
    wanted: &str,
    install_args: &[&str],
) -> Result<()> {
    match version_of(tools, program) {
        Some(found) if found.starts_with(wanted) => Ok(()),
        found => {
            eprintln!(
                "{program}: want {wanted:?}, found {:?}; installing (a few minutes, once)",
                found.unwrap_or_else(|| "nothing".to_owned())
            );
            install(tools, "cargo", install_args)
        }
    }
}

fn ensure_wasm_opt(root: &Path, tools: &Tools, node_bin: &Path) -> Result<()> {
    let wasm_opt = node_bin.join("wasm-opt");
    let found = output_of(tools, &wasm_opt.to_string_lossy(), &["--version"]);
    if found.is_some_and(|version| version.contains(WASM_OPT_VERSION)) {
        return Ok(());
    }
    let mut command = tools.command(root, "npm");
    command.args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
    run_install(command)
}

/// Installs Debian's `packages` (as root, or through sudo).
fn apt_install(tools: &Tools, packages: &[&str]) -> Result<()> {
    let sudo: &[&str] = if is_root(tools) { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.extend_from_slice(args);
        let (program, rest) = all
            .split_first()
            .map_or(("apt-get", &[][..]), |(p, r)| (*p, r));
        let mut command = tools.command(Path::new("."), program);
        command.args(rest).env("DEBIAN_FRONTEND", "noninteractive");
        run_install(command)
    };
    apt(&["apt-get", "update", "-qq"])?;
    let mut install = vec!["apt-get", "install", "-y", "-qq"];
    install.extend_from_slice(packages);
    apt(&install)
}

/// The newest PostgreSQL server Debian's packages installed (`/usr/lib/postgresql/<major>`).
fn postgres_major() -> Option<u32> {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            entry
                .path()
                .join("bin")
                .join("initdb")
                .is_file()
                .then_some(major)
        })
        .max()
}

/// PostgreSQL's server binaries, for the tests' throwaway clusters (the tests start and remove
/// their own; the package's own cluster is not used).
fn ensure_postgres(tools: &Tools) -> Result<()> {
    if postgres_major().is_none() {
        eprintln!("Installing Debian's postgresql");
        apt_install(tools, &["postgresql"])?;
    }
    match postgres_major() {
        Some(major) if major >= POSTGRES_MAJOR => Ok(()),
        Some(major) => {
            bail!("PostgreSQL {major} is installed; the relay needs {POSTGRES_MAJOR} or newer")
        }
        None => bail!("PostgreSQL's server is not in /usr/lib/postgresql after installing it"),
    }
}

fn ensure_browser(tools: &Tools) -> Result<()> {
    if output_of(tools, "pdftotext", &["-v"]).is_none() {
        eprintln!("Installing Debian's poppler-utils (pdftotext)");
        apt_install(tools, &["poppler-utils"])?;
    }
    let chromium = output_of(tools, CHROMIUM, &["--version"]);
    let driver = output_of(tools, CHROMEDRIVER, &["--version"]);
    if chromium.is_none() || driver.is_none() {
        eprintln!("Installing Debian's chromium and chromium-driver");
        apt_install(tools, &["chromium", "chromium-driver"])?;
    }
    let chromium = output_of(tools, CHROMIUM, &["--version"]).context("chromium does not run")?;
    let driver =
        output_of(tools, CHROMEDRIVER, &["--version"]).context("chromedriver does not run")?;
    let major = |text: &str| {
        text.split_whitespace().find_map(|word| {
            word.split('.')
                .next()
                .and_then(|major| major.parse::<u32>().ok())
        })
    };
    if major(&chromium) != major(&driver) {
        bail!(
            "chromium ({chromium}) and chromedriver ({driver}) differ: upgrade both with apt-get"
        );
    }
    Ok(())
}

/// The version `name` has in Cargo.lock (the single entry; it is pinned with `=`).
fn locked_version(root: &Path, name: &str) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let marker = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == marker {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("Cargo.lock has no {name}")
}

fn version_of(tools: &Tools, program: &str) -> Option<String> {
    output_of(tools, program, &["--version"])
}

/// The trimmed standard output of a command that succeeded, or `None`.
fn output_of(tools: &Tools, program: &str, args: &[&str]) -> Option<String> {
    let output = tools
        .command(Path::new("."), program)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn is_root(tools: &Tools) -> bool {
    output_of(tools, "id", &["-u"]).is_some_and(|uid| uid == "0")
}

fn install(tools: &Tools, program: &str, args: &[&str]) -> Result<()> {
    let mut command = tools.command(Path::new("."), program);
    command.args(args);
    run_install(command)
}

fn run_install(mut command: Command) -> Result<()> {
    eprintln!("==> {command:?}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("installing a tool failed: {command:?} ({status})");
    }
    Ok(())
}

fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cargo"))
        .context("neither CARGO_HOME nor HOME is set")
}
