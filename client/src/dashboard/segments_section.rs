//! The dashboard's Segments section: the segments saved in the settings, each with how many of
//! the accounts on this device it holds (a rep's device holds their accounts only, so each rep
//! sees their part), "Open" listing them (each a link to its account), "Call list (CSV)"
//! downloading them, and for managers and admins a form to save one and a button to remove one.

use std::collections::BTreeSet;
use std::rc::Rc;

use shared::cockpit::Filter;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::ErrorBanner;
use crate::dashboard::segment_figures::SegmentFigure;
use crate::dashboard::segment_form::SegmentForm;
use crate::dashboard::use_segments::use_segments;
use crate::hooks::{use_i18n, I18n};
use crate::i18n::Argument;
use crate::records::stage_label_id;
use crate::team::people::People;

/// The section's properties.
#[derive(Properties, PartialEq)]
pub(crate) struct SegmentsSectionProps {
    /// Whether the signed-in person may save and remove segments (a manager or an admin).
    pub(crate) planner: bool,
    /// Names for owners and authors.
    pub(crate) people: Rc<People>,
}

/// The section.
#[component]
pub(crate) fn SegmentsSection(props: &SegmentsSectionProps) -> Html {
    let i18n = use_i18n();
    let segments = use_segments();
    let open = use_state(BTreeSet::<String>::new);
    let view = segments.view().clone();
    let on_save = {
        let segments = segments.clone();
        Callback::from(move |segment| segments.save(&segment))
    };
    let rows = view.figures.as_ref().map(|figures| {
        figures
            .segments
            .iter()
            .map(|segment| {
                let opened = open.contains(&segment.id);
                let toggle = {
                    let (open, id) = (open.clone(), segment.id.clone());
                    Callback::from(move |_: MouseEvent| {
                        let mut next = (*open).clone();
                        if !next.remove(&id) {
                            next.insert(id.clone());
                        }
                        open.set(next);
                    })
                };
                let download = {
                    let (segments, id, name) =
                        (segments.clone(), segment.id.clone(), segment.name.clone());
                    Callback::from(move |_: MouseEvent| {
                        segments.download_call_list(id.clone(), &name)
                    })
                };
                let remove = props.planner.then(|| {
                    let (segments, id) = (segments.clone(), segment.id.clone());
                    Callback::from(move |_: MouseEvent| segments.remove(id.clone()))
                });
                row(
                    &i18n,
                    &props.people,
                    segment,
                    opened,
                    toggle,
                    download,
                    remove,
                )
            })
            .collect::<Html>()
    });
    let empty = view
        .figures
        .as_ref()
        .is_some_and(|figures| figures.segments.is_empty());
    html! {
        <section class="card dashboard-section" id="dashboard-segments" aria-labelledby="segments-title">
            <h2 id="segments-title">{ i18n.t("dashboard-segments") }</h2>
            <p class="muted">{ i18n.t("dashboard-segments-here") }</p>
            if let Some(problem) = &view.problem {
                <ErrorBanner problem={problem.clone()} on_dismiss={Callback::noop()} />
            }
            if let Some(rows) = rows {
                if empty {
                    <p class="muted" id="segments-none">{ i18n.t("dashboard-segments-none") }</p>
                }
                <ul class="segment-list">{ rows }</ul>
            } else {
                <p class="list-placeholder" aria-busy="true">{ i18n.t("dashboard-loading") }</p>
            }
            if props.planner {
                <SegmentForm people={Rc::clone(&props.people)} {on_save} />
            } else {
                <p class="muted">{ i18n.t("dashboard-segments-by-managers") }</p>
            }
        </section>
    }
}

fn row(
    i18n: &I18n,
    people: &People,
    segment: &SegmentFigure,
    opened: bool,
    toggle: Callback<MouseEvent>,
    download: Callback<MouseEvent>,
    remove: Option<Callback<MouseEvent>>,
) -> Html {
    let count = segment.accounts.len();
    let author = segment
        .made_by
        .and_then(|id| people.name_of(id))
        .map(|name| i18n.t_with("dashboard-segment-by", &[("name", Argument::Text(name))]));
    html! {
        <li class="segment" data-id={segment.id.clone()} data-name={segment.name.clone()} data-count={count.to_string()}>
            <div class="segment-head">
                <strong class="segment-name">{ segment.name.clone() }</strong>
                <span class="segment-count">
                    { i18n.t_with("dashboard-segment-count", &[("count", Argument::Number(count as f64))]) }
                </span>
                if let Some(author) = author {
                    <span class="muted">{ author }</span>
                }
            </div>
            <p class="muted segment-filters">{ filters_text(i18n, people, &segment.filters) }</p>
            <div class="segment-actions">
                <button type="button" class="button ghost small segment-open" aria-expanded={opened.to_string()} onclick={toggle}>
                    { i18n.t(if opened { "dashboard-segment-close" } else { "dashboard-segment-open" }) }
                </button>
                <button type="button" class="button ghost small segment-call-list" onclick={download}>
                    { i18n.t("dashboard-segment-call-list") }
                </button>
                if let Some(remove) = remove {
                    <button type="button" class="button ghost small segment-remove" onclick={remove}>
                        { i18n.t("dashboard-segment-remove") }
                    </button>
                }
            </div>
            if opened {
                <ul class="segment-accounts">
                    { for segment.accounts.iter().map(|account| html! {
                        <li>
                            <Link<Route> to={Route::Account { id: account.id.to_string() }}>{ account.name.clone() }</Link<Route>>
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}

/// The filters in words, joined by " · " (every account when there is none).
fn filters_text(i18n: &I18n, people: &People, filters: &[Filter]) -> String {
    if filters.is_empty() {
        return i18n.t("dashboard-segment-filter-all");
    }
    let stages = |stages: &[shared::account::LifecycleStage]| {
        stages
            .iter()
            .map(|stage| {
                stage_label_id(stage.as_str())
                    .map_or_else(|| stage.as_str().to_owned(), |id| i18n.t(id))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let listed = |id: &str, values: &str| i18n.t_with(id, &[("values", Argument::Text(values))]);
    filters
        .iter()
        .map(|filter| match filter {
            Filter::Industry { industries } => {
                listed("dashboard-segment-filter-industry", &industries.join(", "))
            }
            Filter::Departements { departements } => {
                let codes: Vec<&str> = departements.iter().map(|code| code.as_str()).collect();
                listed("dashboard-segment-filter-departements", &codes.join(", "))
            }
            Filter::Stage { stages: chosen } => {
                listed("dashboard-segment-filter-stage", &stages(chosen))
            }
            Filter::SuggestedStage { stages: chosen } => {
                listed("dashboard-segment-filter-suggested", &stages(chosen))
            }
            Filter::Owner { owners } => {
                let names: Vec<String> = owners
                    .iter()
                    .map(|owner| {
                        people
                            .name_of(*owner)
                            .map_or_else(|| i18n.t("dashboard-someone"), str::to_owned)
                    })
                    .collect();
                listed("dashboard-segment-filter-owner", &names.join(", "))
            }
            Filter::NoVisitFor { days } => i18n.t_with(
                "dashboard-segment-filter-no-visit",
                &[("days", Argument::Number(f64::from(*days)))],
            ),
            Filter::NoOrderFor { days } => i18n.t_with(
                "dashboard-segment-filter-no-order",
                &[("days", Argument::Number(f64::from(*days)))],
            ),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
