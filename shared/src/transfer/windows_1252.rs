//! Decoding Windows-1252, the only legacy encoding an import reads, with a table of our own.
//!
//! A general encoding library links dozens of tables the client never uses; this one is 32 code
//! points. The mapping is the WHATWG Encoding Standard's (what browsers and Excel agree on):
//! ASCII below 0x80, the table below for 0x80–0x9F (the five bytes Windows leaves unassigned
//! become the C1 control of the same number, so every byte decodes), and Latin-1 from 0xA0.
//! This module only turns bytes into text; choosing the encoding is `sniff`'s job.

use std::borrow::Cow;

/// The characters of bytes 0x80 to 0x9F, in order.
const HIGH_CONTROLS: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The text of Windows-1252 `bytes`; borrowed when they are all ASCII (the common case of an
/// English export), as every byte below 0x80 is the same character in UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let ascii = bytes.iter().position(|byte| !byte.is_ascii());
    let Some(first_non_ascii) = ascii else {
        // All ASCII, hence valid UTF-8: the fallback is never taken.
        return String::from_utf8_lossy(bytes);
    };
    // Every byte is one character of at most three UTF-8 bytes (the table's are 2 or 3).
    let mut text = String::with_capacity(bytes.len() + (bytes.len() - first_non_ascii) * 2);
    text.extend(bytes.iter().copied().map(character));
    Cow::Owned(text)
}

/// The character of one Windows-1252 byte.
fn character(byte: u8) -> char {
    match byte {
        0x80..=0x9F => HIGH_CONTROLS[usize::from(byte - 0x80)],
        // ASCII and Latin-1 are the first 256 code points.
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_from_0x80_to_0x9f_decodes_to_its_windows_1252_character() {
        // Written out as characters, not derived from the table, so a wrong entry fails here.
        let expected = [
            (0x80, '€'),
            (0x81, '\u{81}'),
            (0x82, '‚'),
            (0x83, 'ƒ'),
            (0x84, '„'),
            (0x85, '…'),
            (0x86, '†'),
            (0x87, '‡'),
            (0x88, 'ˆ'),
            (0x89, '‰'),
            (0x8A, 'Š'),
            (0x8B, '‹'),
            (0x8C, 'Œ'),
            (0x8D, '\u{8D}'),
            (0x8E, 'Ž'),
            (0x8F, '\u{8F}'),
            (0x90, '\u{90}'),
            (0x91, '‘'),
            (0x92, '’'),
            (0x93, '“'),
            (0x94, '”'),
            (0x95, '•'),
            (0x96, '–'),
            (0x97, '—'),
            (0x98, '˜'),
            (0x99, '™'),
            (0x9A, 'š'),
            (0x9B, '›'),
            (0x9C, 'œ'),
            (0x9D, '\u{9D}'),
            (0x9E, 'ž'),
            (0x9F, 'Ÿ'),
        ];
        for (byte, character) in expected {
            assert_eq!(decode(&[byte]), character.to_string(), "byte {byte:#04X}");
        }
        let all: Vec<u8> = (0x80..=0x9F).collect();
        let text: String = expected.iter().map(|&(_, character)| character).collect();
        assert_eq!(decode(&all), text);
    }

    #[test]
    fn ascii_and_latin_1_bytes_decode_to_the_same_code_point() {
        assert_eq!(decode(b"Nom;Ville\r\n"), "Nom;Ville\r\n");
        assert_eq!(decode(b"\xA0\xB0\xC9\xE0\xE9\xFF"), "\u{A0}°Éàéÿ");
        for byte in (0x00..=0x7F).chain(0xA0..=0xFF) {
            assert_eq!(
                decode(&[byte]).chars().collect::<Vec<_>>(),
                vec![char::from(byte)]
            );
        }
    }

    #[test]
    fn ascii_text_is_borrowed_and_other_text_is_not() {
        assert!(matches!(decode(b"plain"), Cow::Borrowed("plain")));
        assert!(matches!(decode(b"caf\xE9"), Cow::Owned(text) if text == "café"));
    }

    #[test]
    fn every_byte_decodes_as_the_whatwg_standard_says() {
        // encoding_rs (a dev-dependency only) implements the WHATWG standard: the oracle.
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let (expected, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&all);
        assert!(!had_errors);
        assert_eq!(decode(&all), expected);
    }

    #[test]
    fn the_french_export_fixture_decodes_as_iconv_reads_it() {
        let bytes = include_bytes!("../../tests/fixtures/import/french-export-windows-1252.csv");
        // `iconv -f CP1252 -t UTF-8` of the fixture.
        let expected = "Raison sociale;N° SIRET;Adresse;Code postal;Ville;Téléphone;E-mail;Étape;Commentaires\r\n\
Boulangerie Élevé;732 829 320 00074;\"12 rue Mercière\r\n\
Bâtiment B\";69002;Lyon;04 78 42 00 00;commandes@boulangerie-eleve.fr;Client actif;\"Livraison le mardi; code porte 1234\"\r\n\
Garage Lefèvre & Fils;552 032 534 00646;3 cours de l'Intendance;33000;Bordeaux;05 56 00 11 22;atelier@garage-lefevre.fr;Prospect;\"Rappeler en mars.\r\n\
Demander Jérôme \"\"le chef\"\".\"\r\n\
Hôtel Côte d'Azur;412 345 670 00019;8 promenade des Anglais;06000;Nice;04 93 00 00 01;;À relancer;Panier moyen 250 €\r\n\
Crêperie Ker Ys;;2 place Saint-Corentin;29000;Quimper;;contact@kerys.bzh;Nouveau client;\r\n\
";
        assert_eq!(decode(bytes), expected);
    }
}
