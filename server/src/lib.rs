//! Carnet's relay as a library: the router and the serve loop, so that tests can run it on port 0.
//!
//! The relay serves the built client (the PWA shell) and owns the durable change log. It never
//! interprets CRM fields: documents stay Automerge bytes end to end.

pub mod accept;
pub mod access;
pub mod accounts;
pub mod admission;
pub mod compaction;
pub mod config;
pub mod error;
pub mod headers;
pub mod hub;
pub mod identity;
pub mod ingest;
pub mod instances;
pub mod metrics;
pub mod offboarding;
pub mod realignment;
pub mod retention;
pub mod routes;
pub mod seeding;
pub mod session;
pub mod state;
pub mod storage;
pub mod teams;
pub mod telemetry;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;

/// The whole HTTP application: API routes, then the app shell for everything else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// How long shutdown waits for sync sessions to finish their current commit and close.
const SESSION_DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app(state)` on `listener` (with the header timeout and the connection cap of
/// [`accept`]) until `shutdown` resolves, then drains open requests and lets every sync session
/// finish its in-flight commit before closing it.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Every logged document gets its access keys before any device is served, so a scoped
    // session never misses a record because its keys were not derived yet.
    match ingest::derive_missing_keys(state.log.as_ref(), state.access.as_ref(), &state.validators)
        .await
    {
        Ok(0) => {}
        Ok(derived) => tracing::info!(documents = derived, "derived the records' access keys"),
        Err(error) => {
            tracing::error!(%error, "cannot derive the records' access keys");
            return Err(std::io::Error::other(error));
        }
    }
    let cancel = state.shutdown.clone();
    let tasks = state.tasks.clone();
    let compactor = compaction::spawn(state.storage.clone(), state.shutdown.clone());
    let follower = instances::spawn(state.clone());
    let retention = retention::spawn(state.storage.clone(), state.shutdown.clone());
    let signal = async move {
        shutdown.await;
        cancel.cancel();
    };
    let limits = state.http.clone();
    let metrics = state.metrics.clone();
    // Handlers see the peer's address (`ConnectInfo<SocketAddr>`): limits are kept per client.
    accept::serve(listener, app(state), &limits, metrics, signal).await;
    tasks.close();
    let _finished = compactor.await;
    let _forgotten = retention.await;
    if let Some(follower) = follower {
        let _followed = follower.await;
    }
    if tokio::time::timeout(SESSION_DRAIN_LIMIT, tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some sync sessions did not close in time");
    }
    Ok(())
}

/// What the server prints once it listens: where to go and how to use it.
pub fn banner(config: &Config, address: SocketAddr) -> String {
    let mut lines = vec![
        format!("Carnet is running at http://{address}/"),
        format!("  data:   {}", config.data_dir.display()),
        format!("  client: {}", config.dist_dir.display()),
    ];
    if config.demo {
        lines.push(format!(
            "  demo:   sign in to \"{}\" with password \"{}\" as",
            accounts::demo::WORKSPACE_NAME,
            accounts::demo::PASSWORD
        ));
        for user in accounts::demo::USERS {
            let role = match user.role {
                identity::Role::Admin => "admin",
                identity::Role::Manager => "manager",
                identity::Role::Rep => "rep",
            };
            let (email, name) = (user.email, user.name);
            lines.push(format!("            {email} ({role}, {name})"));
        }
    }
    lines.push("Press Ctrl-C to stop.".to_owned());
    lines.join("\n")
}
