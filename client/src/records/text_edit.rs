//! Turning "the text field now reads X" into the one splice that changed it, so typing becomes
//! Automerge text operations (which merge with a colleague's typing) instead of a replacement
//! of the whole value (which would not).

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
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    Some(Splice {
        position: prefix,
        delete: old.len() - prefix - suffix,
        insert: new[prefix..new.len() - suffix].iter().collect(),
    })
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
}
