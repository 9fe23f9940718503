//! The visit report, filled in on site: the geo check-in (shown as captured, or why there is
//! none), the outcome, the report and the next step with its due date. Presentational: the page
//! turns the [`VisitDraft`] into a report with the check-in it holds.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::today_lists::distance_text;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::today::Position;

/// What the rep typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitDraft {
    /// The outcome in a few words.
    pub outcome: String,
    /// The report.
    pub report: String,
    /// The next step's title (empty: none).
    pub next_title: String,
    /// The next step's due date (`YYYY-MM-DD`).
    pub next_due: String,
    /// The kind of the next step (`visit`, `call`, or empty for anything else).
    pub next_kind: String,
}

/// Props of [`VisitReportForm`].
#[derive(Properties, PartialEq)]
pub struct VisitReportFormProps {
    /// The account visited.
    pub account_name: AttrValue,
    /// The position as the page knows it (the check-in, once located).
    pub position: Position,
    /// Metres from the fix to the account's visit address, when both are known.
    pub distance_metres: Option<f64>,
    /// The next step's due date to suggest (`YYYY-MM-DD`).
    pub default_due: AttrValue,
    /// Whether the report is being saved.
    pub saving: bool,
    /// Asks for a fresh position.
    pub on_locate: Callback<()>,
    /// Saves the report.
    pub on_save: Callback<VisitDraft>,
    /// Closes the form without saving.
    pub on_cancel: Callback<()>,
}

/// The visit report form.
#[component]
pub fn VisitReportForm(props: &VisitReportFormProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    let outcome = use_node_ref();
    let report = use_node_ref();
    let next_title = use_node_ref();
    let next_due = use_node_ref();
    let next_kind = use_node_ref();
    let onsubmit = {
        let on_save = props.on_save.clone();
        let refs = (
            outcome.clone(),
            report.clone(),
            next_title.clone(),
            next_due.clone(),
            next_kind.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let input = |node: &NodeRef| {
                node.cast::<HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            on_save.emit(VisitDraft {
                outcome: input(&refs.0),
                report: refs
                    .1
                    .cast::<HtmlTextAreaElement>()
                    .map(|text| text.value())
                    .unwrap_or_default(),
                next_title: input(&refs.2),
                next_due: input(&refs.3),
                next_kind: refs
                    .4
                    .cast::<HtmlSelectElement>()
                    .map(|select| select.value())
                    .unwrap_or_default(),
            });
        })
    };
    let on_locate = {
        let on_locate = props.on_locate.clone();
        Callback::from(move |_: MouseEvent| on_locate.emit(()))
    };
    let on_cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let check_in = match &props.position {
        Position::Locating => html! {
            <p id="check-in-status" aria-busy="true">{ i18n.t("today-locating") }</p>
        },
        Position::Located(fix) => {
            let accuracy = format::number(language, fix.accuracy_metres.round());
            html! {
                <p id="check-in-status" class="check-in-captured">
                    <span class="check-in-coordinates">
                        { format!("{:.5}, {:.5}", fix.location.latitude.degrees(), fix.location.longitude.degrees()) }
                    </span>
                    { " · " }
                    { i18n.t_with("today-accuracy", &[("accuracy", accuracy.as_str().into())]) }
                    { " · " }
                    { format::date_time(language, fix.captured_at) }
                    if let Some(metres) = props.distance_metres {
                        { " · " }
                        <span class="check-in-distance">
                            { i18n.t_with("today-from-address", &[("distance", distance_text(&i18n, metres).as_str().into())]) }
                        </span>
                    }
                </p>
            }
        }
        Position::Denied => html! {
            <p id="check-in-status" class="check-in-missing">{ i18n.t("today-check-in-denied") }</p>
        },
        Position::Unavailable => html! {
            <p id="check-in-status" class="check-in-missing">{ i18n.t("today-check-in-unavailable") }</p>
        },
    };
    html! {
        <form id="visit-report" class="visit-report-form" {onsubmit}
            aria-labelledby="visit-report-title">
            <h2 id="visit-report-title">
                { i18n.t_with("today-visit-report-title", &[("account", props.account_name.as_str().into())]) }
            </h2>
            <fieldset class="check-in-box">
                <legend>{ i18n.t("today-check-in") }</legend>
                { check_in }
                <button type="button" id="check-in-again" class="button ghost small" onclick={on_locate}>
                    { i18n.t("today-locate-again") }
                </button>
            </fieldset>
            <label class="field">
                <span class="field-label">{ i18n.t("today-outcome") }</span>
                <input ref={outcome} id="visit-outcome" type="text" list="visit-outcomes" />
                <datalist id="visit-outcomes">
                    <option value={i18n.t("today-outcome-order")} />
                    <option value={i18n.t("today-outcome-quote")} />
                    <option value={i18n.t("today-outcome-follow-up")} />
                    <option value={i18n.t("today-outcome-absent")} />
                </datalist>
            </label>
            <label class="field">
                <span class="field-label">{ i18n.t("today-report") }</span>
                <textarea ref={report} id="visit-report-text" rows="5" />
            </label>
            <fieldset class="next-step">
                <legend>{ i18n.t("today-next-step") }</legend>
                <label class="field">
                    <span class="field-label">{ i18n.t("today-next-step-title") }</span>
                    <input ref={next_title} id="next-step-title" type="text" />
                </label>
                <div class="next-step-when">
                    <label class="field">
                        <span class="field-label">{ i18n.t("today-next-step-due") }</span>
                        <input ref={next_due} id="next-step-due" type="date" value={props.default_due.clone()} />
                    </label>
                    <label class="field">
                        <span class="field-label">{ i18n.t("today-next-step-kind") }</span>
                        <select ref={next_kind} id="next-step-kind">
                            <option value="visit">{ i18n.t("today-kind-visit") }</option>
                            <option value="call">{ i18n.t("today-kind-call") }</option>
                            <option value="">{ i18n.t("today-kind-other") }</option>
                        </select>
                    </label>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="button" id="cancel-visit" class="button ghost" onclick={on_cancel}>
                    { i18n.t("today-cancel") }
                </button>
                <button type="submit" id="save-visit" class="button primary" disabled={props.saving}>
                    { i18n.t("today-save-visit") }
                </button>
            </div>
        </form>
    }
}
