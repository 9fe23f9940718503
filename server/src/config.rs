//! The server's configuration: command-line flags, each with an environment fallback, and the
//! administrative subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How to run the relay.
#[derive(Clone, Debug, Parser)]
pub struct Config {
    /// The address to listen on (loopback by default; put a TLS proxy in front in production).
    #[arg(long, env = "CARNET_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Where the server keeps its data (the embedded SQLite database lives here).
    #[arg(long, env = "CARNET_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// A PostgreSQL server to keep the data in instead (`postgres://user@host/database`), shared
    /// by every relay instance of the deployment. Without it, the embedded SQLite file in the
    /// data directory.
    #[arg(long, env = "CARNET_DATABASE_URL")]
    pub database: Option<String>,

    /// The built client to serve (Trunk's `dist` folder).
    #[arg(long, env = "CARNET_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Origins allowed to open the sync socket, comma-separated (the server's own origin always is).
    #[arg(long, env = "CARNET_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Run with the demo workspace.
    #[arg(long, env = "CARNET_DEMO")]
    pub demo: bool,

    /// How many accounts the demo workspace starts with (its first start only).
    #[arg(long, env = "CARNET_DEMO_ACCOUNTS", default_value_t = crate::seeding::DEMO_ACCOUNTS)]
    pub demo_accounts: usize,

    /// How many orders the demo workspace starts with, spread over its accounts (benchmarks).
    #[arg(long, env = "CARNET_DEMO_ORDERS", default_value_t = 0)]
    pub demo_orders: usize,

    /// How many of those orders were made from an accepted quote (a quote document each).
    #[arg(long, env = "CARNET_DEMO_QUOTES", default_value_t = 0)]
    pub demo_quotes: usize,

    /// How many activities the demo accounts hold at least in all (more are added to reach it).
    #[arg(long, env = "CARNET_DEMO_ACTIVITIES", default_value_t = 0)]
    pub demo_activities: usize,

    /// How long a sign-in lasts at most, in days, however often its device refreshes its tokens.
    #[arg(long, env = "CARNET_SESSION_LIFETIME_DAYS", default_value_t = 90)]
    pub session_lifetime_days: u64,

    /// The most password hashes computed at once (each takes 19 MiB); beyond, sign-ins are
    /// answered 503 to retry. Defaults to the number of cores.
    #[arg(long, env = "CARNET_MAX_PASSWORD_HASHES")]
    pub max_password_hashes: Option<usize>,

    /// The request header holding the client's address, written by a reverse proxy you run
    /// (e.g. `X-Real-IP`, or `X-Forwarded-For`, whose last value is used). Sign-in limits are kept
    /// per client address; without this, behind a proxy every client shares the proxy's.
    #[arg(long, env = "CARNET_CLIENT_ADDRESS_HEADER")]
    pub client_address_header: Option<String>,

    /// What one client may hold of the relay: storage quotas, connections and read timeouts.
    #[command(flatten)]
    pub resources: Resources,
}

impl Config {
    /// Where this configuration keeps the relay's data.
    pub fn location(&self) -> crate::storage::Location {
        crate::storage::Location::choose(self.database.as_deref(), &self.data_dir)
    }
}

/// The relay's resource bounds (each a flag with an environment fallback).
#[derive(Clone, Debug, clap::Args)]
pub struct Resources {
    /// Bytes of stored changes one device may have pushed (0: no limit).
    #[arg(long, env = "CARNET_DEVICE_QUOTA_BYTES", default_value_t = Resources::DEVICE_QUOTA_BYTES)]
    pub device_quota_bytes: u64,

    /// Bytes of stored changes one workspace may hold (0: no limit).
    #[arg(long, env = "CARNET_WORKSPACE_QUOTA_BYTES", default_value_t = Resources::WORKSPACE_QUOTA_BYTES)]
    pub workspace_quota_bytes: u64,

    /// Open TCP connections, past which new ones are closed at once (upgraded sync sockets count
    /// against the separate sync cap).
    #[arg(long, env = "CARNET_MAX_OPEN_CONNECTIONS", default_value_t = Resources::MAX_OPEN_CONNECTIONS)]
    pub max_open_connections: usize,

    /// Sync sockets one client address may hold before they authenticate.
    #[arg(long, env = "CARNET_PRE_AUTH_SOCKETS_PER_ADDRESS", default_value_t = Resources::PRE_AUTH_SOCKETS_PER_ADDRESS)]
    pub pre_auth_sockets_per_address: usize,

    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "CARNET_HEADER_TIMEOUT_SECONDS", default_value_t = Resources::HEADER_TIMEOUT_SECONDS)]
    pub header_timeout_seconds: u64,

    /// Seconds a request may take from its headers to its answer, body included.
    #[arg(long, env = "CARNET_REQUEST_TIMEOUT_SECONDS", default_value_t = Resources::REQUEST_TIMEOUT_SECONDS)]
    pub request_timeout_seconds: u64,
}

impl Resources {
    /// Default device quota: 512 MiB of changes, years of a rep's typing and visit reports.
    pub const DEVICE_QUOTA_BYTES: u64 = 512 * 1024 * 1024;
    /// Default workspace quota: 8 GiB of changes.
    pub const WORKSPACE_QUOTA_BYTES: u64 = 8 * 1024 * 1024 * 1024;
    /// Default cap on open TCP connections.
    pub const MAX_OPEN_CONNECTIONS: usize = 4_096;
    /// Default pre-authentication sync sockets per client address.
    pub const PRE_AUTH_SOCKETS_PER_ADDRESS: usize = 8;
    /// Default header read timeout.
    pub const HEADER_TIMEOUT_SECONDS: u64 = 10;
    /// Default request timeout.
    pub const REQUEST_TIMEOUT_SECONDS: u64 = 30;
}

impl Default for Resources {
    fn default() -> Self {
        Self {
            device_quota_bytes: Self::DEVICE_QUOTA_BYTES,
            workspace_quota_bytes: Self::WORKSPACE_QUOTA_BYTES,
            max_open_connections: Self::MAX_OPEN_CONNECTIONS,
            pre_auth_sockets_per_address: Self::PRE_AUTH_SOCKETS_PER_ADDRESS,
            header_timeout_seconds: Self::HEADER_TIMEOUT_SECONDS,
            request_timeout_seconds: Self::REQUEST_TIMEOUT_SECONDS,
        }
    }
}

/// The command line: serve (the default), or an administrative command.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "carnet-server",
    version,
    about = "Carnet's relay and app server"
)]
pub struct Cli {
    /// How to serve (the data directory also tells commands where the database is).
    #[command(flatten)]
    pub config: Config,

    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// An administrative command.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Creates a workspace and its first admin, then exits. The admin's password is read from
    /// `CARNET_ADMIN_PASSWORD`, or else from the first line of standard input.
    CreateWorkspace {
        /// The workspace's name (the company).
        #[arg(long)]
        name: String,
        /// The admin's sign-in address.
        #[arg(long)]
        admin_email: String,
        /// The admin's display name.
        #[arg(long)]
        admin_name: String,
    },
}
