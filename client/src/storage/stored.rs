//! How one document is laid out in the `documents` store: a saved snapshot followed by the
//! incremental chunks appended since, the heads they add up to (for inspection) and the
//! record's kind.
//!
//! Appending a chunk costs the size of the new changes; every [`MAX_CHUNKS`] appends the record is
//! compacted back to one snapshot. Version 1 and 2 databases stored bare snapshot bytes, which
//! still read as a record without chunks or known heads.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::StorageError;

/// How many chunks a record gathers before it is rewritten as one snapshot.
pub(super) const MAX_CHUNKS: u32 = 24;

/// A document as the `documents` store holds it.
pub(super) struct StoredRecord {
    /// The record's kind, once known (`account`, `contact`, …).
    pub(super) kind: Option<String>,
    /// The snapshot followed by every chunk: what `AutoCommit::load` reads.
    pub(super) bytes: Vec<u8>,
    /// How many chunks follow the snapshot.
    pub(super) chunks: u32,
    /// The JavaScript value, to append to without copying the snapshot back.
    value: JsValue,
}

impl StoredRecord {
    /// Reads a stored value.
    pub(super) fn read(value: JsValue) -> Result<Self, StorageError> {
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            return Ok(Self {
                kind: None,
                bytes: bytes.to_vec(),
                chunks: 0,
                value,
            });
        }
        let damaged = |what: &str| StorageError::Corrupt(format!("a document has no valid {what}"));
        let snapshot = Reflect::get(&value, &"snapshot".into())
            .ok()
            .and_then(|snapshot| snapshot.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| damaged("snapshot"))?;
        let chunks = Reflect::get(&value, &"chunks".into())
            .ok()
            .and_then(|chunks| chunks.dyn_into::<Array>().ok())
            .ok_or_else(|| damaged("chunk list"))?;
        let mut bytes = snapshot.to_vec();
        for chunk in chunks.iter() {
            let chunk = chunk
                .dyn_into::<Uint8Array>()
                .map_err(|_| damaged("chunk"))?;
            bytes.extend(chunk.to_vec());
        }
        let kind = Reflect::get(&value, &"kind".into())
            .ok()
            .and_then(|kind| kind.as_string());
        Ok(Self {
            kind,
            bytes,
            chunks: chunks.length(),
            value,
        })
    }

    /// Whether another chunk may be appended rather than compacting to a snapshot.
    pub(super) fn has_room(&self) -> bool {
        self.value.is_object()
            && !self.value.is_instance_of::<Uint8Array>()
            && self.chunks < MAX_CHUNKS
    }

    /// The same record with `chunk` appended, now at `heads`.
    pub(super) fn appended(&self, chunk: &[u8], heads: &[String]) -> Result<JsValue, StorageError> {
        let chunks = Reflect::get(&self.value, &"chunks".into())
            .ok()
            .and_then(|chunks| chunks.dyn_into::<Array>().ok())
            .ok_or_else(|| StorageError::Corrupt("a document has no chunk list".to_owned()))?;
        let chunks = chunks.slice(0, chunks.length());
        chunks.push(&Uint8Array::from(chunk));
        let snapshot =
            Reflect::get(&self.value, &"snapshot".into()).map_err(StorageError::from_js)?;
        layout(self.kind.as_deref(), &snapshot, &chunks, heads)
    }
}

/// A fresh record holding `snapshot` alone.
pub(super) fn snapshot(
    kind: Option<&str>,
    snapshot: &[u8],
    heads: &[String],
) -> Result<JsValue, StorageError> {
    layout(
        kind,
        &Uint8Array::from(snapshot).into(),
        &Array::new(),
        heads,
    )
}

/// A fresh record holding what was received, in order: the first piece as the snapshot and the
/// others as chunks (a snapshot and changes concatenate into loadable bytes).
pub(super) fn received(
    kind: Option<&str>,
    pieces: &[Vec<u8>],
    heads: &[String],
) -> Result<JsValue, StorageError> {
    let (first, rest) = pieces
        .split_first()
        .map_or((&[][..], &[][..]), |(first, rest)| (first.as_slice(), rest));
    let chunks: Array = rest
        .iter()
        .map(|piece| JsValue::from(Uint8Array::from(piece.as_slice())))
        .collect();
    layout(kind, &Uint8Array::from(first).into(), &chunks, heads)
}

fn layout(
    kind: Option<&str>,
    snapshot: &JsValue,
    chunks: &Array,
    heads: &[String],
) -> Result<JsValue, StorageError> {
    let record = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&record, &key.into(), value).map_err(StorageError::from_js)
    };
    if let Some(kind) = kind {
        set("kind", &kind.into())?;
    }
    set("snapshot", snapshot)?;
    set("chunks", chunks)?;
    let heads: Array = heads
        .iter()
        .map(|head| JsValue::from(head.as_str()))
        .collect();
    set("heads", &heads)?;
    Ok(record.into())
}
