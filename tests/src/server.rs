//! The real server binary, on a free loopback port with its own data directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::process::Spawned;
use crate::{workspace_root, HarnessError, HarnessResult, WAIT_LIMIT};

/// The demo people's password (see `server::accounts::demo`).
pub const DEMO_PASSWORD: &str = "carnet-demo";

/// How long the relay may take per demo account to seed and compact it before it listens: the
/// debug build took about 28 ms per account for 2,000 (55–58 s) on two cores shared with other
/// builds; about twice that, so a busy machine is not taken for a hung server.
const SEED_LIMIT_PER_ACCOUNT: Duration = Duration::from_millis(60);

/// A running `carnet-server`; killed when dropped (see [`Spawned`]).
#[derive(Debug)]
pub struct TestServer {
    child: Option<Spawned>,
    port: u16,
    arguments: Vec<String>,
    start_limit: Duration,
    data_dir: tempfile::TempDir,
    dist_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts the server binary on a free port with a fresh, empty data directory and its own
    /// copy of the built client (so a test may publish a "new build" without touching others).
    pub async fn start() -> HarnessResult<Self> {
        Self::start_with(Vec::new(), WAIT_LIMIT).await
    }

    /// Starts the server with the demo workspace (its people sign in with [`DEMO_PASSWORD`])
    /// holding `accounts` generated accounts; the server seeds them before it listens, so it is
    /// given [`SEED_LIMIT_PER_ACCOUNT`] for each on top of the usual wait.
    pub async fn start_demo(accounts: usize) -> HarnessResult<Self> {
        let seeding =
            SEED_LIMIT_PER_ACCOUNT.saturating_mul(u32::try_from(accounts).unwrap_or(u32::MAX));
        Self::start_with(
            vec![
                "--demo".to_owned(),
                "--demo-accounts".to_owned(),
                accounts.to_string(),
            ],
            WAIT_LIMIT.saturating_add(seeding),
        )
        .await
    }

    /// Starts the server with the demo workspace of `accounts` accounts and `sales` on top
    /// (orders, the quotes some were made from, activities up to a total; see
    /// `shared::demo::SalesSpec`), given [`SEED_LIMIT_PER_ACCOUNT`] per account and per order
    /// to seed them on top of the usual wait.
    pub async fn start_demo_with_sales(
        accounts: usize,
        sales: shared::demo::SalesSpec,
    ) -> HarnessResult<Self> {
        let documents = accounts.saturating_add(sales.orders);
        let seeding =
            SEED_LIMIT_PER_ACCOUNT.saturating_mul(u32::try_from(documents).unwrap_or(u32::MAX));
        Self::start_with(
            vec![
                "--demo".to_owned(),
                "--demo-accounts".to_owned(),
                accounts.to_string(),
                "--demo-orders".to_owned(),
                sales.orders.to_string(),
                "--demo-quotes".to_owned(),
                sales.quotes.to_string(),
                "--demo-activities".to_owned(),
                sales.activities.to_string(),
            ],
            WAIT_LIMIT.saturating_add(seeding),
        )
        .await
    }

    /// Starts the server with `arguments`, failing if it does not listen within `start_limit`.
    async fn start_with(arguments: Vec<String>, start_limit: Duration) -> HarnessResult<Self> {
        let data_dir = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a data directory", source))?;
        let dist_dir = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a client directory", source))?;
        copy_tree(&built_client()?, dist_dir.path())?;
        let (child, port) =
            spawn(data_dir.path(), dist_dir.path(), 0, &arguments, start_limit).await?;
        Ok(Self {
            child: Some(child),
            port,
            arguments,
            start_limit,
            data_dir,
            dist_dir,
        })
    }

    /// Starts a second server over a copy of this one's data (seeded once, the same records
    /// under the same ids), serving its own copy of the client built in `dist` (another build,
    /// to compare with): this server is stopped while its data directory is copied, then started
    /// again on the same port. The copy has this server's arguments and binary.
    pub async fn copy_serving(&mut self, dist: &Path) -> HarnessResult<Self> {
        if !dist.join("index.html").is_file() {
            return Err(HarnessError::Missing(format!(
                "no built client in {}",
                dist.display()
            )));
        }
        let data_dir = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a data directory", source))?;
        let dist_dir = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a client directory", source))?;
        copy_tree(dist, dist_dir.path())?;
        self.kill().await?;
        let copied = copy_tree(self.data_dir.path(), data_dir.path());
        self.restart().await?;
        copied?;
        let (child, port) = spawn(
            data_dir.path(),
            dist_dir.path(),
            0,
            &self.arguments,
            self.start_limit,
        )
        .await?;
        Ok(Self {
            child: Some(child),
            port,
            arguments: self.arguments.clone(),
            start_limit: self.start_limit,
            data_dir,
            dist_dir,
        })
    }

    /// This server's copy of the built client.
    pub fn dist_dir(&self) -> &Path {
        self.dist_dir.path()
    }

    /// Publishes a new build of the client, as a deployment would: the service worker's build
    /// stamp changes (its compressed copies are dropped so the new bytes are what is served).
    pub fn publish_new_build(&self, stamp: &str) -> HarnessResult {
        let worker = self.dist_dir.path().join("sw.js");
        let source = std::fs::read_to_string(&worker)
            .map_err(|source| HarnessError::io("cannot read sw.js", source))?;
        let (before, rest) = source
            .split_once("const BUILD = \"")
            .ok_or_else(|| HarnessError::Unexpected("sw.js has no build stamp".to_owned()))?;
        let (_, after) = rest
            .split_once('"')
            .ok_or_else(|| HarnessError::Unexpected("sw.js has a broken build stamp".to_owned()))?;
        std::fs::write(&worker, format!("{before}const BUILD = \"{stamp}\"{after}"))
            .map_err(|source| HarnessError::io("cannot write sw.js", source))?;
        for copy in ["sw.js.br", "sw.js.gz"] {
            match std::fs::remove_file(self.dist_dir.path().join(copy)) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(HarnessError::io(format!("cannot remove {copy}"), source))
                }
            }
        }
        Ok(())
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The value of the metric `name` in the server's `/metrics` (Prometheus text), read
    /// directly on loopback (not through any device's link).
    pub async fn metric(&self, name: &str) -> HarnessResult<u64> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .map_err(|source| HarnessError::io("cannot reach /metrics", source))?;
        stream
            .write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .map_err(|source| HarnessError::io("cannot ask for /metrics", source))?;
        let mut response = String::new();
        // A page of counters: a few kilobytes.
        (&mut stream)
            .take(1024 * 1024)
            .read_to_string(&mut response)
            .await
            .map_err(|source| HarnessError::io("cannot read /metrics", source))?;
        response
            .lines()
            .find_map(|line| {
                let (metric, value) = line.split_once(' ')?;
                (metric == name).then(|| value.trim().parse::<u64>().ok())?
            })
            .ok_or_else(|| HarnessError::Unexpected(format!("no metric {name} in /metrics")))
    }

    /// Kills the server at once with SIGKILL (as a crash or power loss would).
    pub async fn kill(&mut self) -> HarnessResult {
        if let Some(mut child) = self.child.take() {
            child.kill().await?;
        }
        Ok(())
    }

    /// Starts the server again on the same port and data directory.
    pub async fn restart(&mut self) -> HarnessResult {
        self.kill().await?;
        let (child, _) = spawn(
            self.data_dir.path(),
            self.dist_dir.path(),
            self.port,
            &self.arguments,
            self.start_limit,
        )
        .await?;
        self.child = Some(child);
        Ok(())
    }
}

/// The release build of the client: `CARNET_DIST_DIR`, or the workspace's `dist/`.
fn built_client() -> HarnessResult<PathBuf> {
    let dist = std::env::var_os("CARNET_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"));
    if !dist.join("index.html").is_file() {
        return Err(HarnessError::Missing(format!(
            "no built client in {}: run `cargo xtask test` (or `cargo xtask build-client`)",
            dist.display()
        )));
    }
    Ok(dist)
}

fn copy_tree(from: &Path, to: &Path) -> HarnessResult {
    let entries = std::fs::read_dir(from)
        .map_err(|source| HarnessError::io(format!("cannot read {}", from.display()), source))?;
    for entry in entries {
        let entry = entry.map_err(|source| HarnessError::io("cannot list the client", source))?;
        let target = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|source| HarnessError::io("cannot stat the client", source))?;
        if kind.is_dir() {
            std::fs::create_dir_all(&target)
                .map_err(|source| HarnessError::io("cannot copy the client", source))?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|source| HarnessError::io("cannot copy the client", source))?;
        }
    }
    Ok(())
}

/// Spawns the binary and waits, at most `limit`, for its "running at" line to learn the port.
async fn spawn(
    data_dir: &Path,
    dist: &Path,
    port: u16,
    arguments: &[String],
    limit: Duration,
) -> HarnessResult<(Spawned, u16)> {
    let binary = std::env::var_os("CARNET_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/carnet-server"));
    if !binary.is_file() {
        return Err(HarnessError::Missing(format!(
            "no server binary at {}: run `cargo xtask test` (or `cargo build -p server`)",
            binary.display()
        )));
    }
    let mut command = Command::new(&binary);
    command
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--dist-dir")
        .arg(dist)
        .args(arguments)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = Spawned::start(&mut command, "server")
        .map_err(|source| HarnessError::io(format!("cannot start {}", binary.display()), source))?;
    let stdout = child
        .child_mut()
        .stdout
        .take()
        .ok_or_else(|| HarnessError::Unexpected("the server has no stdout".to_owned()))?;
    let mut lines = BufReader::new(stdout).lines();
    let port = tokio::time::timeout(limit, async {
        while let Some(line) = lines
            .next_line()
            .await
            .map_err(|source| HarnessError::io("cannot read the server's output", source))?
        {
            if let Some(port) = line
                .strip_prefix("Carnet is running at http://127.0.0.1:")
                .and_then(|rest| rest.trim_end_matches('/').parse::<u16>().ok())
            {
                return Ok(port);
            }
        }
        Err(HarnessError::Unexpected(
            "the server exited before listening".to_owned(),
        ))
    })
    .await
    .map_err(|_| HarnessError::Timeout {
        what: "the server to listen".to_owned(),
        limit,
    })??;
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_line)) = lines.next_line().await {} });
    Ok((child, port))
}
