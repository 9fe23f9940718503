//! The HTTP error type: logs the cause, answers with a stable code and an opaque text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

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
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            Self::Storage(error) => {
                tracing::error!(error = %error, source = ?std::error::Error::source(error), "storage failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "The server cannot reach its storage right now.",
                )
            }
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "Nothing is here."),
        };
        (status, Json(ErrorBody { code, message })).into_response()
    }
}
