//! The rows a record page lists beside its record: an account's contacts, deals, quotes and
//! orders, read
//! through the `by_account` indexes without loading any document.

use idb::Query;
use serde::de::DeserializeOwned;
use shared::ids::AccountId;
use shared::index::{ContactIndexRow, DealIndexRow};
use wasm_bindgen::JsValue;

use shared::sales::{OrderIndexRow, QuoteIndexRow};

use super::{
    finish, Storage, StorageError, BY_ACCOUNT, CONTACT_INDEX, DEAL_INDEX, ORDER_INDEX, QUOTE_INDEX,
};

impl Storage {
    /// The contacts who belong to `account`, in no particular order.
    pub async fn contact_rows_of(
        &self,
        account: AccountId,
    ) -> Result<Vec<ContactIndexRow>, StorageError> {
        self.rows_of(CONTACT_INDEX, account).await
    }

    /// The deals of `account`, in no particular order.
    pub async fn deal_rows_of(
        &self,
        account: AccountId,
    ) -> Result<Vec<DealIndexRow>, StorageError> {
        self.rows_of(DEAL_INDEX, account).await
    }

    /// The quote versions made for `account`, in no particular order.
    pub async fn quote_rows_of(
        &self,
        account: AccountId,
    ) -> Result<Vec<QuoteIndexRow>, StorageError> {
        self.rows_of(QUOTE_INDEX, account).await
    }

    /// The orders of `account`, in no particular order.
    pub async fn order_rows_of(
        &self,
        account: AccountId,
    ) -> Result<Vec<OrderIndexRow>, StorageError> {
        self.rows_of(ORDER_INDEX, account).await
    }

    async fn rows_of<T: DeserializeOwned>(
        &self,
        store: &str,
        account: AccountId,
    ) -> Result<Vec<T>, StorageError> {
        let transaction = self.read_transaction(&[store])?;
        let values = async {
            transaction
                .object_store(store)?
                .index(BY_ACCOUNT)?
                .get_all(Some(Query::Key(JsValue::from(account.to_string()))), None)?
                .await
        }
        .await;
        finish(transaction, values)
            .await?
            .into_iter()
            .map(super::row_form::read_row)
            .collect()
    }
}
