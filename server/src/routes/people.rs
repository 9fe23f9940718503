//! The workspace's people: `GET /api/people` lists them for any member (the directory devices
//! keep, so colleagues appear by name, with their role, teams and territories),
//! `POST /api/people/{id}/disable` lets an admin disable one (offboarding: optionally handing
//! their accounts and deals to a colleague in the same step, `{"reassign_to": id}`, answered
//! with how many records changed owner), `POST /api/people/{id}/hand-over` hands a disabled
//! person's records over later, and
//! `PUT /api/people/{id}/access` gives one a role and territories. `GET /api/teams` lists the
//! teams (any member) and `PUT /api/teams` creates or replaces one (admins).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::authenticated::Authenticated;
use crate::accounts::AccountsError;
use crate::error::AppError;
use crate::identity::{Role, UserId};
use crate::state::AppState;
use crate::storage::access::TeamSpec;
use crate::storage::accounts::PersonRecord;

/// The people routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list))
        .route("/people/{id}/disable", post(disable))
        .route("/people/{id}/hand-over", post(hand_over))
        .route("/people/{id}/access", put(set_access))
        .route("/teams", get(teams).put(set_team))
        .route("/territories/realign", post(realign))
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
    /// The teams they lead.
    leads: Vec<String>,
    /// The teams they belong to without leading.
    teams: Vec<String>,
    /// The territories they cover (keys of the settings' territories).
    territories: Vec<String>,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<PeopleBody>, AppError> {
    let people = state.accounts.people(principal).await?;
    let teams = crate::teams::teams(state.access.as_ref(), principal).await?;
    let mut territories = state
        .access
        .territories(principal.workspace)
        .await
        .map_err(AccountsError::from)?;
    let named = |of: &dyn Fn(&TeamSpec) -> &Vec<UserId>, person: UserId| -> Vec<String> {
        teams
            .iter()
            .filter(|team| of(team).contains(&person))
            .map(|team| team.name.clone())
            .collect()
    };
    Ok(Json(PeopleBody {
        people: people
            .into_iter()
            .map(|person: PersonRecord| PersonBody {
                current: person.id == principal.user,
                leads: named(&|team| &team.leads, person.id),
                teams: named(&|team| &team.members, person.id),
                territories: territories.remove(&person.id).unwrap_or_default(),
                id: person.id,
                name: person.name,
                email: person.email,
                role: person.role,
                disabled_at: person.disabled_at,
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
struct AccessBody {
    role: Role,
    #[serde(default)]
    territories: Vec<String>,
}

async fn set_access(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<AccessBody>,
) -> Result<StatusCode, AppError> {
    let user = Uuid::parse_str(&id)
        .map(UserId)
        .map_err(|_| AccountsError::NotFound)?;
    crate::teams::set_person_access(
        state.access.as_ref(),
        &state.hub,
        principal,
        user,
        body.role,
        body.territories,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize)]
struct TeamBody {
    name: String,
    #[serde(default)]
    leads: Vec<UserId>,
    #[serde(default)]
    members: Vec<UserId>,
    #[serde(default)]
    territories: Vec<String>,
}

#[derive(Serialize)]
struct TeamsBody {
    teams: Vec<TeamBody>,
}

async fn teams(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<TeamsBody>, AppError> {
    let teams = crate::teams::teams(state.access.as_ref(), principal).await?;
    Ok(Json(TeamsBody {
        teams: teams
            .into_iter()
            .map(|team| TeamBody {
                name: team.name,
                leads: team.leads,
                members: team.members,
                territories: team.territories,
            })
            .collect(),
    }))
}

async fn set_team(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Json(body): Json<TeamBody>,
) -> Result<StatusCode, AppError> {
    crate::teams::set_team(
        state.access.as_ref(),
        &state.hub,
        principal,
        TeamSpec {
            name: body.name,
            leads: body.leads,
            members: body.members,
            territories: body.territories,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct DisableBody {
    /// The colleague who receives the person's accounts and deals.
    #[serde(default)]
    reassign_to: Option<UserId>,
}

#[derive(Deserialize)]
struct HandOverBody {
    to: UserId,
}

#[derive(Serialize)]
struct HandedOverBody {
    /// How many records changed owner.
    reassigned: usize,
}

async fn disable(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
    body: Option<Json<DisableBody>>,
) -> Result<Json<HandedOverBody>, AppError> {
    // A malformed id is just another id that names nobody.
    let user = Uuid::parse_str(&id)
        .map(UserId)
        .map_err(|_| AccountsError::NotFound)?;
    let to = body.and_then(|Json(body)| body.reassign_to);
    if let Some(to) = to {
        // Checked before anything changes: a wrong colleague leaves the person active.
        if to == user
            || state
                .access
                .grants(principal.workspace, to)
                .await?
                .is_none()
        {
            return Err(AccountsError::InvalidInput(crate::offboarding::HANDOVER_RULE).into());
        }
    }
    // Disabled first: the leaving person's devices stop at once, whatever the handover takes.
    state.accounts.disable_person(principal, user).await?;
    let reassigned = match to {
        Some(to) => crate::offboarding::hand_over(&state, principal, user, to).await?,
        None => 0,
    };
    Ok(Json(HandedOverBody { reassigned }))
}

#[derive(Serialize)]
struct RealignedBody {
    /// How many accounts moved to another territory.
    moved: usize,
}

/// Moves every account into the territory its postcode falls in (after the admin redrew them).
async fn realign(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<RealignedBody>, AppError> {
    let moved = crate::realignment::realign_territories(&state, principal).await?;
    Ok(Json(RealignedBody { moved }))
}

async fn hand_over(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<HandOverBody>,
) -> Result<Json<HandedOverBody>, AppError> {
    let user = Uuid::parse_str(&id)
        .map(UserId)
        .map_err(|_| AccountsError::NotFound)?;
    let reassigned = crate::offboarding::hand_over(&state, principal, user, body.to).await?;
    Ok(Json(HandedOverBody { reassigned }))
}
