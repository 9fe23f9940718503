//! Password resets: `POST /api/people/{id}/password-reset` (admins) makes a one-time link's token
//! for an active person of the workspace (their earlier unused ones stop working);
//! `POST /api/password-reset/accept` sets the new password, spends the token and signs the
//! device in, answering like a sign-in.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;
use uuid::Uuid;

use super::auth::{NoStore, SignedInBody};
use super::authenticated::Authenticated;
use super::client_address::ClientAddress;
use crate::accounts::password_reset::NewPasswordRequest;
use crate::accounts::AccountsError;
use crate::error::AppError;
use crate::identity::UserId;
use crate::state::AppState;

/// The password reset routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/password-reset", post(create))
        .route("/password-reset/accept", post(accept))
}

#[derive(Serialize)]
struct PasswordResetBody {
    token: String,
    /// When the token stops working (Unix seconds).
    expires_at: i64,
}

#[derive(Deserialize)]
struct AcceptRequest {
    token: String,
    password: String,
    device_name: String,
    device_id: Option<DeviceId>,
}

async fn create(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<NoStore<(StatusCode, Json<PasswordResetBody>)>, AppError> {
    // A malformed id is just another id that names nobody.
    let user = Uuid::parse_str(&id)
        .map(UserId)
        .map_err(|_| AccountsError::NotFound)?;
    let reset = state
        .accounts
        .create_password_reset(principal, user)
        .await?;
    Ok(NoStore((
        StatusCode::CREATED,
        Json(PasswordResetBody {
            token: reset.token,
            expires_at: reset.expires_at,
        }),
    )))
}

async fn accept(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    request: Result<Json<AcceptRequest>, JsonRejection>,
) -> Result<NoStore<Json<SignedInBody>>, AppError> {
    let Json(request) = request?;
    let signed_in = state
        .accounts
        .reset_password_from(
            NewPasswordRequest {
                token: request.token,
                password: request.password,
                device_name: request.device_name,
                device: request.device_id,
            },
            client,
        )
        .await?;
    Ok(NoStore(Json(SignedInBody::of(&state, signed_in).await)))
}
