//! The accounts list: index rows (never whole documents), sorted by name, plus load status.

use std::rc::Rc;

use shared::index::AccountIndexRow;

/// What the accounts page knows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountsState {
    /// The rows, sorted by their folded name.
    pub rows: Rc<Vec<AccountIndexRow>>,
    /// Whether the rows have been read from the device yet.
    pub loaded: bool,
    /// The last problem to show (a message id of the catalogue).
    pub error: Option<String>,
}

/// Everything that changes the accounts list.
#[derive(Clone, Debug, PartialEq)]
pub enum AccountsAction {
    /// The rows were read from the device.
    Load(Vec<AccountIndexRow>),
    /// An account was saved on the device (boxed: a row is much larger than the other variants).
    Add(Box<AccountIndexRow>),
    /// Reading or saving failed.
    Fail(String),
    /// The user dismissed the error.
    DismissError,
}

impl AccountsState {
    /// The state after `action`.
    pub fn apply(&self, action: AccountsAction) -> Self {
        match action {
            AccountsAction::Load(mut rows) => {
                sort(&mut rows);
                Self {
                    rows: Rc::new(rows),
                    loaded: true,
                    // A re-read in the background (sync stored something, another tab saved)
                    // must not take away an error before the rep has read it.
                    error: self.error.clone(),
                }
            }
            AccountsAction::Add(row) => {
                let mut rows: Vec<AccountIndexRow> = self
                    .rows
                    .iter()
                    .filter(|existing| existing.id != row.id)
                    .cloned()
                    .collect();
                rows.push(*row);
                sort(&mut rows);
                Self {
                    rows: Rc::new(rows),
                    loaded: self.loaded,
                    error: None,
                }
            }
            AccountsAction::Fail(message) => Self {
                error: Some(message),
                ..self.clone()
            },
            AccountsAction::DismissError => Self {
                error: None,
                ..self.clone()
            },
        }
    }
}

fn sort(rows: &mut [AccountIndexRow]) {
    rows.sort_by(|left, right| {
        left.sort_name
            .cmp(&right.sort_name)
            .then_with(|| left.id.cmp(&right.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: id.to_owned(),
            name: name.to_owned(),
            sort_name: shared::search::search_terms(name).join(" "),
            ..AccountIndexRow::default()
        }
    }

    #[test]
    fn loaded_rows_are_sorted_by_folded_name() {
        let state = AccountsState::default().apply(AccountsAction::Load(vec![
            row("1", "Zèbre"),
            row("2", "Élevé"),
            row("3", "azur"),
        ]));
        let names: Vec<&str> = state.rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, vec!["azur", "Élevé", "Zèbre"]);
        assert!(state.loaded);
    }

    #[test]
    fn adding_an_account_keeps_the_order_and_replaces_a_stale_row() {
        let state = AccountsState::default()
            .apply(AccountsAction::Load(vec![
                row("1", "Beta"),
                row("2", "Delta"),
            ]))
            .apply(AccountsAction::Add(Box::new(row("3", "Charlie"))))
            .apply(AccountsAction::Add(Box::new(row("1", "Alpha"))));
        let names: Vec<&str> = state.rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, vec!["Alpha", "Charlie", "Delta"]);
    }

    #[test]
    fn a_failure_is_kept_until_dismissed() {
        let failed = AccountsState::default().apply(AccountsAction::Fail("disk full".to_owned()));
        assert_eq!(failed.error.as_deref(), Some("disk full"));
        // The list re-read in the background meanwhile: the failure stays on screen.
        let reread = failed.apply(AccountsAction::Load(vec![row("1", "Beta")]));
        assert_eq!(reread.error.as_deref(), Some("disk full"));
        assert_eq!(reread.apply(AccountsAction::DismissError).error, None);
    }
}
