//! Search: one box over accounts, contacts, deals, notes and visit reports, answered as the rep
//! types (prefix and accent-insensitive: "eleve" finds "Élevé"). `/` or Ctrl+K opens it from
//! anywhere (see `app.rs`).

use shared::search::{HitKind, MatchedField};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::use_i18n;
use crate::search::use_search;

/// The search page.
#[component]
pub fn SearchPage() -> Html {
    let i18n = use_i18n();
    let search = use_search();
    let view = search.view().clone();
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with((), move |()| {
            if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
                let _focus_failed = input.focus();
            }
        });
    }
    let oninput = {
        let search = search.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                search.type_query(input.value());
            }
        })
    };
    // Clearing the box (its ✕, or a script) may fire only `change`/`search`, not `input`.
    let onchange = {
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                search.type_query(input.value());
            }
        })
    };
    let status = if let Some(problem) = &view.problem {
        i18n.t(&problem.id)
    } else if !view.ready {
        i18n.t("search-preparing")
    } else if view.query.trim().is_empty() {
        i18n.t_with("search-ready", &[("count", view.records.into())])
    } else {
        i18n.t_with("search-results", &[("count", view.hits.len().into())])
    };
    html! {
        <section class="page search" aria-labelledby="search-title">
            <h1 id="search-title">{ i18n.t("search-title") }</h1>
            <label class="field search-field">
                <span class="visually-hidden">{ i18n.t("search-label") }</span>
                <input id="search-box" ref={input} type="search" autocomplete="off"
                    placeholder={i18n.t("search-placeholder")} value={view.query.clone()} {oninput} {onchange} />
            </label>
            <p id="search-status" class="muted" role="status" aria-live="polite">{ status }</p>
            <ul id="search-results" class="search-results">
                { for view.hits.iter().map(|hit| {
                    let route = match hit.kind {
                        HitKind::Account => Route::Account { id: hit.id.clone() },
                        HitKind::Contact => Route::Contact { id: hit.id.clone() },
                        HitKind::Deal => Route::Deal { id: hit.id.clone() },
                    };
                    let kind = match hit.kind {
                        HitKind::Account => i18n.t("search-kind-account"),
                        HitKind::Contact => i18n.t("search-kind-contact"),
                        HitKind::Deal => i18n.t("search-kind-deal"),
                    };
                    let found = match hit.field {
                        MatchedField::Name | MatchedField::Address => None,
                        MatchedField::Email => Some(i18n.t("search-found-email")),
                        MatchedField::Details => Some(i18n.t("search-found-details")),
                        MatchedField::Notes => Some(i18n.t("search-found-notes")),
                        MatchedField::Report => Some(i18n.t("search-found-report")),
                    };
                    html! {
                        <li key={hit.id.clone()} class="search-hit" data-kind={kind.clone()}>
                            <Link<Route> to={route} classes="search-link">
                                <span class="search-kind">{ kind }</span>
                                <span class="search-text">
                                    <span class="search-title">{ &hit.title }</span>
                                    <span class="search-subtitle">{ &hit.subtitle }</span>
                                </span>
                                if let Some(found) = found {
                                    <span class="search-found">{ found }</span>
                                }
                            </Link<Route>>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
