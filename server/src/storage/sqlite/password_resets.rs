//! Password reset links in SQLite: the `password_resets` table (migration 9). A link is stored
//! as its token's digest with its person, its expiry and what became of it (used, or cancelled
//! by a newer link). It decides nothing about lifetimes or roles: [`crate::accounts`] does.

use rusqlite::{params, Connection, OptionalExtension};

use super::accounts::{user_record, user_row, uuid, USER_COLUMNS};
use crate::identity::UserId;
use crate::storage::accounts::{Digest, NewPasswordReset, ResetCreation, ResetRefusal, UserRecord};
use crate::storage::StorageError;

/// Stores `reset` if its person belongs to its workspace and is not disabled, cancelling the
/// person's earlier unused links, in one transaction.
pub(super) fn create(
    connection: &mut Connection,
    reset: NewPasswordReset,
    now: i64,
) -> Result<ResetCreation, StorageError> {
    let transaction = connection.transaction()?;
    let person = transaction
        .query_row(
            "SELECT disabled_at FROM users WHERE id = ?1 AND workspace = ?2",
            params![reset.user.to_string(), reset.workspace.to_string()],
            |row| row.get::<_, Option<i64>>(0),
        )
        .optional()?;
    match person {
        None => return Ok(ResetCreation::NoSuchPerson),
        Some(Some(_disabled_at)) => return Ok(ResetCreation::PersonDisabled),
        Some(None) => {}
    }
    transaction.execute(
        "UPDATE password_resets SET cancelled_at = ?2
         WHERE user = ?1 AND used_at IS NULL AND cancelled_at IS NULL",
        params![reset.user.to_string(), now],
    )?;
    transaction.execute(
        "INSERT INTO password_resets (digest, workspace, user, created_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            reset.digest.as_slice(),
            reset.workspace.to_string(),
            reset.user.to_string(),
            reset.created_by.to_string(),
            now,
            reset.expires_at
        ],
    )?;
    transaction.commit()?;
    Ok(ResetCreation::Created)
}

/// The person whose password the link `token` may reset at `now`, or why it may not.
pub(super) fn usable(
    connection: &Connection,
    token: &Digest,
    now: i64,
) -> Result<Result<UserId, ResetRefusal>, StorageError> {
    let found = connection
        .query_row(
            "SELECT password_resets.user, password_resets.expires_at, password_resets.used_at,
                password_resets.cancelled_at, users.disabled_at
             FROM password_resets JOIN users ON users.id = password_resets.user
             WHERE password_resets.digest = ?1",
            [token.as_slice()],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<i64>>(3)?,
                    row.get::<_, Option<i64>>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((user, expires_at, used_at, cancelled_at, disabled_at)) = found else {
        return Ok(Err(ResetRefusal::Unknown));
    };
    // Only the holder of a link that would otherwise work learns the person was disabled.
    Ok(if used_at.is_some() {
        Err(ResetRefusal::Used)
    } else if cancelled_at.is_some() {
        Err(ResetRefusal::Replaced)
    } else if expires_at <= now {
        Err(ResetRefusal::Expired)
    } else if disabled_at.is_some() {
        Err(ResetRefusal::PersonDisabled)
    } else {
        Ok(UserId(uuid(&user)?))
    })
}

/// Consumes the link `token` and gives its person `password_hash`, in one transaction: the
/// person, or why the link cannot be used (nothing changed then).
pub(super) fn consume(
    connection: &mut Connection,
    token: &Digest,
    password_hash: &str,
    now: i64,
) -> Result<Result<UserRecord, ResetRefusal>, StorageError> {
    let transaction = connection.transaction()?;
    let user = match usable(&transaction, token, now)? {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    transaction.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        params![user.to_string(), password_hash],
    )?;
    transaction.execute(
        "UPDATE password_resets SET used_at = ?2 WHERE digest = ?1",
        params![token.as_slice(), now],
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
    Ok(Ok(record))
}
