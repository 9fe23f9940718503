//! Sign-in, token refresh and sign-out: `/api/auth/{login,refresh,logout}`; and what every route
//! that hands out a secret shares: the client's address it is limited by, and [`NoStore`].

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;
use shared::sales::DeviceCode;

use super::authenticated::Authenticated;
use super::client_address::ClientAddress;
use crate::accounts::{SignIn, SignedIn, Tokens};
use crate::error::AppError;
use crate::identity::{Role, UserId, WorkspaceId};
use crate::state::AppState;

/// The sign-in routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/refresh", post(refresh))
        .route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
    device_name: String,
    device_id: Option<DeviceId>,
}

#[derive(Deserialize)]
struct RefreshRequest {
    refresh_token: String,
}

/// A device's fresh credentials, as JSON.
#[derive(Serialize)]
pub(crate) struct TokensBody {
    token_type: &'static str,
    access_token: String,
    access_expires_in_seconds: u64,
    refresh_token: String,
    refresh_expires_in_seconds: u64,
    device_id: DeviceId,
}

/// A signed-in device's credentials, code, user and workspace, as JSON.
#[derive(Serialize)]
pub(crate) struct SignedInBody {
    #[serde(flatten)]
    tokens: TokensBody,
    /// The code the device's quote and order numbers carry (`null` when it could not be given
    /// now: the next sign-in gives it).
    device_code: Option<DeviceCode>,
    user: UserBody,
    workspace: WorkspaceBody,
}

#[derive(Serialize)]
struct UserBody {
    id: UserId,
    email: String,
    name: String,
    role: Role,
}

#[derive(Serialize)]
struct WorkspaceBody {
    id: WorkspaceId,
    name: String,
}

impl From<Tokens> for TokensBody {
    fn from(tokens: Tokens) -> Self {
        Self {
            token_type: "Bearer",
            access_token: tokens.access_token,
            access_expires_in_seconds: tokens.access_lifetime.as_secs(),
            refresh_token: tokens.refresh_token,
            refresh_expires_in_seconds: tokens.refresh_lifetime.as_secs(),
            device_id: tokens.device,
        }
    }
}

impl SignedInBody {
    /// The answer to a device that just signed in, with its code (given now if it had none).
    ///
    /// The sign-in has happened (an invitation or a reset link is spent) whatever becomes of the
    /// code: when it cannot be read or given now, the answer says none (`null`), the failure is
    /// logged, and the device gets it at its next sign-in.
    pub(crate) async fn of(state: &AppState, signed_in: SignedIn) -> Self {
        let device = signed_in.tokens.device;
        let device_code = match state.storage.device_code(device).await {
            Ok(Some(code)) => Some(code),
            Ok(None) => {
                tracing::error!(device = %device.0, "a signed-in device is not stored");
                None
            }
            Err(error) => {
                tracing::error!(device = %device.0, %error, "cannot give a signed-in device its code");
                None
            }
        };
        let user = signed_in.user;
        Self {
            tokens: signed_in.tokens.into(),
            device_code,
            user: UserBody {
                id: user.id,
                email: user.email,
                name: user.name,
                role: user.role,
            },
            workspace: WorkspaceBody {
                id: user.workspace,
                name: user.workspace_name,
            },
        }
    }
}

/// A response carrying a secret: no cache (the browser's, a proxy's) may keep it.
#[derive(Debug)]
pub(crate) struct NoStore<T>(pub(crate) T);

impl<T: IntoResponse> IntoResponse for NoStore<T> {
    fn into_response(self) -> Response {
        let mut response = self.0.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        response
    }
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    request: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<NoStore<Json<SignedInBody>>, AppError> {
    let Json(request) = request?;
    let signed_in = state
        .accounts
        .sign_in_from(
            SignIn {
                email: request.email,
                password: request.password,
                device_name: request.device_name,
                device: request.device_id,
            },
            client,
        )
        .await?;
    Ok(NoStore(Json(SignedInBody::of(&state, signed_in).await)))
}

async fn refresh(
    State(state): State<AppState>,
    request: Result<Json<RefreshRequest>, JsonRejection>,
) -> Result<NoStore<Json<TokensBody>>, AppError> {
    let Json(request) = request?;
    let tokens = state.accounts.refresh(&request.refresh_token).await?;
    Ok(NoStore(Json(tokens.into())))
}

async fn logout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<StatusCode, AppError> {
    state.accounts.sign_out(principal).await?;
    Ok(StatusCode::NO_CONTENT)
}
