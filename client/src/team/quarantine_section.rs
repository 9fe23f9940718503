//! The settings page's "Changes set aside" section: how many local changes wait for records the
//! person no longer has access to, on which records, their download (JSON or CSV) and, after an
//! inline confirmation, discarding them. Hidden while nothing is set aside.

use shared::replica::RecordKind;
use yew::prelude::*;

use crate::hooks::{use_i18n, I18n};
use crate::team::quarantine::{total_changes, QuarantineFormat, QuarantinedRecord};
use crate::team::use_quarantine::use_quarantine;

/// The section (nothing while no change is set aside).
#[component]
pub fn QuarantineSection() -> Html {
    let i18n = use_i18n();
    let quarantine = use_quarantine();
    let confirming = use_state(|| false);
    let state = quarantine.state();
    let Some(records) = state.records.clone().filter(|records| !records.is_empty()) else {
        return html! {};
    };
    let count = total_changes(&records);
    let export = |format: QuarantineFormat| {
        let quarantine = quarantine.clone();
        Callback::from(move |_: MouseEvent| quarantine.export(format))
    };
    let ask = |asking: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(asking))
    };
    let discard = {
        let (quarantine, confirming) = (quarantine.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            quarantine.discard();
        })
    };
    html! {
        <section id="quarantine" class="card" aria-labelledby="quarantine-section">
            <h2 id="quarantine-section">{ i18n.t("quarantine-title") }</h2>
            <p>
                <strong id="quarantine-count">{ count }</strong>{ " " }
                { i18n.t_with("quarantine-summary", &[("count", count.into())]) }
            </p>
            <p class="muted">{ i18n.t("quarantine-explanation") }</p>
            <ul class="device-list" id="quarantine-records">
                { for records.iter().map(|record| html! {
                    <li key={record.document.0.to_string()} class="device quarantined-record"
                        data-document={record.document.0.to_string()}>
                        <span class="device-text">
                            <span class="device-name">{ record_name(&i18n, record) }</span>
                            <span class="muted">
                                { i18n.t_with("quarantine-record-changes", &[("count", record.changes.into())]) }
                            </span>
                        </span>
                    </li>
                }) }
            </ul>
            if *confirming {
                <p class="person-confirm" role="alert">
                    { i18n.t_with("quarantine-discard-confirm", &[("count", count.into())]) }
                </p>
            }
            <div class="segmented">
                <button id="quarantine-export-json" type="button" class="button"
                    disabled={state.busy} onclick={export(QuarantineFormat::Json)}>
                    { i18n.t("quarantine-export-json") }
                </button>
                <button id="quarantine-export-csv" type="button" class="button"
                    disabled={state.busy} onclick={export(QuarantineFormat::Csv)}>
                    { i18n.t("quarantine-export-csv") }
                </button>
                if *confirming {
                    <button id="quarantine-discard-confirm" type="button" class="button danger"
                        disabled={state.busy} onclick={discard}>
                        { i18n.t("quarantine-discard") }
                    </button>
                    <button id="quarantine-discard-cancel" type="button" class="button"
                        onclick={ask(false)}>
                        { i18n.t("quarantine-cancel") }
                    </button>
                } else {
                    <button id="quarantine-discard" type="button" class="button"
                        disabled={state.busy} onclick={ask(true)}>
                        { i18n.t("quarantine-discard") }
                    </button>
                }
            </div>
            if let Some(problem) = &state.problem {
                <p class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
            }
        </section>
    }
}

/// The record's title, or what kind of record it is when its title was not known.
fn record_name(i18n: &I18n, record: &QuarantinedRecord) -> String {
    if let Some(title) = &record.title {
        return title.clone();
    }
    i18n.t(match record.kind {
        Some(RecordKind::Account) => "quarantine-kind-account",
        Some(RecordKind::Contact) => "quarantine-kind-contact",
        Some(RecordKind::Deal) => "quarantine-kind-deal",
        Some(RecordKind::Settings) => "quarantine-kind-settings",
        Some(RecordKind::Product) => "quarantine-kind-product",
        Some(RecordKind::Quote) => "quarantine-kind-quote",
        Some(RecordKind::Order) => "quarantine-kind-order",
        None => "quarantine-kind-unknown",
    })
}
