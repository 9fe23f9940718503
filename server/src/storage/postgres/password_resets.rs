//! Password reset links in PostgreSQL: the `password_resets` table. A link is stored as its
//! token's digest with its person, its expiry and what became of it (used, or cancelled by a
//! newer link). It decides nothing about lifetimes or roles: [`crate::accounts`] does.
//!
//! Making a link and using one both lock the person's row first (as disabling them does), so
//! that with several relay instances two links made together still leave only the newer one
//! working, a link is used once, and a person disabled meanwhile is noticed.

use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;

use super::accounts::{user_record, uuid, USER_COLUMNS};
use crate::identity::UserId;
use crate::storage::accounts::{Digest, NewPasswordReset, ResetCreation, ResetRefusal, UserRecord};
use crate::storage::StorageError;

/// Stores `reset` if its person belongs to its workspace and is not disabled, cancelling the
/// person's earlier unused links, in `transaction` (committed when something was stored).
pub(super) async fn create(
    transaction: Transaction<'_>,
    reset: NewPasswordReset,
    now: i64,
) -> Result<ResetCreation, StorageError> {
    let person = transaction
        .query_opt(
            "SELECT disabled_at FROM users WHERE id = $1 AND workspace = $2
             FOR NO KEY UPDATE",
            &[&reset.user.to_string(), &reset.workspace.to_string()],
        )
        .await?;
    let Some(person) = person else {
        return Ok(ResetCreation::NoSuchPerson);
    };
    if person.try_get::<_, Option<i64>>(0)?.is_some() {
        return Ok(ResetCreation::PersonDisabled);
    }
    transaction
        .execute(
            "UPDATE password_resets SET cancelled_at = $2
             WHERE person = $1 AND used_at IS NULL AND cancelled_at IS NULL",
            &[&reset.user.to_string(), &now],
        )
        .await?;
    transaction
        .execute(
            "INSERT INTO password_resets
                (digest, workspace, person, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &reset.digest.as_slice(),
                &reset.workspace.to_string(),
                &reset.user.to_string(),
                &reset.created_by.to_string(),
                &now,
                &reset.expires_at,
            ],
        )
        .await?;
    transaction.commit().await?;
    Ok(ResetCreation::Created)
}

/// The person whose password the link `token` may reset at `now`, or why it may not.
pub(super) async fn usable(
    client: &impl GenericClient,
    token: &Digest,
    now: i64,
) -> Result<Result<UserId, ResetRefusal>, StorageError> {
    let found = client
        .query_opt(
            "SELECT password_resets.person, password_resets.expires_at, password_resets.used_at,
                password_resets.cancelled_at, users.disabled_at
             FROM password_resets JOIN users ON users.id = password_resets.person
             WHERE password_resets.digest = $1",
            &[&token.as_slice()],
        )
        .await?;
    let Some(found) = found else {
        return Ok(Err(ResetRefusal::Unknown));
    };
    let expires_at: i64 = found.try_get(1)?;
    let used_at: Option<i64> = found.try_get(2)?;
    let cancelled_at: Option<i64> = found.try_get(3)?;
    let disabled_at: Option<i64> = found.try_get(4)?;
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
        Ok(UserId(uuid(found.try_get(0)?)?))
    })
}

/// Consumes the link `token` and gives its person `password_hash`, in `transaction`: the person,
/// or why the link cannot be used (nothing changed then).
pub(super) async fn consume(
    transaction: Transaction<'_>,
    token: &Digest,
    password_hash: &str,
    now: i64,
) -> Result<Result<UserRecord, ResetRefusal>, StorageError> {
    // A link never changes person: reading it without a lock is safe. Its person is locked
    // before the link is judged, so that an instance using, replacing or disabling meanwhile
    // has committed (and is seen) or waits.
    let Some(link) = transaction
        .query_opt(
            "SELECT person FROM password_resets WHERE digest = $1",
            &[&token.as_slice()],
        )
        .await?
    else {
        return Ok(Err(ResetRefusal::Unknown));
    };
    let person: String = link.try_get(0)?;
    transaction
        .query_opt(
            "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE",
            &[&person],
        )
        .await?;
    let user = match usable(&*transaction, token, now).await? {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let used = transaction
        .execute(
            "UPDATE password_resets SET used_at = $2 WHERE digest = $1 AND used_at IS NULL",
            &[&token.as_slice(), &now],
        )
        .await?;
    if used == 0 {
        return Ok(Err(ResetRefusal::Used));
    }
    transaction
        .execute(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[&user.to_string(), &password_hash],
        )
        .await?;
    let record = transaction
        .query_one(
            &format!("SELECT {USER_COLUMNS} WHERE users.id = $1"),
            &[&user.to_string()],
        )
        .await?;
    let record = user_record(&record)?;
    transaction.commit().await?;
    Ok(Ok(record))
}
