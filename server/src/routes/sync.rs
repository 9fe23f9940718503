//! `GET /sync`: the WebSocket upgrade, guarded by the Origin allowlist, the connection cap and
//! the per-address cap on sockets that have not authenticated yet.
//! The device authenticates inside the socket with a single-use ticket (browsers cannot set
//! headers on a WebSocket handshake, and a ticket in a message never lands in access logs).

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use shared::protocol::codec::MAX_MESSAGE_BYTES;

use super::client_address::ClientAddress;
use crate::session;
use crate::state::AppState;

/// The largest WebSocket frame accepted (a message may span several).
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Bytes queued for a device before sends wait (and then time out).
const MAX_WRITE_BUFFER_BYTES: usize = 2 * MAX_MESSAGE_BYTES;
/// The socket's read and write buffers. The library's 128 KiB defaults are allocated per
/// connection, which for 10,000 mostly idle devices is over a gigabyte; larger messages are still
/// read and written, in more steps.
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// The sync route.
pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&state, &headers) {
        return (
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({"code": "forbidden_origin", "message": "This origin may not sync."})),
        )
            .into_response();
    }
    let Ok(slot) = state.connection_slots.clone().try_acquire_owned() else {
        state.metrics.refused_busy();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            Json(serde_json::json!({"code": "server_busy", "message": "The server is busy; retry shortly."})),
        )
            .into_response();
    };
    // Until it authenticates, a socket holds one of its address's few slots.
    let Some(pre_auth) = state.pre_auth.try_acquire(client) else {
        state.metrics.refused_pre_auth();
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            Json(serde_json::json!({"code": "rate_limited", "message": "Too many connections from this address; retry shortly."})),
        )
            .into_response();
    };
    let tasks = state.tasks.clone();
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            tasks.track_future(async move {
                session::run(socket, state, pre_auth).await;
                drop(slot);
            })
        })
}

/// A browser's handshake must come from the app's own origin or an allowed one; clients that
/// send no `Origin` (native tools) are not browsers and cannot be used for cross-site hijacking.
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let own = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        });
    own || state
        .allowed_origins
        .iter()
        .any(|allowed| allowed == origin)
}
