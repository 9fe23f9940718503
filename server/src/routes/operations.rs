//! `GET /healthz` (liveness and storage) and `GET /metrics` (Prometheus text format), both from
//! counters kept in memory: no request to these unauthenticated routes touches the database.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// The operations routes, at the root (where probes and scrapers look for them).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.storage.health().await?;
    Ok("ok")
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let health = state.storage.health().await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&health),
    ))
}
