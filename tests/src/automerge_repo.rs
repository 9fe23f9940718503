//! The reference JavaScript stack the first-sync benchmark measures in the same run:
//! `@automerge/automerge-repo` in the browser (IndexedDB storage, WebSocket adapter) against
//! `@automerge/automerge-repo-sync-server` on loopback, from the node project in
//! `tests/benches/automerge-repo-peer/` (exact versions, a lockfile).
//!
//! [`AutomergeRepoPeer::start`] installs that project with `npm ci` into
//! `target/bench/automerge-repo-peer/` (skipped while its lockfile is unchanged), bundles the page
//! with esbuild, writes the demo workspace from Carnet's own generator (`shared::demo`, the
//! relay's seed) into the sync server's storage under the documents' own ids, and starts the
//! server on a free port of 127.0.0.1. Every node process is a [`Spawned`]: ended when the peer
//! is dropped, even when the benchmark fails. Only benchmarks use this module.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use shared::demo::{DemoData, DemoSpec};
use shared::ids::UserId;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::process::Spawned;
use crate::{free_port, workspace_root, HarnessError, HarnessResult, WAIT_LIMIT};

/// The relay's demo seed (`server::seeding::DEMO_SEED`): the same accounts, names and sizes.
const DEMO_SEED: u64 = 0x00ca_52e7;

/// The node project's scripts and page, copied beside its installed `node_modules`.
const SOURCES: [&str; 5] = [
    "export.mjs",
    "serve.mjs",
    "build.mjs",
    "page.js",
    "index.html",
];

/// How long installing, bundling or exporting may take (a cold `npm ci` on a slow link).
const STEP_LIMIT: Duration = Duration::from_secs(900);

/// A running automerge-repo sync server holding the demo workspace, and the page that loads it.
#[derive(Debug)]
pub struct AutomergeRepoPeer {
    server: Spawned,
    port: u16,
    documents: usize,
    // Removed after the server is killed (fields drop in order).
    _work: tempfile::TempDir,
}

impl AutomergeRepoPeer {
    /// Installs the node project if needed, exports a demo workspace of `accounts` accounts into
    /// a fresh storage directory and starts the sync server on it; its page is at `/`.
    pub async fn start(accounts: usize) -> HarnessResult<Self> {
        let project = install().await?;
        let work = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create the peer's directory", source))?;
        let documents_file = work.path().join("documents.bin");
        let documents = write_demo_documents(accounts, documents_file.clone()).await?;
        let public = work.path().join("public");
        std::fs::create_dir_all(&public)
            .map_err(|source| HarnessError::io("cannot create the peer's public/", source))?;
        for file in ["index.html", "peer.js", "automerge.wasm"] {
            std::fs::copy(project.join("public").join(file), public.join(file))
                .map_err(|source| HarnessError::io(format!("cannot copy {file}"), source))?;
        }
        let storage = work.path().join("storage");
        let mut export = node(&project.join("export.mjs"));
        export
            .arg(&documents_file)
            .arg(&storage)
            .arg(public.join("urls.json"));
        run_to_end(&mut export, "export").await?;

        let port = free_port()?;
        let mut serve = node(&project.join("serve.mjs"));
        serve
            .current_dir(work.path())
            .env("PORT", port.to_string())
            .env("DATA_DIR", &storage)
            .stdout(Stdio::piped());
        let mut server = Spawned::start(&mut serve, "sync-server")
            .map_err(|source| HarnessError::io("cannot start the sync server", source))?;
        wait_until_listening(&mut server).await?;
        Ok(Self {
            server,
            port,
            documents,
            _work: work,
        })
    }

    /// The sync server's port on 127.0.0.1 (it serves the page too).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many documents the workspace holds (the settings, accounts, contacts, deals and the
    /// catalogue's products).
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Kills the sync server now rather than when the peer is dropped.
    pub async fn stop(mut self) -> HarnessResult {
        self.server.kill().await
    }
}

/// Installs the project into `target/bench/automerge-repo-peer/` unless its lockfile is the one
/// installed there, copies the scripts and bundles the page; returns that directory.
async fn install() -> HarnessResult<PathBuf> {
    let source = workspace_root().join("tests/benches/automerge-repo-peer");
    let project = workspace_root().join("target/bench/automerge-repo-peer");
    std::fs::create_dir_all(&project)
        .map_err(|source| HarnessError::io("cannot create the peer's cache", source))?;
    let read = |path: &Path| {
        std::fs::read(path)
            .map_err(|error| HarnessError::io(format!("cannot read {}", path.display()), error))
    };
    let lockfile = read(&source.join("package-lock.json"))?;
    let installed = project.join("node_modules/.package-lock.json").is_file()
        && std::fs::read(project.join("package-lock.json")).ok() == Some(lockfile.clone());
    if !installed {
        eprintln!("  installing the automerge-repo peer (npm ci)…");
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(source.join(file), project.join(file))
                .map_err(|error| HarnessError::io(format!("cannot copy {file}"), error))?;
        }
        let npm = std::env::var_os("NPM").unwrap_or_else(|| "npm".into());
        let mut command = Command::new(npm);
        command
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&project);
        run_to_end(&mut command, "npm").await?;
    }
    for file in SOURCES {
        std::fs::copy(source.join(file), project.join(file))
            .map_err(|error| HarnessError::io(format!("cannot copy {file}"), error))?;
    }
    run_to_end(&mut node(&project.join("build.mjs")), "esbuild").await?;
    Ok(project)
}

/// Writes every document of the demo workspace as frames of `[kind: u8][id: 16 bytes]
/// [length: u32 LE][Automerge save]` (what `export.mjs` reads); returns how many.
async fn write_demo_documents(accounts: usize, path: PathBuf) -> HarnessResult<usize> {
    tokio::task::spawn_blocking(move || {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or_default();
        // The relay draws its people's ids at random: fixed ones have the same size.
        let spec = DemoSpec {
            seed: DEMO_SEED,
            accounts,
            manager: UserId::from_bytes([1; 16]),
            reps: vec![UserId::from_bytes([2; 16]), UserId::from_bytes([3; 16])],
            now,
            workspace: None,
        };
        let saved = DemoData::generate(&spec)
            .map_err(|error| HarnessError::Unexpected(format!("demo data: {error}")))?
            .saved();
        let mut frames = Vec::new();
        for document in &saved {
            let kind: u8 = match document.kind {
                "settings" => 0,
                "account" => 1,
                "contact" => 2,
                "deal" => 3,
                "product" => 4,
                "quote" => 5,
                "order" => 6,
                other => {
                    return Err(HarnessError::Unexpected(format!(
                        "an unknown document kind {other:?}"
                    )))
                }
            };
            let length = u32::try_from(document.bytes.len())
                .map_err(|_| HarnessError::Unexpected("a document over 4 GiB".to_owned()))?;
            frames.push(kind);
            frames.extend_from_slice(&document.id);
            frames.extend_from_slice(&length.to_le_bytes());
            frames.extend_from_slice(&document.bytes);
        }
        std::fs::write(&path, frames)
            .map_err(|source| HarnessError::io("cannot write the demo documents", source))?;
        Ok(saved.len())
    })
    .await
    .map_err(|error| HarnessError::Unexpected(format!("the demo generator failed: {error}")))?
}

/// `node <script>`: `NODE`, or the `node` on the path.
fn node(script: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
    command.arg(script).stdin(Stdio::null());
    command
}

/// Runs `command` as `role` until it exits (killed with everything it started after
/// [`STEP_LIMIT`], or if the benchmark fails meanwhile); fails unless it exits with 0.
async fn run_to_end(command: &mut Command, role: &str) -> HarnessResult {
    let mut spawned = Spawned::start(command, role)
        .map_err(|source| HarnessError::io(format!("cannot start {role}"), source))?;
    let status = tokio::time::timeout(STEP_LIMIT, spawned.child_mut().wait())
        .await
        .map_err(|_| HarnessError::Timeout {
            what: format!("{role} to finish"),
            limit: STEP_LIMIT,
        })?
        .map_err(|source| HarnessError::io(format!("cannot wait for {role}"), source))?;
    if status.success() {
        Ok(())
    } else {
        Err(HarnessError::Unexpected(format!("{role} failed: {status}")))
    }
}

/// Waits for the sync server's "Listening on port" line, then keeps draining its output.
async fn wait_until_listening(server: &mut Spawned) -> HarnessResult {
    let stdout = server
        .child_mut()
        .stdout
        .take()
        .ok_or_else(|| HarnessError::Unexpected("the sync server has no stdout".to_owned()))?;
    let mut lines = BufReader::new(stdout).lines();
    tokio::time::timeout(WAIT_LIMIT, async {
        while let Some(line) = lines
            .next_line()
            .await
            .map_err(|source| HarnessError::io("cannot read the sync server's output", source))?
        {
            if line.starts_with("Listening on port") {
                return Ok(());
            }
        }
        Err(HarnessError::Unexpected(
            "the sync server exited before listening".to_owned(),
        ))
    })
    .await
    .map_err(|_| HarnessError::Timeout {
        what: "the sync server to listen".to_owned(),
        limit: WAIT_LIMIT,
    })??;
    tokio::spawn(async move { while let Ok(Some(_line)) = lines.next_line().await {} });
    Ok(())
}
