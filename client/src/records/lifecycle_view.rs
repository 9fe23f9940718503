//! The lifecycle stage an account's orders suggest, for its page: the stage
//! (`shared::cockpit::suggest_stage` with the workspace's thresholds, as the dashboard counts
//! it) and why, in days — since the last order, the usual interval between orders, since the
//! last visit. It reads the account's order rows (the same rows and the same reading as the
//! dashboard, `dashboard::gathered::order_of_row`) and its visits; pure, and "now" is passed in.

use shared::account::{ActivityKind, LifecycleStage};
use shared::cockpit::{
    account_figures, day_number, paris_date, suggest_stage, ActivityFact, CockpitError, OrderFact,
    RfmThresholds,
};
use shared::ids::{AccountId, UserId};
use shared::sales::OrderIndexRow;
use shared::values::Date;

use crate::dashboard::gathered::order_of_row;

/// What an account's orders suggest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The stage.
    pub stage: LifecycleStage,
    /// Days since its last revenue order (`None`: it never ordered).
    pub last_order_days: Option<i64>,
    /// The median days between its order days, rounded up (`None`: fewer than two).
    pub usual_days: Option<i64>,
    /// Days since its last visit (`None`: never visited).
    pub last_visit_days: Option<i64>,
}

impl Suggestion {
    /// Whether the suggestion differs from the stage set by hand (its stored name).
    pub fn differs_from(&self, hand_set: &str) -> bool {
        self.stage.as_str() != hand_set
    }
}

/// What `orders` (rows of `account`'s orders; others are ignored) and the moments of its
/// `visits` suggest at `now`.
pub fn suggestion(
    account: AccountId,
    orders: &[OrderIndexRow],
    visits: impl IntoIterator<Item = i64>,
    thresholds: &RfmThresholds,
    now: i64,
) -> Result<Suggestion, CockpitError> {
    let nobody = |_: AccountId| None::<UserId>;
    let orders: Vec<OrderFact> = orders
        .iter()
        .filter_map(|row| order_of_row(row, &nobody))
        .filter(|order| order.account == account)
        .collect();
    let visits: Vec<ActivityFact> = visits
        .into_iter()
        .map(|at| ActivityFact {
            account,
            by: None,
            kind: ActivityKind::Visit,
            at,
        })
        .collect();
    let figures = account_figures(&orders, &visits)?
        .remove(&account)
        .unwrap_or_default();
    let today = paris_date(now)?;
    let since = |day: Date| day_number(today) - day_number(day);
    Ok(Suggestion {
        stage: suggest_stage(&figures, thresholds, today),
        last_order_days: figures.last_order.map(since),
        usual_days: figures
            .usual_interval
            .map(|interval| interval.whole_days_rounded_up()),
        last_visit_days: figures.last_visit.map(since),
    })
}

#[cfg(test)]
mod tests {
    use shared::ids::OrderId;
    use shared::sales::RowTotals;

    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    const CAFE: AccountId = AccountId::from_bytes([12; 16]);
    /// Friday 15 May 2026, noon UTC.
    const NOW: i64 = 1_778_846_400;

    fn order(byte: u8, account: AccountId, status: &str, ordered_on: &str) -> OrderIndexRow {
        OrderIndexRow {
            id: OrderId::from_bytes([byte; 16]).to_string(),
            number: format!("C-2026-7K2Q-{byte:04}"),
            account: account.to_string(),
            status: status.to_owned(),
            ordered_on: ordered_on.to_owned(),
            currency: "EUR".to_owned(),
            totals: Some(RowTotals {
                net: 10_000,
                gross: 12_000,
            }),
            ..OrderIndexRow::default()
        }
    }

    /// The café ordered on 1 December, 31 December and 30 January (every 30 days), then
    /// stopped: its last order is 105 days old; a cancelled order of April does not count.
    fn cafe_orders() -> Vec<OrderIndexRow> {
        vec![
            order(1, CAFE, "delivered", "2025-12-01"),
            order(2, CAFE, "delivered", "2025-12-31"),
            order(3, CAFE, "confirmed", "2026-01-30"),
            order(4, CAFE, "cancelled", "2026-04-20"),
            order(
                5,
                AccountId::from_bytes([13; 16]),
                "confirmed",
                "2026-05-14",
            ),
        ]
    }

    #[test]
    fn a_monthly_customer_silent_for_105_days_is_to_win_back_by_default() -> Outcome {
        let visit = NOW - 5 * 86_400;
        let suggested = suggestion(
            CAFE,
            &cafe_orders(),
            [visit],
            &RfmThresholds::default(),
            NOW,
        )?;
        // 105 > 90 (active) and > max(90, 30 × 1.5 = 45): to win back.
        assert_eq!(
            suggested,
            Suggestion {
                stage: LifecycleStage::ToReactivate,
                last_order_days: Some(105),
                usual_days: Some(30),
                last_visit_days: Some(5),
            }
        );
        assert!(suggested.differs_from("active"));
        assert!(!suggested.differs_from("to_reactivate"));
        Ok(())
    }

    #[test]
    fn a_longer_active_window_in_the_settings_keeps_the_same_customer_active() -> Outcome {
        let patient = RfmThresholds {
            active_days: 120,
            ..RfmThresholds::default()
        };
        let suggested = suggestion(CAFE, &cafe_orders(), [], &patient, NOW)?;
        assert_eq!(suggested.stage, LifecycleStage::Active);
        assert_eq!(suggested.last_visit_days, None);
        Ok(())
    }

    #[test]
    fn an_account_without_orders_is_a_prospect() -> Outcome {
        let suggested = suggestion(CAFE, &[], [], &RfmThresholds::default(), NOW)?;
        assert_eq!(suggested.stage, LifecycleStage::Prospect);
        assert_eq!(suggested.last_order_days, None);
        Ok(())
    }
}
