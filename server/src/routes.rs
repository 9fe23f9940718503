//! HTTP routes: the JSON API under `/api`, and the app shell for every other path.

pub mod app_shell;
pub mod health;

use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::router())
        .fallback(|| async { AppError::NotFound });
    Router::new()
        .nest("/api", api)
        .merge(app_shell::router(&state))
        .with_state(state)
}
