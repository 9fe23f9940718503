//! This device's number book (the last quote and order number it issued per series and year),
//! kept in `meta` and moved on in the same transaction that reads it, so two tabs issuing at
//! once never get the same number.
//!
//! A device without a book (its first number, or its storage wiped and restored from a backup)
//! starts one from the numbers its stored quotes and orders already carry with its own code:
//! the book is only ever ahead of what it issued.

use idb::Query;
use shared::sales::{DeviceCode, DocumentNumber, NumberBook, NumberingError, Series};
use wasm_bindgen::JsValue;

use super::{finish, Durability, Storage, StorageError, META, ORDER_INDEX, QUOTE_INDEX};

/// The `meta` key of the number book.
const META_NUMBER_BOOK: &str = "number-book";

/// Why no number could be issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The series is exhausted for the year.
    #[error(transparent)]
    Numbering(#[from] NumberingError),
}

impl Storage {
    /// Issues the next number of `series` for `year` on the device coded `device`, and keeps
    /// the book moved on (strict: a number handed out is never handed out again).
    pub async fn issue_number(
        &self,
        device: &DeviceCode,
        series: Series,
        year: u16,
    ) -> Result<DocumentNumber, IssueError> {
        let transaction =
            self.transaction(&[META, QUOTE_INDEX, ORDER_INDEX], Durability::Strict)?;
        let issued = async {
            let meta = transaction.object_store(META)?;
            let key = JsValue::from(META_NUMBER_BOOK);
            let saved = meta.get(Query::Key(key.clone()))?.await?;
            let kept = saved
                .and_then(|value| serde_wasm_bindgen::from_value::<NumberBook>(value).ok())
                .filter(|book| book.device() == device);
            let mut book = match kept {
                Some(book) => book,
                None => {
                    let mut book = NumberBook::new(device.clone());
                    for store in [QUOTE_INDEX, ORDER_INDEX] {
                        for row in transaction
                            .object_store(store)?
                            .get_all(None, None)?
                            .await?
                        {
                            let number = js_sys::Reflect::get(&row, &"number".into())
                                .ok()
                                .and_then(|number| number.as_string())
                                .and_then(|number| DocumentNumber::parse(&number).ok());
                            if let Some(number) = number {
                                book.witness(&number);
                            }
                        }
                    }
                    book
                }
            };
            let number = match book.issue(series, year) {
                Ok(number) => number,
                Err(error) => return Ok(Err(IssueError::from(error))),
            };
            match serde_wasm_bindgen::to_value(&book) {
                Ok(value) => {
                    meta.put(&value, Some(&key))?.await?;
                    Ok(Ok(number))
                }
                Err(error) => Ok(Err(IssueError::from(StorageError::encoding(error)))),
            }
        }
        .await;
        let issued: Result<Result<DocumentNumber, IssueError>, idb::Error> = issued;
        finish(transaction, issued).await?
    }
}
