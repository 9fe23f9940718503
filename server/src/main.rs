//! The `carnet-server` binary: parses the command line, sets up logging, then either serves
//! (binds and runs) or carries out an administrative command.

use std::io::{BufRead, Write};
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use server::accounts::{Accounts, NewWorkspace};
use server::config::{Cli, Command, Config};

/// Where `create-workspace` reads the admin's password first.
const ADMIN_PASSWORD_VARIABLE: &str = "CARNET_ADMIN_PASSWORD";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    server::telemetry::init();
    match cli.command {
        None => serve(cli.config).await,
        Some(Command::CreateWorkspace {
            name,
            admin_email,
            admin_name,
        }) => {
            let workspace = NewWorkspace {
                name,
                admin_email,
                admin_name,
                admin_password: admin_password()?,
            };
            create_workspace(&cli.config, workspace).await
        }
    }
}

/// Serves until Ctrl-C or SIGTERM.
async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let state = server::state::AppState::open(&config)
        .await
        .context("cannot open the server's data")?;
    if config.demo {
        let demo = state
            .accounts
            .seed_demo()
            .await
            .context("cannot create the demo workspace's accounts")?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let sales = shared::demo::SalesSpec {
            orders: config.demo_orders,
            quotes: config.demo_quotes,
            activities: config.demo_activities,
        };
        let seeded =
            server::seeding::seed_demo_documents(&state, demo.id, now, config.demo_accounts, sales)
                .await
                .context("cannot seed the demo workspace's documents")?;
        if seeded > 0 {
            tracing::info!(changes = seeded, "seeded the demo workspace's documents");
            // Compacted before the relay listens, so a new device's first sync always starts
            // from snapshots and their summaries, never from the whole log.
            let compacted = server::compaction::compact_workspace(state.log.as_ref(), demo.id)
                .await
                .context("cannot compact the demo workspace")?;
            tracing::info!(
                documents = compacted.documents,
                "compacted the demo workspace"
            );
        }
        server::seeding::seed_demo_teams(&state, demo.id)
            .await
            .context("cannot give the demo workspace its teams")?;
    }
    // Whoever started the relay may have closed its standard output (a supervisor, a harness
    // that gave up): the banner is then lost, never the relay.
    if let Err(error) = writeln!(std::io::stdout(), "{}", server::banner(&config, address)) {
        tracing::warn!(%error, "cannot print the banner");
    }
    server::run(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Creates a workspace and its admin in the data directory's database.
async fn create_workspace(config: &Config, workspace: NewWorkspace) -> anyhow::Result<()> {
    let storage = server::storage::open(&config.location())
        .await
        .context("cannot open the server's data")?;
    let name = workspace.name.clone();
    let email = workspace.admin_email.clone();
    let id = Accounts::new(storage as Arc<dyn server::storage::AccountStore>)
        .create_workspace(workspace)
        .await
        .context("cannot create the workspace")?;
    println!("Created the workspace {name:?} ({id}); its admin signs in as {email}.");
    Ok(())
}

/// The admin's password: the environment variable, or else the first line of standard input
/// (so that scripts can pipe it in without it showing in the process list).
fn admin_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var(ADMIN_PASSWORD_VARIABLE) {
        return Ok(password);
    }
    let line = std::io::stdin()
        .lock()
        .lines()
        .next()
        .transpose()
        .context("cannot read the admin's password from standard input")?
        .with_context(|| {
            format!("set {ADMIN_PASSWORD_VARIABLE} or write the password on standard input")
        })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
