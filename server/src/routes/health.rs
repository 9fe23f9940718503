//! `GET /api/health`: whether the server and its storage answer.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;
use crate::storage::StorageHealth;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    storage: StorageHealth,
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        storage: state.storage.health(),
    }))
}
