//! Accounts in SQLite: the `workspaces`, `users`, `devices`, `credentials` and `invitations`
//! tables, and `spent_refresh` (refresh credentials already traded, kept to detect a replay);
//! password reset links are in [`super::password_resets`]. Every multi-step operation is one
//! transaction.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use shared::protocol::DeviceId;
use uuid::Uuid;

use super::{password_resets, SqliteStorage};
use crate::identity::{Principal, SignInEmail, UserId};
use crate::storage::accounts::{
    AccessLookup, AccountStore, CredentialKind, DeviceRecord, DeviceScope, Digest, Grant,
    NewInvitation, NewPasswordReset, NewUser, PendingInvitation, PersonRecord, ResetCreation,
    ResetRefusal, Rotation, UserRecord,
};
use crate::storage::columns::{kind_text, principal};
use crate::storage::device_codes;
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

/// The columns [`user_record`] reads, from `users` joined with `workspaces`.
pub(super) const USER_COLUMNS: &str =
    "users.id, users.workspace, workspaces.name, users.email, users.name,
    users.role, users.password_hash, users.disabled_at
    FROM users JOIN workspaces ON workspaces.id = users.workspace";

impl AccountStore for SqliteStorage {
    fn pending_invitations(
        &self,
        workspace: WorkspaceId,
        now: i64,
    ) -> StoreFuture<'_, Vec<PendingInvitation>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare(
                "SELECT digest, email, role, expires_at FROM invitations
                 WHERE workspace = ?1 AND accepted_at IS NULL AND expires_at > ?2
                 ORDER BY expires_at DESC, email",
            )?;
            let rows = statement.query_map(params![workspace.to_string(), now], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (digest, email, role, expires_at) = row?;
                Ok(PendingInvitation {
                    digest: digest
                        .try_into()
                        .map_err(|_| StorageError::Corrupt("an invitation's digest"))?,
                    email,
                    role: role.parse().map_err(|_| StorageError::Corrupt("a role"))?,
                    expires_at,
                })
            })
            .collect()
        }))
    }

    fn cancel_invitation(&self, workspace: WorkspaceId, digest: Digest) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            // What the invitation would have given (teams, territories) goes with it.
            transaction.execute(
                "DELETE FROM invitation_access
                 WHERE digest = ?1 AND workspace = ?2 AND EXISTS (
                     SELECT 1 FROM invitations
                     WHERE digest = ?1 AND workspace = ?2 AND accepted_at IS NULL)",
                params![digest.as_slice(), workspace.to_string()],
            )?;
            let deleted = transaction.execute(
                "DELETE FROM invitations
                 WHERE digest = ?1 AND workspace = ?2 AND accepted_at IS NULL",
                params![digest.as_slice(), workspace.to_string()],
            )?;
            transaction.commit()?;
            Ok(deleted > 0)
        }))
    }

    fn people(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<PersonRecord>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare(
                "SELECT id, name, email, role, disabled_at FROM users
                 WHERE workspace = ?1 ORDER BY name, email",
            )?;
            let rows = statement.query_map([workspace.to_string()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, Option<i64>>(4)?,
                ))
            })?;
            rows.map(|row| {
                let (id, name, email, role, disabled_at) = row?;
                Ok(PersonRecord {
                    id: UserId(uuid(&id)?),
                    name,
                    email,
                    role: role.parse().map_err(|_| StorageError::Corrupt("a role"))?,
                    disabled_at,
                })
            })
            .collect()
        }))
    }

    fn disable_person(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        now: i64,
    ) -> StoreFuture<'_, Option<Vec<DeviceId>>> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let updated = transaction.execute(
                "UPDATE users SET disabled_at = coalesce(disabled_at, ?3)
                 WHERE id = ?1 AND workspace = ?2",
                params![user.to_string(), workspace.to_string(), now],
            )?;
            if updated == 0 {
                return Ok(None);
            }
            let devices = {
                let mut statement =
                    transaction.prepare("SELECT id FROM devices WHERE user = ?1")?;
                let ids = statement.query_map([user.to_string()], |row| row.get::<_, String>(0))?;
                ids.map(|id| Ok(DeviceId(uuid(&id?)?)))
                    .collect::<Result<Vec<DeviceId>, StorageError>>()?
            };
            transaction.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE user = ?1",
                params![user.to_string(), now],
            )?;
            for device in &devices {
                remember_revoked_credentials(&transaction, *device)?;
                forget_device_credentials(&transaction, *device)?;
            }
            transaction.commit()?;
            Ok(Some(devices))
        }))
    }

    fn create_workspace(
        &self,
        workspace: WorkspaceId,
        name: String,
        users: Vec<NewUser>,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            for user in &users {
                if email_taken(&transaction, &user.email)? {
                    return Ok(false);
                }
            }
            transaction.execute(
                "INSERT INTO workspaces (id, name, created_at) VALUES (?1, ?2, ?3)",
                params![workspace.to_string(), name, now],
            )?;
            for user in &users {
                insert_user(&transaction, workspace, user, now)?;
            }
            transaction.commit()?;
            Ok(true)
        }))
    }

    fn user_by_email(&self, email: SignInEmail) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(self.call(move |connection| {
            connection
                .query_row(
                    &format!("SELECT {USER_COLUMNS} WHERE users.email = ?1"),
                    [email.as_str()],
                    user_row,
                )
                .optional()?
                .map(user_record)
                .transpose()
        }))
    }

    fn register_device(
        &self,
        user: UserId,
        device: Option<DeviceId>,
        name: String,
        now: i64,
    ) -> StoreFuture<'_, Option<DeviceId>> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let device = device.unwrap_or_else(|| DeviceId(Uuid::new_v4()));
            let existing = transaction
                .query_row(
                    "SELECT user, revoked_at FROM devices WHERE id = ?1",
                    [device.0.to_string()],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?)),
                )
                .optional()?;
            match existing {
                Some((owner, None)) if owner == user.to_string() => {
                    transaction.execute(
                        "UPDATE devices SET name = ?2, last_seen_at = ?3 WHERE id = ?1",
                        params![device.0.to_string(), name, now],
                    )?;
                }
                Some(_) => return Ok(None),
                None => {
                    transaction.execute(
                        "INSERT INTO devices (id, user, name, created_at, last_seen_at)
                         VALUES (?1, ?2, ?3, ?4, ?4)",
                        params![device.0.to_string(), user.to_string(), name, now],
                    )?;
                }
            }
            transaction.commit()?;
            Ok(Some(device))
        }))
    }

    fn grant(&self, device: DeviceId, grants: Vec<Grant>, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            insert_grants(&transaction, device, &grants, now)?;
            transaction.commit()?;
            Ok(())
        }))
    }

    fn rotate_refresh(
        &self,
        refresh: Digest,
        grants: Vec<Grant>,
        now: i64,
    ) -> StoreFuture<'_, Rotation> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let Some((principal, expires_at, session_ends_at)) =
                live_refresh(&transaction, &refresh)?
            else {
                let Some(principal) = spent_refresh(&transaction, &refresh, now)? else {
                    if revoked_credential(&transaction, &refresh, now)? {
                        return Ok(Rotation::Revoked);
                    }
                    return Ok(Rotation::Refused);
                };
                forget_device_credentials(&transaction, principal.device)?;
                transaction.commit()?;
                return Ok(Rotation::Replayed(principal));
            };
            // Used or expired, the old credential goes: a refresh credential works once.
            transaction.execute(
                "DELETE FROM credentials WHERE digest = ?1",
                [refresh.as_slice()],
            )?;
            // A credential from before sessions had an end starts one now.
            let session_ends_at = session_ends_at.unwrap_or_else(|| {
                grants
                    .iter()
                    .map(|grant| grant.session_ends_at)
                    .min()
                    .unwrap_or(now)
            });
            if expires_at <= now || session_ends_at <= now {
                transaction.commit()?;
                return Ok(Rotation::Refused);
            }
            transaction.execute(
                "DELETE FROM spent_refresh WHERE device = ?1 AND expires_at <= ?2",
                params![principal.device.0.to_string(), now],
            )?;
            transaction.execute(
                "INSERT OR REPLACE INTO spent_refresh (digest, device, expires_at)
                 VALUES (?1, ?2, ?3)",
                params![
                    refresh.as_slice(),
                    principal.device.0.to_string(),
                    expires_at
                ],
            )?;
            let grants: Vec<Grant> = grants
                .into_iter()
                .map(|grant| Grant {
                    expires_at: grant.expires_at.min(session_ends_at),
                    session_ends_at,
                    ..grant
                })
                .collect();
            insert_grants(&transaction, principal.device, &grants, now)?;
            transaction.execute(
                "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
                params![principal.device.0.to_string(), now],
            )?;
            transaction.commit()?;
            Ok(Rotation::Rotated {
                principal,
                session_ends_at,
            })
        }))
    }

    fn access(&self, access: Digest, now: i64) -> StoreFuture<'_, AccessLookup> {
        Box::pin(self.call(move |connection| {
            Ok(
                match credential(connection, &access, CredentialKind::Access)? {
                    None if revoked_credential(connection, &access, now)? => AccessLookup::Revoked,
                    None => AccessLookup::Unknown,
                    Some((_, expires_at)) if expires_at <= now => AccessLookup::Expired,
                    Some((principal, _)) => AccessLookup::Valid(principal),
                },
            )
        }))
    }

    fn forget_credentials(&self, device: DeviceId) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            forget_device_credentials(&transaction, device)?;
            transaction.commit()?;
            Ok(())
        }))
    }

    fn touch_device(&self, device: DeviceId, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            connection.execute(
                "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
                params![device.0.to_string(), now],
            )?;
            Ok(())
        }))
    }

    fn devices(&self, scope: DeviceScope) -> StoreFuture<'_, Vec<DeviceRecord>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT devices.id, devices.name, users.id, users.name, devices.created_at,
                    devices.last_seen_at, devices.revoked_at, devices.code
                 FROM devices JOIN users ON users.id = devices.user
                 WHERE users.workspace = ?1 AND (?2 IS NULL OR users.id = ?2)
                 ORDER BY devices.created_at, devices.id",
            )?;
            let rows = statement
                .query_map(
                    params![
                        scope.workspace.to_string(),
                        scope.user.map(|user| user.to_string())
                    ],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, String>(3)?,
                            row.get::<_, i64>(4)?,
                            row.get::<_, Option<i64>>(5)?,
                            row.get::<_, Option<i64>>(6)?,
                            row.get::<_, Option<String>>(7)?,
                        ))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(
                    |(id, name, user, user_name, created_at, last_seen_at, revoked_at, code)| {
                        Ok(DeviceRecord {
                            id: DeviceId(uuid(&id)?),
                            name,
                            user: UserId(uuid(&user)?),
                            user_name,
                            created_at,
                            last_seen_at,
                            revoked_at,
                            code: code.as_deref().map(device_codes::stored).transpose()?,
                        })
                    },
                )
                .collect()
        }))
    }

    fn revoke_device(
        &self,
        scope: DeviceScope,
        device: DeviceId,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let visible: bool = transaction.query_row(
                "SELECT EXISTS (
                    SELECT 1 FROM devices JOIN users ON users.id = devices.user
                    WHERE devices.id = ?1 AND users.workspace = ?2
                        AND (?3 IS NULL OR users.id = ?3))",
                params![
                    device.0.to_string(),
                    scope.workspace.to_string(),
                    scope.user.map(|user| user.to_string())
                ],
                |row| row.get(0),
            )?;
            if !visible {
                return Ok(false);
            }
            transaction.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
                params![device.0.to_string(), now],
            )?;
            remember_revoked_credentials(&transaction, device)?;
            forget_device_credentials(&transaction, device)?;
            transaction.commit()?;
            Ok(true)
        }))
    }

    fn email_taken(&self, email: SignInEmail) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| email_taken(connection, &email)))
    }

    fn invitation_open(&self, code: Digest, now: i64) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| {
            Ok(connection.query_row(
                "SELECT EXISTS (
                    SELECT 1 FROM invitations
                    WHERE digest = ?1 AND accepted_at IS NULL AND expires_at > ?2
                        AND NOT EXISTS (SELECT 1 FROM users WHERE users.email = invitations.email))",
                params![code.as_slice(), now],
                |row| row.get(0),
            )?)
        }))
    }

    fn create_invitation(&self, invitation: NewInvitation) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            connection.execute(
                "INSERT INTO invitations (digest, workspace, email, role, invited_by, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    invitation.digest.as_slice(),
                    invitation.workspace.to_string(),
                    invitation.email.as_str(),
                    invitation.role.as_str(),
                    invitation.invited_by.to_string(),
                    invitation.expires_at
                ],
            )?;
            Ok(())
        }))
    }

    fn accept_invitation(
        &self,
        code: Digest,
        user: UserId,
        name: String,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let found = transaction
                .query_row(
                    "SELECT workspace, email, role FROM invitations
                     WHERE digest = ?1 AND accepted_at IS NULL AND expires_at > ?2",
                    params![code.as_slice(), now],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                        ))
                    },
                )
                .optional()?;
            let Some((workspace, email, role)) = found else {
                return Ok(None);
            };
            let email = SignInEmail::parse(&email)
                .map_err(|_| StorageError::Corrupt("an invitation's address"))?;
            if email_taken(&transaction, &email)? {
                return Ok(None);
            }
            let new_user = NewUser {
                id: user,
                email,
                name,
                role: role.parse().map_err(|_| StorageError::Corrupt("a role"))?,
                password_hash,
            };
            insert_user(&transaction, WorkspaceId(uuid(&workspace)?), &new_user, now)?;
            transaction.execute(
                "UPDATE invitations SET accepted_at = ?2 WHERE digest = ?1",
                params![code.as_slice(), now],
            )?;
            let record = transaction
                .query_row(
                    &format!("SELECT {USER_COLUMNS} WHERE users.id = ?1"),
                    [user.to_string()],
                    user_row,
                )
                .map_err(StorageError::from)
                .and_then(user_record)?;
            transaction.commit()?;
            Ok(Some(record))
        }))
    }

    fn create_password_reset(
        &self,
        reset: NewPasswordReset,
        now: i64,
    ) -> StoreFuture<'_, ResetCreation> {
        Box::pin(self.call(move |connection| password_resets::create(connection, reset, now)))
    }

    fn password_reset_open(
        &self,
        token: Digest,
        now: i64,
    ) -> StoreFuture<'_, Result<(), ResetRefusal>> {
        Box::pin(self.call(move |connection| {
            password_resets::usable(connection, &token, now).map(|found| found.map(|_| ()))
        }))
    }

    fn reset_password(
        &self,
        token: Digest,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Result<UserRecord, ResetRefusal>> {
        Box::pin(self.call(move |connection| {
            password_resets::consume(connection, &token, &password_hash, now)
        }))
    }
}

pub(super) type UserRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
);

pub(super) fn user_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
    ))
}

pub(super) fn user_record(
    (id, workspace, workspace_name, email, name, role, password_hash, disabled_at): UserRow,
) -> Result<UserRecord, StorageError> {
    Ok(UserRecord {
        id: UserId(uuid(&id)?),
        workspace: WorkspaceId(uuid(&workspace)?),
        workspace_name,
        email,
        name,
        role: role.parse().map_err(|_| StorageError::Corrupt("a role"))?,
        password_hash,
        disabled_at,
    })
}

fn email_taken(connection: &Connection, email: &SignInEmail) -> Result<bool, StorageError> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1)",
        [email.as_str()],
        |row| row.get(0),
    )?)
}

fn insert_user(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    user: &NewUser,
    now: i64,
) -> Result<(), StorageError> {
    transaction.execute(
        "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user.id.to_string(),
            workspace.to_string(),
            user.email.as_str(),
            user.name,
            user.role.as_str(),
            user.password_hash,
            now
        ],
    )?;
    Ok(())
}

/// Stores `grants`, first deleting the device's expired credentials so that the table holds
/// about one live pair per device however often it refreshes.
fn insert_grants(
    transaction: &Transaction<'_>,
    device: DeviceId,
    grants: &[Grant],
    now: i64,
) -> Result<(), StorageError> {
    transaction.execute(
        "DELETE FROM credentials WHERE device = ?1 AND expires_at <= ?2",
        params![device.0.to_string(), now],
    )?;
    let mut statement = transaction.prepare_cached(
        "INSERT INTO credentials (digest, kind, device, expires_at, session_ends_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for grant in grants {
        statement.execute(params![
            grant.digest.as_slice(),
            kind_text(grant.kind),
            device.0.to_string(),
            grant.expires_at,
            grant.session_ends_at
        ])?;
    }
    Ok(())
}

/// Keeps the digests of `device`'s live credentials (it is being revoked), so that presenting
/// one later is answered "revoked, erase" rather than "unknown".
fn remember_revoked_credentials(
    transaction: &Transaction<'_>,
    device: DeviceId,
) -> Result<(), StorageError> {
    transaction.execute(
        "INSERT OR IGNORE INTO revoked_credentials (digest, device, expires_at)
         SELECT digest, device, max(expires_at, coalesce(session_ends_at, expires_at))
         FROM credentials WHERE device = ?1",
        [device.0.to_string()],
    )?;
    Ok(())
}

/// Whether `digest` is a credential a revoked device held, not yet past its expiry.
fn revoked_credential(
    connection: &Connection,
    digest: &Digest,
    now: i64,
) -> Result<bool, StorageError> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM revoked_credentials WHERE digest = ?1 AND expires_at > ?2",
            params![digest.as_slice(), now],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Deletes every credential of `device`, live or spent.
fn forget_device_credentials(
    transaction: &Transaction<'_>,
    device: DeviceId,
) -> Result<(), StorageError> {
    transaction.execute(
        "DELETE FROM credentials WHERE device = ?1",
        [device.0.to_string()],
    )?;
    transaction.execute(
        "DELETE FROM spent_refresh WHERE device = ?1",
        [device.0.to_string()],
    )?;
    Ok(())
}

/// A stored refresh credential of a device that is not revoked: whose, when it expires, and when
/// its session ends (`None` for one stored before sessions had an end).
fn live_refresh(
    connection: &Connection,
    digest: &Digest,
) -> Result<Option<(Principal, i64, Option<i64>)>, StorageError> {
    let found = connection
        .query_row(
            "SELECT credentials.device, users.id, users.workspace, users.role,
                credentials.expires_at, credentials.session_ends_at
             FROM credentials
             JOIN devices ON devices.id = credentials.device
             JOIN users ON users.id = devices.user
             WHERE credentials.digest = ?1 AND credentials.kind = 'refresh'
                AND devices.revoked_at IS NULL",
            [digest.as_slice()],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, Option<i64>>(5)?,
                ))
            },
        )
        .optional()?;
    found
        .map(
            |(device, user, workspace, role, expires_at, session_ends_at)| {
                Ok((
                    principal(&device, &user, &workspace, &role)?,
                    expires_at,
                    session_ends_at,
                ))
            },
        )
        .transpose()
}

/// Whose a spent (already traded) refresh credential was, if it would still be live at `now` and
/// its device is not revoked.
fn spent_refresh(
    connection: &Connection,
    digest: &Digest,
    now: i64,
) -> Result<Option<Principal>, StorageError> {
    let found = connection
        .query_row(
            "SELECT spent_refresh.device, users.id, users.workspace, users.role
             FROM spent_refresh
             JOIN devices ON devices.id = spent_refresh.device
             JOIN users ON users.id = devices.user
             WHERE spent_refresh.digest = ?1 AND spent_refresh.expires_at > ?2
                AND devices.revoked_at IS NULL",
            params![digest.as_slice(), now],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    found
        .map(|(device, user, workspace, role)| principal(&device, &user, &workspace, &role))
        .transpose()
}

/// The principal holding a credential of `kind`, and its expiry; `None` if it is unknown or its
/// device was revoked.
fn credential(
    connection: &Connection,
    digest: &Digest,
    kind: CredentialKind,
) -> Result<Option<(Principal, i64)>, StorageError> {
    let found = connection
        .query_row(
            "SELECT credentials.device, users.id, users.workspace, users.role,
                credentials.expires_at
             FROM credentials
             JOIN devices ON devices.id = credentials.device
             JOIN users ON users.id = devices.user
             WHERE credentials.digest = ?1 AND credentials.kind = ?2
                AND devices.revoked_at IS NULL",
            params![digest.as_slice(), kind_text(kind)],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()?;
    found
        .map(|(device, user, workspace, role, expires_at)| {
            Ok((principal(&device, &user, &workspace, &role)?, expires_at))
        })
        .transpose()
}

pub(super) fn uuid(text: &str) -> Result<Uuid, StorageError> {
    Uuid::parse_str(text).map_err(|_| StorageError::Corrupt("an id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Role;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn grant(byte: u8, kind: CredentialKind, expires_at: i64) -> Grant {
        Grant {
            digest: [byte; 32],
            kind,
            expires_at,
            session_ends_at: i64::MAX,
        }
    }

    #[tokio::test]
    async fn expired_credentials_are_dropped_when_new_ones_are_granted() -> TestResult {
        let directory = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(directory.path()).await?;
        let workspace = WorkspaceId(Uuid::new_v4());
        let user = NewUser {
            id: UserId(Uuid::new_v4()),
            email: SignInEmail::parse("remi@demo.carnet.test")?,
            name: "Rémi".to_owned(),
            role: Role::Rep,
            password_hash: "not used here".to_owned(),
        };
        let user_id = user.id;
        assert!(
            storage
                .create_workspace(workspace, "Démo".to_owned(), vec![user], 0)
                .await?
        );
        let device = storage
            .register_device(user_id, None, "Téléphone".to_owned(), 0)
            .await?
            .ok_or("no device")?;
        storage
            .grant(device, vec![grant(1, CredentialKind::Access, 100)], 0)
            .await?;
        storage
            .grant(device, vec![grant(2, CredentialKind::Access, 300)], 200)
            .await?;
        assert_eq!(storage.access([1; 32], 200).await?, AccessLookup::Unknown);
        assert!(matches!(
            storage.access([2; 32], 200).await?,
            AccessLookup::Valid(principal) if principal.device == device
        ));
        assert_eq!(storage.access([2; 32], 300).await?, AccessLookup::Expired);
        Ok(())
    }

    #[tokio::test]
    async fn a_device_id_of_another_user_is_not_taken_over() -> TestResult {
        let directory = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(directory.path()).await?;
        let users: Vec<NewUser> = ["remi@demo.carnet.test", "rachida@demo.carnet.test"]
            .into_iter()
            .map(|email| {
                Ok(NewUser {
                    id: UserId(Uuid::new_v4()),
                    email: SignInEmail::parse(email)?,
                    name: email.to_owned(),
                    role: Role::Rep,
                    password_hash: "not used here".to_owned(),
                })
            })
            .collect::<Result<_, shared::values::EmailError>>()?;
        let (remi, rachida) = (users[0].id, users[1].id);
        storage
            .create_workspace(WorkspaceId(Uuid::new_v4()), "Démo".to_owned(), users, 0)
            .await?;
        let device = storage
            .register_device(remi, None, "Téléphone".to_owned(), 0)
            .await?
            .ok_or("no device")?;
        let taken = storage
            .register_device(rachida, Some(device), "Téléphone".to_owned(), 0)
            .await?;
        assert_eq!(taken, None);
        let again = storage
            .register_device(remi, Some(device), "Téléphone".to_owned(), 1)
            .await?;
        assert_eq!(again, Some(device));
        Ok(())
    }
}
