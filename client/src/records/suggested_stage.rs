//! Beside the lifecycle stage set by hand on an account's page: the stage its orders suggest
//! (`lifecycle_view`, with the workspace's thresholds) and why — "Suggested: To win back — last
//! order 143 days ago, usually every 30 days" — and, when the two differ, "Use the suggestion",
//! which sets it by hand in one click. The account's order rows are read as its sales block
//! reads them (`sales::use_account_sales`, again when one changes); nothing here loads a
//! document.

use std::rc::Rc;

use shared::ids::AccountId;
use yew::prelude::*;

use crate::hooks::use_i18n;
use crate::i18n::Argument;
use crate::records::lifecycle_view::suggestion;
use crate::records::{stage_label_id, use_workspace_settings};
use crate::sales::use_account_sales;

/// Props of [`SuggestedStage`].
#[derive(Properties, PartialEq)]
pub(crate) struct SuggestedStageProps {
    /// The account.
    pub(crate) account: AccountId,
    /// The stage set by hand (stored name).
    pub(crate) hand_set: AttrValue,
    /// The moments of its visits (Unix seconds).
    pub(crate) visits: Rc<Vec<i64>>,
    /// Set this stage (stored name) by hand.
    pub(crate) on_use: Callback<String>,
}

/// The suggestion, once the account's orders are read.
#[component]
pub(crate) fn SuggestedStage(props: &SuggestedStageProps) -> Html {
    let i18n = use_i18n();
    let sales = use_account_sales(props.account);
    let settings = use_workspace_settings();
    if !sales.loaded {
        return html! {};
    }
    let thresholds = settings
        .as_ref()
        .map(|settings| settings.rfm_thresholds.clone())
        .unwrap_or_default();
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let Ok(suggested) = suggestion(
        props.account,
        &sales.orders,
        props.visits.iter().copied(),
        &thresholds,
        now,
    ) else {
        return html! {};
    };
    let stage = suggested.stage.as_str().to_owned();
    let label = stage_label_id(&stage).map_or_else(|| stage.clone(), |id| i18n.t(id));
    let days = |id: &str, days: i64| i18n.t_with(id, &[("days", Argument::Number(days as f64))]);
    let mut reasons = Vec::new();
    match suggested.last_order_days {
        Some(last) => reasons.push(days("record-suggested-last-order", last)),
        None => reasons.push(i18n.t("record-suggested-no-order")),
    }
    if let Some(usual) = suggested.usual_days {
        reasons.push(days("record-suggested-usually", usual));
    }
    if let Some(visit) = suggested.last_visit_days {
        reasons.push(days("record-suggested-last-visit", visit));
    }
    let text = i18n.t_with(
        "record-suggested",
        &[
            ("stage", Argument::Text(&label)),
            ("reasons", Argument::Text(&reasons.join(", "))),
        ],
    );
    let differs = suggested.differs_from(&props.hand_set);
    let on_use = {
        let (on_use, stage) = (props.on_use.clone(), stage.clone());
        Callback::from(move |_: MouseEvent| on_use.emit(stage.clone()))
    };
    html! {
        <div class="suggested-stage" id="account-suggested" data-stage={stage}>
            <p id="account-suggested-stage" class="muted">{ text }</p>
            if differs {
                <button type="button" id="use-suggested-stage" class="button ghost small" onclick={on_use}>
                    { i18n.t("record-suggested-use") }
                </button>
            }
        </div>
    }
}
