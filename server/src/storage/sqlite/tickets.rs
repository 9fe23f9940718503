//! Sync tickets in SQLite (`sync_tickets`, migration 11).

use rusqlite::{params, OptionalExtension};

use super::SqliteStorage;
use crate::storage::accounts::Digest;
use crate::storage::tickets::{StoredTicket, TicketStore, TICKETS_PER_DEVICE};
use crate::storage::StoreFuture;

impl TicketStore for SqliteStorage {
    fn store_ticket(
        &self,
        digest: Digest,
        ticket: StoredTicket,
        lifetime_ms: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let principal = ticket.principal;
            transaction.execute(
                "DELETE FROM sync_tickets WHERE issued_at <= ?1",
                [ticket.issued_at.saturating_sub(lifetime_ms)],
            )?;
            transaction.execute(
                "DELETE FROM sync_tickets WHERE device = ?1 AND digest NOT IN
                 (SELECT digest FROM sync_tickets WHERE device = ?1
                  ORDER BY issued_at DESC LIMIT ?2)",
                params![principal.device.0.to_string(), TICKETS_PER_DEVICE - 1],
            )?;
            transaction.execute(
                "INSERT INTO sync_tickets (digest, workspace, user, role, device, issued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    digest.as_slice(),
                    principal.workspace.to_string(),
                    principal.user.to_string(),
                    principal.role.as_str(),
                    principal.device.0.to_string(),
                    ticket.issued_at
                ],
            )?;
            transaction.commit()?;
            Ok(())
        }))
    }

    fn take_ticket(&self, digest: Digest) -> StoreFuture<'_, Option<StoredTicket>> {
        Box::pin(self.call(move |connection| {
            let row = connection
                .query_row(
                    "DELETE FROM sync_tickets WHERE digest = ?1
                     RETURNING workspace, user, role, device, issued_at",
                    [digest.as_slice()],
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
            row.map(|(workspace, user, role, device, issued_at)| {
                StoredTicket::from_columns(&workspace, &user, &role, &device, issued_at)
            })
            .transpose()
        }))
    }
}
