//! Accent- and case-insensitive prefix search: the folding of text into terms, and
//! [`SearchIndex`], the in-memory index the search box queries as the rep types.
//!
//! Search reads only the derived index rows (`crate::index`), never documents, and does no IO:
//! rows in, hits out.

mod engine;
mod ranking;

pub use engine::{Hit, HitKind, MatchedField, SavedIndexError, SearchIndex, MAX_QUERY_WORDS};

/// Lower-cases `text`, strips the accents of Latin letters and splits it into words, so that
/// "Élevé" and "eleve" produce the same term.
pub fn search_terms(text: &str) -> Vec<String> {
    let folded: String = text.chars().flat_map(fold_char).collect();
    folded
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The words of free text (notes, reports) worth indexing: [`search_terms`] without words of
/// fewer than three letters and without the commonest French and English function words, which
/// would make every row match and the rows larger.
pub fn significant_terms(text: &str) -> Vec<String> {
    let mut terms = search_terms(text);
    terms.retain(|term| term.chars().count() >= 3 && !STOP_WORDS.contains(&term.as_str()));
    terms
}

/// Folded function words [`significant_terms`] leaves out.
const STOP_WORDS: &[&str] = &[
    "and", "aux", "avec", "ces", "cet", "cette", "dans", "des", "elle", "est", "for", "ils", "les",
    "leur", "mais", "nous", "par", "pas", "pour", "que", "qui", "ses", "son", "sur", "the", "une",
    "vous", "was", "with",
];

/// Folds one character to its lower-case, accent-free form (several characters for ligatures).
fn fold_char(character: char) -> impl Iterator<Item = char> {
    let folded: &str = match character {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' => "c",
        'È' | 'É' | 'Ê' | 'Ë' | 'è' | 'é' | 'ê' | 'ë' => "e",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'ì' | 'í' | 'î' | 'ï' => "i",
        'Ñ' | 'ñ' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'Œ' | 'œ' => "oe",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ý' | 'Ÿ' | 'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => "",
    };
    let replacement: Vec<char> = if folded.is_empty() {
        character.to_lowercase().collect()
    } else {
        folded.chars().collect()
    };
    replacement.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(search_terms("Élevé Œuvre"), vec!["eleve", "oeuvre"]);
    }

    #[test]
    fn significant_terms_leave_out_short_and_function_words() {
        assert_eq!(
            significant_terms("Le gérant veut un devis pour le four à sole."),
            vec!["gerant", "veut", "devis", "four", "sole"]
        );
    }

    #[test]
    fn punctuation_separates_words() {
        assert_eq!(
            search_terms("Dupont & Fils, S.A."),
            vec!["dupont", "fils", "s", "a"]
        );
    }
}
