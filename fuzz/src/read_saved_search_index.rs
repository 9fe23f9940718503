//! `read_saved_search_index`: arbitrary bytes read as a saved search index (what a device loads
//! from its own storage when search opens). Nothing may panic; an index that reads must answer
//! queries, and saving it again must give an index that answers them the same.

use shared::search::SearchIndex;

/// Query words tried on whatever reads (single letters reach every term they prefix).
const QUERIES: [&str; 4] = ["a", "b", "bo", "lyon"];

/// Runs one input.
pub fn run(bytes: &[u8]) {
    let Ok(index) = SearchIndex::from_bytes(bytes) else {
        return;
    };
    let again = SearchIndex::from_bytes(&index.to_bytes());
    assert!(again.is_ok(), "a saved index does not read back");
    if let Ok(again) = again {
        assert_eq!(again.len(), index.len());
        for query in QUERIES {
            assert_eq!(again.query(query, 10), index.query(query, 10));
        }
    }
}
