//! The HTTP error type: logs the cause, answers with a stable code and an opaque text.
//!
//! "Absent" and "forbidden" share one answer wherever a resource is named by id (404
//! `not_found`), so that probing ids teaches nothing.

use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::accounts::AccountsError;
use crate::offboarding::HandoverError;
use crate::realignment::RealignmentError;
use crate::storage::StorageError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The durable store failed.
    #[error("storage failed")]
    Storage(#[from] StorageError),
    /// Nothing is at this path.
    #[error("not found")]
    NotFound,
    /// An accounts operation refused or failed.
    #[error("accounts")]
    Accounts(#[from] AccountsError),
    /// Records could not be handed to a colleague.
    #[error("handover")]
    Handover(#[from] HandoverError),
    /// Accounts could not be realigned with the territories.
    #[error("realignment")]
    Realignment(#[from] RealignmentError),
    /// The request body is not the JSON this route takes.
    #[error("unreadable request body")]
    InvalidBody(#[from] JsonRejection),
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            Self::Storage(error) => storage_unavailable(error),
            Self::NotFound => not_found(),
            Self::Accounts(error) => accounts(error),
            Self::Handover(HandoverError::Refused(error)) => accounts(error),
            Self::Handover(HandoverError::Storage(error)) => storage_unavailable(error),
            Self::Handover(error) => {
                tracing::error!(error = %error, source = ?std::error::Error::source(error), "handover failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on the server.",
                )
            }
            Self::Realignment(RealignmentError::Refused(error)) => accounts(error),
            Self::Realignment(RealignmentError::Storage(error)) => storage_unavailable(error),
            Self::Realignment(error) => {
                tracing::error!(error = %error, source = ?std::error::Error::source(error), "realignment failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on the server.",
                )
            }
            Self::InvalidBody(rejection) => {
                tracing::debug!(%rejection, "unreadable request body");
                (
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The request is not what this address takes.",
                )
            }
        };
        let mut response = (status, Json(ErrorBody { code, message })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if code == BUSY {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(BUSY_RETRY_SECONDS),
            );
        }
        response
    }
}

type Answer = (StatusCode, &'static str, &'static str);

/// The code of a request refused because the server is at capacity, to retry shortly.
const BUSY: &str = "server_busy";

/// When to retry a request refused as [`BUSY`], in seconds (a password hash takes well under one).
const BUSY_RETRY_SECONDS: &str = "1";

fn not_found() -> Answer {
    (StatusCode::NOT_FOUND, "not_found", "Nothing is here.")
}

fn storage_unavailable(error: &StorageError) -> Answer {
    tracing::error!(error = %error, source = ?std::error::Error::source(error), "storage failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "The server cannot reach its storage right now.",
    )
}

fn internal(error: &AccountsError) -> Answer {
    tracing::error!(error = %error, source = ?std::error::Error::source(error), "accounts failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Something went wrong on the server.",
    )
}

fn accounts(error: &AccountsError) -> Answer {
    match error {
        AccountsError::InvalidCredentials => (
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "Wrong email or password.",
        ),
        AccountsError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many attempts; try again in a few minutes.",
        ),
        AccountsError::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            BUSY,
            "The server is busy; try again in a moment.",
        ),
        AccountsError::DeviceRefused => (
            StatusCode::FORBIDDEN,
            "device_refused",
            "This device may no longer sign in.",
        ),
        AccountsError::TokenExpired => (
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "The access token expired; refresh it.",
        ),
        AccountsError::Unauthorised => (StatusCode::UNAUTHORIZED, "unauthorised", "Sign in first."),
        AccountsError::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role does not allow this.",
        ),
        AccountsError::PersonDisabled => (
            StatusCode::FORBIDDEN,
            "person_disabled",
            "An administrator disabled this account.",
        ),
        AccountsError::DeviceRevoked => (
            StatusCode::FORBIDDEN,
            "device_revoked",
            "An administrator removed this device: erase this device's copy of the workspace.",
        ),
        AccountsError::NotFound => not_found(),
        AccountsError::EmailTaken => (
            StatusCode::CONFLICT,
            "email_taken",
            "This address already has an account.",
        ),
        AccountsError::InvitationInvalid => (
            StatusCode::NOT_FOUND,
            "invitation_invalid",
            "This invitation is unknown, expired or already used.",
        ),
        AccountsError::ResetLinkUnknown => (
            StatusCode::NOT_FOUND,
            "reset_link_unknown",
            "This password reset link is unknown.",
        ),
        AccountsError::ResetLinkExpired => (
            StatusCode::GONE,
            "reset_link_expired",
            "This password reset link expired.",
        ),
        AccountsError::ResetLinkUsed => (
            StatusCode::GONE,
            "reset_link_used",
            "This password reset link was already used.",
        ),
        AccountsError::ResetLinkReplaced => (
            StatusCode::GONE,
            "reset_link_replaced",
            "A newer password reset link replaced this one.",
        ),
        AccountsError::InvalidInput(rule) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", rule)
        }
        AccountsError::Storage(error) => storage_unavailable(error),
        AccountsError::Random(_) | AccountsError::Password(_) => internal(error),
    }
}
