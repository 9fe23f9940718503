//! The import wizard's panels: the preview with its column → field mapping, the refused rows
//! with their line and reasons, the duplicates with the rep's choice, the summary and the
//! progress bar. Display only: choices go out as [`ImportAction`]s.

use std::collections::HashMap;
use std::rc::Rc;

use shared::transfer::{
    Decision, DuplicateKey, DuplicateOf, Entity, Field, ImportPlan, ImportSummary, Mapping,
    RowProblem, Table,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, I18n};
use crate::i18n::Argument;
use crate::transfer::wizard::{ImportAction, PREVIEW_ROWS};

/// Props of [`ImportMapping`].
#[derive(Properties, PartialEq)]
pub struct ImportMappingProps {
    /// The file, read.
    pub table: Rc<Table>,
    /// The current mapping.
    pub mapping: Mapping,
    /// The rep's choices.
    pub on_choose: Callback<ImportAction>,
}

/// The first rows of the file under a field chooser per column.
#[component]
pub fn ImportMapping(props: &ImportMappingProps) -> Html {
    let i18n = use_i18n();
    let entity = props.mapping.entity;
    let missing = props.mapping.missing_required();
    html! {
        <section class="card import-mapping" aria-labelledby="import-mapping-title">
            <h2 id="import-mapping-title">{ i18n.t("import-mapping") }</h2>
            if !missing.is_empty() {
                <p id="import-missing" class="form-error" role="alert">{
                    i18n.t_with("import-missing", &[("fields", fields_text(&i18n, &missing).as_str().into())])
                }</p>
            }
            <div class="import-table-scroll">
                <table id="import-preview" class="import-table">
                    <caption class="visually-hidden">{ i18n.t("import-preview") }</caption>
                    <thead>
                        <tr>{ for props.table.headers.iter().enumerate().map(|(column, header)| html! {
                            <th scope="col" key={column}>
                                <span class="import-header">{ header.clone() }</span>
                                <label class="visually-hidden" for={format!("import-map-{column}")}>
                                    { format!("{} {}", i18n.t("import-field"), header) }
                                </label>
                                <select id={format!("import-map-{column}")} class="import-map"
                                    onchange={map_column(&props.on_choose, entity, column)}>
                                    <option value="" selected={props.mapping.columns.get(column).copied().flatten().is_none()}>
                                        { i18n.t("import-field-none") }
                                    </option>
                                    { for Field::for_entity(entity).iter().map(|field| html! {
                                        <option value={field.code()}
                                            selected={props.mapping.columns.get(column).copied().flatten() == Some(*field)}>
                                            { field_label(&i18n, *field) }
                                        </option>
                                    }) }
                                </select>
                            </th>
                        }) }</tr>
                    </thead>
                    <tbody>{ for props.table.preview(PREVIEW_ROWS).iter().map(|row| html! {
                        <tr key={row.line}>{ for (0..props.table.headers.len()).map(|column| html! {
                            <td>{ row.cells.get(column).cloned().unwrap_or_default() }</td>
                        }) }</tr>
                    }) }</tbody>
                </table>
            </div>
        </section>
    }
}

fn map_column(
    on_choose: &Callback<ImportAction>,
    entity: Entity,
    column: usize,
) -> Callback<Event> {
    on_choose.reform(move |event: Event| {
        let value = event
            .target_dyn_into::<HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default();
        let field = Field::for_entity(entity)
            .iter()
            .copied()
            .find(|field| field.code() == value);
        ImportAction::MapColumn { column, field }
    })
}

/// Props of [`ImportProblems`].
#[derive(Properties, PartialEq)]
pub struct ImportProblemsProps {
    /// The plan.
    pub plan: Rc<ImportPlan>,
}

/// The refused rows: line and every reason.
#[component]
pub fn ImportProblems(props: &ImportProblemsProps) -> Html {
    let i18n = use_i18n();
    let invalid: Vec<(u64, &[RowProblem])> = props.plan.invalid_rows().collect();
    html! {
        <section class="card import-problems" aria-labelledby="import-problems-title">
            if invalid.is_empty() {
                <h2 id="import-problems-title">{ i18n.t("import-no-problems") }</h2>
            } else {
                <h2 id="import-problems-title">{ i18n.t_with("import-problems-title", &[("count", invalid.len().into())]) }</h2>
                <ul id="import-problems" class="import-list">{ for invalid.iter().map(|(line, problems)| html! {
                    <li key={*line} id={format!("import-problem-{line}")} class="import-problem">
                        <strong>{ i18n.t_with("import-line", &[("line", Argument::Number(*line as f64))]) }</strong>
                        { " " }
                        <span>{ problems.iter().map(|problem| problem_text(&i18n, problem)).collect::<Vec<_>>().join(" ; ") }</span>
                    </li>
                }) }</ul>
            }
        </section>
    }
}

/// Props of [`ImportDuplicates`].
#[derive(Properties, PartialEq)]
pub struct ImportDuplicatesProps {
    /// The plan.
    pub plan: Rc<ImportPlan>,
    /// Names of the device's records by id.
    pub names: Rc<HashMap<String, String>>,
    /// The rep's choices.
    pub on_choose: Callback<ImportAction>,
}

const DECISIONS: [(Decision, &str, &str); 3] = [
    (Decision::Skip, "skip", "import-decision-skip"),
    (Decision::Merge, "merge", "import-decision-merge"),
    (
        Decision::ImportAnyway,
        "anyway",
        "import-decision-import-anyway",
    ),
];

/// The duplicates, each with skip / merge / import anyway, and the same choice for all.
#[component]
pub fn ImportDuplicates(props: &ImportDuplicatesProps) -> Html {
    let i18n = use_i18n();
    let duplicates = props.plan.duplicates();
    if duplicates.is_empty() {
        return html! {};
    }
    html! {
        <section class="card import-duplicates" aria-labelledby="import-duplicates-title">
            <h2 id="import-duplicates-title">{ i18n.t_with("import-duplicates-title", &[("count", duplicates.len().into())]) }</h2>
            <div class="import-decide-all">
                <span>{ i18n.t("import-decide-all") }</span>
                { for DECISIONS.iter().map(|(decision, code, label)| html! {
                    <button type="button" class="button" id={format!("decide-all-{code}")}
                        onclick={props.on_choose.reform({ let decision = *decision; move |_: MouseEvent| ImportAction::DecideAll(decision) })}>
                        { i18n.t(label) }
                    </button>
                }) }
            </div>
            <ul id="import-duplicates" class="import-list">{ for duplicates.iter().map(|duplicate| {
                let line = duplicate.line;
                let key = i18n.t(match duplicate.key {
                    DuplicateKey::Siret(_) => "import-key-siret",
                    DuplicateKey::NameAndPostcode { .. } => "import-key-name",
                    DuplicateKey::Email(_) => "import-key-email",
                    DuplicateKey::Reference(_) => "import-key-reference",
                });
                let of = match &duplicate.of {
                    DuplicateOf::Row { line: other } => i18n.t_with("import-duplicate-of-row", &[
                        ("key", key.as_str().into()),
                        ("other", Argument::Number(*other as f64)),
                    ]),
                    DuplicateOf::Existing { id } => i18n.t_with("import-duplicate-of-existing", &[
                        ("key", key.as_str().into()),
                        ("name", props.names.get(id).map_or(id.as_str(), String::as_str).into()),
                    ]),
                };
                let chosen = props.plan.decision(line);
                html! {
                    <li key={line} id={format!("import-duplicate-{line}")} class="import-duplicate">
                        <span>
                            <strong>{ i18n.t_with("import-line", &[("line", Argument::Number(line as f64))]) }</strong>
                            { format!(" {} — {of}", row_name(&props.plan, line)) }
                        </span>
                        <div class="segmented" role="radiogroup" aria-label={i18n.t_with("import-line", &[("line", Argument::Number(line as f64))])}>
                            { for DECISIONS.iter().map(|(decision, code, label)| html! {
                                <button type="button" role="radio" class="button"
                                    id={format!("decide-{line}-{code}")}
                                    aria-checked={(chosen == Some(*decision)).to_string()}
                                    onclick={props.on_choose.reform({ let decision = *decision; move |_: MouseEvent| ImportAction::Decide { line, decision } })}>
                                    { i18n.t(label) }
                                </button>
                            }) }
                        </div>
                    </li>
                }
            }) }</ul>
        </section>
    }
}

/// Props of [`ImportSummaryView`].
#[derive(Properties, PartialEq)]
pub struct ImportSummaryProps {
    /// The counts.
    pub summary: ImportSummary,
}

/// The counts the rep reads before committing.
#[component]
pub fn ImportSummaryView(props: &ImportSummaryProps) -> Html {
    let i18n = use_i18n();
    let summary = props.summary;
    let lines = [
        ("rows", "import-summary-rows", summary.rows),
        ("invalid", "import-summary-invalid", summary.invalid),
        (
            "duplicates",
            "import-summary-duplicates",
            summary.duplicates,
        ),
        ("create", "import-summary-create", summary.create),
        (
            "merge-existing",
            "import-summary-merge-existing",
            summary.merge_existing,
        ),
        (
            "merge-in-file",
            "import-summary-merge-in-file",
            summary.merge_in_file,
        ),
        ("skip", "import-summary-skip", summary.skip),
    ];
    html! {
        <ul id="import-summary" class="import-summary">
            { for lines.iter().map(|(code, id, count)| html! {
                <li id={format!("import-summary-{code}")}>{ i18n.t_with(id, &[("count", (*count).into())]) }</li>
            }) }
        </ul>
    }
}

/// Props of [`ImportProgress`].
#[derive(Properties, PartialEq)]
pub struct ImportProgressProps {
    /// Records written so far.
    pub done: usize,
    /// Records to write.
    pub total: usize,
    /// Cancels the import.
    pub on_cancel: Callback<()>,
}

/// The progress bar and the Cancel button of a running import.
#[component]
pub fn ImportProgress(props: &ImportProgressProps) -> Html {
    let i18n = use_i18n();
    let text = i18n.t_with(
        "import-progress",
        &[("done", props.done.into()), ("total", props.total.into())],
    );
    html! {
        <div class="import-progress" role="status">
            <progress id="import-progress" max={props.total.max(1).to_string()} value={props.done.to_string()}
                aria-label={text.clone()} />
            <span id="import-progress-text">{ text }</span>
            <button id="import-cancel" type="button" class="button danger"
                onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{ i18n.t("import-cancel") }</button>
        </div>
    }
}

/// The translated label of `field`.
pub fn field_label(i18n: &I18n, field: Field) -> String {
    i18n.t(&format!("import-field-{}", field.code()))
}

fn fields_text(i18n: &I18n, fields: &[Field]) -> String {
    fields
        .iter()
        .map(|field| field_label(i18n, *field))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A row problem in the rep's language.
fn problem_text(i18n: &I18n, problem: &RowProblem) -> String {
    let id = format!("import-problem-{}", problem.code());
    match problem {
        RowProblem::WrongFieldCount { expected, found } => i18n.t_with(
            &id,
            &[("expected", (*expected).into()), ("found", (*found).into())],
        ),
        RowProblem::Missing { field } => {
            i18n.t_with(&id, &[("field", field_label(i18n, *field).as_str().into())])
        }
        RowProblem::BadDate { field, value, .. } => i18n.t_with(
            &id,
            &[
                ("field", field_label(i18n, *field).as_str().into()),
                ("value", value.as_str().into()),
            ],
        ),
        RowProblem::BadSiret { value, .. }
        | RowProblem::BadSiren { value, .. }
        | RowProblem::BadVat { value, .. }
        | RowProblem::BadEmail { value, .. }
        | RowProblem::BadPhone { value, .. }
        | RowProblem::UnknownStage { value }
        | RowProblem::UnknownTerritory { value }
        | RowProblem::UnknownStatus { value }
        | RowProblem::BadAmount { value, .. }
        | RowProblem::BadCurrency { value, .. }
        | RowProblem::BadProbability { value }
        | RowProblem::ReferenceTooLong { value }
        | RowProblem::BadPrice { value, .. }
        | RowProblem::NegativePrice { value }
        | RowProblem::BadVatRate { value, .. } => {
            i18n.t_with(&id, &[("value", value.as_str().into())])
        }
        RowProblem::SiretNotOfSiren | RowProblem::InvalidProduct { .. } => i18n.t(&id),
    }
}

/// The name a valid row gives its record, to tell duplicates apart.
fn row_name(plan: &ImportPlan, line: u64) -> String {
    use shared::transfer::Candidate;
    plan.rows()
        .iter()
        .find(|row| row.line == line)
        .and_then(|row| row.outcome.as_ref().ok())
        .map(|candidate| match candidate {
            Candidate::Account(account) => account.name.clone(),
            Candidate::Contact(contact) => contact.display_name(),
            Candidate::Deal(deal) => deal.title.clone(),
            Candidate::Product(product) => format!("{} — {}", product.reference, product.name),
        })
        .unwrap_or_default()
}
