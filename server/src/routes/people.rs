//! The workspace's people: `GET /api/people` lists them for any member (the directory devices
//! keep, so colleagues appear by name), and `POST /api/people/{id}/disable` lets an admin
//! disable one (offboarding).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use uuid::Uuid;

use super::authenticated::Authenticated;
use crate::accounts::AccountsError;
use crate::error::AppError;
use crate::identity::{Role, UserId};
use crate::state::AppState;
use crate::storage::accounts::PersonRecord;

/// The people routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list))
        .route("/people/{id}/disable", post(disable))
}

#[derive(Serialize)]
struct PeopleBody {
    people: Vec<PersonBody>,
}

#[derive(Serialize)]
struct PersonBody {
    id: UserId,
    name: String,
    email: String,
    role: Role,
    /// Whether this is the person asking.
    current: bool,
    disabled_at: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<PeopleBody>, AppError> {
    let people = state.accounts.people(principal).await?;
    Ok(Json(PeopleBody {
        people: people
            .into_iter()
            .map(|person: PersonRecord| PersonBody {
                current: person.id == principal.user,
                id: person.id,
                name: person.name,
                email: person.email,
                role: person.role,
                disabled_at: person.disabled_at,
            })
            .collect(),
    }))
}

async fn disable(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    // A malformed id is just another id that names nobody.
    let user = Uuid::parse_str(&id)
        .map(UserId)
        .map_err(|_| AccountsError::NotFound)?;
    state.accounts.disable_person(principal, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
