//! The accounts list's filter and the rep's saved filters, kept in the browser's `localStorage`
//! (preferences of this device, not CRM data): the list comes back filtered as it was left.

use yew::prelude::*;

use crate::accounts::account_filter::{AccountFilter, SavedFilter};

const CURRENT_KEY: &str = "carnet.accounts.filter";
const SAVED_KEY: &str = "carnet.accounts.saved-filters";

/// The filter bar's state and intents.
#[derive(Clone, PartialEq)]
pub struct AccountFilterHandle {
    filter: UseStateHandle<AccountFilter>,
    saved: UseStateHandle<Vec<SavedFilter>>,
}

impl AccountFilterHandle {
    /// The current filter.
    pub fn filter(&self) -> &AccountFilter {
        &self.filter
    }

    /// The saved filters.
    pub fn saved(&self) -> &[SavedFilter] {
        &self.saved
    }

    /// Filters by `filter` (and remembers it).
    pub fn set(&self, filter: AccountFilter) {
        keep(CURRENT_KEY, &filter);
        self.filter.set(filter);
    }

    /// Saves the current filter as `name` (replacing one of that name).
    pub fn save(&self, name: String) {
        let mut saved: Vec<SavedFilter> = self
            .saved
            .iter()
            .filter(|existing| existing.name != name)
            .cloned()
            .collect();
        saved.push(SavedFilter {
            name,
            filter: (*self.filter).clone(),
        });
        keep(SAVED_KEY, &saved);
        self.saved.set(saved);
    }

    /// Forgets the saved filter `name`.
    pub fn forget(&self, name: &str) {
        let saved: Vec<SavedFilter> = self
            .saved
            .iter()
            .filter(|existing| existing.name != name)
            .cloned()
            .collect();
        keep(SAVED_KEY, &saved);
        self.saved.set(saved);
    }
}

/// The accounts list's filter, as the rep left it.
#[hook]
pub fn use_account_filter() -> AccountFilterHandle {
    let filter = use_state(|| read(CURRENT_KEY).unwrap_or_default());
    let saved = use_state(|| read(SAVED_KEY).unwrap_or_default());
    AccountFilterHandle { filter, saved }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A preference read back; `None` when absent or written by an incompatible version.
fn read<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

/// Keeps a preference; one that cannot be kept lasts until the page closes.
fn keep<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _not_kept = storage.set_item(key, &text);
    }
}
