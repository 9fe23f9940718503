//! HTTP routes: the JSON API under `/api`, and the app shell for every other path.

pub mod app_shell;
pub mod auth;
pub mod authenticated;
pub mod devices;
pub mod health;
pub mod invitations;
pub mod operations;
pub mod sync;
pub mod tickets;

use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(devices::router())
        .merge(tickets::router())
        .merge(invitations::router())
        .fallback(|| async { AppError::NotFound });
    Router::new()
        .nest("/api", api)
        .merge(sync::router())
        .merge(operations::router())
        .merge(app_shell::router(&state))
        .with_state(state)
}
