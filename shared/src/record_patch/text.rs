//! Typing as text edits: the one splice between two versions of a text, and the three-way
//! merge of a page's typing into a text that changed since the page was shown it (another tab
//! of the device, or sync, wrote meanwhile), so neither side's keystrokes are lost.
//!
//! Works on Unicode code points; it knows nothing of records or documents.

/// A splice in Unicode code points: delete `delete` characters at `position`, insert `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    /// Where the edit starts (in characters).
    pub position: usize,
    /// How many characters it removes.
    pub delete: usize,
    /// What it inserts.
    pub insert: String,
}

/// The smallest single splice turning `before` into `after` (`None` when they are equal): the
/// common prefix and suffix are kept.
pub fn splice_between(before: &str, after: &str) -> Option<Splice> {
    if before == after {
        return None;
    }
    let old: Vec<char> = before.chars().collect();
    let new: Vec<char> = after.chars().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old
        .iter()
        .skip(prefix)
        .rev()
        .zip(new.iter().skip(prefix).rev())
        .take_while(|(a, b)| a == b)
        .count();
    Some(Splice {
        position: prefix,
        delete: old.len() - prefix - suffix,
        insert: new
            .iter()
            .skip(prefix)
            .take(new.len() - prefix - suffix)
            .collect(),
    })
}

/// The text `current` with the edit that turned `base` into `edited` made to it as well: what
/// a page typed on the copy it was shown (`base`), merged into the text as it is now.
///
/// Both edits are read as one splice each against `base`. An edit wholly before or after the
/// other's stretch lands where it was made; typing at the very place the other edit inserted
/// goes after that insertion (the rep types on at the end of what arrived first); two edits of
/// one stretch leave both insertions and neither's deleted characters. The same edit on both
/// sides (an edit replayed to a text that already holds it) is made once.
pub fn merge_text(base: &str, edited: &str, current: &str) -> String {
    let Some(ours) = splice_between(base, edited) else {
        return current.to_owned();
    };
    let Some(theirs) = splice_between(base, current) else {
        return edited.to_owned();
    };
    if ours == theirs {
        return current.to_owned();
    }
    let ours_end = ours.position + ours.delete;
    let theirs_end = theirs.position + theirs.delete;
    let inserted = theirs.insert.chars().count();
    // Where a position of `base` at or past the other edit's stretch is in `current`.
    let moved = |position: usize| position - theirs.delete + inserted;
    let typed_at_their_insertion = ours.delete == 0 && ours.position == theirs.position;
    let (start, end, insert) = if ours_end <= theirs.position && !typed_at_their_insertion {
        (ours.position, ours_end, ours.insert)
    } else if ours.position >= theirs_end {
        (moved(ours.position), moved(ours_end), ours.insert)
    } else {
        // One stretch both edited: every character of it was deleted by one side or the other.
        let insert = if ours.position < theirs.position {
            ours.insert + &theirs.insert
        } else {
            theirs.insert + &ours.insert
        };
        (
            ours.position.min(theirs.position),
            moved(ours_end.max(theirs_end)),
            insert,
        )
    };
    let mut merged: String = current.chars().take(start).collect();
    merged.push_str(&insert);
    merged.extend(current.chars().skip(end));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, splice: &Splice) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        chars.splice(
            splice.position..splice.position + splice.delete,
            splice.insert.chars(),
        );
        chars.into_iter().collect()
    }

    #[test]
    fn typing_one_letter_is_one_insertion_where_it_was_typed() {
        let splice = splice_between("Visite ok", "Visite très ok");
        assert_eq!(
            splice,
            Some(Splice {
                position: 7,
                delete: 0,
                insert: "très ".to_owned()
            })
        );
    }

    #[test]
    fn deleting_and_replacing_keep_the_common_ends() {
        let splice = splice_between("Élevé et bon", "Élevé mais bon");
        assert_eq!(
            splice,
            Some(Splice {
                position: 6,
                delete: 2,
                insert: "mais".to_owned()
            })
        );
        assert_eq!(splice_between("abc", "abc"), None);
    }

    #[test]
    fn any_edit_applied_to_the_old_text_gives_the_new_text() {
        let cases = [
            ("", "bonjour"),
            ("bonjour", ""),
            ("aaaa", "aa"),
            ("abab", "ab"),
            ("café crème", "cafés crèmes"),
            ("😀 ok", "😀😀 ok"),
        ];
        for (before, after) in cases {
            let splice = splice_between(before, after).unwrap_or(Splice {
                position: 0,
                delete: 0,
                insert: String::new(),
            });
            assert_eq!(apply(before, &splice), after, "{before:?} → {after:?}");
        }
    }

    #[test]
    fn a_keystroke_typed_on_an_older_copy_keeps_the_keystroke_another_tab_stored_meanwhile() {
        // The tab was shown "Nantes 0 " and typed a space; the other tab's "1" was stored.
        assert_eq!(
            merge_text("Nantes 0 ", "Nantes 0  ", "Nantes 0 1"),
            "Nantes 0 1 "
        );
        // It types on, still on its copy: the next keystroke goes after the "1" too.
        assert_eq!(
            merge_text("Nantes 0  ", "Nantes 0  2", "Nantes 0 1 "),
            "Nantes 0 1 2"
        );
    }

    #[test]
    fn edits_on_either_side_of_the_other_edit_land_where_they_were_made() {
        assert_eq!(
            merge_text("Visite ok", "Visite très ok", "Visite ok, rappel"),
            "Visite très ok, rappel"
        );
        assert_eq!(
            merge_text("Visite ok", "Visite ok, rappel", "La visite ok"),
            "La visite ok, rappel"
        );
        assert_eq!(merge_text("Lyon 3e", "Lyon", "Lyon 3e arr."), "Lyon arr.");
    }

    #[test]
    fn two_edits_of_one_stretch_keep_both_insertions() {
        // The other side replaced "bon"; this one typed into it.
        assert_eq!(
            merge_text("très bon", "très boXn", "très mauvais"),
            "très mauvaisX"
        );
        assert_eq!(merge_text("abcdef", "aZf", "abcYf"), "aZYf");
    }

    #[test]
    fn an_edit_the_text_already_holds_is_not_made_twice_and_no_edit_keeps_the_text() {
        assert_eq!(merge_text("Nantes", "Nantes 1", "Nantes 1"), "Nantes 1");
        assert_eq!(merge_text("Nantes", "Nantes", "Nantes 1"), "Nantes 1");
        assert_eq!(merge_text("Nantes", "Nantes 1", "Nantes"), "Nantes 1");
    }
}
