//! The import wizard's panels: the preview with its column → field mapping, the refused rows
//! with their line and reasons, the duplicates with the rep's choice, the summary and the
//! progress bar. Display only, from the review the workspace worker sends: choices go out as
//! [`ImportChoice`]s; the long lists show one page at a time and ask for more.

use std::rc::Rc;

use shared::transfer::{Decision, Entity, Field, ImportSummary};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, I18n};
use crate::i18n::Argument;
use crate::transfer::review::{Checks, DuplicateTarget, KeyKind, MappingView, RowProblemView};
use crate::transfer::wizard::ImportChoice;
use crate::workspace::import_session::ReviewList;

/// Props of [`ImportMapping`].
#[derive(Properties, PartialEq)]
pub struct ImportMappingProps {
    /// The columns, their fields and the first rows.
    pub mapping: Rc<MappingView>,
    /// The rep's choices.
    pub on_choose: Callback<ImportChoice>,
}

/// The first rows of the file under a field chooser per column.
#[component]
pub fn ImportMapping(props: &ImportMappingProps) -> Html {
    let i18n = use_i18n();
    let entity = props.mapping.entity;
    let missing = &props.mapping.missing;
    html! {
        <section class="card import-mapping" aria-labelledby="import-mapping-title">
            <h2 id="import-mapping-title">{ i18n.t("import-mapping") }</h2>
            if !missing.is_empty() {
                <p id="import-missing" class="form-error" role="alert">{
                    i18n.t_with("import-missing", &[("fields", fields_text(&i18n, missing).as_str().into())])
                }</p>
            }
            <div class="import-table-scroll">
                <table id="import-preview" class="import-table">
                    <caption class="visually-hidden">{ i18n.t("import-preview") }</caption>
                    <thead>
                        <tr>{ for props.mapping.headers.iter().enumerate().map(|(column, header)| html! {
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
                    <tbody>{ for props.mapping.preview.iter().map(|(line, cells)| html! {
                        <tr key={*line}>{ for cells.iter().map(|cell| html! {
                            <td>{ cell.clone() }</td>
                        }) }</tr>
                    }) }</tbody>
                </table>
            </div>
        </section>
    }
}

fn map_column(
    on_choose: &Callback<ImportChoice>,
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
        ImportChoice::MapColumn { column, field }
    })
}

/// Props of [`ImportProblems`].
#[derive(Properties, PartialEq)]
pub struct ImportProblemsProps {
    /// The counts and the refused rows shown.
    pub checks: Rc<Checks>,
    /// Asks for one more page of a list.
    pub on_more: Callback<ReviewList>,
}

/// The refused rows: line and every reason, one page at a time.
#[component]
pub fn ImportProblems(props: &ImportProblemsProps) -> Html {
    let i18n = use_i18n();
    let refused = &props.checks.refused;
    let total = props.checks.summary.invalid;
    html! {
        <section class="card import-problems" aria-labelledby="import-problems-title">
            if total == 0 {
                <h2 id="import-problems-title">{ i18n.t("import-no-problems") }</h2>
            } else {
                <h2 id="import-problems-title">{ i18n.t_with("import-problems-title", &[("count", total.into())]) }</h2>
                <ul id="import-problems" class="import-list">{ for refused.iter().map(|row| {
                    let line = row.line;
                    html! {
                        <li key={line} id={format!("import-problem-{line}")} class="import-problem">
                            <strong>{ i18n.t_with("import-line", &[("line", Argument::Number(line as f64))]) }</strong>
                            { " " }
                            <span>{ row.problems.iter().map(|problem| problem_text(&i18n, problem)).collect::<Vec<_>>().join(" ; ") }</span>
                        </li>
                    }
                }) }</ul>
                { more(&i18n, "import-more-problems", refused.len(), total, props.on_more.reform(|()| ReviewList::Refused)) }
            }
        </section>
    }
}

/// The "show more" button under a list showing `shown` of `total` entries.
fn more(i18n: &I18n, id: &'static str, shown: usize, total: usize, on_more: Callback<()>) -> Html {
    if shown >= total {
        return html! {};
    }
    html! {
        <button {id} type="button" class="button" onclick={on_more.reform(|_: MouseEvent| ())}>
            { i18n.t_with("import-show-more", &[("shown", shown.into()), ("total", total.into())]) }
        </button>
    }
}

/// Props of [`ImportDuplicates`].
#[derive(Properties, PartialEq)]
pub struct ImportDuplicatesProps {
    /// The counts and the duplicates shown.
    pub checks: Rc<Checks>,
    /// The rep's choices.
    pub on_choose: Callback<ImportChoice>,
    /// Asks for one more page of a list.
    pub on_more: Callback<ReviewList>,
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
    let duplicates = &props.checks.duplicates;
    let total = props.checks.summary.duplicates;
    if total == 0 {
        return html! {};
    }
    html! {
        <section class="card import-duplicates" aria-labelledby="import-duplicates-title">
            <h2 id="import-duplicates-title">{ i18n.t_with("import-duplicates-title", &[("count", total.into())]) }</h2>
            <div class="import-decide-all">
                <span>{ i18n.t("import-decide-all") }</span>
                { for DECISIONS.iter().map(|(decision, code, label)| html! {
                    <button type="button" class="button" id={format!("decide-all-{code}")}
                        onclick={props.on_choose.reform({ let decision = *decision; move |_: MouseEvent| ImportChoice::DecideAll(decision) })}>
                        { i18n.t(label) }
                    </button>
                }) }
            </div>
            <ul id="import-duplicates" class="import-list">{ for duplicates.iter().map(|duplicate| {
                let line = duplicate.line;
                let key = i18n.t(match duplicate.key {
                    KeyKind::Siret => "import-key-siret",
                    KeyKind::NameAndPostcode => "import-key-name",
                    KeyKind::Email => "import-key-email",
                    KeyKind::Reference => "import-key-reference",
                });
                let of = match &duplicate.of {
                    DuplicateTarget::Row { line: other } => i18n.t_with("import-duplicate-of-row", &[
                        ("key", key.as_str().into()),
                        ("other", Argument::Number(*other as f64)),
                    ]),
                    DuplicateTarget::Existing { name } => i18n.t_with("import-duplicate-of-existing", &[
                        ("key", key.as_str().into()),
                        ("name", name.as_str().into()),
                    ]),
                };
                let chosen = duplicate.decision;
                html! {
                    <li key={line} id={format!("import-duplicate-{line}")} class="import-duplicate">
                        <span>
                            <strong>{ i18n.t_with("import-line", &[("line", Argument::Number(line as f64))]) }</strong>
                            { format!(" {} — {of}", duplicate.name) }
                        </span>
                        <div class="segmented" role="radiogroup" aria-label={i18n.t_with("import-line", &[("line", Argument::Number(line as f64))])}>
                            { for DECISIONS.iter().map(|(decision, code, label)| html! {
                                <button type="button" role="radio" class="button"
                                    id={format!("decide-{line}-{code}")}
                                    aria-checked={(chosen == Some(*decision)).to_string()}
                                    onclick={props.on_choose.reform({ let decision = *decision; move |_: MouseEvent| ImportChoice::Decide { line, decision } })}>
                                    { i18n.t(label) }
                                </button>
                            }) }
                        </div>
                    </li>
                }
            }) }</ul>
            { more(&i18n, "import-more-duplicates", duplicates.len(), total, props.on_more.reform(|()| ReviewList::Duplicates)) }
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
fn problem_text(i18n: &I18n, problem: &RowProblemView) -> String {
    let id = format!("import-problem-{}", problem.code);
    let field = problem.field.map(|field| field_label(i18n, field));
    let mut arguments: Vec<(&str, Argument)> = Vec::new();
    if let Some((expected, found)) = problem.widths {
        arguments.push(("expected", expected.into()));
        arguments.push(("found", found.into()));
    }
    if let Some(field) = &field {
        arguments.push(("field", field.as_str().into()));
    }
    if let Some(value) = &problem.value {
        arguments.push(("value", value.as_str().into()));
    }
    i18n.t_with(&id, &arguments)
}
