//! An account's quotes and orders on its 360° page, newest first, with what to start from
//! there: a new quote, and the orders its accepted quotes became.

use shared::ids::{AccountId, DealId};
use shared::values::CurrencyCode;
use yew::prelude::*;
use yew_router::prelude::{use_navigator, Link};

use super::use_sales::{use_account_sales, use_sales_actions};
use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::state::problem::Problem;

/// Props of [`AccountSales`].
#[derive(Properties, PartialEq)]
pub struct AccountSalesProps {
    /// The account.
    pub account: AccountId,
    /// The currency new quotes are priced in.
    pub currency: CurrencyCode,
    /// The deal a new quote prices, if the page knows one.
    #[prop_or_default]
    pub deal: Option<DealId>,
}

/// The account's quotes and orders.
#[component]
pub fn AccountSales(props: &AccountSalesProps) -> Html {
    let i18n = use_i18n();
    let rows = use_account_sales(props.account);
    let actions = use_sales_actions();
    let navigator = use_navigator();
    let problem = use_state(|| None::<Problem>);
    let busy = use_state(|| false);
    let language = i18n.language();
    let on_new_quote = {
        let (actions, navigator, problem, busy) =
            (actions, navigator, problem.clone(), busy.clone());
        let (account, deal, currency) = (props.account, props.deal, props.currency);
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (actions, navigator, problem, busy) = (
                actions.clone(),
                navigator.clone(),
                problem.clone(),
                busy.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match actions.new_quote(account, deal, currency).await {
                    Ok(id) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Quote { id: id.to_string() });
                        }
                    }
                    Err(error) => problem.set(Some(error)),
                }
                busy.set(false);
            });
        })
    };
    let amount = |totals: &Option<shared::sales::RowTotals>, currency: &str| {
        totals
            .as_ref()
            .map(|totals| format::money(language, totals.net, currency))
            .unwrap_or_default()
    };
    html! {
        <section class="card account-sales" aria-labelledby="account-sales-title" id="account-sales">
            <h2 id="account-sales-title" class="section-title">{ i18n.t("account-sales") }</h2>
            if let Some(error) = (*problem).clone() {
                <ErrorBanner problem={error} on_dismiss={{ let problem = problem.clone(); Callback::from(move |()| problem.set(None)) }} />
            }
            <button type="button" id="new-quote" class="primary" disabled={*busy} onclick={on_new_quote}>{ i18n.t("account-new-quote") }</button>
            <h3>{ i18n.t("account-quotes") }</h3>
            if rows.quotes.is_empty() {
                <p class="empty" id="account-no-quotes">{ i18n.t("account-no-quotes") }</p>
            } else {
                <ul class="sales-list" id="account-quotes">
                    { for rows.quotes.iter().map(|row| html! {
                        <li class="sales-item quote-item" data-id={row.id.clone()}>
                            <Link<Route> to={Route::Quote { id: row.id.clone() }}>
                                { format!("{} v{}", row.number, row.version) }
                            </Link<Route>>
                            <span class={classes!("status-badge", format!("status-{}", row.status))}>{ i18n.t(&format!("quote-status-{}", row.status)) }</span>
                            <span class="sales-amount">{ amount(&row.totals, &row.currency) }</span>
                            <span class="sales-date">{ format::date(language, &row.issued_on) }</span>
                        </li>
                    }) }
                </ul>
            }
            <h3>{ i18n.t("account-orders") }</h3>
            if rows.orders.is_empty() {
                <p class="empty" id="account-no-orders">{ i18n.t("account-no-orders") }</p>
            } else {
                <ul class="sales-list" id="account-orders">
                    { for rows.orders.iter().map(|row| html! {
                        <li class="sales-item order-item" data-id={row.id.clone()}>
                            <Link<Route> to={Route::Order { id: row.id.clone() }}>{ row.number.clone() }</Link<Route>>
                            <span class={classes!("status-badge", format!("status-{}", row.status))}>{ i18n.t(&format!("order-status-{}", row.status)) }</span>
                            <span class="sales-amount">{ amount(&row.totals, &row.currency) }</span>
                            <span class="sales-date">{ format::date(language, &row.ordered_on) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
