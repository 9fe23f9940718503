//! The pipeline board: open deals in columns by stage, each column's total in the workspace
//! currency (amounts in other currencies summed apart, per currency, never converted), and where
//! a keyboard move takes a card. Built from deal index rows and account names only: the board
//! never loads a document.

use std::collections::{BTreeMap, HashMap};

use shared::index::DealIndexRow;
use shared::settings::Settings;

/// The status of the deals the board shows (won and lost deals have left the pipeline).
const OPEN: &str = "open";

/// One stage of the board, as the workspace settings name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The stage key stored in deals.
    pub key: String,
    /// The name shown.
    pub name: String,
}

/// What the board is built from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PipelineInputs {
    /// The stages in board order.
    pub stages: Vec<Stage>,
    /// The workspace currency (ISO 4217).
    pub currency: String,
    /// Every deal's index row.
    pub deals: Vec<DealIndexRow>,
    /// Account names by account id.
    pub account_names: HashMap<String, String>,
}

/// One deal on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// The deal's id.
    pub id: String,
    /// The deal's title.
    pub title: String,
    /// The account's name, when the deal has a known account.
    pub account: Option<String>,
    /// The amount in minor units and its currency.
    pub amount: Option<(i64, String)>,
    /// The expected close date (`YYYY-MM-DD`).
    pub expected_close: Option<String>,
}

/// One column: a stage, its cards and its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The stage.
    pub stage: Stage,
    /// The cards, soonest expected close first.
    pub cards: Vec<Card>,
    /// The sum of the amounts in the workspace currency (minor units).
    pub total: i64,
    /// Sums of the amounts in each other currency (minor units), by currency.
    pub other_totals: BTreeMap<String, i64>,
}

/// The whole board.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Board {
    /// The workspace currency the totals are in.
    pub currency: String,
    /// The columns in stage order (stages deals use but the settings lack come last).
    pub columns: Vec<Column>,
}

/// Which way a keyboard move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// To the previous stage (left).
    Previous,
    /// To the next stage (right).
    Next,
}

impl PipelineInputs {
    /// The stages and currency of `settings`.
    pub fn with_settings(settings: &Settings) -> Self {
        let stages = settings
            .ordered_stages()
            .into_iter()
            .map(|key| Stage {
                key: key.to_owned(),
                name: settings
                    .pipeline_stages
                    .get(key)
                    .map_or_else(|| key.to_owned(), |stage| stage.name.clone()),
            })
            .collect();
        Self {
            stages,
            currency: settings.default_currency.to_string(),
            ..Self::default()
        }
    }

    /// The board these inputs make.
    pub fn board(&self) -> Board {
        let mut columns: Vec<Column> = self
            .stages
            .iter()
            .map(|stage| Column::empty(stage.clone()))
            .collect();
        for deal in self.deals.iter().filter(|deal| deal.status == OPEN) {
            let index = match columns.iter().position(|c| c.stage.key == deal.stage) {
                Some(index) => index,
                None => {
                    // A stage the settings no longer list (or not yet): shown, not hidden.
                    columns.push(Column::empty(Stage {
                        key: deal.stage.clone(),
                        name: deal.stage.clone(),
                    }));
                    columns.len() - 1
                }
            };
            let column = &mut columns[index];
            if let Some((amount, currency)) = &deal.amount {
                if *currency == self.currency {
                    column.total = column.total.saturating_add(*amount);
                } else {
                    let other = column.other_totals.entry(currency.clone()).or_insert(0);
                    *other = other.saturating_add(*amount);
                }
            }
            column.cards.push(Card {
                id: deal.id.clone(),
                title: deal.title.clone(),
                account: deal
                    .account
                    .as_ref()
                    .and_then(|account| self.account_names.get(account))
                    .cloned(),
                amount: deal.amount.clone(),
                expected_close: deal.expected_close.clone(),
            });
        }
        for column in &mut columns {
            column.cards.sort_by(|a, b| {
                // Deals without a date last; then by title, then id, so the order is stable.
                (
                    a.expected_close.is_none(),
                    &a.expected_close,
                    &a.title,
                    &a.id,
                )
                    .cmp(&(
                        b.expected_close.is_none(),
                        &b.expected_close,
                        &b.title,
                        &b.id,
                    ))
            });
        }
        Board {
            currency: self.currency.clone(),
            columns,
        }
    }

    /// The stage of deal `id`, as the board knows it.
    pub fn stage_of(&self, id: &str) -> Option<&str> {
        self.deals
            .iter()
            .find(|deal| deal.id == id)
            .map(|deal| deal.stage.as_str())
    }

    /// The same inputs with deal `id` at stage `stage` (shown at once, before the save ends).
    pub fn with_move(&self, id: &str, stage: &str) -> Self {
        let mut moved = self.clone();
        if let Some(deal) = moved.deals.iter_mut().find(|deal| deal.id == id) {
            deal.stage = stage.to_owned();
        }
        moved
    }
}

impl Column {
    fn empty(stage: Stage) -> Self {
        Self {
            stage,
            cards: Vec::new(),
            total: 0,
            other_totals: BTreeMap::new(),
        }
    }
}

impl Board {
    /// The stage a keyboard move from `stage` in `direction` reaches; `None` at either end.
    pub fn neighbour(&self, stage: &str, direction: Direction) -> Option<&Stage> {
        let index = self.columns.iter().position(|c| c.stage.key == stage)?;
        let target = match direction {
            Direction::Previous => index.checked_sub(1)?,
            Direction::Next => index + 1,
        };
        self.columns.get(target).map(|column| &column.stage)
    }

    /// The stage called `key`.
    pub fn stage(&self, key: &str) -> Option<&Stage> {
        self.columns
            .iter()
            .map(|column| &column.stage)
            .find(|stage| stage.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(id: &str, stage: &str, amount: Option<(i64, &str)>) -> DealIndexRow {
        DealIndexRow {
            id: id.to_owned(),
            title: format!("Deal {id}"),
            account: Some("a1".to_owned()),
            stage: stage.to_owned(),
            status: OPEN.to_owned(),
            amount: amount.map(|(minor, currency)| (minor, currency.to_owned())),
            ..DealIndexRow::default()
        }
    }

    fn inputs(deals: Vec<DealIndexRow>) -> PipelineInputs {
        PipelineInputs {
            deals,
            account_names: HashMap::from([("a1".to_owned(), "Boulangerie Élevé".to_owned())]),
            ..PipelineInputs::with_settings(&Settings::starter())
        }
    }

    #[test]
    fn columns_follow_the_settings_stage_order() {
        let board = inputs(Vec::new()).board();
        let keys: Vec<&str> = board.columns.iter().map(|c| c.stage.key.as_str()).collect();
        assert_eq!(keys, ["qualify", "meet", "propose", "negotiate", "sign"]);
        assert_eq!(board.columns[1].stage.name, "Rendez-vous");
        assert_eq!(board.currency, "EUR");
    }

    #[test]
    fn stage_totals_add_only_the_workspace_currency_and_keep_others_apart() {
        let board = inputs(vec![
            deal("1", "propose", Some((100_000, "EUR"))),
            deal("2", "propose", Some((250_050, "EUR"))),
            deal("3", "propose", Some((9_900, "CHF"))),
            deal("4", "propose", Some((100, "CHF"))),
            deal("5", "propose", Some((7_000, "USD"))),
            deal("6", "propose", None),
            deal("7", "meet", Some((1, "EUR"))),
        ])
        .board();
        let propose = &board.columns[2];
        assert_eq!(propose.cards.len(), 6);
        assert_eq!(propose.total, 350_050);
        assert_eq!(
            propose.other_totals,
            BTreeMap::from([("CHF".to_owned(), 10_000), ("USD".to_owned(), 7_000)])
        );
        assert_eq!(board.columns[1].total, 1);
        assert!(board.columns[1].other_totals.is_empty());
    }

    #[test]
    fn won_and_lost_deals_leave_the_board() {
        let mut won = deal("1", "sign", Some((5, "EUR")));
        won.status = "won".to_owned();
        let board = inputs(vec![won, deal("2", "sign", Some((7, "EUR")))]).board();
        assert_eq!(board.columns[4].cards.len(), 1);
        assert_eq!(board.columns[4].total, 7);
    }

    #[test]
    fn cards_carry_the_account_name_and_sort_by_expected_close() {
        let mut later = deal("1", "meet", None);
        later.expected_close = Some("2026-05-01".to_owned());
        let mut sooner = deal("2", "meet", None);
        sooner.expected_close = Some("2026-03-01".to_owned());
        let undated = deal("3", "meet", None);
        let board = inputs(vec![undated, later, sooner]).board();
        let ids: Vec<&str> = board.columns[1]
            .cards
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["2", "1", "3"]);
        assert_eq!(
            board.columns[1].cards[0].account.as_deref(),
            Some("Boulangerie Élevé")
        );
    }

    #[test]
    fn a_deal_at_an_unknown_stage_gets_a_column_of_its_own() {
        let board = inputs(vec![deal("1", "tasting", None)]).board();
        assert_eq!(board.columns.len(), 6);
        assert_eq!(board.columns[5].stage.key, "tasting");
    }

    #[test]
    fn keyboard_moves_reach_the_neighbouring_stage_and_stop_at_the_ends() {
        let board = inputs(Vec::new()).board();
        let next = board
            .neighbour("meet", Direction::Next)
            .map(|s| s.key.as_str());
        assert_eq!(next, Some("propose"));
        let previous = board
            .neighbour("meet", Direction::Previous)
            .map(|s| s.key.as_str());
        assert_eq!(previous, Some("qualify"));
        assert_eq!(board.neighbour("qualify", Direction::Previous), None);
        assert_eq!(board.neighbour("sign", Direction::Next), None);
        assert_eq!(board.neighbour("nowhere", Direction::Next), None);
    }

    #[test]
    fn a_move_shows_at_once_and_moves_the_totals() {
        let before = inputs(vec![deal("1", "meet", Some((500, "EUR")))]);
        let after = before.with_move("1", "propose");
        assert_eq!(after.stage_of("1"), Some("propose"));
        let board = after.board();
        assert_eq!(board.columns[1].total, 0);
        assert_eq!(board.columns[2].total, 500);
    }
}
