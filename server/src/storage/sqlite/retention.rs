//! Retention in SQLite.

use super::SqliteStorage;
use crate::storage::retention::{Forgotten, RetentionStore, KEPT_AFTER_EXPIRY};
use crate::storage::StoreFuture;

impl RetentionStore for SqliteStorage {
    fn forget_expired(&self, now: i64) -> StoreFuture<'_, Forgotten> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let ended = now.saturating_sub(KEPT_AFTER_EXPIRY);
            let count = |rows: usize| u64::try_from(rows).unwrap_or(u64::MAX);
            let credentials = transaction.execute(
                "DELETE FROM credentials WHERE expires_at <= ?1
                   AND (kind = 'refresh' OR session_ends_at <= ?1)",
                [now],
            )?;
            let spent =
                transaction.execute("DELETE FROM spent_refresh WHERE expires_at <= ?1", [now])?;
            let revoked = transaction.execute(
                "DELETE FROM revoked_credentials WHERE expires_at <= ?1",
                [now],
            )?;
            transaction.execute(
                "DELETE FROM invitation_access WHERE digest IN (SELECT digest FROM invitations
                   WHERE accepted_at IS NULL AND expires_at <= ?1)",
                [ended],
            )?;
            let invitations = transaction.execute(
                "DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at <= ?1",
                [ended],
            )?;
            let password_resets = transaction.execute(
                "DELETE FROM password_resets WHERE expires_at <= ?1",
                [ended],
            )?;
            transaction.commit()?;
            Ok(Forgotten {
                credentials: count(credentials),
                credential_memories: count(spent.saturating_add(revoked)),
                invitations: count(invitations),
                password_resets: count(password_resets),
            })
        }))
    }
}
