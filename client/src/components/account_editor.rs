//! An account's fields, edited inline and saved as the rep types (no "save" button to forget):
//! name, city, notes, and the visits with their reports. Concurrent names set by two reps are
//! shown side by side with a "keep this one" action.

use yew::prelude::*;

use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::state::account_view::AccountView;

/// A visit report's new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEdit {
    /// The visit (activity id).
    pub visit: String,
    /// The whole report as it now reads.
    pub text: String,
}

/// Props of [`AccountEditor`].
#[derive(Properties, PartialEq)]
pub struct AccountEditorProps {
    /// What to show.
    pub view: AccountView,
    /// The name now reads…
    pub on_rename: Callback<String>,
    /// The city now reads…
    pub on_city: Callback<String>,
    /// The notes now read…
    pub on_notes: Callback<String>,
    /// A visit report now reads…
    pub on_report: Callback<ReportEdit>,
    /// Record a visit now.
    pub on_add_visit: Callback<()>,
    /// Keep this one of the concurrent names.
    pub on_choose_name: Callback<String>,
}

fn input_value(event: InputEvent) -> String {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| {
            target
                .dyn_ref::<web_sys::HtmlInputElement>()
                .map(web_sys::HtmlInputElement::value)
                .or_else(|| {
                    target
                        .dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(web_sys::HtmlTextAreaElement::value)
                })
        })
        .unwrap_or_default()
}

/// The editable account.
#[component]
pub fn AccountEditor(props: &AccountEditorProps) -> Html {
    let view = &props.view;
    let i18n = use_i18n();
    let conflict = (view.name_conflicts.len() > 1).then(|| {
        html! {
            <div id="name-conflict" class="conflict" role="group" aria-label={i18n.t("account-name-conflict-label")}>
                <p>{ i18n.t("account-name-conflict") }</p>
                { for view.name_conflicts.iter().map(|name| {
                    let chosen = name.clone();
                    let onclick = props.on_choose_name.reform(move |_: MouseEvent| chosen.clone());
                    html! {
                        <button type="button" class="button choice" data-value={name.clone()} {onclick}>
                            { name.clone() }
                        </button>
                    }
                }) }
            </div>
        }
    });
    html! {
        <div class="account-editor">
            <label class="field">
                <span class="field-label">{ i18n.t("account-name") }</span>
                <input id="edit-name" type="text" value={view.name.clone()}
                    oninput={props.on_rename.reform(input_value)} />
            </label>
            { for conflict }
            <label class="field">
                <span class="field-label">{ i18n.t("account-city") }</span>
                <input id="edit-city" type="text" value={view.city.clone()}
                    oninput={props.on_city.reform(input_value)} />
            </label>
            <label class="field">
                <span class="field-label">{ i18n.t("account-notes") }</span>
                <textarea id="edit-notes" rows="4" value={view.notes.clone()}
                    oninput={props.on_notes.reform(input_value)} />
            </label>
            <section class="visits" aria-labelledby="visits-title">
                <header class="section-header">
                    <h2 id="visits-title">{ i18n.t("account-visits") }</h2>
                    <button id="add-visit" type="button" class="button"
                        onclick={props.on_add_visit.reform(|_: MouseEvent| ())}>{ i18n.t("account-add-visit") }</button>
                </header>
                { for view.visits.iter().map(|(id, at, report)| {
                    let visit = id.clone();
                    let oninput = props.on_report.reform(move |event: InputEvent| ReportEdit {
                        visit: visit.clone(),
                        text: input_value(event),
                    });
                    html! {
                        <label class="field visit" key={id.clone()} data-visit-id={id.clone()}>
                            <span class="field-label">{ i18n.t_with("account-visit-report", &[("when", format::date_time(i18n.language(), *at).as_str().into())]) }</span>
                            <textarea class="visit-report" rows="3" value={report.clone()} {oninput} />
                        </label>
                    }
                }) }
            </section>
        </div>
    }
}
