//! Carnet's relay as a library: the router and the serve loop, so that tests can run it on port 0.
//!
//! The relay serves the built client (the PWA shell) and owns the durable change log. It never
//! interprets CRM fields: documents stay Automerge bytes end to end.

pub mod accounts;
pub mod config;
pub mod error;
pub mod identity;
pub mod routes;
pub mod state;
pub mod storage;
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

/// Serves `app(state)` on `listener` until `shutdown` resolves, then drains open requests.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
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
                identity::Role::Admin => "manager",
                identity::Role::Rep => "rep",
            };
            let (email, name) = (user.email, user.name);
            lines.push(format!("            {email} ({role}, {name})"));
        }
    }
    lines.push("Press Ctrl-C to stop.".to_owned());
    lines.join("\n")
}
