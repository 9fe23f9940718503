//! A manager's form to save a segment: a name, industries and départements typed as lists,
//! the stages a person set and the suggested stages ticked, owners ticked, and days without a
//! visit or an order. Read by `segment_input` (pure); nothing is saved until it reads.

use std::collections::BTreeSet;
use std::rc::Rc;

use shared::cockpit::Segment;
use shared::ids::UserId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::dashboard::segment_input::{SegmentInput, STAGES};
use crate::hooks::use_i18n;
use crate::records::stage_label_id;
use crate::team::people::People;

/// The form's properties.
#[derive(Properties, PartialEq)]
pub(crate) struct SegmentFormProps {
    /// Whose accounts a segment may hold.
    pub(crate) people: Rc<People>,
    /// Called with the segment read.
    pub(crate) on_save: Callback<Segment>,
}

/// One text field of the form.
#[derive(Clone, Copy)]
enum Text {
    Name,
    Industries,
    Departements,
    NoVisit,
    NoOrder,
}

/// One ticked set of the form.
#[derive(Clone, Copy)]
enum Ticks {
    Stages,
    Suggested,
}

/// The form.
#[component]
pub(crate) fn SegmentForm(props: &SegmentFormProps) -> Html {
    let i18n = use_i18n();
    let input = use_state(SegmentInput::default);
    let problem = use_state(|| None::<&'static str>);
    let typed = |field: Text| {
        let input = input.clone();
        Callback::from(move |event: InputEvent| {
            let Some(element) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = (*input).clone();
            let value = element.value();
            match field {
                Text::Name => next.name = value,
                Text::Industries => next.industries = value,
                Text::Departements => next.departements = value,
                Text::NoVisit => next.no_visit_days = value,
                Text::NoOrder => next.no_order_days = value,
            }
            input.set(next);
        })
    };
    let ticked = |set: Ticks, stage: &'static str| {
        let input = input.clone();
        Callback::from(move |event: Event| {
            let Some(element) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = (*input).clone();
            let names: &mut BTreeSet<String> = match set {
                Ticks::Stages => &mut next.stages,
                Ticks::Suggested => &mut next.suggested,
            };
            if element.checked() {
                names.insert(stage.to_owned());
            } else {
                names.remove(stage);
            }
            input.set(next);
        })
    };
    let owner_ticked = |owner: UserId| {
        let input = input.clone();
        Callback::from(move |event: Event| {
            let Some(element) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = (*input).clone();
            if element.checked() {
                next.owners.insert(owner);
            } else {
                next.owners.remove(&owner);
            }
            input.set(next);
        })
    };
    let onsubmit = {
        let input = input.clone();
        let problem = problem.clone();
        let on_save = props.on_save.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match input.read() {
                Ok(segment) => {
                    problem.set(None);
                    input.set(SegmentInput::default());
                    on_save.emit(segment);
                }
                Err(id) => problem.set(Some(id)),
            }
        })
    };
    let stage_boxes = |set: Ticks, prefix: &'static str| {
        let chosen = match set {
            Ticks::Stages => &input.stages,
            Ticks::Suggested => &input.suggested,
        };
        html! {
            <span class="segment-ticks">
                { for STAGES.iter().map(|name| {
                    let label = stage_label_id(name).map_or_else(|| (*name).to_owned(), |id| i18n.t(id));
                    html! {
                        <label class="segment-tick">
                            <input type="checkbox" id={format!("{prefix}-{name}")}
                                checked={chosen.contains(*name)} onchange={ticked(set, name)} />
                            { label }
                        </label>
                    }
                }) }
            </span>
        }
    };
    html! {
        <form id="segment-form" class="segment-form" {onsubmit}>
            <h3>{ i18n.t("dashboard-segment-new") }</h3>
            <label>
                <span>{ i18n.t("dashboard-segment-name") }</span>
                <input id="segment-name" autocomplete="off" value={input.name.clone()} oninput={typed(Text::Name)} />
            </label>
            <label>
                <span>{ i18n.t("dashboard-segment-industries") }</span>
                <input id="segment-industries" autocomplete="off" placeholder={i18n.t("dashboard-segment-industries-example")}
                    value={input.industries.clone()} oninput={typed(Text::Industries)} />
            </label>
            <label>
                <span>{ i18n.t("dashboard-segment-departements") }</span>
                <input id="segment-departements" autocomplete="off" placeholder="69, 01"
                    value={input.departements.clone()} oninput={typed(Text::Departements)} />
            </label>
            <fieldset>
                <legend>{ i18n.t("dashboard-segment-stages") }</legend>
                { stage_boxes(Ticks::Stages, "segment-stage") }
            </fieldset>
            <fieldset>
                <legend>{ i18n.t("dashboard-segment-suggested") }</legend>
                { stage_boxes(Ticks::Suggested, "segment-suggested") }
            </fieldset>
            <fieldset>
                <legend>{ i18n.t("dashboard-segment-owners") }</legend>
                <span class="segment-ticks">
                    { for props.people.owners().into_iter().map(|(id, name)| html! {
                        <label class="segment-tick">
                            <input type="checkbox" id={format!("segment-owner-{id}")}
                                checked={input.owners.contains(&id)} onchange={owner_ticked(id)} />
                            { name }
                        </label>
                    }) }
                </span>
            </fieldset>
            <label>
                <span>{ i18n.t("dashboard-segment-no-visit") }</span>
                <input id="segment-no-visit" inputmode="numeric" autocomplete="off"
                    value={input.no_visit_days.clone()} oninput={typed(Text::NoVisit)} />
            </label>
            <label>
                <span>{ i18n.t("dashboard-segment-no-order") }</span>
                <input id="segment-no-order" inputmode="numeric" autocomplete="off"
                    value={input.no_order_days.clone()} oninput={typed(Text::NoOrder)} />
            </label>
            <button type="submit" id="segment-save" class="button">{ i18n.t("dashboard-segment-save") }</button>
            if let Some(id) = *problem {
                <p id="segment-error" class="form-error" role="alert">{ i18n.t(id) }</p>
            }
        </form>
    }
}
