//! A quote or an order as printed on A4 (or saved as PDF by the browser): who sells, with the
//! mentions a French quote carries, the customer, the lines, the totals per VAT rate, the terms
//! and the signature block. Hidden on screen; the print stylesheet shows it alone. Everything
//! is text the page shows as text (never markup), the logo a checked raster `data:` image.

use shared::sales::{Signature, SIGNATURE_HEIGHT, SIGNATURE_WIDTH};
use shared::settings::CompanyIdentity;
use yew::prelude::*;

use super::quote_view::{LineRow, TotalsRow};
use crate::hooks::use_i18n;
use crate::i18n::format;

/// Which document is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Printed {
    /// A quote (devis).
    Quote,
    /// An order (bon de commande).
    Order,
}

/// Props of [`PrintedDocument`].
#[derive(Properties, PartialEq)]
pub(super) struct PrintedDocumentProps {
    /// Quote or order.
    pub(super) kind: Printed,
    /// Its number (`D-2026-7K2Q-0001`).
    pub(super) number: AttrValue,
    /// Its version (quotes).
    #[prop_or_default]
    pub(super) version: Option<u32>,
    /// The date it bears (`2026-12-04`).
    pub(super) date: AttrValue,
    /// The last day a quote holds, or an order's delivery date.
    #[prop_or_default]
    pub(super) until: Option<AttrValue>,
    /// Who sells.
    pub(super) identity: CompanyIdentity,
    /// The customer's name, and the city line of their address.
    pub(super) customer: AttrValue,
    /// The customer's postcode and city.
    #[prop_or_default]
    pub(super) customer_place: AttrValue,
    /// The lines.
    pub(super) lines: Vec<LineRow>,
    /// The totals (none when the lines do not add up).
    pub(super) totals: Option<TotalsRow>,
    /// The currency.
    pub(super) currency: AttrValue,
    /// The payment terms.
    pub(super) payment_terms: AttrValue,
    /// The notes.
    pub(super) notes: AttrValue,
    /// The customer's signature, when they signed.
    #[prop_or_default]
    pub(super) signature: Option<Signature>,
}

/// The printable page.
#[component]
pub(super) fn PrintedDocument(props: &PrintedDocumentProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    let money = |minor: i64| format::money(language, minor, &props.currency);
    let percent = |basis_points: u16| format::number(language, f64::from(basis_points) / 100.0);
    let identity = &props.identity;
    let title = match props.kind {
        Printed::Quote => i18n.t("printed-quote-title"),
        Printed::Order => i18n.t("printed-order-title"),
    };
    let version = props
        .version
        .filter(|version| *version > 1)
        .map(|version| format!(" (v{version})"))
        .unwrap_or_default();
    let seller_lines: Vec<String> = [
        identity.legal_form.clone(),
        identity.street.clone(),
        format!("{} {}", identity.postcode, identity.city)
            .trim()
            .to_owned(),
    ]
    .into_iter()
    .filter(|line| !line.is_empty())
    .collect();
    html! {
        <article class="printed-document" id="printed-document">
            <header class="printed-header">
                <div class="printed-seller">
                    if let Some(logo) = identity.logo.clone() {
                        <img class="printed-logo" src={logo} alt="" />
                    }
                    <p class="printed-seller-name">{ &identity.legal_name }</p>
                    { for seller_lines.iter().map(|line| html! { <p>{ line }</p> }) }
                    if !identity.siret.is_empty() {
                        <p>{ format!("{} {}", i18n.t("printed-siret"), identity.siret) }</p>
                    }
                    if !identity.registry.is_empty() {
                        <p>{ &identity.registry }</p>
                    }
                    if !identity.vat_number.is_empty() {
                        <p>{ format!("{} {}", i18n.t("printed-vat-number"), identity.vat_number) }</p>
                    }
                </div>
                <div class="printed-customer">
                    <p class="printed-label">{ i18n.t("printed-customer") }</p>
                    <p class="printed-customer-name">{ &props.customer }</p>
                    <p>{ &props.customer_place }</p>
                </div>
            </header>
            <h1>{ format!("{title} {}{version}", props.number) }</h1>
            <p>{ format!("{} {}", i18n.t("printed-date"), format::date(language, &props.date)) }</p>
            if let Some(until) = &props.until {
                <p>{ format!("{} {}", match props.kind {
                    Printed::Quote => i18n.t("printed-valid-until"),
                    Printed::Order => i18n.t("printed-delivery"),
                }, format::date(language, until)) }</p>
            }
            <table class="printed-lines">
                <thead><tr>
                    <th>{ i18n.t("sales-line-reference") }</th>
                    <th>{ i18n.t("sales-line-description") }</th>
                    <th>{ i18n.t("sales-line-quantity") }</th>
                    <th>{ i18n.t("sales-line-unit-price") }</th>
                    <th>{ i18n.t("sales-line-discount") }</th>
                    <th>{ i18n.t("sales-line-vat") }</th>
                    <th>{ i18n.t("sales-line-net") }</th>
                </tr></thead>
                <tbody>
                    { for props.lines.iter().map(|line| html! {
                        <PrintedLine key={line.id.to_string()} line={line.clone()} currency={props.currency.clone()} />
                    }) }
                </tbody>
            </table>
            if let Some(totals) = &props.totals {
                <table class="printed-totals">
                    <tbody>
                        <tr><th>{ i18n.t("sales-total-net") }</th><td>{ money(totals.net) }</td></tr>
                        { for totals.vat.iter().map(|row| html! {
                            <tr>
                                <th>{ format!("{} {} % ({} {})", i18n.t("sales-total-vat"), percent(row.rate), i18n.t("sales-total-vat-base"), money(row.base)) }</th>
                                <td>{ money(row.vat) }</td>
                            </tr>
                        }) }
                        <tr class="printed-gross"><th>{ i18n.t("sales-total-gross") }</th><td>{ money(totals.gross) }</td></tr>
                    </tbody>
                </table>
            }
            if !props.payment_terms.is_empty() {
                <p>{ format!("{} {}", i18n.t("printed-payment-terms"), props.payment_terms) }</p>
            }
            if !props.notes.is_empty() {
                <p class="printed-notes">{ &props.notes }</p>
            }
            <footer class="printed-mentions">
                <p>{ i18n.t("printed-mention-penalties") }</p>
                <p>{ i18n.t("printed-mention-recovery") }</p>
                if props.kind == Printed::Quote {
                    <p>{ i18n.t("printed-mention-contract") }</p>
                }
                if !identity.mentions.is_empty() {
                    <p>{ &identity.mentions }</p>
                }
            </footer>
            if props.kind == Printed::Quote {
                <section class="printed-signature">
                    <p class="printed-label">{ i18n.t("printed-agreement") }</p>
                    if let Some(signature) = &props.signature {
                        <p>{ format!("{} — {}", signature.signer, format::date_time(language, signature.signed_at)) }</p>
                        { signature_svg(signature) }
                    } else {
                        <p class="printed-signature-box">{ i18n.t("printed-signature-box") }</p>
                    }
                </section>
            }
        </article>
    }
}

/// Props of [`PrintedLine`].
#[derive(Properties, PartialEq)]
struct PrintedLineProps {
    line: LineRow,
    currency: AttrValue,
}

/// One printed line (its own component: typing in one line of the quote re-renders that
/// printed line only).
#[component]
fn PrintedLine(props: &PrintedLineProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    let money = |minor: i64| format::money(language, minor, &props.currency);
    let line = &props.line;
    html! {
        <tr>
            <td>{ line.reference.clone().unwrap_or_default() }</td>
            <td>{ &line.description }</td>
            <td>{ format!("{} {}", line.quantity, line.unit).trim().to_owned() }</td>
            <td>{ money(line.unit_price_minor) }</td>
            <td>{ if line.discount.is_empty() { String::new() } else { format!("{} %", line.discount) } }</td>
            <td>{ format!("{} %", format::number(language, f64::from(line.vat_rate) / 100.0)) }</td>
            <td>{ line.net.map(money).unwrap_or_default() }</td>
        </tr>
    }
}

/// The signature's strokes as an SVG drawing (the path was checked when stored).
pub(super) fn signature_svg(signature: &Signature) -> Html {
    let view_box = format!("0 0 {SIGNATURE_WIDTH} {SIGNATURE_HEIGHT}");
    html! {
        <svg class="signature-drawing" viewBox={view_box} role="img" aria-label={signature.signer.clone()}>
            <path d={signature.path.clone()} fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}
