//! `GET /healthz` (liveness and storage) and `GET /metrics` (Prometheus text format), both from
//! counters kept in memory: no request to these unauthenticated routes touches the database.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// The operations routes, at the root (where probes and scrapers look for them).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let health = state.storage.health();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&health),
    )
}
