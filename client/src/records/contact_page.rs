//! One contact: name, job title, phones and e-mails (with `tel:`/`mailto:` links), accounts,
//! preferred channel and consents, notes, and the History tab; edited inline like an account.

use std::rc::Rc;

use shared::field::FieldPath;
use shared::ids::ContactId;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::use_i18n;
use crate::records::record_view::{conflict_at, conflicts_elsewhere};
use crate::records::typed_text::TypedText;
use crate::records::{
    event_checked, refusal, Choice, ChoiceField, ChoiceOption, ConflictList, ContactPoints,
    EditableField, HistoryPanel, PointEdit, RecordTabs, RelatedItem, RelatedList,
};
use crate::records::{use_account_names, use_contact, use_history, ContactText};

/// Props of [`ContactPage`].
#[derive(Properties, PartialEq)]
pub struct ContactPageProps {
    /// The record to open.
    pub id: ContactId,
}

const CHANNELS: [(&str, &str); 4] = [
    ("phone", "contact-channel-phone"),
    ("email", "contact-channel-email"),
    ("visit", "contact-channel-visit"),
    ("sms", "contact-channel-sms"),
];

/// The contact page.
#[component]
pub fn ContactPage(props: &ContactPageProps) -> Html {
    let contact = use_contact(props.id);
    let history_open = use_state(|| false);
    let history = use_history(contact.document(), *history_open);
    let accounts = use_account_names(contact.view().accounts.clone());
    let i18n = use_i18n();
    let view = contact.view().clone();
    let back = html! { <Link<Route> to={Route::Accounts} classes="back-link">{ i18n.t("account-back") }</Link<Route>> };
    if !view.loaded {
        return html! { <section class="page record-page">{ back }<p aria-busy="true">{ i18n.t("account-opening") }</p></section> };
    }
    if view.missing {
        return html! {
            <section class="page record-page">{ back }
                <p id="contact-missing">{ i18n.t("contact-missing") }</p>
            </section>
        };
    }
    let text_field = |field: ContactText| {
        let (contact, i18n) = (contact.clone(), i18n.clone());
        Callback::from(move |typed: TypedText| refusal(&i18n, contact.set_text(field, typed)))
    };
    let on_choose = {
        let contact = contact.clone();
        Callback::from(move |choice: Choice| contact.document().choose(choice.path, choice.value))
    };
    let on_phone = {
        let (contact, i18n) = (contact.clone(), i18n.clone());
        Callback::from(move |edit: PointEdit| {
            refusal(&i18n, contact.document().set_phone(edit.key, &edit.text))
        })
    };
    let on_email = {
        let (contact, i18n) = (contact.clone(), i18n.clone());
        Callback::from(move |edit: PointEdit| {
            refusal(&i18n, contact.document().set_email(edit.key, &edit.text))
        })
    };
    let on_remove_phone = {
        let contact = contact.clone();
        Callback::from(move |key: String| contact.document().remove_phone(key))
    };
    let on_remove_email = {
        let contact = contact.clone();
        Callback::from(move |key: String| contact.document().remove_email(key))
    };
    let on_notes = {
        let contact = contact.clone();
        Callback::from(move |typed: TypedText| {
            contact.type_notes(typed);
            None
        })
    };
    let on_channel = {
        let contact = contact.clone();
        Callback::from(move |channel: String| contact.set_channel(channel))
    };
    let consent = |email: bool| {
        let contact = contact.clone();
        Callback::from(move |event: Event| contact.set_consent(email, event_checked(&event)))
    };
    let on_tab = {
        let history_open = history_open.clone();
        Callback::from(move |open: bool| history_open.set(open))
    };
    let channels: Vec<ChoiceOption> = CHANNELS
        .iter()
        .map(|(value, id)| ChoiceOption {
            value: AttrValue::from(*value),
            label: AttrValue::from(i18n.t(id)),
        })
        .collect();
    let linked: Vec<RelatedItem> = accounts
        .iter()
        .map(|account| RelatedItem {
            route: Route::Account {
                id: account.id.clone(),
            },
            title: AttrValue::from(
                account
                    .name
                    .clone()
                    .unwrap_or_else(|| i18n.t("contact-account-elsewhere")),
            ),
            detail: AttrValue::default(),
        })
        .collect();
    let conflicts = &view.conflicts;
    let inline: Vec<FieldPath> = [
        "first_name",
        "last_name",
        "job_title",
        "notes",
        "preferred_channel",
    ]
    .into_iter()
    .map(FieldPath::root)
    .collect();
    let elsewhere = conflicts_elsewhere(conflicts, &inline);
    let field = |id: &'static str, label: &str, value: &str, key: &str, field: ContactText| {
        html! {
            <EditableField id={id} label={i18n.t(label)} value={AttrValue::from(value.to_owned())}
                on_input={text_field(field)} conflict={conflict_at(conflicts, &FieldPath::root(key))}
                on_choose={on_choose.clone()} />
        }
    };
    html! {
        <section class="page record-page contact-page" aria-labelledby="contact-title" data-id={props.id.to_string()}>
            { back }
            <header class="page-header">
                <h1 id="contact-title">{ view.display_name.clone() }</h1>
                <span class="muted">{ view.job_title.clone() }</span>
            </header>
            if let Some(error) = &view.error {
                <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
            }
            <ConflictList conflicts={elsewhere} on_choose={on_choose.clone()} />
            <RecordTabs history={*history_open} on_select={on_tab} />
            if *history_open {
                <HistoryPanel {history} />
            } else {
                <div class="record-columns">
                    <div class="record-main">
                        <section class="card details" aria-labelledby="details-title">
                            <h2 id="details-title" class="section-title">{ i18n.t("record-details") }</h2>
                            <div class="field-row">
                                { field("edit-first-name", "record-field-first-name", &view.first_name, "first_name", ContactText::FirstName) }
                                { field("edit-last-name", "record-field-last-name", &view.last_name, "last_name", ContactText::LastName) }
                            </div>
                            { field("edit-job-title", "record-field-job-title", &view.job_title, "job_title", ContactText::JobTitle) }
                            <ChoiceField id="edit-channel" label={i18n.t("contact-channel")} optional=true
                                value={AttrValue::from(view.preferred_channel.clone())} options={Rc::new(channels)}
                                on_change={on_channel} conflict={conflict_at(conflicts, &FieldPath::root("preferred_channel"))}
                                on_choose={on_choose.clone()} />
                            <div class="consents">
                                <label class="check">
                                    <input id="consent-email" type="checkbox" checked={view.consent_email} onchange={consent(true)} />
                                    { i18n.t("contact-consent-email") }
                                </label>
                                <label class="check">
                                    <input id="consent-phone" type="checkbox" checked={view.consent_phone} onchange={consent(false)} />
                                    { i18n.t("contact-consent-phone") }
                                </label>
                            </div>
                        </section>
                        <ContactPoints phones={view.phones.clone()} emails={view.emails.clone()}
                            {on_phone} {on_email} {on_remove_phone} {on_remove_email}
                            conflicts={view.conflicts.clone()} on_choose={on_choose.clone()} />
                        <section class="card notes" aria-labelledby="notes-title">
                            <h2 id="notes-title" class="section-title">{ i18n.t("account-notes") }</h2>
                            <EditableField id="edit-notes" label={i18n.t("account-notes")} multiline=true
                                value={AttrValue::from(view.notes.clone())} on_input={on_notes}
                                conflict={conflict_at(conflicts, &FieldPath::root("notes"))} {on_choose} />
                        </section>
                    </div>
                    <div class="record-side">
                        <RelatedList id="contact-accounts" title={i18n.t("contact-accounts")}
                            empty={i18n.t("contact-accounts-empty")} items={linked} />
                    </div>
                </div>
            }
        </section>
    }
}
