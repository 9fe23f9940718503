//! The index's saved form: the bytes a device keeps so that search answers as soon as the app
//! opens, instead of re-reading and re-folding every row (13 s at 50,000 accounts).
//!
//! Layout (all integers little-endian `u32`, strings as a length then UTF-8 bytes):
//! `CSI1`, the record count, each record (kind byte, id, title, detail, account flag byte and
//! id), the term count, each term (text, posting count, postings). Only live records are
//! written, renumbered densely, so a loaded index holds no tombstone.
//!
//! The bytes come from the device's own storage, but storage can be damaged or written by
//! another build: every length is checked against the bytes that remain before anything is
//! allocated, and every posting must name a record and a field that exist.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Entry, HitKind, Posting, SearchIndex};
use crate::search::ranking::Field;

/// The first bytes of every saved index (the format's version is its last byte).
const MAGIC: &[u8; 4] = b"CSI1";
/// The highest field number a posting may carry (see [`Field`]).
const LAST_FIELD: u32 = Field::Report as u32;

/// Why saved bytes are not an index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedIndexError {
    /// The bytes do not start with this format's mark (another version, or not an index).
    #[error("not a saved search index of this version")]
    UnknownFormat,
    /// The bytes end in the middle of something.
    #[error("the saved search index is cut short")]
    Truncated,
    /// A string is not UTF-8.
    #[error("the saved search index holds text that is not UTF-8")]
    NotText,
    /// A record kind, a posting or a flag names something that does not exist.
    #[error("the saved search index is inconsistent: {0}")]
    Inconsistent(&'static str),
    /// Bytes remain after the last term.
    #[error("the saved search index has bytes after its end")]
    TrailingBytes,
}

impl SearchIndex {
    /// The index's saved form (see the module's note for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Live records get dense slots in their current order.
        let mut renumbered: Vec<Option<u32>> = vec![None; self.entries.len()];
        let mut live = 0_u32;
        for (slot, entry) in self.entries.iter().enumerate() {
            if entry.alive && self.slots.get(&*entry.id) == Some(&(slot as u32)) {
                if let Some(new) = renumbered.get_mut(slot) {
                    *new = Some(live);
                }
                live += 1;
            }
        }
        let mut bytes = Vec::with_capacity(self.heap_size());
        bytes.extend_from_slice(MAGIC);
        put_u32(&mut bytes, live);
        for (slot, entry) in self.entries.iter().enumerate() {
            if renumbered.get(slot).copied().flatten().is_none() {
                continue;
            }
            bytes.push(kind_byte(entry.kind));
            put_str(&mut bytes, &entry.id);
            put_str(&mut bytes, &entry.title);
            put_str(&mut bytes, &entry.detail);
            match &entry.account {
                Some(account) => {
                    bytes.push(1);
                    put_str(&mut bytes, account);
                }
                None => bytes.push(0),
            }
        }
        let terms: Vec<(&str, Vec<u32>)> = self
            .terms
            .iter()
            .filter_map(|(term, postings)| {
                let postings: Vec<u32> = postings
                    .iter()
                    .filter_map(|posting| {
                        let slot = renumbered.get(posting.slot() as usize).copied().flatten()?;
                        Some(Posting::new(slot, posting.field()).0)
                    })
                    .collect();
                (!postings.is_empty()).then_some((&**term, postings))
            })
            .collect();
        put_u32(&mut bytes, terms.len() as u32);
        for (term, postings) in terms {
            put_str(&mut bytes, term);
            put_u32(&mut bytes, postings.len() as u32);
            for posting in postings {
                put_u32(&mut bytes, posting);
            }
        }
        bytes
    }

    /// Reads an index back from [`SearchIndex::to_bytes`]'s form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SavedIndexError> {
        let mut reader = Reader { bytes };
        if reader.take(MAGIC.len())? != MAGIC {
            return Err(SavedIndexError::UnknownFormat);
        }
        // Each record needs at least 17 bytes (a kind, three lengths, a flag): a count the
        // bytes cannot hold is refused before anything is reserved.
        let count = reader.count(17)?;
        let mut entries = Vec::with_capacity(count);
        let mut slots = HashMap::with_capacity(count);
        for slot in 0..count {
            let kind = match reader.byte()? {
                0 => HitKind::Account,
                1 => HitKind::Contact,
                2 => HitKind::Deal,
                _ => return Err(SavedIndexError::Inconsistent("unknown record kind")),
            };
            let id: Arc<str> = Arc::from(reader.text()?);
            let title: Box<str> = reader.text()?.into();
            let detail: Box<str> = reader.text()?.into();
            let account = match reader.byte()? {
                0 => None,
                1 => Some(reader.text()?),
                _ => return Err(SavedIndexError::Inconsistent("unknown account flag")),
            };
            if slots.insert(Arc::clone(&id), slot as u32).is_some() {
                return Err(SavedIndexError::Inconsistent("a record is saved twice"));
            }
            entries.push((kind, id, title, detail, account));
        }
        // Accounts named by contacts and deals share the indexed account's id when it is one.
        let entries: Vec<Entry> = entries
            .into_iter()
            .map(|(kind, id, title, detail, account)| Entry {
                kind,
                alive: true,
                id,
                title,
                detail,
                account: account.map(|account| {
                    slots
                        .get_key_value(account)
                        .map_or_else(|| Arc::from(account), |(shared, _)| Arc::clone(shared))
                }),
            })
            .collect();
        // Each term needs at least 8 bytes (two lengths).
        let term_count = reader.count(8)?;
        let mut terms = Vec::with_capacity(term_count);
        for _ in 0..term_count {
            let term: Box<str> = reader.text()?.into();
            let posting_count = reader.count(4)?;
            let mut postings = Vec::with_capacity(posting_count);
            for _ in 0..posting_count {
                let posting = Posting(reader.u32()?);
                if posting.slot() as usize >= entries.len()
                    || posting.0 & ((1 << Posting::FIELD_BITS) - 1) > LAST_FIELD
                {
                    return Err(SavedIndexError::Inconsistent("a posting names nothing"));
                }
                postings.push(posting);
            }
            terms.push((term, postings));
        }
        if !reader.bytes.is_empty() {
            return Err(SavedIndexError::TrailingBytes);
        }
        Ok(Self {
            // Collecting sorts and builds the tree in bulk; a term saved twice keeps its last
            // postings, as an insert would.
            terms: terms.into_iter().collect::<BTreeMap<_, _>>(),
            entries,
            slots,
            tombstones: Vec::new(),
            free: Vec::new(),
        })
    }
}

fn kind_byte(kind: HitKind) -> u8 {
    match kind {
        HitKind::Account => 0,
        HitKind::Contact => 1,
        HitKind::Deal => 2,
    }
}

fn put_u32(bytes: &mut Vec<u8>, value: u32) {
    bytes.extend_from_slice(&value.to_le_bytes());
}

fn put_str(bytes: &mut Vec<u8>, text: &str) {
    // Row strings are far below 4 GiB; a longer one is cut at a character boundary.
    let mut end = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    put_u32(bytes, end as u32);
    bytes.extend_from_slice(&text.as_bytes()[..end]);
}

/// Reads the saved form front to back, never past its end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8], SavedIndexError> {
        if length > self.bytes.len() {
            return Err(SavedIndexError::Truncated);
        }
        let (taken, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, SavedIndexError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, SavedIndexError> {
        let mut word = [0_u8; 4];
        word.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(word))
    }

    /// A count of items each at least `least` bytes long, refused when the rest cannot hold it.
    fn count(&mut self, least: usize) -> Result<usize, SavedIndexError> {
        let count = self.u32()? as usize;
        if count.saturating_mul(least) > self.bytes.len() {
            return Err(SavedIndexError::Truncated);
        }
        Ok(count)
    }

    fn text(&mut self) -> Result<&'a str, SavedIndexError> {
        let length = self.u32()? as usize;
        std::str::from_utf8(self.take(length)?).map_err(|_| SavedIndexError::NotText)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};

    fn account(id: &str, name: &str, city: &str, notes: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: id.to_owned(),
            name: name.to_owned(),
            city: city.to_owned(),
            note_words: notes.to_owned(),
            ..AccountIndexRow::default()
        }
    }

    fn workspace() -> SearchIndex {
        let mut index = SearchIndex::new();
        index.insert_account(&account("a1", "Boulangerie Élevé", "Lyon", "farine bio"));
        index.insert_account(&account("a2", "Garage du Port", "Marseille", ""));
        index.insert_contact(&ContactIndexRow {
            id: "c1".to_owned(),
            display_name: "Léa Martin".to_owned(),
            sort_name: "Martin Léa".to_owned(),
            job_title: "Gérante".to_owned(),
            emails: vec!["lea@boulangerie.fr".to_owned()],
            accounts: vec!["a1".to_owned()],
            ..ContactIndexRow::default()
        });
        index.insert_deal(&DealIndexRow {
            id: "d1".to_owned(),
            title: "Four à pain".to_owned(),
            stage: "proposal".to_owned(),
            account: Some("a1".to_owned()),
            ..DealIndexRow::default()
        });
        index
    }

    const QUERIES: [&str; 7] = [
        "boul",
        "eleve",
        "lea",
        "martin lea",
        "four",
        "farine",
        "port",
    ];

    #[test]
    fn a_saved_index_answers_every_query_as_the_index_it_was_saved_from(
    ) -> Result<(), SavedIndexError> {
        let index = workspace();
        let loaded = SearchIndex::from_bytes(&index.to_bytes())?;
        assert_eq!(loaded.len(), index.len());
        for query in QUERIES {
            assert_eq!(loaded.query(query, 10), index.query(query, 10), "{query}");
        }
        // A contact's subtitle still names its account, so the shared id was found again.
        let lea = loaded.query("lea", 1);
        assert_eq!(lea[0].subtitle, "Gérante · Boulangerie Élevé");
        Ok(())
    }

    #[test]
    fn removed_and_replaced_records_are_not_saved_and_the_loaded_index_keeps_updating(
    ) -> Result<(), SavedIndexError> {
        let mut index = workspace();
        index.remove("a2");
        index.insert_account(&account("a1", "Boucherie Centrale", "Lyon", ""));
        let mut loaded = SearchIndex::from_bytes(&index.to_bytes())?;
        assert_eq!(loaded.len(), 3);
        assert!(loaded.query("garage", 10).is_empty());
        assert!(loaded.query("eleve", 10).is_empty());
        assert_eq!(loaded.query("bouch", 10), index.query("bouch", 10));
        // Updates after loading behave as on a built index.
        loaded.insert_account(&account("a3", "Garage Moderne", "Lyon", ""));
        loaded.remove("d1");
        assert_eq!(loaded.query("garage", 10)[0].id, "a3");
        assert!(loaded.query("four", 10).is_empty());
        Ok(())
    }

    #[test]
    fn an_empty_index_round_trips() -> Result<(), SavedIndexError> {
        let loaded = SearchIndex::from_bytes(&SearchIndex::new().to_bytes())?;
        assert!(loaded.is_empty());
        Ok(())
    }

    #[test]
    fn bytes_of_another_format_or_cut_short_are_refused() {
        let bytes = workspace().to_bytes();
        assert_eq!(
            SearchIndex::from_bytes(b"CSI0rest").err(),
            Some(SavedIndexError::UnknownFormat)
        );
        for end in 0..bytes.len() {
            assert!(
                SearchIndex::from_bytes(&bytes[..end]).is_err(),
                "cut at {end} was accepted"
            );
        }
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(
            SearchIndex::from_bytes(&longer).err(),
            Some(SavedIndexError::TrailingBytes)
        );
    }

    #[test]
    fn a_count_larger_than_the_bytes_is_refused_before_anything_is_reserved() {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            SearchIndex::from_bytes(&bytes).err(),
            Some(SavedIndexError::Truncated)
        );
    }

    #[test]
    fn a_posting_naming_a_missing_record_is_refused() {
        let mut bytes = MAGIC.to_vec();
        put_u32(&mut bytes, 0); // no record
        put_u32(&mut bytes, 1); // one term
        put_str(&mut bytes, "boul");
        put_u32(&mut bytes, 1);
        put_u32(&mut bytes, Posting::new(0, Field::Name).0);
        assert!(matches!(
            SearchIndex::from_bytes(&bytes),
            Err(SavedIndexError::Inconsistent(_))
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_are_refused_or_read_without_panicking(
            bytes in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut framed = MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            if let Ok(index) = SearchIndex::from_bytes(&framed) {
                let _ = index.query("a", 5);
            }
        }

        #[test]
        fn saving_then_loading_keeps_every_answer(
            names in proptest::collection::vec("[a-zé ]{1,20}", 1..30),
            removed in proptest::collection::vec(any::<bool>(), 30),
            query in "[a-ze]{1,3}",
        ) {
            let mut index = SearchIndex::new();
            for (position, name) in names.iter().enumerate() {
                index.insert_account(&account(&format!("a{position}"), name, "", ""));
            }
            for (position, gone) in removed.iter().enumerate().take(names.len()) {
                if *gone {
                    index.remove(&format!("a{position}"));
                }
            }
            let loaded = SearchIndex::from_bytes(&index.to_bytes());
            prop_assert!(loaded.is_ok());
            let loaded = loaded.unwrap_or_default();
            prop_assert_eq!(loaded.len(), index.len());
            prop_assert_eq!(loaded.query(&query, 50), index.query(&query, 50));
        }
    }
}
