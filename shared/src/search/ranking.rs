//! How one record fares against a query's words, and the order its hit is shown in.
//!
//! It knows nothing of terms, rows or postings: the engine reports each (word, field) match and
//! asks for the rank at the end.

use std::cmp::Reverse;

use crate::search::engine::MatchedField;

/// Where a term was found in a record, strongest first: the order ranks hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
    /// The first word of the name (or of a contact's last name).
    #[default]
    NameStart = 0,
    /// Another word of the name.
    Name = 1,
    /// The display address's city or postcode.
    Address = 2,
    /// A contact's e-mail address.
    Email = 3,
    /// Another row term (industry, tags, SIREN, job title…).
    Details = 4,
    /// The account's notes.
    Notes = 5,
    /// An activity report.
    Report = 6,
}

impl Field {
    /// The field stored in a posting's low bits.
    pub(super) fn from_bits(bits: u32) -> Self {
        match bits {
            0 => Self::NameStart,
            1 => Self::Name,
            2 => Self::Address,
            3 => Self::Email,
            4 => Self::Details,
            5 => Self::Notes,
            _ => Self::Report,
        }
    }

    fn is_name(self) -> bool {
        matches!(self, Self::NameStart | Self::Name)
    }

    fn matched(self) -> MatchedField {
        match self {
            Self::NameStart | Self::Name => MatchedField::Name,
            Self::Address => MatchedField::Address,
            Self::Email => MatchedField::Email,
            Self::Details => MatchedField::Details,
            Self::Notes => MatchedField::Notes,
            Self::Report => MatchedField::Report,
        }
    }
}

/// One record's matches so far, as the query's words are looked up in order. A record that
/// missed a word is never credited again (the words are ANDed), so no per-word set is needed.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Tally {
    /// How many of the first words matched (all of them, in order).
    words: u8,
    /// The best field the latest matched word was found in, not yet folded in.
    current: Field,
    /// Whether the latest matched word is one of the record's terms in full.
    current_exact: bool,
    /// The best field of the first word.
    first: Field,
    /// How many folded words were found in the name.
    name_words: u8,
    /// How many folded words were whole terms.
    exact_words: u8,
    /// The weakest of the folded words' best fields.
    weakest: Field,
}

/// How a tally orders: smaller is better.
pub(super) type Rank = (bool, Reverse<u8>, Reverse<u8>, Field);

impl Tally {
    /// Whether no word matched yet.
    pub(super) fn is_untouched(&self) -> bool {
        self.words == 0
    }

    /// Credits word `index` (counting from 0) found as a term in `field`, `exact` when the term
    /// is the word in full. Ignored when an earlier word did not match.
    pub(super) fn record(&mut self, index: usize, field: Field, exact: bool) {
        let Ok(index) = u8::try_from(index) else {
            return;
        };
        if self.words == index {
            if index > 0 {
                self.fold();
            }
            self.words = index + 1;
            self.current = field;
            self.current_exact = exact;
        } else if self.words == index.saturating_add(1) {
            self.current = self.current.min(field);
            self.current_exact |= exact;
        }
    }

    /// The final tally when all `word_count` words matched.
    pub(super) fn finish(&self, word_count: usize) -> Option<Self> {
        if usize::from(self.words) != word_count {
            return None;
        }
        let mut tally = *self;
        tally.fold();
        Some(tally)
    }

    /// The order of a finished tally: the first word starts the name, more words in the name,
    /// more words typed in full, stronger weakest field.
    pub(super) fn rank(&self) -> Rank {
        (
            self.first != Field::NameStart,
            Reverse(self.name_words),
            Reverse(self.exact_words),
            self.weakest,
        )
    }

    /// The field a finished tally's hit names.
    pub(super) fn field(&self) -> MatchedField {
        self.weakest.matched()
    }

    fn fold(&mut self) {
        if self.words == 1 {
            self.first = self.current;
        }
        self.name_words += u8::from(self.current.is_name());
        self.exact_words += u8::from(self.current_exact);
        self.weakest = self.weakest.max(self.current);
    }
}
