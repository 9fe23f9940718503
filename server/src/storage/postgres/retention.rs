//! Retention in PostgreSQL.

use super::PostgresStorage;
use crate::storage::retention::{Forgotten, RetentionStore, KEPT_AFTER_EXPIRY};
use crate::storage::StoreFuture;

impl RetentionStore for PostgresStorage {
    fn forget_expired(&self, now: i64) -> StoreFuture<'_, Forgotten> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let ended = now.saturating_sub(KEPT_AFTER_EXPIRY);
            let credentials = transaction
                .execute(
                    "DELETE FROM credentials WHERE expires_at <= $1
                   AND (kind = 'refresh' OR session_ends_at <= $1)",
                    &[&now],
                )
                .await?;
            let spent = transaction
                .execute("DELETE FROM spent_refresh WHERE expires_at <= $1", &[&now])
                .await?;
            let revoked = transaction
                .execute(
                    "DELETE FROM revoked_credentials WHERE expires_at <= $1",
                    &[&now],
                )
                .await?;
            transaction
                .execute(
                    "DELETE FROM invitation_access WHERE digest IN (SELECT digest FROM invitations
                       WHERE accepted_at IS NULL AND expires_at <= $1)",
                    &[&ended],
                )
                .await?;
            let invitations = transaction
                .execute(
                    "DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at <= $1",
                    &[&ended],
                )
                .await?;
            let password_resets = transaction
                .execute(
                    "DELETE FROM password_resets WHERE expires_at <= $1",
                    &[&ended],
                )
                .await?;
            transaction.commit().await?;
            Ok(Forgotten {
                credentials,
                credential_memories: spent.saturating_add(revoked),
                invitations,
                password_resets,
            })
        })
    }
}
