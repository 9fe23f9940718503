//! [`SearchIndex`]: accounts, contacts and deals, from their index rows, held as a sorted map
//! from folded term to the records carrying it, so that a typed word finds the terms it
//! prefixes by one range lookup.
//!
//! It owns the records' display strings and postings; it must not read documents (rows only),
//! and keeps no copy of a row beyond what a hit shows.

use std::collections::{BTreeMap, HashMap};
use std::mem::size_of;
use std::ops::Bound;
use std::sync::Arc;

use crate::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use crate::search::ranking::{Field, Tally};
use crate::search::search_terms;

mod saved;

pub use saved::SavedIndexError;

/// Query words beyond this many are ignored (a pasted paragraph must not cost more).
pub const MAX_QUERY_WORDS: usize = 16;

/// An in-memory index of the device's rows, updated row by row as documents change.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Each folded term and the records carrying it, sorted so a prefix is a range.
    terms: BTreeMap<Box<str>, Vec<Posting>>,
    /// The records, by slot (postings name slots).
    entries: Vec<Entry>,
    /// The slot of each live record, by id.
    slots: HashMap<Arc<str>, u32>,
    /// Slots removed or replaced whose postings are still in `terms`.
    tombstones: Vec<u32>,
    /// Slots with no postings, ready for reuse.
    free: Vec<u32>,
}

/// One record found by [`SearchIndex::query`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// What kind of record it is.
    pub kind: HitKind,
    /// The record's id, as in its row.
    pub id: String,
    /// The account's or deal's name, the contact's "First Last".
    pub title: String,
    /// Where it stands: an account's city; a contact's job title and account; a deal's account
    /// and stage (separated by " · ", empty parts left out).
    pub subtitle: String,
    /// The field that explains the hit: the weakest field one of the typed words matched in
    /// (so "boul farine" on "Boulangerie X" says [`MatchedField::Report`]).
    pub field: MatchedField,
}

/// The kinds of record search finds.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum HitKind {
    /// A customer or prospect company.
    Account,
    /// A person.
    Contact,
    /// An opportunity.
    Deal,
}

/// Where a typed word was found, so the UI can say "found in the visit report".
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum MatchedField {
    /// The account's or deal's name, the contact's name.
    Name,
    /// The city or postcode of the account's display address.
    Address,
    /// A contact's e-mail address.
    Email,
    /// Another listed field: industry, tags, SIREN, other addresses, job title.
    Details,
    /// The account's notes.
    Notes,
    /// An activity's report (visit, call, meeting…).
    Report,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes the account `row`, replacing the account's previous row; an unreadable row only
    /// removes it.
    pub fn insert_account(&mut self, row: &AccountIndexRow) {
        self.remove(&row.id);
        if row.unreadable {
            return;
        }
        let mut terms = title_terms(&row.name, None);
        terms.extend(
            search_terms(&row.city)
                .into_iter()
                .map(|word| (word, Field::Address)),
        );
        terms.extend(
            search_terms(&row.postcode)
                .into_iter()
                .map(|word| (word, Field::Address)),
        );
        terms.extend(
            row.search_terms
                .iter()
                .cloned()
                .map(|word| (word, Field::Details)),
        );
        terms.extend(words(&row.note_words).map(|word| (word, Field::Notes)));
        terms.extend(words(&row.report_words).map(|word| (word, Field::Report)));
        let detail = if row.city.is_empty() {
            &row.postcode
        } else {
            &row.city
        };
        let entry = self.entry(HitKind::Account, &row.id, &row.name, detail, None);
        self.add(entry, terms);
    }

    /// Indexes the contact `row`, replacing the contact's previous row.
    pub fn insert_contact(&mut self, row: &ContactIndexRow) {
        self.remove(&row.id);
        // The last name starts the sort name: typing it is as good as typing the first name.
        let last_name = search_terms(&row.sort_name).into_iter().next();
        let mut terms = title_terms(&row.display_name, last_name);
        for email in &row.emails {
            terms.extend(
                search_terms(email)
                    .into_iter()
                    .map(|word| (word, Field::Email)),
            );
        }
        terms.extend(
            row.search_terms
                .iter()
                .cloned()
                .map(|word| (word, Field::Details)),
        );
        let account = row.accounts.first().map(String::as_str);
        let entry = self.entry(
            HitKind::Contact,
            &row.id,
            &row.display_name,
            &row.job_title,
            account,
        );
        self.add(entry, terms);
    }

    /// Indexes the deal `row`, replacing the deal's previous row.
    pub fn insert_deal(&mut self, row: &DealIndexRow) {
        self.remove(&row.id);
        let mut terms = title_terms(&row.title, None);
        terms.extend(
            row.search_terms
                .iter()
                .cloned()
                .map(|word| (word, Field::Details)),
        );
        let account = row.account.as_deref();
        let entry = self.entry(HitKind::Deal, &row.id, &row.title, &row.stage, account);
        self.add(entry, terms);
    }

    /// Removes the record `id`; whether it was indexed.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.slots.remove(id) else {
            return false;
        };
        if let Some(entry) = self.entries.get_mut(slot as usize) {
            *entry = Entry::vacant();
        }
        self.tombstones.push(slot);
        // Postings are dropped in bulk once enough slots are dead, so one update stays cheap.
        if self.tombstones.len() >= COMPACTION_MINIMUM
            && self.tombstones.len() * 4 >= self.entries.len()
        {
            self.compact();
        }
        true
    }

    /// Releases the room collections grew into while rows were inserted: call it once the
    /// device's rows are all in (a quarter or more of the postings' memory, at 50,000 accounts).
    pub fn shrink_to_fit(&mut self) {
        self.terms.values_mut().for_each(Vec::shrink_to_fit);
        self.entries.shrink_to_fit();
        self.slots.shrink_to_fit();
    }

    /// How many records are indexed.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no record is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// How many distinct terms are indexed.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    /// The bytes the index holds on the heap, estimated from its collections' capacities and
    /// strings (the allocator's own bookkeeping and the B-tree's spare node room not counted).
    pub fn heap_size(&self) -> usize {
        let terms: usize = self
            .terms
            .iter()
            .map(|(term, postings)| {
                size_of::<(Box<str>, Vec<Posting>)>()
                    + term.len()
                    + postings.capacity() * size_of::<Posting>()
            })
            .sum();
        let entries: usize = self.entries.capacity() * size_of::<Entry>()
            + self
                .entries
                .iter()
                .map(|entry| entry.title.len() + entry.detail.len())
                .sum::<usize>();
        // Each id is one shared allocation: two counters and the text.
        let ids: usize = self
            .slots
            .keys()
            .map(|id| 2 * size_of::<usize>() + id.len())
            .sum();
        let slots = self.slots.capacity() * (size_of::<(Arc<str>, u32)>() + 1);
        let lists = (self.tombstones.capacity() + self.free.capacity()) * size_of::<u32>();
        terms + entries + ids + slots + lists
    }

    /// The records matching every word of `text` (each word a prefix of one of the record's
    /// terms, accents and case ignored), best first, at most `limit`. Words are what
    /// [`search_terms`] makes of `text`, at most [`MAX_QUERY_WORDS`]; no word, no hit.
    ///
    /// Ranked by: the first word starts the name (or a contact's last name); more words found
    /// in the name; more words typed in full; the field found in (name, address, …, report);
    /// shorter names; then alphabetically.
    pub fn query(&self, text: &str, limit: usize) -> Vec<Hit> {
        let mut words = search_terms(text);
        words.truncate(MAX_QUERY_WORDS);
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut tallies = vec![Tally::default(); self.entries.len()];
        let mut candidates: Vec<u32> = Vec::new();
        for (index, word) in words.iter().enumerate() {
            let range = self
                .terms
                .range::<str, _>((Bound::Included(word.as_str()), Bound::Unbounded))
                .take_while(|(term, _)| term.starts_with(word.as_str()));
            for (term, postings) in range {
                let exact = term.len() == word.len();
                for posting in postings {
                    let slot = posting.slot();
                    let Some(tally) = tallies.get_mut(slot as usize) else {
                        continue;
                    };
                    if index == 0 && tally.is_untouched() {
                        candidates.push(slot);
                    }
                    tally.record(index, posting.field(), exact);
                }
            }
            if candidates.is_empty() {
                return Vec::new();
            }
        }
        let mut ranked: Vec<(Tally, u32, &Entry)> = candidates
            .into_iter()
            .filter_map(|slot| {
                let tally = tallies.get(slot as usize)?.finish(words.len())?;
                let entry = self.entries.get(slot as usize)?;
                entry.alive.then_some((tally, slot, entry))
            })
            .collect();
        let order = |(left, left_slot, left_entry): &(Tally, u32, &Entry),
                     (right, right_slot, right_entry): &(Tally, u32, &Entry)| {
            left.rank()
                .cmp(&right.rank())
                .then_with(|| left_entry.title.len().cmp(&right_entry.title.len()))
                .then_with(|| left_entry.title.cmp(&right_entry.title))
                .then_with(|| left_entry.kind.cmp(&right_entry.kind))
                .then_with(|| left_slot.cmp(right_slot))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        ranked
            .into_iter()
            .map(|(tally, _, entry)| self.hit(entry, tally.field()))
            .collect()
    }

    fn entry(
        &mut self,
        kind: HitKind,
        id: &str,
        title: &str,
        detail: &str,
        account: Option<&str>,
    ) -> Entry {
        Entry {
            kind,
            alive: true,
            id: self.intern(id),
            title: title.into(),
            detail: detail.into(),
            account: account.map(|account| self.intern(account)),
        }
    }

    /// The shared copy of `id` when that record is indexed, else a new one.
    fn intern(&self, id: &str) -> Arc<str> {
        self.slots
            .get_key_value(id)
            .map_or_else(|| Arc::from(id), |(shared, _)| Arc::clone(shared))
    }

    fn add(&mut self, entry: Entry, mut terms: Vec<(String, Field)>) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => match u32::try_from(self.entries.len()) {
                Ok(slot) if slot <= Posting::MAX_SLOT => {
                    self.entries.push(Entry::vacant());
                    slot
                }
                // Beyond half a billion records: not a device's workspace; left unindexed.
                _ => return,
            },
        };
        // One posting per term, in the best field that term appears in.
        terms.sort_unstable();
        terms.dedup_by(|later, earlier| later.0 == earlier.0);
        for (term, field) in terms {
            let posting = Posting::new(slot, field);
            match self.terms.get_mut(term.as_str()) {
                Some(postings) => postings.push(posting),
                None => {
                    self.terms.insert(term.into_boxed_str(), vec![posting]);
                }
            }
        }
        self.slots.insert(Arc::clone(&entry.id), slot);
        if let Some(vacant) = self.entries.get_mut(slot as usize) {
            *vacant = entry;
        }
    }

    /// Drops the postings of removed records and the terms left without any.
    fn compact(&mut self) {
        let entries = &self.entries;
        let alive = |posting: &Posting| {
            entries
                .get(posting.slot() as usize)
                .is_some_and(|entry| entry.alive)
        };
        self.terms.retain(|_, postings| {
            postings.retain(alive);
            postings.shrink_to_fit();
            !postings.is_empty()
        });
        self.free.append(&mut self.tombstones);
    }

    fn hit(&self, entry: &Entry, field: MatchedField) -> Hit {
        let account = entry
            .account
            .as_deref()
            .and_then(|account| self.slots.get(account))
            .and_then(|slot| self.entries.get(*slot as usize))
            .map(|account| &*account.title)
            .unwrap_or_default();
        let parts: &[&str] = match entry.kind {
            HitKind::Account => &[&entry.detail],
            HitKind::Contact => &[&entry.detail, account],
            HitKind::Deal => &[account, &entry.detail],
        };
        let subtitle = parts
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · ");
        Hit {
            kind: entry.kind,
            id: entry.id.to_string(),
            title: entry.title.to_string(),
            subtitle,
            field,
        }
    }
}

/// Removed slots kept before their postings are dropped, at the least.
const COMPACTION_MINIMUM: usize = 1024;

/// What the index keeps of a record: enough to show a hit.
#[derive(Debug)]
struct Entry {
    kind: HitKind,
    /// False once removed or replaced (its postings may remain until compaction).
    alive: bool,
    id: Arc<str>,
    title: Box<str>,
    /// An account's city, a contact's job title, a deal's stage.
    detail: Box<str>,
    /// The account a contact or deal belongs to, named in its subtitle.
    account: Option<Arc<str>>,
}

impl Entry {
    fn vacant() -> Self {
        Self {
            kind: HitKind::Account,
            alive: false,
            id: Arc::from(""),
            title: Box::default(),
            detail: Box::default(),
            account: None,
        }
    }
}

/// A record's slot and the field a term was found in, packed in 32 bits: postings are most of
/// the index's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Posting(u32);

impl Posting {
    const FIELD_BITS: u32 = 3;
    const MAX_SLOT: u32 = u32::MAX >> Self::FIELD_BITS;

    fn new(slot: u32, field: Field) -> Self {
        Self(slot << Self::FIELD_BITS | field as u32)
    }

    fn slot(self) -> u32 {
        self.0 >> Self::FIELD_BITS
    }

    fn field(self) -> Field {
        Field::from_bits(self.0 & ((1 << Self::FIELD_BITS) - 1))
    }
}

/// The folded words of a title: the first (and `also_first`, a contact's last name) start the
/// name; the others are in it.
fn title_terms(title: &str, also_first: Option<String>) -> Vec<(String, Field)> {
    let mut terms: Vec<(String, Field)> = search_terms(title)
        .into_iter()
        .enumerate()
        .map(|(position, word)| {
            let field = if position == 0 {
                Field::NameStart
            } else {
                Field::Name
            };
            (word, field)
        })
        .collect();
    terms.extend(also_first.map(|word| (word, Field::NameStart)));
    terms
}

/// The words of a row's space-separated word list.
fn words(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(' ')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn account(id: &str, name: &str, city: &str) -> AccountIndexRow {
        let mut search_terms = search_terms(name);
        search_terms.extend(crate::search::search_terms(city));
        AccountIndexRow {
            id: id.to_owned(),
            name: name.to_owned(),
            city: city.to_owned(),
            search_terms,
            ..AccountIndexRow::default()
        }
    }

    fn titles(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|hit| hit.title.as_str()).collect()
    }

    fn sample() -> SearchIndex {
        let mut index = SearchIndex::new();
        index.insert_account(&account("a1", "Boulangerie Élevé", "Lyon"));
        index.insert_account(&account("a2", "Boulangerie du Port", "Marseille"));
        index.insert_account(&account("a3", "Café de la Boule", "Lyon"));
        index.insert_account(&account("a4", "Boulanger", "Lyon"));
        index
    }

    #[test]
    fn a_word_typed_without_accents_finds_the_accented_name_by_prefix() {
        let index = sample();
        let hits = index.query("eleve", 10);
        assert_eq!(titles(&hits), vec!["Boulangerie Élevé"]);
        assert_eq!(hits[0].field, MatchedField::Name);
        assert_eq!(hits[0].kind, HitKind::Account);
        assert_eq!(hits[0].subtitle, "Lyon");
        assert_eq!(titles(&index.query("ÉLE", 10)), vec!["Boulangerie Élevé"]);
    }

    #[test]
    fn every_typed_word_must_match() {
        let index = sample();
        let hits = index.query("boul lyon", 10);
        assert_eq!(
            titles(&hits),
            vec!["Boulanger", "Boulangerie Élevé", "Café de la Boule"]
        );
        assert_eq!(hits[0].field, MatchedField::Address);
        assert!(index.query("boul paris", 10).is_empty());
    }

    #[test]
    fn names_starting_with_the_query_rank_first_then_shorter_names() {
        let index = sample();
        assert_eq!(
            titles(&index.query("boul", 10)),
            vec![
                "Boulanger",
                "Boulangerie du Port",
                "Boulangerie Élevé",
                "Café de la Boule"
            ]
        );
        assert_eq!(
            titles(&index.query("boul", 2)),
            vec!["Boulanger", "Boulangerie du Port"]
        );
    }

    #[test]
    fn more_words_found_in_the_name_rank_higher() {
        let mut index = SearchIndex::new();
        index.insert_account(&account("a1", "Garage Central", "Port-Vendres"));
        index.insert_account(&account("a2", "Garage du Port", "Lyon"));
        assert_eq!(
            titles(&index.query("garage port", 10)),
            vec!["Garage du Port", "Garage Central"]
        );
    }

    #[test]
    fn a_replaced_row_is_found_by_its_new_words_only_and_a_removed_row_not_at_all() {
        let mut index = sample();
        index.insert_account(&account("a1", "Pâtisserie Élevé", "Lyon"));
        assert_eq!(index.len(), 4);
        assert_eq!(titles(&index.query("pat", 10)), vec!["Pâtisserie Élevé"]);
        assert!(!titles(&index.query("boulangerie", 10)).contains(&"Pâtisserie Élevé"));
        assert!(index.remove("a1"));
        assert!(!index.remove("a1"));
        assert!(index.query("eleve", 10).is_empty());
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn many_updates_compact_the_postings_and_keep_results_right() {
        let mut index = SearchIndex::new();
        for round in 0..3 * COMPACTION_MINIMUM {
            index.insert_account(&account("a1", &format!("Client {round}"), "Lyon"));
        }
        assert_eq!(index.len(), 1);
        assert_eq!(index.query("client", 10).len(), 1);
        assert!(index.entries.len() < 2 * COMPACTION_MINIMUM);
        assert!(index.term_count() < COMPACTION_MINIMUM + 10);
    }

    #[test]
    fn a_contact_is_found_by_an_email_prefix_and_shows_its_account() {
        let mut index = sample();
        index.insert_contact(&ContactIndexRow {
            id: "c1".to_owned(),
            display_name: "Jérôme Lefèvre".to_owned(),
            sort_name: "lefevre jerome".to_owned(),
            search_terms: vec!["gerant", "jerome", "lefevre", "jlf", "orange", "fr"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            job_title: "Gérant".to_owned(),
            emails: vec!["jlf@orange.fr".to_owned()],
            accounts: vec!["a1".to_owned()],
            owner: None,
            heads: Vec::new(),
        });
        let hits = index.query("jlf@ora", 10);
        assert_eq!(titles(&hits), vec!["Jérôme Lefèvre"]);
        assert_eq!(hits[0].kind, HitKind::Contact);
        assert_eq!(hits[0].field, MatchedField::Email);
        assert_eq!(hits[0].subtitle, "Gérant · Boulangerie Élevé");
        assert_eq!(index.query("lefe", 10)[0].field, MatchedField::Name);
    }

    #[test]
    fn a_deal_is_found_by_a_word_of_its_title() {
        let mut index = sample();
        index.insert_deal(&DealIndexRow {
            id: "d1".to_owned(),
            title: "Four à sole 4 bouches".to_owned(),
            account: Some("a2".to_owned()),
            stage: "propose".to_owned(),
            search_terms: search_terms("Four à sole 4 bouches"),
            ..DealIndexRow::default()
        });
        let hits = index.query("sole", 10);
        assert_eq!(titles(&hits), vec!["Four à sole 4 bouches"]);
        assert_eq!(hits[0].kind, HitKind::Deal);
        assert_eq!(hits[0].subtitle, "Boulangerie du Port · propose");
    }

    #[test]
    fn an_account_is_found_by_a_word_of_a_visit_report_or_of_its_notes() {
        let mut index = sample();
        let mut row = account("a5", "Fournil Saint-Jean", "Annecy");
        row.note_words = "livraison avant sonner".to_owned();
        row.report_words = "stock farine commande prevue".to_owned();
        index.insert_account(&row);
        let hits = index.query("farin", 10);
        assert_eq!(titles(&hits), vec!["Fournil Saint-Jean"]);
        assert_eq!(hits[0].field, MatchedField::Report);
        assert_eq!(
            index.query("fournil livr", 10)[0].field,
            MatchedField::Notes
        );
        assert_eq!(index.query("fourn", 10)[0].field, MatchedField::Name);
    }

    #[test]
    fn an_empty_or_blank_query_finds_nothing() {
        let index = sample();
        assert!(index.query("", 10).is_empty());
        assert!(index.query("  ,;! ", 10).is_empty());
        assert!(index.query("boul", 0).is_empty());
    }

    #[test]
    fn an_unreadable_row_is_not_indexed() {
        let mut index = sample();
        index.insert_account(&AccountIndexRow {
            id: "a1".to_owned(),
            unreadable: true,
            ..AccountIndexRow::default()
        });
        assert_eq!(index.len(), 3);
        assert!(index.query("eleve", 10).is_empty());
    }

    proptest! {
        #[test]
        fn any_query_returns_without_panicking(text in any::<String>(), limit in 0_usize..20) {
            let index = sample();
            let hits = index.query(&text, limit);
            prop_assert!(hits.len() <= limit);
        }

        #[test]
        fn punctuation_and_emoji_never_panic(text in "[a-zé🥖 .,;:!?'\"@#-]{0,40}") {
            let index = sample();
            let hits = index.query(&text, 5);
            prop_assert!(hits.len() <= 5);
        }
    }
}
