//! Sync tickets in PostgreSQL: taken with `DELETE ... RETURNING`, so of two instances racing
//! for one ticket exactly one gets it.

use super::PostgresStorage;
use crate::storage::accounts::Digest;
use crate::storage::tickets::{StoredTicket, TicketStore, TICKETS_PER_DEVICE};
use crate::storage::StoreFuture;

impl TicketStore for PostgresStorage {
    fn store_ticket(
        &self,
        digest: Digest,
        ticket: StoredTicket,
        lifetime_ms: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let principal = ticket.principal;
            let device = principal.device.0.to_string();
            transaction
                .execute(
                    "DELETE FROM sync_tickets WHERE issued_at <= $1",
                    &[&ticket.issued_at.saturating_sub(lifetime_ms)],
                )
                .await?;
            transaction
                .execute(
                    "DELETE FROM sync_tickets WHERE device = $1 AND digest NOT IN
                     (SELECT digest FROM sync_tickets WHERE device = $1
                      ORDER BY issued_at DESC LIMIT $2)",
                    &[&device, &(TICKETS_PER_DEVICE - 1)],
                )
                .await?;
            transaction
                .execute(
                    "INSERT INTO sync_tickets (digest, workspace, person, role, device, issued_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &digest.as_slice(),
                        &principal.workspace.to_string(),
                        &principal.user.to_string(),
                        &principal.role.as_str(),
                        &device,
                        &ticket.issued_at,
                    ],
                )
                .await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn take_ticket(&self, digest: Digest) -> StoreFuture<'_, Option<StoredTicket>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "DELETE FROM sync_tickets WHERE digest = $1
                     RETURNING workspace, person, role, device, issued_at",
                    &[&digest.as_slice()],
                )
                .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let workspace: String = row.try_get(0)?;
            let person: String = row.try_get(1)?;
            let role: String = row.try_get(2)?;
            let device: String = row.try_get(3)?;
            let issued_at: i64 = row.try_get(4)?;
            StoredTicket::from_columns(&workspace, &person, &role, &device, issued_at).map(Some)
        })
    }
}
