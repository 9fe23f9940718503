//! A CSV file read into a header and rows of text, each row keeping its physical line number.
//!
//! This is the one place CSV bytes are parsed (with the `csv` crate: quoted fields, embedded
//! newlines, CRLF). It knows nothing of fields or records: mapping and validation come after.

use super::sniff::{sniff, Delimiter, Sniffed, TextEncoding};

/// Why a file cannot be read as a table. Each has a stable [`ReadError::code`] for the UI.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// No bytes, or only blank lines.
    #[error("the file is empty")]
    Empty,
    /// Binary content: an image, an archive or another program's file renamed `.csv`.
    #[error("the file is not text: it is not a CSV export (was another file renamed .csv?)")]
    NotText,
    /// An Excel workbook (`.xlsx` or `.xls`), not its CSV export.
    #[error("the file is an Excel workbook, not a CSV file: save it as CSV first")]
    Workbook,
    /// A header line and no data under it.
    #[error("the file has a header line but no rows under it")]
    HeaderOnly,
    /// The CSV reader gave up at some line.
    #[error("line {line}: the file cannot be read as CSV ({reason})")]
    Malformed {
        /// The physical line (1-based) where reading stopped.
        line: u64,
        /// What the reader said.
        reason: String,
    },
}

impl ReadError {
    /// A stable identifier of the error, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::NotText => "not_text",
            Self::Workbook => "workbook_not_csv",
            Self::HeaderOnly => "header_only",
            Self::Malformed { .. } => "malformed_csv",
        }
    }
}

/// The rep's overrides of what [`sniff`] guesses; `None` keeps the guess.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The text encoding to use instead of the guess.
    pub encoding: Option<TextEncoding>,
    /// The delimiter to use instead of the guess.
    pub delimiter: Option<Delimiter>,
}

/// One data row of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The physical line (1-based) the row starts on, as a spreadsheet or editor shows it; a
    /// quoted field with newlines makes the next row start further down.
    pub line: u64,
    /// The cells, trimmed, as many as the line had (possibly more or fewer than the header).
    pub cells: Vec<String>,
}

/// A whole file: how it was read, its header and its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The encoding and delimiter used (the guesses, or the rep's overrides).
    pub format: Sniffed,
    /// The header cells, trimmed.
    pub headers: Vec<String>,
    /// The data rows, blank rows left out.
    pub rows: Vec<Row>,
}

impl Table {
    /// Reads `bytes` as CSV, guessing what `options` does not set.
    pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Self, ReadError> {
        let guessed = sniff(bytes)?;
        let format = Sniffed {
            encoding: options.encoding.unwrap_or(guessed.encoding),
            delimiter: options.delimiter.unwrap_or(guessed.delimiter),
        };
        let text = format.encoding.decode(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(format.delimiter.as_byte())
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter::new(text.as_bytes());
        let mut headers = None;
        let mut rows = Vec::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    let byte = error.position().map_or(0, csv::Position::byte);
                    return Err(ReadError::Malformed {
                        line: lines.line_at(byte),
                        reason: error.to_string(),
                    });
                }
            }
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let line = lines.line_at(record.position().map_or(0, csv::Position::byte));
            let cells: Vec<String> = record.iter().map(|cell| cell.trim().to_owned()).collect();
            if headers.is_none() {
                headers = Some(cells);
            } else {
                rows.push(Row { line, cells });
            }
        }
        let headers = headers.ok_or(ReadError::Empty)?;
        if rows.is_empty() {
            return Err(ReadError::HeaderOnly);
        }
        Ok(Self {
            format,
            headers,
            rows,
        })
    }

    /// The first `count` rows, for the preview beside the mapping.
    pub fn preview(&self, count: usize) -> &[Row] {
        &self.rows[..self.rows.len().min(count)]
    }
}

/// Physical line numbers of byte offsets, counted incrementally (offsets only grow).
///
/// The `csv` crate's own line numbers lag behind: a record's position points at the end of the
/// previous record's terminator and its line count misses some line ends, so lines are counted
/// here from the bytes themselves, embedded newlines included.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line end.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.offset {
            let newlines = self.text[self.offset..start]
                .iter()
                .filter(|&&byte| byte == b'\n')
                .count();
            self.line += u64::try_from(newlines).unwrap_or(u64::MAX);
            self.offset = start;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_the_line_they_start_on_across_quoted_newlines() -> Result<(), ReadError> {
        let text =
            "Nom;Adresse\r\nAzur;\"1 rue Haute\r\nBâtiment B\"\r\n\r\nBoréal;2 rue Basse\r\n";
        let table = Table::read(text.as_bytes(), &ReadOptions::default())?;
        assert_eq!(table.headers, vec!["Nom", "Adresse"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[0].cells[1], "1 rue Haute\r\nBâtiment B");
        assert_eq!(table.rows[1].line, 5);
        Ok(())
    }

    #[test]
    fn a_header_without_rows_is_its_own_error() {
        assert_eq!(
            Table::read(b"Nom;Ville\r\n;;\r\n", &ReadOptions::default()),
            Err(ReadError::HeaderOnly)
        );
    }

    #[test]
    fn the_rep_can_override_the_delimiter() -> Result<(), ReadError> {
        let options = ReadOptions {
            delimiter: Some(Delimiter::Comma),
            ..ReadOptions::default()
        };
        let table = Table::read(b"a;b\n1;2\n", &options)?;
        assert_eq!(table.headers, vec!["a;b"]);
        Ok(())
    }
}
