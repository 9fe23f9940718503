//! What every record kind has in common, and the parts records share (addresses, phones, tags).
//!
//! A record is the plain Rust value of one document's content. Its fields map onto the
//! document's root map through `autosurgeon`; the document's own bookkeeping (`kind`, `schema`,
//! `id`) lives beside them and is not part of the record. This module must not touch documents.

use std::collections::BTreeSet;
use std::fmt;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::migration::Migration;
use crate::values::{EmailAddress, GeoPoint, PhoneNumber};

/// A kind of record held as one Automerge document per record.
pub trait Record: Reconcile + Hydrate + Clone + PartialEq + fmt::Debug {
    /// The identifier type of this kind of record.
    type Id: crate::ids::Identifier;

    /// The value of the document's `kind` key.
    const KIND: &'static str;

    /// The schema version this build writes.
    const SCHEMA_VERSION: u64;

    /// The migrations from each earlier version, in order (`to` is 2, 3, …).
    const MIGRATIONS: &'static [Migration] = &[];

    /// Whether [`Record::admits`] refuses some edits (the device then tries an edit on a copy
    /// of the document first).
    const HAS_EDIT_RULES: bool = false;

    /// Whether an edit may take this record from `before` to `after`: a kind with rules on what
    /// may change (a sent quote is frozen, an order's lines are fixed) says so here, and the
    /// device checks every edit against it before writing. Every change, by default.
    fn admits(before: &Self, after: &Self) -> Result<(), RefusedChange> {
        let _ = (before, after);
        Ok(())
    }

    /// Whether a record may be created as `record` (a quote starts as a valid draft). Every
    /// record, by default.
    fn admits_new(record: &Self) -> Result<(), RefusedChange> {
        let _ = record;
        Ok(())
    }
}

/// Why a record's kind refuses an edit ([`Record::admits`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefusedChange {
    /// The record is frozen in the status it is in (`sent`, `delivered`…).
    #[error("the record is {0}: it can no longer change")]
    Frozen(String),
    /// The edit touches what only a dedicated step sets (a number, a version, a status).
    #[error("an edit cannot change the record's {0}")]
    Protected(&'static str),
    /// The record after the edit would not be valid.
    #[error("the record would not be valid: {0}")]
    Invalid(String),
}

/// A set of keys stored as a map from key to `true`, so that two devices adding the same tag
/// concurrently end with one tag, and removing one never disturbs another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySet(pub BTreeSet<String>);

impl KeySet {
    /// Adds `key`.
    pub fn insert(&mut self, key: impl Into<String>) -> bool {
        self.0.insert(key.into())
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> bool {
        self.0.remove(key)
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains(key)
    }

    /// The keys in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// Serialised as the document holds it, a map from key to `true`: a patch between two versions
/// of a record then adds or removes single keys rather than replacing the whole set.
impl Serialize for KeySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|key| (key, true)))
    }
}

/// Reads a map from key to flag; keys flagged `false` are not in the set.
impl<'de> Deserialize<'de> for KeySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flags = std::collections::BTreeMap::<String, bool>::deserialize(deserializer)?;
        Ok(Self(
            flags
                .into_iter()
                .filter_map(|(key, present)| present.then_some(key))
                .collect(),
        ))
    }
}

impl<S: Into<String>> FromIterator<S> for KeySet {
    fn from_iter<I: IntoIterator<Item = S>>(keys: I) -> Self {
        Self(keys.into_iter().map(Into::into).collect())
    }
}

impl Reconcile for KeySet {
    type Key<'a> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut map = reconciler.map()?;
        map.retain(|key, _| self.0.contains(key))?;
        let present: BTreeSet<String> = map.entries().map(|(key, _)| key.into_owned()).collect();
        for key in self.0.difference(&present) {
            map.put(key, true)?;
        }
        Ok(())
    }
}

impl Hydrate for KeySet {
    fn hydrate_map<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self(
            doc.map_range(obj, ..)
                .map(|item| item.key.into_owned())
                .collect(),
        ))
    }
}

/// Declares a closed set of named values stored as text, with an `Other` variant so that a
/// value written by a newer version is kept and shown rather than rejected.
macro_rules! named_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
            /// A value this version does not know (written by a newer one), kept as is.
            Other(String),
        }

        impl $name {
            /// The stored name.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Ok(match input {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        crate::values::stored_as_text!($name, "a name");
        crate::values::serialized_as_text!($name, "a name");
    };
}
pub(crate) use named_values;

named_values!(
    /// What an address is used for.
    AddressKind {
        /// Where invoices go.
        Billing => "billing",
        /// Where the rep visits.
        Visit => "visit",
        /// Where goods are delivered.
        Delivery => "delivery",
        /// A person's private address.
        Private => "private",
    }
);

/// A postal address, optionally geocoded.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Address {
    /// What the address is for.
    pub kind: AddressKind,
    /// Street lines.
    #[autosurgeon(missing = "Default::default")]
    pub street: String,
    /// Postcode (`69002`).
    #[autosurgeon(missing = "Default::default")]
    pub postcode: String,
    /// City.
    #[autosurgeon(missing = "Default::default")]
    pub city: String,
    /// ISO 3166 country code, `FR` by default.
    #[autosurgeon(missing = "Default::default")]
    pub country: String,
    /// Where it is, when geocoded.
    #[autosurgeon(missing = "Default::default")]
    pub location: Option<GeoPoint>,
}

impl Address {
    /// An address of `kind` in `city`, everything else blank.
    pub fn in_city(kind: AddressKind, city: &str) -> Self {
        Self {
            kind,
            street: String::new(),
            postcode: String::new(),
            city: city.to_owned(),
            country: "FR".to_owned(),
            location: None,
        }
    }
}

/// A labelled phone number (`standard`, `mobile`…).
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct PhoneEntry {
    /// What the number is (free text).
    #[autosurgeon(missing = "Default::default")]
    pub label: String,
    /// The number.
    pub number: PhoneNumber,
}

/// A labelled e-mail address (`accounting`, `work`…).
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct EmailEntry {
    /// What the address is for (free text).
    #[autosurgeon(missing = "Default::default")]
    pub label: String,
    /// The address.
    pub address: EmailAddress,
}

/// The value of a custom field, typed by the workspace's field definition.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomValue {
    /// Free text (also dates and choices, stored as their text).
    Text(String),
    /// A number.
    Number(f64),
    /// A yes/no flag.
    Flag(bool),
}

impl Reconcile for CustomValue {
    type Key<'a> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        match self {
            Self::Text(text) => reconciler.str(text),
            Self::Number(number) => reconciler.f64(*number),
            Self::Flag(flag) => reconciler.boolean(*flag),
        }
    }
}

impl Hydrate for CustomValue {
    fn hydrate_string(text: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self::Text(text.to_owned()))
    }

    fn hydrate_f64(number: f64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self::Number(number))
    }

    fn hydrate_int(number: i64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self::Number(number as f64))
    }

    fn hydrate_uint(number: u64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self::Number(number as f64))
    }

    fn hydrate_bool(flag: bool) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self::Flag(flag))
    }
}

/// Serialised as the plain scalar the document holds (a string, a number or a flag), so it
/// needs a self-describing format (JSON, JavaScript values) to be read back.
impl Serialize for CustomValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Number(number) => serializer.serialize_f64(*number),
            Self::Flag(flag) => serializer.serialize_bool(*flag),
        }
    }
}

impl<'de> Deserialize<'de> for CustomValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CustomValueVisitor)
    }
}

/// Reads a custom value from whichever scalar the format holds.
struct CustomValueVisitor;

impl serde::de::Visitor<'_> for CustomValueVisitor {
    type Value = CustomValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a text, a number or a flag")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(text))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<CustomValue, E> {
        Ok(CustomValue::Number(number))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<CustomValue, E> {
        Ok(CustomValue::Number(number as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<CustomValue, E> {
        Ok(CustomValue::Number(number as f64))
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<CustomValue, E> {
        Ok(CustomValue::Flag(flag))
    }
}

/// Serde for an Automerge [`autosurgeon::Text`] field as the plain string it holds, for
/// `#[serde(with = "crate::record::text_as_string")]`.
///
/// Only the content crosses: the text object's identity stays in the document, so a record read
/// back from this form holds fresh texts (see [`crate::record_patch`] for writing one back
/// without replacing the document's text objects).
pub(crate) mod text_as_string {
    use autosurgeon::Text;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the text's content.
    pub(crate) fn serialize<S: Serializer>(text: &Text, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(text.as_str())
    }

    /// Reads a string into a fresh text.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Text, D::Error> {
        String::deserialize(deserializer).map(Text::with_value)
    }
}
