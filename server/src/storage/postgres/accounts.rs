//! Accounts in PostgreSQL: the `workspaces`, `users`, `devices`, `credentials` and `invitations`
//! tables, and `spent_refresh` (refresh credentials already traded, kept to detect a replay);
//! password reset links are in [`super::password_resets`]. Every multi-step operation is one
//! transaction, as on SQLite.
//!
//! Several relay instances share the database, so what SQLite gets from its single connection is
//! made explicit here (transactions run at PostgreSQL's default, read committed):
//! - consuming something once (a refresh credential, an invitation, a reset link) is a
//!   conditional `DELETE`/`UPDATE` (or a row lock taken first): of two instances racing, the
//!   second waits for the first to commit, then finds nothing left to consume;
//! - a device's row is locked before its credentials are stored, consumed or deleted (granting,
//!   rotating, signing out, a replay, revoking, disabling its person), so that deleting them
//!   never misses credentials a concurrent transaction stores;
//! - an address is claimed by inserting with `ON CONFLICT (email) DO NOTHING`: the unique
//!   constraint, not an earlier look-up, decides who gets it.
//!
//! Rows sort as SQLite sorts them (text by code point, `COLLATE "C"`), whatever the database's
//! locale.

use shared::protocol::DeviceId;
use tokio_postgres::{GenericClient, Row, Transaction};
use uuid::Uuid;

use super::{password_resets, PostgresStorage};
use crate::identity::{Principal, SignInEmail, UserId};
use crate::storage::accounts::{
    AccessLookup, AccountStore, CredentialKind, DeviceRecord, DeviceScope, Digest, Grant,
    NewInvitation, NewPasswordReset, NewUser, PendingInvitation, PersonRecord, ResetCreation,
    ResetRefusal, Rotation, UserRecord,
};
use crate::storage::columns::{kind_text, principal, role_of as role};
use crate::storage::device_codes;
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

/// The columns [`user_record`] reads, from `users` joined with `workspaces`.
pub(super) const USER_COLUMNS: &str =
    "users.id, users.workspace, workspaces.name, users.email, users.name,
    users.role, users.password_hash, users.disabled_at
    FROM users JOIN workspaces ON workspaces.id = users.workspace";

impl AccountStore for PostgresStorage {
    fn pending_invitations(
        &self,
        workspace: WorkspaceId,
        now: i64,
    ) -> StoreFuture<'_, Vec<PendingInvitation>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    r#"SELECT digest, email, role, expires_at FROM invitations
                     WHERE workspace = $1 AND accepted_at IS NULL AND expires_at > $2
                     ORDER BY expires_at DESC, email COLLATE "C""#,
                    &[&workspace.to_string(), &now],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(PendingInvitation {
                        digest: digest(row.try_get(0)?)?,
                        email: row.try_get(1)?,
                        role: role(row.try_get(2)?)?,
                        expires_at: row.try_get(3)?,
                    })
                })
                .collect()
        })
    }

    fn cancel_invitation(&self, workspace: WorkspaceId, digest: Digest) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            // Locked first, so that it cannot be accepted between forgetting what it gives and
            // deleting it.
            let pending = transaction
                .query_opt(
                    "SELECT 1 FROM invitations
                     WHERE digest = $1 AND workspace = $2 AND accepted_at IS NULL
                     FOR UPDATE",
                    &[&digest.as_slice(), &workspace.to_string()],
                )
                .await?;
            if pending.is_none() {
                return Ok(false);
            }
            // What the invitation would have given (teams, territories) goes with it.
            transaction
                .execute(
                    "DELETE FROM invitation_access WHERE digest = $1 AND workspace = $2",
                    &[&digest.as_slice(), &workspace.to_string()],
                )
                .await?;
            let deleted = transaction
                .execute(
                    "DELETE FROM invitations
                     WHERE digest = $1 AND workspace = $2 AND accepted_at IS NULL",
                    &[&digest.as_slice(), &workspace.to_string()],
                )
                .await?;
            transaction.commit().await?;
            Ok(deleted > 0)
        })
    }

    fn people(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<PersonRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    r#"SELECT id, name, email, role, disabled_at FROM users
                     WHERE workspace = $1 ORDER BY name COLLATE "C", email COLLATE "C""#,
                    &[&workspace.to_string()],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(PersonRecord {
                        id: UserId(uuid(row.try_get(0)?)?),
                        name: row.try_get(1)?,
                        email: row.try_get(2)?,
                        role: role(row.try_get(3)?)?,
                        disabled_at: row.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    fn disable_person(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        now: i64,
    ) -> StoreFuture<'_, Option<Vec<DeviceId>>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let updated = transaction
                .execute(
                    "UPDATE users SET disabled_at = coalesce(disabled_at, $3)
                     WHERE id = $1 AND workspace = $2",
                    &[&user.to_string(), &workspace.to_string(), &now],
                )
                .await?;
            if updated == 0 {
                return Ok(None);
            }
            let rows = transaction
                .query(
                    "UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE person = $1
                     RETURNING id, created_at",
                    &[&user.to_string(), &now],
                )
                .await?;
            let mut devices = rows
                .iter()
                .map(|row| Ok((row.try_get::<_, i64>(1)?, DeviceId(uuid(row.try_get(0)?)?))))
                .collect::<Result<Vec<(i64, DeviceId)>, StorageError>>()?;
            // Oldest first, as they were registered.
            devices.sort_by_key(|(created_at, device)| (*created_at, device.0));
            let devices: Vec<DeviceId> = devices.into_iter().map(|(_, device)| device).collect();
            for device in &devices {
                remember_revoked_credentials(&transaction, *device).await?;
                forget_device_credentials(&transaction, *device).await?;
            }
            transaction.commit().await?;
            Ok(Some(devices))
        })
    }

    fn create_workspace(
        &self,
        workspace: WorkspaceId,
        name: String,
        users: Vec<NewUser>,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute(
                    "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)",
                    &[&workspace.to_string(), &name, &now],
                )
                .await?;
            for user in &users {
                if !insert_user(&transaction, workspace, user, now).await? {
                    // An address is taken: the transaction is rolled back, nothing created.
                    return Ok(false);
                }
            }
            transaction.commit().await?;
            Ok(true)
        })
    }

    fn user_by_email(&self, email: SignInEmail) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .query_opt(
                    &format!("SELECT {USER_COLUMNS} WHERE users.email = $1"),
                    &[&email.as_str()],
                )
                .await?
                .map(|row| user_record(&row))
                .transpose()
        })
    }

    fn register_device(
        &self,
        user: UserId,
        device: Option<DeviceId>,
        name: String,
        now: i64,
    ) -> StoreFuture<'_, Option<DeviceId>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let device = device.unwrap_or_else(|| DeviceId(Uuid::new_v4()));
            let inserted = transaction
                .execute(
                    "INSERT INTO devices (id, person, name, created_at, last_seen_at)
                     VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING",
                    &[&device.0.to_string(), &user.to_string(), &name, &now],
                )
                .await?;
            if inserted == 0 {
                // It exists: reused only by its own user, and only if it is not revoked.
                let reused = transaction
                    .execute(
                        "UPDATE devices SET name = $3, last_seen_at = $4
                         WHERE id = $1 AND person = $2 AND revoked_at IS NULL",
                        &[&device.0.to_string(), &user.to_string(), &name, &now],
                    )
                    .await?;
                if reused == 0 {
                    return Ok(None);
                }
            }
            transaction.commit().await?;
            Ok(Some(device))
        })
    }

    fn grant(&self, device: DeviceId, grants: Vec<Grant>, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            lock_device(&transaction, device).await?;
            insert_grants(&transaction, device, &grants, now).await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn rotate_refresh(
        &self,
        refresh: Digest,
        grants: Vec<Grant>,
        now: i64,
    ) -> StoreFuture<'_, Rotation> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            // Used or expired, a live credential is deleted here: a refresh credential works
            // once, and of two instances presenting it together only one gets it.
            let Some((principal, expires_at, session_ends_at)) =
                take_live_refresh(&transaction, &refresh).await?
            else {
                let Some(principal) = spent_refresh(&*transaction, &refresh, now).await? else {
                    return Ok(if revoked_credential(&*transaction, &refresh, now).await? {
                        Rotation::Revoked
                    } else {
                        Rotation::Refused
                    });
                };
                forget_device_credentials(&transaction, principal.device).await?;
                transaction.commit().await?;
                return Ok(Rotation::Replayed(principal));
            };
            // A credential from before sessions had an end starts one now.
            let session_ends_at = session_ends_at.unwrap_or_else(|| {
                grants
                    .iter()
                    .map(|grant| grant.session_ends_at)
                    .min()
                    .unwrap_or(now)
            });
            if expires_at <= now || session_ends_at <= now {
                transaction.commit().await?;
                return Ok(Rotation::Refused);
            }
            let device = principal.device.0.to_string();
            transaction
                .execute(
                    "DELETE FROM spent_refresh WHERE device = $1 AND expires_at <= $2",
                    &[&device, &now],
                )
                .await?;
            transaction
                .execute(
                    "INSERT INTO spent_refresh (digest, device, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (digest) DO UPDATE
                     SET device = excluded.device, expires_at = excluded.expires_at",
                    &[&refresh.as_slice(), &device, &expires_at],
                )
                .await?;
            let grants: Vec<Grant> = grants
                .into_iter()
                .map(|grant| Grant {
                    expires_at: grant.expires_at.min(session_ends_at),
                    session_ends_at,
                    ..grant
                })
                .collect();
            insert_grants(&transaction, principal.device, &grants, now).await?;
            transaction
                .execute(
                    "UPDATE devices SET last_seen_at = $2 WHERE id = $1",
                    &[&device, &now],
                )
                .await?;
            transaction.commit().await?;
            Ok(Rotation::Rotated {
                principal,
                session_ends_at,
            })
        })
    }

    fn access(&self, access: Digest, now: i64) -> StoreFuture<'_, AccessLookup> {
        Box::pin(async move {
            let client = self.client().await?;
            Ok(
                match credential(&**client, &access, CredentialKind::Access).await? {
                    None if revoked_credential(&**client, &access, now).await? => {
                        AccessLookup::Revoked
                    }
                    None => AccessLookup::Unknown,
                    Some((_, expires_at)) if expires_at <= now => AccessLookup::Expired,
                    Some((principal, _)) => AccessLookup::Valid(principal),
                },
            )
        })
    }

    fn forget_credentials(&self, device: DeviceId) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            forget_device_credentials(&transaction, device).await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn touch_device(&self, device: DeviceId, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "UPDATE devices SET last_seen_at = $2 WHERE id = $1",
                    &[&device.0.to_string(), &now],
                )
                .await?;
            Ok(())
        })
    }

    fn devices(&self, scope: DeviceScope) -> StoreFuture<'_, Vec<DeviceRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    r#"SELECT devices.id, devices.name, users.id, users.name, devices.created_at,
                        devices.last_seen_at, devices.revoked_at, devices.code
                     FROM devices JOIN users ON users.id = devices.person
                     WHERE users.workspace = $1 AND ($2::TEXT IS NULL OR users.id = $2)
                     ORDER BY devices.created_at, devices.id COLLATE "C""#,
                    &[
                        &scope.workspace.to_string(),
                        &scope.user.map(|user| user.to_string()),
                    ],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(DeviceRecord {
                        id: DeviceId(uuid(row.try_get(0)?)?),
                        name: row.try_get(1)?,
                        user: UserId(uuid(row.try_get(2)?)?),
                        user_name: row.try_get(3)?,
                        created_at: row.try_get(4)?,
                        last_seen_at: row.try_get(5)?,
                        revoked_at: row.try_get(6)?,
                        code: row
                            .try_get::<_, Option<&str>>(7)?
                            .map(device_codes::stored)
                            .transpose()?,
                    })
                })
                .collect()
        })
    }

    fn revoke_device(
        &self,
        scope: DeviceScope,
        device: DeviceId,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let revoked = transaction
                .execute(
                    "UPDATE devices SET revoked_at = coalesce(devices.revoked_at, $2)
                     FROM users
                     WHERE devices.id = $1 AND users.id = devices.person
                        AND users.workspace = $3 AND ($4::TEXT IS NULL OR users.id = $4)",
                    &[
                        &device.0.to_string(),
                        &now,
                        &scope.workspace.to_string(),
                        &scope.user.map(|user| user.to_string()),
                    ],
                )
                .await?;
            if revoked == 0 {
                return Ok(false);
            }
            remember_revoked_credentials(&transaction, device).await?;
            forget_device_credentials(&transaction, device).await?;
            transaction.commit().await?;
            Ok(true)
        })
    }

    fn email_taken(&self, email: SignInEmail) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            Ok(client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)",
                    &[&email.as_str()],
                )
                .await?
                .try_get(0)?)
        })
    }

    fn invitation_open(&self, code: Digest, now: i64) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            Ok(client
                .query_one(
                    "SELECT EXISTS (
                        SELECT 1 FROM invitations
                        WHERE digest = $1 AND accepted_at IS NULL AND expires_at > $2
                            AND NOT EXISTS (
                                SELECT 1 FROM users WHERE users.email = invitations.email))",
                    &[&code.as_slice(), &now],
                )
                .await?
                .try_get(0)?)
        })
    }

    fn create_invitation(&self, invitation: NewInvitation) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO invitations
                        (digest, workspace, email, role, invited_by, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &invitation.digest.as_slice(),
                        &invitation.workspace.to_string(),
                        &invitation.email.as_str(),
                        &invitation.role.as_str(),
                        &invitation.invited_by.to_string(),
                        &invitation.expires_at,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn accept_invitation(
        &self,
        code: Digest,
        user: UserId,
        name: String,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            // Consumed by a conditional update: an instance accepting the same code meanwhile
            // waits for this transaction, then finds it accepted (or, rolled back, still open).
            let found = transaction
                .query_opt(
                    "UPDATE invitations SET accepted_at = $2
                     WHERE digest = $1 AND accepted_at IS NULL AND expires_at > $2
                     RETURNING workspace, email, role",
                    &[&code.as_slice(), &now],
                )
                .await?;
            let Some(found) = found else {
                return Ok(None);
            };
            let email = SignInEmail::parse(found.try_get(1)?)
                .map_err(|_| StorageError::Corrupt("an invitation's address"))?;
            let new_user = NewUser {
                id: user,
                email,
                name,
                role: role(found.try_get(2)?)?,
                password_hash,
            };
            let workspace = WorkspaceId(uuid(found.try_get(0)?)?);
            if !insert_user(&transaction, workspace, &new_user, now).await? {
                // Its address was taken meanwhile: rolled back, the invitation stays pending.
                return Ok(None);
            }
            let record = transaction
                .query_one(
                    &format!("SELECT {USER_COLUMNS} WHERE users.id = $1"),
                    &[&user.to_string()],
                )
                .await?;
            let record = user_record(&record)?;
            transaction.commit().await?;
            Ok(Some(record))
        })
    }

    fn create_password_reset(
        &self,
        reset: NewPasswordReset,
        now: i64,
    ) -> StoreFuture<'_, ResetCreation> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            password_resets::create(transaction, reset, now).await
        })
    }

    fn password_reset_open(
        &self,
        token: Digest,
        now: i64,
    ) -> StoreFuture<'_, Result<(), ResetRefusal>> {
        Box::pin(async move {
            let client = self.client().await?;
            password_resets::usable(&**client, &token, now)
                .await
                .map(|found| found.map(|_| ()))
        })
    }

    fn reset_password(
        &self,
        token: Digest,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Result<UserRecord, ResetRefusal>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            password_resets::consume(transaction, &token, &password_hash, now).await
        })
    }
}

/// A user read with [`USER_COLUMNS`].
pub(super) fn user_record(row: &Row) -> Result<UserRecord, StorageError> {
    Ok(UserRecord {
        id: UserId(uuid(row.try_get(0)?)?),
        workspace: WorkspaceId(uuid(row.try_get(1)?)?),
        workspace_name: row.try_get(2)?,
        email: row.try_get(3)?,
        name: row.try_get(4)?,
        role: role(row.try_get(5)?)?,
        password_hash: row.try_get(6)?,
        disabled_at: row.try_get(7)?,
    })
}

/// Inserts `user` unless its address is taken (by a committed user, or by one a concurrent
/// transaction inserts: this then waits for it); whether it did.
async fn insert_user(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    user: &NewUser,
    now: i64,
) -> Result<bool, StorageError> {
    let inserted = transaction
        .execute(
            "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (email) DO NOTHING",
            &[
                &user.id.to_string(),
                &workspace.to_string(),
                &user.email.as_str(),
                &user.name,
                &user.role.as_str(),
                &user.password_hash,
                &now,
            ],
        )
        .await?;
    Ok(inserted > 0)
}

/// Stores `grants`, first deleting the device's expired credentials so that the table holds
/// about one live pair per device however often it refreshes.
async fn insert_grants(
    transaction: &Transaction<'_>,
    device: DeviceId,
    grants: &[Grant],
    now: i64,
) -> Result<(), StorageError> {
    let device = device.0.to_string();
    transaction
        .execute(
            "DELETE FROM credentials WHERE device = $1 AND expires_at <= $2",
            &[&device, &now],
        )
        .await?;
    let statement = transaction
        .prepare(
            "INSERT INTO credentials (digest, kind, device, expires_at, session_ends_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    for grant in grants {
        transaction
            .execute(
                &statement,
                &[
                    &grant.digest.as_slice(),
                    &kind_text(grant.kind),
                    &device,
                    &grant.expires_at,
                    &grant.session_ends_at,
                ],
            )
            .await?;
    }
    Ok(())
}

/// Keeps the digests of `device`'s live credentials (it is being revoked), so that presenting
/// one later is answered "revoked, erase" rather than "unknown".
async fn remember_revoked_credentials(
    transaction: &Transaction<'_>,
    device: DeviceId,
) -> Result<(), StorageError> {
    transaction
        .execute(
            "INSERT INTO revoked_credentials (digest, device, expires_at)
             SELECT digest, device, greatest(expires_at, coalesce(session_ends_at, expires_at))
             FROM credentials WHERE device = $1
             ON CONFLICT DO NOTHING",
            &[&device.0.to_string()],
        )
        .await?;
    Ok(())
}

/// Whether `digest` is a credential a revoked device held, not yet past its expiry.
async fn revoked_credential(
    client: &impl GenericClient,
    digest: &Digest,
    now: i64,
) -> Result<bool, StorageError> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM revoked_credentials WHERE digest = $1 AND expires_at > $2",
            &[&digest.as_slice(), &now],
        )
        .await?
        .is_some())
}

/// Locks `device`'s row until the transaction ends: whatever stores or deletes its credentials
/// takes this lock first, so that deleting them (signing out, revoking, a replay) never misses
/// credentials a concurrent transaction is storing, and the other way round.
async fn lock_device(transaction: &Transaction<'_>, device: DeviceId) -> Result<(), StorageError> {
    transaction
        .query_opt(
            "SELECT 1 FROM devices WHERE id = $1 FOR NO KEY UPDATE",
            &[&device.0.to_string()],
        )
        .await?;
    Ok(())
}

/// Deletes every credential of `device`, live or spent (its row locked first).
async fn forget_device_credentials(
    transaction: &Transaction<'_>,
    device: DeviceId,
) -> Result<(), StorageError> {
    lock_device(transaction, device).await?;
    let device = device.0.to_string();
    transaction
        .execute("DELETE FROM credentials WHERE device = $1", &[&device])
        .await?;
    transaction
        .execute("DELETE FROM spent_refresh WHERE device = $1", &[&device])
        .await?;
    Ok(())
}

/// Deletes the refresh credential `digest` if it is stored for a device that is not revoked, and
/// says whose it was, when it expires and when its session ends (`None` for one stored before
/// sessions had an end); `None`, and nothing changed, otherwise.
///
/// The device is locked first (the order revoking takes them in), then the credential is deleted
/// with a condition: of two transactions presenting it together, the second waits for the first
/// and then finds nothing to delete.
async fn take_live_refresh(
    transaction: &Transaction<'_>,
    digest: &Digest,
) -> Result<Option<(Principal, i64, Option<i64>)>, StorageError> {
    // A credential never changes device: reading its device without a lock is safe.
    let Some(holder) = transaction
        .query_opt(
            "SELECT device FROM credentials WHERE digest = $1 AND kind = 'refresh'",
            &[&digest.as_slice()],
        )
        .await?
    else {
        return Ok(None);
    };
    let device: String = holder.try_get(0)?;
    let Some(owner) = transaction
        .query_opt(
            "SELECT users.id, users.workspace, users.role
             FROM devices JOIN users ON users.id = devices.person
             WHERE devices.id = $1 AND devices.revoked_at IS NULL
             FOR NO KEY UPDATE OF devices",
            &[&device],
        )
        .await?
    else {
        return Ok(None);
    };
    let Some(taken) = transaction
        .query_opt(
            "DELETE FROM credentials
             WHERE digest = $1 AND kind = 'refresh' AND device = $2
             RETURNING expires_at, session_ends_at",
            &[&digest.as_slice(), &device],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        principal(
            &device,
            owner.try_get(0)?,
            owner.try_get(1)?,
            owner.try_get(2)?,
        )?,
        taken.try_get(0)?,
        taken.try_get(1)?,
    )))
}

/// Whose a spent (already traded) refresh credential was, if it would still be live at `now` and
/// its device is not revoked.
async fn spent_refresh(
    client: &impl GenericClient,
    digest: &Digest,
    now: i64,
) -> Result<Option<Principal>, StorageError> {
    client
        .query_opt(
            "SELECT spent_refresh.device, users.id, users.workspace, users.role
             FROM spent_refresh
             JOIN devices ON devices.id = spent_refresh.device
             JOIN users ON users.id = devices.person
             WHERE spent_refresh.digest = $1 AND spent_refresh.expires_at > $2
                AND devices.revoked_at IS NULL",
            &[&digest.as_slice(), &now],
        )
        .await?
        .map(|row| {
            principal(
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            )
        })
        .transpose()
}

/// The principal holding a credential of `kind`, and its expiry; `None` if it is unknown or its
/// device was revoked.
async fn credential(
    client: &impl GenericClient,
    digest: &Digest,
    kind: CredentialKind,
) -> Result<Option<(Principal, i64)>, StorageError> {
    client
        .query_opt(
            "SELECT credentials.device, users.id, users.workspace, users.role,
                credentials.expires_at
             FROM credentials
             JOIN devices ON devices.id = credentials.device
             JOIN users ON users.id = devices.person
             WHERE credentials.digest = $1 AND credentials.kind = $2
                AND devices.revoked_at IS NULL",
            &[&digest.as_slice(), &kind_text(kind)],
        )
        .await?
        .map(|row| {
            Ok((
                principal(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                )?,
                row.try_get(4)?,
            ))
        })
        .transpose()
}

fn digest(bytes: Vec<u8>) -> Result<Digest, StorageError> {
    bytes
        .try_into()
        .map_err(|_| StorageError::Corrupt("an invitation's digest"))
}

pub(super) fn uuid(text: &str) -> Result<Uuid, StorageError> {
    Uuid::parse_str(text).map_err(|_| StorageError::Corrupt("an id"))
}
