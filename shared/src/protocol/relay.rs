//! One connection's session on the relay, as a state machine: events in, effects out.
//!
//! It admits nothing before a valid hello, hands pushes to storage and acknowledges them only once
//! storage reports them durable, serves log pages from the device's cursor, and forwards live
//! entries without gaps or repeats: an entry past a gap triggers a page read instead.

use super::codec::DecodeError;
use super::messages::{
    BatchId, Change, ClientMessage, DeviceId, DocumentId, Entry, ErrorCode, Seq, ServerMessage,
};

/// Bytes of whole documents one [`ServerMessage::Granted`] carries at most (a larger single
/// document goes alone).
pub const GRANTED_BYTES: usize = 512 * 1024;

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
    /// Storage read a log page: the entries after the requested position this device may read,
    /// in order, and the position the read went through.
    Page {
        /// The entries the device may read, in order.
        entries: Vec<Entry>,
        /// The last position the read looked at (at or past the last entry; the requested
        /// position when the log holds nothing after it).
        through: Seq,
        /// Whether more follow.
        more: bool,
    },
    /// The workspace's log grew by the positions `from..=through` (another device's push, or
    /// this one's); `entries` are those of them this device may read.
    Published {
        /// The first position of the publication.
        from: Seq,
        /// Its last position.
        through: Seq,
        /// The entries the device may read, in order.
        entries: Vec<Entry>,
    },
    /// The digest of what the person may read, to send after the welcome.
    Reach {
        /// [`super::messages::holdings_digest`] of the person's scope.
        digest: [u8; 32],
    },
    /// What left and entered the person's reach since the device last heard: from its holdings,
    /// or after a change of access during the session.
    ReachChanged {
        /// Documents to purge.
        revoked: Vec<DocumentId>,
        /// Documents to send whole (one page).
        granted: Vec<super::messages::DocumentSnapshot>,
    },
    /// Storage refused a push: some of its changes touch records this person may not change.
    Forbidden {
        /// The push's batch.
        batch: BatchId,
        /// The documents refused.
        documents: Vec<DocumentId>,
    },
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
    /// Compare this page of the device's holdings with its person's reach; once `complete`,
    /// report [`RelayEvent::ReachChanged`].
    CompareHoldings {
        /// The documents of the page.
        documents: Vec<DocumentId>,
        /// Whether it is the last page.
        complete: bool,
    },
    /// Record that the device purged these documents.
    AcknowledgePurge {
        /// The documents.
        documents: Vec<DocumentId>,
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
    /// The device reads [`ServerMessage::Passed`] and [`ServerMessage::Forbidden`] (version 3).
    reads_passed: bool,
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
            reads_passed: true,
        }
    }

    /// Says which protocol version the device speaks (from its hello's frame): a device older
    /// than version 3 is never sent what it cannot read.
    pub fn speaks(&mut self, version: u16) {
        self.reads_passed = version >= 3;
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
            RelayEvent::Reach { digest } => {
                if self.reads_passed && matches!(self.phase, Phase::Open { .. }) {
                    vec![RelayEffect::Send(ServerMessage::Reach { digest })]
                } else {
                    Vec::new()
                }
            }
            RelayEvent::ReachChanged { revoked, granted } => {
                let mut effects = Vec::new();
                if !self.reads_passed {
                    // An older build neither purges nor takes documents whole.
                    return effects;
                }
                if !revoked.is_empty() {
                    effects.push(RelayEffect::Send(ServerMessage::Revoked {
                        documents: revoked,
                    }));
                }
                // Whole documents go in messages of at most `GRANTED_BYTES` of bytes each (a
                // single larger document alone), well under the message limit.
                let mut page = Vec::new();
                let mut bytes = 0;
                for snapshot in granted {
                    let size = snapshot.bytes.len();
                    if !page.is_empty() && bytes + size > GRANTED_BYTES {
                        effects.push(RelayEffect::Send(ServerMessage::Granted {
                            snapshots: std::mem::take(&mut page),
                        }));
                        bytes = 0;
                    }
                    bytes += size;
                    page.push(snapshot);
                }
                if !page.is_empty() {
                    effects.push(RelayEffect::Send(ServerMessage::Granted {
                        snapshots: page,
                    }));
                }
                effects
            }
            RelayEvent::Forbidden { batch, documents } => {
                if self.reads_passed {
                    vec![RelayEffect::Send(ServerMessage::Forbidden {
                        batch,
                        documents,
                    })]
                } else {
                    // An older build cannot set the changes aside: it is refused as before.
                    self.refuse_and_close(ErrorCode::Unauthorised)
                }
            }
            RelayEvent::Page {
                entries,
                through,
                more,
            } => self.page(entries, through, more),
            RelayEvent::Published {
                from,
                through,
                entries,
            } => self.publish(from, through, entries),
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
            (
                Phase::Open { .. },
                ClientMessage::Holding {
                    documents,
                    complete,
                },
            ) => vec![RelayEffect::CompareHoldings {
                documents,
                complete,
            }],
            (Phase::Open { .. }, ClientMessage::Purged { documents }) => {
                vec![RelayEffect::AcknowledgePurge { documents }]
            }
            (Phase::Open { .. } | Phase::Authenticating { .. }, ClientMessage::Ping { nonce }) => {
                vec![RelayEffect::Send(ServerMessage::Pong { nonce })]
            }
            _ => self.refuse_and_close(ErrorCode::OutOfOrder),
        }
    }

    fn page(&mut self, entries: Vec<Entry>, through: Seq, more: bool) -> Vec<RelayEffect> {
        let Phase::Open { sent_through, .. } = self.phase else {
            return Vec::new();
        };
        let entries: Vec<Entry> = entries
            .into_iter()
            .filter(|entry| entry.seq > sent_through)
            .collect();
        let last_sent = entries.last().map_or(sent_through, |entry| entry.seq);
        let through = through.max(last_sent);
        if !self.reads_passed {
            // An older device moves its cursor only with entries: it is never left a page
            // with nothing but `more`, which it would ask for again from the same place.
            if entries.is_empty() && more {
                self.phase = Phase::Open {
                    sent_through: through,
                    paging: true,
                };
                return vec![RelayEffect::ReadLog { after: through }];
            }
            self.phase = Phase::Open {
                sent_through: through,
                paging: more,
            };
            return vec![RelayEffect::Send(ServerMessage::Entries { entries, more })];
        }
        self.phase = Phase::Open {
            sent_through: through,
            paging: more,
        };
        let mut effects = Vec::new();
        let passed = through > last_sent;
        if !entries.is_empty() || !passed {
            effects.push(RelayEffect::Send(ServerMessage::Entries {
                entries,
                more: more && !passed,
            }));
        }
        if passed {
            effects.push(RelayEffect::Send(ServerMessage::Passed { through, more }));
        }
        effects
    }

    fn publish(&mut self, from: Seq, through: Seq, entries: Vec<Entry>) -> Vec<RelayEffect> {
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
        if through <= sent_through {
            return Vec::new();
        }
        if from.0 > sent_through.0 + 1 {
            // A gap (publications reordered, or missed while busy): read the log instead.
            return self.resume_from_log();
        }
        let fresh: Vec<Entry> = entries
            .into_iter()
            .filter(|entry| entry.seq > sent_through && entry.seq <= through)
            .collect();
        let contiguous_order = fresh.windows(2).all(|pair| pair[1].seq > pair[0].seq);
        if !contiguous_order {
            return self.resume_from_log();
        }
        self.phase = Phase::Open {
            sent_through: through,
            paging: false,
        };
        let last_sent = fresh.last().map_or(sent_through, |entry| entry.seq);
        let mut effects = Vec::new();
        if !fresh.is_empty() {
            effects.push(RelayEffect::Send(ServerMessage::Entries {
                entries: fresh,
                more: false,
            }));
        }
        if through > last_sent && self.reads_passed {
            effects.push(RelayEffect::Send(ServerMessage::Passed {
                through,
                more: false,
            }));
        }
        effects
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

    fn entry(seq: u64) -> Entry {
        Entry {
            seq: Seq(seq),
            change: Change {
                document: DocumentId(uuid::Uuid::from_u128(u128::from(seq))),
                bytes: vec![1, 2, 3],
            },
        }
    }

    #[test]
    fn a_page_filtered_for_its_reader_moves_the_cursor_past_what_it_left_out() {
        let mut session = open_session();
        let effects = session.handle(RelayEvent::Received(Ok(ClientMessage::CatchUp {
            after: Seq(0),
        })));
        assert_eq!(effects, vec![RelayEffect::ReadLog { after: Seq(0) }]);
        let effects = session.handle(RelayEvent::Page {
            entries: vec![entry(2)],
            through: Seq(5),
            more: true,
        });
        assert_eq!(
            effects,
            vec![
                RelayEffect::Send(ServerMessage::Entries {
                    entries: vec![entry(2)],
                    more: false,
                }),
                RelayEffect::Send(ServerMessage::Passed {
                    through: Seq(5),
                    more: true,
                }),
            ]
        );
        // A page with nothing for the reader is a pass alone.
        let _ask = session.handle(RelayEvent::Received(Ok(ClientMessage::CatchUp {
            after: Seq(5),
        })));
        let effects = session.handle(RelayEvent::Page {
            entries: Vec::new(),
            through: Seq(9),
            more: false,
        });
        assert_eq!(
            effects,
            vec![RelayEffect::Send(ServerMessage::Passed {
                through: Seq(9),
                more: false,
            })]
        );
    }

    #[test]
    fn a_live_publication_sends_only_what_the_reader_may_read_and_passes_the_rest() {
        let mut session = open_session();
        let effects = session.handle(RelayEvent::Published {
            from: Seq(1),
            through: Seq(3),
            entries: vec![entry(2)],
        });
        assert_eq!(
            effects,
            vec![
                RelayEffect::Send(ServerMessage::Entries {
                    entries: vec![entry(2)],
                    more: false,
                }),
                RelayEffect::Send(ServerMessage::Passed {
                    through: Seq(3),
                    more: false,
                }),
            ]
        );
        // The next publication follows on without a gap, though nothing of it was readable.
        let effects = session.handle(RelayEvent::Published {
            from: Seq(4),
            through: Seq(4),
            entries: Vec::new(),
        });
        assert_eq!(
            effects,
            vec![RelayEffect::Send(ServerMessage::Passed {
                through: Seq(4),
                more: false,
            })]
        );
        // A publication past a gap makes the session read the log instead.
        let effects = session.handle(RelayEvent::Published {
            from: Seq(7),
            through: Seq(7),
            entries: vec![entry(7)],
        });
        assert_eq!(effects, vec![RelayEffect::ReadLog { after: Seq(4) }]);
    }

    #[test]
    fn an_older_device_is_never_sent_a_pass_nor_left_with_an_empty_page_to_ask_again() {
        let mut session = RelaySession::new();
        session.speaks(2);
        session.handle(RelayEvent::Received(Ok(ClientMessage::Hello(Hello {
            ticket: "t".to_owned(),
            device: DeviceId(uuid::Uuid::from_u128(1)),
            cursor: Seq(0),
        }))));
        session.handle(RelayEvent::Authenticated {
            accepted: true,
            head: Seq(9),
        });
        let effects = session.handle(RelayEvent::Page {
            entries: Vec::new(),
            through: Seq(5),
            more: true,
        });
        assert_eq!(effects, vec![RelayEffect::ReadLog { after: Seq(5) }]);
        let effects = session.handle(RelayEvent::Page {
            entries: vec![entry(7)],
            through: Seq(9),
            more: false,
        });
        assert_eq!(
            effects,
            vec![RelayEffect::Send(ServerMessage::Entries {
                entries: vec![entry(7)],
                more: false,
            })]
        );
        // A refusal it cannot read closes the session as unauthorised.
        let effects = session.handle(RelayEvent::Forbidden {
            batch: BatchId(1),
            documents: vec![DocumentId(uuid::Uuid::from_u128(3))],
        });
        assert_eq!(
            effects,
            vec![error(ErrorCode::Unauthorised), RelayEffect::Close]
        );
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
