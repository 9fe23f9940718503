//! Guessing how a CSV file was written: its text encoding and its delimiter.
//!
//! French spreadsheets export Windows-1252 with semicolons; most tools export UTF-8 with commas,
//! sometimes with a byte-order mark. Bytes that are not valid UTF-8 are taken as Windows-1252
//! (every byte sequence is valid there, so it is the only safe fallback). The rep can override
//! both guesses. This module only looks at bytes; it must not interpret any field.

use std::borrow::Cow;

use super::table::ReadError;
use super::windows_1252;

/// How the file's bytes encode its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with the byte-order mark Excel writes (`EF BB BF`).
    Utf8WithBom,
    /// Windows-1252 (the "ANSI" of French Windows and of Excel's plain CSV export).
    Windows1252,
}

/// The character between fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Delimiter {
    /// `,`, the English default.
    Comma,
    /// `;`, what spreadsheets set to French write (the comma is their decimal separator).
    Semicolon,
    /// A tab character.
    Tab,
}

/// What [`sniff`] guessed about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sniffed {
    /// The text encoding.
    pub encoding: TextEncoding,
    /// The field delimiter.
    pub delimiter: Delimiter,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many records the delimiter guess reads.
const SNIFFED_RECORDS: usize = 20;

/// Guesses the encoding and the delimiter of a CSV file, or says why it cannot be one.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, ReadError> {
    refuse_non_text(bytes)?;
    let encoding = if bytes.starts_with(UTF8_BOM) {
        TextEncoding::Utf8WithBom
    } else if std::str::from_utf8(bytes).is_ok() {
        TextEncoding::Utf8
    } else {
        TextEncoding::Windows1252
    };
    let text = encoding.decode(bytes);
    Ok(Sniffed {
        encoding,
        delimiter: guess_delimiter(&text),
    })
}

impl TextEncoding {
    /// The text of `bytes` in this encoding (a byte-order mark is dropped; bytes that are not
    /// valid UTF-8 under a UTF-8 override become U+FFFD rather than an error).
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Self::Utf8 | Self::Utf8WithBom => {
                let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
                // Each invalid sequence becomes one U+FFFD, as the WHATWG decoder does.
                String::from_utf8_lossy(bytes)
            }
            Self::Windows1252 => windows_1252::decode(bytes),
        }
    }
}

impl Delimiter {
    /// The delimiter's byte.
    pub fn as_byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    const ALL: [Self; 3] = [Self::Semicolon, Self::Comma, Self::Tab];
}

/// Refuses empty files and files that are plainly not text (an image, an archive or a workbook
/// renamed `.csv`): a NUL byte never appears in a text export, and known signatures get their
/// own message so the rep knows what to do.
fn refuse_non_text(bytes: &[u8]) -> Result<(), ReadError> {
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    if text.starts_with(b"PK\x03\x04") {
        return Err(ReadError::Workbook);
    }
    if text.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ReadError::Workbook);
    }
    let head = &text[..text.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    // One NUL is enough; a few stray control bytes in a real export are not (old exports carry
    // the odd 0x1A), but binary data is full of them.
    if head.contains(&0) || control * 20 > head.len() {
        return Err(ReadError::NotText);
    }
    Ok(())
}

/// The delimiter that splits the first records into the same number of fields, preferring the
/// one giving the most fields; a file with one column falls back to the comma.
fn guess_delimiter(text: &str) -> Delimiter {
    let mut best = (Delimiter::Comma, 1, false);
    for delimiter in Delimiter::ALL {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.as_byte())
            .from_reader(text.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .take(SNIFFED_RECORDS)
            .filter_map(Result::ok)
            .map(|record| record.len())
            .collect();
        let Some(&fields) = counts.first() else {
            continue;
        };
        let consistent = counts.iter().all(|&count| count == fields);
        let (_, best_fields, best_consistent) = best;
        if fields > 1 && (consistent, fields) > (best_consistent, best_fields) {
            best = (delimiter, fields, consistent);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_win_over_commas_inside_french_amounts() -> Result<(), ReadError> {
        let text = "Nom;Montant;Ville\nAzur;1 234,50;Nice\nBoréal;12,00;Lyon\n";
        let sniffed = sniff(text.as_bytes())?;
        assert_eq!(sniffed.delimiter, Delimiter::Semicolon);
        assert_eq!(sniffed.encoding, TextEncoding::Utf8);
        Ok(())
    }

    #[test]
    fn tabs_and_commas_are_recognised() -> Result<(), ReadError> {
        assert_eq!(sniff(b"a\tb\tc\n1\t2\t3\n")?.delimiter, Delimiter::Tab);
        assert_eq!(sniff(b"a,b\n\"1,5\",2\n")?.delimiter, Delimiter::Comma);
        Ok(())
    }

    #[test]
    fn a_byte_order_mark_and_latin_bytes_set_the_encoding() -> Result<(), ReadError> {
        assert_eq!(
            sniff(b"\xEF\xBB\xBFNom,Ville\n")?.encoding,
            TextEncoding::Utf8WithBom
        );
        let latin = b"Soci\xE9t\xE9;Ville\n";
        assert_eq!(sniff(latin)?.encoding, TextEncoding::Windows1252);
        assert_eq!(TextEncoding::Windows1252.decode(latin), "Société;Ville\n");
        Ok(())
    }

    #[test]
    fn a_utf8_override_drops_the_byte_order_mark_and_replaces_invalid_bytes() {
        assert_eq!(TextEncoding::Utf8WithBom.decode(b"\xEF\xBB\xBFNom"), "Nom");
        assert_eq!(
            TextEncoding::Utf8.decode(b"Soci\xE9t\xE9"),
            "Soci\u{FFFD}t\u{FFFD}"
        );
    }

    proptest::proptest! {
        #[test]
        fn utf8_decoding_replaces_invalid_bytes_as_the_whatwg_standard_says(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)
        ) {
            // encoding_rs (a dev-dependency only) implements the WHATWG decoder: the oracle.
            let expected = encoding_rs::UTF_8.decode_without_bom_handling(&bytes).0;
            proptest::prop_assert_eq!(TextEncoding::Utf8.decode(&bytes), expected);
        }
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert_eq!(sniff(b""), Err(ReadError::Empty));
        assert_eq!(sniff(b" \r\n"), Err(ReadError::Empty));
        assert_eq!(sniff(b"PK\x03\x04rest"), Err(ReadError::Workbook));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ReadError::NotText)
        );
    }
}
