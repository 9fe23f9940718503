//! How an index row is stored: the properties IndexedDB's key path and indexes read (the id,
//! the sort key, the dates Today ranges over, the accounts a row is listed under) and its title
//! (read alone where changes set aside are described) as plain properties, and the whole row
//! packed (postcard) under `packed`.
//!
//! Storing a row copies it (the structured clone) and reads its key and index properties from
//! the copy; a packed row is one byte array instead of every field, search word and activity
//! as a property of its own, which made storing a download's rows the largest part of a new
//! device's first sync. Reading decodes the bytes in wasm instead of walking the properties.
//!
//! Rows stored by earlier builds (every field a property) are still read as they are.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::replica::IndexRow;
use wasm_bindgen::{JsCast, JsValue};

use super::{
    StorageError, ACCOUNT_INDEX, CONTACT_INDEX, DEAL_INDEX, ORDER_INDEX, PRODUCT_INDEX, QUOTE_INDEX,
};

/// The property holding the packed row.
const PACKED: &str = "packed";

/// `row` in its stored form, with the store it goes in (`None` for settings and unknown kinds,
/// which have no row).
pub(super) fn stored_row(row: &IndexRow) -> Result<Option<(&'static str, JsValue)>, StorageError> {
    let (store, value) = match row {
        IndexRow::Account(row) => (
            ACCOUNT_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("name", row.name.as_str().into()),
                    ("sort_name", row.sort_name.as_str().into()),
                    ("last_activity", optional_number(row.last_activity)),
                    ("next_task_due", optional_text(row.next_task_due.as_deref())),
                ],
            )?,
        ),
        IndexRow::Contact(row) => (
            CONTACT_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("display_name", row.display_name.as_str().into()),
                    ("sort_name", row.sort_name.as_str().into()),
                    ("accounts", texts(&row.accounts)),
                ],
            )?,
        ),
        IndexRow::Deal(row) => (
            DEAL_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("title", row.title.as_str().into()),
                    ("account", optional_text(row.account.as_deref())),
                ],
            )?,
        ),
        IndexRow::Product(row) => (
            PRODUCT_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("name", row.name.as_str().into()),
                    ("reference", row.reference.as_str().into()),
                ],
            )?,
        ),
        IndexRow::Quote(row) => (
            QUOTE_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("number", row.number.as_str().into()),
                    ("account", row.account.as_str().into()),
                ],
            )?,
        ),
        IndexRow::Order(row) => (
            ORDER_INDEX,
            packed(
                row,
                &[
                    ("id", row.id.as_str().into()),
                    ("number", row.number.as_str().into()),
                    ("account", row.account.as_str().into()),
                ],
            )?,
        ),
        IndexRow::None => return Ok(None),
    };
    Ok(Some((store, value)))
}

/// A stored row read back, packed or (from an earlier build) one property per field.
pub(super) fn read_row<T: DeserializeOwned>(value: JsValue) -> Result<T, StorageError> {
    let packed = Reflect::get(&value, &PACKED.into()).map_err(StorageError::from_js)?;
    match packed.dyn_into::<Uint8Array>() {
        Ok(bytes) => postcard::from_bytes(&bytes.to_vec()).map_err(StorageError::corrupt),
        Err(_) => serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt),
    }
}

/// An object of `properties` (an absent value, `undefined`, is left out) and `row` packed.
fn packed<T: Serialize>(row: &T, properties: &[(&str, JsValue)]) -> Result<JsValue, StorageError> {
    let bytes = postcard::to_allocvec(row).map_err(StorageError::encoding)?;
    let object = Object::new();
    for (name, value) in properties {
        if !value.is_undefined() {
            Reflect::set(&object, &(*name).into(), value).map_err(StorageError::from_js)?;
        }
    }
    Reflect::set(
        &object,
        &PACKED.into(),
        &Uint8Array::from(bytes.as_slice()).into(),
    )
    .map_err(StorageError::from_js)?;
    Ok(object.into())
}

fn optional_number(value: Option<i64>) -> JsValue {
    // Unix seconds: exact in a JavaScript number, as the earlier form stored them.
    value.map_or(JsValue::UNDEFINED, |value| JsValue::from(value as f64))
}

fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from)
}

fn texts(values: &[String]) -> JsValue {
    values
        .iter()
        .map(|value| JsValue::from(value.as_str()))
        .collect::<Array>()
        .into()
}
