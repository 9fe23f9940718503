//! One quote version: its lines (from the catalogue or free), totals computed from them, terms,
//! status, the customer's signature, and the printed page. A draft is edited inline; a sent
//! quote is frozen (the page offers a new version, the signature pad, refusal, expiry); an
//! accepted one becomes an order.

use shared::ids::{LineId, QuoteId};
use shared::sales::QuoteTransition;
use yew::prelude::*;
use yew_router::prelude::{use_navigator, Link};

use super::printed_document::{signature_svg, Printed, PrintedDocument};
use super::quote_view::{offerable, signature_of, LineField, LineRow};
use super::signature_pad::SignaturePad;
use super::use_quote::{use_quote, QuoteHandle};
use super::use_sales::{use_account_row, use_catalogue, use_sales_actions};
use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::{use_i18n, I18n};
use crate::i18n::format;
use crate::records::typed_text::TypedText;
use crate::records::{event_value, use_workspace_settings, EditableField};
use crate::state::problem::Problem;

/// Props of [`QuotePage`].
#[derive(Properties, PartialEq)]
pub struct QuotePageProps {
    /// The quote version to open.
    pub id: QuoteId,
}

/// What a button of the quote page makes from the quote, then opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Making {
    /// Its next version (a sent, refused or expired quote).
    NewVersion,
    /// The order an accepted quote becomes.
    Order,
}

/// What a refused edit says, in the reader's language.
pub(super) fn refused(i18n: &I18n, outcome: Result<(), &'static str>) -> Option<AttrValue> {
    outcome.err().map(|id| AttrValue::from(i18n.t(id)))
}

/// The quote page.
#[component]
pub fn QuotePage(props: &QuotePageProps) -> Html {
    let quote = use_quote(props.id);
    let i18n = use_i18n();
    let catalogue = use_catalogue();
    let settings = use_workspace_settings();
    let actions = use_sales_actions();
    let navigator = use_navigator();
    let problem = use_state(|| None::<Problem>);
    let local = use_state(|| None::<AttrValue>);
    let chosen_product = use_state(String::new);
    let free_line = use_state(String::new);
    let signature_problem = use_state(|| None::<AttrValue>);
    let view = quote.view().clone();
    let account = view.quote.as_ref().map(|quote| quote.account);
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
    let Some(record) = view.quote.clone() else {
        return html! {
            <section class="page record-page">{ back }
                <p id="quote-missing">{ i18n.t("quote-missing") }</p>
                if let Some(error) = &view.error {
                    <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
                }
            </section>
        };
    };
    let currency = record.currency.as_str().to_owned();
    let language = i18n.language();
    let money = |minor: i64| format::money(language, minor, &currency);

    let on_transition = |transition: QuoteTransition| {
        let (quote, local, i18n) = (quote.clone(), local.clone(), i18n.clone());
        Callback::from(move |_: MouseEvent| local.set(refused(&i18n, quote.apply(transition))))
    };
    let on_sign = {
        let (quote, signature_problem, i18n) =
            (quote.clone(), signature_problem.clone(), i18n.clone());
        Callback::from(move |(signer, path): (String, String)| {
            let now = (js_sys::Date::now() / 1000.0) as i64;
            let outcome =
                signature_of(&signer, &path, now).and_then(|signature| quote.sign(signature));
            signature_problem.set(refused(&i18n, outcome));
        })
    };
    let make = |making: Making| {
        let (actions, navigator, problem, record) = (
            actions.clone(),
            navigator.clone(),
            problem.clone(),
            record.clone(),
        );
        let id = props.id;
        Callback::from(move |_: MouseEvent| {
            let (actions, navigator, problem, record) = (
                actions.clone(),
                navigator.clone(),
                problem.clone(),
                record.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let made = match making {
                    Making::NewVersion => {
                        actions
                            .new_version(id, &record)
                            .await
                            .map(|next| Route::Quote {
                                id: next.to_string(),
                            })
                    }
                    Making::Order => {
                        actions
                            .order_from_quote(id, &record)
                            .await
                            .map(|order| Route::Order {
                                id: order.to_string(),
                            })
                    }
                };
                match (made, navigator) {
                    (Ok(route), Some(navigator)) => navigator.push(&route),
                    (Ok(_), None) => {}
                    (Err(error), _) => problem.set(Some(error)),
                }
            });
        })
    };
    let on_new_version = make(Making::NewVersion);
    let on_order = make(Making::Order);
    let followed = use_state(|| false);
    let on_follow = {
        let (actions, problem, followed) = (actions, problem.clone(), followed.clone());
        let target = record
            .deal
            .zip(view.totals.as_ref().map(|totals| totals.net));
        let currency = record.currency;
        Callback::from(move |_: MouseEvent| {
            let Some((deal, net)) = target else {
                return;
            };
            let (actions, problem, followed) = (actions.clone(), problem.clone(), followed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match actions
                    .follow_quote(deal, shared::values::Money::new(net, currency))
                    .await
                {
                    Ok(()) => followed.set(true),
                    Err(error) => problem.set(Some(error)),
                }
            });
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _no_dialog_here = window.print();
        }
    });
    let products = offerable(&catalogue.products, &currency);
    let on_pick = {
        let chosen_product = chosen_product.clone();
        Callback::from(move |event: Event| chosen_product.set(event_value(&event)))
    };
    let on_add_product = {
        let (quote, local, i18n, chosen_product) = (
            quote.clone(),
            local.clone(),
            i18n.clone(),
            chosen_product.clone(),
        );
        let products: Vec<shared::sales::ProductIndexRow> =
            products.iter().map(|row| (*row).clone()).collect();
        Callback::from(move |_: MouseEvent| {
            if let Some(row) = products.iter().find(|row| row.id == *chosen_product) {
                local.set(refused(&i18n, quote.add_product(row)));
            }
        })
    };
    let on_free_text = {
        let free_line = free_line.clone();
        Callback::from(move |event: InputEvent| free_line.set(event_value(&event)))
    };
    let on_add_free = {
        let (quote, local, i18n, free_line) = (
            quote.clone(),
            local.clone(),
            i18n.clone(),
            free_line.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let outcome = quote.add_free_line(&free_line);
            if outcome.is_ok() {
                free_line.set(String::new());
            }
            local.set(refused(&i18n, outcome));
        })
    };
    let on_valid_until = {
        let (quote, i18n) = (quote.clone(), i18n.clone());
        Callback::from(move |text: String| refused(&i18n, quote.set_valid_until(&text)))
    };
    let on_terms = {
        let (quote, i18n) = (quote.clone(), i18n.clone());
        Callback::from(move |text: String| refused(&i18n, quote.set_payment_terms(text)))
    };
    let on_notes = {
        let (quote, i18n) = (quote.clone(), i18n.clone());
        Callback::from(move |typed: TypedText| refused(&i18n, quote.type_notes(typed)))
    };
    let status_label = i18n.t(&format!("quote-status-{}", record.status));
    let error = (*problem).clone().or_else(|| view.error.clone());
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
        <section class="page record-page sales-page quote-page" aria-labelledby="quote-number" data-id={props.id.to_string()}
            data-identity-loaded={settings.is_some().to_string()}>
            <div class="screen-only">
                { back }
                <header class="page-header">
                    <h1 id="quote-number">{ format!("{} {}", i18n.t("quote-title"), record.number) }
                        if record.version > 1 {
                            <span class="quote-version">{ format!(" v{}", record.version) }</span>
                        }
                    </h1>
                    <span id="quote-status" class={classes!("status-badge", format!("status-{}", record.status))}>{ status_label }</span>
                </header>
                if let Some(error) = error {
                    <ErrorBanner problem={error} on_dismiss={{ let problem = problem.clone(); Callback::from(move |()| problem.set(None)) }} />
                }
                if let Some(message) = (*local).clone() {
                    <p class="form-error" role="alert" id="quote-problem">{ message }</p>
                }
                if view.changed_since_sent {
                    <p class="warning" role="status" id="quote-changed-since-sent">{ i18n.t("quote-changed-since-sent") }</p>
                }
                if let Some(deal) = record.deal {
                    <p class="quote-deal">
                        <Link<Route> to={Route::Deal { id: deal.to_string() }} classes="quote-deal-link">{ i18n.t("quote-for-deal") }</Link<Route>>
                    </p>
                }
                if identity.is_blank() {
                    <p class="hint" id="quote-identity-missing">{ i18n.t("quote-identity-missing") }</p>
                }
                <section class="card sales-lines-card" aria-labelledby="quote-lines-title">
                    <h2 id="quote-lines-title" class="section-title">{ i18n.t("sales-lines") }</h2>
                    <LinesTable lines={view.lines.clone()} currency={AttrValue::from(currency.clone())}
                        quote={view.editable.then(|| quote.clone())} />
                    if view.editable {
                        <div class="add-lines">
                            <label for="product-choice">{ i18n.t("quote-add-product") }</label>
                            <select id="product-choice" onchange={on_pick}>
                                <option value="" selected={chosen_product.is_empty()}>{ i18n.t("quote-choose-product") }</option>
                                { for products.iter().map(|row| html! {
                                    <option value={row.id.clone()} selected={*chosen_product == row.id}>
                                        { format!("{} — {} ({})", row.reference, row.name, money(row.unit_price.0)) }
                                    </option>
                                }) }
                            </select>
                            <button type="button" id="add-product" disabled={chosen_product.is_empty()} onclick={on_add_product}>{ i18n.t("quote-add") }</button>
                            <label for="free-line-description">{ i18n.t("quote-add-free-line") }</label>
                            <input id="free-line-description" type="text" value={(*free_line).clone()} oninput={on_free_text} />
                            <button type="button" id="add-free-line" onclick={on_add_free}>{ i18n.t("quote-add") }</button>
                        </div>
                    }
                    <Totals totals={view.totals.clone()} currency={AttrValue::from(currency.clone())} />
                </section>
                <section class="card" aria-labelledby="quote-terms-title">
                    <h2 id="quote-terms-title" class="section-title">{ i18n.t("quote-terms") }</h2>
                    <p>{ format!("{} {}", i18n.t("printed-date"), format::date(language, &record.issued_on.to_string())) }</p>
                    if view.editable {
                        <EditableField id="quote-valid-until" label={i18n.t("printed-valid-until")} input_type="date" keep_draft=true
                            value={AttrValue::from(record.valid_until.map(|date| date.to_string()).unwrap_or_default())} on_input={on_valid_until} />
                        <EditableField id="quote-payment-terms" label={i18n.t("printed-payment-terms")}
                            value={AttrValue::from(record.payment_terms.clone())} on_input={on_terms} />
                        <EditableField id="quote-notes" label={i18n.t("account-notes")} multiline=true
                            value={AttrValue::from(record.notes.as_str().to_owned())} on_input={on_notes} />
                    } else {
                        if let Some(until) = record.valid_until {
                            <p>{ format!("{} {}", i18n.t("printed-valid-until"), format::date(language, &until.to_string())) }</p>
                        }
                        if !record.payment_terms.is_empty() {
                            <p>{ format!("{} {}", i18n.t("printed-payment-terms"), record.payment_terms) }</p>
                        }
                        <p class="notes-text">{ record.notes.as_str().to_owned() }</p>
                    }
                </section>
                if let Some(signature) = &record.signature {
                    <section class="card signed" id="quote-signed">
                        <h2 class="section-title">{ i18n.t("printed-agreement") }</h2>
                        <p id="quote-signer">{ format!("{} — {}", signature.signer, format::date_time(language, signature.signed_at)) }</p>
                        { signature_svg(signature) }
                    </section>
                }
                if view.can(QuoteTransition::Accept) {
                    <SignaturePad on_sign={on_sign} problem={(*signature_problem).clone()} />
                }
                <div class="sales-actions">
                    if view.can(QuoteTransition::Send) {
                        <button type="button" id="send-quote" class="primary" onclick={on_transition(QuoteTransition::Send)}>{ i18n.t("quote-send") }</button>
                    }
                    if view.can(QuoteTransition::Refuse) {
                        <button type="button" id="refuse-quote" onclick={on_transition(QuoteTransition::Refuse)}>{ i18n.t("quote-refuse") }</button>
                    }
                    if view.can(QuoteTransition::Expire) {
                        <button type="button" id="expire-quote" onclick={on_transition(QuoteTransition::Expire)}>{ i18n.t("quote-expire") }</button>
                    }
                    if view.can_make_new_version() {
                        <button type="button" id="new-version" onclick={on_new_version}>{ i18n.t("quote-new-version") }</button>
                    }
                    if view.can_make_order() {
                        <button type="button" id="make-order" class="primary" onclick={on_order}>{ i18n.t("quote-make-order") }</button>
                    }
                    if view.can_make_order() && record.deal.is_some() {
                        <button type="button" id="deal-follows-quote" onclick={on_follow}>{ i18n.t("quote-deal-follows") }</button>
                    }
                    if *followed {
                        <p role="status" id="deal-followed">{ i18n.t("quote-deal-followed") }</p>
                    }
                    <button type="button" id="print-quote" onclick={on_print} disabled={settings.is_none()}>{ i18n.t("sales-print") }</button>
                </div>
            </div>
            <PrintedDocument kind={Printed::Quote} number={AttrValue::from(record.number.to_string())} version={Some(record.version)}
                date={AttrValue::from(record.issued_on.to_string())} until={record.valid_until.map(|date| AttrValue::from(date.to_string()))}
                identity={identity} customer={AttrValue::from(customer_name)} customer_place={AttrValue::from(customer_place)}
                lines={view.lines.clone()} totals={view.totals.clone()} currency={AttrValue::from(currency.clone())}
                payment_terms={AttrValue::from(record.payment_terms.clone())} notes={AttrValue::from(record.notes.as_str().to_owned())}
                signature={record.signature.clone()} />
        </section>
    }
}

/// Props of [`LinesTable`].
#[derive(Properties, PartialEq)]
pub(super) struct LinesTableProps {
    /// The lines.
    pub lines: Vec<LineRow>,
    /// Their currency.
    pub currency: AttrValue,
    /// The quote, when its lines may be edited.
    #[prop_or_default]
    pub quote: Option<QuoteHandle>,
}

/// A line's edit: which line, which field, what was typed.
type LineEdit = (LineId, LineField, String);

/// The lines of a quote or an order: editable cells while a draft, text otherwise. Each line is
/// its own component with callbacks that stay the same from one render to the next, so a
/// keystroke in one line re-renders that line and the totals, not the other 199.
#[component]
pub(super) fn LinesTable(props: &LinesTableProps) -> Html {
    let i18n = use_i18n();
    // The callbacks read the quote as it is now: the page's handle changes with every edit,
    // the callbacks must not.
    let latest = use_mut_ref(|| None::<(QuoteHandle, I18n)>);
    *latest.borrow_mut() = props.quote.clone().map(|quote| (quote, i18n.clone()));
    let on_edit = {
        let latest = latest.clone();
        use_memo((), move |()| {
            Callback::from(move |(line, field, text): LineEdit| {
                let latest = latest.borrow();
                let (quote, i18n) = latest.as_ref()?;
                refused(i18n, quote.set_line(line, field, &text))
            })
        })
    };
    let on_remove = {
        use_memo((), move |()| {
            Callback::from(move |line: LineId| {
                if let Some((quote, _)) = latest.borrow().as_ref() {
                    let _refused_when_frozen = quote.remove_line(line);
                }
            })
        })
    };
    let editable = props.quote.is_some();
    html! {
        <table class="sales-lines" id="sales-lines">
            <thead><tr>
                <th scope="col">{ i18n.t("sales-line-reference") }</th>
                <th scope="col">{ i18n.t("sales-line-description") }</th>
                <th scope="col">{ i18n.t("sales-line-quantity") }</th>
                <th scope="col">{ i18n.t("sales-line-unit-price") }</th>
                <th scope="col">{ i18n.t("sales-line-discount") }</th>
                <th scope="col">{ i18n.t("sales-line-vat") }</th>
                <th scope="col">{ i18n.t("sales-line-net") }</th>
                if editable { <th scope="col"><span class="visually-hidden">{ i18n.t("sales-line-remove") }</span></th> }
            </tr></thead>
            <tbody>
                { for props.lines.iter().map(|line| html! {
                    <LineRowView key={line.id.to_string()} line={line.clone()} currency={props.currency.clone()}
                        {editable} on_edit={(*on_edit).clone()} on_remove={(*on_remove).clone()} />
                }) }
            </tbody>
        </table>
    }
}

/// Props of [`LineRowView`].
#[derive(Properties, PartialEq)]
struct LineRowProps {
    line: LineRow,
    currency: AttrValue,
    editable: bool,
    on_edit: Callback<LineEdit, Option<AttrValue>>,
    on_remove: Callback<LineId>,
}

/// One line of the table.
#[component]
fn LineRowView(props: &LineRowProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    let line = &props.line;
    let money = |minor: i64| format::money(language, minor, &props.currency);
    let cell = |field: LineField, value: String, label: &str| -> Html {
        if !props.editable {
            return match field {
                LineField::UnitPrice => html! { { money(line.unit_price_minor) } },
                _ => html! { { value } },
            };
        }
        let (on_edit, id) = (props.on_edit.clone(), line.id);
        let on_input = Callback::from(move |text: String| on_edit.emit((id, field, text)));
        let name = match field {
            LineField::Description => "description",
            LineField::Quantity => "quantity",
            LineField::UnitPrice => "price",
            LineField::Discount => "discount",
            LineField::VatRate => "vat",
        };
        html! {
            <EditableField id={AttrValue::from(format!("line-{}-{name}", line.id))} class={classes!(format!("line-{name}"))}
                label={AttrValue::from(i18n.t(label))} value={AttrValue::from(value)} keep_draft=true {on_input} />
        }
    };
    let remove = {
        let (on_remove, id) = (props.on_remove.clone(), line.id);
        Callback::from(move |_: MouseEvent| on_remove.emit(id))
    };
    html! {
        <tr class="sales-line" data-line={line.id.to_string()}>
            <td>{ line.reference.clone().unwrap_or_default() }</td>
            <td>{ cell(LineField::Description, line.description.clone(), "sales-line-description") }</td>
            <td>{ cell(LineField::Quantity, line.quantity.clone(), "sales-line-quantity") }</td>
            <td>{ cell(LineField::UnitPrice, line.unit_price.clone(), "sales-line-unit-price") }</td>
            <td>{ cell(LineField::Discount, line.discount.clone(), "sales-line-discount") }</td>
            <td>{ cell(LineField::VatRate, format::number(language, f64::from(line.vat_rate) / 100.0), "sales-line-vat") }</td>
            <td class="line-net">{ line.net.map(money).unwrap_or_default() }</td>
            if props.editable {
                <td><button type="button" class="remove-line" onclick={remove} aria-label={i18n.t("sales-line-remove")}>{ "×" }</button></td>
            }
        </tr>
    }
}

/// Props of [`Totals`].
#[derive(Properties, PartialEq)]
pub(super) struct TotalsProps {
    /// The totals (none when the lines do not add up).
    pub totals: Option<super::quote_view::TotalsRow>,
    /// Their currency.
    pub currency: AttrValue,
}

/// Total before VAT, VAT per rate, and total including VAT.
#[component]
pub(super) fn Totals(props: &TotalsProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    let money = |minor: i64| format::money(language, minor, &props.currency);
    let Some(totals) = &props.totals else {
        return html! { <p class="form-error" id="sales-totals-problem">{ i18n.t("sales-problem-amounts") }</p> };
    };
    html! {
        <dl class="sales-totals" id="sales-totals">
            <dt>{ i18n.t("sales-total-net") }</dt><dd id="total-net">{ money(totals.net) }</dd>
            { for totals.vat.iter().map(|row| html! {
                <>
                    <dt>{ format!("{} {} %", i18n.t("sales-total-vat"), format::number(language, f64::from(row.rate) / 100.0)) }</dt>
                    <dd class="total-vat" data-rate={row.rate.to_string()}>{ money(row.vat) }</dd>
                </>
            }) }
            <dt>{ i18n.t("sales-total-gross") }</dt><dd id="total-gross">{ money(totals.gross) }</dd>
        </dl>
    }
}
