//! A record's phone numbers and e-mail addresses: each one a `tel:` or `mailto:` link and an
//! inline field (validated: a wrong number or address is refused with its reason), plus a field
//! to add one (written when the rep presses Enter). Shared by the account and contact pages.

use std::rc::Rc;

use shared::field::FieldPath;
use yew::prelude::*;

use super::record_fields::{Choice, EditableField};
use crate::hooks::use_i18n;
use crate::records::record_view::{conflict_at, ContactPoint, FieldConflict};

/// A phone number or e-mail address now reads `text` (`key` `None`: a new one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointEdit {
    /// Its key, or `None` to add it.
    pub key: Option<String>,
    /// What the rep typed.
    pub text: String,
}

/// Props of [`ContactPoints`].
#[derive(Properties, PartialEq)]
pub struct ContactPointsProps {
    /// Phone numbers.
    pub phones: Vec<ContactPoint>,
    /// E-mail addresses.
    pub emails: Vec<ContactPoint>,
    /// A phone number now reads…; answers the problem when refused.
    pub on_phone: Callback<PointEdit, Option<AttrValue>>,
    /// An e-mail address now reads…; answers the problem when refused.
    pub on_email: Callback<PointEdit, Option<AttrValue>>,
    /// Remove the phone number with this key.
    pub on_remove_phone: Callback<String>,
    /// Remove the e-mail address with this key.
    pub on_remove_email: Callback<String>,
    /// The record's conflicted fields.
    pub conflicts: Vec<Rc<FieldConflict>>,
    /// Keep one of a field's concurrent values.
    pub on_choose: Callback<Choice>,
}

/// Phones and e-mails, with links and inline editing.
#[component]
pub fn ContactPoints(props: &ContactPointsProps) -> Html {
    let i18n = use_i18n();
    let list = |kind: &'static str,
                points: &[ContactPoint],
                on_edit: &Callback<PointEdit, Option<AttrValue>>,
                on_remove: &Callback<String>| {
        let (map, field, input_type, label, add_label, remove_label) = match kind {
            "phone" => (
                "phones",
                "number",
                "tel",
                i18n.t("record-phone"),
                i18n.t("record-add-phone"),
                i18n.t("record-remove-phone"),
            ),
            _ => (
                "emails",
                "address",
                "email",
                i18n.t("record-email"),
                i18n.t("record-add-email"),
                i18n.t("record-remove-email"),
            ),
        };
        let new_edit = on_edit.reform(|text: String| PointEdit { key: None, text });
        html! {
            <ul class={classes!("contact-points", format!("{map}-list"))}>
                { for points.iter().map(|point| {
                    let key = point.key.clone();
                    let on_input = on_edit.reform(move |text: String| PointEdit { key: Some(key.clone()), text });
                    let remove = { let key = point.key.clone(); on_remove.reform(move |_: MouseEvent| key.clone()) };
                    let path = FieldPath::new([map, point.key.as_str(), field]);
                    html! {
                        <li class="contact-point" key={point.key.clone()} data-key={point.key.clone()}>
                            <a class={format!("{kind}-link")} href={point.href.clone()}>
                                if !point.label.is_empty() { <span class="muted">{ format!("{} · ", point.label) }</span> }
                                <span class="point-value">{ point.value.clone() }</span>
                            </a>
                            <EditableField id={AttrValue::from(format!("{kind}-{}", point.key))}
                                class={classes!(format!("{kind}-input"))} label={label.clone()}
                                value={AttrValue::from(point.value.clone())} input_type={input_type}
                                keep_draft=true {on_input}
                                conflict={conflict_at(&props.conflicts, &path)}
                                on_choose={props.on_choose.clone()} />
                            <button type="button" class="button ghost small" onclick={remove}
                                aria-label={format!("{remove_label} {}", point.value)}>{ "×" }</button>
                        </li>
                    }
                }) }
                <li class="contact-point new">
                    <EditableField id={AttrValue::from(format!("new-{kind}"))} label={add_label}
                        value="" input_type={input_type} on_commit_only=true on_input={new_edit} />
                </li>
            </ul>
        }
    };
    html! {
        <section class="card contact-points-section" aria-labelledby="contact-points-title">
            <h2 id="contact-points-title" class="section-title">{ i18n.t("record-reach") }</h2>
            { list("phone", &props.phones, &props.on_phone, &props.on_remove_phone) }
            { list("email", &props.emails, &props.on_email, &props.on_remove_email) }
        </section>
    }
}
