//! A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory, the server on a
//! free loopback port with its socket in that directory, run as an unprivileged user when the
//! tests run as root (PostgreSQL refuses root).
//!
//! The server never outlives the test process: it runs under a small shell watchdog whose
//! standard input is a pipe from the test process; when that process ends, however it ends, the
//! pipe closes and the watchdog kills the server and deletes the cluster. A cluster the test owns
//! is also ended when dropped; [`PostgresCluster::shared`] is one cluster for a whole test
//! binary (each test takes a database of its own with [`PostgresCluster::create_database`]).
//! Every process carries the harness's marker, so `cargo xtask test` finds any survivor.
//!
//! The binaries are `CARNET_POSTGRES_BIN`'s, else Debian's (`/usr/lib/postgresql/<newest>/bin`),
//! else the `PATH`'s; `cargo xtask test` installs Debian's package when none is found.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::process::{end_marked, new_marker, survivors, MARKER_VARIABLE};
use crate::{free_port, HarnessError, HarnessResult, WAIT_LIMIT};

/// The environment variable naming a folder of PostgreSQL binaries to use.
pub const BIN_VARIABLE: &str = "CARNET_POSTGRES_BIN";

/// The role the cluster is created with (trusted on loopback: a test cluster only).
pub const ROLE: &str = "carnet";

/// The watchdog: starts the server, waits for its standard input to close (the test process
/// ended, or the cluster was dropped), then kills the server and, unless told to keep it,
/// deletes the cluster. `$1` is the postgres binary, `$2` the cluster directory, the rest the
/// server's arguments.
const WATCHDOG: &str = r#"postgres_bin="$1"; directory="$2"; shift 2
"$postgres_bin" "$@" 2>>"$directory/server.log" &
server=$!
read -r keep
kill -KILL "$server" 2>/dev/null
wait "$server" 2>/dev/null
if [ "$keep" != keep ]; then rm -rf "$directory"; fi"#;

/// A PostgreSQL server of its own, ended and deleted when dropped.
#[derive(Debug)]
pub struct PostgresCluster {
    server: Option<Server>,
    bin: PathBuf,
    run_as: Option<String>,
    port: u16,
    directory: PathBuf,
}

/// The running watchdog and server.
#[derive(Debug)]
struct Server {
    watchdog: Child,
    marker: String,
}

impl PostgresCluster {
    /// One cluster for the whole test process, started on first use (and ended with the process
    /// by its watchdog).
    pub fn shared() -> HarnessResult<&'static Self> {
        static SHARED: OnceLock<Result<PostgresCluster, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Self::start().map_err(|error| error.to_string()))
            .as_ref()
            .map_err(|error| HarnessError::Unexpected(error.clone()))
    }

    /// Creates a cluster and starts its server (blocking: a few seconds).
    pub fn start() -> HarnessResult<Self> {
        let bin = binaries()?;
        let directory = tempfile::Builder::new()
            .prefix("carnet-postgres-")
            .tempdir()
            .map_err(|source| HarnessError::io("cannot make the cluster's directory", source))?
            .keep();
        let run_as = unprivileged_user()?;
        let mut cluster = Self {
            server: None,
            bin,
            run_as,
            port: free_port()?,
            directory,
        };
        if let Some(user) = &cluster.run_as {
            // The server's user must reach and own its directory.
            std::fs::set_permissions(&cluster.directory, std::fs::Permissions::from_mode(0o755))
                .map_err(|source| {
                    HarnessError::io("cannot open the cluster's directory", source)
                })?;
            run_to_end(
                Command::new("chown").arg(user).arg(&cluster.directory),
                "chown",
            )?;
        }
        let mut initdb = cluster.command(&cluster.bin.join("initdb"));
        initdb
            .arg("--pgdata")
            .arg(cluster.data_dir())
            .args(["--username", ROLE, "--auth", "trust", "--encoding", "UTF8"])
            .args(["--locale", "C", "--no-instructions"]);
        run_to_end(&mut initdb, "initdb")?;
        cluster.resume()?;
        Ok(cluster)
    }

    /// The connection string of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{ROLE}@127.0.0.1:{}/{database}", self.port)
    }

    /// The cluster's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a new, empty database and returns its connection string.
    pub async fn create_database(&self) -> HarnessResult<String> {
        static CREATED: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "carnet_{}_{}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::Relaxed)
        );
        let (client, connection) =
            tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
                .await
                .map_err(|error| HarnessError::Unexpected(format!("cannot connect: {error}")))?;
        let driver = tokio::spawn(connection);
        let created = client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|error| HarnessError::Unexpected(format!("cannot create {name}: {error}")));
        drop(client);
        let _ended = driver.await;
        created?;
        Ok(self.url(&name))
    }

    /// Kills the server at once (SIGKILL to it and its children): what a machine losing power
    /// does to it. [`PostgresCluster::resume`] starts it again, recovering from its write-ahead
    /// log.
    pub fn crash(&mut self) -> HarnessResult {
        let Some(mut server) = self.server.take() else {
            return Ok(());
        };
        // The watchdog kills the postmaster with SIGKILL and reaps it (so no zombie keeps its
        // pid alive in the lock file), keeping the cluster; then the orphaned backends are killed.
        if let Some(stdin) = server.watchdog.stdin.as_mut() {
            let _told = stdin.write_all(b"keep\n");
            let _flushed = stdin.flush();
        }
        let deadline = Instant::now() + WAIT_LIMIT;
        while Instant::now() < deadline {
            match server.watchdog.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        end_marked(&server.marker);
        let _reaped = server.watchdog.wait();
        // Every process of the old server must be gone (a zombie holds nothing) before a new
        // postmaster looks at the shared memory they held.
        while Instant::now() < deadline {
            let alive = survivors(&server.marker)
                .iter()
                .filter(|survivor| !is_zombie(survivor.pid))
                .count();
            if alive == 0 {
                return Ok(());
            }
            end_marked(&server.marker);
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(HarnessError::Timeout {
            what: "the crashed PostgreSQL's processes to end".to_owned(),
            limit: WAIT_LIMIT,
        })
    }

    /// Starts the server (after [`PostgresCluster::start`] or a crash) and waits until it
    /// accepts connections (blocking).
    pub fn resume(&mut self) -> HarnessResult {
        if self.server.is_some() {
            return Ok(());
        }
        let marker = new_marker("postgres");
        let mut watchdog = self.command(Path::new("sh"));
        watchdog
            .args(["-c", WATCHDOG, "watchdog"])
            .arg(self.bin.join("postgres"))
            .arg(&self.directory)
            .arg("-D")
            .arg(self.data_dir())
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-k")
            .arg(&self.directory)
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "max_connections=300"])
            .args(["-c", "synchronous_commit=on"])
            .env(MARKER_VARIABLE, &marker)
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let watchdog = watchdog
            .spawn()
            .map_err(|source| HarnessError::io("cannot start PostgreSQL", source))?;
        self.server = Some(Server { watchdog, marker });
        self.wait_until_ready()
    }

    fn wait_until_ready(&self) -> HarnessResult {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            let mut ready = Command::new(self.bin.join("pg_isready"));
            ready
                .args(["-h", "127.0.0.1", "-p"])
                .arg(self.port.to_string())
                .args(["-U", ROLE, "-d", "postgres", "-t", "1"])
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if ready.status().is_ok_and(|status| status.success()) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let log =
                    std::fs::read_to_string(self.directory.join("server.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                return Err(HarnessError::Unexpected(format!(
                    "PostgreSQL did not accept connections within {WAIT_LIMIT:?}; its log ends:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.directory.join("data")
    }

    /// `program`, as the unprivileged user when there is one.
    fn command(&self, program: &Path) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            // Closing its input makes the watchdog end the server and delete the cluster; the
            // marker catches whatever would not go.
            drop(server.watchdog.stdin.take());
            let deadline = Instant::now() + WAIT_LIMIT;
            while Instant::now() < deadline {
                match server.watchdog.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
            end_marked(&server.marker);
            let _reaped = server.watchdog.wait();
        }
        let _removed = std::fs::remove_dir_all(&self.directory);
    }
}

/// Whether process `pid` has ended and waits to be reaped.
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            == Some("Z")
    })
}

/// The folder holding `initdb`, `postgres` and `pg_isready`.
fn binaries() -> HarnessResult<PathBuf> {
    if let Some(bin) = std::env::var_os(BIN_VARIABLE) {
        return Ok(PathBuf::from(bin));
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max_by_key(|(version, _bin)| *version);
    if let Some((_version, bin)) = newest {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .find(|folder| folder.join("initdb").is_file() && folder.join("postgres").is_file())
        .ok_or_else(|| {
            HarnessError::Missing(
                "PostgreSQL is not installed (cargo xtask test installs Debian's postgresql)"
                    .to_owned(),
            )
        })
}

/// The user to run the server as: none when the tests do not run as root, else `postgres` (the
/// Debian package's) or `nobody`.
fn unprivileged_user() -> HarnessResult<Option<String>> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|source| HarnessError::io("cannot read the process status", source))?;
    let root = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .is_some_and(|effective| effective == "0");
    if !root {
        return Ok(None);
    }
    let known = |user: &str| {
        std::fs::read_to_string("/etc/passwd").is_ok_and(|users| {
            users
                .lines()
                .any(|line| line.split(':').next() == Some(user))
        })
    };
    Ok(["postgres", "nobody"]
        .into_iter()
        .find(|user| known(user))
        .map(str::to_owned))
}

/// Runs a setup program to its end; its failure is the test's.
fn run_to_end(command: &mut Command, what: &str) -> HarnessResult {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|source| HarnessError::io(format!("cannot run {what}"), source))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(HarnessError::Unexpected(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}
