//! Addressing one field of a document and reading its value generically.
//!
//! History, diffs, restore and conflicts work on any record kind, so they speak in paths
//! (`name`, `addresses.main.city`, `activities.<id>.report`) over the document's maps rather
//! than in Rust fields. This module resolves paths and renders values; it never edits.

use std::collections::BTreeMap;
use std::fmt;

use automerge::{hydrate, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, ROOT};

/// The path from the document's root to one field, one map key (or list index) per segment.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FieldPath(Vec<String>);

/// A path that does not lead to a field of the document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the document has no field {0}")]
pub struct NoSuchField(pub FieldPath);

impl FieldPath {
    /// A path from its segments: `FieldPath::new(["addresses", "main", "city"])`.
    pub fn new<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Self {
        Self(segments.into_iter().map(Into::into).collect())
    }

    /// A top-level field.
    pub fn root(key: &str) -> Self {
        Self(vec![key.to_owned()])
    }

    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The first segment: the record's top-level field this path is inside.
    pub fn top(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }

    /// Resolves the object now holding this field, and the field's key in it.
    pub(crate) fn locate(&self, document: &impl ReadDoc) -> Result<(ObjId, Prop), NoSuchField> {
        let missing = || NoSuchField(self.clone());
        let (last, parents) = self.0.split_last().ok_or_else(missing)?;
        let mut object = ROOT;
        for segment in parents {
            let prop = prop_in(document, &object, segment).ok_or_else(missing)?;
            object = match document.get(&object, prop) {
                Ok(Some((Value::Object(_), id))) => id,
                _ => return Err(missing()),
            };
        }
        let prop = prop_in(document, &object, last).ok_or_else(missing)?;
        Ok((object, prop))
    }
}

/// The property `segment` names in `object`: a key in a map, an index in a list.
fn prop_in(document: &impl ReadDoc, object: &ObjId, segment: &str) -> Option<Prop> {
    match document.object_type(object).ok() {
        Some(ObjType::List) => segment.parse::<usize>().ok().map(Prop::Seq),
        _ => Some(Prop::Map(segment.to_owned())),
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0.join("."))
    }
}

/// A field's value as history and conflict views show it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FieldValue {
    /// Text, whether a string register or a collaborative text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number (coordinates, custom numbers).
    Number(f64),
    /// A flag.
    Flag(bool),
    /// Explicitly empty.
    Null,
    /// A nested map or list (an address, an activity), shown by its fields.
    Object(BTreeMap<String, FieldValue>),
    /// Something this version cannot show (bytes, counters).
    Opaque,
}

impl FieldValue {
    /// The view of a hydrated automerge value.
    pub(crate) fn from_hydrated(value: &hydrate::Value) -> Self {
        match value {
            hydrate::Value::Scalar(scalar) => Self::from_scalar(scalar),
            hydrate::Value::Text(text) => Self::Text(text.to_string()),
            hydrate::Value::Map(map) => Self::Object(
                map.iter()
                    .map(|(key, entry)| (key.to_owned(), Self::from_hydrated(&entry.value)))
                    .collect(),
            ),
            hydrate::Value::List(list) => Self::Object(
                list.iter()
                    .enumerate()
                    .map(|(index, entry)| (index.to_string(), Self::from_hydrated(&entry.value)))
                    .collect(),
            ),
        }
    }

    /// The view of a scalar.
    pub(crate) fn from_scalar(scalar: &ScalarValue) -> Self {
        match scalar {
            ScalarValue::Str(text) => Self::Text(text.to_string()),
            ScalarValue::Int(number) | ScalarValue::Timestamp(number) => Self::Integer(*number),
            ScalarValue::Uint(number) => i64::try_from(*number).map_or(Self::Opaque, Self::Integer),
            ScalarValue::F64(number) => Self::Number(*number),
            ScalarValue::Boolean(flag) => Self::Flag(*flag),
            ScalarValue::Null => Self::Null,
            _ => Self::Opaque,
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => formatter.write_str(text),
            Self::Integer(number) => write!(formatter, "{number}"),
            Self::Number(number) => write!(formatter, "{number}"),
            Self::Flag(flag) => formatter.write_str(if *flag { "yes" } else { "no" }),
            Self::Null => formatter.write_str("(empty)"),
            Self::Object(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(key, value)| format!("{key}: {value}"))
                    .collect();
                write!(formatter, "{{{}}}", parts.join(", "))
            }
            Self::Opaque => formatter.write_str("(binary)"),
        }
    }
}

/// Every leaf of a hydrated document, by path: the flat view a per-field diff compares.
pub(crate) fn leaves(value: &hydrate::Value) -> BTreeMap<FieldPath, FieldValue> {
    let mut found = BTreeMap::new();
    collect_leaves(value, &mut Vec::new(), &mut found);
    found
}

fn collect_leaves(
    value: &hydrate::Value,
    path: &mut Vec<String>,
    found: &mut BTreeMap<FieldPath, FieldValue>,
) {
    let mut descend = |key: String, child: &hydrate::Value, found: &mut BTreeMap<_, _>| {
        path.push(key);
        collect_leaves(child, path, found);
        path.pop();
    };
    match value {
        hydrate::Value::Map(map) => {
            for (key, entry) in map.iter() {
                descend(key.to_owned(), &entry.value, found);
            }
        }
        hydrate::Value::List(list) => {
            for (index, entry) in list.iter().enumerate() {
                descend(index.to_string(), &entry.value, found);
            }
        }
        leaf => {
            found.insert(FieldPath(path.clone()), FieldValue::from_hydrated(leaf));
        }
    }
}

/// The value at `path` in a hydrated document (`None` when absent).
pub(crate) fn value_at<'a>(
    document: &'a hydrate::Value,
    path: &FieldPath,
) -> Option<&'a hydrate::Value> {
    path.segments()
        .iter()
        .try_fold(document, |value, segment| match value {
            hydrate::Value::Map(map) => map.get(segment),
            hydrate::Value::List(list) => {
                let index: usize = segment.parse().ok()?;
                list.iter().nth(index).map(|entry| &entry.value)
            }
            _ => None,
        })
}

/// The whole content of the object `id` (of type `kind`), read recursively.
pub(crate) fn read_object(
    document: &impl ReadDoc,
    id: &ObjId,
    kind: ObjType,
) -> Result<hydrate::Value, automerge::AutomergeError> {
    let child = |value: Value<'_>, child_id: ObjId| match value {
        Value::Object(kind) => read_object(document, &child_id, kind),
        Value::Scalar(scalar) => Ok(hydrate::Value::Scalar(scalar.into_owned())),
    };
    match kind {
        ObjType::Text => Ok(hydrate::Value::text(
            automerge::TextEncoding::UnicodeCodePoint,
            &document.text(id)?,
        )),
        ObjType::List => {
            let mut items = Vec::new();
            for index in 0..document.length(id) {
                if let Some((value, child_id)) = document.get(id, index)? {
                    items.push(child(value, child_id)?);
                }
            }
            Ok(hydrate::Value::List(items.into()))
        }
        ObjType::Map | ObjType::Table => {
            let mut entries = std::collections::HashMap::new();
            for key in document.keys(id) {
                if let Some((value, child_id)) = document.get(id, key.as_str())? {
                    entries.insert(key, child(value, child_id)?);
                }
            }
            Ok(hydrate::Value::Map(entries.into()))
        }
    }
}

/// Writes `value` at `prop` of `object`: a put for a scalar, a fresh object (filled in one
/// batch) otherwise. Used by restore and by choosing among conflicting values.
pub(crate) fn write_value(
    document: &mut impl automerge::transaction::Transactable,
    object: &ObjId,
    prop: Prop,
    value: &hydrate::Value,
) -> Result<(), automerge::AutomergeError> {
    match value {
        hydrate::Value::Scalar(scalar) => document.put(object, prop, scalar.clone()),
        value => document
            .batch_create_object(object, prop, value, false)
            .map(|_| ()),
    }
}
