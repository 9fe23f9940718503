//! Sales and extra activity for a generated workspace, for benchmarks at scale (the dashboard's
//! at 10,000 accounts, 50,000 activities and 20,000 orders): orders spread over the accounts,
//! the first of them made from accepted quotes, and activities added to the accounts until the
//! workspace holds the number asked for. Deterministic like the rest of `demo`: its own random
//! streams, derived from the seed; each account's owner writes its orders, quotes and activities.

use crate::account::{Activity, ActivityKind};
use crate::document::Document;
use crate::edit::Edit;
use crate::ids::{ActivityId, LineId, OrderId, ProductId, QuoteId, UserId};
use crate::sales::{
    DeviceCode, Lines, NumberBook, Order, OrderTransition, Product, Quantity, Quote,
    QuoteTransition, Series,
};
use crate::values::CurrencyCode;

use super::{
    act_as, actor_of, date_of, working_hours, DemoData, DemoError, DemoSpec, Random, Team, DAY,
};

/// How much to add to a generated workspace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SalesSpec {
    /// Orders, spread over the accounts (taken over the last 18 months; one in ten delivered,
    /// one in thirty cancelled).
    pub orders: usize,
    /// How many of the orders are made from an accepted quote (each a quote document too).
    pub quotes: usize,
    /// The number of activities the workspace should hold in all: accounts get more (over the
    /// last year, by their owner) until it does; nothing is removed when it already does.
    pub activities: usize,
}

/// The random stream of the sales (far from the accounts' streams, which count up from 1).
const SALES_STREAM: u64 = u64::MAX / 2;
/// The random stream of the extra activities.
const ACTIVITY_STREAM: u64 = u64::MAX / 2 + 1;

impl DemoData {
    /// Adds `sales` to this workspace, generated from `spec` (the one it was generated from).
    pub fn add_sales(&mut self, spec: &DemoSpec, sales: &SalesSpec) -> Result<(), DemoError> {
        let team = Team::new(spec);
        let mut owners = Vec::with_capacity(self.accounts.len());
        let mut activities = 0;
        for account in &self.accounts {
            let record = account.record()?;
            activities += record.activities.len();
            owners.push((account.id(), record.owner.unwrap_or(spec.manager)));
        }
        if owners.is_empty() {
            return Ok(());
        }
        self.add_activities(spec, &team, sales.activities.saturating_sub(activities))?;
        let catalogue: Vec<(ProductId, Product)> = self
            .products
            .iter()
            .map(|document| Ok((document.id(), document.record()?)))
            .collect::<Result<_, DemoError>>()?;
        if catalogue.is_empty() {
            return Ok(());
        }
        let mut random = Random::new(spec.seed, SALES_STREAM);
        let mut books: std::collections::BTreeMap<UserId, NumberBook> = Default::default();
        for index in 0..sales.orders {
            let (account, owner) = owners[index % owners.len()];
            let editor = team.editor(owner);
            let ordered_at = spec.now - random.between(1, 540) * DAY;
            let ordered_on = date_of(ordered_at)?;
            let book = match books.entry(owner) {
                std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::btree_map::Entry::Vacant(entry) => {
                    let number = u64::try_from(books_len_of(&team, owner)).unwrap_or(0);
                    let code = DeviceCode::from_number(number * 7_919 + 11, 4)
                        .map_err(|error| DemoError::Sale(error.to_string()))?;
                    entry.insert(NumberBook::new(code))
                }
            };
            let lines = lines(&mut random, &catalogue)?;
            let order_number = book
                .issue(Series::Order, ordered_on.year())
                .map_err(|error| DemoError::Sale(error.to_string()))?;
            let mut order = if index < sales.quotes {
                let quote_number = book
                    .issue(Series::Quote, ordered_on.year())
                    .map_err(|error| DemoError::Sale(error.to_string()))?;
                let quote_id = QuoteId::from_bytes(random.uuid());
                let issued_at = ordered_at - random.between(2, 30) * DAY;
                let mut quote = Quote::new(
                    quote_number,
                    account,
                    date_of(issued_at)?,
                    CurrencyCode::EUR,
                )
                .map_err(|error| DemoError::Sale(error.to_string()))?;
                quote.lines = lines;
                for transition in [QuoteTransition::Send, QuoteTransition::Accept] {
                    quote
                        .apply(transition)
                        .map_err(|error| DemoError::Sale(error.to_string()))?;
                }
                let edit = Edit::by(editor, issued_at);
                let document =
                    Document::new_as(actor_of(&quote_id, editor), quote_id, &quote, &edit)?;
                self.quotes.push(document);
                Order::from_quote(quote_id, &quote, order_number, ordered_on)
            } else {
                Order::direct(order_number, account, CurrencyCode::EUR, ordered_on, lines)
            }
            .map_err(|error| DemoError::Sale(error.to_string()))?;
            if random.percent(10) {
                order.apply(OrderTransition::Deliver)
            } else if random.percent(3) {
                order.apply(OrderTransition::Cancel)
            } else {
                Ok(())
            }
            .map_err(|error| DemoError::Sale(error.to_string()))?;
            let id = OrderId::from_bytes(random.uuid());
            let edit = Edit::by(editor, ordered_at);
            let document = Document::new_as(actor_of(&id, editor), id, &order, &edit)?;
            self.orders.push(document);
        }
        Ok(())
    }

    /// Adds `count` activities, one account after another, each by the account's owner.
    fn add_activities(
        &mut self,
        spec: &DemoSpec,
        team: &Team,
        count: usize,
    ) -> Result<(), DemoError> {
        let accounts = self.accounts.len();
        if count == 0 || accounts == 0 {
            return Ok(());
        }
        let mut random = Random::new(spec.seed, ACTIVITY_STREAM);
        for (index, document) in self.accounts.iter_mut().enumerate() {
            // The first `count % accounts` accounts get one more.
            let more = count / accounts + usize::from(index < count % accounts);
            if more == 0 {
                continue;
            }
            let owner = document.record()?.owner.unwrap_or(spec.manager);
            let editor = team.editor(owner);
            let mut latest = spec.now - 365 * DAY;
            let mut added = Vec::with_capacity(more);
            for _ in 0..more {
                let day = spec.now - random.between(1, 365) * DAY;
                let at = working_hours(&mut random, day);
                latest = latest.max(at);
                let kind = random
                    .weighted(&[
                        (ActivityKind::Visit, 45),
                        (ActivityKind::Call, 35),
                        (ActivityKind::Meeting, 10),
                        (ActivityKind::Email, 10),
                    ])
                    .clone();
                let mut activity = Activity::new(kind, at);
                activity.by = Some(owner);
                added.push((ActivityId::from_bytes(random.uuid()).to_string(), activity));
            }
            act_as(document, editor);
            document.update(&Edit::by(editor, latest), "log activities", |account| {
                account.activities.extend(added);
            })?;
        }
        Ok(())
    }
}

/// Which of the team's people `owner` is (the manager first), for a device code of their own.
fn books_len_of(team: &Team, owner: UserId) -> usize {
    std::iter::once(team.manager)
        .chain(team.reps.iter().copied())
        .position(|person| person == owner)
        .unwrap_or(0)
}

/// One to four lines from the catalogue.
fn lines(random: &mut Random, catalogue: &[(ProductId, Product)]) -> Result<Lines, DemoError> {
    let mut lines = Lines::new();
    for position in 0..random.between(1, 4) {
        let (id, product) = &catalogue[random.index(catalogue.len())];
        let quantity = Quantity::units(random.between(1, 20))
            .map_err(|error| DemoError::Sale(error.to_string()))?;
        let line = crate::sales::Line::from_product(*id, product, quantity, position)
            .map_err(|error| DemoError::Sale(error.to_string()))?;
        lines.insert(LineId::from_bytes(random.uuid()), line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::WorkspaceId;

    #[test]
    fn sales_reach_the_orders_quotes_and_activities_asked_for_the_same_on_every_run(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let spec = DemoSpec {
            seed: 7,
            accounts: 12,
            manager: UserId::from_bytes([1; 16]),
            reps: vec![UserId::from_bytes([2; 16]), UserId::from_bytes([3; 16])],
            now: 1_780_000_000,
            workspace: Some(WorkspaceId::from_bytes([9; 16])),
        };
        let sales = SalesSpec {
            orders: 30,
            quotes: 5,
            activities: 100,
        };
        let mut first = DemoData::generate(&spec)?;
        first.add_sales(&spec, &sales)?;
        let mut second = DemoData::generate(&spec)?;
        second.add_sales(&spec, &sales)?;
        assert_eq!((first.orders.len(), first.quotes.len()), (30, 5));
        let mut activities = 0;
        for account in &first.accounts {
            activities += account.record()?.activities.len();
        }
        assert_eq!(activities, 100);
        assert_eq!(first.changes(), second.changes());
        let order = first.orders[0].record()?;
        assert!(order.quote.is_some());
        assert!(order.totals()?.net.minor_units > 0);
        Ok(())
    }
}
