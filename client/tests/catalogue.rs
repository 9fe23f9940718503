//! Every string a rep can read goes through the Fluent catalogue, checked on the host by reading
//! the client's own sources: a view (`html!`) must not show an English literal, and every
//! message id the code names (`"problem-…"` ids, `t("…")`, `t_with("…")`) must exist in both
//! French and English.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Attributes whose value a person reads or hears.
const VISIBLE_ATTRIBUTES: &[&str] = &["aria-label", "title", "placeholder", "alt", "label"];

/// Literals a view may show as they are: the product's name and typography.
const ALLOWED_LITERALS: &[&str] = &["Carnet"];

/// A string literal found in a source file.
#[derive(Debug)]
struct Literal {
    /// Its contents (escapes left as written).
    text: String,
    /// Byte offset of the opening quote.
    start: usize,
    /// Byte offset just after the closing quote.
    end: usize,
}

/// The Rust sources of the client.
fn sources() -> Result<Vec<(PathBuf, String)>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut pending = vec![root];
    let mut found = Vec::new();
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory).map_err(|error| error.to_string())?;
        for entry in entries {
            let path = entry.map_err(|error| error.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).map_err(|error| error.to_string())?;
                found.push((path, text));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Every message id of one language's catalogue files.
fn catalogue_ids(language: &str) -> Result<BTreeSet<String>, String> {
    let mut ids = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut pending = vec![root];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).map_err(|error| error.to_string())? {
            let path = entry.map_err(|error| error.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().and_then(|name| name.to_str())
                == Some(&format!("{language}.ftl"))
            {
                let text = std::fs::read_to_string(&path).map_err(|error| error.to_string())?;
                for line in text.lines() {
                    let Some((id, _)) = line.split_once(" =") else {
                        continue;
                    };
                    if !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        ids.insert(id.to_owned());
                    }
                }
            }
        }
    }
    Ok(ids)
}

/// The string literals of `source`, skipping comments and character literals.
fn literals(source: &str) -> Vec<Literal> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at += 2;
                while at + 1 < bytes.len() && !(bytes[at] == b'*' && bytes[at + 1] == b'/') {
                    at += 1;
                }
                at += 2;
            }
            b'\'' => {
                // A character literal ('"', '\'', 'x') or a lifetime ('a).
                if bytes.get(at + 1) == Some(&b'\\') {
                    at += 2;
                    while at < bytes.len() && bytes[at] != b'\'' {
                        at += 1;
                    }
                    at += 1;
                } else if bytes.get(at + 2) == Some(&b'\'') {
                    at += 3;
                } else {
                    at += 1;
                }
            }
            b'r' if bytes.get(at + 1) == Some(&b'#') || bytes.get(at + 1) == Some(&b'"') => {
                let previous_is_identifier =
                    at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
                let hashes = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
                if previous_is_identifier || bytes.get(at + 1 + hashes) != Some(&b'"') {
                    at += 1;
                    continue;
                }
                let start = at;
                let body = at + 2 + hashes;
                let closing = format!("\"{}", "#".repeat(hashes));
                match source[body..].find(&closing) {
                    Some(length) => {
                        let end = body + length + closing.len();
                        found.push(Literal {
                            text: source[body..body + length].to_owned(),
                            start,
                            end,
                        });
                        at = end;
                    }
                    None => at = bytes.len(),
                }
            }
            b'"' => {
                let start = at;
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    if bytes[at] == b'\\' {
                        at += 1;
                    }
                    at += 1;
                }
                let end = (at + 1).min(bytes.len());
                found.push(Literal {
                    text: source[start + 1..at.min(bytes.len())].to_owned(),
                    start,
                    end,
                });
                at = end;
            }
            _ => at += 1,
        }
    }
    found
}

/// The byte ranges of every `html! { … }` body in `source`.
fn views(source: &str, literals: &[Literal]) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let inside_literal = |at: usize| literals.iter().any(|l| l.start <= at && at < l.end);
    let mut ranges = Vec::new();
    let mut search = 0;
    while let Some(offset) = source[search..].find("html!") {
        let macro_at = search + offset;
        search = macro_at + 5;
        if inside_literal(macro_at) {
            continue;
        }
        let Some(open) = source[search..].find(['{', '(']).map(|o| search + o) else {
            break;
        };
        let (opening, closing) = if bytes[open] == b'{' {
            (b'{', b'}')
        } else {
            (b'(', b')')
        };
        let mut depth = 0usize;
        let mut at = open;
        while at < bytes.len() {
            if !inside_literal(at) {
                if bytes[at] == opening {
                    depth += 1;
                } else if bytes[at] == closing {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            at += 1;
        }
        ranges.push((open, at));
        search = at;
    }
    ranges
}

/// Whether `text` reads as words (two letters in a row), not an id, a class or a symbol.
fn has_words(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_alphabetic() {
            run += 1;
            if run >= 2 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// The English (or any untranslated) literals a view shows: text nodes `{ "…" }` and visible
/// attributes `title="…"`.
fn shown_literals(source: &str) -> Vec<String> {
    let all = literals(source);
    let mut shown = Vec::new();
    for (start, end) in views(source, &all) {
        for literal in all.iter().filter(|l| start < l.start && l.end <= end) {
            if !has_words(&literal.text) || ALLOWED_LITERALS.contains(&literal.text.as_str()) {
                continue;
            }
            let before = source[..literal.start].trim_end();
            let after = source[literal.end..].trim_start();
            // `{ "…" }` as a child (after a tag, a block or the macro's own brace), not the
            // branch of an `if … { "a" } else { "b" }` that picks a message id.
            let text_node = before
                .strip_suffix('{')
                .is_some_and(|outer| outer.trim_end().ends_with(['>', '}', '{', '!']))
                && after.starts_with('}');
            let attribute = before.strip_suffix('=').is_some_and(|name| {
                VISIBLE_ATTRIBUTES
                    .iter()
                    .any(|visible| name.trim_end().ends_with(visible))
            });
            if text_node || attribute {
                let line = source[..literal.start].lines().count();
                shown.push(format!("line {line}: \"{}\"", literal.text));
            }
        }
    }
    shown
}

/// The message ids the code names as literals: problems, and the ids given to `t`/`t_with`.
fn named_ids(source: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for literal in literals(source) {
        let before = source[..literal.start].trim_end();
        let is_problem = literal.text.starts_with("problem-")
            && literal
                .text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let is_message = before.ends_with(".t(") || before.ends_with(".t_with(");
        if is_problem || (is_message && !literal.text.contains('{')) {
            ids.push(literal.text);
        }
    }
    ids
}

#[test]
fn no_view_shows_a_literal_outside_the_catalogue() -> Result<(), String> {
    let mut offenders = Vec::new();
    for (path, source) in sources()? {
        for shown in shown_literals(&source) {
            offenders.push(format!("{}: {shown}", path.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "views show text that is not in the catalogue:\n{}",
        offenders.join("\n")
    );
    Ok(())
}

#[test]
fn every_message_id_the_code_names_exists_in_french_and_english() -> Result<(), String> {
    let french = catalogue_ids("fr")?;
    let english = catalogue_ids("en")?;
    assert!(
        french.len() > 100 && english.len() > 100,
        "the catalogues were not found"
    );
    let mut missing = Vec::new();
    for (path, source) in sources()? {
        for id in named_ids(&source) {
            for (language, ids) in [("fr", &french), ("en", &english)] {
                if !ids.contains(&id) {
                    missing.push(format!("{}: {id} missing in {language}", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    Ok(())
}

#[test]
fn the_checker_finds_a_text_node_an_attribute_and_a_missing_problem() {
    let view =
        r##"fn view() -> Html { html! { <p title="Close it">{ "Saved" }{ i18n.t("ok") }</p> } }"##;
    assert_eq!(
        shown_literals(view),
        vec!["line 1: \"Close it\"", "line 1: \"Saved\""]
    );
    let ids = named_ids(r#"Problem::new("problem-no-such-thing"); i18n.t("saved-at"); x('"');"#);
    assert_eq!(ids, vec!["problem-no-such-thing", "saved-at"]);
    let clean = r#"html! { <p class="muted" id="x-1">{ i18n.t("a") }{ "·" }</p> }"#;
    assert!(shown_literals(clean).is_empty());
}
