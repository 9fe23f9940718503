//! Accounts: who may sync. Users sign in with a password (argon2id); each sign-in registers a
//! device and gives it a short-lived access token and a refresh credential; admins invite people,
//! make password reset links ([`password_reset`]) and revoke devices. Sync tickets are issued here
//! over the authenticated HTTP API and redeemed once by a sync session's hello.
//!
//! Every secret (token, refresh credential, invitation code, password reset token, ticket) is 256
//! random bits handed out once and kept only as its SHA-256 digest. This module owns the rules
//! (lifetimes, roles, who sees which device); it knows nothing of HTTP, and leaves SQL to
//! [`crate::storage`].
//!
//! A ticket is valid for [`TICKET_LIFETIME`], for one device, usable once: redeeming consumes it
//! whatever the outcome, so a replayed or leaked ticket is worthless.
//!
//! Passwords are checked only after everything cheap: the attempt limits ([`limiter`]) and, for an
//! invitation or a reset link, the code itself; the hashing is capped ([`password::Hashing`]). A
//! refresh credential works once, and a used one is remembered until it would have expired:
//! presenting it again means two parties hold the chain, so the device loses every credential and
//! its sessions close. Each sign-in starts a session of at most [`Lifetimes::session`]; refreshing
//! never extends a credential past its end.

pub mod demo;
pub mod limiter;
pub mod password;
pub mod password_reset;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use shared::protocol::DeviceId;
use tokio::sync::broadcast;

use crate::storage::neighbours::{Neighbours, Signal};
use uuid::Uuid;

use self::limiter::{AddressKey, AttemptLimiter, AttemptLimits, Refusal, Reservation};
use self::password::{Hashing, HashingStats, NewPassword, PasswordError};
use crate::config::Config;
use crate::identity::{Principal, Role, SignInEmail, UserId, WorkspaceId};
use crate::storage::accounts::{
    AccessLookup, CredentialKind, DeviceRecord, DeviceScope, Grant, NewInvitation, NewUser,
    PendingInvitation, PersonRecord, Rotation, UserRecord,
};
use crate::storage::tickets::StoredTicket;
use crate::storage::{AccountStore, StorageError};

/// How long a sync ticket stays valid.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(30);

/// The longest name (of a person, a device or a workspace), in characters.
const MAX_NAME_CHARS: usize = 100;

/// The default absolute session lifetime: a rep may stay offline for weeks and still sync.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// How long each kind of secret works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// An access token: short, since it is checked against the database but carried everywhere.
    pub access: Duration,
    /// A refresh credential: long enough for a field trip; rotated at each use.
    pub refresh: Duration,
    /// An invitation code.
    pub invitation: Duration,
    /// A password reset link's token.
    pub password_reset: Duration,
    /// A session, from its sign-in: no credential of it outlives this, however often it refreshes.
    pub session: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            access: Duration::from_secs(15 * 60),
            refresh: Duration::from_secs(30 * 24 * 60 * 60),
            invitation: Duration::from_secs(7 * 24 * 60 * 60),
            password_reset: Duration::from_secs(72 * 60 * 60),
            session: DEFAULT_SESSION_LIFETIME,
        }
    }
}

/// Why an accounts operation failed; the first variants are answers to the caller, the last ones
/// are faults.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// Wrong password or unknown address: deliberately one answer.
    #[error("wrong email or password")]
    InvalidCredentials,
    /// Too many failed attempts for this address or from this client lately.
    #[error("too many failed attempts")]
    RateLimited,
    /// Every password hashing slot is taken: try again in a moment.
    #[error("the server is busy")]
    Busy,
    /// The device named at sign-in is revoked or another user's.
    #[error("this device may not sign in")]
    DeviceRefused,
    /// The access token was valid and has expired: refresh.
    #[error("the access token expired")]
    TokenExpired,
    /// No valid credential: sign in.
    #[error("not signed in")]
    Unauthorised,
    /// The principal's role does not allow this.
    #[error("not allowed")]
    Forbidden,
    /// An admin disabled this person: they may no longer sign in.
    #[error("this person was disabled")]
    PersonDisabled,
    /// An admin revoked this device (or disabled its person): it must erase its copy of the
    /// workspace.
    #[error("this device was revoked")]
    DeviceRevoked,
    /// Absent, or not the principal's to see: one answer.
    #[error("not found")]
    NotFound,
    /// The address already has an account.
    #[error("the address already has an account")]
    EmailTaken,
    /// The invitation code is unknown, expired or already used.
    #[error("the invitation is not valid")]
    InvitationInvalid,
    /// No password reset link has this token.
    #[error("unknown password reset link")]
    ResetLinkUnknown,
    /// The password reset link expired.
    #[error("the password reset link expired")]
    ResetLinkExpired,
    /// The password reset link was used already.
    #[error("the password reset link was used")]
    ResetLinkUsed,
    /// A newer password reset link was made for the same person.
    #[error("a newer password reset link replaced this one")]
    ResetLinkReplaced,
    /// A request field breaks a rule; the text says which, for people.
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// The store failed.
    #[error("storage failed")]
    Storage(#[from] StorageError),
    /// No random secret could be made.
    #[error("no random secret")]
    Random(#[from] RandomError),
    /// Password hashing failed.
    #[error("password hashing failed")]
    Password(#[source] PasswordError),
}

impl From<PasswordError> for AccountsError {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::Busy => Self::Busy,
            error => Self::Password(error),
        }
    }
}

impl From<Refusal> for AccountsError {
    fn from(_: Refusal) -> Self {
        Self::RateLimited
    }
}

/// The accounts service shared by HTTP routes and sync sessions.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn AccountStore>,
    lifetimes: Lifetimes,
    limiter: AttemptLimiter,
    hashing: Hashing,
    client_address_header: Option<Arc<str>>,
    /// When devices lost their credentials lately (told here or by another instance): a ticket
    /// issued before is refused. Moments older than a ticket's lifetime are forgotten.
    revocations_seen: Arc<Mutex<HashMap<DeviceId, SystemTime>>>,
    revocations: broadcast::Sender<DeviceId>,
    /// The other relay instances on the same database, told of every revocation.
    neighbours: Option<Arc<dyn Neighbours>>,
}

/// Fresh credentials of a device, to hand to it once.
#[derive(Clone, Debug)]
pub struct Tokens {
    /// The device they belong to.
    pub device: DeviceId,
    /// The bearer token for API calls.
    pub access_token: String,
    /// How long the access token works.
    pub access_lifetime: Duration,
    /// The single-use credential that gets the next pair.
    pub refresh_token: String,
    /// How long the refresh credential works.
    pub refresh_lifetime: Duration,
}

/// A signed-in device: its tokens, and who and where it is.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// Its credentials.
    pub tokens: Tokens,
    /// Its user.
    pub user: UserRecord,
}

/// The client address in-process callers sign in from.
const IN_PROCESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A sign-in request, as received.
#[derive(Clone, Debug)]
pub struct SignIn {
    /// The address, as typed.
    pub email: String,
    /// The password, as typed.
    pub password: String,
    /// What the user calls this device.
    pub device_name: String,
    /// The device's id if it signed in before.
    pub device: Option<DeviceId>,
}

/// A workspace and its first admin, to create.
#[derive(Clone, Debug)]
pub struct NewWorkspace {
    /// The workspace's name.
    pub name: String,
    /// The admin's address.
    pub admin_email: String,
    /// The admin's name.
    pub admin_name: String,
    /// The admin's password.
    pub admin_password: String,
}

/// A fresh invitation, its code to hand over once.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// The one-time code.
    pub code: String,
    /// The invitee's normalised address.
    pub email: SignInEmail,
    /// The invitee's role.
    pub role: Role,
    /// How long the code works.
    pub lifetime: Duration,
}

/// An invitation being accepted, as received.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// The code from the invitation.
    pub code: String,
    /// The new user's name.
    pub name: String,
    /// The new user's password.
    pub password: String,
    /// What the user calls this device.
    pub device_name: String,
    /// The device's id, if it already has one.
    pub device: Option<DeviceId>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Accounts")
            .field("lifetimes", &self.lifetimes)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// An accounts service over `store`, with the default lifetimes and no pending tickets.
    pub fn new(store: Arc<dyn AccountStore>) -> Self {
        let (revocations, _) = broadcast::channel(1024);
        Self {
            store,
            lifetimes: Lifetimes::default(),
            limiter: AttemptLimiter::default(),
            hashing: Hashing::default(),
            client_address_header: None,
            revocations_seen: Arc::default(),
            revocations,
            neighbours: None,
        }
    }

    /// The same service telling `neighbours` (other relay instances) of every revocation.
    #[must_use]
    pub fn with_neighbours(mut self, neighbours: Option<Arc<dyn Neighbours>>) -> Self {
        self.neighbours = neighbours;
        self
    }

    /// The same service with other lifetimes (tests use zero to expire tokens without waiting).
    #[must_use]
    pub fn with_lifetimes(mut self, lifetimes: Lifetimes) -> Self {
        self.lifetimes = lifetimes;
        self
    }

    /// The same service as `config` asks: its session lifetime, its cap on concurrent password
    /// hashes, and the header a reverse proxy names clients in.
    #[must_use]
    pub fn configured(mut self, config: &Config) -> Self {
        self.lifetimes.session =
            Duration::from_secs(config.session_lifetime_days.saturating_mul(24 * 60 * 60));
        if let Some(capacity) = config.max_password_hashes {
            // Zero would refuse every sign-in for good: one at a time is the least.
            self.hashing = Hashing::with_capacity(capacity.max(1));
        }
        self.client_address_header = config
            .client_address_header
            .as_deref()
            .map(|name| Arc::from(name.trim()));
        self
    }

    /// The request header a trusted reverse proxy writes the client's address in, if configured
    /// (read by the HTTP layer; attempt limits are kept per client address).
    pub fn client_address_header(&self) -> Option<&str> {
        self.client_address_header.as_deref()
    }

    /// The same service with other attempt budgets.
    #[must_use]
    pub fn with_attempt_limits(mut self, limits: AttemptLimits) -> Self {
        self.limiter = AttemptLimiter::new(limits);
        self
    }

    /// The same service with another password hasher (another cap on concurrent hashes).
    #[must_use]
    pub fn with_hashing(mut self, hashing: Hashing) -> Self {
        self.hashing = hashing;
        self
    }

    /// What the password hasher has done: how many hashes run, the most ever at once.
    pub fn hashing_stats(&self) -> HashingStats {
        self.hashing.stats()
    }

    /// How many addresses and clients the attempt limiter tracks.
    pub fn tracked_attempts(&self) -> usize {
        self.limiter.tracked()
    }

    /// Creates a workspace and its first admin.
    pub async fn create_workspace(
        &self,
        workspace: NewWorkspace,
    ) -> Result<WorkspaceId, AccountsError> {
        let name = display_name(
            &workspace.name,
            "a workspace name must have 1 to 100 characters",
        )?;
        let admin = self
            .new_user(
                &workspace.admin_email,
                &workspace.admin_name,
                workspace.admin_password,
                Role::Admin,
            )
            .await?;
        let id = WorkspaceId(Uuid::new_v4());
        if self
            .store
            .create_workspace(id, name, vec![admin], unix_now())
            .await?
        {
            Ok(id)
        } else {
            Err(AccountsError::EmailTaken)
        }
    }

    /// Checks a password and registers (or reuses) the device, as from this process.
    pub async fn sign_in(&self, request: SignIn) -> Result<SignedIn, AccountsError> {
        self.sign_in_from(request, IN_PROCESS).await
    }

    /// Checks a password sent from `client` and registers (or reuses) the device: its first
    /// credentials.
    ///
    /// An unknown address and a wrong password do the same work and give the same answer. The
    /// attempt is counted against the address and the client before the password is checked.
    pub async fn sign_in_from(
        &self,
        request: SignIn,
        client: IpAddr,
    ) -> Result<SignedIn, AccountsError> {
        let address =
            AddressKey::parse(&request.email).ok_or(AccountsError::InvalidInput(ADDRESS_RULE))?;
        let device_name = display_name(&request.device_name, DEVICE_NAME_RULE)?;
        let reservation = self
            .limiter
            .reserve_sign_in(address, client, Instant::now())
            .inspect_err(|refusal| tracing::debug!(%refusal, "sign-in refused"))?;
        let user = match SignInEmail::parse(&request.email) {
            Ok(email) => self.store.user_by_email(email).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().map(|user| user.password_hash.clone());
        let checked = self.hashing.verify(request.password, stored).await;
        let user = match (settle_if_busy(checked, reservation)?, user) {
            ((true, reservation), Some(user)) => {
                reservation.succeed();
                user
            }
            // Dropped, the reservation stays counted: a failure.
            _ => return Err(AccountsError::InvalidCredentials),
        };
        // Said only to whoever knows the password: the address alone tells nothing.
        if user.disabled_at.is_some() {
            return Err(AccountsError::PersonDisabled);
        }
        self.open_session(user, request.device, device_name).await
    }

    /// Trades a refresh credential for new tokens; the old credential stops working.
    ///
    /// A credential that was already traded is a replay: one holder is not the device. Every
    /// credential of the device goes, its sessions close, and the answer is
    /// [`AccountsError::Unauthorised`], like for an unknown one.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, AccountsError> {
        // The device is known only once the credential is consumed, in the same transaction
        // that stores the new grants (which do not depend on it): a placeholder until then.
        let now = unix_now();
        let (tokens, grants) = self.mint(DeviceId(Uuid::nil()), now, self.session_end(now))?;
        match self
            .store
            .rotate_refresh(digest(refresh_token), grants.to_vec(), now)
            .await?
        {
            Rotation::Rotated {
                principal,
                session_ends_at,
            } => Ok(Tokens {
                device: principal.device,
                access_lifetime: remaining(tokens.access_lifetime, now, session_ends_at),
                refresh_lifetime: remaining(tokens.refresh_lifetime, now, session_ends_at),
                ..tokens
            }),
            Rotation::Replayed(principal) => {
                tracing::warn!(
                    device = %principal.device.0,
                    user = %principal.user,
                    "a used refresh credential was presented again: the device's credentials are revoked"
                );
                self.announce_revoked(principal.device);
                Err(AccountsError::Unauthorised)
            }
            Rotation::Refused => Err(AccountsError::Unauthorised),
            Rotation::Revoked => Err(AccountsError::DeviceRevoked),
        }
    }

    /// Who an access token authenticates.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AccountsError> {
        match self.store.access(digest(access_token), unix_now()).await? {
            AccessLookup::Valid(principal) => Ok(principal),
            AccessLookup::Expired => Err(AccountsError::TokenExpired),
            AccessLookup::Unknown => Err(AccountsError::Unauthorised),
            AccessLookup::Revoked => Err(AccountsError::DeviceRevoked),
        }
    }

    /// Signs the device out: every credential it holds stops working (it may sign in again).
    pub async fn sign_out(&self, principal: Principal) -> Result<(), AccountsError> {
        Ok(self.store.forget_credentials(principal.device).await?)
    }

    /// The devices `principal` may see: its user's, or the whole workspace's for an admin.
    pub async fn devices(&self, principal: Principal) -> Result<Vec<DeviceRecord>, AccountsError> {
        Ok(self.store.devices(scope(principal)).await?)
    }

    /// Revokes a device `principal` may see: its credentials go, its sessions close, and it can
    /// neither refresh, sign in again as itself, nor redeem a ticket. Anything else is
    /// [`AccountsError::NotFound`], whether it exists or not.
    pub async fn revoke(
        &self,
        principal: Principal,
        device: DeviceId,
    ) -> Result<(), AccountsError> {
        if !self
            .store
            .revoke_device(scope(principal), device, unix_now())
            .await?
        {
            return Err(AccountsError::NotFound);
        }
        tracing::info!(device = %device.0, by = %principal.user, "device revoked");
        self.announce_revoked(device);
        Ok(())
    }

    /// The people of `principal`'s workspace (the directory every member's devices keep).
    pub async fn people(&self, principal: Principal) -> Result<Vec<PersonRecord>, AccountsError> {
        Ok(self.store.people(principal.workspace).await?)
    }

    /// Disables the person `user` (admins only, and not themselves): every device of theirs is
    /// revoked at once, their open sessions close, and sign-in, refresh and tickets are refused
    /// from then on. A person of another workspace (or none) is [`AccountsError::NotFound`].
    pub async fn disable_person(
        &self,
        principal: Principal,
        user: UserId,
    ) -> Result<(), AccountsError> {
        if principal.role != Role::Admin {
            return Err(AccountsError::Forbidden);
        }
        if user == principal.user {
            return Err(AccountsError::InvalidInput(SELF_DISABLE_RULE));
        }
        let devices = self
            .store
            .disable_person(principal.workspace, user, unix_now())
            .await?
            .ok_or(AccountsError::NotFound)?;
        tracing::info!(%user, by = %principal.user, devices = devices.len(), "person disabled");
        for device in devices {
            self.announce_revoked(device);
        }
        Ok(())
    }

    /// Issues a sync ticket to an authenticated device, noting that the device is in use.
    pub async fn issue_sync_ticket(&self, principal: Principal) -> Result<String, AccountsError> {
        self.store
            .touch_device(principal.device, unix_now())
            .await?;
        self.issue_ticket(principal, SystemTime::now()).await
    }

    /// Invites `email` into the admin's workspace: a one-time code to pass on.
    pub async fn invite(
        &self,
        principal: Principal,
        email: &str,
        role: Role,
    ) -> Result<Invitation, AccountsError> {
        if principal.role != Role::Admin {
            return Err(AccountsError::Forbidden);
        }
        let email = SignInEmail::parse(email)
            .map_err(|_| AccountsError::InvalidInput("not an email address"))?;
        if self.store.email_taken(email.clone()).await? {
            return Err(AccountsError::EmailTaken);
        }
        let code = random_secret()?;
        self.store
            .create_invitation(NewInvitation {
                digest: digest(&code),
                workspace: principal.workspace,
                email: email.clone(),
                role,
                invited_by: principal.user,
                expires_at: expiry(unix_now(), self.lifetimes.invitation),
            })
            .await?;
        Ok(Invitation {
            code,
            email,
            role,
            lifetime: self.lifetimes.invitation,
        })
    }

    /// The admin's workspace's invitations still waiting to be accepted.
    pub async fn pending_invitations(
        &self,
        principal: Principal,
    ) -> Result<Vec<PendingInvitation>, AccountsError> {
        if principal.role != Role::Admin {
            return Err(AccountsError::Forbidden);
        }
        Ok(self
            .store
            .pending_invitations(principal.workspace, unix_now())
            .await?)
    }

    /// Cancels a pending invitation of the admin's workspace (its code stops working); another
    /// workspace's, an accepted or an unknown one is [`AccountsError::NotFound`].
    pub async fn cancel_invitation(
        &self,
        principal: Principal,
        invitation: [u8; 32],
    ) -> Result<(), AccountsError> {
        if principal.role != Role::Admin {
            return Err(AccountsError::Forbidden);
        }
        if !self
            .store
            .cancel_invitation(principal.workspace, invitation)
            .await?
        {
            return Err(AccountsError::NotFound);
        }
        tracing::info!(by = %principal.user, "invitation cancelled");
        Ok(())
    }

    /// Accepts an invitation, as from this process.
    pub async fn accept(&self, acceptance: Acceptance) -> Result<SignedIn, AccountsError> {
        self.accept_from(acceptance, IN_PROCESS).await
    }

    /// Accepts an invitation sent from `client`: creates the user in the inviter's workspace and
    /// signs them in. The code is checked before the password is hashed, and a client that tries
    /// too many wrong codes is refused.
    pub async fn accept_from(
        &self,
        acceptance: Acceptance,
        client: IpAddr,
    ) -> Result<SignedIn, AccountsError> {
        let name = display_name(&acceptance.name, PERSON_NAME_RULE)?;
        let device_name = display_name(&acceptance.device_name, DEVICE_NAME_RULE)?;
        let password = new_password(acceptance.password)?;
        let reservation = self
            .limiter
            .reserve_invitation(client, Instant::now())
            .inspect_err(|refusal| tracing::debug!(%refusal, "invitation accept refused"))?;
        let code = digest(&acceptance.code);
        if !self.store.invitation_open(code, unix_now()).await? {
            return Err(AccountsError::InvitationInvalid);
        }
        let hashed = self.hashing.hash(password).await;
        let (password, reservation) = settle_if_busy(hashed, reservation)?;
        let user = self
            .store
            .accept_invitation(code, UserId(Uuid::new_v4()), name, password, unix_now())
            .await?
            .ok_or(AccountsError::InvitationInvalid)?;
        reservation.succeed();
        self.open_session(user, acceptance.device, device_name)
            .await
    }

    /// Registers the device of a user who just proved who they are, and gives it credentials.
    async fn open_session(
        &self,
        user: UserRecord,
        device: Option<DeviceId>,
        device_name: String,
    ) -> Result<SignedIn, AccountsError> {
        let device = self
            .store
            .register_device(user.id, device, device_name, unix_now())
            .await?
            .ok_or(AccountsError::DeviceRefused)?;
        let now = unix_now();
        let (tokens, grants) = self.mint(device, now, self.session_end(now))?;
        self.store.grant(device, grants.to_vec(), now).await?;
        Ok(SignedIn { tokens, user })
    }

    /// When a session starting at `now` ends.
    fn session_end(&self, now: i64) -> i64 {
        expiry(now, self.lifetimes.session)
    }

    /// A new access token and refresh credential for `device` at `now`, neither outliving
    /// `session_ends_at`, and what to store of them.
    fn mint(
        &self,
        device: DeviceId,
        now: i64,
        session_ends_at: i64,
    ) -> Result<(Tokens, [Grant; 2]), AccountsError> {
        let tokens = Tokens {
            device,
            access_token: random_secret()?,
            access_lifetime: remaining(self.lifetimes.access, now, session_ends_at),
            refresh_token: random_secret()?,
            refresh_lifetime: remaining(self.lifetimes.refresh, now, session_ends_at),
        };
        let grants = [
            Grant {
                digest: digest(&tokens.access_token),
                kind: CredentialKind::Access,
                expires_at: expiry(now, tokens.access_lifetime),
                session_ends_at,
            },
            Grant {
                digest: digest(&tokens.refresh_token),
                kind: CredentialKind::Refresh,
                expires_at: expiry(now, tokens.refresh_lifetime),
                session_ends_at,
            },
        ];
        Ok((tokens, grants))
    }

    /// A user to create, its fields checked and its password hashed.
    async fn new_user(
        &self,
        email: &str,
        name: &str,
        password: String,
        role: Role,
    ) -> Result<NewUser, AccountsError> {
        let email = SignInEmail::parse(email)
            .map_err(|_| AccountsError::InvalidInput("not an email address"))?;
        let name = display_name(name, PERSON_NAME_RULE)?;
        Ok(NewUser {
            id: UserId(Uuid::new_v4()),
            email,
            name,
            role,
            password_hash: self.hashing.hash(new_password(password)?).await?,
        })
    }

    /// Issues a single-use sync ticket for an authenticated device, kept in the database so that
    /// any relay instance on it accepts the ticket.
    pub async fn issue_ticket(
        &self,
        principal: Principal,
        now: SystemTime,
    ) -> Result<String, AccountsError> {
        let secret = random_secret()?;
        let ticket = StoredTicket {
            principal,
            issued_at: unix_millis(now),
        };
        self.store
            .store_ticket(digest(&secret), ticket, ticket_lifetime_ms())
            .await?;
        Ok(secret)
    }

    /// Consumes `ticket`: the principal it was issued to, if it is known, unexpired, issued to
    /// `device`, and that device was not revoked since. Every refusal looks the same to the
    /// caller (`None`); an error is storage failing.
    pub async fn redeem_ticket(
        &self,
        ticket: &str,
        device: DeviceId,
        now: SystemTime,
    ) -> Result<Option<Principal>, AccountsError> {
        let Some(stored) = self.store.take_ticket(digest(ticket)).await? else {
            return Ok(None);
        };
        let age = unix_millis(now).saturating_sub(stored.issued_at);
        let fresh = (0..ticket_lifetime_ms()).contains(&age);
        let live = self
            .lock_revocations()
            .get(&device)
            .is_none_or(|revoked_at| stored.issued_at > unix_millis(*revoked_at));
        Ok((fresh && live && stored.principal.device == device).then_some(stored.principal))
    }

    /// Announces that `device` lost its credentials (revoked, or a replayed refresh credential):
    /// its open sync sessions close and the tickets it was issued until now are refused, here
    /// and on the other relay instances.
    pub fn announce_revoked(&self, device: DeviceId) {
        self.revoked_elsewhere(device);
        if let Some(neighbours) = &self.neighbours {
            neighbours.tell(Signal::Revoked { device });
        }
    }

    /// Takes note that `device` lost its credentials (another instance said so): its sessions
    /// here close and the tickets this instance issued it until now are refused.
    pub fn revoked_elsewhere(&self, device: DeviceId) {
        let now = SystemTime::now();
        let mut revocations = self.lock_revocations();
        // A moment older than a ticket's lifetime can refuse no pending ticket.
        revocations.retain(|_, revoked_at| {
            now.duration_since(*revoked_at)
                .is_ok_and(|age| age <= TICKET_LIFETIME)
                || *revoked_at > now
        });
        revocations.insert(device, now);
        drop(revocations);
        // No receiver simply means no session is open.
        let _receivers = self.revocations.send(device);
    }

    /// Revocation announcements, for sync sessions to watch.
    pub fn revocations(&self) -> broadcast::Receiver<DeviceId> {
        self.revocations.subscribe()
    }

    fn lock_revocations(&self) -> std::sync::MutexGuard<'_, HashMap<DeviceId, SystemTime>> {
        // The map stays consistent even if a holder panicked: every update is a single call.
        self.revocations_seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

const PERSON_NAME_RULE: &str = "a name must have 1 to 100 characters";
const SELF_DISABLE_RULE: &str = "an admin cannot disable themselves";
const DEVICE_NAME_RULE: &str = "a device name must have 1 to 100 characters";
const ADDRESS_RULE: &str = "an email address has at most 254 characters";

/// The outcome of a password check or hash, and the attempt's reservation: given back when the
/// hasher was too busy to check anything (the attempt told nothing).
fn settle_if_busy<T>(
    outcome: Result<T, PasswordError>,
    reservation: Reservation,
) -> Result<(T, Reservation), AccountsError> {
    match outcome {
        Ok(value) => Ok((value, reservation)),
        Err(PasswordError::Busy) => {
            reservation.release();
            Err(AccountsError::Busy)
        }
        Err(error) => Err(error.into()),
    }
}

/// `lifetime` from `now`, cut short at `end` (Unix seconds).
fn remaining(lifetime: Duration, now: i64, end: i64) -> Duration {
    let left = u64::try_from(end.saturating_sub(now)).unwrap_or(0);
    lifetime.min(Duration::from_secs(left))
}

/// Which devices `principal` may see and revoke.
fn scope(principal: Principal) -> DeviceScope {
    DeviceScope {
        workspace: principal.workspace,
        user: (principal.role != Role::Admin).then_some(principal.user),
    }
}

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
fn display_name(text: &str, rule: &'static str) -> Result<String, AccountsError> {
    let name = text.trim();
    let length = name.chars().count();
    (1..=MAX_NAME_CHARS)
        .contains(&length)
        .then(|| name.to_owned())
        .ok_or(AccountsError::InvalidInput(rule))
}

fn new_password(text: String) -> Result<NewPassword, AccountsError> {
    NewPassword::parse(text)
        .map_err(|_| AccountsError::InvalidInput("a password must have 8 to 1024 characters"))
}

/// A ticket's lifetime in milliseconds.
fn ticket_lifetime_ms() -> i64 {
    i64::try_from(TICKET_LIFETIME.as_millis()).unwrap_or(i64::MAX)
}

/// `moment` in Unix milliseconds (0 before 1970).
fn unix_millis(moment: SystemTime) -> i64 {
    let since_epoch = moment.duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// Unix seconds now.
fn unix_now() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

/// `now` plus `lifetime`, in Unix seconds.
fn expiry(now: i64, lifetime: Duration) -> i64 {
    now.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX))
}

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
#[error("the system's random source failed: {0}")]
pub struct RandomError(getrandom::Error);

/// A random 256-bit secret as 64 hex digits.
pub fn random_secret() -> Result<String, RandomError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(RandomError)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The SHA-256 digest under which a secret is stored (never the secret itself).
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Role, UserId, WorkspaceId};
    use crate::storage::sqlite::SqliteStorage;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// An accounts service over a fresh database, and the folder to keep alive meanwhile.
    async fn accounts() -> Result<(Accounts, tempfile::TempDir), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(directory.path()).await?;
        Ok((Accounts::new(Arc::new(storage)), directory))
    }

    fn principal(device: u128) -> Principal {
        Principal {
            workspace: WorkspaceId(Uuid::from_u128(1)),
            user: UserId(Uuid::from_u128(2)),
            role: Role::Rep,
            device: DeviceId(Uuid::from_u128(device)),
        }
    }

    #[tokio::test]
    async fn a_ticket_is_redeemed_once() -> TestResult {
        let (accounts, _directory) = accounts().await?;
        let now = SystemTime::now();
        let ticket = accounts.issue_ticket(principal(3), now).await?;
        let device = DeviceId(Uuid::from_u128(3));
        assert_eq!(
            accounts.redeem_ticket(&ticket, device, now).await?,
            Some(principal(3))
        );
        assert_eq!(accounts.redeem_ticket(&ticket, device, now).await?, None);
        Ok(())
    }

    #[tokio::test]
    async fn an_expired_ticket_is_refused() -> TestResult {
        let (accounts, _directory) = accounts().await?;
        let now = SystemTime::now();
        let ticket = accounts.issue_ticket(principal(3), now).await?;
        let later = now + TICKET_LIFETIME;
        assert_eq!(
            accounts
                .redeem_ticket(&ticket, DeviceId(Uuid::from_u128(3)), later)
                .await?,
            None
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_ticket_of_another_device_is_refused_and_burnt() -> TestResult {
        let (accounts, _directory) = accounts().await?;
        let now = SystemTime::now();
        let ticket = accounts.issue_ticket(principal(3), now).await?;
        assert_eq!(
            accounts
                .redeem_ticket(&ticket, DeviceId(Uuid::from_u128(4)), now)
                .await?,
            None
        );
        assert_eq!(
            accounts
                .redeem_ticket(&ticket, DeviceId(Uuid::from_u128(3)), now)
                .await?,
            None
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_pending_ticket_of_a_revoked_device_is_refused() -> TestResult {
        let (accounts, _directory) = accounts().await?;
        let issued = SystemTime::now() - std::time::Duration::from_millis(10);
        let ticket = accounts.issue_ticket(principal(3), issued).await?;
        let mut revocations = accounts.revocations();
        accounts.announce_revoked(DeviceId(Uuid::from_u128(3)));
        assert_eq!(revocations.recv().await?, DeviceId(Uuid::from_u128(3)));
        assert_eq!(
            accounts
                .redeem_ticket(&ticket, DeviceId(Uuid::from_u128(3)), SystemTime::now())
                .await?,
            None
        );
        Ok(())
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert!(matches!(display_name("  Rémi  ", "rule"), Ok(name) if name == "Rémi"));
        assert!(display_name("   ", "rule").is_err());
        assert!(display_name(&"é".repeat(MAX_NAME_CHARS + 1), "rule").is_err());
    }
}
