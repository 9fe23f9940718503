//! What the deal page shows of one deal, and the pipeline stages it can move through.

use std::rc::Rc;

use crate::state::problem::Problem;

use shared::deal::Deal;
use shared::ids::UserId;
use shared::settings::Settings;

use super::field_input::amount_text;
use super::record_view::{FieldConflict, RecordSnapshot};

/// What the deal page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DealView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such deal.
    pub missing: bool,
    /// What is being sold.
    pub title: String,
    /// The account buying (id), when set.
    pub account: Option<String>,
    /// The pipeline stage key.
    pub stage: String,
    /// Open, won or lost (stored name).
    pub status: String,
    /// The amount in minor units and its currency, when set.
    pub amount: Option<(i64, String)>,
    /// The amount as the rep edits it (`1234.5`), or empty.
    pub amount_text: String,
    /// Expected close date (`2025-03-31`), or empty.
    pub expected_close: String,
    /// Win probability in percent, when set.
    pub probability: Option<u8>,
    /// The owner, when set.
    pub owner: Option<UserId>,
    /// The notes.
    pub notes: String,
    /// Fields holding concurrent values.
    pub conflicts: Vec<Rc<FieldConflict>>,
    /// The last save or load problem, in plain words.
    pub error: Option<Problem>,
}

/// The deal page's view of `snapshot`, given the last save problem.
pub fn deal_view(snapshot: &RecordSnapshot<Deal>, error: Option<&Problem>) -> DealView {
    let Ok(deal) = &snapshot.record else {
        return DealView {
            loaded: true,
            error: Some(Problem::new("problem-record-too-new")),
            ..DealView::default()
        };
    };
    DealView {
        loaded: true,
        missing: false,
        title: deal.title.clone(),
        account: deal.account.map(|account| account.to_string()),
        stage: deal.stage.clone(),
        status: deal.status.as_str().to_owned(),
        amount: deal
            .amount
            .map(|money| (money.minor_units, money.currency.as_str().to_owned())),
        amount_text: deal.amount.as_ref().map(amount_text).unwrap_or_default(),
        expected_close: deal
            .expected_close
            .map(|date| date.to_string())
            .unwrap_or_default(),
        probability: deal.probability,
        owner: deal.owner,
        notes: deal.notes.as_str().to_owned(),
        conflicts: snapshot.conflicts.clone(),
        error: error.cloned(),
    }
}

/// A pipeline stage a deal can be at: its key and the name shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageChoice {
    /// The stored key.
    pub key: String,
    /// The name shown.
    pub name: String,
}

/// The stages of `settings` in board order; the domain's starter pipeline when the workspace
/// has none; plus `current` when the deal sits at a stage the settings no longer list (so it is
/// shown, not silently changed).
pub fn stage_choices(settings: Option<&Settings>, current: &str) -> Vec<StageChoice> {
    let starter = Settings::starter();
    let settings = settings
        .filter(|settings| !settings.pipeline_stages.is_empty())
        .unwrap_or(&starter);
    let mut choices: Vec<StageChoice> = settings
        .ordered_stages()
        .into_iter()
        .filter_map(|key| {
            settings.pipeline_stages.get(key).map(|stage| StageChoice {
                key: key.to_owned(),
                name: stage.name.clone(),
            })
        })
        .collect();
    if !current.is_empty() && !choices.iter().any(|choice| choice.key == current) {
        choices.push(StageChoice {
            key: current.to_owned(),
            name: current.to_owned(),
        });
    }
    choices
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::deal::Deal;
    use shared::deal::DealDocument;
    use shared::edit::Edit;
    use shared::ids::DealId;
    use shared::values::{CurrencyCode, Money};

    #[test]
    fn a_deal_view_shows_its_amount_as_typed_and_its_close_date(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut deal = Deal::new("Four à sole", "meet");
        deal.amount = Some(Money::new(1_250_050, CurrencyCode::EUR));
        deal.expected_close = Some(shared::values::Date::parse("2025-06-30")?);
        let document = DealDocument::new(DealId::generate(), &deal, &Edit::anonymous(1))?;
        let view = deal_view(&RecordSnapshot::of_document(&document), None);
        assert_eq!(view.amount, Some((1_250_050, "EUR".to_owned())));
        assert_eq!(view.amount_text, "12500.5");
        assert_eq!(view.expected_close, "2025-06-30");
        assert_eq!(view.status, "open");
        Ok(())
    }

    #[test]
    fn stages_come_from_the_settings_else_the_starter_pipeline_and_keep_an_unknown_one() {
        let starter: Vec<String> = stage_choices(None, "meet")
            .into_iter()
            .map(|choice| choice.key)
            .collect();
        assert_eq!(
            starter,
            vec!["qualify", "meet", "propose", "negotiate", "sign"]
        );
        let mut settings = Settings::starter();
        settings.pipeline_stages.retain(|key, _| key == "sign");
        let choices = stage_choices(Some(&settings), "archived");
        let keys: Vec<&str> = choices.iter().map(|choice| choice.key.as_str()).collect();
        assert_eq!(keys, vec!["sign", "archived"]);
        assert_eq!(choices[0].name, "Signature");
    }
}
