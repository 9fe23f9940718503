//! vCard: export of contacts as vCard 4.0 (RFC 6350) and import of vCard 3.0 and 4.0 files
//! (2.1's quoted-printable too, which phones still export).
//!
//! Hand-written rather than a crate: the one well-kept parser (`vcard4`) accepts only RFC 6350
//! property names, refusing the vCard 3.0 exports phones and Outlook write (`LABEL`, bare
//! `TEL;CELL:` types, quoted-printable), and brings a lexer generator, a date library and a URI
//! parser into the wasm client for the dozen properties a contact card needs. The text layer
//! (line folding, escapes, parameters) lives here, shared by both directions.

mod read;
mod write;

pub use read::{read_vcards, VcardError};
pub use write::{contacts_to_vcard, VcardContact};

/// The longest line, in octets, before it is folded (RFC 6350 §3.2).
const FOLD_AT: usize = 75;

/// Escapes a text value: backslash, newline, comma and semicolon (RFC 6350 §3.4).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ',' => escaped.push_str("\\,"),
            ';' => escaped.push_str("\\;"),
            '\r' if characters.peek() == Some(&'\n') => {}
            '\n' | '\r' => escaped.push_str("\\n"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Undoes [`escape`] (and reads `\N` as a newline, as vCard 3.0 allows).
fn unescape(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            plain.push(character);
            continue;
        }
        match characters.next() {
            Some('n' | 'N') => plain.push('\n'),
            Some(other) => plain.push(other),
            None => plain.push('\\'),
        }
    }
    plain
}

/// Splits a value at every `separator` not escaped by a backslash (the parts stay escaped).
fn split_unescaped(value: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (index, character) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if character == '\\' {
            escaped = true;
        } else if character == separator {
            parts.push(&value[start..index]);
            start = index + character.len_utf8();
        }
    }
    parts.push(&value[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_survive_the_round_trip() {
        let text = "Rue de la Paix; bât. B, 2e\nporte \\ gauche";
        let escaped = escape(text);
        assert_eq!(
            escaped,
            "Rue de la Paix\\; bât. B\\, 2e\\nporte \\\\ gauche"
        );
        assert_eq!(unescape(&escaped), text);
        assert_eq!(split_unescaped("a\\;b;c", ';'), vec!["a\\;b", "c"]);
    }
}
