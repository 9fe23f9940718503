//! An account's details, edited inline and saved as the rep types (no "save" button to forget):
//! name, SIREN/SIRET and VAT (validated: refused with the reason while wrong), industry,
//! website, lifecycle stage, tags, owner, territory (chosen by admins and managers, read by
//! reps), the main address and every address with its map link,
//! and the notes. Fields two reps changed concurrently show both values to choose from.

use std::rc::Rc;

use shared::account::LifecycleStage;
use shared::field::FieldPath;
use yew::prelude::*;

use super::record_fields::{Choice, ChoiceField, ChoiceOption, EditableField, FieldInput};
use super::typed_text::TypedText;
use crate::hooks::use_i18n;
use crate::records::account_view::AccountView;
use crate::records::record_view::conflict_at;

/// One edit of an account's details: the field now reads the text, or the rep typed into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountEdit {
    /// The name.
    Rename(TypedText),
    /// SIREN.
    Siren(String),
    /// SIRET.
    Siret(String),
    /// VAT number.
    Vat(String),
    /// Industry.
    Industry(TypedText),
    /// Website.
    Website(TypedText),
    /// Lifecycle stage (stored name).
    Stage(String),
    /// The owner (a person's id; empty: nobody).
    Owner(String),
    /// The territory (its key; empty: none).
    Territory(String),
    /// Tags, comma-separated.
    Tags(String),
    /// The main address's street.
    Street(TypedText),
    /// The main address's postcode.
    Postcode(TypedText),
    /// The main address's city.
    City(TypedText),
    /// The notes.
    Notes(TypedText),
}

/// The paths [`AccountEditor`] shows conflicts of next to their field.
pub fn inline_account_paths() -> Vec<FieldPath> {
    let mut paths: Vec<FieldPath> = [
        "name", "siren", "siret", "vat", "industry", "website", "stage", "owner", "notes",
    ]
    .into_iter()
    .map(FieldPath::root)
    .collect();
    for part in ["street", "postcode", "city"] {
        paths.push(FieldPath::new(["addresses", "main", part]));
    }
    paths
}

/// Props of [`AccountEditor`].
#[derive(Properties, PartialEq)]
pub struct AccountEditorProps {
    /// What to show.
    pub view: AccountView,
    /// Who owns the account, as the rep reads it.
    pub owner: AttrValue,
    /// The owner's id (empty: nobody).
    pub owner_id: AttrValue,
    /// Whom the account may be given to: each person's id and name.
    pub owners: Rc<Vec<ChoiceOption>>,
    /// The territories it may be placed in: each key and name (the current one among them).
    pub territories: Rc<Vec<ChoiceOption>>,
    /// Whether the person may choose the territory (admins and managers); others read it.
    pub may_place: bool,
    /// A field now reads…; answers the problem, in plain words, when the value is refused.
    pub on_edit: Callback<AccountEdit, Option<AttrValue>>,
    /// Keep one of a field's concurrent values.
    pub on_choose: Callback<Choice>,
    /// The stage the account's orders suggest, shown beside the one set by hand.
    #[prop_or_default]
    pub suggestion: Html,
}

const STAGES: [(LifecycleStage, &str); 5] = [
    (LifecycleStage::Prospect, "record-stage-prospect"),
    (LifecycleStage::NewCustomer, "record-stage-new-customer"),
    (LifecycleStage::Active, "record-stage-active"),
    (LifecycleStage::ToReactivate, "record-stage-to-reactivate"),
    (LifecycleStage::Lost, "record-stage-lost"),
];

/// The catalogue message naming a lifecycle stage (`None`: a stage from a newer version).
pub fn stage_label_id(stage: &str) -> Option<&'static str> {
    STAGES
        .iter()
        .find(|(known, _)| known.as_str() == stage)
        .map(|(_, id)| *id)
}

/// The editable account details.
#[component]
pub fn AccountEditor(props: &AccountEditorProps) -> Html {
    let view = &props.view;
    let i18n = use_i18n();
    let conflicts = &view.conflicts;
    let field = |id: &'static str,
                 label: &str,
                 value: &str,
                 path: FieldPath,
                 on_input: FieldInput| {
        let keep_draft = matches!(on_input, FieldInput::Text(_));
        html! {
            <EditableField id={id} label={i18n.t(label)} value={AttrValue::from(value.to_owned())}
                {on_input} {keep_draft}
                conflict={conflict_at(conflicts, &path)} on_choose={props.on_choose.clone()} />
        }
    };
    let main = |part: &str| FieldPath::new(["addresses", "main", part]);
    // Text saved as the rep types; validated values (kept as typed while wrong).
    let typed = |edit: fn(TypedText) -> AccountEdit| FieldInput::Typed(props.on_edit.reform(edit));
    let checked = |edit: fn(String) -> AccountEdit| FieldInput::Text(props.on_edit.reform(edit));
    let mut stages: Vec<ChoiceOption> = STAGES
        .iter()
        .map(|(stage, id)| ChoiceOption {
            value: AttrValue::from(stage.as_str().to_owned()),
            label: AttrValue::from(i18n.t(id)),
        })
        .collect();
    if stage_label_id(&view.stage).is_none() {
        stages.push(ChoiceOption {
            value: AttrValue::from(view.stage.clone()),
            label: AttrValue::from(view.stage.clone()),
        });
    }
    let on_stage = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |stage: String| {
            on_edit.emit(AccountEdit::Stage(stage));
        })
    };
    let mut owners: Vec<ChoiceOption> = props.owners.as_ref().clone();
    if !props.owner_id.is_empty() && !owners.iter().any(|owner| owner.value == props.owner_id) {
        // Someone the directory does not list (yet): named as the page reads them.
        owners.push(ChoiceOption {
            value: props.owner_id.clone(),
            label: props.owner.clone(),
        });
    }
    let on_owner = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |owner: String| {
            on_edit.emit(AccountEdit::Owner(owner));
        })
    };
    // Its concurrent values, if any, are in the page's conflict list, which every role sees.
    let territory = view.territory.clone().unwrap_or_default();
    let territory_field = if props.may_place {
        let on_territory = {
            let on_edit = props.on_edit.clone();
            Callback::from(move |key: String| {
                on_edit.emit(AccountEdit::Territory(key));
            })
        };
        html! {
            <ChoiceField id="edit-territory" label={i18n.t("record-field-territory")}
                value={AttrValue::from(territory)} options={Rc::clone(&props.territories)} optional=true
                none_label={AttrValue::from(i18n.t("record-territory-none"))}
                on_change={on_territory} />
        }
    } else {
        let name = props
            .territories
            .iter()
            .find(|choice| choice.value == territory.as_str())
            .map_or_else(
                || AttrValue::from(i18n.t("record-territory-none")),
                |choice| choice.label.clone(),
            );
        html! {
            <div class="field">
                <span class="field-label">{ i18n.t("record-field-territory") }</span>
                <p id="account-territory" class="field-value">{ name }</p>
            </div>
        }
    };
    html! {
        <div class="account-editor record-details">
            <section class="card details" aria-labelledby="details-title">
                <h2 id="details-title" class="section-title">{ i18n.t("record-details") }</h2>
                { field("edit-name", "account-name", &view.name, FieldPath::root("name"), typed(AccountEdit::Rename)) }
                <div class="field-row">
                    { field("edit-siren", "record-field-siren", &view.siren, FieldPath::root("siren"), checked(AccountEdit::Siren)) }
                    { field("edit-siret", "record-field-siret", &view.siret, FieldPath::root("siret"), checked(AccountEdit::Siret)) }
                </div>
                <div class="field-row">
                    { field("edit-vat", "record-field-vat", &view.vat, FieldPath::root("vat"), checked(AccountEdit::Vat)) }
                    { field("edit-industry", "record-field-industry", &view.industry, FieldPath::root("industry"), typed(AccountEdit::Industry)) }
                </div>
                { field("edit-website", "record-field-website", &view.website, FieldPath::root("website"), typed(AccountEdit::Website)) }
                <div class="field-row">
                    <ChoiceField id="edit-stage" label={i18n.t("record-field-stage")} value={AttrValue::from(view.stage.clone())}
                        options={Rc::new(stages)}
                        on_change={on_stage}
                        conflict={conflict_at(conflicts, &FieldPath::root("stage"))} on_choose={props.on_choose.clone()} />
                    <ChoiceField id="edit-owner" label={i18n.t("record-field-owner")}
                        value={props.owner_id.clone()} options={Rc::new(owners)} optional=true
                        on_change={on_owner}
                        conflict={conflict_at(conflicts, &FieldPath::root("owner"))} on_choose={props.on_choose.clone()} />
                </div>
                { props.suggestion.clone() }
                { territory_field }
                <EditableField id="edit-tags" label={i18n.t("record-field-tags")} value={AttrValue::from(view.tags.join(", "))}
                    on_commit_only=true on_input={props.on_edit.reform(AccountEdit::Tags)}
                    placeholder={AttrValue::from(i18n.t("record-tags-hint"))} />
            </section>
            <section class="card address" aria-labelledby="address-title">
                <h2 id="address-title" class="section-title">{ i18n.t("record-field-addresses") }</h2>
                { field("edit-street", "account-street", &view.street, main("street"), typed(AccountEdit::Street)) }
                <div class="field-row">
                    { field("edit-postcode", "account-postcode", &view.postcode, main("postcode"), typed(AccountEdit::Postcode)) }
                    { field("edit-city", "account-city", &view.city, main("city"), typed(AccountEdit::City)) }
                </div>
                <ul class="address-list">
                    { for view.addresses.iter().map(|address| html! {
                        <li key={address.key.clone()} class="address-line" data-key={address.key.clone()}>
                            <span>{ address.text.clone() }</span>
                            <a class="map-link" href={address.map_href.clone()} target="_blank" rel="noopener">
                                { i18n.t("record-map") }
                            </a>
                        </li>
                    }) }
                </ul>
            </section>
            <section class="card notes" aria-labelledby="notes-title">
                <h2 id="notes-title" class="section-title">{ i18n.t("account-notes") }</h2>
                <EditableField id="edit-notes" label={i18n.t("account-notes")} multiline=true
                    value={AttrValue::from(view.notes.clone())} on_input={typed(AccountEdit::Notes)}
                    conflict={conflict_at(conflicts, &FieldPath::root("notes"))} on_choose={props.on_choose.clone()} />
            </section>
        </div>
    }
}
