//! Derived index rows: what lists and search read, so they never load documents.
//!
//! A row is a pure function of its document's current state and can always be rebuilt from it;
//! the heads it was derived from tell storage whether it is stale.

use std::collections::BTreeSet;

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::account::AccountListing;
use crate::contact::Contact;
use crate::deal::Deal;
use crate::ids::{AccountId, ContactId, DealId};
use crate::search::{search_terms, significant_terms};

/// At most this many distinct words of an account's notes are kept in its row.
pub const NOTE_WORDS_CAP: usize = 32;

/// At most this many distinct words of an account's activity reports (newest first) are kept in
/// its row.
pub const REPORT_WORDS_CAP: usize = 48;

/// At most this many activities (the newest) are kept in an account's row for the dashboard:
/// a year of weekly visits and calls with room to spare, so the figures' window (the year, four
/// weeks, objectives' periods) and the last visit are read from rows alone. An account with more
/// loses its oldest ones from the figures, never its recent ones.
pub const ACTIVITY_STAMPS_CAP: usize = 200;

/// The form of the rows this build derives. A row of an older form (stored on a device before
/// it was updated; its missing fields read as their defaults, so `0`) lacks what the dashboard
/// reads from rows of this form: industry, phone and activities of accounts, a deal's own
/// probability. The dashboard reads those documents instead, until the row is derived again
/// (on the document's next write or an index rebuild).
pub const ROW_FORM: u16 = 1;

/// One activity as an account's row carries it: when, what kind, by whom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityStamp {
    /// When it happened (Unix seconds).
    pub at: i64,
    /// The kind's stored name (`visit`, `call`…).
    pub kind: String,
    /// Who did it (a user id), when known.
    pub by: Option<String>,
}

/// One account as the accounts list, search and the dashboard see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountIndexRow {
    /// The account's identifier, as text (the IndexedDB key).
    pub id: String,
    /// The name to display.
    pub name: String,
    /// The name folded for sorting (lower-case, no accents).
    pub sort_name: String,
    /// The city of the display address.
    pub city: String,
    /// The postcode of the display address.
    pub postcode: String,
    /// Accent-free, lower-case words for prefix search (name, cities, postcodes, tags…).
    pub search_terms: Vec<String>,
    /// Accent-free words of the notes that are not already search terms, space-separated, at
    /// most [`NOTE_WORDS_CAP`] (one string rather than a list: rows stay small in memory).
    #[serde(default)]
    pub note_words: String,
    /// Accent-free words of the activity reports, newest reports first, that are neither search
    /// terms nor note words, space-separated, at most [`REPORT_WORDS_CAP`].
    #[serde(default)]
    pub report_words: String,
    /// The lifecycle stage's stored name.
    pub stage: String,
    /// The owner's user id, when set.
    pub owner: Option<String>,
    /// When the latest activity happened (Unix seconds).
    pub last_activity: Option<i64>,
    /// The earliest due date of the open tasks (`YYYY-MM-DD`).
    pub next_task_due: Option<String>,
    /// The industry, as typed.
    #[serde(default)]
    pub industry: Option<String>,
    /// The first phone number (national form) in order, for the dashboard's call lists.
    #[serde(default)]
    pub phone: Option<String>,
    /// The newest activities, newest first, at most [`ACTIVITY_STAMPS_CAP`].
    #[serde(default)]
    pub activities: Vec<ActivityStamp>,
    /// The form the row was derived in ([`ROW_FORM`]; `0` for rows stored before forms).
    #[serde(default)]
    pub form: u16,
    /// Whether the document could not be read (the row then only carries id and heads).
    pub unreadable: bool,
    /// The document heads the row was derived from (hex change hashes).
    pub heads: Vec<String>,
}

impl AccountIndexRow {
    /// The row for the account listed as `account` at `heads`.
    pub fn from_listing(id: AccountId, account: &AccountListing, heads: &[ChangeHash]) -> Self {
        let address = account.display_address();
        let mut words = Vec::new();
        for text in [Some(account.name.as_str()), account.industry.as_deref()]
            .into_iter()
            .flatten()
            .chain(
                account
                    .addresses
                    .values()
                    .flat_map(|a| [a.city.as_str(), a.postcode.as_str()]),
            )
            .chain(account.tags.iter())
        {
            words.extend(search_terms(text));
        }
        words.extend(account.siren.map(|siren| siren.to_string()));
        words.sort();
        words.dedup();
        let mut known: BTreeSet<String> = words.iter().cloned().collect();
        let notes = [account.notes.as_str()];
        let note_words = bounded_words(notes, &mut known, NOTE_WORDS_CAP);
        let mut activities: Vec<_> = account.activities.values().collect();
        activities.sort_by_key(|activity| std::cmp::Reverse(activity.at));
        let reports = activities.iter().map(|activity| activity.report.as_str());
        let report_words = bounded_words(reports, &mut known, REPORT_WORDS_CAP);
        let stamps = activities
            .iter()
            .take(ACTIVITY_STAMPS_CAP)
            .map(|activity| ActivityStamp {
                at: activity.at,
                kind: activity.kind.to_string(),
                by: activity.by.map(|by| by.to_string()),
            })
            .collect();
        let mut phones: Vec<String> = account
            .phones
            .values()
            .map(|entry| entry.number.to_national())
            .collect();
        phones.sort();
        Self {
            id: id.to_string(),
            name: account.name.clone(),
            sort_name: search_terms(&account.name).join(" "),
            city: address.map(|a| a.city.clone()).unwrap_or_default(),
            postcode: address.map(|a| a.postcode.clone()).unwrap_or_default(),
            search_terms: words,
            note_words,
            report_words,
            stage: account.stage.to_string(),
            owner: account.owner.map(|owner| owner.to_string()),
            last_activity: account.activities.values().map(|a| a.at).max(),
            next_task_due: account
                .tasks
                .values()
                .filter(|task| !task.done)
                .filter_map(|task| task.due)
                .min()
                .map(|due| due.to_string()),
            industry: account.industry.clone(),
            phone: phones.into_iter().next(),
            activities: stamps,
            form: ROW_FORM,
            unreadable: false,
            heads: hex_heads(heads),
        }
    }

    /// The row for a document that does not read as an account, so lists can flag it.
    pub fn unreadable(id: AccountId, heads: &[ChangeHash]) -> Self {
        Self {
            id: id.to_string(),
            unreadable: true,
            heads: hex_heads(heads),
            ..Self::default()
        }
    }
}

/// One contact as lists and search see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactIndexRow {
    /// The contact's identifier, as text.
    pub id: String,
    /// "First Last".
    pub display_name: String,
    /// Folded "last first" for sorting.
    pub sort_name: String,
    /// Accent-free words for search (names, job title, e-mails).
    pub search_terms: Vec<String>,
    /// The job title, as typed.
    #[serde(default)]
    pub job_title: String,
    /// The e-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// The accounts the contact belongs to.
    pub accounts: Vec<String>,
    /// Who holds the contact while it belongs to no account, when someone was named.
    #[serde(default)]
    pub owner: Option<String>,
    /// The document heads the row was derived from.
    pub heads: Vec<String>,
}

impl ContactIndexRow {
    /// The row for `contact` at `heads`.
    pub fn from_contact(id: ContactId, contact: &Contact, heads: &[ChangeHash]) -> Self {
        let mut words: Vec<String> = [&contact.first_name, &contact.last_name, &contact.job_title]
            .into_iter()
            .flat_map(|text| search_terms(text))
            .chain(
                contact
                    .emails
                    .values()
                    .flat_map(|e| search_terms(e.address.as_str())),
            )
            .collect();
        words.sort();
        words.dedup();
        Self {
            id: id.to_string(),
            display_name: contact.display_name(),
            sort_name: search_terms(&format!("{} {}", contact.last_name, contact.first_name))
                .join(" "),
            search_terms: words,
            job_title: contact.job_title.clone(),
            emails: contact
                .emails
                .values()
                .map(|entry| entry.address.as_str().to_owned())
                .collect(),
            accounts: contact.accounts.iter().map(str::to_owned).collect(),
            owner: contact.owner.map(|owner| owner.to_string()),
            heads: hex_heads(heads),
        }
    }
}

/// One deal as the pipeline board sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealIndexRow {
    /// The deal's identifier, as text.
    pub id: String,
    /// The title.
    pub title: String,
    /// The account, when linked.
    pub account: Option<String>,
    /// The pipeline stage key.
    pub stage: String,
    /// The status (`open`, `won`, `lost`).
    pub status: String,
    /// The amount in minor units and its currency, when set.
    pub amount: Option<(i64, String)>,
    /// The expected close date.
    pub expected_close: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// Accent-free words of the title.
    pub search_terms: Vec<String>,
    /// The deal's own win probability in percent, when set (else its stage's counts).
    #[serde(default)]
    pub probability: Option<u8>,
    /// The form the row was derived in ([`ROW_FORM`]; `0` for rows stored before forms).
    #[serde(default)]
    pub form: u16,
    /// The document heads the row was derived from.
    pub heads: Vec<String>,
}

impl DealIndexRow {
    /// The row for `deal` at `heads`.
    pub fn from_deal(id: DealId, deal: &Deal, heads: &[ChangeHash]) -> Self {
        Self {
            id: id.to_string(),
            title: deal.title.clone(),
            account: deal.account.map(|account| account.to_string()),
            stage: deal.stage.clone(),
            status: deal.status.to_string(),
            amount: deal
                .amount
                .map(|money| (money.minor_units, money.currency.to_string())),
            expected_close: deal.expected_close.map(|date| date.to_string()),
            owner: deal.owner.map(|owner| owner.to_string()),
            search_terms: search_terms(&deal.title),
            probability: deal.probability,
            form: ROW_FORM,
            heads: hex_heads(heads),
        }
    }
}

/// The first `cap` distinct significant words of `texts` that are not in `known` (which they
/// join), space-separated.
fn bounded_words<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    known: &mut BTreeSet<String>,
    cap: usize,
) -> String {
    let mut words = String::new();
    let mut count = 0;
    for word in texts.into_iter().flat_map(significant_terms) {
        if count == cap {
            break;
        }
        if known.contains(&word) {
            continue;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(&word);
        known.insert(word);
        count += 1;
    }
    words
}

fn hex_heads(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(ToString::to_string).collect()
}
