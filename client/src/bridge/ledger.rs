//! The page's side of the bridge, as pure decisions: what a freshly started worker must be told
//! so that nothing the page handed over is lost ([`Ledger`]), when a silent worker counts as dead
//! ([`Heartbeat`]), and how long to wait before starting another ([`Restarts`]).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use super::message::{FromWorker, Ticket, ToWorker};
use crate::state::sync_status::SyncCommand;
use crate::workspace::machine::{Event, SubscriptionId};
use crate::workspace::Topic;

/// What the page has handed the worker and must hand a new one if it dies.
#[derive(Clone, Debug, PartialEq)]
pub struct Ledger {
    database: String,
    leading: bool,
    /// The page's last word on the network, for a new worker's sync engine.
    online: Option<bool>,
    subscriptions: BTreeMap<SubscriptionId, Topic>,
    /// Saves and edits not yet stored, by ticket (the page numbers them in the order sent).
    writes: BTreeMap<Ticket, ToWorker>,
}

impl Ledger {
    /// A ledger for a worker over the database called `database`.
    pub fn new(database: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            leading: false,
            online: None,
            subscriptions: BTreeMap::new(),
            writes: BTreeMap::new(),
        }
    }

    /// Notes what sending `message` commits the page to: an open subscription, a save waiting
    /// for its answer, this tab's leadership and what the page last said of the network.
    pub fn sent(&mut self, message: &ToWorker) {
        match message {
            ToWorker::Subscribe {
                subscription,
                topic,
            } => {
                self.subscriptions.insert(*subscription, *topic);
            }
            ToWorker::Unsubscribe { subscription } => {
                self.subscriptions.remove(subscription);
            }
            ToWorker::Save { ticket, .. } | ToWorker::Edit { ticket, .. } => {
                self.writes.insert(*ticket, message.clone());
            }
            ToWorker::Event(Event::Elected) => self.leading = true,
            ToWorker::Event(Event::Resigned) => self.leading = false,
            ToWorker::Sync(SyncCommand::Network { online }) => self.online = Some(*online),
            ToWorker::Open { .. }
            | ToWorker::Sync(_)
            | ToWorker::Retry
            | ToWorker::Ask { .. }
            | ToWorker::Transfer { .. }
            | ToWorker::Import(_)
            | ToWorker::Event(_)
            | ToWorker::Search { .. }
            | ToWorker::Ping(_) => {}
        }
    }

    /// Notes `message` from the worker; `false` when the page must ignore it (the answer to a
    /// save already answered: a replayed save answered by both workers).
    pub fn answered(&mut self, message: &FromWorker) -> bool {
        match message {
            FromWorker::Saved { ticket, outcome } => match outcome {
                Ok(()) => self.writes.remove(ticket).is_some(),
                // A stalled save stays in the worker's queue and is retried there; a new worker
                // must be handed it again, so the ledger keeps it until it is stored.
                Err(_) => self.writes.contains_key(ticket),
            },
            FromWorker::Listening
            | FromWorker::Ready
            | FromWorker::Unavailable(_)
            | FromWorker::Stale(_)
            | FromWorker::SyncStatus(_)
            | FromWorker::RecordsChanged
            | FromWorker::Digest(_)
            | FromWorker::TellTabs(_)
            | FromWorker::Found { .. }
            | FromWorker::Answer { .. }
            | FromWorker::TransferProgress { .. }
            | FromWorker::Transferred { .. }
            | FromWorker::ImportReview(_)
            | FromWorker::Pong(_) => true,
        }
    }

    /// Everything a new worker must be told, in order: the database, leadership (and the
    /// network as the page last saw it, for the sync engine leadership starts), every open
    /// subscription, then every save and edit not yet stored, oldest first (so a record's saves keep
    /// their order).
    pub fn replay(&self) -> Vec<ToWorker> {
        let mut messages = Vec::with_capacity(3 + self.subscriptions.len() + self.writes.len());
        messages.push(ToWorker::Open {
            database: self.database.clone(),
        });
        if self.leading {
            messages.push(ToWorker::Event(Event::Elected));
            if let Some(online) = self.online {
                messages.push(ToWorker::Sync(SyncCommand::Network { online }));
            }
        }
        messages.extend(self.subscriptions.iter().map(|(subscription, topic)| {
            ToWorker::Subscribe {
                subscription: *subscription,
                topic: *topic,
            }
        }));
        messages.extend(self.writes.values().cloned());
        messages
    }

    /// Whether [`Ledger::replay`] hands `message` (or its effect) to every new worker, so it
    /// need not be kept for a worker that is still starting.
    pub fn replays(message: &ToWorker) -> bool {
        match message {
            ToWorker::Open { .. }
            | ToWorker::Subscribe { .. }
            | ToWorker::Unsubscribe { .. }
            | ToWorker::Save { .. }
            | ToWorker::Edit { .. }
            | ToWorker::Event(Event::Elected | Event::Resigned)
            | ToWorker::Sync(SyncCommand::Network { .. }) => true,
            ToWorker::Retry
            | ToWorker::Ask { .. }
            | ToWorker::Transfer { .. }
            | ToWorker::Import(_)
            | ToWorker::Event(_)
            | ToWorker::Sync(_)
            | ToWorker::Search { .. }
            | ToWorker::Ping(_) => false,
        }
    }

    /// How many saves and edits wait for the worker's answer.
    pub fn waiting(&self) -> usize {
        self.writes.len()
    }

    /// The subscriptions open now.
    pub fn subscriptions(&self) -> impl Iterator<Item = SubscriptionId> + '_ {
        self.subscriptions.keys().copied()
    }
}

/// What the heartbeat says at each beat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pulse {
    /// Send this ping.
    Ping(u64),
    /// Too many pings went unanswered: the worker is dead (or hung) and must be replaced.
    Dead,
}

/// Notices a worker that stopped answering (terminated by the browser, hung in a loop): the
/// page pings it at a steady beat and gives up after `missed_limit` unanswered pings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    missed_limit: u64,
    sent: u64,
    answered: u64,
}

impl Heartbeat {
    /// A heartbeat that declares the worker dead after `missed_limit` (at least 1) pings
    /// without an answer.
    pub fn new(missed_limit: u32) -> Self {
        Self {
            missed_limit: u64::from(missed_limit.max(1)),
            sent: 0,
            answered: 0,
        }
    }

    /// The beat is due: ping again, or declare the worker dead.
    pub fn beat(&mut self) -> Pulse {
        if self.sent - self.answered >= self.missed_limit {
            return Pulse::Dead;
        }
        self.sent += 1;
        Pulse::Ping(self.sent)
    }

    /// The worker answered ping `number`.
    pub fn pong(&mut self, number: u64) {
        if number <= self.sent {
            self.answered = self.answered.max(number);
        }
    }

    /// A new worker started: nothing is owed by it yet.
    pub fn restart(&mut self) {
        self.answered = self.sent;
    }
}

/// How long to wait before starting a worker again: at once for the first few deaths in a
/// minute, then longer and longer (a worker that dies as it starts must not spin the page).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Restarts {
    /// When the recent restarts happened (milliseconds on the page's clock).
    recent: VecDeque<f64>,
    total: u64,
}

/// Restarts within this window count as a crash loop.
const WINDOW_MS: f64 = 60_000.0;
/// How many restarts within the window happen at once.
const AT_ONCE: usize = 3;
/// The longest wait between two restarts.
const LONGEST: Duration = Duration::from_secs(30);

impl Restarts {
    /// A worker died at `now` (milliseconds): how long to wait before starting the next.
    pub fn delay(&mut self, now: f64) -> Duration {
        while self
            .recent
            .front()
            .is_some_and(|at| now - *at > WINDOW_MS || *at > now)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        self.total += 1;
        let over = self.recent.len().saturating_sub(AT_ONCE);
        if over == 0 {
            return Duration::ZERO;
        }
        let exponent = u32::try_from(over - 1).unwrap_or(u32::MAX).min(5);
        Duration::from_secs(1u64 << exponent).min(LONGEST)
    }

    /// How many times a worker was restarted.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::problem::Problem;
    use crate::workspace::record::RecordEdit;
    use crate::workspace::{ListKind, RecordRef};
    use shared::field::FieldPath;
    use shared::ids::AccountId;

    fn save(ticket: u64, record: RecordRef, change: u8) -> ToWorker {
        ToWorker::Save {
            ticket: Ticket(ticket),
            record,
            changes: vec![vec![change]],
        }
    }

    #[test]
    fn a_new_worker_is_told_the_database_leadership_subscriptions_and_unanswered_saves_in_order() {
        let account = RecordRef::Account(AccountId::from_bytes([1; 16]));
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&ToWorker::Event(Event::Elected));
        let accounts = ToWorker::Subscribe {
            subscription: SubscriptionId(1),
            topic: Topic::List(ListKind::Accounts),
        };
        ledger.sent(&accounts);
        ledger.sent(&ToWorker::Subscribe {
            subscription: SubscriptionId(2),
            topic: Topic::Today,
        });
        ledger.sent(&ToWorker::Unsubscribe {
            subscription: SubscriptionId(2),
        });
        for ticket in 1..=3 {
            ledger.sent(&save(ticket, account, ticket as u8));
        }
        assert!(ledger.answered(&FromWorker::Saved {
            ticket: Ticket(1),
            outcome: Ok(()),
        }));
        assert_eq!(
            ledger.replay(),
            vec![
                ToWorker::Open {
                    database: "carnet".into()
                },
                ToWorker::Event(Event::Elected),
                accounts,
                save(2, account, 2),
                save(3, account, 3),
            ]
        );
        assert_eq!(ledger.waiting(), 2);
    }

    #[test]
    fn edits_not_yet_stored_are_replayed_with_saves_in_the_order_the_page_sent_them() {
        let account = RecordRef::Account(AccountId::from_bytes([1; 16]));
        let edit = |ticket: u64, text: &str| ToWorker::Edit {
            ticket: Ticket(ticket),
            record: account,
            stamp: shared::edit::Edit::anonymous(1_700_000_000),
            edit: RecordEdit::Text {
                path: FieldPath::new(["notes"]),
                base: None,
                text: text.into(),
            },
        };
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&edit(1, "B"));
        ledger.sent(&save(2, account, 2));
        ledger.sent(&edit(3, "Bo"));
        ledger.sent(&ToWorker::Ask {
            ticket: Ticket(4),
            query: crate::bridge::Query::Record(account),
        });
        assert!(ledger.answered(&FromWorker::Saved {
            ticket: Ticket(1),
            outcome: Ok(()),
        }));
        // A stalled edit stays in the worker's queue, and in the ledger for the next worker.
        assert!(ledger.answered(&FromWorker::Saved {
            ticket: Ticket(3),
            outcome: Err(Problem::new("problem-storage-full")),
        }));
        assert_eq!(
            ledger.replay(),
            vec![
                ToWorker::Open {
                    database: "carnet".into()
                },
                save(2, account, 2),
                edit(3, "Bo"),
            ]
        );
        assert_eq!(ledger.waiting(), 2);
        assert!(Ledger::replays(&edit(5, "Bon")));
        assert!(!Ledger::replays(&ToWorker::Ask {
            ticket: Ticket(6),
            query: crate::bridge::Query::History(account),
        }));
    }

    #[test]
    fn a_new_leader_worker_starts_sync_with_the_network_the_page_last_saw_and_nothing_else_of_sync()
    {
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&ToWorker::Sync(SyncCommand::Network { online: true }));
        ledger.sent(&ToWorker::Sync(SyncCommand::SyncNow));
        ledger.sent(&ToWorker::Sync(SyncCommand::Network { online: false }));
        ledger.sent(&ToWorker::Sync(SyncCommand::LocalChange));
        // A follower's worker runs no engine: the network is not its business.
        assert_eq!(
            ledger.replay(),
            vec![ToWorker::Open {
                database: "carnet".into()
            }]
        );
        ledger.sent(&ToWorker::Event(Event::Elected));
        assert_eq!(
            ledger.replay(),
            vec![
                ToWorker::Open {
                    database: "carnet".into()
                },
                ToWorker::Event(Event::Elected),
                ToWorker::Sync(SyncCommand::Network { online: false }),
            ]
        );
        assert!(Ledger::replays(&ToWorker::Sync(SyncCommand::Network {
            online: true
        })));
        assert!(!Ledger::replays(&ToWorker::Sync(SyncCommand::SyncNow)));
    }

    #[test]
    fn a_save_answered_by_two_workers_is_delivered_once() {
        let account = RecordRef::Account(AccountId::from_bytes([2; 16]));
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&save(7, account, 1));
        let stored = FromWorker::Saved {
            ticket: Ticket(7),
            outcome: Ok(()),
        };
        assert!(ledger.answered(&stored));
        assert!(!ledger.answered(&stored), "the replayed save's answer");
        assert!(ledger
            .replay()
            .iter()
            .all(|m| !matches!(m, ToWorker::Save { .. })));
    }

    #[test]
    fn a_stalled_save_is_still_handed_to_the_next_worker() {
        let account = RecordRef::Account(AccountId::from_bytes([3; 16]));
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&save(1, account, 1));
        assert!(ledger.answered(&FromWorker::Saved {
            ticket: Ticket(1),
            outcome: Err(Problem::new("problem-storage-full")),
        }));
        assert_eq!(ledger.waiting(), 1);
        assert!(ledger.replay().contains(&save(1, account, 1)));
    }

    #[test]
    fn a_tab_that_resigned_does_not_make_the_new_worker_lead() {
        let mut ledger = Ledger::new("carnet");
        ledger.sent(&ToWorker::Event(Event::Elected));
        ledger.sent(&ToWorker::Event(Event::Resigned));
        assert!(!ledger.replay().contains(&ToWorker::Event(Event::Elected)));
    }

    #[test]
    fn only_what_the_replay_does_not_carry_waits_for_a_worker_still_starting() {
        let account = RecordRef::Account(AccountId::from_bytes([4; 16]));
        assert!(Ledger::replays(&save(1, account, 1)));
        assert!(Ledger::replays(&ToWorker::Event(Event::Elected)));
        assert!(!Ledger::replays(&ToWorker::Retry));
        assert!(!Ledger::replays(&ToWorker::Event(Event::ChangedElsewhere)));
    }

    #[test]
    fn a_worker_is_dead_after_the_allowed_pings_go_unanswered_and_alive_while_it_answers() {
        let mut heartbeat = Heartbeat::new(2);
        assert_eq!(heartbeat.beat(), Pulse::Ping(1));
        heartbeat.pong(1);
        assert_eq!(heartbeat.beat(), Pulse::Ping(2));
        assert_eq!(heartbeat.beat(), Pulse::Ping(3));
        assert_eq!(heartbeat.beat(), Pulse::Dead);
        heartbeat.pong(99); // never sent: ignored
        assert_eq!(heartbeat.beat(), Pulse::Dead);
        heartbeat.restart();
        assert_eq!(heartbeat.beat(), Pulse::Ping(4));
        heartbeat.pong(3); // the dead worker's late answer changes nothing
        assert_eq!(heartbeat.beat(), Pulse::Ping(5));
        assert_eq!(heartbeat.beat(), Pulse::Dead);
    }

    #[test]
    fn restarts_are_immediate_at_first_then_back_off_up_to_thirty_seconds_and_recover() {
        let mut restarts = Restarts::default();
        let delays: Vec<Duration> = (0..10).map(|n| restarts.delay(f64::from(n))).collect();
        assert_eq!(&delays[..3], &[Duration::ZERO; 3]);
        assert_eq!(delays[3], Duration::from_secs(1));
        assert_eq!(delays[4], Duration::from_secs(2));
        assert_eq!(delays[9], LONGEST);
        assert_eq!(restarts.total(), 10);
        // A quiet minute later, a death is restarted at once again.
        assert_eq!(restarts.delay(200_000.0), Duration::ZERO);
    }
}
