//! A keystroke in a text field, as the field saw it: the text it held just before and just
//! after. The page's copy of a record can move on between the field's last render and the
//! rep's next keystroke (a read arrived and its render waits, which Yew may put off by a
//! timer, throttled to a second or more in a background tab). The keystroke was typed on what
//! the field showed, not on the copy: taking the copy as its base would read the characters the
//! field had not shown yet as deleted. So the keystroke is carried over onto the copy as it is
//! now ([`TypedText::onto`]), and only then sent as an edit.

use shared::record_patch::text::merge_text;

/// What a text field read before and after one input event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedText {
    /// What the field showed when the rep typed.
    pub before: String,
    /// What it read after.
    pub after: String,
}

impl TypedText {
    /// The field's new text as the rep sees it (to validate a required field, say).
    pub fn text(&self) -> &str {
        &self.after
    }

    /// `now` (the page's copy of the field) with this keystroke made to it as well.
    pub fn onto(&self, now: &str) -> String {
        merge_text(&self.before, &self.after, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(before: &str, after: &str) -> TypedText {
        TypedText {
            before: before.to_owned(),
            after: after.to_owned(),
        }
    }

    #[test]
    fn a_keystroke_on_the_copy_the_field_showed_gives_what_the_field_reads() {
        assert_eq!(typed("abc", "abcd").onto("abc"), "abcd");
        assert_eq!(typed("abcd", "abd").onto("abcd"), "abd");
    }

    #[test]
    fn a_keystroke_typed_before_a_read_was_shown_keeps_what_the_read_brought() {
        // The field still showed "abc0de" when the other tab's "fg" arrived in the copy.
        assert_eq!(typed("abc0de", "abc0de1").onto("abc0defg"), "abc0defg1");
        // Something arrived at the start while the rep typed at the end.
        assert_eq!(
            typed("Visite", "Visite ok").onto("Bonne Visite"),
            "Bonne Visite ok"
        );
    }

    #[test]
    fn a_deletion_typed_on_an_older_copy_deletes_only_what_the_rep_deleted() {
        assert_eq!(typed("abc0de", "abc0d").onto("abc0defg"), "abc0dfg");
    }

    #[test]
    fn an_input_event_that_changed_nothing_leaves_the_copy_as_it_is() {
        assert_eq!(typed("abc", "abc").onto("abcdef"), "abcdef");
    }
}
