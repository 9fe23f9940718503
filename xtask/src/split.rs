//! The UI module split in two: the first screen's code, and the other pages' code, which the
//! browser loads the first time one of those pages opens (`client/src/main.rs` marks the split).
//!
//! Trunk runs cargo, then wasm-bindgen, then wasm-opt, with no step in between; the split must
//! happen on the linker's output, before wasm-bindgen. So `build_client` puts this executable
//! first on Trunk's `PATH` under the name `wasm-bindgen`. Called that way, it answers for the
//! real wasm-bindgen (named by [`REAL_WASM_BINDGEN`]), except for the UI module (`client.wasm`):
//! that one is split with `wasm_split_cli_support`, and its main part goes on to the real
//! wasm-bindgen, told to keep the linker's exports (the split-off module shares the main one's
//! function table). The split-off module, optimised here with wasm-opt at the level Trunk uses
//! for the main one, and its loader go into the folder named by [`PAGES_OUT`]; Trunk's post-build
//! hook (`client/stamp_service_worker.sh`) copies them into `dist/pages-<hash>/`. They are not
//! wasm-bindgen snippets on purpose: Trunk preloads every snippet with the first screen. The
//! folder carries the build's hash so that a tab still running an older build never loads a
//! newer build's pages' module into its own (the two only fit together within one build): it
//! finds nothing at its old address and says the page could not be loaded.
//!
//! The loader imports the main module's JS under the name Trunk gives it: `client-<hash>.js`,
//! where the hash is Trunk's (SeaHash of the linker's output), computed here the same way.

use std::ffi::OsString;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The environment variable naming the real wasm-bindgen for the wrapper.
pub(crate) const REAL_WASM_BINDGEN: &str = "CARNET_REAL_WASM_BINDGEN";
/// The name the wrapper answers to.
pub(crate) const WRAPPER_NAME: &str = "wasm-bindgen";
/// The linker's output that is split: the UI module's binary.
const SPLIT_INPUT: &str = "client.wasm";
/// The name Trunk gives the UI module (its `data-bin`).
const UI_NAME: &str = "client";
/// The environment variable naming the folder the split-off parts are written to.
pub(crate) const PAGES_OUT: &str = "CARNET_PAGES_OUT";
/// Where in `dist/` the hook puts them (the main module's JS imports the loader from there),
/// followed by `-<hash>`.
const PAGES_FOLDER: &str = "pages";
/// The file in the output folder naming the folder of `dist/` the hook copies into.
const FOLDER_NAME_FILE: &str = "folder";
/// The loader's file name.
const LOADER: &str = "pages.js";

/// Whether this executable was started as the wasm-bindgen wrapper.
pub(crate) fn started_as_wrapper() -> bool {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|path| path.file_name().map(|name| name == WRAPPER_NAME))
        .unwrap_or(false)
}

/// A folder holding a link named `wasm-bindgen` to this executable, to put first on `PATH`.
pub(crate) fn wrapper_folder(target: &Path) -> Result<PathBuf> {
    let folder = target.join("carnet-split-tools");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let link = folder.join(WRAPPER_NAME);
    let executable = std::env::current_exe().context("cannot name the xtask executable")?;
    if std::fs::symlink_metadata(&link).is_ok() {
        std::fs::remove_file(&link)
            .with_context(|| format!("cannot replace {}", link.display()))?;
    }
    link_executable(&executable, &link)?;
    Ok(folder)
}

#[cfg(unix)]
fn link_executable(executable: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(executable, link)
        .with_context(|| format!("cannot link {}", link.display()))
}

#[cfg(not(unix))]
fn link_executable(executable: &Path, link: &Path) -> Result<()> {
    std::fs::copy(executable, link)
        .map(drop)
        .with_context(|| format!("cannot copy xtask to {}", link.display()))
}

/// The first `wasm-bindgen` on `path` that is not in `skip`.
pub(crate) fn find_real_wasm_bindgen(path: &OsString, skip: &Path) -> Option<PathBuf> {
    std::env::split_paths(path)
        .filter(|folder| folder != skip)
        .map(|folder| folder.join(WRAPPER_NAME))
        .find(|candidate| candidate.is_file())
}

/// Runs as wasm-bindgen: splits the UI module first, passes everything else through.
pub(crate) fn run_wrapper() -> Result<()> {
    let real = std::env::var_os(REAL_WASM_BINDGEN)
        .map(PathBuf::from)
        .with_context(|| format!("{REAL_WASM_BINDGEN} does not name the real wasm-bindgen"))?;
    let mut arguments: Vec<String> = std::env::args().skip(1).collect();
    let input_index = arguments
        .iter()
        .position(|argument| Path::new(argument).file_name() == Some(SPLIT_INPUT.as_ref()));
    if let Some(index) = input_index {
        let out_dir = arguments
            .iter()
            .find_map(|argument| argument.strip_prefix("--out-dir="))
            .map(PathBuf::from)
            .context("wasm-bindgen was called without --out-dir=")?;
        let pages_out = std::env::var_os(PAGES_OUT)
            .map(PathBuf::from)
            .with_context(|| format!("{PAGES_OUT} does not name the split-off pages' folder"))?;
        let input = PathBuf::from(&arguments[index]);
        let main = split_ui_module(&input, &out_dir, &pages_out)?;
        arguments[index] = main.to_string_lossy().into_owned();
        arguments.insert(0, "--keep-lld-exports".to_owned());
    }
    let status = Command::new(&real)
        .args(&arguments)
        .status()
        .with_context(|| format!("cannot start {}", real.display()))?;
    if !status.success() {
        bail!("wasm-bindgen failed ({status})");
    }
    Ok(())
}

/// Splits the linker's UI module: writes the split-off module (optimised) and its loader into
/// `pages_out` and returns the main part, for wasm-bindgen.
fn split_ui_module(input: &Path, out_dir: &Path, pages_out: &Path) -> Result<PathBuf> {
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let hash = trunk_hash(&bytes);
    if pages_out.exists() {
        std::fs::remove_dir_all(pages_out)
            .with_context(|| format!("cannot empty {}", pages_out.display()))?;
    }
    let work = out_dir.join("carnet-split-work");
    for folder in [pages_out, &work] {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let main = work.join(SPLIT_INPUT);
    // The loader lives one folder below the main module's JS, which Trunk names with the hash.
    let main_module = format!("../{UI_NAME}-{hash:x}.js");
    let folder = format!("{PAGES_FOLDER}-{hash:x}");
    let link_name = format!("./{folder}/{LOADER}");
    let loader_out = work.join("loader");
    if loader_out.exists() {
        std::fs::remove_dir_all(&loader_out)
            .with_context(|| format!("cannot empty {}", loader_out.display()))?;
    }
    std::fs::create_dir_all(loader_out.join(&folder))
        .with_context(|| format!("cannot create {}", loader_out.display()))?;
    let split = {
        let mut options = wasm_split_cli_support::Options::new(&bytes);
        options.output_dir = &loader_out;
        options.main_out_path = &main;
        options.link_name = &link_name;
        options.main_module = &main_module;
        wasm_split_cli_support::transform(options)
            .map_err(|error| anyhow::anyhow!("cannot split {}: {error:?}", input.display()))?
    };
    if split.split_modules.is_empty() {
        bail!(
            "{} has no split point: the pages would all be in the first screen's module",
            input.display()
        );
    }
    for module in &split.split_modules {
        let name = module
            .file_name()
            .with_context(|| format!("{} has no file name", module.display()))?;
        let optimised = pages_out.join(name);
        let mut wasm_opt = Command::new("wasm-opt");
        wasm_opt.arg("-Oz").arg(module).arg("-o").arg(&optimised);
        let status = wasm_opt
            .status()
            .with_context(|| format!("cannot start {wasm_opt:?}"))?;
        if !status.success() {
            bail!("wasm-opt failed on {} ({status})", module.display());
        }
    }
    let loader = loader_out.join(&folder).join(LOADER);
    std::fs::rename(&loader, pages_out.join(LOADER))
        .with_context(|| format!("cannot move {}", loader.display()))?;
    let folder_name = pages_out.join(FOLDER_NAME_FILE);
    std::fs::write(&folder_name, &folder)
        .with_context(|| format!("cannot write {}", folder_name.display()))?;
    Ok(main)
}

/// The hash Trunk puts in the names of the UI module's files.
fn trunk_hash(bytes: &[u8]) -> u64 {
    let mut hasher = seahash::SeaHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_wasm_bindgen_is_the_first_on_the_path_outside_the_wrapper_folder() -> Result<()> {
        let root = tempfile::tempdir()?;
        let wrapper = root.path().join("wrapper");
        let real = root.path().join("real");
        let other = root.path().join("other");
        for folder in [&wrapper, &real, &other] {
            std::fs::create_dir_all(folder)?;
            std::fs::write(folder.join(WRAPPER_NAME), b"")?;
        }
        let path = std::env::join_paths([&wrapper, &root.path().join("empty"), &real, &other])?;
        assert_eq!(
            find_real_wasm_bindgen(&path, &wrapper),
            Some(real.join(WRAPPER_NAME))
        );
        let only_wrapper = std::env::join_paths([&wrapper])?;
        assert_eq!(find_real_wasm_bindgen(&only_wrapper, &wrapper), None);
        Ok(())
    }

    #[test]
    fn the_hash_is_trunks_whatever_the_pieces_it_reads_the_file_in() {
        // Trunk feeds the file through `io::copy` in pieces; one piece must give the same hash.
        let bytes: Vec<u8> = (0..100_000_u32).map(|index| (index % 251) as u8).collect();
        let mut pieces = seahash::SeaHasher::new();
        for piece in bytes.chunks(8_192) {
            pieces.write(piece);
        }
        assert_eq!(trunk_hash(&bytes), pieces.finish());
    }
}
