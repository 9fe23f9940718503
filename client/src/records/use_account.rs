//! One account opened for editing: the account page's view of its document and the edits the
//! page makes (see `use_document` for loading, saving as you type and merging). Validated
//! values are parsed here and written only when valid; the problem is returned otherwise.

use std::str::FromStr;

use shared::account::{Account, Activity, ActivityKind, LifecycleStage, Task, MAIN_ADDRESS};
use shared::field::FieldPath;
use shared::ids::{AccountId, ActivityId, TaskId};
use shared::record::{Address, AddressKind, KeySet};
use yew::prelude::*;

use super::use_document::{use_document, DocumentHandle};
use crate::records::account_view::{account_view, AccountView};
use crate::records::field_input::{self, InputProblem};
use crate::records::typed_text::TypedText;

/// The open account and the edits a page can make.
#[derive(Clone, PartialEq)]
pub struct AccountHandle {
    document: DocumentHandle<Account, AccountView>,
}

/// A part of the main address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressPart {
    /// Street lines.
    Street,
    /// Postcode.
    Postcode,
    /// City.
    City,
}

impl AccountHandle {
    /// What to show.
    pub fn view(&self) -> &AccountView {
        self.document.view()
    }

    /// The underlying record handle (history, restore, conflicts, phones and e-mails).
    pub fn document(&self) -> &DocumentHandle<Account, AccountView> {
        &self.document
    }

    /// Renames the account (a blank name is refused).
    pub fn rename(&self, typed: TypedText) -> Result<(), InputProblem> {
        field_input::required_text(typed.text())?;
        self.document.type_into("rename", move |account| {
            account.name = typed.onto(&account.name);
        });
        Ok(())
    }

    /// Changes one part of the main address (created when missing).
    pub fn change_address(&self, part: AddressPart, typed: TypedText) {
        self.document.type_into("change address", move |account| {
            let address = account
                .addresses
                .entry(MAIN_ADDRESS.to_owned())
                .or_insert_with(|| Address::in_city(AddressKind::Visit, ""));
            let text = match part {
                AddressPart::Street => &mut address.street,
                AddressPart::Postcode => &mut address.postcode,
                AddressPart::City => &mut address.city,
            };
            *text = typed.onto(text);
        });
    }

    /// Changes the city of the main address.
    pub fn move_to_city(&self, typed: TypedText) {
        self.change_address(AddressPart::City, typed);
    }

    /// Sets the industry (blank clears it).
    pub fn set_industry(&self, typed: TypedText) {
        self.document.type_into("change industry", move |account| {
            let now = account.industry.as_deref().unwrap_or_default();
            account.industry = blank_as_none(typed.onto(now));
        });
    }

    /// Sets the website (blank clears it).
    pub fn set_website(&self, typed: TypedText) {
        self.document.type_into("change website", move |account| {
            let now = account.website.as_deref().unwrap_or_default();
            account.website = blank_as_none(typed.onto(now));
        });
    }

    /// Sets the SIREN when `text` is one (blank clears it).
    pub fn set_siren(&self, text: &str) -> Result<(), InputProblem> {
        let siren = field_input::siren(text)?;
        self.document
            .update("change SIREN", move |account| account.siren = siren);
        Ok(())
    }

    /// Sets the SIRET when `text` is one (blank clears it).
    pub fn set_siret(&self, text: &str) -> Result<(), InputProblem> {
        let siret = field_input::siret(text)?;
        self.document
            .update("change SIRET", move |account| account.siret = siret);
        Ok(())
    }

    /// Sets the VAT number when `text` is one (blank clears it).
    pub fn set_vat(&self, text: &str) -> Result<(), InputProblem> {
        let vat = field_input::vat(text)?;
        self.document
            .update("change VAT number", move |account| account.vat = vat);
        Ok(())
    }

    /// Moves the account to lifecycle stage `stage` (its stored name).
    pub fn set_stage(&self, stage: String) {
        let Ok(stage) = LifecycleStage::from_str(&stage);
        self.document
            .update("change stage", move |account| account.stage = stage);
    }

    /// Gives the account to the person whose id `text` is (empty: to nobody). A reassignment
    /// out of this person's reach is refused by the relay, and the change set aside.
    pub fn set_owner(&self, text: &str) {
        let owner = if text.is_empty() {
            None
        } else {
            match text.parse::<shared::ids::UserId>() {
                Ok(owner) => Some(owner),
                // Not an id the picker offers: nothing to write.
                Err(_) => return,
            }
        };
        self.document
            .update("change owner", move |account| account.owner = owner);
    }

    /// Places the account in the territory whose key is `key` (empty: in none). A person's
    /// choice: the postcode rule never overrides it. Moving an account out of this person's
    /// reach is refused by the relay, and the change set aside.
    pub fn set_territory(&self, key: &str) {
        let territory = Some(key.to_owned()).filter(|key| !key.is_empty());
        self.document.update("change territory", move |account| {
            account.territory = territory
        });
    }

    /// The tags are now those of `text`, separated by commas.
    pub fn set_tags(&self, text: String) {
        let tags: KeySet = text
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .collect();
        self.document
            .update("change tags", move |account| account.tags = tags);
    }

    /// The rep typed into the notes (one splice, so a colleague's typing is kept).
    pub fn type_notes(&self, typed: TypedText) {
        self.document.type_text(FieldPath::root("notes"), typed);
    }

    /// The rep typed into the report of activity `activity`.
    pub fn type_report(&self, activity: String, typed: TypedText) {
        self.document.type_text(
            FieldPath::new(["activities", activity.as_str(), "report"]),
            typed,
        );
    }

    /// Records an activity of `kind` now, with an empty report.
    pub fn add_activity(&self, kind: ActivityKind) {
        let at = now_seconds();
        let message = format!("add {kind}");
        self.document.update(&message, move |account| {
            account
                .activities
                .insert(ActivityId::generate().to_string(), Activity::new(kind, at));
        });
    }

    /// Records a visit now, with an empty report.
    pub fn add_visit(&self) {
        self.add_activity(ActivityKind::Visit);
    }

    /// Adds an open task called `title`, due on `due` (`2025-03-31`, or blank).
    pub fn add_task(&self, title: &str, due: &str) -> Result<(), InputProblem> {
        let title = field_input::required_text(title.trim())?;
        let due = field_input::date(due)?;
        self.document.update("add task", move |account| {
            account
                .tasks
                .insert(TaskId::generate().to_string(), Task::new(&title, due));
        });
        Ok(())
    }

    /// Marks task `task` done or open again.
    pub fn set_task_done(&self, task: String, done: bool) {
        let message = if done { "complete task" } else { "reopen task" };
        self.document.update(message, move |account| {
            if let Some(task) = account.tasks.get_mut(&task) {
                task.done = done;
            }
        });
    }

    /// Resolves concurrent names by keeping `name`.
    pub fn choose_name(&self, name: String) {
        self.document.choose(FieldPath::root("name"), name);
    }
}

/// `None` for blank text.
pub(crate) fn blank_as_none(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// Opens account `id` from the device and keeps it current.
#[hook]
pub fn use_account(id: AccountId) -> AccountHandle {
    AccountHandle {
        document: use_document::<Account, AccountView>(id, account_view, |error| AccountView {
            loaded: true,
            missing: error.is_none(),
            error,
            ..AccountView::default()
        }),
    }
}

pub(crate) fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
