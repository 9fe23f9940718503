//! The catalogue: every product and service, filtered as the rep types, readable offline by
//! everyone; managers and admins add products and retire them (the relay refuses anyone else's
//! change anyway).

use shared::ids::ProductId;
use shared::sales::{Product, ProductDraft};
use yew::prelude::*;

use super::catalogue_view::{blank_draft, categories, edits_catalogue, filtered};
use super::use_sales::{use_catalogue, use_sales_actions};
use crate::components::ErrorBanner;
use crate::hooks::{use_i18n, use_sync, SessionState};
use crate::i18n::format;
use crate::records::event_value;
use crate::state::problem::Problem;
use crate::team::use_people;

/// The catalogue page.
#[component]
pub fn CataloguePage() -> Html {
    let i18n = use_i18n();
    let catalogue = use_catalogue();
    let actions = use_sales_actions();
    let sync = use_sync();
    let people = use_people();
    let query = use_state(String::new);
    let category = use_state(|| None::<String>);
    let draft = use_state(blank_draft);
    let problem = use_state(|| None::<Problem>);
    let added = use_state(|| false);
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let editor = edits_catalogue(me.and_then(|me| people.role_of(me)));
    let language = i18n.language();
    let on_query = {
        let query = query.clone();
        Callback::from(move |event: InputEvent| query.set(event_value(&event)))
    };
    let on_category = {
        let category = category.clone();
        Callback::from(move |event: Event| {
            let value = event_value(&event);
            category.set(Some(value).filter(|value| !value.is_empty()));
        })
    };
    let field = |set: fn(&mut ProductDraft, String)| {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*draft).clone();
            set(&mut next, event_value(&event));
            draft.set(next);
        })
    };
    let on_add = {
        let (actions, draft, problem, added) =
            (actions, draft.clone(), problem.clone(), added.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (actions, draft, problem, added) = (
                actions.clone(),
                draft.clone(),
                problem.clone(),
                added.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match actions.new_product(&draft).await {
                    Ok(_) => {
                        draft.set(blank_draft());
                        problem.set(None);
                        added.set(true);
                    }
                    Err(error) => {
                        added.set(false);
                        problem.set(Some(error));
                    }
                }
            });
        })
    };
    let retire = |id: String, active: bool| {
        let sync = sync.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(sync), Ok(id)) = (sync.clone(), id.parse::<ProductId>()) else {
                return;
            };
            let problem = problem.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(workspace) = sync.workspace() else {
                    return;
                };
                let outcome = workspace
                    .update_record::<Product>(
                        id,
                        sync.stamp(),
                        "change availability",
                        move |product| {
                            product.active = active;
                        },
                    )
                    .await;
                if let Err(error) = outcome {
                    problem.set(Some(error));
                }
            });
        })
    };
    let shown = filtered(&catalogue.products, &query, category.as_deref());
    html! {
        <section class="page catalogue-page" aria-labelledby="catalogue-title">
            <header class="page-header">
                <h1 id="catalogue-title">{ i18n.t("catalogue-title") }</h1>
                <span class="count" id="catalogue-count">{ i18n.t_with("catalogue-count", &[("count", shown.len().into())]) }</span>
            </header>
            if let Some(error) = (*problem).clone() {
                <ErrorBanner problem={error} on_dismiss={{ let problem = problem.clone(); Callback::from(move |()| problem.set(None)) }} />
            }
            <div class="catalogue-filters">
                <label for="catalogue-search">{ i18n.t("catalogue-search") }</label>
                <input id="catalogue-search" type="search" value={(*query).clone()} oninput={on_query} />
                <label for="catalogue-category">{ i18n.t("catalogue-category") }</label>
                <select id="catalogue-category" onchange={on_category}>
                    <option value="">{ i18n.t("catalogue-all-categories") }</option>
                    { for categories(&catalogue.products).into_iter().map(|name| html! {
                        <option value={name.clone()} selected={category.as_deref() == Some(name.as_str())}>{ name }</option>
                    }) }
                </select>
            </div>
            if catalogue.loaded && catalogue.products.is_empty() {
                <p class="empty" id="catalogue-empty">{ i18n.t("catalogue-empty") }</p>
            }
            <table class="catalogue" id="catalogue">
                <thead><tr>
                    <th scope="col">{ i18n.t("sales-line-reference") }</th>
                    <th scope="col">{ i18n.t("catalogue-name") }</th>
                    <th scope="col">{ i18n.t("catalogue-category") }</th>
                    <th scope="col">{ i18n.t("sales-line-unit-price") }</th>
                    <th scope="col">{ i18n.t("sales-line-vat") }</th>
                    if editor { <th scope="col">{ i18n.t("catalogue-availability") }</th> }
                </tr></thead>
                <tbody>
                    { for shown.iter().map(|row| html! {
                        <tr class={classes!("product-row", (!row.active).then_some("retired"))} data-id={row.id.clone()}>
                            <td class="product-reference">{ &row.reference }</td>
                            <td>{ &row.name }
                                if !row.active { <span class="status-badge">{ i18n.t("catalogue-retired") }</span> }
                            </td>
                            <td>{ row.category.clone().unwrap_or_default() }</td>
                            <td>{ format!("{}{}", format::money(language, row.unit_price.0, &row.unit_price.1),
                                if row.unit.is_empty() { String::new() } else { format!(" / {}", row.unit) }) }</td>
                            <td>{ format!("{} %", format::number(language, f64::from(row.vat_rate) / 100.0)) }</td>
                            if editor {
                                <td>
                                    if row.active {
                                        <button type="button" class="retire-product" onclick={retire(row.id.clone(), false)}>{ i18n.t("catalogue-retire") }</button>
                                    } else {
                                        <button type="button" class="restore-product" onclick={retire(row.id.clone(), true)}>{ i18n.t("catalogue-restore") }</button>
                                    }
                                </td>
                            }
                        </tr>
                    }) }
                </tbody>
            </table>
            if editor {
                <form class="card product-form" id="new-product" onsubmit={on_add}>
                    <h2 class="section-title">{ i18n.t("catalogue-new") }</h2>
                    <label for="product-reference">{ i18n.t("sales-line-reference") }</label>
                    <input id="product-reference" required=true value={draft.reference.clone()} oninput={field(|draft, value| draft.reference = value)} />
                    <label for="product-name">{ i18n.t("catalogue-name") }</label>
                    <input id="product-name" required=true value={draft.name.clone()} oninput={field(|draft, value| draft.name = value)} />
                    <label for="product-category">{ i18n.t("catalogue-category") }</label>
                    <input id="product-category" value={draft.category.clone()} oninput={field(|draft, value| draft.category = value)} />
                    <label for="product-unit">{ i18n.t("catalogue-unit") }</label>
                    <input id="product-unit" value={draft.unit.clone()} oninput={field(|draft, value| draft.unit = value)} />
                    <label for="product-price">{ i18n.t("sales-line-unit-price") }</label>
                    <input id="product-price" inputmode="decimal" required=true value={draft.unit_price.clone()} oninput={field(|draft, value| draft.unit_price = value)} />
                    <label for="product-vat">{ i18n.t("sales-line-vat") }</label>
                    <select id="product-vat" onchange={{
                        let draft = draft.clone();
                        Callback::from(move |event: Event| {
                            let mut next = (*draft).clone();
                            next.vat_rate = event_value(&event);
                            draft.set(next);
                        })
                    }}>
                        { for ["20", "10", "5,5", "2,1", "0"].into_iter().map(|rate| html! {
                            <option value={rate} selected={draft.vat_rate == rate}>{ format!("{rate} %") }</option>
                        }) }
                    </select>
                    <button type="submit" id="add-product-to-catalogue" class="primary">{ i18n.t("catalogue-add") }</button>
                    if *added {
                        <p role="status" id="product-added">{ i18n.t("catalogue-added") }</p>
                    }
                </form>
            }
        </section>
    }
}
