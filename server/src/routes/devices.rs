//! A user's devices: `GET /api/devices` lists them (an admin sees the workspace's), and
//! `DELETE /api/devices/{id}` revokes one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;
use shared::protocol::DeviceId;
use shared::sales::DeviceCode;
use uuid::Uuid;

use super::authenticated::Authenticated;
use crate::accounts::AccountsError;
use crate::error::AppError;
use crate::identity::UserId;
use crate::state::AppState;
use crate::storage::accounts::DeviceRecord;

/// The device routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/devices", get(list))
        .route("/devices/{id}", delete(revoke))
}

#[derive(Serialize)]
struct DevicesBody {
    devices: Vec<DeviceBody>,
}

#[derive(Serialize)]
struct DeviceBody {
    id: DeviceId,
    name: String,
    user_id: UserId,
    user_name: String,
    /// Whether this is the device making the request.
    current: bool,
    created_at: i64,
    last_seen_at: Option<i64>,
    revoked_at: Option<i64>,
    /// The code its quote and order numbers carry, once it was given one.
    code: Option<DeviceCode>,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<DevicesBody>, AppError> {
    let devices = state.accounts.devices(principal).await?;
    Ok(Json(DevicesBody {
        devices: devices
            .into_iter()
            .map(|device: DeviceRecord| DeviceBody {
                current: device.id == principal.device,
                id: device.id,
                name: device.name,
                user_id: device.user,
                user_name: device.user_name,
                created_at: device.created_at,
                last_seen_at: device.last_seen_at,
                revoked_at: device.revoked_at,
                code: device.code,
            })
            .collect(),
    }))
}

async fn revoke(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    // A malformed id is just another id that names nothing.
    let device = Uuid::parse_str(&id)
        .map(DeviceId)
        .map_err(|_| AccountsError::NotFound)?;
    state.accounts.revoke(principal, device).await?;
    Ok(StatusCode::NO_CONTENT)
}
