//! Normalisation of text for accent- and case-insensitive prefix search.

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
    fn punctuation_separates_words() {
        assert_eq!(
            search_terms("Dupont & Fils, S.A."),
            vec!["dupont", "fils", "s", "a"]
        );
    }
}
