//! HTTP routes: the JSON API under `/api`, and the app shell for every other path.

pub mod app_shell;
pub mod auth;
pub mod authenticated;
pub mod client_address;
pub mod devices;
pub mod health;
pub mod invitations;
pub mod operations;
pub mod password_resets;
pub mod people;
pub mod sync;
pub mod tickets;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};

use crate::error::AppError;
use crate::headers::set_security_headers;
use crate::state::AppState;

/// Every route of the server, each request within the request timeout, every response with the
/// security headers.
pub fn router(state: AppState) -> Router {
    let security_headers = state.security_headers.clone();
    let timeouts = state.clone();
    let api = Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(devices::router())
        .merge(tickets::router())
        .merge(invitations::router())
        .merge(people::router())
        .merge(password_resets::router())
        .fallback(|| async { AppError::NotFound });
    Router::new()
        .nest("/api", api)
        .merge(sync::router())
        .merge(operations::router())
        .merge(app_shell::router(&state))
        .with_state(state)
        .layer(middleware::from_fn_with_state(timeouts, limit_request_time))
        .layer(middleware::from_fn_with_state(
            security_headers,
            set_security_headers,
        ))
}

/// Answers `408` to a request not answered within the request timeout, which bounds how long a
/// client may take to send its body (a sync upgrade answers at once: its socket is not bounded).
async fn limit_request_time(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(state.http.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_elapsed) => (
            StatusCode::REQUEST_TIMEOUT,
            Json(serde_json::json!({"code": "request_timeout", "message": "The request took too long to arrive."})),
        )
            .into_response(),
    }
}
