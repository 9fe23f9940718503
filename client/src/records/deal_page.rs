//! One deal: title, account, pipeline stage (the workspace's, else the starter pipeline),
//! status, amount in its currency, expected close date, owner, notes, and the History tab;
//! edited inline like an account.

use std::rc::Rc;

use shared::field::FieldPath;
use shared::ids::DealId;
use shared::values::CurrencyCode;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::records::deal_view::stage_choices;
use crate::records::record_view::{conflict_at, conflicts_elsewhere};
use crate::records::typed_text::TypedText;
use crate::records::{
    owner_text, refusal, Choice, ChoiceField, ChoiceOption, ConflictList, EditableField,
    HistoryPanel, RecordTabs,
};
use crate::records::{use_account_names, use_deal, use_history, use_workspace_settings};
use crate::sales::AccountSales;

/// Props of [`DealPage`].
#[derive(Properties, PartialEq)]
pub struct DealPageProps {
    /// The record to open.
    pub id: DealId,
}

const STATUSES: [(&str, &str); 3] = [
    ("open", "deal-status-open"),
    ("won", "deal-status-won"),
    ("lost", "deal-status-lost"),
];

/// The deal page.
#[component]
pub fn DealPage(props: &DealPageProps) -> Html {
    let deal = use_deal(props.id);
    let history_open = use_state(|| false);
    let history = use_history(deal.document(), *history_open);
    let settings = use_workspace_settings();
    let account = use_account_names(deal.view().account.clone().into_iter().collect());
    let i18n = use_i18n();
    let view = deal.view().clone();
    let back = html! { <Link<Route> to={Route::Pipeline} classes="back-link">{ i18n.t("deal-back") }</Link<Route>> };
    if !view.loaded {
        return html! { <section class="page record-page">{ back }<p aria-busy="true">{ i18n.t("account-opening") }</p></section> };
    }
    if view.missing {
        return html! {
            <section class="page record-page">{ back }
                <p id="deal-missing">{ i18n.t("deal-missing") }</p>
            </section>
        };
    }
    let default_currency = settings
        .as_ref()
        .map_or(CurrencyCode::EUR, |settings| settings.default_currency);
    let on_title = {
        let (deal, i18n) = (deal.clone(), i18n.clone());
        Callback::from(move |typed: TypedText| refusal(&i18n, deal.set_title(typed)))
    };
    let on_amount = {
        let (deal, i18n) = (deal.clone(), i18n.clone());
        Callback::from(move |text: String| refusal(&i18n, deal.set_amount(&text, default_currency)))
    };
    let on_close = {
        let (deal, i18n) = (deal.clone(), i18n.clone());
        Callback::from(move |text: String| refusal(&i18n, deal.set_expected_close(&text)))
    };
    let on_notes = {
        let deal = deal.clone();
        Callback::from(move |typed: TypedText| {
            deal.type_notes(typed);
            None
        })
    };
    let on_stage = {
        let deal = deal.clone();
        Callback::from(move |stage: String| deal.set_stage(stage))
    };
    let on_status = {
        let deal = deal.clone();
        Callback::from(move |status: String| deal.set_status(status))
    };
    let on_choose = {
        let deal = deal.clone();
        Callback::from(move |choice: Choice| deal.document().choose(choice.path, choice.value))
    };
    let on_tab = {
        let history_open = history_open.clone();
        Callback::from(move |open: bool| history_open.set(open))
    };
    let stages: Vec<ChoiceOption> = stage_choices(settings.as_deref(), &view.stage)
        .into_iter()
        .map(|stage| ChoiceOption {
            value: AttrValue::from(stage.key),
            label: AttrValue::from(stage.name),
        })
        .collect();
    let statuses: Vec<ChoiceOption> = STATUSES
        .iter()
        .map(|(value, id)| ChoiceOption {
            value: AttrValue::from(*value),
            label: AttrValue::from(i18n.t(id)),
        })
        .collect();
    let conflicts = &view.conflicts;
    let inline: Vec<FieldPath> = [
        "title",
        "stage",
        "status",
        "amount",
        "expected_close",
        "notes",
    ]
    .into_iter()
    .map(FieldPath::root)
    .collect();
    let elsewhere = conflicts_elsewhere(conflicts, &inline);
    let amount = view
        .amount
        .as_ref()
        .map(|(minor, currency)| format::money(i18n.language(), *minor, currency));
    let currency = view.amount.as_ref().map_or_else(
        || default_currency.as_str().to_owned(),
        |(_, currency)| currency.clone(),
    );
    let owner = owner_text(&i18n, view.owner, &history);
    let deal_account = view
        .account
        .as_deref()
        .and_then(|account| account.parse::<shared::ids::AccountId>().ok());
    html! {
        <section class="page record-page deal-page" aria-labelledby="deal-title" data-id={props.id.to_string()}>
            { back }
            <header class="page-header">
                <h1 id="deal-title">{ view.title.clone() }</h1>
                if let Some(amount) = &amount {
                    <span id="deal-amount" class="deal-amount">{ amount.clone() }</span>
                }
            </header>
            if let Some(error) = &view.error {
                <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
            }
            <ConflictList conflicts={elsewhere} on_choose={on_choose.clone()} />
            <RecordTabs history={*history_open} on_select={on_tab} />
            if *history_open {
                <HistoryPanel {history} />
            } else {
                <div class="record-columns">
                    <div class="record-main">
                        <section class="card details" aria-labelledby="details-title">
                            <h2 id="details-title" class="section-title">{ i18n.t("record-details") }</h2>
                            <EditableField id="edit-title" label={i18n.t("record-field-title")} value={AttrValue::from(view.title.clone())}
                                on_input={on_title} conflict={conflict_at(conflicts, &FieldPath::root("title"))}
                                on_choose={on_choose.clone()} />
                            <div class="field">
                                <span class="field-label">{ i18n.t("record-field-account") }</span>
                                { for account.iter().map(|account| html! {
                                    <Link<Route> to={Route::Account { id: account.id.clone() }} classes="deal-account-link">
                                        { account.name.clone().unwrap_or_else(|| i18n.t("contact-account-elsewhere")) }
                                    </Link<Route>>
                                }) }
                            </div>
                            <div class="field-row">
                                <ChoiceField id="edit-deal-stage" label={i18n.t("record-field-stage")}
                                    value={AttrValue::from(view.stage.clone())} options={Rc::new(stages)} on_change={on_stage}
                                    conflict={conflict_at(conflicts, &FieldPath::root("stage"))} on_choose={on_choose.clone()} />
                                <ChoiceField id="edit-deal-status" label={i18n.t("record-field-status")}
                                    value={AttrValue::from(view.status.clone())} options={Rc::new(statuses)} on_change={on_status}
                                    conflict={conflict_at(conflicts, &FieldPath::root("status"))} on_choose={on_choose.clone()} />
                            </div>
                            <div class="field-row">
                                <EditableField id="edit-amount" label={i18n.t_with("deal-amount-in", &[("currency", currency.as_str().into())])}
                                    value={AttrValue::from(view.amount_text.clone())} keep_draft=true on_input={on_amount}
                                    conflict={conflict_at(conflicts, &FieldPath::root("amount"))} on_choose={on_choose.clone()} />
                                <EditableField id="edit-close" label={i18n.t("record-field-expected-close")} input_type="date"
                                    value={AttrValue::from(view.expected_close.clone())} keep_draft=true on_input={on_close}
                                    conflict={conflict_at(conflicts, &FieldPath::root("expected_close"))} on_choose={on_choose.clone()} />
                            </div>
                            <div class="field-row">
                                <div class="field">
                                    <span class="field-label">{ i18n.t("record-field-owner") }</span>
                                    <span id="deal-owner" class="field-static">{ owner }</span>
                                </div>
                                <div class="field">
                                    <span class="field-label">{ i18n.t("record-field-probability") }</span>
                                    <span class="field-static">{ view.probability.map(|p| format!("{p} %")).unwrap_or_else(|| "—".to_owned()) }</span>
                                </div>
                            </div>
                        </section>
                        <section class="card notes" aria-labelledby="notes-title">
                            <h2 id="notes-title" class="section-title">{ i18n.t("account-notes") }</h2>
                            <EditableField id="edit-notes" label={i18n.t("account-notes")} multiline=true
                                value={AttrValue::from(view.notes.clone())} on_input={on_notes}
                                conflict={conflict_at(conflicts, &FieldPath::root("notes"))} {on_choose} />
                        </section>
                    </div>
                    if let Some(account) = deal_account {
                        <div class="record-side">
                            <AccountSales {account} currency={default_currency} deal={Some(props.id)} />
                        </div>
                    }
                </div>
            }
        </section>
    }
}
