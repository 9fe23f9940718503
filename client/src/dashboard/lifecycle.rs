//! Customers by the lifecycle stage their orders suggest (`shared::cockpit::suggest_stage`,
//! with the workspace's thresholds): how many per stage, and who, for the dashboard's chart
//! whose bars open the accounts behind them. Pure; the stage a person set on each account is
//! carried beside, never replaced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shared::account::LifecycleStage;
use shared::cockpit::{
    paris_date, suggest_stage, AccountFact, AccountFigures, CockpitError, RfmThresholds,
};
use shared::ids::AccountId;

/// The stages, in the order of a customer's life.
pub const STAGES: [LifecycleStage; 5] = [
    LifecycleStage::Prospect,
    LifecycleStage::NewCustomer,
    LifecycleStage::Active,
    LifecycleStage::ToReactivate,
    LifecycleStage::Lost,
];

/// The most accounts listed per stage (every one is counted).
pub const LISTED_PER_STAGE: usize = 100;

/// The accounts one stage is suggested for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedStageFigure {
    /// The stage's stored name (`to_reactivate`…).
    pub stage: String,
    /// How many accounts.
    pub count: usize,
    /// The first [`LISTED_PER_STAGE`] of them, by name.
    pub accounts: Vec<SuggestedAccount>,
}

/// One account of a suggested stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedAccount {
    /// The account.
    pub id: AccountId,
    /// Its name.
    pub name: String,
    /// The stage set on it by hand (stored name).
    pub hand_set: String,
}

/// Every stage of [`STAGES`], empty ones included, with the `accounts` whose `figures`
/// suggest it at `now`.
pub fn suggested_stages(
    accounts: &[AccountFact],
    figures: &BTreeMap<AccountId, AccountFigures>,
    thresholds: &RfmThresholds,
    now: i64,
) -> Result<Vec<SuggestedStageFigure>, CockpitError> {
    let today = paris_date(now)?;
    let none = AccountFigures::default();
    let mut by_stage: BTreeMap<String, Vec<SuggestedAccount>> = BTreeMap::new();
    for account in accounts {
        let stage = suggest_stage(figures.get(&account.id).unwrap_or(&none), thresholds, today);
        by_stage
            .entry(stage.as_str().to_owned())
            .or_default()
            .push(SuggestedAccount {
                id: account.id,
                name: account.name.clone(),
                hand_set: account.stage.as_str().to_owned(),
            });
    }
    Ok(STAGES
        .iter()
        .map(|stage| {
            let mut listed = by_stage.remove(stage.as_str()).unwrap_or_default();
            listed.sort_by(|left, right| {
                left.name
                    .to_lowercase()
                    .cmp(&right.name.to_lowercase())
                    .then_with(|| left.id.cmp(&right.id))
            });
            let count = listed.len();
            listed.truncate(LISTED_PER_STAGE);
            SuggestedStageFigure {
                stage: stage.as_str().to_owned(),
                count,
                accounts: listed,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use shared::cockpit::MedianDays;
    use shared::values::Date;

    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn account(byte: u8, name: &str, stage: LifecycleStage) -> AccountFact {
        AccountFact {
            id: AccountId::from_bytes([byte; 16]),
            name: name.to_owned(),
            owner: None,
            postcode: None,
            city: String::new(),
            phone: None,
            industry: None,
            stage,
        }
    }

    #[test]
    fn each_account_counts_in_the_stage_its_orders_suggest_beside_its_own() -> Outcome {
        // 15 May 2026 at noon UTC.
        let now = 1_778_846_400;
        let accounts = [
            account(1, "Café du Port", LifecycleStage::Active),
            account(2, "boulangerie Martin", LifecycleStage::Active),
            account(3, "Épicerie", LifecycleStage::Prospect),
        ];
        // The café ordered three times, 20 and 30 days apart, until 140 days ago: to win back. The bakery's last
        // order was 10 days ago, its first 200: active. The grocer never ordered: prospect.
        let figures = BTreeMap::from([
            (
                accounts[0].id,
                AccountFigures {
                    first_order: Some(Date::parse("2025-11-06")?),
                    last_order: Some(Date::parse("2025-12-26")?),
                    orders: 3,
                    usual_interval: MedianDays::of([30, 20]),
                    ..AccountFigures::default()
                },
            ),
            (
                accounts[1].id,
                AccountFigures {
                    first_order: Some(Date::parse("2025-10-27")?),
                    last_order: Some(Date::parse("2026-05-05")?),
                    orders: 2,
                    ..AccountFigures::default()
                },
            ),
        ]);
        let stages = suggested_stages(&accounts, &figures, &RfmThresholds::default(), now)?;
        let counts: Vec<(&str, usize)> = stages
            .iter()
            .map(|stage| (stage.stage.as_str(), stage.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("prospect", 1),
                ("new_customer", 0),
                ("active", 1),
                ("to_reactivate", 1),
                ("lost", 0)
            ]
        );
        assert_eq!(
            stages[3].accounts,
            vec![SuggestedAccount {
                id: accounts[0].id,
                name: "Café du Port".to_owned(),
                hand_set: "active".to_owned(),
            }]
        );
        // A year's silence allowed before "lost" shrunk to 100 days: the café is lost.
        let strict = RfmThresholds {
            lost_days: 100,
            ..RfmThresholds::default()
        };
        let stages = suggested_stages(&accounts, &figures, &strict, now)?;
        assert_eq!((stages[3].count, stages[4].count), (0, 1));
        Ok(())
    }
}
