//! The dashboard's figures as plain serde data: what the workspace worker computes from the
//! cockpit's facts and sends to the page, already cut to the periods the page shows (this Paris
//! year for revenue, rankings and conversion; the last six months for deals won and lost; the
//! last four ISO weeks for activity; the quarter holding "now" for the forecast). Money stays
//! per currency: every amount is a `Money` and lists of them hold one per currency.
//!
//! Pure and built on every target; it must not read storage or the clock ("now" is passed in).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use shared::cockpit::{
    self, account_figures, activity_by_week, lost_this_year, open_pipeline, outcomes_by_month,
    quarter_forecast, quote_conversion, rankings, revenue, win_back_list, Assignee, CockpitError,
    Facts, Metric, Period, PeriodKind, Region, Sums, Teams,
};
use shared::ids::{AccountId, ProductId, UserId};
use shared::settings::{period_of_text, Settings};
use shared::values::Money;

use super::gathered::Gathered;
use super::lifecycle::{suggested_stages, SuggestedStageFigure};

/// How many rows each ranking keeps.
pub const RANKING_LENGTH: usize = 10;
/// How many months of deals won and lost the page shows.
pub const MONTHS_SHOWN: usize = 6;
/// How many customers to win back the dashboard lists (the most overdue; the rest are counted).
pub const WIN_BACK_LISTED: usize = 30;
/// How many ISO weeks of activity the page shows.
pub const WEEKS_SHOWN: usize = 4;
const SECONDS_PER_DAY: i64 = 86_400;

/// Everything the dashboard shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardFigures {
    /// The moment they were computed for (Unix seconds).
    pub now: i64,
    /// The open pipeline by stage, in board order.
    pub stages: Vec<StageFigure>,
    /// The open pipeline of each rep (`None`: deals nobody owns), all stages together.
    pub pipeline_by_rep: Vec<PipelineShare<Option<UserId>>>,
    /// The open pipeline of each team (a person in two teams counts in both), all stages
    /// together.
    pub pipeline_by_team: Vec<PipelineShare<String>>,
    /// Deals won and lost per month, oldest first, empty months included.
    pub months: Vec<MonthFigure>,
    /// Won or lost deals without a date (counted in no month).
    pub undated_outcomes: usize,
    /// This year's revenue, per currency.
    pub revenue: Vec<Money>,
    /// This year's revenue by région (`None`: no valid postcode or outside every région).
    pub revenue_by_region: Vec<Share<Region>>,
    /// This year's revenue by département.
    pub revenue_by_departement: Vec<Share<String>>,
    /// This year's revenue by industry.
    pub revenue_by_industry: Vec<Share<String>>,
    /// This year's offers and the orders they became.
    pub conversion: ConversionFigure,
    /// Visits, calls and meetings per rep per week.
    pub activity: Vec<RepActivity>,
    /// This year's best customers, per currency.
    pub customers: Vec<RankedRow<AccountId>>,
    /// This year's best reps, per currency.
    pub reps: Vec<RankedRow<UserId>>,
    /// This year's best products by revenue, per currency.
    pub products: Vec<RankedRow<ProductId>>,
    /// The current quarter's forecast.
    pub forecast: ForecastFigure,
    /// Every objective the settings hold, the current ones first.
    pub objectives: Vec<ObjectiveFigure>,
    /// The [`WIN_BACK_LISTED`] customers to win back who are the most overdue, the most
    /// overdue first.
    pub win_back: Vec<WinBackFigure>,
    /// How many customers there are to win back in all.
    pub win_back_count: usize,
    /// Customers who became lost this year.
    pub lost_this_year: usize,
    /// The accounts per lifecycle stage their orders suggest, every stage in life order.
    pub suggested: Vec<SuggestedStageFigure>,
    /// How long the worker took over each step (milliseconds), for benchmarks.
    #[serde(default)]
    pub timings: Vec<(String, f64)>,
}

/// The open deals of one stage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFigure {
    /// The stage's key.
    pub key: String,
    /// Its name, as the settings call it (the key for a stage the settings no longer hold).
    pub name: String,
    /// How many open deals.
    pub deals: usize,
    /// How many of them have no amount.
    pub without_amount: usize,
    /// Their amounts, per currency.
    pub raw: Vec<Money>,
    /// Their amounts weighted by probability, per currency.
    pub weighted: Vec<Money>,
}

/// The open pipeline of one rep or team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineShare<K> {
    /// Whose.
    pub key: K,
    /// How many open deals.
    pub deals: usize,
    /// Their amounts, per currency.
    pub raw: Vec<Money>,
    /// Their amounts weighted by probability, per currency.
    pub weighted: Vec<Money>,
}

/// Deals won and lost in one month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigure {
    /// The year.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
    /// How many were won.
    pub won: usize,
    /// What they were worth, per currency.
    pub won_value: Vec<Money>,
    /// How many were lost.
    pub lost: usize,
    /// What they were worth, per currency.
    pub lost_value: Vec<Money>,
}

/// Revenue of one part of a breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share<K> {
    /// The part (`None`: unknown).
    pub key: Option<K>,
    /// Its revenue, per currency.
    pub amounts: Vec<Money>,
}

/// Offers first sent this year and the orders they became.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversionFigure {
    /// Offers sent.
    pub offers_sent: usize,
    /// Of which became orders.
    pub converted: usize,
    /// Converted per sent, in basis points.
    pub count_rate: Option<u32>,
    /// What the offers were worth, per currency.
    pub quoted: Vec<Money>,
    /// What the orders made from them were worth, per currency.
    pub ordered: Vec<Money>,
    /// The median days from sending to ordering, rounded up.
    pub median_days: Option<i64>,
}

/// One rep's activity, week by week.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepActivity {
    /// The rep (`None`: activities nobody recorded).
    pub rep: Option<UserId>,
    /// The weeks shown, oldest first.
    pub weeks: Vec<WeekFigure>,
}

/// What one rep did in one ISO week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekFigure {
    /// The ISO year.
    pub year: u16,
    /// The ISO week.
    pub week: u8,
    /// On-site visits.
    pub visits: usize,
    /// Calls.
    pub calls: usize,
    /// Meetings.
    pub meetings: usize,
}

/// One row of a ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedRow<K> {
    /// What is ranked.
    pub key: K,
    /// Its name when the device knows it (customers and products; reps are named by the page).
    pub name: String,
    /// Its revenue.
    pub amount: Money,
}

/// The current quarter's forecast.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastFigure {
    /// The year.
    pub year: u16,
    /// The quarter, 1–4.
    pub quarter: u8,
    /// Won in the quarter.
    pub won: Vec<Money>,
    /// Open deals expected to close in it, weighted.
    pub weighted_open: Vec<Money>,
    /// Both, per currency.
    pub total: Vec<Money>,
    /// Open deals with no expected close date.
    pub open_without_date: usize,
}

/// One objective and how far along it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveFigure {
    /// Its id in the settings.
    pub id: String,
    /// Whose it is.
    pub who: Assignee,
    /// The people it counts (the rep, or the team's members).
    pub concerns: Vec<UserId>,
    /// Its period.
    pub period: Period,
    /// What it counts.
    pub metric: Metric,
    /// Achieved so far.
    pub achieved: i64,
    /// The target.
    pub target: i64,
    /// What an even pace would have achieved by today.
    pub expected: i64,
    /// Achieved per target, in basis points.
    pub ratio: Option<u32>,
    /// Whether it keeps pace.
    pub on_track: bool,
    /// Whether its period holds today.
    pub current: bool,
}

/// A customer to win back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinBackFigure {
    /// The account.
    pub account: AccountId,
    /// Its name.
    pub name: String,
    /// Its last order (`YYYY-MM-DD`).
    pub last_order: String,
    /// Days since.
    pub silent_days: i64,
    /// The silence its rhythm allows.
    pub limit_days: i64,
}

impl DashboardFigures {
    /// The figures of what the worker `gathered`, at `now` (Unix seconds).
    pub fn compute(gathered: &Gathered, now: i64) -> Result<Self, CockpitError> {
        Self::of_facts(&gathered.facts(), gathered, now)
    }

    /// The figures of `facts`, made from what the worker `gathered`, at `now`.
    pub fn of_facts(facts: &Facts, gathered: &Gathered, now: i64) -> Result<Self, CockpitError> {
        let teams = gathered.teams();
        let settings = gathered.settings.clone().unwrap_or_else(Settings::starter);
        let year = Period::at(PeriodKind::Year, now)?.span()?;
        let names: BTreeMap<AccountId, &str> = facts
            .accounts
            .iter()
            .map(|account| (account.id, account.name.as_str()))
            .collect();
        let product_names: BTreeMap<ProductId, &str> = gathered
            .products
            .iter()
            .filter_map(|row| Some((row.id.parse().ok()?, row.name.as_str())))
            .collect();
        let revenue = revenue(&facts.orders, &facts.accounts, Some(year))?;
        let conversion = quote_conversion(&facts.quotes, &facts.orders, year)?;
        let ranked = rankings(&facts.orders, Some(year), RANKING_LENGTH)?;
        let forecast = quarter_forecast(&facts.deals, now)?;
        let (forecast_year, forecast_quarter) = match forecast.quarter {
            Period::Quarter { year, quarter } => (year, quarter),
            _ => (0, 0),
        };
        let pipeline = open_pipeline(&facts.deals, &teams)?;
        let thresholds = settings.rfm_thresholds.clone();
        let figures = account_figures(&facts.orders, &facts.activities)?;
        let win_back = win_back_list(&facts.accounts, &figures, &thresholds, now)?;
        Ok(Self {
            now,
            stages: stages(&pipeline, &settings),
            pipeline_by_rep: pipeline_shares(&pipeline.by_rep)?,
            pipeline_by_team: pipeline_shares(
                &pipeline
                    .by_team
                    .iter()
                    .map(|(team, by_stage)| (team.0.clone(), by_stage.clone()))
                    .collect(),
            )?,
            months: months(facts, now)?,
            undated_outcomes: outcomes_by_month(&facts.deals)?.undated,
            revenue: amounts(&revenue.whole.total),
            revenue_by_region: shares(revenue.by_region),
            revenue_by_departement: shares(
                revenue
                    .by_departement
                    .into_iter()
                    .map(|(key, line)| (key.map(|key| key.to_string()), line))
                    .collect(),
            ),
            revenue_by_industry: shares(revenue.by_industry),
            conversion: ConversionFigure {
                offers_sent: conversion.offers_sent,
                converted: conversion.converted,
                count_rate: conversion.count_rate(),
                quoted: amounts(&conversion.quoted),
                ordered: amounts(&conversion.ordered),
                median_days: conversion
                    .median_days
                    .map(|days| days.whole_days_rounded_up()),
            },
            activity: activity(facts, now)?,
            customers: flatten(ranked.customers, |id| {
                names.get(id).copied().unwrap_or_default().to_owned()
            }),
            reps: flatten(ranked.reps, |_| String::new()),
            products: flatten(ranked.products_by_revenue, |id| {
                product_names
                    .get(id)
                    .copied()
                    .unwrap_or_default()
                    .to_owned()
            }),
            forecast: ForecastFigure {
                year: forecast_year,
                quarter: forecast_quarter,
                won: amounts(&forecast.won),
                weighted_open: amounts(&forecast.weighted_open),
                total: amounts(&forecast.total),
                open_without_date: forecast.open_without_date,
            },
            objectives: objectives(facts, &teams, &settings, gathered, now)?,
            win_back: win_back
                .iter()
                .take(WIN_BACK_LISTED)
                .map(|entry| WinBackFigure {
                    account: entry.account,
                    name: names
                        .get(&entry.account)
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    last_order: entry.last_order.to_string(),
                    silent_days: entry.silent_days,
                    limit_days: entry.limit_days,
                })
                .collect(),
            win_back_count: win_back.len(),
            lost_this_year: lost_this_year(&facts.accounts, &figures, &thresholds, now)?,
            suggested: suggested_stages(&facts.accounts, &figures, &thresholds, now)?,
            timings: Vec::new(),
        })
    }

    /// The objectives that concern `person` (theirs, or their team's).
    pub fn objectives_of(&self, person: UserId) -> Vec<&ObjectiveFigure> {
        self.objectives
            .iter()
            .filter(|objective| objective.concerns.contains(&person))
            .collect()
    }
}

/// The earliest moment whose activities the figures read: the first day of this Paris year,
/// of the oldest week shown, or of the oldest visits objective's period, whichever is first.
pub fn window_start(settings: Option<&Settings>, now: i64) -> Result<i64, CockpitError> {
    let mut first = Period::at(PeriodKind::Year, now)?.span()?.first;
    let weeks_back = i64::try_from(WEEKS_SHOWN).unwrap_or(0) * 7 * SECONDS_PER_DAY;
    first = first.min(
        Period::at(PeriodKind::IsoWeek, now - weeks_back)?
            .span()?
            .first,
    );
    for objective in settings
        .into_iter()
        .flat_map(|settings| settings.objectives.values())
    {
        if let Some(span) = period_of_text(&objective.period).and_then(|period| period.span().ok())
        {
            first = first.min(span.first);
        }
    }
    // A day earlier than the Paris midnight, so no activity of that day is missed.
    Ok((cockpit::day_number(first) - 1) * SECONDS_PER_DAY)
}

fn amounts(sums: &Sums) -> Vec<Money> {
    sums.iter().collect()
}

fn shares<K: Ord>(lines: BTreeMap<Option<K>, cockpit::RevenueLine>) -> Vec<Share<K>> {
    let mut shares: Vec<Share<K>> = lines
        .into_iter()
        .map(|(key, line)| Share {
            key,
            amounts: amounts(&line.total),
        })
        .collect();
    // Largest first (by its largest amount); ties keep key order.
    shares.sort_by_key(|share| {
        std::cmp::Reverse(share.amounts.iter().map(|money| money.minor_units).max())
    });
    shares
}

fn flatten<K: Copy>(
    ranked: BTreeMap<shared::values::CurrencyCode, Vec<cockpit::Ranked<K>>>,
    name: impl Fn(&K) -> String,
) -> Vec<RankedRow<K>> {
    ranked
        .into_iter()
        .flat_map(|(currency, rows)| rows.into_iter().map(move |row| (currency, row)))
        .map(|(currency, row)| RankedRow {
            name: name(&row.key),
            key: row.key,
            amount: Money {
                minor_units: row.amount,
                currency,
            },
        })
        .collect()
}

/// Each owner's open pipeline, all stages added up (per currency, checked).
fn pipeline_shares<K: Clone + Ord>(
    owners: &BTreeMap<K, cockpit::ByStage>,
) -> Result<Vec<PipelineShare<K>>, CockpitError> {
    owners
        .iter()
        .map(|(key, by_stage)| {
            let (mut raw, mut weighted, mut deals) = (Sums::new(), Sums::new(), 0);
            for figures in by_stage.values() {
                raw.add_all(&figures.raw)?;
                weighted.add_all(&figures.weighted)?;
                deals += figures.deals;
            }
            Ok(PipelineShare {
                key: key.clone(),
                deals,
                raw: amounts(&raw),
                weighted: amounts(&weighted),
            })
        })
        .collect()
}

fn stages(pipeline: &cockpit::Pipeline, settings: &Settings) -> Vec<StageFigure> {
    let mut keys: Vec<String> = settings
        .ordered_stages()
        .into_iter()
        .map(str::to_owned)
        .collect();
    for key in pipeline.by_stage.keys() {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys.into_iter()
        .map(|key| {
            let figures = pipeline.by_stage.get(&key).cloned().unwrap_or_default();
            StageFigure {
                name: settings
                    .pipeline_stages
                    .get(&key)
                    .map_or_else(|| key.clone(), |stage| stage.name.clone()),
                key,
                deals: figures.deals,
                without_amount: figures.without_amount,
                raw: amounts(&figures.raw),
                weighted: amounts(&figures.weighted),
            }
        })
        .collect()
}

fn months(facts: &Facts, now: i64) -> Result<Vec<MonthFigure>, CockpitError> {
    let outcomes = outcomes_by_month(&facts.deals)?;
    let Period::Month { year, month } = Period::at(PeriodKind::Month, now)? else {
        return Ok(Vec::new());
    };
    let mut shown = Vec::with_capacity(MONTHS_SHOWN);
    let (mut year, mut month) = (year, month);
    for _ in 0..MONTHS_SHOWN {
        shown.push((year, month));
        (year, month) = if month == 1 {
            (year.saturating_sub(1), 12)
        } else {
            (year, month - 1)
        };
    }
    shown.reverse();
    Ok(shown
        .into_iter()
        .map(|(year, month)| {
            let figures = outcomes
                .months
                .get(&Period::Month { year, month })
                .cloned()
                .unwrap_or_default();
            MonthFigure {
                year,
                month,
                won: figures.won.count,
                won_value: amounts(&figures.won.value),
                lost: figures.lost.count,
                lost_value: amounts(&figures.lost.value),
            }
        })
        .collect())
}

fn activity(facts: &Facts, now: i64) -> Result<Vec<RepActivity>, CockpitError> {
    let mut weeks = Vec::with_capacity(WEEKS_SHOWN);
    for back in (0..WEEKS_SHOWN).rev() {
        let back = i64::try_from(back).unwrap_or(0) * 7 * SECONDS_PER_DAY;
        weeks.push(Period::at(PeriodKind::IsoWeek, now - back)?);
    }
    let span = match (weeks.first(), weeks.last()) {
        (Some(first), Some(last)) => Some(cockpit::Span {
            first: first.span()?.first,
            last: last.span()?.last,
        }),
        _ => None,
    };
    let by_rep = activity_by_week(&facts.activities, span)?;
    Ok(by_rep
        .into_iter()
        .map(|(rep, by_week)| RepActivity {
            rep,
            weeks: weeks
                .iter()
                .map(|period| {
                    let tally = by_week.get(period).copied().unwrap_or_default();
                    let (year, week) = match *period {
                        Period::IsoWeek { year, week } => (year, week),
                        _ => (0, 0),
                    };
                    WeekFigure {
                        year,
                        week,
                        visits: tally.visits,
                        calls: tally.calls,
                        meetings: tally.meetings,
                    }
                })
                .collect(),
        })
        .collect())
}

fn objectives(
    facts: &Facts,
    teams: &Teams,
    settings: &Settings,
    gathered: &Gathered,
    now: i64,
) -> Result<Vec<ObjectiveFigure>, CockpitError> {
    let today = cockpit::paris_date(now)?;
    let mut figures = Vec::new();
    for (id, setting) in &settings.objectives {
        let Some(objective) = setting.objective() else {
            continue;
        };
        let progress = cockpit::progress(&objective, facts, teams, now)?;
        let concerns: BTreeSet<UserId> = match &objective.who {
            Assignee::Rep(rep) => BTreeSet::from([*rep]),
            Assignee::Team(team) => gathered
                .people
                .iter()
                .map(|person| person.id)
                .filter(|person| teams.includes(team, *person))
                .collect(),
        };
        figures.push(ObjectiveFigure {
            id: id.clone(),
            current: objective.period.span()?.contains(today),
            who: objective.who,
            concerns: concerns.into_iter().collect(),
            period: objective.period,
            metric: objective.metric,
            achieved: progress.achieved,
            target: progress.target,
            expected: progress.expected,
            ratio: progress.ratio,
            on_track: progress.on_track,
        });
    }
    figures.sort_by(|left, right| {
        right
            .current
            .cmp(&left.current)
            .then_with(|| right.period.cmp(&left.period))
            .then_with(|| left.id.cmp(&right.id))
    });
    Ok(figures)
}

#[cfg(test)]
mod tests {
    //! A small hand-checked workspace on Friday 2026-05-15 (noon UTC): two reps (Rachida in
    //! team Lyon, Julien), two accounts, three deals, one quote turned into one order, one
    //! cancelled order, a visit and a call, and a visits objective.

    use std::rc::Rc;

    use shared::account::{Account, Activity, ActivityKind};
    use shared::ids::{DealId, OrderId, QuoteId};
    use shared::index::{AccountIndexRow, DealIndexRow, ROW_FORM};
    use shared::record::{Address, AddressKind};
    use shared::sales::{OrderIndexRow, OrderLineRow, ProductIndexRow, QuoteIndexRow, RowTotals};
    use shared::settings::{ObjectiveMetric, ObjectiveSetting};
    use shared::values::{CurrencyCode, Date};

    use super::*;
    use crate::dashboard::gathered::noon_of;
    use crate::team::people::Person;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    const RACHIDA: UserId = UserId::from_bytes([1; 16]);
    const JULIEN: UserId = UserId::from_bytes([2; 16]);
    const BAKERY: AccountId = AccountId::from_bytes([11; 16]);
    const CAFE: AccountId = AccountId::from_bytes([12; 16]);

    fn euros(minor_units: i64) -> Money {
        Money {
            minor_units,
            currency: CurrencyCode::EUR,
        }
    }

    fn person(id: UserId, name: &str, teams: &[&str]) -> Person {
        Person {
            id,
            name: name.to_owned(),
            email: format!("{name}@example.fr"),
            role: "rep".to_owned(),
            disabled_at: None,
            leads: Vec::new(),
            teams: teams.iter().map(|team| (*team).to_owned()).collect(),
            territories: Vec::new(),
        }
    }

    fn account_row(id: AccountId, name: &str, owner: UserId, postcode: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: id.to_string(),
            name: name.to_owned(),
            postcode: postcode.to_owned(),
            stage: "active".to_owned(),
            owner: Some(owner.to_string()),
            ..AccountIndexRow::default()
        }
    }

    fn deal_row(byte: u8, stage: &str, status: &str, amount: i64, owner: UserId) -> DealIndexRow {
        DealIndexRow {
            id: DealId::from_bytes([byte; 16]).to_string(),
            title: format!("deal {byte}"),
            account: Some(BAKERY.to_string()),
            stage: stage.to_owned(),
            status: status.to_owned(),
            amount: Some((amount, "EUR".to_owned())),
            owner: Some(owner.to_string()),
            ..DealIndexRow::default()
        }
    }

    fn now() -> Result<i64, Box<dyn std::error::Error>> {
        Ok(noon_of(Date::parse("2026-05-15")?))
    }

    fn workspace() -> Result<Gathered, Box<dyn std::error::Error>> {
        let now = now()?;
        let mut bakery = Account::named("Boulangerie Martin");
        bakery.industry = Some("Boulangerie".to_owned());
        bakery.owner = Some(RACHIDA);
        let mut address = Address::in_city(AddressKind::Visit, "Lyon");
        address.postcode = "69002".to_owned();
        bakery.addresses.insert("visit".to_owned(), address);
        let mut visit = Activity::new(ActivityKind::Visit, now - 86_400);
        visit.by = Some(RACHIDA);
        let mut call = Activity::new(ActivityKind::Call, now);
        call.by = Some(RACHIDA);
        bakery.activities.insert("visit".to_owned(), visit);
        bakery.activities.insert("call".to_owned(), call);
        let mut settings = Settings::starter();
        settings.objectives.insert(
            "may-visits".to_owned(),
            ObjectiveSetting {
                rep: Some(RACHIDA),
                team: None,
                period: "2026-05".to_owned(),
                metric: ObjectiveMetric::Visits,
                currency: None,
                target: 4,
            },
        );
        let product = ProductId::from_bytes([21; 16]);
        let quote = QuoteId::from_bytes([31; 16]);
        let mut won = deal_row(3, "sign", "won", 700_000, RACHIDA);
        won.expected_close = Some("2026-04-10".to_owned());
        Ok(Gathered {
            accounts: vec![
                account_row(BAKERY, "Boulangerie Martin", RACHIDA, "69002"),
                account_row(CAFE, "Café du Port", JULIEN, "75011"),
            ]
            .into(),
            documents: BTreeMap::from([(BAKERY, bakery)]),
            deals: vec![
                deal_row(1, "propose", "open", 1_000_000, RACHIDA),
                deal_row(2, "propose", "open", 500_000, JULIEN),
                won,
            ]
            .into(),
            // Deal 2's own probability (100 %) beats its stage's 50 %.
            probabilities: BTreeMap::from([(DealId::from_bytes([2; 16]), Some(100))]),
            quotes: vec![QuoteIndexRow {
                id: quote.to_string(),
                number: "D-2026-7K2Q-0001".to_owned(),
                version: 1,
                account: BAKERY.to_string(),
                status: "accepted".to_owned(),
                issued_on: "2026-02-20".to_owned(),
                currency: "EUR".to_owned(),
                totals: Some(RowTotals {
                    net: 15_000,
                    gross: 18_000,
                }),
                ..QuoteIndexRow::default()
            }]
            .into(),
            orders: vec![
                OrderIndexRow {
                    id: OrderId::from_bytes([41; 16]).to_string(),
                    number: "C-2026-7K2Q-0001".to_owned(),
                    account: BAKERY.to_string(),
                    quote: Some(quote.to_string()),
                    status: "confirmed".to_owned(),
                    ordered_on: "2026-03-02".to_owned(),
                    currency: "EUR".to_owned(),
                    totals: Some(RowTotals {
                        net: 12_000,
                        gross: 14_400,
                    }),
                    lines: vec![OrderLineRow {
                        product: Some(product.to_string()),
                        quantity: 2_000,
                        net: 12_000,
                    }],
                    ..OrderIndexRow::default()
                },
                OrderIndexRow {
                    id: OrderId::from_bytes([42; 16]).to_string(),
                    number: "C-2026-7K2Q-0002".to_owned(),
                    account: CAFE.to_string(),
                    status: "cancelled".to_owned(),
                    ordered_on: "2026-03-05".to_owned(),
                    currency: "EUR".to_owned(),
                    totals: Some(RowTotals {
                        net: 99_900,
                        gross: 99_900,
                    }),
                    ..OrderIndexRow::default()
                },
            ]
            .into(),
            products: vec![ProductIndexRow {
                id: product.to_string(),
                name: "Farine T65".to_owned(),
                ..ProductIndexRow::default()
            }]
            .into(),
            people: vec![
                person(RACHIDA, "Rachida", &["Lyon"]),
                person(JULIEN, "Julien", &[]),
            ],
            settings: Some(settings),
        })
    }

    #[test]
    fn the_open_pipeline_is_raw_and_weighted_by_stage_in_board_order() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        let keys: Vec<&str> = figures
            .stages
            .iter()
            .map(|stage| stage.key.as_str())
            .collect();
        assert_eq!(keys, ["qualify", "meet", "propose", "negotiate", "sign"]);
        let propose = &figures.stages[2];
        assert_eq!(propose.deals, 2);
        // 10,000 + 5,000 raw; 10,000 × 50 % + 5,000 × 100 % (its own) = 10,000 weighted.
        assert_eq!(propose.raw, vec![euros(1_500_000)]);
        assert_eq!(propose.weighted, vec![euros(1_000_000)]);
        assert_eq!(figures.stages[4].deals, 0, "a won deal is not open");
        // Per rep and per team, all stages together: Rachida's deal 1 (in team Lyon), Julien's 2.
        let rachida = PipelineShare {
            key: Some(RACHIDA),
            deals: 1,
            raw: vec![euros(1_000_000)],
            weighted: vec![euros(500_000)],
        };
        let julien = PipelineShare {
            key: Some(JULIEN),
            deals: 1,
            raw: vec![euros(500_000)],
            weighted: vec![euros(500_000)],
        };
        assert_eq!(figures.pipeline_by_rep, vec![rachida.clone(), julien]);
        assert_eq!(
            figures.pipeline_by_team,
            vec![PipelineShare {
                key: "Lyon".to_owned(),
                deals: rachida.deals,
                raw: rachida.raw.clone(),
                weighted: rachida.weighted,
            }]
        );
        Ok(())
    }

    #[test]
    fn a_won_deal_counts_in_the_month_of_its_expected_close_among_six_months() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        let months: Vec<(u16, u8, usize)> = figures
            .months
            .iter()
            .map(|month| (month.year, month.month, month.won))
            .collect();
        assert_eq!(
            months,
            [
                (2025, 12, 0),
                (2026, 1, 0),
                (2026, 2, 0),
                (2026, 3, 0),
                (2026, 4, 1),
                (2026, 5, 0)
            ]
        );
        assert_eq!(figures.months[4].won_value, vec![euros(700_000)]);
        Ok(())
    }

    #[test]
    fn revenue_leaves_the_cancelled_order_out_and_places_the_other_in_its_region() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        assert_eq!(figures.revenue, vec![euros(12_000)]);
        assert_eq!(
            figures.revenue_by_region,
            vec![Share {
                key: Some(Region::AuvergneRhoneAlpes),
                amounts: vec![euros(12_000)]
            }]
        );
        assert_eq!(
            figures.revenue_by_industry[0].key.as_deref(),
            Some("Boulangerie")
        );
        assert_eq!(figures.customers[0].name, "Boulangerie Martin");
        assert_eq!(figures.reps[0].key, RACHIDA);
        assert_eq!(figures.products[0].name, "Farine T65");
        Ok(())
    }

    #[test]
    fn the_quote_sent_on_its_day_became_an_order_ten_days_later() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        // 20 February to 2 March 2026: 8 days to the end of February, then 2.
        assert_eq!(figures.conversion.offers_sent, 1);
        assert_eq!(figures.conversion.converted, 1);
        assert_eq!(figures.conversion.count_rate, Some(10_000));
        assert_eq!(figures.conversion.median_days, Some(10));
        Ok(())
    }

    #[test]
    fn the_quarter_forecast_holds_aprils_win_and_counts_undated_open_deals() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        assert_eq!((figures.forecast.year, figures.forecast.quarter), (2026, 2));
        assert_eq!(figures.forecast.won, vec![euros(700_000)]);
        assert_eq!(figures.forecast.open_without_date, 2);
        Ok(())
    }

    #[test]
    fn activity_and_the_visits_objective_count_the_reps_visit_this_week() -> Outcome {
        let figures = DashboardFigures::compute(&workspace()?, now()?)?;
        let rachida = figures
            .activity
            .iter()
            .find(|rep| rep.rep == Some(RACHIDA))
            .ok_or("no activity for Rachida")?;
        assert_eq!(rachida.weeks.len(), WEEKS_SHOWN);
        let this_week = rachida.weeks.last().ok_or("no week")?;
        assert_eq!((this_week.year, this_week.week), (2026, 20));
        assert_eq!((this_week.visits, this_week.calls), (1, 1));
        // 1 visit of 4 in May; by the 15th an even pace expects 4 × 15 / 31 = 1 (rounded down).
        let objective = &figures.objectives_of(RACHIDA)[0];
        assert_eq!((objective.achieved, objective.target), (1, 4));
        assert_eq!(objective.expected, 1);
        assert!(objective.on_track && objective.current);
        assert!(figures.objectives_of(JULIEN).is_empty());
        Ok(())
    }

    #[test]
    fn the_workspaces_thresholds_decide_which_stage_the_orders_suggest() -> Outcome {
        let mut gathered = workspace()?;
        let counts = |figures: &DashboardFigures| -> Vec<usize> {
            figures.suggested.iter().map(|stage| stage.count).collect()
        };
        // By the defaults, the bakery's only order, 74 days ago (2 March), makes it a new
        // customer (≤ 90 days); the café's cancelled order leaves it a prospect.
        let figures = DashboardFigures::compute(&gathered, now()?)?;
        assert_eq!(counts(&figures), [1, 1, 0, 0, 0]);
        assert!(figures.win_back.is_empty());
        // New for 30 days, active for 60, chased after 60: 74 days of silence is past them.
        if let Some(settings) = gathered.settings.as_mut() {
            settings.rfm_thresholds = shared::cockpit::RfmThresholds {
                new_customer_days: 30,
                active_days: 60,
                win_back_floor_days: 60,
                ..shared::cockpit::RfmThresholds::default()
            };
        }
        let figures = DashboardFigures::compute(&gathered, now()?)?;
        assert_eq!(counts(&figures), [1, 0, 0, 1, 0]);
        let to_win_back = &figures.suggested[3];
        assert_eq!(to_win_back.stage, "to_reactivate");
        assert_eq!(to_win_back.accounts[0].id, BAKERY);
        // Its document (read for its activities) holds the stage set by hand: a prospect.
        assert_eq!(to_win_back.accounts[0].hand_set, "prospect");
        assert_eq!(figures.win_back[0].account, BAKERY);
        assert_eq!(figures.win_back[0].silent_days, 74);
        Ok(())
    }

    #[test]
    fn rows_of_this_form_give_the_same_figures_without_reading_any_document() -> Outcome {
        let from_documents = workspace()?;
        let mut from_rows = from_documents.clone();
        for row in Rc::make_mut(&mut from_rows.accounts) {
            let id = row.id.parse::<AccountId>()?;
            let mut derived = match from_documents.documents.get(&id) {
                Some(account) => AccountIndexRow::from_listing(id, &account.into(), &[]),
                None => row.clone(),
            };
            derived.form = ROW_FORM;
            *row = derived;
        }
        for row in Rc::make_mut(&mut from_rows.deals) {
            let id = row.id.parse::<DealId>()?;
            row.probability = from_documents.probabilities.get(&id).copied().flatten();
            row.form = ROW_FORM;
        }
        from_rows.documents.clear();
        from_rows.probabilities.clear();
        let bakery = from_rows.accounts.first().ok_or("no bakery")?;
        assert_eq!(bakery.industry.as_deref(), Some("Boulangerie"));
        assert_eq!(bakery.activities.len(), 2);
        assert_eq!(
            DashboardFigures::compute(&from_rows, now()?)?,
            DashboardFigures::compute(&from_documents, now()?)?
        );
        Ok(())
    }

    #[test]
    fn a_row_of_an_older_form_reads_its_document_and_a_row_of_this_form_its_own_fields() -> Outcome
    {
        let mut gathered = workspace()?;
        // Deal 2's row now carries its own probability (none): its stage's 50 % counts, and the
        // probability read from an older row's document no longer does.
        if let Some(deal) = Rc::make_mut(&mut gathered.deals).get_mut(1) {
            deal.form = ROW_FORM;
        }
        let figures = DashboardFigures::compute(&gathered, now()?)?;
        assert_eq!(figures.stages[2].weighted, vec![euros(750_000)]);
        Ok(())
    }

    #[test]
    fn nothing_on_the_device_gives_empty_figures_not_an_error() -> Outcome {
        let figures = DashboardFigures::compute(&Gathered::default(), now()?)?;
        assert!(figures.revenue.is_empty());
        assert_eq!(figures.months.len(), MONTHS_SHOWN);
        assert!(figures.stages.iter().all(|stage| stage.deals == 0));
        assert_eq!(figures.conversion.count_rate, None);
        Ok(())
    }

    #[test]
    fn the_activity_window_starts_at_the_oldest_objective_or_the_year() -> Outcome {
        let now = now()?;
        let mut settings = Settings::starter();
        let year_start = noon_of(Date::parse("2026-01-01")?) - 12 * 3_600;
        assert_eq!(
            window_start(Some(&settings), now)?,
            year_start - SECONDS_PER_DAY
        );
        settings.objectives.insert(
            "old".to_owned(),
            ObjectiveSetting {
                rep: Some(JULIEN),
                team: None,
                period: "2025-Q4".to_owned(),
                metric: ObjectiveMetric::Visits,
                currency: None,
                target: 1,
            },
        );
        let october = noon_of(Date::parse("2025-10-01")?) - 12 * 3_600;
        assert_eq!(
            window_start(Some(&settings), now)?,
            october - SECONDS_PER_DAY
        );
        Ok(())
    }
}
