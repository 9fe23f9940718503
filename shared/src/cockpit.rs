//! The manager's cockpit (issue 16): the figures a manager's dashboard shows, computed on the
//! device from plain facts about the records they can see.
//!
//! It owns the rules of those figures: Paris civil dates and periods (`calendar`), the open
//! pipeline and won/lost deals (`pipeline`), revenue from orders (`revenue`, with `region`),
//! quote-to-order conversion (`conversion`), activity per week (`activity`), rankings
//! (`rankings`), the quarter's forecast (`forecast`), objectives (`objectives`), the lifecycle
//! stage suggested by recency and rhythm of orders (`lifecycle`), and saved segments with their
//! call list (`segments`).
//!
//! Invariants: money is summed per currency and never across currencies ([`Sums`]); sums are
//! checked and overflow is a typed error; every instant is read as a Paris civil date; nothing
//! here reads the clock or does IO: "now" is passed in as Unix seconds. It must not know how
//! facts are gathered (documents, index rows, history) nor how figures are shown.

mod activity;
mod calendar;
mod conversion;
mod facts;
mod forecast;
mod lifecycle;
mod objectives;
mod pipeline;
mod rankings;
mod region;
mod revenue;
mod segments;
mod statistics;
mod sums;

#[cfg(test)]
mod fixture;

pub use activity::{activity_by_week, WeekActivity};
pub use calendar::{
    add_days, date_of_day, day_number, days_between, iso_weekday, paris_date, paris_offset_seconds,
    CalendarError, Period, PeriodKind, Span, SUMMER_OFFSET_SECONDS, WINTER_OFFSET_SECONDS,
};
pub use conversion::{quote_conversion, Conversion};
pub use facts::{
    AccountFact, ActivityFact, DealFact, Facts, OrderFact, OrderLineFact, QuoteFact, TeamName,
    Teams,
};
pub use forecast::{quarter_forecast, Forecast};
pub use lifecycle::{
    account_figures, lost_this_year, suggest_stage, win_back_limit, win_back_list, AccountFigures,
    RfmThresholds, ThresholdKind, ThresholdsError, WinBack, MAX_RHYTHM_PERCENT, MAX_THRESHOLD_DAYS,
    MIN_RHYTHM_PERCENT, MIN_THRESHOLD_DAYS,
};
pub use objectives::{progress, Assignee, Metric, Objective, Progress};
pub use pipeline::{
    open_pipeline, outcomes_by_month, ByStage, Outcomes, OutcomesByMonth, Pipeline, StageFigures,
    Tally,
};
pub use rankings::{rankings, Ranked, Rankings};
pub use region::Region;
pub use revenue::{revenue, Revenue, RevenueLine};
pub use segments::{call_list, export_call_list, CallListEntry, Filter, Segment};
pub use statistics::{ratio_in_basis_points, MedianDays};
pub use sums::{weighted, SumOverflow, Sums, WHOLE_IN_BASIS_POINTS};

/// Why a figure cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CockpitError {
    /// A date or period is out of range or does not exist.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A sum no longer fits in 64-bit minor units.
    #[error(transparent)]
    Sum(#[from] SumOverflow),
    /// A product's quantity sold no longer fits in 64-bit thousandths.
    #[error("the quantity sold is too large")]
    QuantityOverflow,
}
