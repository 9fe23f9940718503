//! The dashboard's "Customers by suggested stage": how many accounts each lifecycle stage is
//! suggested for by their orders (`dashboard::lifecycle`, with the workspace's thresholds), as
//! a bar chart with its table; a stage's bar opens the accounts behind it
//! (`/dashboard/customers/:stage`, listed under the chart, each with the stage set on it by
//! hand).

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::dashboard::lifecycle::SuggestedStageFigure;
use crate::dashboard::{BarChart, ChartRow};
use crate::hooks::use_i18n;
use crate::i18n::{format, Argument};
use crate::records::stage_label_id;

/// Props of [`LifecycleSection`].
#[derive(Properties, PartialEq)]
pub(crate) struct LifecycleSectionProps {
    /// Every stage, in life order.
    pub(crate) stages: Rc<Vec<SuggestedStageFigure>>,
}

/// The section; the stage the address names is opened under the chart.
#[component]
pub(crate) fn LifecycleSection(props: &LifecycleSectionProps) -> Html {
    let i18n = use_i18n();
    let route = use_route::<Route>();
    let chosen = match route {
        Some(Route::DashboardCustomers { stage }) => Some(stage),
        _ => None,
    };
    let label =
        |stage: &str| stage_label_id(stage).map_or_else(|| stage.to_owned(), |id| i18n.t(id));
    let rows: Vec<ChartRow> = props
        .stages
        .iter()
        .map(|figure| ChartRow {
            key: figure.stage.clone().into(),
            label: label(&figure.stage).into(),
            values: vec![i64::try_from(figure.count).unwrap_or(i64::MAX)],
            texts: vec![format::number(i18n.language(), figure.count as f64).into()],
            link: Some(Route::DashboardCustomers {
                stage: figure.stage.clone(),
            }),
        })
        .collect();
    let opened = chosen
        .as_deref()
        .and_then(|chosen| props.stages.iter().find(|figure| figure.stage == chosen));
    let accounts = opened.map(|figure| {
        let more = figure.count.saturating_sub(figure.accounts.len());
        html! {
            <div id="dashboard-suggested-accounts" data-stage={figure.stage.clone()}>
                <h3>{ i18n.t_with("dashboard-suggested-accounts", &[
                    ("stage", Argument::Text(&label(&figure.stage))),
                    ("count", Argument::Number(figure.count as f64)),
                ]) }</h3>
                <ul class="win-back-list">
                    { for figure.accounts.iter().map(|account| html! {
                        <li data-id={account.id.to_string()}>
                            <Link<Route> to={Route::Account { id: account.id.to_string() }}>{ account.name.clone() }</Link<Route>>
                            <span class="muted">
                                { i18n.t_with("dashboard-suggested-hand-set", &[("stage", Argument::Text(&label(&account.hand_set)))]) }
                            </span>
                        </li>
                    }) }
                </ul>
                if more > 0 {
                    <p class="muted">{ i18n.t_with("dashboard-suggested-more", &[("count", Argument::Number(more as f64))]) }</p>
                }
                <Link<Route> to={Route::Dashboard} classes="no-print">{ i18n.t("dashboard-suggested-close") }</Link<Route>>
            </div>
        }
    });
    html! {
        <section class="card dashboard-section" id="dashboard-lifecycle" aria-labelledby="lifecycle-title">
            <h2 id="lifecycle-title">{ i18n.t("dashboard-suggested") }</h2>
            <BarChart id="dashboard-suggested" title={i18n.t("dashboard-suggested-chart")}
                label_header={i18n.t("dashboard-suggested-stage")}
                series={vec![i18n.t("dashboard-accounts").into()]}
                rows={Rc::new(rows)} />
            <p class="muted">{ i18n.t("dashboard-suggested-rule") }</p>
            { accounts.unwrap_or_default() }
        </section>
    }
}
