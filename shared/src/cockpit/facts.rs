//! The facts the cockpit computes from: small plain values a device derives cheaply from its
//! records (and, for two instants, from their history), so the figures never load documents
//! twice and tests write them by hand.
//!
//! Quotes and orders name no rep: their owner is passed in (the account's owner, or the deal's),
//! decided once by the caller. Instants are Unix seconds and become Paris dates in the
//! computations; dates the records hold (an order's day, a deal's expected close) are used as
//! they are.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::sums::WHOLE_IN_BASIS_POINTS;
use crate::account::{Account, ActivityKind, LifecycleStage};
use crate::deal::{Deal, DealStatus};
use crate::ids::{AccountId, DealId, OrderId, ProductId, QuoteId, UserId};
use crate::sales::{DocumentNumber, Order, OrderStatus, Quantity, Quote, QuoteStatus};
use crate::settings::Settings;
use crate::values::{AmountError, Date, Departement, Money, Postcode};

/// One account as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountFact {
    /// The account.
    pub id: AccountId,
    /// Its name.
    pub name: String,
    /// The rep who owns it.
    pub owner: Option<UserId>,
    /// The postcode of its display address, when it is a valid French one.
    pub postcode: Option<Postcode>,
    /// The city of its display address.
    pub city: String,
    /// A phone number to call (national form), the first in order.
    pub phone: Option<String>,
    /// Its industry, as typed.
    pub industry: Option<String>,
    /// The lifecycle stage a person set.
    pub stage: LifecycleStage,
}

/// One deal as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealFact {
    /// The deal.
    pub id: DealId,
    /// The account buying.
    pub account: Option<AccountId>,
    /// The rep who owns it.
    pub owner: Option<UserId>,
    /// Its pipeline stage key.
    pub stage: String,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Its amount, when set.
    pub amount: Option<Money>,
    /// Its win probability in basis points: the deal's own, else its stage's, else zero.
    pub probability: u16,
    /// When it is expected to close.
    pub expected_close: Option<Date>,
    /// When it was marked won or lost (Unix seconds of that change, from its history).
    pub closed_at: Option<i64>,
}

/// One quote version as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteFact {
    /// The version's document.
    pub id: QuoteId,
    /// Its number, shared by all the versions of one offer.
    pub number: DocumentNumber,
    /// The customer.
    pub account: AccountId,
    /// The rep it counts for (passed in: a quote names no owner).
    pub owner: Option<UserId>,
    /// Where it stands.
    pub status: QuoteStatus,
    /// When it was sent (Unix seconds of the sending change, from its history); `None` for a
    /// draft.
    pub sent_at: Option<i64>,
    /// Its total before VAT.
    pub net: Money,
}

/// One line of an order as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLineFact {
    /// The catalogue product; `None` for a free line.
    pub product: Option<ProductId>,
    /// How many units.
    pub quantity: Quantity,
    /// Its net amount (before VAT, after discount).
    pub net: Money,
}

/// One order as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFact {
    /// The order.
    pub id: OrderId,
    /// The customer.
    pub account: AccountId,
    /// The rep it counts for (passed in: an order names no owner).
    pub owner: Option<UserId>,
    /// Confirmed, delivered or cancelled.
    pub status: OrderStatus,
    /// The day it was taken (as the order holds it).
    pub ordered_on: Date,
    /// Its lines.
    pub lines: Vec<OrderLineFact>,
    /// Its total before VAT.
    pub net: Money,
    /// The quote version it was made from.
    pub quote: Option<QuoteId>,
}

/// One activity as the cockpit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityFact {
    /// The account it was with.
    pub account: AccountId,
    /// Who did it.
    pub by: Option<UserId>,
    /// Visit, call, meeting…
    pub kind: ActivityKind,
    /// When it happened (Unix seconds).
    pub at: i64,
}

/// Every fact of the records the manager can see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The accounts.
    pub accounts: Vec<AccountFact>,
    /// The deals.
    pub deals: Vec<DealFact>,
    /// The quote versions.
    pub quotes: Vec<QuoteFact>,
    /// The orders.
    pub orders: Vec<OrderFact>,
    /// The activities.
    pub activities: Vec<ActivityFact>,
}

/// The name of a team, as the relay's directory gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TeamName(pub String);

/// Who belongs to which teams (a person may be in several, or none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Teams(BTreeMap<UserId, BTreeSet<TeamName>>);

impl Teams {
    /// No team.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `person` in `team`.
    pub fn join(&mut self, person: UserId, team: TeamName) {
        self.0.entry(person).or_default().insert(team);
    }

    /// The teams of `person`.
    pub fn of(&self, person: UserId) -> impl Iterator<Item = &TeamName> {
        self.0.get(&person).into_iter().flatten()
    }

    /// Whether `person` is in `team`.
    pub fn includes(&self, team: &TeamName, person: UserId) -> bool {
        self.0
            .get(&person)
            .is_some_and(|teams| teams.contains(team))
    }
}

impl AccountFact {
    /// The fact of account `id`.
    pub fn of(id: AccountId, account: &Account) -> Self {
        let address = account.display_address();
        let mut phones: Vec<String> = account
            .phones
            .values()
            .map(|entry| entry.number.to_national())
            .collect();
        phones.sort();
        Self {
            id,
            name: account.name.clone(),
            owner: account.owner,
            postcode: address.and_then(|address| Postcode::parse(&address.postcode).ok()),
            city: address
                .map(|address| address.city.clone())
                .unwrap_or_default(),
            phone: phones.into_iter().next(),
            industry: account.industry.clone(),
            stage: account.stage.clone(),
        }
    }

    /// The département of its postcode.
    pub fn departement(&self) -> Option<Departement> {
        self.postcode.as_ref().and_then(Postcode::departement)
    }
}

impl ActivityFact {
    /// The facts of every activity of account `id`.
    pub fn of_account(id: AccountId, account: &Account) -> Vec<Self> {
        account
            .activities
            .values()
            .map(|activity| Self {
                account: id,
                by: activity.by,
                kind: activity.kind.clone(),
                at: activity.at,
            })
            .collect()
    }
}

impl DealFact {
    /// The fact of deal `id`, its probability defaulting to its stage's in `settings`, marked won
    /// or lost at `closed_at` (from its history).
    pub fn of(id: DealId, deal: &Deal, settings: &Settings, closed_at: Option<i64>) -> Self {
        let percent = deal.probability.or_else(|| {
            settings
                .pipeline_stages
                .get(&deal.stage)
                .and_then(|stage| stage.probability)
        });
        Self {
            id,
            account: deal.account,
            owner: deal.owner,
            stage: deal.stage.clone(),
            status: deal.status.clone(),
            amount: deal.amount,
            probability: percent.map_or(0, percent_in_basis_points),
            expected_close: deal.expected_close,
            closed_at,
        }
    }
}

impl QuoteFact {
    /// The fact of quote version `id`, counting for `owner`, sent at `sent_at` (from its
    /// history).
    pub fn of(
        id: QuoteId,
        quote: &Quote,
        owner: Option<UserId>,
        sent_at: Option<i64>,
    ) -> Result<Self, AmountError> {
        Ok(Self {
            id,
            number: quote.number.clone(),
            account: quote.account,
            owner,
            status: quote.status.clone(),
            sent_at,
            net: quote.totals()?.net,
        })
    }
}

impl OrderFact {
    /// The fact of order `id`, counting for `owner`.
    pub fn of(id: OrderId, order: &Order, owner: Option<UserId>) -> Result<Self, AmountError> {
        let lines = order
            .ordered_lines()
            .into_iter()
            .map(|(_, line)| {
                Ok(OrderLineFact {
                    product: line.origin.as_ref().map(|origin| origin.product),
                    quantity: line.quantity,
                    net: line.net()?,
                })
            })
            .collect::<Result<Vec<_>, AmountError>>()?;
        Ok(Self {
            id,
            account: order.account,
            owner,
            status: order.status.clone(),
            ordered_on: order.ordered_on,
            lines,
            net: order.totals()?.net,
            quote: order.quote.as_ref().map(|reference| reference.quote),
        })
    }

    /// Whether it counts as revenue: confirmed or delivered (a cancelled order, or a status
    /// this version does not know, does not).
    pub fn counts_as_revenue(&self) -> bool {
        matches!(self.status, OrderStatus::Confirmed | OrderStatus::Delivered)
    }
}

/// A percentage (capped at 100) in basis points.
fn percent_in_basis_points(percent: u8) -> u16 {
    u16::from(percent.min(100)) * (WHOLE_IN_BASIS_POINTS / 100)
}
