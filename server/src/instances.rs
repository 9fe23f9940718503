//! Keeping this relay instance in step with the others on the same database (PostgreSQL): what
//! they append wakes this instance's sessions, which re-read the log from their own cursors;
//! what they revoke closes this instance's sessions of that device. Signals are hints: after a
//! lost listening connection every open workspace is looked at again, and every
//! [`LOOK_INTERVAL`] each open workspace's head is compared with what this instance knows.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::state::AppState;
use crate::storage::neighbours::{Heard, Signal};

/// How often each open workspace's head is looked at, whatever was heard.
pub const LOOK_INTERVAL: Duration = Duration::from_secs(3);

/// Follows the other instances until shutdown; `None` when the database has none.
pub fn spawn(state: AppState) -> Option<JoinHandle<()>> {
    let neighbours = state.storage.neighbours()?;
    Some(tokio::spawn(async move {
        let shutdown = state.shutdown.clone();
        let mut heard = neighbours.listen(shutdown.clone());
        let mut look = tokio::time::interval(LOOK_INTERVAL);
        look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                heard = heard.recv() => match heard {
                    None => return,
                    Some(Heard::Signal(Signal::Logged { workspace, through, access_changed })) => {
                        state.hub.wake(workspace, through, access_changed);
                    }
                    Some(Heard::Signal(Signal::Revoked { device })) => {
                        state.accounts.revoked_elsewhere(device);
                    }
                    // Anything may have been missed, access changes included.
                    Some(Heard::Reconnected) => look_at_heads(&state, true).await,
                },
                _ = look.tick() => look_at_heads(&state, false).await,
            }
        }
    }))
}

/// Wakes every open workspace whose log grew past what this instance knows (all of them when
/// signals may have been lost), saying that access may have changed: the appends were not seen.
async fn look_at_heads(state: &AppState, everything: bool) {
    for (workspace, known) in state.hub.open_workspaces() {
        match state.log.head(workspace).await {
            Ok(head) if everything || head > known => state.hub.wake(workspace, head, true),
            Ok(_unchanged) => {}
            Err(error) => tracing::warn!(%error, %workspace, "cannot read a log's head"),
        }
    }
}
