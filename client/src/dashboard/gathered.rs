//! What the workspace worker gathers for the dashboard, and the cockpit's facts made from it.
//!
//! Lists read index rows, so the facts do too: accounts, deals, quotes and orders come from
//! their rows, and so do an account's industry, phone and newest activities
//! (`index::ACTIVITY_STAMPS_CAP` of them) and a deal's own probability, which rows of this form
//! (`index::ROW_FORM`) carry. A row of an older form (stored before the device was updated)
//! lacks them: for those only, the worker reads the documents of the accounts active in the
//! figures' window or with orders (`Gathered::documents`) and of the open deals
//! (`Gathered::probabilities`). Quotes and orders count for their account's owner. Rows name
//! no closing or sending moment: a won or lost deal is dated by its expected close, a sent
//! quote by the day it bears (both at noon UTC, a moment inside that Paris day). A row this
//! version cannot read (a bad id, date or currency; a quote or order whose lines do not add
//! up) is left out rather than guessed. Pure: it must not read storage.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::rc::Rc;
use std::str::FromStr;

use shared::account::{Account, ActivityKind, LifecycleStage};
use shared::cockpit::{
    day_number, AccountFact, ActivityFact, DealFact, Facts, OrderFact, OrderLineFact, QuoteFact,
    TeamName, Teams, WHOLE_IN_BASIS_POINTS,
};
use shared::deal::DealStatus;
use shared::ids::{AccountId, DealId, OrderId, ProductId, QuoteId, UserId};
use shared::index::{AccountIndexRow, DealIndexRow, ROW_FORM};
use shared::sales::{
    DocumentNumber, OrderIndexRow, OrderStatus, ProductIndexRow, Quantity, QuoteIndexRow,
    QuoteStatus,
};
use shared::settings::Settings;
use shared::values::{CurrencyCode, Date, Money, Postcode};

use crate::team::people::Person;

/// Seconds from midnight UTC to the moment a day-only date is read at (noon UTC is 13:00 or
/// 14:00 in Paris: the same day).
const NOON_SECONDS: i64 = 12 * 3_600;
const SECONDS_PER_DAY: i64 = 86_400;

/// Everything the worker read for one computation.
#[derive(Clone, Debug, Default)]
pub struct Gathered {
    /// Every account's row.
    pub accounts: Rc<Vec<AccountIndexRow>>,
    /// The accounts whose documents were read: rows of an older form, active in the window or
    /// with orders.
    pub documents: BTreeMap<AccountId, Account>,
    /// Every deal's row.
    pub deals: Rc<Vec<DealIndexRow>>,
    /// The deal's own probability (percent), for the open deals whose rows are of an older form
    /// (their documents were read).
    pub probabilities: BTreeMap<DealId, Option<u8>>,
    /// Every quote version's row.
    pub quotes: Rc<Vec<QuoteIndexRow>>,
    /// Every order's row.
    pub orders: Rc<Vec<OrderIndexRow>>,
    /// Every catalogue product's row (for their names).
    pub products: Rc<Vec<ProductIndexRow>>,
    /// The people directory.
    pub people: Vec<Person>,
    /// The workspace settings.
    pub settings: Option<Settings>,
}

impl Gathered {
    /// The cockpit's facts.
    pub fn facts(&self) -> Facts {
        let settings = self.settings.clone().unwrap_or_else(Settings::starter);
        let accounts: Vec<AccountFact> = self
            .accounts
            .iter()
            .filter_map(|row| {
                let id = row.id.parse::<AccountId>().ok()?;
                Some(match self.documents.get(&id) {
                    Some(account) => AccountFact::of(id, account),
                    None => account_of_row(id, row),
                })
            })
            .collect();
        let owners: BTreeMap<AccountId, Option<UserId>> = accounts
            .iter()
            .map(|account| (account.id, account.owner))
            .collect();
        let owner_of = |account: AccountId| owners.get(&account).copied().flatten();
        Facts {
            deals: self
                .deals
                .iter()
                .filter_map(|row| self.deal_of_row(row, &settings))
                .collect(),
            quotes: self
                .quotes
                .iter()
                .filter_map(|row| quote_of_row(row, &owner_of))
                .collect(),
            orders: self
                .orders
                .iter()
                .filter_map(|row| order_of_row(row, &owner_of))
                .collect(),
            activities: self
                .accounts
                .iter()
                .filter_map(|row| Some((row.id.parse::<AccountId>().ok()?, row)))
                .flat_map(|(id, row)| match self.documents.get(&id) {
                    Some(account) => ActivityFact::of_account(id, account),
                    None => activities_of_row(id, row),
                })
                .collect(),
            accounts,
        }
    }

    /// Who belongs to which teams (led teams included), from the directory.
    pub fn teams(&self) -> Teams {
        let mut teams = Teams::new();
        for person in &self.people {
            for team in person.teams.iter().chain(&person.leads) {
                teams.join(person.id, TeamName(team.clone()));
            }
        }
        teams
    }

    fn deal_of_row(&self, row: &DealIndexRow, settings: &Settings) -> Option<DealFact> {
        let id = row.id.parse::<DealId>().ok()?;
        let status = named::<DealStatus>(&row.status);
        let expected_close = row
            .expected_close
            .as_deref()
            .and_then(|date| Date::parse(date).ok());
        let own = if row.form >= ROW_FORM {
            row.probability
        } else {
            self.probabilities.get(&id).copied().flatten()
        };
        let percent = own.or_else(|| {
            settings
                .pipeline_stages
                .get(&row.stage)
                .and_then(|stage| stage.probability)
        });
        let closed = matches!(status, DealStatus::Won | DealStatus::Lost);
        Some(DealFact {
            id,
            account: row.account.as_deref().and_then(|id| id.parse().ok()),
            owner: row.owner.as_deref().and_then(|id| id.parse().ok()),
            stage: row.stage.clone(),
            status,
            amount: row
                .amount
                .as_ref()
                .and_then(|(minor_units, currency)| money(*minor_units, currency)),
            probability: percent.map_or(0, |percent| {
                u16::from(percent.min(100)) * (WHOLE_IN_BASIS_POINTS / 100)
            }),
            expected_close,
            closed_at: expected_close.filter(|_| closed).map(noon_of),
        })
    }
}

/// An account's fact from its row alone (a row of an older form has no industry nor phone).
fn account_of_row(id: AccountId, row: &AccountIndexRow) -> AccountFact {
    AccountFact {
        id,
        name: row.name.clone(),
        owner: row.owner.as_deref().and_then(|owner| owner.parse().ok()),
        postcode: Postcode::parse(&row.postcode).ok(),
        city: row.city.clone(),
        phone: row.phone.clone(),
        industry: row.industry.clone(),
        stage: named::<LifecycleStage>(&row.stage),
    }
}

/// The activities an account's row carries (none in a row of an older form).
fn activities_of_row(id: AccountId, row: &AccountIndexRow) -> Vec<ActivityFact> {
    row.activities
        .iter()
        .map(|stamp| ActivityFact {
            account: id,
            by: stamp.by.as_deref().and_then(|by| by.parse().ok()),
            kind: named::<ActivityKind>(&stamp.kind),
            at: stamp.at,
        })
        .collect()
}

fn quote_of_row(
    row: &QuoteIndexRow,
    owner_of: &impl Fn(AccountId) -> Option<UserId>,
) -> Option<QuoteFact> {
    let account = row.account.parse::<AccountId>().ok()?;
    let status = named::<QuoteStatus>(&row.status);
    let sent_at = match status {
        QuoteStatus::Draft => None,
        _ => Some(noon_of(Date::parse(&row.issued_on).ok()?)),
    };
    Some(QuoteFact {
        id: row.id.parse::<QuoteId>().ok()?,
        number: DocumentNumber::parse(&row.number).ok()?,
        account,
        owner: owner_of(account),
        status,
        sent_at,
        net: money(row.totals.as_ref()?.net, &row.currency)?,
    })
}

pub(crate) fn order_of_row(
    row: &OrderIndexRow,
    owner_of: &impl Fn(AccountId) -> Option<UserId>,
) -> Option<OrderFact> {
    let account = row.account.parse::<AccountId>().ok()?;
    let lines = row
        .lines
        .iter()
        .map(|line| {
            Some(OrderLineFact {
                product: line
                    .product
                    .as_deref()
                    .and_then(|id| id.parse::<ProductId>().ok()),
                quantity: Quantity::from_thousandths(line.quantity).ok()?,
                net: money(line.net, &row.currency)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let status = named::<OrderStatus>(&row.status);
    Some(OrderFact {
        id: row.id.parse::<OrderId>().ok()?,
        account,
        owner: owner_of(account),
        status,
        ordered_on: Date::parse(&row.ordered_on).ok()?,
        lines,
        net: money(row.totals.as_ref()?.net, &row.currency)?,
        quote: row.quote.as_deref().and_then(|id| id.parse().ok()),
    })
}

/// A stored name read as its value (an unknown one is kept as `Other`).
fn named<T: FromStr<Err = Infallible>>(text: &str) -> T {
    match text.parse() {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

fn money(minor_units: i64, currency: &str) -> Option<Money> {
    Some(Money {
        minor_units,
        currency: CurrencyCode::parse(currency).ok()?,
    })
}

/// Noon UTC of `date`, in Unix seconds.
pub fn noon_of(date: Date) -> i64 {
    day_number(date) * SECONDS_PER_DAY + NOON_SECONDS
}
