//! What the rep's day reads: the account rows with something due or done today, found through
//! the `by_next_task_due` and `by_last_activity` indexes instead of reading every row. Reads
//! only; edits go through the generic record saves.

use idb::{KeyRange, Query};
use shared::index::AccountIndexRow;
use wasm_bindgen::JsValue;

use super::{finish, Storage, StorageError, ACCOUNT_INDEX, BY_LAST_ACTIVITY, BY_NEXT_TASK_DUE};

impl Storage {
    /// The account rows with an open task due on or before `date` (`YYYY-MM-DD`), or an
    /// activity at or after `since` (Unix seconds): each row once.
    pub async fn account_rows_due_or_active(
        &self,
        date: &str,
        since: i64,
    ) -> Result<Vec<AccountIndexRow>, StorageError> {
        let transaction = self.read_transaction(&[ACCOUNT_INDEX])?;
        let values = async {
            let store = transaction.object_store(ACCOUNT_INDEX)?;
            let due = KeyRange::upper_bound(&JsValue::from(date), Some(false))?;
            let mut values = store
                .index(BY_NEXT_TASK_DUE)?
                .get_all(Some(Query::KeyRange(due)), None)?
                .await?;
            // Unix seconds are far below 2^53: exact as a JavaScript number.
            let active = KeyRange::lower_bound(&JsValue::from(since as f64), Some(false))?;
            values.extend(
                store
                    .index(BY_LAST_ACTIVITY)?
                    .get_all(Some(Query::KeyRange(active)), None)?
                    .await?,
            );
            Ok::<_, idb::Error>(values)
        }
        .await;
        let mut rows = finish(transaction, values)
            .await?
            .into_iter()
            .map(super::row_form::read_row::<AccountIndexRow>)
            .collect::<Result<Vec<_>, _>>()?;
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        rows.dedup_by(|a, b| a.id == b.id);
        Ok(rows)
    }
}
