//! Invitations: `POST /api/invitations` (admins) makes a one-time code for an address, with the
//! role, and optionally the teams and territories, the invitee gets on accepting;
//! `GET /api/invitations` (admins) lists the pending ones and `DELETE /api/invitations/{id}`
//! cancels one (its id is its code's digest, in hex: the code itself is never stored);
//! `POST /api/invitations/accept` turns the code into an account and signs its device in.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;

use super::auth::{NoStore, SignedInBody};
use super::authenticated::Authenticated;
use super::client_address::ClientAddress;
use crate::accounts::{Acceptance, AccountsError};
use crate::error::AppError;
use crate::identity::Role;
use crate::state::AppState;

/// The invitation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invitations", post(invite).get(list))
        .route("/invitations/{id}", delete(cancel))
        .route("/invitations/accept", post(accept))
}

#[derive(Deserialize)]
struct InviteRequest {
    email: String,
    role: Role,
    /// The teams the invitee joins (as a member) once they accept.
    #[serde(default)]
    teams: Vec<String>,
    /// The territories they cover once they accept.
    #[serde(default)]
    territories: Vec<String>,
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
    // Checked before the invitation exists: a wrong team invites nobody.
    let access = crate::teams::invitation_access(
        state.access.as_ref(),
        principal.workspace,
        request.teams,
        request.territories,
    )
    .await?;
    let invitation = state
        .accounts
        .invite(principal, &request.email, request.role)
        .await?;
    state
        .access
        .set_invitation_access(
            principal.workspace,
            crate::accounts::digest(&invitation.code),
            access,
        )
        .await
        .map_err(AccountsError::from)?;
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

#[derive(Serialize)]
struct PendingBody {
    invitations: Vec<PendingInvitationBody>,
}

#[derive(Serialize)]
struct PendingInvitationBody {
    id: String,
    email: String,
    role: Role,
    expires_at: i64,
    /// The teams (names) the invitee joins on acceptance.
    teams: Vec<String>,
    /// The territories (keys) the invitee covers on acceptance.
    territories: Vec<String>,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<PendingBody>, AppError> {
    // Admins only (checked here), then what each gives besides its role.
    let pending = state.accounts.pending_invitations(principal).await?;
    let mut gives = state.access.invitations_access(principal.workspace).await?;
    Ok(Json(PendingBody {
        invitations: pending
            .into_iter()
            .map(|invitation| {
                let access = gives.remove(&invitation.digest).unwrap_or_default();
                PendingInvitationBody {
                    id: invitation
                        .digest
                        .iter()
                        .map(|byte| format!("{byte:02x}"))
                        .collect(),
                    email: invitation.email,
                    role: invitation.role,
                    expires_at: invitation.expires_at,
                    teams: access.teams,
                    territories: access.territories,
                }
            })
            .collect(),
    }))
}

async fn cancel(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    // A malformed id is just another id that names nothing.
    let digest = digest_from_hex(&id).ok_or(AccountsError::NotFound)?;
    state.accounts.cancel_invitation(principal, digest).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The 32 bytes `text` spells in hexadecimal (64 digits), if it does.
fn digest_from_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut digest = [0_u8; 32];
    for (byte, pair) in digest.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(digest)
}

async fn accept(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    request: Result<Json<AcceptRequest>, JsonRejection>,
) -> Result<NoStore<(StatusCode, Json<SignedInBody>)>, AppError> {
    let Json(request) = request?;
    let digest = crate::accounts::digest(&request.code);
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
    // The new person gets the invitation's teams and territories before their device syncs. The
    // account exists by now: a failure here is logged (an admin can give them in Settings)
    // rather than turned into a failed sign-in the code could not be spent again for.
    if let Err(error) = crate::teams::grant_invitation_access(
        state.access.as_ref(),
        &state.hub,
        signed_in.user.workspace,
        digest,
        signed_in.user.id,
    )
    .await
    {
        tracing::error!(%error, user = %signed_in.user.id, "an invitation's teams and territories were not given");
    }
    let body = SignedInBody::of(&state, signed_in).await;
    Ok(NoStore((StatusCode::CREATED, Json(body))))
}
