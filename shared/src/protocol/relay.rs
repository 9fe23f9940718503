//! One connection's session on the relay, as a state machine: events in, effects out.
//!
//! It admits nothing before a valid hello, hands pushes to storage and acknowledges them only once
//! storage reports them durable, serves log pages from the device's cursor, and forwards live
//! entries without gaps or repeats: an entry past a gap triggers a page read instead.

use super::codec::DecodeError;
use super::messages::{
    BatchId, Change, ClientMessage, DeviceId, DocumentId, Entry, ErrorCode, Seq, ServerMessage,
};

/// What happened to the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelayEvent {
    /// A frame arrived and was decoded (or failed to decode).
    Received(Result<ClientMessage, DecodeError>),
    /// The ticket check of the hello finished.
    Authenticated {
        /// Whether ticket and device are valid (absent, expired, reused and revoked look alike).
        accepted: bool,
        /// The newest position of the workspace's log.
        head: Seq,
    },
    /// Storage finished a push: durable, or refused.
    Appended {
        /// The push's batch.
        batch: BatchId,
        /// The outcome.
        outcome: Result<Appended, ErrorCode>,
    },
    /// Storage read a log page.
    Page {
        /// The entries after the requested position, in order.
        entries: Vec<Entry>,
        /// Whether more follow.
        more: bool,
    },
    /// The workspace's log grew (another device's push, or this one's).
    Published(Vec<Entry>),
    /// Some publications were missed (the session fell behind): resume from the log.
    Lagged,
    /// Storage read a page of compacted snapshots.
    SnapshotPage {
        /// The snapshots, in document order.
        snapshots: Vec<super::messages::DocumentSnapshot>,
        /// The position every snapshot covers.
        epoch: Seq,
        /// The last document of the page when more follow.
        next: Option<DocumentId>,
    },
    /// Storage read a snapshot.
    SnapshotRead {
        /// The document.
        document: DocumentId,
        /// The bytes, empty when absent or not visible.
        bytes: Vec<u8>,
        /// The log position it covers.
        covers: Seq,
    },
}

/// The result of a durable append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Changes newly stored.
    pub stored: u32,
    /// Changes that were already in the log.
    pub duplicates: u32,
}

/// What the driver must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelayEffect {
    /// Send this message.
    Send(ServerMessage),
    /// Check the hello's ticket for this device, then report [`RelayEvent::Authenticated`].
    Authenticate {
        /// The ticket.
        ticket: String,
        /// The device it claims to be.
        device: DeviceId,
    },
    /// Validate and durably append these changes, then report [`RelayEvent::Appended`].
    Append {
        /// The batch.
        batch: BatchId,
        /// Its changes.
        changes: Vec<Change>,
    },
    /// Read the log page after `after`, then report [`RelayEvent::Page`].
    ReadLog {
        /// The last position the device has.
        after: Seq,
    },
    /// Read the page of snapshots after `after`, then report [`RelayEvent::SnapshotPage`].
    ReadSnapshots {
        /// The last document of the previous page.
        after: Option<DocumentId>,
    },
    /// Read a document's snapshot, then report [`RelayEvent::SnapshotRead`].
    ReadSnapshot {
        /// The document.
        document: DocumentId,
    },
    /// Close the connection (after sending what precedes this effect).
    Close,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    AwaitingHello,
    Authenticating { cursor: Seq },
    Open { sent_through: Seq, paging: bool },
    Closed,
}

/// One connection's state machine.
#[derive(Debug)]
pub struct RelaySession {
    phase: Phase,
}

impl Default for RelaySession {
    fn default() -> Self {
        Self::new()
    }
}

impl RelaySession {
    /// A session waiting for its hello.
    pub fn new() -> Self {
        Self {
            phase: Phase::AwaitingHello,
        }
    }

    /// Whether the session has closed.
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Handles one event.
    pub fn handle(&mut self, event: RelayEvent) -> Vec<RelayEffect> {
        if self.phase == Phase::Closed {
            return Vec::new();
        }
        match event {
            RelayEvent::Received(Err(error)) => {
                let code = match error {
                    DecodeError::TooLarge(_) => ErrorCode::TooLarge,
                    DecodeError::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
                    DecodeError::Truncated | DecodeError::Malformed(_) => ErrorCode::BadMessage,
                };
                self.refuse_and_close(code)
            }
            RelayEvent::Received(Ok(message)) => self.receive(message),
            RelayEvent::Authenticated { accepted, head } => match self.phase {
                Phase::Authenticating { cursor } if accepted => {
                    // A device behind the head asks for pages (or snapshots) next; until those
                    // end, live entries would only open gaps, so they wait.
                    self.phase = Phase::Open {
                        sent_through: cursor,
                        paging: head > cursor,
                    };
                    vec![RelayEffect::Send(ServerMessage::Welcome { head })]
                }
                _ => self.refuse_and_close(ErrorCode::Unauthorised),
            },
            RelayEvent::Appended { batch, outcome } => match outcome {
                Ok(appended) => vec![RelayEffect::Send(ServerMessage::Ack {
                    batch,
                    stored: appended.stored,
                    duplicates: appended.duplicates,
                })],
                // Nothing was stored; the session goes on serving reads (the device still
                // receives its colleagues' changes) and the device keeps the batch.
                Err(
                    code @ (ErrorCode::ServerBusy
                    | ErrorCode::RateLimited
                    | ErrorCode::QuotaExceeded),
                ) => {
                    vec![error(code)]
                }
                Err(code) => self.refuse_and_close(code),
            },
            RelayEvent::Page { entries, more } => self.page(entries, more),
            RelayEvent::Published(entries) => self.publish(entries),
            RelayEvent::Lagged => self.resume_from_log(),
            RelayEvent::SnapshotPage {
                snapshots,
                epoch,
                next,
            } => vec![RelayEffect::Send(ServerMessage::Snapshots {
                snapshots,
                epoch,
                next,
            })],
            RelayEvent::SnapshotRead {
                document,
                bytes,
                covers,
            } => vec![RelayEffect::Send(ServerMessage::Snapshot {
                document,
                bytes,
                covers,
            })],
        }
    }

    fn receive(&mut self, message: ClientMessage) -> Vec<RelayEffect> {
        match (self.phase, message) {
            (Phase::AwaitingHello, ClientMessage::Hello(hello)) => {
                self.phase = Phase::Authenticating {
                    cursor: hello.cursor,
                };
                vec![RelayEffect::Authenticate {
                    ticket: hello.ticket,
                    device: hello.device,
                }]
            }
            (Phase::Open { .. }, ClientMessage::Push { batch, changes }) => {
                vec![RelayEffect::Append { batch, changes }]
            }
            (Phase::Open { .. }, ClientMessage::CatchUp { after }) => {
                // The device says what it has: the page continues from there.
                self.phase = Phase::Open {
                    sent_through: after,
                    paging: true,
                };
                vec![RelayEffect::ReadLog { after }]
            }
            (Phase::Open { .. }, ClientMessage::Snapshot { document }) => {
                vec![RelayEffect::ReadSnapshot { document }]
            }
            (Phase::Open { sent_through, .. }, ClientMessage::Bootstrap { after }) => {
                self.phase = Phase::Open {
                    sent_through,
                    paging: true,
                };
                vec![RelayEffect::ReadSnapshots { after }]
            }
            (Phase::Open { .. } | Phase::Authenticating { .. }, ClientMessage::Ping { nonce }) => {
                vec![RelayEffect::Send(ServerMessage::Pong { nonce })]
            }
            _ => self.refuse_and_close(ErrorCode::OutOfOrder),
        }
    }

    fn page(&mut self, entries: Vec<Entry>, more: bool) -> Vec<RelayEffect> {
        let Phase::Open { sent_through, .. } = self.phase else {
            return Vec::new();
        };
        let entries: Vec<Entry> = entries
            .into_iter()
            .filter(|entry| entry.seq > sent_through)
            .collect();
        let sent_through = entries.last().map_or(sent_through, |entry| entry.seq);
        self.phase = Phase::Open {
            sent_through,
            paging: more,
        };
        vec![RelayEffect::Send(ServerMessage::Entries { entries, more })]
    }

    fn publish(&mut self, entries: Vec<Entry>) -> Vec<RelayEffect> {
        let Phase::Open {
            sent_through,
            paging,
        } = self.phase
        else {
            return Vec::new();
        };
        if paging {
            // The device is paging through the log; the pages will include these entries.
            return Vec::new();
        }
        let fresh: Vec<Entry> = entries
            .into_iter()
            .filter(|entry| entry.seq > sent_through)
            .collect();
        let Some(first) = fresh.first() else {
            return Vec::new();
        };
        let contiguous = first.seq.0 == sent_through.0 + 1
            && fresh
                .windows(2)
                .all(|pair| pair[1].seq.0 == pair[0].seq.0 + 1);
        if !contiguous {
            // A gap (publications reordered, or missed while busy): read the log instead.
            return self.resume_from_log();
        }
        let last = fresh.last().map_or(sent_through, |entry| entry.seq);
        self.phase = Phase::Open {
            sent_through: last,
            paging: false,
        };
        vec![RelayEffect::Send(ServerMessage::Entries {
            entries: fresh,
            more: false,
        })]
    }

    fn resume_from_log(&mut self) -> Vec<RelayEffect> {
        match self.phase {
            Phase::Open {
                sent_through,
                paging: false,
            } => {
                self.phase = Phase::Open {
                    sent_through,
                    paging: true,
                };
                vec![RelayEffect::ReadLog {
                    after: sent_through,
                }]
            }
            _ => Vec::new(),
        }
    }

    fn refuse_and_close(&mut self, code: ErrorCode) -> Vec<RelayEffect> {
        self.phase = Phase::Closed;
        vec![error(code), RelayEffect::Close]
    }
}

fn error(code: ErrorCode) -> RelayEffect {
    RelayEffect::Send(ServerMessage::Error {
        code,
        message: code.describe().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::Hello;

    fn open_session() -> RelaySession {
        let mut session = RelaySession::new();
        session.handle(RelayEvent::Received(Ok(ClientMessage::Hello(Hello {
            ticket: "t".to_owned(),
            device: DeviceId(uuid::Uuid::from_u128(1)),
            cursor: Seq(0),
        }))));
        session.handle(RelayEvent::Authenticated {
            accepted: true,
            head: Seq(0),
        });
        session
    }

    #[test]
    fn a_push_over_quota_is_refused_without_closing_the_session() {
        let mut session = open_session();
        let effects = session.handle(RelayEvent::Appended {
            batch: BatchId(3),
            outcome: Err(ErrorCode::QuotaExceeded),
        });
        assert_eq!(effects, vec![error(ErrorCode::QuotaExceeded)]);
        assert!(!session.is_closed());
        // The session still serves the device's reads.
        let effects = session.handle(RelayEvent::Received(Ok(ClientMessage::CatchUp {
            after: Seq(0),
        })));
        assert_eq!(effects, vec![RelayEffect::ReadLog { after: Seq(0) }]);
    }
}
