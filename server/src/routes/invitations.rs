//! Invitations: `POST /api/invitations` (admins) makes a one-time code for an address;
//! `POST /api/invitations/accept` turns the code into an account and signs its device in.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;

use super::auth::{NoStore, SignedInBody};
use super::authenticated::Authenticated;
use super::client_address::ClientAddress;
use crate::accounts::Acceptance;
use crate::error::AppError;
use crate::identity::Role;
use crate::state::AppState;

/// The invitation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invitations", post(invite))
        .route("/invitations/accept", post(accept))
}

#[derive(Deserialize)]
struct InviteRequest {
    email: String,
    role: Role,
}

#[derive(Serialize)]
struct InvitationBody {
    code: String,
    email: String,
    role: Role,
    expires_in_seconds: u64,
}

#[derive(Deserialize)]
struct AcceptRequest {
    code: String,
    name: String,
    password: String,
    device_name: String,
    device_id: Option<DeviceId>,
}

async fn invite(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    request: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<NoStore<(StatusCode, Json<InvitationBody>)>, AppError> {
    let Json(request) = request?;
    let invitation = state
        .accounts
        .invite(principal, &request.email, request.role)
        .await?;
    Ok(NoStore((
        StatusCode::CREATED,
        Json(InvitationBody {
            code: invitation.code,
            email: invitation.email.to_string(),
            role: invitation.role,
            expires_in_seconds: invitation.lifetime.as_secs(),
        }),
    )))
}

async fn accept(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    request: Result<Json<AcceptRequest>, JsonRejection>,
) -> Result<NoStore<(StatusCode, Json<SignedInBody>)>, AppError> {
    let Json(request) = request?;
    let signed_in = state
        .accounts
        .accept_from(
            Acceptance {
                code: request.code,
                name: request.name,
                password: request.password,
                device_name: request.device_name,
                device: request.device_id,
            },
            client,
        )
        .await?;
    Ok(NoStore((StatusCode::CREATED, Json(signed_in.into()))))
}
