//! `POST /api/sync/ticket`: a single-use ticket for the sync socket, which browsers cannot open
//! with an `Authorization` header. Never cached.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use super::auth::NoStore;
use super::authenticated::Authenticated;
use crate::accounts::TICKET_LIFETIME;
use crate::error::AppError;
use crate::state::AppState;

/// The ticket route.
pub fn router() -> Router<AppState> {
    Router::new().route("/sync/ticket", post(issue))
}

#[derive(Serialize)]
struct TicketBody {
    ticket: String,
    expires_in_seconds: u64,
}

async fn issue(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<NoStore<Json<TicketBody>>, AppError> {
    let ticket = state.accounts.issue_sync_ticket(principal).await?;
    Ok(NoStore(Json(TicketBody {
        ticket,
        expires_in_seconds: TICKET_LIFETIME.as_secs(),
    })))
}
