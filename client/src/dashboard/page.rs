//! The dashboard page: the figures the workspace worker computed (`use_dashboard`), each chart
//! per currency (never mixed), the objectives (set here by managers and admins), the customers
//! to win back, customers by suggested stage (`lifecycle_section`) and the segments
//! (`segments_section`). A bar opens the records behind it: a stage's the pipeline, a
//! customer's their account, a suggested stage's its accounts.

use std::collections::BTreeSet;
use std::rc::Rc;

use shared::cockpit::{Period, Region};
use shared::values::{CurrencyCode, Money};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::ErrorBanner;
use crate::dashboard::figures::{DashboardFigures, RankedRow, Share};
use crate::dashboard::lifecycle_section::LifecycleSection;
use crate::dashboard::objectives::{period_label, ObjectiveForm, ObjectivesList};
use crate::dashboard::segments_section::SegmentsSection;
use crate::dashboard::{use_dashboard, BarChart, ChartRow};
use crate::hooks::{use_i18n, use_sync, I18n, SessionState};
use crate::i18n::{format, Argument};
use crate::records::use_workspace_settings;
use crate::team::people::People;
use crate::team::use_people;

/// The page.
#[component]
pub fn DashboardPage() -> Html {
    let i18n = use_i18n();
    let dashboard = use_dashboard();
    let people = use_people();
    let settings = use_workspace_settings();
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    // Managers and admins plan: objectives and segments (the relay refuses them from reps).
    let planner = me.is_some_and(|me| matches!(people.role_of(me), Some("admin" | "manager")));
    let view = dashboard.view().clone();
    let body = match view.figures.clone() {
        None => html! {
            <p class="list-placeholder" aria-busy="true">{ i18n.t("dashboard-loading") }</p>
        },
        Some(figures) => {
            let on_set = {
                let dashboard = dashboard.clone();
                Callback::from(move |(id, setting)| dashboard.set_objective(id, setting))
            };
            let on_remove = planner.then(|| {
                let dashboard = dashboard.clone();
                Callback::from(move |id: String| dashboard.remove_objective(id))
            });
            let currency = settings
                .as_ref()
                .map_or(CurrencyCode::EUR, |settings| settings.default_currency);
            html! {
                <>
                    { forecast(&i18n, &figures) }
                    { pipeline(&i18n, &figures, &people) }
                    { outcomes(&i18n, &figures) }
                    { revenue(&i18n, &figures) }
                    { conversion(&i18n, &figures) }
                    { activity(&i18n, &figures, &people) }
                    { rankings(&i18n, &figures, &people) }
                    <section class="card dashboard-section" id="dashboard-objectives" aria-labelledby="objectives-title">
                        <h2 id="objectives-title">{ i18n.t("dashboard-objectives") }</h2>
                        if figures.objectives.is_empty() {
                            <p class="muted">{ i18n.t("dashboard-objectives-none") }</p>
                        }
                        <ObjectivesList objectives={Rc::new(figures.objectives.clone())}
                            people={Rc::clone(&people)} {on_remove} />
                        if planner {
                            <ObjectiveForm people={Rc::clone(&people)} {currency} now={figures.now} {on_set} />
                        } else {
                            <p class="muted">{ i18n.t("dashboard-objectives-by-managers") }</p>
                        }
                    </section>
                    { win_back(&i18n, &figures) }
                    <LifecycleSection stages={Rc::new(figures.suggested.clone())} />
                    <SegmentsSection {planner} people={Rc::clone(&people)} />
                </>
            }
        }
    };
    html! {
        <section class="page dashboard" aria-labelledby="dashboard-title"
            data-timings={view.figures.as_ref().map(|figures| format!("{:?}", figures.timings))}>
            <header class="page-header">
                <h1 id="dashboard-title">{ i18n.t("dashboard-title") }</h1>
                <button type="button" class="button ghost small no-print"
                    onclick={Callback::from(|_| print())}>
                    { i18n.t("dashboard-print") }
                </button>
            </header>
            if let Some(problem) = &view.problem {
                <ErrorBanner problem={problem.clone()} on_dismiss={Callback::noop()} />
            }
            { body }
        </section>
    }
}

fn print() {
    if let Some(window) = web_sys::window() {
        // Printing may be refused (a sandbox); there is nothing to tell the rep then.
        let _refused = window.print();
    }
}

fn money(i18n: &I18n, money: &Money) -> String {
    format::money(
        i18n.language(),
        money.minor_units,
        &money.currency.to_string(),
    )
}

fn count(i18n: &I18n, count: usize) -> String {
    format::number(i18n.language(), count as f64)
}

fn in_currency(amounts: &[Money], currency: CurrencyCode) -> i64 {
    amounts
        .iter()
        .filter(|money| money.currency == currency)
        .map(|money| money.minor_units)
        .sum()
}

fn currencies<'a>(amounts: impl IntoIterator<Item = &'a Money>) -> Vec<CurrencyCode> {
    let set: BTreeSet<CurrencyCode> = amounts.into_iter().map(|money| money.currency).collect();
    set.into_iter().collect()
}

fn list(i18n: &I18n, amounts: &[Money]) -> String {
    if amounts.is_empty() {
        return "—".to_owned();
    }
    amounts
        .iter()
        .map(|amount| money(i18n, amount))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn forecast(i18n: &I18n, figures: &DashboardFigures) -> Html {
    let forecast = &figures.forecast;
    let quarter = period_label(
        i18n,
        Period::Quarter {
            year: forecast.year,
            quarter: forecast.quarter,
        },
    );
    html! {
        <section class="card dashboard-section" id="dashboard-forecast" aria-labelledby="forecast-title">
            <h2 id="forecast-title">{ i18n.t_with("dashboard-forecast", &[("quarter", Argument::Text(&quarter))]) }</h2>
            <dl class="figure-grid">
                <div><dt>{ i18n.t("dashboard-forecast-won") }</dt><dd id="forecast-won">{ list(i18n, &forecast.won) }</dd></div>
                <div><dt>{ i18n.t("dashboard-forecast-weighted") }</dt><dd id="forecast-weighted">{ list(i18n, &forecast.weighted_open) }</dd></div>
                <div><dt>{ i18n.t("dashboard-forecast-total") }</dt><dd id="forecast-total">{ list(i18n, &forecast.total) }</dd></div>
                <div><dt>{ i18n.t("dashboard-revenue-year") }</dt><dd id="revenue-year">{ list(i18n, &figures.revenue) }</dd></div>
            </dl>
            if forecast.open_without_date > 0 {
                <p class="muted">{ i18n.t_with("dashboard-forecast-undated", &[("count", Argument::Number(forecast.open_without_date as f64))]) }</p>
            }
        </section>
    }
}

/// One row of a pipeline chart: a stage, a rep or a team, with its open deals' amounts.
struct PipelineRow {
    key: String,
    name: String,
    deals: usize,
    raw: Vec<Money>,
    weighted: Vec<Money>,
    link: Option<Route>,
}

/// One chart per currency of `rows`, raw and weighted side by side; `title` takes the currency.
fn pipeline_charts(i18n: &I18n, id: &str, title: &str, header: &str, rows: &[PipelineRow]) -> Html {
    let all = rows.iter().flat_map(|row| row.raw.iter());
    let charts = currencies(all).into_iter().map(|currency| {
        let chart_rows: Vec<ChartRow> = rows
            .iter()
            .map(|row| {
                let raw = Money {
                    minor_units: in_currency(&row.raw, currency),
                    currency,
                };
                let weighted = Money {
                    minor_units: in_currency(&row.weighted, currency),
                    currency,
                };
                ChartRow {
                    key: row.key.clone().into(),
                    label: i18n
                        .t_with(
                            "dashboard-stage-deals",
                            &[
                                ("stage", Argument::Text(&row.name)),
                                ("count", Argument::Number(row.deals as f64)),
                            ],
                        )
                        .into(),
                    values: vec![raw.minor_units, weighted.minor_units],
                    texts: vec![money(i18n, &raw).into(), money(i18n, &weighted).into()],
                    link: row.link.clone(),
                }
            })
            .collect();
        html! {
            <BarChart id={format!("{id}-{currency}")}
                title={i18n.t_with(title, &[("currency", Argument::Text(&currency.to_string()))])}
                label_header={i18n.t(header)}
                series={vec![i18n.t("dashboard-raw").into(), i18n.t("dashboard-weighted").into()]}
                rows={Rc::new(chart_rows)} />
        }
    });
    html! { <>{ for charts }</> }
}

fn pipeline(i18n: &I18n, figures: &DashboardFigures, people: &People) -> Html {
    let stages: Vec<PipelineRow> = figures
        .stages
        .iter()
        .map(|stage| PipelineRow {
            key: stage.key.clone(),
            name: stage.name.clone(),
            deals: stage.deals,
            raw: stage.raw.clone(),
            weighted: stage.weighted.clone(),
            link: Some(Route::Pipeline),
        })
        .collect();
    let reps: Vec<PipelineRow> = figures
        .pipeline_by_rep
        .iter()
        .map(|share| PipelineRow {
            key: share.key.map(|id| id.to_string()).unwrap_or_default(),
            name: share
                .key
                .and_then(|id| people.name_of(id).map(str::to_owned))
                .unwrap_or_else(|| i18n.t("dashboard-someone")),
            deals: share.deals,
            raw: share.raw.clone(),
            weighted: share.weighted.clone(),
            link: None,
        })
        .collect();
    let teams: Vec<PipelineRow> = figures
        .pipeline_by_team
        .iter()
        .map(|share| PipelineRow {
            key: share.key.clone(),
            name: share.key.clone(),
            deals: share.deals,
            raw: share.raw.clone(),
            weighted: share.weighted.clone(),
            link: None,
        })
        .collect();
    let open: usize = figures.stages.iter().map(|stage| stage.deals).sum();
    html! {
        <section class="card dashboard-section" id="dashboard-pipeline" aria-labelledby="pipeline-title">
            <h2 id="pipeline-title">{ i18n.t("dashboard-pipeline") }</h2>
            <p class="muted" id="dashboard-open-deals">{ i18n.t_with("dashboard-open-deals", &[("count", Argument::Number(open as f64))]) }</p>
            { pipeline_charts(i18n, "dashboard-pipeline", "dashboard-pipeline-in", "dashboard-stage", &stages) }
            { pipeline_charts(i18n, "dashboard-pipeline-reps", "dashboard-pipeline-by-rep-in", "dashboard-rep", &reps) }
            { pipeline_charts(i18n, "dashboard-pipeline-teams", "dashboard-pipeline-by-team-in", "dashboard-team-header", &teams) }
        </section>
    }
}

fn outcomes(i18n: &I18n, figures: &DashboardFigures) -> Html {
    let rows: Vec<ChartRow> = figures
        .months
        .iter()
        .map(|month| ChartRow {
            key: format!("{:04}-{:02}", month.year, month.month).into(),
            label: format::month(i18n.language(), month.year, month.month).into(),
            values: vec![
                i64::try_from(month.won).unwrap_or(i64::MAX),
                i64::try_from(month.lost).unwrap_or(i64::MAX),
            ],
            texts: vec![
                format!(
                    "{} — {}",
                    count(i18n, month.won),
                    list(i18n, &month.won_value)
                )
                .into(),
                format!(
                    "{} — {}",
                    count(i18n, month.lost),
                    list(i18n, &month.lost_value)
                )
                .into(),
            ],
            link: Some(Route::Pipeline),
        })
        .collect();
    html! {
        <section class="card dashboard-section" id="dashboard-outcomes-section" aria-labelledby="outcomes-title">
            <h2 id="outcomes-title">{ i18n.t("dashboard-outcomes") }</h2>
            <BarChart id="dashboard-outcomes" title={i18n.t("dashboard-outcomes-chart")}
                label_header={i18n.t("dashboard-month")}
                series={vec![i18n.t("dashboard-won").into(), i18n.t("dashboard-lost").into()]}
                rows={Rc::new(rows)} />
            <p class="muted">{ i18n.t("dashboard-outcomes-dated") }</p>
        </section>
    }
}

/// One bar of a revenue chart: what it is, its amount, the records behind it.
struct MoneyBar {
    key: String,
    label: String,
    amount: Money,
    link: Option<Route>,
}

/// One revenue chart per currency of `bars`, each holding the bars in that currency.
fn money_charts(i18n: &I18n, id: &str, title: &str, header: &str, bars: &[MoneyBar]) -> Html {
    let charts = currencies(bars.iter().map(|bar| &bar.amount))
        .into_iter()
        .map(|currency| {
            let rows: Vec<ChartRow> = bars
                .iter()
                .filter(|bar| bar.amount.currency == currency)
                .map(|bar| ChartRow {
                    key: bar.key.clone().into(),
                    label: bar.label.clone().into(),
                    values: vec![bar.amount.minor_units],
                    texts: vec![money(i18n, &bar.amount).into()],
                    link: bar.link.clone(),
                })
                .collect();
            html! {
                <BarChart id={format!("{id}-{currency}")}
                    title={format!("{} ({currency})", i18n.t(title))}
                    label_header={i18n.t(header)}
                    series={vec![i18n.t("dashboard-revenue").into()]}
                    rows={Rc::new(rows)} />
            }
        });
    html! { <>{ for charts }</> }
}

/// The bars of a breakdown: each part once per currency it has revenue in.
fn share_bars<K>(shares: &[Share<K>], label: impl Fn(&Option<K>) -> String) -> Vec<MoneyBar> {
    shares
        .iter()
        .flat_map(|share| {
            let label = label(&share.key);
            share.amounts.iter().map(move |amount| MoneyBar {
                key: label.clone(),
                label: label.clone(),
                amount: *amount,
                link: None,
            })
        })
        .collect()
}

fn revenue(i18n: &I18n, figures: &DashboardFigures) -> Html {
    let unknown = i18n.t("dashboard-unknown");
    html! {
        <section class="card dashboard-section" id="dashboard-revenue" aria-labelledby="revenue-title">
            <h2 id="revenue-title">{ i18n.t("dashboard-revenue-title") }</h2>
            if figures.revenue.is_empty() {
                <p class="muted">{ i18n.t("dashboard-revenue-none") }</p>
            }
            { money_charts(i18n, "dashboard-region", "dashboard-by-region", "dashboard-region",
                &share_bars(&figures.revenue_by_region,
                    |key| key.map_or_else(|| unknown.clone(), |region| i18n.t(region_id(&region))))) }
            { money_charts(i18n, "dashboard-industry", "dashboard-by-industry", "dashboard-industry",
                &share_bars(&figures.revenue_by_industry,
                    |key| key.clone().unwrap_or_else(|| unknown.clone()))) }
            { money_charts(i18n, "dashboard-departement", "dashboard-by-departement", "dashboard-departement",
                &share_bars(&figures.revenue_by_departement,
                    |key| key.clone().unwrap_or_else(|| unknown.clone()))) }
        </section>
    }
}

fn conversion(i18n: &I18n, figures: &DashboardFigures) -> Html {
    let conversion = &figures.conversion;
    let rate = conversion.count_rate.map_or_else(
        || "—".to_owned(),
        |rate| {
            format!(
                "{} %",
                format::number(i18n.language(), f64::from(rate) / 100.0)
            )
        },
    );
    let days = conversion.median_days.map_or_else(
        || "—".to_owned(),
        |days| {
            i18n.t_with(
                "dashboard-days",
                &[("count", Argument::Number(days as f64))],
            )
        },
    );
    html! {
        <section class="card dashboard-section" id="dashboard-conversion" aria-labelledby="conversion-title">
            <h2 id="conversion-title">{ i18n.t("dashboard-conversion") }</h2>
            <dl class="figure-grid">
                <div><dt>{ i18n.t("dashboard-offers-sent") }</dt><dd id="conversion-sent">{ count(i18n, conversion.offers_sent) }</dd></div>
                <div><dt>{ i18n.t("dashboard-offers-converted") }</dt><dd id="conversion-converted">{ count(i18n, conversion.converted) }</dd></div>
                <div><dt>{ i18n.t("dashboard-conversion-rate") }</dt><dd id="conversion-rate">{ rate }</dd></div>
                <div><dt>{ i18n.t("dashboard-median-delay") }</dt><dd id="conversion-delay">{ days }</dd></div>
                <div><dt>{ i18n.t("dashboard-quoted") }</dt><dd>{ list(i18n, &conversion.quoted) }</dd></div>
                <div><dt>{ i18n.t("dashboard-ordered") }</dt><dd>{ list(i18n, &conversion.ordered) }</dd></div>
            </dl>
        </section>
    }
}

fn activity(i18n: &I18n, figures: &DashboardFigures, people: &People) -> Html {
    let rows: Vec<ChartRow> = figures
        .activity
        .iter()
        .flat_map(|rep| {
            let name = rep
                .rep
                .and_then(|id| people.name_of(id).map(str::to_owned))
                .unwrap_or_else(|| i18n.t("dashboard-someone"));
            rep.weeks.iter().map(move |week| {
                let week_label = period_label(
                    i18n,
                    Period::IsoWeek {
                        year: week.year,
                        week: week.week,
                    },
                );
                let values = [week.visits, week.calls, week.meetings];
                ChartRow {
                    key: format!(
                        "{}-{}-{}",
                        rep.rep.map(|id| id.to_string()).unwrap_or_default(),
                        week.year,
                        week.week
                    )
                    .into(),
                    label: format!("{name} · {week_label}").into(),
                    values: values
                        .iter()
                        .map(|value| i64::try_from(*value).unwrap_or(i64::MAX))
                        .collect(),
                    texts: values
                        .iter()
                        .map(|value| count(i18n, *value).into())
                        .collect(),
                    link: None,
                }
            })
        })
        .collect();
    html! {
        <section class="card dashboard-section" id="dashboard-activity-section" aria-labelledby="activity-title">
            <h2 id="activity-title">{ i18n.t("dashboard-activity") }</h2>
            if rows.is_empty() {
                <p class="muted">{ i18n.t("dashboard-activity-none") }</p>
            } else {
                <BarChart id="dashboard-activity" title={i18n.t("dashboard-activity-chart")}
                    label_header={i18n.t("dashboard-rep-week")}
                    series={vec![
                        i18n.t("dashboard-visits").into(),
                        i18n.t("dashboard-calls").into(),
                        i18n.t("dashboard-meetings").into(),
                    ]}
                    rows={Rc::new(rows)} />
            }
        </section>
    }
}

/// The bars of a ranking.
fn ranked_bars<K>(
    rows: &[RankedRow<K>],
    row: impl Fn(&RankedRow<K>) -> (String, String, Option<Route>),
) -> Vec<MoneyBar> {
    rows.iter()
        .map(|ranked| {
            let (key, label, link) = row(ranked);
            MoneyBar {
                key,
                label,
                amount: ranked.amount,
                link,
            }
        })
        .collect()
}

fn rankings(i18n: &I18n, figures: &DashboardFigures, people: &People) -> Html {
    let someone = i18n.t("dashboard-someone");
    html! {
        <section class="card dashboard-section" id="dashboard-rankings" aria-labelledby="rankings-title">
            <h2 id="rankings-title">{ i18n.t("dashboard-rankings") }</h2>
            if figures.customers.is_empty() {
                <p class="muted">{ i18n.t("dashboard-revenue-none") }</p>
            }
            { money_charts(i18n, "dashboard-customers", "dashboard-top-customers", "dashboard-customer",
                &ranked_bars(&figures.customers, |ranked| (
                    ranked.key.to_string(),
                    ranked.name.clone(),
                    Some(Route::Account { id: ranked.key.to_string() }),
                ))) }
            { money_charts(i18n, "dashboard-reps", "dashboard-top-reps", "dashboard-rep",
                &ranked_bars(&figures.reps, |ranked| (
                    ranked.key.to_string(),
                    people.name_of(ranked.key).map_or_else(|| someone.clone(), str::to_owned),
                    None,
                ))) }
            { money_charts(i18n, "dashboard-products", "dashboard-top-products", "dashboard-product",
                &ranked_bars(&figures.products,
                    |ranked| (ranked.key.to_string(), ranked.name.clone(), None))) }
        </section>
    }
}

fn win_back(i18n: &I18n, figures: &DashboardFigures) -> Html {
    html! {
        <section class="card dashboard-section" id="dashboard-win-back" aria-labelledby="win-back-title">
            <h2 id="win-back-title">{ i18n.t("dashboard-win-back") }</h2>
            <p id="dashboard-lost-this-year">
                { i18n.t_with("dashboard-lost-this-year", &[("count", Argument::Number(figures.lost_this_year as f64))]) }
            </p>
            if figures.win_back.is_empty() {
                <p class="muted">{ i18n.t("dashboard-win-back-none") }</p>
            }
            <ul class="win-back-list">
                { for figures.win_back.iter().map(|entry| html! {
                    <li>
                        <Link<Route> to={Route::Account { id: entry.account.to_string() }}>{ entry.name.clone() }</Link<Route>>
                        <span class="muted">
                            { i18n.t_with("dashboard-silent", &[
                                ("days", Argument::Number(entry.silent_days as f64)),
                                ("usual", Argument::Number(entry.limit_days as f64)),
                                ("date", Argument::Text(&format::date(i18n.language(), &entry.last_order))),
                            ]) }
                        </span>
                    </li>
                }) }
            </ul>
            if figures.win_back_count > figures.win_back.len() {
                <p class="muted" id="dashboard-win-back-more">
                    { i18n.t_with("dashboard-win-back-more", &[(
                        "count",
                        Argument::Number(figures.win_back_count.saturating_sub(figures.win_back.len()) as f64),
                    )]) }
                </p>
            }
        </section>
    }
}

/// The catalogue id of a région's name.
fn region_id(region: &Region) -> &'static str {
    match region {
        Region::AuvergneRhoneAlpes => "region-auvergne-rhone-alpes",
        Region::BourgogneFrancheComte => "region-bourgogne-franche-comte",
        Region::Bretagne => "region-bretagne",
        Region::CentreValDeLoire => "region-centre-val-de-loire",
        Region::Corse => "region-corse",
        Region::GrandEst => "region-grand-est",
        Region::HautsDeFrance => "region-hauts-de-france",
        Region::IleDeFrance => "region-ile-de-france",
        Region::Normandie => "region-normandie",
        Region::NouvelleAquitaine => "region-nouvelle-aquitaine",
        Region::Occitanie => "region-occitanie",
        Region::PaysDeLaLoire => "region-pays-de-la-loire",
        Region::ProvenceAlpesCoteDAzur => "region-provence-alpes-cote-d-azur",
        Region::Guadeloupe => "region-guadeloupe",
        Region::Martinique => "region-martinique",
        Region::Guyane => "region-guyane",
        Region::LaReunion => "region-la-reunion",
        Region::Mayotte => "region-mayotte",
    }
}
