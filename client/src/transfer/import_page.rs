//! The CSV and vCard import wizard: pick a file, check how it was read (encoding, separator,
//! kind of record, columns), read the refused rows and the duplicates, choose, read the
//! summary, import in one transaction with progress and Cancel.

use std::rc::Rc;

use shared::transfer::{Delimiter, Entity, TextEncoding};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::{use_i18n, I18n};
use crate::i18n::Argument;
use crate::transfer::review::Reading;
use crate::transfer::wizard::{ImportChoice, Step};
use crate::transfer::{use_import, ImportHandle};
use crate::transfer::{
    ImportDuplicates, ImportMapping, ImportProblems, ImportProgress, ImportSummaryView,
};

const ENCODINGS: [(TextEncoding, &str, &str); 3] = [
    (TextEncoding::Utf8, "utf8", "import-encoding-utf8"),
    (
        TextEncoding::Utf8WithBom,
        "utf8-bom",
        "import-encoding-utf8-bom",
    ),
    (
        TextEncoding::Windows1252,
        "windows-1252",
        "import-encoding-windows-1252",
    ),
];
const DELIMITERS: [(Delimiter, &str, &str); 3] = [
    (
        Delimiter::Semicolon,
        "semicolon",
        "import-delimiter-semicolon",
    ),
    (Delimiter::Comma, "comma", "import-delimiter-comma"),
    (Delimiter::Tab, "tab", "import-delimiter-tab"),
];
/// Every kind of record, products last: a rep is offered the first three only.
const ENTITIES: [(Entity, &str, &str); 4] = [
    (Entity::Account, "account", "import-kind-account"),
    (Entity::Contact, "contact", "import-kind-contact"),
    (Entity::Deal, "deal", "import-kind-deal"),
    (Entity::Product, "product", "import-kind-product"),
];

/// The page.
#[component]
pub fn ImportPage() -> Html {
    let i18n = use_i18n();
    let import = use_import();
    let wizard = import.review();
    let on_choose = {
        let import = import.clone();
        Callback::from(move |action| import.choose(action))
    };
    let on_file = {
        let import = import.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                import.open(file);
            }
        })
    };
    let body = match &wizard.step {
        Step::Review => review(&import, &i18n, &on_choose),
        Step::Summary => summary(&import, &i18n, &on_choose),
        Step::Importing { done, total } => {
            let on_cancel = {
                let import = import.clone();
                Callback::from(move |()| import.cancel())
            };
            html! { <ImportProgress done={*done} total={*total} {on_cancel} /> }
        }
        Step::Done { created, merged } => finished(
            &i18n,
            wizard.entity,
            &on_choose,
            "",
            i18n.t_with(
                "import-done",
                &[
                    ("created", Argument::from(*created)),
                    ("merged", Argument::from(*merged)),
                ],
            ),
        ),
        Step::Cancelled => finished(
            &i18n,
            wizard.entity,
            &on_choose,
            "",
            i18n.t("import-cancelled"),
        ),
        Step::Failed(reason) => finished(
            &i18n,
            wizard.entity,
            &on_choose,
            "form-error",
            i18n.t_with(
                "import-failed",
                &[("reason", i18n.t(&reason.id).as_str().into())],
            ),
        ),
    };
    let picking = matches!(wizard.step, Step::Review);
    html! {
        <section class="page import" aria-labelledby="import-title">
            <h1 id="import-title">{ i18n.t("import-title") }</h1>
            <p class="muted">{ i18n.t("import-intro") }</p>
            if picking {
                <label class="field import-file">
                    <span class="field-label">{ i18n.t("import-choose-file") }</span>
                    <input id="import-file" type="file" accept=".csv,.txt,.tsv,.vcf,text/csv,text/vcard"
                        onchange={on_file} />
                </label>
            }
            if let Some(reason) = import.read_error() {
                <p id="import-file-problem" class="form-error" role="alert">
                    { i18n.t_with("import-error-read", &[("reason", i18n.t(&reason.id).as_str().into())]) }
                </p>
            }
            { body }
        </section>
    }
}

fn review(import: &ImportHandle, i18n: &I18n, on_choose: &Callback<ImportChoice>) -> Html {
    let wizard = import.review();
    let Some(name) = &wizard.file_name else {
        return html! {};
    };
    let problem = wizard.problem.as_ref().map(|problem| {
        let line = Argument::Number(problem.line.unwrap_or(0) as f64);
        i18n.t_with(&format!("import-error-{}", problem.code), &[("line", line)])
    });
    let detection = match wizard.reading {
        Some(Reading::Csv {
            encoding,
            delimiter,
            chosen_encoding,
            chosen_delimiter,
        }) => {
            let encoding = label_of(&ENCODINGS, encoding);
            let delimiter = label_of(&DELIMITERS, delimiter);
            html! {
                <section class="card import-detection" aria-labelledby="import-detection-title">
                    <h2 id="import-detection-title" class="visually-hidden">{ i18n.t("import-detected") }</h2>
                    <p id="import-detected">{ i18n.t_with("import-detected", &[
                        ("encoding", i18n.t(encoding).as_str().into()),
                        ("delimiter", i18n.t(delimiter).as_str().into()),
                    ]) }</p>
                    <div class="import-options">
                        { chooser(i18n, "import-encoding", "import-encoding", &ENCODINGS, chosen_encoding, encoding,
                            on_choose.reform(ImportChoice::ChooseEncoding)) }
                        { chooser(i18n, "import-delimiter", "import-delimiter", &DELIMITERS, chosen_delimiter, delimiter,
                            on_choose.reform(ImportChoice::ChooseDelimiter)) }
                        { chooser(i18n, "import-kind", "import-kind", &ENTITIES[..wizard.entities().len()], Some(wizard.entity), "import-kind-account",
                            on_choose.reform(|entity: Option<Entity>| ImportChoice::ChooseEntity(entity.unwrap_or(Entity::Account)))) }
                    </div>
                </section>
            }
        }
        Some(Reading::Vcard { cards }) => html! {
            <p id="import-detected" class="card">{ i18n.t_with("import-vcard", &[("count", cards.into())]) }</p>
        },
        None => html! {},
    };
    let mapping = match &wizard.mapping {
        Some(mapping) => html! {
            <ImportMapping mapping={Rc::new(mapping.clone())} on_choose={on_choose.clone()} />
        },
        None => html! {},
    };
    let checks = match &wizard.checks {
        Some(checks) => {
            let checks = Rc::new(checks.clone());
            let on_more = {
                let import = import.clone();
                Callback::from(move |list| import.show_more(list))
            };
            html! {
                <>
                    <ImportProblems checks={checks.clone()} on_more={on_more.clone()} />
                    <ImportDuplicates {checks} on_choose={on_choose.clone()} {on_more} />
                </>
            }
        }
        None if wizard.looks_for_duplicates() => html! {
            <p id="import-loading" class="muted" aria-busy="true">{ i18n.t("import-loading-existing") }</p>
        },
        None => html! {},
    };
    html! {
        <>
            <p id="import-file-name">{ i18n.t_with("import-file", &[("name", name.as_str().into())]) }</p>
            if let Some(problem) = problem {
                <p id="import-file-problem" class="form-error" role="alert">{ problem }</p>
            }
            { detection }
            { mapping }
            { checks }
            <div class="import-actions">
                <button id="import-review" type="button" class="button primary"
                    disabled={!wizard.can_review}
                    onclick={on_choose.reform(|_: MouseEvent| ImportChoice::Review)}>
                    { i18n.t("import-review") }
                </button>
            </div>
        </>
    }
}

fn summary(import: &ImportHandle, i18n: &I18n, on_choose: &Callback<ImportChoice>) -> Html {
    let Some(checks) = &import.review().checks else {
        return html! {};
    };
    let on_start = {
        let import = import.clone();
        Callback::from(move |_: MouseEvent| import.start())
    };
    html! {
        <section class="card import-summary-card" aria-labelledby="import-summary-title">
            <h2 id="import-summary-title">{ i18n.t("import-summary-title") }</h2>
            <ImportSummaryView summary={checks.summary} />
            <p class="muted">{ i18n.t("import-all-or-nothing") }</p>
            <div class="import-actions">
                <button id="import-back" type="button" class="button"
                    onclick={on_choose.reform(|_: MouseEvent| ImportChoice::Back)}>{ i18n.t("import-back") }</button>
                <button id="import-start" type="button" class="button primary" onclick={on_start}>
                    { i18n.t("import-start") }
                </button>
            </div>
        </section>
    }
}

fn finished(
    i18n: &I18n,
    entity: Entity,
    on_choose: &Callback<ImportChoice>,
    class: &'static str,
    text: String,
) -> Html {
    html! {
        <section class="card import-outcome">
            <p id="import-outcome" class={class} role="status">{ text }</p>
            <div class="import-actions">
                <button id="import-again" type="button" class="button"
                    onclick={on_choose.reform(|_: MouseEvent| ImportChoice::Reset)}>{ i18n.t("import-again") }</button>
                if entity == Entity::Product {
                    <Link<Route> to={Route::Catalogue} classes="button primary">{ i18n.t("import-to-catalogue") }</Link<Route>>
                } else {
                    <Link<Route> to={Route::Accounts} classes="button primary">{ i18n.t("import-to-accounts") }</Link<Route>>
                }
            </div>
        </section>
    }
}

/// A `<select>` of `choices` whose first option keeps the guess (`guessed` names it).
fn chooser<T: Copy + PartialEq + 'static>(
    i18n: &I18n,
    id: &'static str,
    label: &'static str,
    choices: &'static [(T, &'static str, &'static str)],
    chosen: Option<T>,
    guessed: &'static str,
    on_change: Callback<Option<T>>,
) -> Html {
    let with_guess = id != "import-kind";
    let onchange = on_change.reform(move |event: Event| {
        let value = event
            .target_dyn_into::<HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default();
        choices
            .iter()
            .find(|(_, code, _)| *code == value)
            .map(|(choice, _, _)| *choice)
    });
    html! {
        <label class="field">
            <span class="field-label">{ i18n.t(label) }</span>
            <select {id} {onchange}>
                if with_guess {
                    <option value="" selected={chosen.is_none()}>
                        { i18n.t_with("import-guess", &[("value", i18n.t(guessed).as_str().into())]) }
                    </option>
                }
                { for choices.iter().map(|(choice, code, name)| html! {
                    <option value={*code} selected={chosen == Some(*choice)}>{ i18n.t(name) }</option>
                }) }
            </select>
        </label>
    }
}

fn label_of<T: PartialEq>(choices: &[(T, &'static str, &'static str)], value: T) -> &'static str {
    choices
        .iter()
        .find(|(choice, _, _)| *choice == value)
        .map_or("", |(_, _, label)| label)
}
