//! What relay instances sharing one database tell each other: a workspace's log grew, a device
//! lost its credentials. A signal is only a hint, sent after the commit it follows: an instance
//! that hears it re-reads the log by position, and one that misses it (its listening connection
//! dropped) catches up on reconnection and on a periodic look at each log's head. The embedded
//! SQLite database has no other instance, so no neighbours.

use shared::protocol::{DeviceId, Seq};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::WorkspaceId;

/// What one instance tells the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The workspace's log holds entries through `through` (committed).
    Logged {
        /// The workspace.
        workspace: WorkspaceId,
        /// Its newest committed position.
        through: Seq,
        /// Whether the append changed who may read some record.
        access_changed: bool,
    },
    /// The device lost its credentials: its sessions close, its tickets are refused.
    Revoked {
        /// The device.
        device: DeviceId,
    },
}

/// What a listening instance hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another instance's signal.
    Signal(Signal),
    /// The listening connection was (re)established after being lost: signals may have been
    /// missed meanwhile, so every open workspace must be looked at again.
    Reconnected,
}

/// The other relay instances on the same database.
pub trait Neighbours: Send + Sync + std::fmt::Debug {
    /// Tells the other instances `signal` (fire and forget: a lost signal only delays).
    fn tell(&self, signal: Signal);

    /// Listens to the other instances until `shutdown`, reconnecting when the connection drops.
    fn listen(&self, shutdown: CancellationToken) -> mpsc::Receiver<Heard>;
}

/// The one-line form of a signal on the wire: `<instance> L <workspace> <through> <0|1>` or
/// `<instance> R <device>`.
pub(crate) fn encode(instance: Uuid, signal: Signal) -> String {
    match signal {
        Signal::Logged {
            workspace,
            through,
            access_changed,
        } => format!(
            "{instance} L {workspace} {} {}",
            through.0,
            u8::from(access_changed)
        ),
        Signal::Revoked { device } => format!("{instance} R {}", device.0),
    }
}

/// Reads a signal's line; `None` for a line that is not one (or is too long to be one).
pub(crate) fn decode(line: &str) -> Option<(Uuid, Signal)> {
    if line.len() > 200 {
        return None;
    }
    let mut words = line.split(' ');
    let instance = Uuid::parse_str(words.next()?).ok()?;
    let signal = match words.next()? {
        "L" => Signal::Logged {
            workspace: WorkspaceId(Uuid::parse_str(words.next()?).ok()?),
            through: Seq(words.next()?.parse().ok()?),
            access_changed: match words.next()? {
                "0" => false,
                "1" => true,
                _ => return None,
            },
        },
        "R" => Signal::Revoked {
            device: DeviceId(Uuid::parse_str(words.next()?).ok()?),
        },
        _ => return None,
    };
    words.next().is_none().then_some((instance, signal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_reads_back_as_it_was_written() {
        let instance = Uuid::from_u128(7);
        for signal in [
            Signal::Logged {
                workspace: WorkspaceId(Uuid::from_u128(1)),
                through: Seq(u64::MAX),
                access_changed: true,
            },
            Signal::Logged {
                workspace: WorkspaceId(Uuid::from_u128(2)),
                through: Seq(0),
                access_changed: false,
            },
            Signal::Revoked {
                device: DeviceId(Uuid::from_u128(3)),
            },
        ] {
            assert_eq!(decode(&encode(instance, signal)), Some((instance, signal)));
        }
    }

    #[test]
    fn a_line_that_is_not_a_signal_is_ignored() {
        let instance = Uuid::from_u128(7);
        let workspace = Uuid::from_u128(1);
        for line in [
            String::new(),
            "hello".to_owned(),
            format!("{instance} L {workspace} 12"),
            format!("{instance} L {workspace} 12 2"),
            format!("{instance} L {workspace} -1 0"),
            format!("{instance} L {workspace} 12 0 extra"),
            format!("{instance} X {workspace}"),
            format!("{instance} R not-a-uuid"),
            format!("{instance} R {workspace} {}", "x".repeat(300)),
        ] {
            assert_eq!(decode(&line), None, "{line}");
        }
    }
}
