//! The settings page's customer lifecycle, for admins: the thresholds of the stage suggested
//! on each account from its orders (`shared::cockpit::RfmThresholds`, in the settings
//! document). Each is written when the admin presses Enter or leaves the field, through the
//! one write path of settings (`update_record::<Settings>`), after `RfmThresholds::check`.

use shared::cockpit::{RfmThresholds, ThresholdKind, ThresholdsError};
use shared::settings::Settings;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, SessionState};
use crate::records::{use_workspace_settings, EditableField};
use crate::state::problem::Problem;
use crate::team::use_people;

/// The fields, in order: the threshold, its element id and its label.
const FIELDS: [(ThresholdKind, &str); 5] = [
    (ThresholdKind::NewCustomer, "lifecycle-new-customer-days"),
    (ThresholdKind::Active, "lifecycle-active-days"),
    (ThresholdKind::WinBackFloor, "lifecycle-win-back-floor-days"),
    (
        ThresholdKind::WinBackRhythm,
        "lifecycle-win-back-rhythm-percent",
    ),
    (ThresholdKind::Lost, "lifecycle-lost-days"),
];

/// The message for thresholds refused.
fn thresholds_problem(error: &ThresholdsError) -> &'static str {
    match error {
        ThresholdsError::DaysOutOfRange(_) => "lifecycle-problem-days",
        ThresholdsError::PercentOutOfRange => "lifecycle-problem-percent",
        ThresholdsError::LongerThanLost(_) => "lifecycle-problem-longer-than-lost",
    }
}

/// `thresholds` with `kind` set to what `text` says, checked; the message id of the refusal.
fn edited(
    thresholds: &RfmThresholds,
    kind: ThresholdKind,
    text: &str,
) -> Result<u32, &'static str> {
    let value = text
        .trim()
        .parse::<u32>()
        .map_err(|_| "lifecycle-problem-number")?;
    let mut edited = thresholds.clone();
    edited.set(kind, value);
    edited.check().map_err(|error| thresholds_problem(&error))?;
    Ok(value)
}

/// The customer lifecycle section (admins only: the relay lets no one else change settings).
#[component]
pub fn LifecycleSection() -> Html {
    let i18n = use_i18n();
    let settings = use_workspace_settings();
    let people = use_people();
    let sync = use_sync();
    let problem = use_state(|| None::<Problem>);
    if !super::signed_in_admin(sync.as_ref(), &people) {
        return html! {};
    }
    let thresholds = settings
        .as_ref()
        .map(|settings| settings.rfm_thresholds.clone())
        .unwrap_or_default();
    let field = |(kind, id): (ThresholdKind, &'static str)| {
        let (sync, problem, i18n2, base) = (
            sync.clone(),
            problem.clone(),
            i18n.clone(),
            thresholds.clone(),
        );
        let on_input = Callback::from(move |text: String| {
            let value = match edited(&base, kind, &text) {
                Ok(value) => value,
                Err(refusal) => return Some(AttrValue::from(i18n2.t(refusal))),
            };
            let (Some(sync), problem) = (sync.clone(), problem.clone()) else {
                return None;
            };
            let (Some(service), SessionState::SignedIn(session)) =
                (sync.workspace(), sync.session())
            else {
                return None;
            };
            let (workspace, stamp) = (session.workspace.id, sync.stamp());
            wasm_bindgen_futures::spawn_local(async move {
                let saved = service
                    .update_record::<Settings>(
                        workspace,
                        stamp,
                        "change lifecycle thresholds",
                        move |settings| settings.rfm_thresholds.set(kind, value),
                    )
                    .await;
                problem.set(saved.err());
            });
            None
        });
        html! {
            <EditableField id={AttrValue::Static(id)} label={AttrValue::from(i18n.t(id))}
                value={AttrValue::from(thresholds.get(kind).to_string())} input_type="number"
                on_commit_only=true {on_input} />
        }
    };
    html! {
        <section id="lifecycle" class="card" aria-labelledby="lifecycle-section">
            <h2 id="lifecycle-section">{ i18n.t("lifecycle-title") }</h2>
            <p class="muted">{ i18n.t("lifecycle-rule") }</p>
            { for FIELDS.into_iter().map(field) }
            if let Some(problem) = (*problem).clone() {
                <p id="lifecycle-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
            }
        </section>
    }
}
