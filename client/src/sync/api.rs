//! The relay's HTTP API as the device uses it: sign in, refresh the access token, get a sync
//! ticket, sign out. Every failure is classified: no network, refused credentials, anything else.

use gloo::net::http::{Request, RequestBuilder, Response};
use serde::{Deserialize, Serialize};
use shared::ids::{DeviceId, UserId, WorkspaceId};
use shared::sales::DeviceCode;

use crate::session::{Session, SessionUser, SessionWorkspace};
use crate::state::problem::Problem;
use crate::team::people::Person;

/// How long a ticket request may take before it counts as unreachable.
const TICKET_DEADLINE_MS: u32 = 15_000;

/// Why an API call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The relay could not be reached (no network, server down).
    #[error("The server cannot be reached. Your work is kept on this device.")]
    Unreachable,
    /// The e-mail address and password do not match an account.
    #[error("That e-mail address and password do not match. Check them and try again.")]
    WrongCredentials,
    /// The session ended (expired, signed out elsewhere, or this device was removed).
    #[error("Your session has ended. Sign in again; nothing on this device was lost.")]
    SessionEnded,
    /// Too many attempts.
    #[error("Too many attempts. Wait a minute, then try again.")]
    TooManyAttempts,
    /// The password is right, but an administrator disabled the person or removed the device.
    #[error("An administrator removed this access.")]
    AccessRemoved,
    /// An administrator revoked this device (or disabled its person) while it was signed in:
    /// it erases its copy of the workspace.
    #[error("An administrator removed this device; its copy of the workspace is erased.")]
    DeviceRevoked,
    /// The invitation code is unknown, expired or already used.
    #[error("This invitation is unknown, expired or already used.")]
    InvitationInvalid,
    /// No password reset link has this token.
    #[error("This password reset link is unknown.")]
    ResetLinkUnknown,
    /// The password reset link expired.
    #[error("This password reset link expired.")]
    ResetLinkExpired,
    /// The password reset link was used already.
    #[error("This password reset link was already used.")]
    ResetLinkUsed,
    /// A newer password reset link replaced this one.
    #[error("A newer password reset link replaced this one.")]
    ResetLinkReplaced,
    /// The person an admin acts on was disabled meanwhile.
    #[error("This person is disabled.")]
    PersonDisabled,
    /// The address already has an account.
    #[error("This address already has an account.")]
    EmailTaken,
    /// A field breaks a rule (an address, a name, a password too short).
    #[error("A field is not valid.")]
    InvalidDetails,
    /// Any other answer.
    #[error("The server answered unexpectedly ({0}).")]
    Unexpected(String),
}

impl ApiError {
    /// The problem to show the rep, in the catalogue's words.
    pub fn problem(&self) -> Problem {
        match self {
            Self::Unreachable => Problem::new("problem-unreachable"),
            Self::WrongCredentials => Problem::new("problem-wrong-credentials"),
            Self::SessionEnded => Problem::new("problem-session-ended"),
            Self::TooManyAttempts => Problem::new("problem-too-many-attempts"),
            Self::AccessRemoved => Problem::new("problem-access-removed"),
            Self::DeviceRevoked => Problem::new(DEVICE_ERASED),
            Self::InvitationInvalid => Problem::new("problem-invitation-invalid"),
            Self::ResetLinkUnknown => Problem::new("problem-reset-link-unknown"),
            Self::ResetLinkExpired => Problem::new("problem-reset-link-expired"),
            Self::ResetLinkUsed => Problem::new("problem-reset-link-used"),
            Self::ResetLinkReplaced => Problem::new("problem-reset-link-replaced"),
            Self::PersonDisabled => Problem::new("problem-person-disabled"),
            Self::EmailTaken => Problem::new("problem-email-taken"),
            Self::InvalidDetails => Problem::new("problem-invalid-details"),
            Self::Unexpected(detail) => Problem::with_detail("problem-unexpected", detail.clone()),
        }
    }
}

#[derive(Serialize)]
struct LoginRequest<'a> {
    email: &'a str,
    password: &'a str,
    device_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<&'a str>,
}

#[derive(Deserialize)]
struct SignedInBody {
    access_token: String,
    refresh_token: String,
    device_id: DeviceId,
    #[serde(default)]
    device_code: Option<DeviceCode>,
    user: UserBody,
    workspace: WorkspaceBody,
}

#[derive(Deserialize)]
struct UserBody {
    id: UserId,
    email: String,
    name: String,
}

#[derive(Deserialize)]
struct WorkspaceBody {
    id: WorkspaceId,
    name: String,
}

#[derive(Serialize)]
struct RefreshRequest<'a> {
    refresh_token: &'a str,
}

#[derive(Deserialize)]
struct TokensBody {
    access_token: String,
    refresh_token: String,
}

#[derive(Deserialize)]
struct TicketBody {
    ticket: String,
}

/// Signs in as `email`, naming this device `device_name` (or reusing `device_id`).
pub async fn sign_in(
    email: &str,
    password: &str,
    device_name: &str,
    device_id: Option<&str>,
) -> Result<Session, ApiError> {
    let request = Request::post("/api/auth/login")
        .json(&LoginRequest {
            email,
            password,
            device_name,
            device_id,
        })
        .map_err(|error| ApiError::Unexpected(error.to_string()))?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 => session_from(response).await,
        400 | 401 | 404 => Err(ApiError::WrongCredentials),
        403 => Err(ApiError::AccessRemoved),
        status => Err(classify(status)),
    }
}

/// A single-use sync ticket; refreshes the access token first when it expired, and returns
/// the session to keep when it did.
pub async fn ticket(session: &Session) -> Result<(String, Option<Session>), ApiError> {
    with_fresh_token(session, |token| async move { request_ticket(&token).await }).await
}

/// One of the signed-in person's devices (an admin sees the workspace's).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DeviceInfo {
    /// The device's id.
    pub id: String,
    /// Its name ("Chrome on Linux").
    pub name: String,
    /// Whose device it is.
    pub user_name: String,
    /// Whether it is this device.
    pub current: bool,
    /// When it signed in (Unix seconds).
    pub created_at: i64,
    /// When it last reached the relay.
    pub last_seen_at: Option<i64>,
    /// When it was removed, if it was.
    pub revoked_at: Option<i64>,
}

#[derive(Deserialize)]
struct DevicesBody {
    devices: Vec<DeviceInfo>,
}

/// The session a sign-in or an accepted invitation answered.
async fn session_from(response: Response) -> Result<Session, ApiError> {
    let body: SignedInBody = read_json(response).await?;
    Ok(Session {
        access_token: body.access_token,
        refresh_token: body.refresh_token,
        device_id: body.device_id,
        device_code: body.device_code,
        user: SessionUser {
            id: body.user.id,
            email: body.user.email,
            name: body.user.name,
        },
        workspace: SessionWorkspace {
            id: body.workspace.id,
            name: body.workspace.name,
        },
    })
}

/// An invitation the relay made: a one-time code for an address.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Invitation {
    /// The code, which the invitation link carries.
    pub code: String,
    /// The invited address.
    pub email: String,
    /// How long the code works.
    pub expires_in_seconds: u64,
}

#[derive(Serialize)]
struct InviteRequest<'a> {
    email: &'a str,
    role: &'a str,
    teams: &'a [String],
    territories: &'a [String],
}

/// Invites `email` as `role` (`rep`, `manager` or `admin`; admins only), joining `teams` and
/// covering `territories` once they accept.
pub async fn invite(
    session: &Session,
    email: &str,
    role: &str,
    teams: &[String],
    territories: &[String],
) -> Result<(Invitation, Option<Session>), ApiError> {
    with_fresh_token(session, |token| async move {
        let response = Request::post("/api/invitations")
            .header("Authorization", &format!("Bearer {token}"))
            .json(&InviteRequest {
                email,
                role,
                teams,
                territories,
            })
            .map_err(|error| ApiError::Unexpected(error.to_string()))?
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200 | 201 => read_json::<Invitation>(response).await,
            409 => Err(ApiError::EmailTaken),
            400 | 422 => Err(ApiError::InvalidDetails),
            status => Err(classify(status)),
        }
    })
    .await
}

#[derive(Serialize)]
struct AcceptRequest<'a> {
    code: &'a str,
    name: &'a str,
    password: &'a str,
    device_name: &'a str,
}

/// Accepts the invitation `code`: the person's account is made with `name` and `password`, and
/// this device is signed in as them.
pub async fn accept_invitation(
    code: &str,
    name: &str,
    password: &str,
    device_name: &str,
) -> Result<Session, ApiError> {
    let response = Request::post("/api/invitations/accept")
        .json(&AcceptRequest {
            code,
            name,
            password,
            device_name,
        })
        .map_err(|error| ApiError::Unexpected(error.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 | 201 => session_from(response).await,
        404 => Err(ApiError::InvitationInvalid),
        409 => Err(ApiError::EmailTaken),
        400 | 422 => Err(ApiError::InvalidDetails),
        status => Err(classify(status)),
    }
}

/// A password reset link the relay made for a person: its one-time token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PasswordReset {
    /// The token, which the reset link carries.
    pub token: String,
    /// When the token stops working (Unix seconds).
    pub expires_at: i64,
}

/// Makes a password reset link for the person `id` (admins only); their earlier unused links
/// stop working.
pub async fn create_password_reset(
    session: &Session,
    id: UserId,
) -> Result<(PasswordReset, Option<Session>), ApiError> {
    let path = format!("/api/people/{id}/password-reset");
    let path = path.as_str();
    with_fresh_token(session, |token| async move {
        let response = Request::post(path)
            .header("Authorization", &format!("Bearer {token}"))
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200 | 201 => read_json::<PasswordReset>(response).await,
            403 => Err(match refusal_code(response).await.as_deref() {
                Some("person_disabled") => ApiError::PersonDisabled,
                Some("device_revoked") => ApiError::DeviceRevoked,
                _ => ApiError::SessionEnded,
            }),
            status => Err(classify(status)),
        }
    })
    .await
}

#[derive(Serialize)]
struct ResetRequest<'a> {
    token: &'a str,
    password: &'a str,
    device_name: &'a str,
}

/// Uses the password reset link `token`: the person's password becomes `password`, and this
/// device is signed in as them.
pub async fn reset_password(
    token: &str,
    password: &str,
    device_name: &str,
) -> Result<Session, ApiError> {
    let response = Request::post("/api/password-reset/accept")
        .json(&ResetRequest {
            token,
            password,
            device_name,
        })
        .map_err(|error| ApiError::Unexpected(error.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 | 201 => session_from(response).await,
        404 => Err(ApiError::ResetLinkUnknown),
        410 => Err(match refusal_code(response).await.as_deref() {
            Some("reset_link_expired") => ApiError::ResetLinkExpired,
            Some("reset_link_used") => ApiError::ResetLinkUsed,
            Some("reset_link_replaced") => ApiError::ResetLinkReplaced,
            other => ApiError::Unexpected(format!("HTTP 410 {other:?}")),
        }),
        403 => Err(ApiError::AccessRemoved),
        400 | 422 => Err(ApiError::InvalidDetails),
        status => Err(classify(status)),
    }
}

/// An invitation waiting to be accepted, as an admin lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PendingInvitation {
    /// Its id (its code's digest: the code is never listed).
    pub id: String,
    /// The invited address.
    pub email: String,
    /// The role it gives.
    pub role: String,
    /// When its code stops working (Unix seconds).
    pub expires_at: i64,
    /// The teams (names) it makes the invitee a member of.
    #[serde(default)]
    pub teams: Vec<String>,
    /// The territories (keys) it gives the invitee.
    #[serde(default)]
    pub territories: Vec<String>,
}

#[derive(Deserialize)]
struct PendingBody {
    invitations: Vec<PendingInvitation>,
}

/// The workspace's invitations waiting to be accepted (admins only).
pub async fn pending_invitations(
    session: &Session,
) -> Result<(Vec<PendingInvitation>, Option<Session>), ApiError> {
    let (body, refreshed) = get_json::<PendingBody>(session, "/api/invitations").await?;
    Ok((body.invitations, refreshed))
}

/// Cancels the pending invitation `id`: its link stops working.
pub async fn cancel_invitation(session: &Session, id: &str) -> Result<Option<Session>, ApiError> {
    act(session, Request::delete, &format!("/api/invitations/{id}")).await
}

/// The devices, refreshing the access token first when it expired (the refreshed session is
/// returned to be kept).
pub async fn devices(session: &Session) -> Result<(Vec<DeviceInfo>, Option<Session>), ApiError> {
    let (body, refreshed) = get_json::<DevicesBody>(session, "/api/devices").await?;
    Ok((body.devices, refreshed))
}

#[derive(Deserialize)]
struct PeopleBody {
    people: Vec<Person>,
}

/// The workspace's people, refreshing the access token first when it expired (the refreshed
/// session is returned to be kept).
pub async fn people(session: &Session) -> Result<(Vec<Person>, Option<Session>), ApiError> {
    let (body, refreshed) = get_json::<PeopleBody>(session, "/api/people").await?;
    Ok((body.people, refreshed))
}

#[derive(Serialize)]
struct DisableRequest {
    reassign_to: Option<UserId>,
}

#[derive(Deserialize)]
struct DisabledBody {
    reassigned: usize,
}

/// Disables the person `id` (admins only): every device of theirs is signed out at once, and
/// their accounts and deals go to `reassign_to` when given. Answers how many records changed
/// owner.
pub async fn disable_person(
    session: &Session,
    id: UserId,
    reassign_to: Option<UserId>,
) -> Result<(usize, Option<Session>), ApiError> {
    let path = format!("/api/people/{id}/disable");
    post_for_handover(session, &path, &DisableRequest { reassign_to }).await
}

#[derive(Serialize)]
struct HandOverRequest {
    to: UserId,
}

/// Gives the accounts and deals the person `id` holds (a person disabled earlier, say) to `to`
/// (admins only). Answers how many records changed owner.
pub async fn hand_over(
    session: &Session,
    id: UserId,
    to: UserId,
) -> Result<(usize, Option<Session>), ApiError> {
    let path = format!("/api/people/{id}/hand-over");
    post_for_handover(session, &path, &HandOverRequest { to }).await
}

#[derive(Deserialize)]
struct RealignedBody {
    moved: usize,
}

/// Moves every account into the territory its postcode falls in (admins only, after redrawing
/// the territories): how many accounts moved.
pub async fn realign_territories(session: &Session) -> Result<(usize, Option<Session>), ApiError> {
    with_fresh_token(session, |token| async move {
        let response = Request::post("/api/territories/realign")
            .header("Authorization", &format!("Bearer {token}"))
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200 => Ok(read_json::<RealignedBody>(response).await?.moved),
            status => Err(classify(status)),
        }
    })
    .await
}

/// POSTs `body` to an offboarding `path` with the access token; answers how many records
/// changed owner.
async fn post_for_handover<B: Serialize>(
    session: &Session,
    path: &str,
    body: &B,
) -> Result<(usize, Option<Session>), ApiError> {
    with_fresh_token(session, |token| async move {
        let response = Request::post(path)
            .header("Authorization", &format!("Bearer {token}"))
            .json(body)
            .map_err(|error| ApiError::Unexpected(error.to_string()))?
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200 => Ok(read_json::<DisabledBody>(response).await?.reassigned),
            // Disabled by a relay from before the handover, which answers without a body.
            204 => Ok(0),
            400 | 422 => Err(ApiError::InvalidDetails),
            status => Err(classify(status)),
        }
    })
    .await
}

#[derive(Serialize)]
struct AccessRequest<'a> {
    role: &'a str,
    territories: &'a [String],
}

/// Gives the person `id` a role and territories (admins only; never one's own role).
pub async fn set_access(
    session: &Session,
    id: UserId,
    role: &str,
    territories: &[String],
) -> Result<Option<Session>, ApiError> {
    let path = format!("/api/people/{id}/access");
    send_json(
        session,
        Request::put,
        &path,
        &AccessRequest { role, territories },
    )
    .await
}

/// A team: who leads it, who belongs, and the territories it covers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// Its name (also its key).
    pub name: String,
    /// Its managers.
    #[serde(default)]
    pub leads: Vec<UserId>,
    /// Its other members.
    #[serde(default)]
    pub members: Vec<UserId>,
    /// The territories (settings keys) it covers.
    #[serde(default)]
    pub territories: Vec<String>,
}

#[derive(Deserialize)]
struct TeamsBody {
    teams: Vec<Team>,
}

/// The workspace's teams.
pub async fn teams(session: &Session) -> Result<(Vec<Team>, Option<Session>), ApiError> {
    let (body, refreshed) = get_json::<TeamsBody>(session, "/api/teams").await?;
    Ok((body.teams, refreshed))
}

/// Creates or replaces the team named `team.name` (admins only).
pub async fn set_team(session: &Session, team: &Team) -> Result<Option<Session>, ApiError> {
    send_json(session, Request::put, "/api/teams", team).await
}

/// Sends `body` as JSON with `method` to `path` with the access token; any success is done, a
/// refused body is `InvalidDetails`.
async fn send_json<B: Serialize>(
    session: &Session,
    method: fn(&str) -> RequestBuilder,
    path: &str,
    body: &B,
) -> Result<Option<Session>, ApiError> {
    with_fresh_token(session, |token| async move {
        let response = method(path)
            .header("Authorization", &format!("Bearer {token}"))
            .json(body)
            .map_err(|error| ApiError::Unexpected(error.to_string()))?
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200..=299 => Ok(()),
            400 | 422 => Err(ApiError::InvalidDetails),
            status => Err(classify(status)),
        }
    })
    .await
    .map(|((), refreshed)| refreshed)
}

/// Removes device `id`: its session ends and it can no longer sync.
pub async fn revoke_device(session: &Session, id: &str) -> Result<Option<Session>, ApiError> {
    act(session, Request::delete, &format!("/api/devices/{id}")).await
}

/// GETs `path` with the access token and reads its JSON answer.
async fn get_json<T: for<'de> Deserialize<'de>>(
    session: &Session,
    path: &str,
) -> Result<(T, Option<Session>), ApiError> {
    with_fresh_token(session, |token| async move {
        let response = Request::get(path)
            .header("Authorization", &format!("Bearer {token}"))
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200 => read_json::<T>(response).await,
            status => Err(classify(status)),
        }
    })
    .await
}

/// Sends an action without a body (`method` is `Request::post`, `Request::delete`…) to `path`
/// with the access token; any success is done.
async fn act(
    session: &Session,
    method: fn(&str) -> RequestBuilder,
    path: &str,
) -> Result<Option<Session>, ApiError> {
    with_fresh_token(session, |token| async move {
        let response = method(path)
            .header("Authorization", &format!("Bearer {token}"))
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)?;
        match response.status() {
            200..=299 => Ok(()),
            status => Err(classify(status)),
        }
    })
    .await
    .map(|((), refreshed)| refreshed)
}

/// Runs `call` with the access token, and once more with a refreshed one if it had expired.
async fn with_fresh_token<T, F, Fut>(
    session: &Session,
    call: F,
) -> Result<(T, Option<Session>), ApiError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    match call(session.access_token.clone()).await {
        Err(ApiError::SessionEnded) => {
            let refreshed = refresh(session).await?;
            let value = call(refreshed.access_token.clone()).await?;
            Ok((value, Some(refreshed)))
        }
        other => other.map(|value| (value, None)),
    }
}

/// Ends the session on the relay (best effort: the device forgets it either way).
pub async fn sign_out(session: &Session) -> Result<(), ApiError> {
    let response = Request::post("/api/auth/logout")
        .header("Authorization", &format!("Bearer {}", session.access_token))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        204 | 200 | 401 => Ok(()),
        status => Err(classify(status)),
    }
}

/// The problem a device revoked while signed in is stopped with; the page erases the device's
/// copy of the workspace when it sees it.
pub const DEVICE_ERASED: &str = "problem-device-erased";

/// The body of a refusal: its stable code.
#[derive(Deserialize)]
struct RefusalBody {
    code: String,
}

/// A 403 answer to a signed-in device: revoked (erase), or a plain end of session.
async fn forbidden(response: Response) -> ApiError {
    match refusal_code(response).await.as_deref() {
        Some("device_revoked") => ApiError::DeviceRevoked,
        _ => ApiError::SessionEnded,
    }
}

/// The stable code of a refusal, if its body carries one.
async fn refusal_code(response: Response) -> Option<String> {
    read_json::<RefusalBody>(response)
        .await
        .ok()
        .map(|body| body.code)
}

async fn request_ticket(access_token: &str) -> Result<String, ApiError> {
    // A link that carries no packets never answers: give up in time for the engine (which waits
    // for this answer before anything else) to try again through its backoff.
    let deadline = web_sys::AbortSignal::timeout_with_u32(TICKET_DEADLINE_MS);
    let response = Request::post("/api/sync/ticket")
        .header("Authorization", &format!("Bearer {access_token}"))
        .abort_signal(Some(&deadline))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 => Ok(read_json::<TicketBody>(response).await?.ticket),
        403 => Err(forbidden(response).await),
        status => Err(classify(status)),
    }
}

async fn refresh(session: &Session) -> Result<Session, ApiError> {
    let request = Request::post("/api/auth/refresh")
        .json(&RefreshRequest {
            refresh_token: &session.refresh_token,
        })
        .map_err(|error| ApiError::Unexpected(error.to_string()))?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 => {
            let tokens: TokensBody = read_json(response).await?;
            Ok(Session {
                access_token: tokens.access_token,
                refresh_token: tokens.refresh_token,
                ..session.clone()
            })
        }
        400 => Err(ApiError::SessionEnded),
        403 => Err(forbidden(response).await),
        status => Err(classify(status)),
    }
}

async fn read_json<T: for<'de> Deserialize<'de>>(response: Response) -> Result<T, ApiError> {
    response
        .json()
        .await
        .map_err(|error| ApiError::Unexpected(error.to_string()))
}

fn classify(status: u16) -> ApiError {
    match status {
        401 | 403 => ApiError::SessionEnded,
        429 => ApiError::TooManyAttempts,
        // Proxies answer 502-504 when the relay is down: the same as no network for the rep.
        502..=504 => ApiError::Unreachable,
        status => ApiError::Unexpected(format!("HTTP {status}")),
    }
}
