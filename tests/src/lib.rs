//! The end-to-end harness: the real server binary, real Debian Chromium, real IndexedDB.
//!
//! WebDriver through `fantoccini` rather than Playwright: the tests stay Rust in `cargo test`,
//! share the workspace's types and tooling, and need no Node package at test time. Each test:
//! - starts the server binary ([`TestServer`]) on a free loopback port with a fresh data directory;
//! - opens one or more independent devices ([`Device`]): each has its own ChromeDriver, its own
//!   Chromium profile (so its own IndexedDB and service worker) and its own network link
//!   ([`NetworkLink`]), a loopback relay to the server that can be cut and restored, so one device
//!   goes offline while the server and the others stay up;
//! - saves screenshots of every device when it fails (and when asked);
//! - ends every process it started, even when the test fails or panics: each runs in its own
//!   process group and carries a marker in its environment, and dropping its owner kills both
//!   ([`process`]); `cargo xtask test` then lists and fails on anything of the run still alive
//!   (the `survivors` binary).
//!
//! Nothing here talks to anything but 127.0.0.1, and every wait is bounded.

mod automerge_repo;
pub mod bench;
mod device;
mod network;
pub mod postgres;
pub mod process;
mod server;

pub use automerge_repo::AutomergeRepoPeer;
pub use device::Device;
pub use network::NetworkLink;
pub use postgres::PostgresCluster;
pub use process::{survivors, Survivor};
pub use server::{TestServer, DEMO_PASSWORD};

use std::path::PathBuf;
use std::time::Duration;

/// How long any single wait for the page may last before the test fails.
pub const WAIT_LIMIT: Duration = Duration::from_secs(30);

/// Why an end-to-end step failed.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A prerequisite (built client, server binary, browser) is missing.
    #[error("{0}")]
    Missing(String),
    /// A process or socket could not be used.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The browser session could not be created.
    #[error("cannot start a browser session: {0}")]
    Session(#[from] fantoccini::error::NewSessionError),
    /// A WebDriver command failed.
    #[error("browser command failed: {0}")]
    Command(#[from] fantoccini::error::CmdError),
    /// The page never reached the expected state.
    #[error("timed out after {limit:?} waiting for {what}")]
    Timeout {
        /// The awaited condition.
        what: String,
        /// The limit that passed.
        limit: Duration,
    },
    /// The page reached a state the test did not expect.
    #[error("{0}")]
    Unexpected(String),
}

impl HarnessError {
    /// An IO failure while doing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

/// The result type of harness helpers and tests.
pub type HarnessResult<T = ()> = Result<T, HarnessError>;

/// Where screenshots go: `CARNET_SCREENSHOTS`, or `target/screenshots`.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARNET_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("screenshots"))
}

/// The workspace's root folder (one above this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A free TCP port on 127.0.0.1 (for programs that cannot bind port 0 and report it).
pub(crate) fn free_port() -> HarnessResult<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|source| HarnessError::io("cannot find a free port", source))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|source| HarnessError::io("cannot read a port", source))
}
