//! Brotli and gzip copies of the built client, written beside each file (`app.wasm.br`,
//! `app.wasm.gz`) so the relay can send them as they are to browsers that accept them.
//!
//! Pure Rust (the `brotli` and `flate2` crates): no command-line tool, so every machine that
//! builds the client serves it compressed. Only text and wasm are compressed (images already
//! are), and a copy that would not be smaller is not written.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Extensions of the files worth compressing.
const COMPRESSIBLE: &[&str] = &[
    "wasm",
    "js",
    "mjs",
    "css",
    "html",
    "webmanifest",
    "json",
    "svg",
    "txt",
];

/// Brotli's best quality, as `brotli --best` uses.
const BROTLI_QUALITY: i32 = 11;
/// Brotli's largest standard window (16 MiB), as the `brotli` tool uses by default.
const BROTLI_WINDOW_BITS: i32 = 24;

/// The sizes of one file and its compressed copies (`None` when a copy was not worth writing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Compressed {
    /// The original file.
    pub(crate) path: PathBuf,
    /// Its size in bytes.
    pub(crate) raw: u64,
    /// The size of its `.br` copy.
    pub(crate) brotli: Option<u64>,
    /// The size of its `.gz` copy.
    pub(crate) gzip: Option<u64>,
}

/// Writes `.br` and `.gz` copies of every compressible file under `dist` (sub-folders
/// included), replacing older copies, and returns what it did, sorted by path.
pub(crate) fn compress_folder(dist: &Path) -> Result<Vec<Compressed>> {
    let mut files = Vec::new();
    collect_compressible(dist, &mut files)?;
    files.sort();
    files.iter().map(|path| compress_file(path)).collect()
}

/// Writes the `.br` and `.gz` copies of one file.
pub(crate) fn compress_file(path: &Path) -> Result<Compressed> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let brotli = write_if_smaller(path, "br", &bytes, brotli(&bytes)?)?;
    let gzip = write_if_smaller(path, "gz", &bytes, gzip(&bytes)?)?;
    Ok(Compressed {
        path: path.to_path_buf(),
        raw: length(&bytes),
        brotli,
        gzip,
    })
}

/// `bytes` compressed with brotli at its best quality.
pub(crate) fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let parameters = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW_BITS,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut compressed = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &parameters)
        .context("brotli compression failed")?;
    Ok(compressed)
}

/// `bytes` compressed with gzip at its best level (9).
pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .context("gzip compression failed")?;
    encoder.finish().context("gzip compression failed")
}

/// The sibling of `path` with `extension` appended (`app.js` → `app.js.br`).
pub(crate) fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// Writes `compressed` beside `path` when it is smaller than `original`; otherwise removes any
/// older copy, so that the relay never sends a stale one.
fn write_if_smaller(
    path: &Path,
    extension: &str,
    original: &[u8],
    compressed: Vec<u8>,
) -> Result<Option<u64>> {
    let target = sibling(path, extension);
    if compressed.len() < original.len() {
        std::fs::write(&target, &compressed)
            .with_context(|| format!("cannot write {}", target.display()))?;
        return Ok(Some(length(&compressed)));
    }
    match std::fs::remove_file(&target) {
        Ok(()) => Ok(None),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => {
            Err(error).with_context(|| format!("cannot remove the stale {}", target.display()))
        }
    }
}

fn collect_compressible(folder: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(folder).with_context(|| format!("cannot list {}", folder.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list {}", folder.display()))?
            .path();
        if path.is_dir() {
            collect_compressible(&path, files)?;
        } else if is_compressible(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| COMPRESSIBLE.contains(&extension))
}

fn length(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut text = Vec::new();
        let read = brotli::Decompressor::new(bytes, 4096).read_to_end(&mut text);
        assert!(read.is_ok(), "not brotli: {read:?}");
        text
    }

    fn ungzip(bytes: &[u8]) -> Vec<u8> {
        let mut text = Vec::new();
        let read = flate2::read::GzDecoder::new(bytes).read_to_end(&mut text);
        assert!(read.is_ok(), "not gzip: {read:?}");
        text
    }

    #[test]
    fn each_compressed_copy_decompresses_to_the_original_file() -> Result<()> {
        let dist = tempfile::tempdir()?;
        let script = dist.path().join("client-0123456789abcdef.js");
        let original = "export function start() { return 'Carnet'; }\n".repeat(200);
        std::fs::write(&script, &original)?;

        let compressed = compress_folder(dist.path())?;

        let brotli_copy = std::fs::read(sibling(&script, "br"))?;
        let gzip_copy = std::fs::read(sibling(&script, "gz"))?;
        assert_eq!(unbrotli(&brotli_copy), original.as_bytes());
        assert_eq!(ungzip(&gzip_copy), original.as_bytes());
        assert_eq!(
            compressed,
            vec![Compressed {
                path: script,
                raw: length(original.as_bytes()),
                brotli: Some(length(&brotli_copy)),
                gzip: Some(length(&gzip_copy)),
            }]
        );
        assert!(brotli_copy.len() < original.len() / 10);
        Ok(())
    }

    #[test]
    fn files_in_sub_folders_are_compressed_and_images_are_not() -> Result<()> {
        let dist = tempfile::tempdir()?;
        let folder = dist.path().join("locales");
        std::fs::create_dir(&folder)?;
        let data = folder.join("fr.json");
        std::fs::write(&data, "{\"bonjour\": \"Bonjour\"}".repeat(50))?;
        let icon = dist.path().join("icon-192.png");
        std::fs::write(&icon, [0x89, b'P', b'N', b'G'].repeat(100))?;

        let compressed = compress_folder(dist.path())?;

        let paths: Vec<&Path> = compressed.iter().map(|file| file.path.as_path()).collect();
        assert_eq!(paths, vec![data.as_path()]);
        assert!(sibling(&data, "br").is_file());
        assert!(!sibling(&icon, "br").exists());
        assert!(!sibling(&icon, "gz").exists());
        Ok(())
    }

    #[test]
    fn a_copy_that_would_be_larger_is_not_written_and_a_stale_one_is_removed() -> Result<()> {
        let dist = tempfile::tempdir()?;
        let tiny = dist.path().join("a.js");
        std::fs::write(&tiny, "1")?;
        std::fs::write(sibling(&tiny, "br"), "stale")?;

        let compressed = compress_folder(dist.path())?;

        assert_eq!(compressed[0].brotli, None);
        assert_eq!(compressed[0].gzip, None);
        assert!(!sibling(&tiny, "br").exists());
        assert!(!sibling(&tiny, "gz").exists());
        Ok(())
    }
}
