//! The settings section for data out and back in: CSV exports with the separator choice, the
//! vCard export of every contact, the backup download and the restore file picker, with the
//! last outcome in words. Display only: every action goes out through a callback.

use shared::transfer::{Delimiter, Entity};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_i18n;
use crate::i18n::Argument;
use crate::transfer::{DataTransfer, TransferOutcome};

/// A CSV export the rep asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvExport {
    /// Which records.
    pub entity: Entity,
    /// Between fields.
    pub delimiter: Delimiter,
}

/// Props of [`TransferPanel`].
#[derive(Properties, PartialEq)]
pub struct TransferPanelProps {
    /// Busy flag and last outcome.
    pub state: DataTransfer,
    /// Export one kind as CSV with a separator.
    pub on_export: Callback<CsvExport>,
    /// Export every contact as vCard.
    pub on_export_vcards: Callback<()>,
    /// Download a backup.
    pub on_backup: Callback<()>,
    /// Restore the picked file.
    pub on_restore: Callback<web_sys::File>,
    /// Where the import wizard is (a link, rendered by the page).
    pub import_link: Html,
}

/// Export, backup and restore controls.
#[component]
pub fn TransferPanel(props: &TransferPanelProps) -> Html {
    let i18n = use_i18n();
    let delimiter = use_state(|| Delimiter::Semicolon);
    let busy = props.state.busy;
    let export = |entity: Entity| {
        let delimiter = *delimiter;
        props
            .on_export
            .reform(move |_: MouseEvent| CsvExport { entity, delimiter })
    };
    let choose = |choice: Delimiter| {
        let delimiter = delimiter.clone();
        Callback::from(move |_: MouseEvent| delimiter.set(choice))
    };
    let on_restore = props.on_restore.clone();
    let restore = Callback::from(move |event: Event| {
        let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            on_restore.emit(file);
        }
        // The same file can be picked again after a refusal.
        input.set_value("");
    });
    let outcome = props.state.outcome.as_ref().map(|outcome| match outcome {
        TransferOutcome::Exported(count) => (
            "",
            i18n.t_with("transfer-exported", &[("count", (*count).into())]),
        ),
        TransferOutcome::BackedUp(count) => (
            "",
            i18n.t_with("transfer-backed-up", &[("count", (*count).into())]),
        ),
        TransferOutcome::Restored(restored) => (
            "",
            i18n.t_with(
                "transfer-restored",
                &[
                    ("added", Argument::from(restored.added)),
                    ("merged", Argument::from(restored.merged)),
                ],
            ),
        ),
        TransferOutcome::Refused(code) => ("form-error", i18n.t(&format!("restore-error-{code}"))),
        TransferOutcome::Failed(problem) => (
            "form-error",
            i18n.t_with(
                "transfer-failed",
                &[("reason", i18n.t(&problem.id).as_str().into())],
            ),
        ),
    });
    html! {
        <section class="card transfer-panel" aria-labelledby="transfer-section">
            <h2 id="transfer-section">{ i18n.t("transfer-title") }</h2>
            <p>{ props.import_link.clone() }</p>
            <h3>{ i18n.t("transfer-export") }</h3>
            <p class="muted">{ i18n.t("transfer-export-note") }</p>
            <div class="segmented" role="radiogroup" aria-label={i18n.t("transfer-separator")}>
                <button type="button" role="radio" class="button" id="export-semicolon"
                    aria-checked={(*delimiter == Delimiter::Semicolon).to_string()}
                    onclick={choose(Delimiter::Semicolon)}>{ i18n.t("transfer-separator-semicolon") }</button>
                <button type="button" role="radio" class="button" id="export-comma"
                    aria-checked={(*delimiter == Delimiter::Comma).to_string()}
                    onclick={choose(Delimiter::Comma)}>{ i18n.t("transfer-separator-comma") }</button>
            </div>
            <div class="transfer-actions">
                <button id="export-accounts" type="button" class="button" disabled={busy}
                    onclick={export(Entity::Account)}>{ i18n.t("transfer-export-accounts") }</button>
                <button id="export-contacts" type="button" class="button" disabled={busy}
                    onclick={export(Entity::Contact)}>{ i18n.t("transfer-export-contacts") }</button>
                <button id="export-deals" type="button" class="button" disabled={busy}
                    onclick={export(Entity::Deal)}>{ i18n.t("transfer-export-deals") }</button>
                <button id="export-products" type="button" class="button" disabled={busy}
                    onclick={export(Entity::Product)}>{ i18n.t("transfer-export-products") }</button>
                <button id="export-vcards" type="button" class="button" disabled={busy}
                    onclick={props.on_export_vcards.reform(|_: MouseEvent| ())}>{ i18n.t("transfer-export-vcard") }</button>
            </div>
            <h3>{ i18n.t("transfer-backup-title") }</h3>
            <p class="muted">{ i18n.t("transfer-backup-text") }</p>
            <div class="transfer-actions">
                <button id="backup-download" type="button" class="button" disabled={busy}
                    onclick={props.on_backup.reform(|_: MouseEvent| ())}>{ i18n.t("transfer-backup") }</button>
                <label class="button transfer-file">
                    { i18n.t("transfer-restore") }
                    <input id="restore-file" type="file" accept=".carnet,application/octet-stream"
                        class="visually-hidden" disabled={busy} onchange={restore} />
                </label>
            </div>
            if busy {
                <p id="transfer-busy" role="status" aria-busy="true">{ i18n.t("transfer-working") }</p>
            }
            if let Some((class, text)) = outcome {
                <p id="transfer-outcome" class={classes!("transfer-outcome", class)} role="status">{ text }</p>
            }
        </section>
    }
}
