//! The lifecycle stage suggested by recency and rhythm of orders (RFM without the score):
//! prospect, new customer, active, to win back, lost. It suggests; the stage a person set on
//! the account stays theirs (segments can filter on either).
//!
//! Rules, in order, with `silent` the days since the last revenue order (Paris today):
//! 1. never ordered: **prospect**;
//! 2. `silent` > `lost_days`: **lost**;
//! 3. first order ≤ `new_customer_days` ago: **new customer**;
//! 4. `silent` ≤ `active_days`: **active**;
//! 5. `silent` > the win-back limit: **to win back**, the limit being the larger of
//!    `win_back_floor_days` and the customer's own rhythm (the median days between their order
//!    days) × `win_back_rhythm_percent` / 100, rounded up; without a rhythm (one order day), the
//!    floor;
//! 6. otherwise **active** (silent, but within their own slower rhythm).
//!
//! Each bound is inclusive on the calm side: exactly `lost_days` silent is not yet lost. Visits
//! do not make a customer active (a visit is not a purchase); the last visit is a figure of its
//! own, which segments filter on.

use std::collections::{BTreeMap, BTreeSet};

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::calendar::{add_days, days_between, paris_date, Period, PeriodKind};
use super::facts::{AccountFact, ActivityFact, OrderFact};
use super::statistics::MedianDays;
use super::sums::Sums;
use super::CockpitError;
use crate::account::{ActivityKind, LifecycleStage};
use crate::ids::AccountId;
use crate::values::Date;

/// The thresholds of the suggested stage, in days. A workspace keeps its own in its settings
/// (`Settings::rfm_thresholds`); a settings document written before them reads the defaults,
/// and so does serde data missing a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(default)]
pub struct RfmThresholds {
    /// A first order at most this old makes a new customer (default 90).
    pub new_customer_days: u32,
    /// A last order at most this old makes an active customer (default 90).
    pub active_days: u32,
    /// The shortest silence that makes a customer to win back (default 90).
    pub win_back_floor_days: u32,
    /// How far past their own rhythm, in percent of it, a customer is to win back (default
    /// 150: half a rhythm late).
    pub win_back_rhythm_percent: u32,
    /// A silence longer than this makes a lost customer (default 365).
    pub lost_days: u32,
}

impl Default for RfmThresholds {
    fn default() -> Self {
        Self {
            new_customer_days: 90,
            active_days: 90,
            win_back_floor_days: 90,
            win_back_rhythm_percent: 150,
            lost_days: 365,
        }
    }
}

/// The fewest days a threshold may be.
pub const MIN_THRESHOLD_DAYS: u32 = 1;
/// The most days a threshold may be (ten years).
pub const MAX_THRESHOLD_DAYS: u32 = 3_650;
/// The smallest win-back percentage of the rhythm (on time).
pub const MIN_RHYTHM_PERCENT: u32 = 100;
/// The largest win-back percentage of the rhythm (ten rhythms late).
pub const MAX_RHYTHM_PERCENT: u32 = 1_000;

/// Why thresholds are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdsError {
    /// A number of days is outside 1 to 3,650.
    #[error("the {0} must be between {MIN_THRESHOLD_DAYS} and {MAX_THRESHOLD_DAYS} days")]
    DaysOutOfRange(ThresholdKind),
    /// The win-back percentage is outside 100 to 1,000.
    #[error("the win-back rhythm must be between {MIN_RHYTHM_PERCENT} and {MAX_RHYTHM_PERCENT} %")]
    PercentOutOfRange,
    /// A customer would be new or active after being lost.
    #[error("the {0} must not exceed the days after which a customer is lost")]
    LongerThanLost(ThresholdKind),
}

/// Which threshold an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdKind {
    /// [`RfmThresholds::new_customer_days`].
    NewCustomer,
    /// [`RfmThresholds::active_days`].
    Active,
    /// [`RfmThresholds::win_back_floor_days`].
    WinBackFloor,
    /// [`RfmThresholds::win_back_rhythm_percent`].
    WinBackRhythm,
    /// [`RfmThresholds::lost_days`].
    Lost,
}

impl std::fmt::Display for ThresholdKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Self::NewCustomer => "new-customer days",
            Self::Active => "active days",
            Self::WinBackFloor => "win-back floor",
            Self::WinBackRhythm => "win-back rhythm",
            Self::Lost => "lost days",
        })
    }
}

impl RfmThresholds {
    /// Each number of days within 1 to 3,650, the percentage within 100 to 1,000, and neither
    /// the new-customer nor the active window longer than the silence that makes a customer lost.
    pub fn check(&self) -> Result<(), ThresholdsError> {
        let days = [
            (ThresholdKind::NewCustomer, self.new_customer_days),
            (ThresholdKind::Active, self.active_days),
            (ThresholdKind::WinBackFloor, self.win_back_floor_days),
            (ThresholdKind::Lost, self.lost_days),
        ];
        if let Some((kind, _)) = days
            .iter()
            .find(|(_, days)| !(MIN_THRESHOLD_DAYS..=MAX_THRESHOLD_DAYS).contains(days))
        {
            return Err(ThresholdsError::DaysOutOfRange(*kind));
        }
        if !(MIN_RHYTHM_PERCENT..=MAX_RHYTHM_PERCENT).contains(&self.win_back_rhythm_percent) {
            return Err(ThresholdsError::PercentOutOfRange);
        }
        for (kind, days) in [
            (ThresholdKind::NewCustomer, self.new_customer_days),
            (ThresholdKind::Active, self.active_days),
        ] {
            if days > self.lost_days {
                return Err(ThresholdsError::LongerThanLost(kind));
            }
        }
        Ok(())
    }

    /// The threshold `kind`.
    pub fn get(&self, kind: ThresholdKind) -> u32 {
        match kind {
            ThresholdKind::NewCustomer => self.new_customer_days,
            ThresholdKind::Active => self.active_days,
            ThresholdKind::WinBackFloor => self.win_back_floor_days,
            ThresholdKind::WinBackRhythm => self.win_back_rhythm_percent,
            ThresholdKind::Lost => self.lost_days,
        }
    }

    /// Sets the threshold `kind` to `value` (unchecked: see [`RfmThresholds::check`]).
    pub fn set(&mut self, kind: ThresholdKind, value: u32) {
        *match kind {
            ThresholdKind::NewCustomer => &mut self.new_customer_days,
            ThresholdKind::Active => &mut self.active_days,
            ThresholdKind::WinBackFloor => &mut self.win_back_floor_days,
            ThresholdKind::WinBackRhythm => &mut self.win_back_rhythm_percent,
            ThresholdKind::Lost => &mut self.lost_days,
        } = value;
    }
}

/// What the orders and activities of one account say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountFigures {
    /// The day of its first revenue order.
    pub first_order: Option<Date>,
    /// The day of its last revenue order.
    pub last_order: Option<Date>,
    /// How many revenue orders.
    pub orders: usize,
    /// Their net, per currency.
    pub revenue: Sums,
    /// The median days between its distinct order days (`None` with fewer than two).
    pub usual_interval: Option<MedianDays>,
    /// The Paris day of its last visit.
    pub last_visit: Option<Date>,
}

/// A customer to win back, for the call list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinBack {
    /// The account.
    pub account: AccountId,
    /// Its last order.
    pub last_order: Date,
    /// Days since.
    pub silent_days: i64,
    /// The silence its own rhythm allows (see the module's rule 5).
    pub limit_days: i64,
    /// Its rhythm, when it has one.
    pub usual_interval: Option<MedianDays>,
}

/// The figures of every account that has revenue orders or activities.
pub fn account_figures(
    orders: &[OrderFact],
    activities: &[ActivityFact],
) -> Result<BTreeMap<AccountId, AccountFigures>, CockpitError> {
    let mut figures: BTreeMap<AccountId, AccountFigures> = BTreeMap::new();
    let mut order_days: BTreeMap<AccountId, BTreeSet<Date>> = BTreeMap::new();
    for order in orders.iter().filter(|order| order.counts_as_revenue()) {
        let account = figures.entry(order.account).or_default();
        account.orders += 1;
        account.revenue.add(order.net)?;
        order_days
            .entry(order.account)
            .or_default()
            .insert(order.ordered_on);
    }
    for (id, days) in order_days {
        let account = figures.entry(id).or_default();
        account.first_order = days.first().copied();
        account.last_order = days.last().copied();
        let intervals = days
            .iter()
            .zip(days.iter().skip(1))
            .map(|(earlier, later)| days_between(*earlier, *later));
        account.usual_interval = MedianDays::of(intervals);
    }
    for activity in activities {
        if activity.kind == ActivityKind::Visit {
            let day = paris_date(activity.at)?;
            let account = figures.entry(activity.account).or_default();
            account.last_visit = Some(account.last_visit.map_or(day, |last| last.max(day)));
        }
    }
    Ok(figures)
}

/// The stage `figures` suggest on `today` (see the module's rules).
pub fn suggest_stage(
    figures: &AccountFigures,
    thresholds: &RfmThresholds,
    today: Date,
) -> LifecycleStage {
    let (Some(first), Some(last)) = (figures.first_order, figures.last_order) else {
        return LifecycleStage::Prospect;
    };
    let silent = days_between(last, today);
    if silent > i64::from(thresholds.lost_days) {
        LifecycleStage::Lost
    } else if days_between(first, today) <= i64::from(thresholds.new_customer_days) {
        LifecycleStage::NewCustomer
    } else if silent <= i64::from(thresholds.active_days) {
        LifecycleStage::Active
    } else if silent > win_back_limit(figures, thresholds) {
        LifecycleStage::ToReactivate
    } else {
        LifecycleStage::Active
    }
}

/// The silence, in days, past which a customer is to win back (rule 5).
pub fn win_back_limit(figures: &AccountFigures, thresholds: &RfmThresholds) -> i64 {
    let floor = i64::from(thresholds.win_back_floor_days);
    let rhythm = figures.usual_interval.map_or(0, |interval| {
        // twice × percent / 200, rounded up; the interval is positive (distinct days).
        let scaled = i128::from(interval.twice()) * i128::from(thresholds.win_back_rhythm_percent);
        i64::try_from((scaled + 199) / 200).unwrap_or(i64::MAX)
    });
    floor.max(rhythm)
}

/// The customers to win back among `accounts` at `now`, the most overdue first (ties by id).
pub fn win_back_list(
    accounts: &[AccountFact],
    figures: &BTreeMap<AccountId, AccountFigures>,
    thresholds: &RfmThresholds,
    now: i64,
) -> Result<Vec<WinBack>, CockpitError> {
    let today = paris_date(now)?;
    let mut list: Vec<WinBack> = accounts
        .iter()
        .filter_map(|account| {
            let figures = figures.get(&account.id)?;
            let last_order = figures.last_order?;
            (suggest_stage(figures, thresholds, today) == LifecycleStage::ToReactivate).then(|| {
                WinBack {
                    account: account.id,
                    last_order,
                    silent_days: days_between(last_order, today),
                    limit_days: win_back_limit(figures, thresholds),
                    usual_interval: figures.usual_interval,
                }
            })
        })
        .collect();
    list.sort_by(|left, right| {
        let overdue = |entry: &WinBack| entry.silent_days.saturating_sub(entry.limit_days);
        overdue(right)
            .cmp(&overdue(left))
            .then_with(|| left.account.cmp(&right.account))
    });
    Ok(list)
}

/// How many of `accounts` became lost this Paris year, by `now`: their silence passed
/// `lost_days` on a day of this year.
pub fn lost_this_year(
    accounts: &[AccountFact],
    figures: &BTreeMap<AccountId, AccountFigures>,
    thresholds: &RfmThresholds,
    now: i64,
) -> Result<usize, CockpitError> {
    let today = paris_date(now)?;
    let year = Period::containing(PeriodKind::Year, today)?.span()?;
    let mut lost = 0;
    for account in accounts {
        let Some(last_order) = figures.get(&account.id).and_then(|f| f.last_order) else {
            continue;
        };
        let lost_on = add_days(last_order, i64::from(thresholds.lost_days) + 1)?;
        if year.contains(lost_on) && lost_on <= today {
            lost += 1;
        }
    }
    Ok(lost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn today() -> Result<Date, Box<dyn std::error::Error>> {
        Ok(Date::parse("2026-05-15")?)
    }

    /// A customer whose order days are `days_ago` before 2026-05-15.
    fn ordered(days_ago: &[i64]) -> Result<AccountFigures, Box<dyn std::error::Error>> {
        let today = today()?;
        let days: BTreeSet<Date> = days_ago
            .iter()
            .map(|ago| add_days(today, -ago))
            .collect::<Result<_, _>>()?;
        let intervals = days
            .iter()
            .zip(days.iter().skip(1))
            .map(|(earlier, later)| days_between(*earlier, *later));
        Ok(AccountFigures {
            first_order: days.first().copied(),
            last_order: days.last().copied(),
            orders: days.len(),
            usual_interval: MedianDays::of(intervals),
            ..AccountFigures::default()
        })
    }

    fn suggested(days_ago: &[i64]) -> Result<LifecycleStage, Box<dyn std::error::Error>> {
        Ok(suggest_stage(
            &ordered(days_ago)?,
            &RfmThresholds::default(),
            today()?,
        ))
    }

    #[test]
    fn each_fixture_account_gets_the_stage_its_orders_suggest() -> Outcome {
        let fixture = Fixture::new()?;
        let figures = account_figures(&fixture.facts.orders, &fixture.facts.activities)?;
        let today = paris_date(fixture.now)?;
        let stages: Vec<LifecycleStage> = fixture
            .accounts
            .iter()
            .map(|id| {
                let none = AccountFigures::default();
                suggest_stage(
                    figures.get(id).unwrap_or(&none),
                    &RfmThresholds::default(),
                    today,
                )
            })
            .collect();
        // A1 last ordered 12 March (64 days): active. A2 13 March (63 days; its cancelled April
        // order does not count): active. A3 and A6 never ordered: prospects. A4 first ordered
        // 8 April (37 days): new customer. A5 last ordered 2025-03-01 (440 days): lost. A7
        // ordered every 30 days until 2026-01-09, silent 126 days > max(90, 45): to win back.
        assert_eq!(
            stages,
            vec![
                LifecycleStage::Active,
                LifecycleStage::Active,
                LifecycleStage::Prospect,
                LifecycleStage::NewCustomer,
                LifecycleStage::Lost,
                LifecycleStage::Prospect,
                LifecycleStage::ToReactivate,
            ]
        );
        Ok(())
    }

    #[test]
    fn the_win_back_list_holds_customers_silent_past_their_rhythm() -> Outcome {
        let fixture = Fixture::new()?;
        let figures = account_figures(&fixture.facts.orders, &fixture.facts.activities)?;
        let list = win_back_list(
            &fixture.facts.accounts,
            &figures,
            &RfmThresholds::default(),
            fixture.now,
        )?;
        assert_eq!(
            list,
            vec![WinBack {
                account: fixture.accounts[6],
                last_order: Date::parse("2026-01-09")?,
                silent_days: 126,
                limit_days: 90,
                usual_interval: MedianDays::of([30, 30]),
            }]
        );
        Ok(())
    }

    #[test]
    fn a_customer_lost_in_march_counts_as_lost_this_year() -> Outcome {
        let fixture = Fixture::new()?;
        let figures = account_figures(&fixture.facts.orders, &fixture.facts.activities)?;
        // The caterer's last order, 2025-03-01, is 365 days old on 2026-03-01 and lost from
        // 2026-03-02: this year. Nobody else passed 365 days.
        let thresholds = RfmThresholds::default();
        let accounts = &fixture.facts.accounts;
        assert_eq!(
            lost_this_year(accounts, &figures, &thresholds, fixture.now)?,
            1
        );
        assert_eq!(lost_this_year(&[], &figures, &thresholds, fixture.now)?, 0);
        Ok(())
    }

    #[test]
    fn exactly_lost_days_of_silence_is_not_yet_lost() -> Outcome {
        assert_eq!(suggested(&[400, 365])?, LifecycleStage::ToReactivate);
        assert_eq!(suggested(&[400, 366])?, LifecycleStage::Lost);
        Ok(())
    }

    #[test]
    fn a_first_order_exactly_new_customer_days_ago_is_still_new() -> Outcome {
        assert_eq!(suggested(&[90])?, LifecycleStage::NewCustomer);
        // One day older, silent 91 days with no rhythm: past the 90-day floor.
        assert_eq!(suggested(&[91])?, LifecycleStage::ToReactivate);
        Ok(())
    }

    #[test]
    fn a_silence_exactly_at_the_win_back_limit_is_still_active() -> Outcome {
        // Orders 120 days apart: limit 120 × 1.5 = 180 days.
        assert_eq!(suggested(&[420, 300, 180])?, LifecycleStage::Active);
        assert_eq!(suggested(&[421, 301, 181])?, LifecycleStage::ToReactivate);
        Ok(())
    }

    #[test]
    fn a_slow_but_regular_customer_stays_active_past_the_floor() -> Outcome {
        // Intervals 123 and 122: median 122.5, × 1.5 = 183.75, rounded up to 184.
        let figures = ordered(&[379, 256, 134])?;
        assert_eq!(win_back_limit(&figures, &RfmThresholds::default()), 184);
        assert_eq!(
            suggest_stage(&figures, &RfmThresholds::default(), today()?),
            LifecycleStage::Active
        );
        Ok(())
    }

    #[test]
    fn a_weekly_customer_is_not_chased_before_the_floor() -> Outcome {
        // Orders 7 days apart, silent 60 days: inside the 90-day active window.
        assert_eq!(suggested(&[200, 193, 186, 60])?, LifecycleStage::Active);
        Ok(())
    }

    #[test]
    fn thresholds_read_from_settings_fill_what_is_missing_with_defaults() -> Outcome {
        let read: RfmThresholds = serde_json::from_str(r#"{"lost_days": 500}"#)?;
        assert_eq!(
            read,
            RfmThresholds {
                lost_days: 500,
                ..RfmThresholds::default()
            }
        );
        let written = serde_json::to_string(&RfmThresholds::default())?;
        assert_eq!(
            written,
            r#"{"new_customer_days":90,"active_days":90,"win_back_floor_days":90,"win_back_rhythm_percent":150,"lost_days":365}"#
        );
        Ok(())
    }

    #[test]
    fn thresholds_outside_their_ranges_or_past_the_lost_silence_are_refused() {
        let defaults = RfmThresholds::default();
        assert_eq!(defaults.check(), Ok(()));
        let with = |kind: ThresholdKind, value: u32| {
            let mut thresholds = RfmThresholds::default();
            thresholds.set(kind, value);
            thresholds.check()
        };
        assert_eq!(
            with(ThresholdKind::Active, 0),
            Err(ThresholdsError::DaysOutOfRange(ThresholdKind::Active))
        );
        assert_eq!(
            with(ThresholdKind::Lost, 3_651),
            Err(ThresholdsError::DaysOutOfRange(ThresholdKind::Lost))
        );
        assert_eq!(with(ThresholdKind::Lost, 3_650), Ok(()));
        assert_eq!(with(ThresholdKind::WinBackFloor, 1), Ok(()));
        assert_eq!(
            with(ThresholdKind::WinBackRhythm, 99),
            Err(ThresholdsError::PercentOutOfRange)
        );
        assert_eq!(with(ThresholdKind::WinBackRhythm, 1_000), Ok(()));
        assert_eq!(
            with(ThresholdKind::WinBackRhythm, 1_001),
            Err(ThresholdsError::PercentOutOfRange)
        );
        // Lost after 365 days: a 366-day active window would outlast it; 365 is the limit.
        assert_eq!(
            with(ThresholdKind::Active, 366),
            Err(ThresholdsError::LongerThanLost(ThresholdKind::Active))
        );
        assert_eq!(with(ThresholdKind::Active, 365), Ok(()));
        assert_eq!(
            with(ThresholdKind::Lost, 80),
            Err(ThresholdsError::LongerThanLost(ThresholdKind::NewCustomer))
        );
        // The floor may exceed the lost silence: such customers go from active to lost.
        assert_eq!(with(ThresholdKind::WinBackFloor, 400), Ok(()));
    }

    #[test]
    fn a_shorter_active_window_turns_a_quiet_customer_to_win_back() -> Outcome {
        // Monthly orders until 60 days ago: active by the defaults (60 ≤ 90 days).
        let figures = ordered(&[180, 150, 120, 90, 60])?;
        assert_eq!(
            suggest_stage(&figures, &RfmThresholds::default(), today()?),
            LifecycleStage::Active
        );
        // Active for 30 days and a 45-day floor: 60 days silent is past max(45, 30 × 1.5 = 45).
        let brisk = RfmThresholds {
            active_days: 30,
            win_back_floor_days: 45,
            ..RfmThresholds::default()
        };
        assert_eq!(
            suggest_stage(&figures, &brisk, today()?),
            LifecycleStage::ToReactivate
        );
        // Lost after 50 days of silence.
        let strict = RfmThresholds {
            new_customer_days: 30,
            active_days: 30,
            lost_days: 50,
            ..RfmThresholds::default()
        };
        assert_eq!(strict.check(), Ok(()));
        assert_eq!(
            suggest_stage(&figures, &strict, today()?),
            LifecycleStage::Lost
        );
        Ok(())
    }

    #[test]
    fn no_orders_and_no_activities_give_no_figures() -> Outcome {
        assert!(account_figures(&[], &[])?.is_empty());
        assert_eq!(
            suggest_stage(
                &AccountFigures::default(),
                &RfmThresholds::default(),
                today()?
            ),
            LifecycleStage::Prospect
        );
        Ok(())
    }
}
