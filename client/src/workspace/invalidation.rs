//! Precise invalidation: which subscriptions must re-read after a write.
//!
//! A subscription is to a [`Topic`]: the list of a kind, one record, the related lists of an
//! account, the day, the pipeline, or the summary of unsynced changes. A write reaches a set of
//! topics ([`Reach`]), derived from what storage reports it wrote ([`StoredRecord`]): the record's
//! kind, its id, and the accounts its index row links it to before and after the write (a deal
//! moved from one account to another leaves one account's related list and joins the other's).
//!
//! This module decides reach only; it must not know how a topic is read, nor when (the machine
//! throttles what sync stores; the effect runner re-reads).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shared::ids::AccountId;

use super::record::{ListKind, RecordRef};

/// What a subscriber reads, and so what a write can make stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Topic {
    /// Every index row of one kind (lists and search).
    List(ListKind),
    /// One record, opened (its document, history, conflicts).
    Record(RecordRef),
    /// The contacts, deals, quotes and orders of one account (its page's related lists).
    Related(AccountId),
    /// The rep's day: accounts with a task due or an activity today.
    Today,
    /// The pipeline board: deals, account names on the cards, the settings' stages.
    Pipeline,
    /// How many local changes wait for the relay, and on which records.
    Unsynced,
    /// The search index kept by the workspace worker: stale once it was rebuilt (writes reach
    /// the lists; the worker rebuilds the index from them, then reports this topic).
    Search,
    /// The dashboard's figures: every account, deal, quote, order, product and the settings.
    Dashboard,
}

/// The accounts a contact or a deal is linked to, as far as the writer knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Links {
    /// Exactly these accounts (none for a record linked to no account).
    Known(BTreeSet<AccountId>),
    /// The writer could not tell (the old row was not read): every related list is reached.
    Unknown,
}

impl Links {
    /// No account.
    pub fn none() -> Self {
        Self::Known(BTreeSet::new())
    }

    /// Exactly `accounts`.
    pub fn to(accounts: impl IntoIterator<Item = AccountId>) -> Self {
        Self::Known(accounts.into_iter().collect())
    }
}

/// One record as a write left it, as the store reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The record written.
    pub record: RecordRef,
    /// Whether the write changed it (false for an echo of changes it already held).
    pub changed: bool,
    /// The accounts its index row linked it to before the write.
    pub linked_before: Links,
    /// The accounts its index row links it to now.
    pub linked_after: Links,
}

impl StoredRecord {
    /// A record that changed and links to no account before or after (accounts, settings).
    pub fn unlinked(record: RecordRef) -> Self {
        Self {
            record,
            changed: true,
            linked_before: Links::none(),
            linked_after: Links::none(),
        }
    }
}

/// The topics a write makes stale.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    topics: BTreeSet<Topic>,
    every_related: bool,
    everything: bool,
    /// The records the writes changed (what a keeper of rows must read again).
    written: BTreeSet<RecordRef>,
}

/// Which records' rows a write changed, for those who keep rows between reads (the dashboard's
/// rows in the worker): told whenever the subscriptions are, before them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Written {
    /// These records (added, changed or removed).
    Records(BTreeSet<RecordRef>),
    /// Anything may have changed (an import, another tab's unknown writes, a sign-in).
    Everything,
}

impl Reach {
    /// Nothing.
    pub fn nothing() -> Self {
        Self::default()
    }

    /// Every topic (an import, a sign-in or a sign-out may change anything).
    pub fn everything() -> Self {
        Self {
            everything: true,
            ..Self::default()
        }
    }

    /// The summary of unsynced changes only (the outbox grew or shrank).
    pub fn unsynced() -> Self {
        Self {
            topics: BTreeSet::from([Topic::Unsynced]),
            ..Self::default()
        }
    }

    /// What a write of `stored` makes stale (nothing when it changed nothing).
    pub fn of_stored(stored: &StoredRecord) -> Self {
        let mut reach = Self::default();
        if !stored.changed {
            return reach;
        }
        reach.topics.insert(Topic::Record(stored.record));
        reach.written.insert(stored.record);
        // The dashboard's figures read every kind of record.
        reach.topics.insert(Topic::Dashboard);
        if let Some(list) = stored.record.list() {
            reach.topics.insert(Topic::List(list));
        }
        match stored.record {
            // The day is built from account rows and documents (tasks and activities live in
            // accounts); the board shows account names on its cards.
            RecordRef::Account(_) => {
                reach.topics.insert(Topic::Today);
                reach.topics.insert(Topic::Pipeline);
            }
            // An account's page lists its contacts, deals, quotes and orders.
            RecordRef::Contact(_) | RecordRef::Quote(_) | RecordRef::Order(_) => {
                reach.link(stored);
            }
            // The catalogue is a list of its own.
            RecordRef::Product(_) => {}
            RecordRef::Deal(_) => {
                reach.topics.insert(Topic::Pipeline);
                reach.link(stored);
            }
            // The settings hold the pipeline's stages and currency.
            RecordRef::Settings(_) => {
                reach.topics.insert(Topic::Pipeline);
            }
        }
        reach
    }

    /// Only `topic`.
    pub fn topic(topic: Topic) -> Self {
        Self {
            topics: BTreeSet::from([topic]),
            ..Self::default()
        }
    }

    /// Adds what `other` reaches.
    pub fn add(&mut self, other: Reach) {
        self.topics.extend(other.topics);
        self.every_related |= other.every_related;
        self.everything |= other.everything;
        self.written.extend(other.written);
    }

    /// The records it says were written, or `None` when none were.
    pub fn written(&self) -> Option<Written> {
        if self.everything {
            Some(Written::Everything)
        } else if self.written.is_empty() {
            None
        } else {
            Some(Written::Records(self.written.clone()))
        }
    }

    /// Whether a subscriber to `topic` must re-read.
    pub fn touches(&self, topic: &Topic) -> bool {
        self.everything
            || (self.every_related && matches!(topic, Topic::Related(_)))
            || self.topics.contains(topic)
    }

    /// Whether it reaches nothing at all.
    pub fn is_empty(&self) -> bool {
        !self.everything && !self.every_related && self.topics.is_empty() && self.written.is_empty()
    }

    /// The related lists of the accounts `stored` was linked to before or after the write.
    fn link(&mut self, stored: &StoredRecord) {
        for links in [&stored.linked_before, &stored.linked_after] {
            match links {
                Links::Known(accounts) => self
                    .topics
                    .extend(accounts.iter().copied().map(Topic::Related)),
                Links::Unknown => self.every_related = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::ids::{ContactId, DealId, WorkspaceId};

    use super::*;

    fn account(byte: u8) -> AccountId {
        AccountId::from_bytes([byte; 16])
    }

    #[test]
    fn a_deal_moved_between_accounts_reaches_both_related_lists_and_no_third() {
        let stored = StoredRecord {
            record: RecordRef::Deal(DealId::from_bytes([9; 16])),
            changed: true,
            linked_before: Links::to([account(1)]),
            linked_after: Links::to([account(2)]),
        };
        let reach = Reach::of_stored(&stored);
        assert!(reach.touches(&Topic::Related(account(1))));
        assert!(reach.touches(&Topic::Related(account(2))));
        assert!(!reach.touches(&Topic::Related(account(3))));
        assert!(reach.touches(&Topic::Pipeline));
        assert!(reach.touches(&Topic::List(ListKind::Deals)));
        assert!(!reach.touches(&Topic::List(ListKind::Accounts)));
        assert!(!reach.touches(&Topic::Today));
        assert!(reach.touches(&Topic::Dashboard));
    }

    #[test]
    fn a_contact_whose_old_links_are_unknown_reaches_every_related_list_but_not_the_board() {
        let stored = StoredRecord {
            record: RecordRef::Contact(ContactId::from_bytes([4; 16])),
            changed: true,
            linked_before: Links::Unknown,
            linked_after: Links::to([account(1)]),
        };
        let reach = Reach::of_stored(&stored);
        assert!(reach.touches(&Topic::Related(account(7))));
        assert!(!reach.touches(&Topic::Pipeline));
        assert!(!reach.touches(&Topic::List(ListKind::Deals)));
    }

    #[test]
    fn an_echo_that_changed_nothing_reaches_nothing() {
        let stored = StoredRecord {
            changed: false,
            ..StoredRecord::unlinked(RecordRef::Account(account(1)))
        };
        assert!(Reach::of_stored(&stored).is_empty());
    }

    #[test]
    fn settings_reach_the_board_and_themselves_only() {
        let settings = RecordRef::Settings(WorkspaceId::from_bytes([5; 16]));
        let reach = Reach::of_stored(&StoredRecord::unlinked(settings));
        assert!(reach.touches(&Topic::Pipeline));
        assert!(reach.touches(&Topic::Record(settings)));
        assert!(!reach.touches(&Topic::Today));
        assert!(!reach.touches(&Topic::List(ListKind::Accounts)));
    }
}
