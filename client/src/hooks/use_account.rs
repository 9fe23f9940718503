//! One account opened for editing: the account page's view of its document and the edits the
//! page makes (see `use_document` for loading, saving as you type and merging).

use shared::account::{Account, AccountDocument, Activity, ActivityKind, MAIN_ADDRESS};
use shared::field::{FieldPath, FieldValue};
use shared::ids::{AccountId, ActivityId};
use shared::record::{Address, AddressKind};
use yew::prelude::*;

use super::use_document::{use_document, DocumentHandle};
use crate::state::account_view::AccountView;

/// The open account and the edits a page can make.
#[derive(Clone, PartialEq)]
pub struct AccountHandle {
    document: DocumentHandle<Account, AccountView>,
}

impl AccountHandle {
    /// What to show.
    pub fn view(&self) -> &AccountView {
        self.document.view()
    }

    /// The underlying record handle (history, restore, anything generic).
    pub fn document(&self) -> &DocumentHandle<Account, AccountView> {
        &self.document
    }

    /// Renames the account.
    pub fn rename(&self, name: String) {
        self.document
            .update("rename", move |account| account.name = name);
    }

    /// Changes the city of the main address.
    pub fn move_to_city(&self, city: String) {
        self.document.update("change city", move |account| {
            account
                .addresses
                .entry(MAIN_ADDRESS.to_owned())
                .or_insert_with(|| Address::in_city(AddressKind::Visit, ""))
                .city = city;
        });
    }

    /// The notes now read `text` (one splice, so a colleague's typing is kept).
    pub fn type_notes(&self, text: String) {
        self.document.type_text(FieldPath::root("notes"), text);
    }

    /// The report of visit `visit` now reads `text`.
    pub fn type_report(&self, visit: String, text: String) {
        self.document.type_text(
            FieldPath::new(["activities", visit.as_str(), "report"]),
            text,
        );
    }

    /// Records a visit now, with an empty report.
    pub fn add_visit(&self) {
        let at = now_seconds();
        self.document.update("add visit", move |account| {
            account.activities.insert(
                ActivityId::generate().to_string(),
                Activity::new(ActivityKind::Visit, at),
            );
        });
    }

    /// Resolves concurrent names by keeping `name`.
    pub fn choose_name(&self, name: String) {
        self.document.choose(FieldPath::root("name"), name);
    }
}

fn view_of(document: &AccountDocument, error: Option<&str>) -> AccountView {
    let Ok(account) = document.record() else {
        return AccountView {
            loaded: true,
            error: Some("This account cannot be shown by this version of Carnet.".to_owned()),
            ..AccountView::default()
        };
    };
    let mut visits: Vec<(String, i64, String)> = account
        .activities
        .iter()
        .filter(|(_, activity)| activity.kind == ActivityKind::Visit)
        .map(|(id, activity)| (id.clone(), activity.at, activity.report.as_str().to_owned()))
        .collect();
    visits.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let name_conflicts = document
        .conflicts(&FieldPath::root("name"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|value| match value.value {
            FieldValue::Text(text) => Some(text),
            _ => None,
        })
        .collect();
    AccountView {
        loaded: true,
        missing: false,
        name: account.name.clone(),
        city: account
            .display_address()
            .map(|address| address.city.clone())
            .unwrap_or_default(),
        notes: account.notes.as_str().to_owned(),
        visits,
        name_conflicts,
        error: error.map(str::to_owned),
    }
}

/// Opens account `id` from the device and keeps it current.
#[hook]
pub fn use_account(id: AccountId) -> AccountHandle {
    AccountHandle {
        document: use_document::<Account, AccountView>(id, view_of, |error| AccountView {
            loaded: true,
            missing: error.is_none(),
            error,
            ..AccountView::default()
        }),
    }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
