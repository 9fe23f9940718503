//! Every hour (and once at start), what stopped working is deleted: expired credentials and the
//! memories of spent and revoked ones at once, invitations never accepted and password reset
//! links a month after they ended ([`crate::storage::retention`]). Idempotent, so every relay
//! instance on a shared database may run it.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::storage::retention::Forgotten;
use crate::storage::Database;

/// How often the deletion runs.
pub const RETENTION_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Runs the deletion every [`RETENTION_INTERVAL`] until `shutdown`.
pub fn spawn(
    database: Arc<dyn Database>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(RETENTION_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            match database.forget_expired(unix_now()).await {
                Ok(forgotten) if forgotten == Forgotten::default() => {}
                Ok(forgotten) => tracing::info!(
                    credentials = forgotten.credentials,
                    credential_memories = forgotten.credential_memories,
                    invitations = forgotten.invitations,
                    password_resets = forgotten.password_resets,
                    "forgot what stopped working"
                ),
                Err(error) => tracing::warn!(%error, "cannot delete what stopped working"),
            }
        }
    })
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
