//! Password reset by a one-time link: an admin makes a link for an active person of their
//! workspace, the person opens it, chooses a new password and is signed in on that device, as
//! after accepting an invitation. It owns the rules (who may make a link, its lifetime, that it
//! works once and that a newer one cancels older ones); it knows nothing of HTTP or SQL.
//!
//! The token is 256 random bits, handed out once and stored only as its SHA-256 digest. Using it
//! is guarded like accepting an invitation: counted against the client's budget of one-time
//! codes before anything is checked, and checked before the new password is hashed.

use std::net::IpAddr;
use std::time::Instant;

use shared::protocol::DeviceId;

use super::{
    digest, display_name, expiry, new_password, random_secret, settle_if_busy, unix_now, Accounts,
    AccountsError, SignedIn, DEVICE_NAME_RULE, IN_PROCESS,
};
use crate::identity::{Principal, Role, UserId};
use crate::storage::accounts::{NewPasswordReset, ResetCreation, ResetRefusal};

/// A fresh password reset link's token, to hand over once.
#[derive(Clone, Debug)]
pub struct PasswordReset {
    /// The one-time token the link carries.
    pub token: String,
    /// When the token stops working (Unix seconds).
    pub expires_at: i64,
}

/// A password reset link being used, as received.
#[derive(Clone, Debug)]
pub struct NewPasswordRequest {
    /// The token from the link.
    pub token: String,
    /// The new password.
    pub password: String,
    /// What the person calls this device.
    pub device_name: String,
    /// The device's id, if it already has one.
    pub device: Option<DeviceId>,
}

impl From<ResetRefusal> for AccountsError {
    fn from(refusal: ResetRefusal) -> Self {
        match refusal {
            ResetRefusal::Unknown => Self::ResetLinkUnknown,
            ResetRefusal::Expired => Self::ResetLinkExpired,
            ResetRefusal::Used => Self::ResetLinkUsed,
            ResetRefusal::Replaced => Self::ResetLinkReplaced,
            ResetRefusal::PersonDisabled => Self::PersonDisabled,
        }
    }
}

impl Accounts {
    /// Makes a password reset link for `user` (admins only): their earlier unused links stop
    /// working. A person of another workspace (or none) is [`AccountsError::NotFound`]; a
    /// disabled one is [`AccountsError::PersonDisabled`].
    pub async fn create_password_reset(
        &self,
        principal: Principal,
        user: UserId,
    ) -> Result<PasswordReset, AccountsError> {
        if principal.role != Role::Admin {
            return Err(AccountsError::Forbidden);
        }
        let token = random_secret()?;
        let now = unix_now();
        let expires_at = expiry(now, self.lifetimes.password_reset);
        let reset = NewPasswordReset {
            digest: digest(&token),
            workspace: principal.workspace,
            user,
            created_by: principal.user,
            expires_at,
        };
        match self.store.create_password_reset(reset, now).await? {
            ResetCreation::Created => {
                tracing::info!(%user, by = %principal.user, "password reset link made");
                Ok(PasswordReset { token, expires_at })
            }
            ResetCreation::NoSuchPerson => Err(AccountsError::NotFound),
            ResetCreation::PersonDisabled => Err(AccountsError::PersonDisabled),
        }
    }

    /// Uses a password reset link, as from this process.
    pub async fn reset_password(
        &self,
        request: NewPasswordRequest,
    ) -> Result<SignedIn, AccountsError> {
        self.reset_password_from(request, IN_PROCESS).await
    }

    /// Uses a password reset link sent from `client`: the person's password becomes the new
    /// one, the link is spent, and this device is signed in as them. The token is checked before
    /// the password is hashed, and a client that tries too many wrong codes (of invitations and
    /// reset links alike) is refused. An unknown, expired, used or replaced link, or one of a
    /// person disabled since, changes nothing.
    ///
    /// The person's other devices stay signed in: a forgotten password is not a breach, and
    /// revoking them would erase their unsynced work. An admin who suspects one revokes it.
    pub async fn reset_password_from(
        &self,
        request: NewPasswordRequest,
        client: IpAddr,
    ) -> Result<SignedIn, AccountsError> {
        let device_name = display_name(&request.device_name, DEVICE_NAME_RULE)?;
        let password = new_password(request.password)?;
        let reservation = self
            .limiter
            .reserve_invitation(client, Instant::now())
            .inspect_err(|refusal| tracing::debug!(%refusal, "password reset refused"))?;
        let token = digest(&request.token);
        self.store.password_reset_open(token, unix_now()).await??;
        let hashed = self.hashing.hash(password).await;
        let (password_hash, reservation) = settle_if_busy(hashed, reservation)?;
        let user = self
            .store
            .reset_password(token, password_hash, unix_now())
            .await??;
        reservation.succeed();
        tracing::info!(user = %user.id, "password reset");
        self.open_session(user, request.device, device_name).await
    }
}
