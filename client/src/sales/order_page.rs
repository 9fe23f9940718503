//! One order: its fixed lines and totals, its status (delivered, cancelled), delivery date and
//! notes, and the printed page.

use shared::ids::OrderId;
use shared::sales::OrderTransition;
use yew::prelude::*;
use yew_router::prelude::Link;

use super::printed_document::{Printed, PrintedDocument};
use super::quote_page::{refused, LinesTable, Totals};
use super::use_order::use_order;
use super::use_sales::use_account_row;
use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::records::typed_text::TypedText;
use crate::records::{use_workspace_settings, EditableField};

/// Props of [`OrderPage`].
#[derive(Properties, PartialEq)]
pub struct OrderPageProps {
    /// The order to open.
    pub id: OrderId,
}

/// The order page.
#[component]
pub fn OrderPage(props: &OrderPageProps) -> Html {
    let order = use_order(props.id);
    let i18n = use_i18n();
    let settings = use_workspace_settings();
    let local = use_state(|| None::<AttrValue>);
    let view = order.view().clone();
    let account = view.order.as_ref().map(|order| order.account);
    let customer = use_account_row(account);
    let back = match account {
        Some(account) => html! {
            <Link<Route> to={Route::Account { id: account.to_string() }} classes="back-link">{ i18n.t("quote-back") }</Link<Route>>
        },
        None => html! {},
    };
    if !view.loaded {
        return html! { <section class="page record-page">{ back }<p aria-busy="true">{ i18n.t("account-opening") }</p></section> };
    }
    let Some(record) = view.order.clone() else {
        return html! {
            <section class="page record-page">{ back }
                <p id="order-missing">{ i18n.t("order-missing") }</p>
                if let Some(error) = &view.error {
                    <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
                }
            </section>
        };
    };
    let language = i18n.language();
    let currency = record.currency.as_str().to_owned();
    let on_transition = |transition: OrderTransition| {
        let (order, local, i18n) = (order.clone(), local.clone(), i18n.clone());
        Callback::from(move |_: MouseEvent| local.set(refused(&i18n, order.apply(transition))))
    };
    let on_delivery = {
        let (order, i18n) = (order.clone(), i18n.clone());
        Callback::from(move |text: String| refused(&i18n, order.set_delivery_date(&text)))
    };
    let on_notes = {
        let (order, i18n) = (order.clone(), i18n.clone());
        Callback::from(move |typed: TypedText| refused(&i18n, order.type_notes(typed)))
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _no_dialog_here = window.print();
        }
    });
    let identity = settings
        .as_ref()
        .map(|settings| settings.identity.clone())
        .unwrap_or_default();
    let (customer_name, customer_place) = customer.as_ref().map_or_else(
        || (String::new(), String::new()),
        |row| {
            (
                row.name.clone(),
                format!("{} {}", row.postcode, row.city).trim().to_owned(),
            )
        },
    );
    html! {
        <section class="page record-page sales-page order-page" aria-labelledby="order-number" data-id={props.id.to_string()}
            data-identity-loaded={settings.is_some().to_string()}>
            <div class="screen-only">
                { back }
                <header class="page-header">
                    <h1 id="order-number">{ format!("{} {}", i18n.t("order-title"), record.number) }</h1>
                    <span id="order-status" class={classes!("status-badge", format!("status-{}", record.status))}>{ i18n.t(&format!("order-status-{}", record.status)) }</span>
                </header>
                if let Some(error) = &view.error {
                    <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
                }
                if let Some(message) = (*local).clone() {
                    <p class="form-error" role="alert" id="order-problem">{ message }</p>
                }
                if let Some(quote) = &record.quote {
                    <p class="order-origin">
                        <Link<Route> to={Route::Quote { id: quote.quote.to_string() }} classes="order-quote-link">
                            { format!("{} {} v{}", i18n.t("order-from-quote"), quote.number, quote.version) }
                        </Link<Route>>
                    </p>
                }
                <section class="card sales-lines-card" aria-labelledby="order-lines-title">
                    <h2 id="order-lines-title" class="section-title">{ i18n.t("sales-lines") }</h2>
                    <LinesTable lines={view.lines.clone()} currency={AttrValue::from(currency.clone())} />
                    <Totals totals={view.totals.clone()} currency={AttrValue::from(currency.clone())} />
                </section>
                <section class="card">
                    <p>{ format!("{} {}", i18n.t("order-ordered-on"), format::date(language, &record.ordered_on.to_string())) }</p>
                    if view.open() {
                        <EditableField id="order-delivery-date" label={i18n.t("printed-delivery")} input_type="date" keep_draft=true
                            value={AttrValue::from(record.delivery_date.map(|date| date.to_string()).unwrap_or_default())} on_input={on_delivery} />
                        <EditableField id="order-notes" label={i18n.t("account-notes")} multiline=true
                            value={AttrValue::from(record.notes.as_str().to_owned())} on_input={on_notes} />
                    } else {
                        if let Some(date) = record.delivery_date {
                            <p>{ format!("{} {}", i18n.t("printed-delivery"), format::date(language, &date.to_string())) }</p>
                        }
                        <p class="notes-text">{ record.notes.as_str().to_owned() }</p>
                    }
                </section>
                <div class="sales-actions">
                    if view.can(OrderTransition::Deliver) {
                        <button type="button" id="deliver-order" class="primary" onclick={on_transition(OrderTransition::Deliver)}>{ i18n.t("order-deliver") }</button>
                    }
                    if view.can(OrderTransition::Cancel) {
                        <button type="button" id="cancel-order" onclick={on_transition(OrderTransition::Cancel)}>{ i18n.t("order-cancel") }</button>
                    }
                    <button type="button" id="print-order" onclick={on_print} disabled={settings.is_none()}>{ i18n.t("sales-print") }</button>
                </div>
            </div>
            <PrintedDocument kind={Printed::Order} number={AttrValue::from(record.number.to_string())}
                date={AttrValue::from(record.ordered_on.to_string())} until={record.delivery_date.map(|date| AttrValue::from(date.to_string()))}
                identity={identity} customer={AttrValue::from(customer_name)} customer_place={AttrValue::from(customer_place)}
                lines={view.lines.clone()} totals={view.totals.clone()} currency={AttrValue::from(currency)}
                payment_terms={AttrValue::from(record.payment_terms.clone())} notes={AttrValue::from(record.notes.as_str().to_owned())} />
        </section>
    }
}
