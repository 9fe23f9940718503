//! The accounts list's filter bar: place, tag, stage, owner, last visit, next task, sort, and the
//! rep's saved filters as chips.

use yew::prelude::*;

use crate::accounts::account_filter::{
    AccountFilter, AccountSort, OwnerFilter, SavedFilter, TaskFilter,
};
use crate::hooks::use_i18n;
use crate::records::stage_label_id;

/// Props of [`AccountFilters`].
#[derive(Properties, PartialEq)]
pub struct AccountFiltersProps {
    /// The current filter.
    pub filter: AccountFilter,
    /// The stages present in the list (stored names).
    pub stages: Vec<String>,
    /// The saved filters.
    pub saved: Vec<SavedFilter>,
    /// The filter changed.
    pub on_change: Callback<AccountFilter>,
    /// Save the current filter under a name.
    pub on_save: Callback<String>,
    /// Forget the saved filter of that name.
    pub on_forget: Callback<String>,
}

fn value_of(event: &Event) -> String {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| {
            target
                .dyn_ref::<web_sys::HtmlInputElement>()
                .map(web_sys::HtmlInputElement::value)
                .or_else(|| {
                    target
                        .dyn_ref::<web_sys::HtmlSelectElement>()
                        .map(web_sys::HtmlSelectElement::value)
                })
        })
        .unwrap_or_default()
}

/// The filter bar.
#[component]
pub fn AccountFilters(props: &AccountFiltersProps) -> Html {
    let i18n = use_i18n();
    let name = use_state(String::new);
    let filter = props.filter.clone();
    let change = |apply: fn(&mut AccountFilter, String)| {
        let filter = filter.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            let mut next = filter.clone();
            apply(&mut next, value_of(&event));
            on_change.emit(next);
        })
    };
    let input = |apply: fn(&mut AccountFilter, String)| {
        let filter = filter.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = filter.clone();
            apply(&mut next, value_of(&event));
            on_change.emit(next);
        })
    };
    let option = |value: &str, label: String, selected: bool| {
        html! { <option value={value.to_owned()} {selected}>{ label }</option> }
    };
    let on_save = {
        let name = name.clone();
        let on_save = props.on_save.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let chosen = name.trim().to_owned();
            if !chosen.is_empty() {
                on_save.emit(chosen);
                name.set(String::new());
            }
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |event: InputEvent| name.set(value_of(&event)))
    };
    html! {
        <section class="account-filters" aria-label={i18n.t("filters-title")}>
            <div class="filter-row">
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-place") }</span>
                    <input id="filter-place" type="search" value={filter.place.clone()}
                        oninput={input(|filter, value| filter.place = value)} />
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-tag") }</span>
                    <input id="filter-tag" type="search" value={filter.tag.clone()}
                        oninput={input(|filter, value| filter.tag = value)} />
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-stage") }</span>
                    <select id="filter-stage" onchange={change(|filter, value| filter.stage = value)}>
                        { option("", i18n.t("filters-any"), filter.stage.is_empty()) }
                        { for props.stages.iter().map(|stage| {
                            let label = stage_label_id(stage).map_or_else(|| stage.clone(), |id| i18n.t(id));
                            option(stage, label, filter.stage == *stage)
                        }) }
                    </select>
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-owner") }</span>
                    <select id="filter-owner" onchange={change(|filter, value| {
                        filter.owner = if value == "me" { OwnerFilter::Me } else { OwnerFilter::Anyone };
                    })}>
                        { option("anyone", i18n.t("filters-anyone"), filter.owner == OwnerFilter::Anyone) }
                        { option("me", i18n.t("filters-mine"), filter.owner == OwnerFilter::Me) }
                    </select>
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-last-visit") }</span>
                    <select id="filter-visit" onchange={change(|filter, value| {
                        filter.not_visited_for_days = value.parse().ok();
                    })}>
                        { option("", i18n.t("filters-any"), filter.not_visited_for_days.is_none()) }
                        { for [30_u32, 60, 90, 180].into_iter().map(|days| option(
                            &days.to_string(),
                            i18n.t_with("filters-not-visited", &[("days", (days as usize).into())]),
                            filter.not_visited_for_days == Some(days),
                        )) }
                    </select>
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-next-task") }</span>
                    <select id="filter-task" onchange={change(|filter, value| {
                        filter.next_task = match value.as_str() {
                            "overdue" => TaskFilter::Overdue,
                            "week" => TaskFilter::ThisWeek,
                            "none" => TaskFilter::None,
                            _ => TaskFilter::Any,
                        };
                    })}>
                        { option("any", i18n.t("filters-any"), filter.next_task == TaskFilter::Any) }
                        { option("overdue", i18n.t("filters-overdue"), filter.next_task == TaskFilter::Overdue) }
                        { option("week", i18n.t("filters-this-week"), filter.next_task == TaskFilter::ThisWeek) }
                        { option("none", i18n.t("filters-no-task"), filter.next_task == TaskFilter::None) }
                    </select>
                </label>
                <label class="filter">
                    <span class="field-label">{ i18n.t("filters-sort") }</span>
                    <select id="filter-sort" onchange={change(|filter, value| {
                        filter.sort = match value.as_str() {
                            "city" => AccountSort::City,
                            "visit" => AccountSort::LastVisit,
                            "task" => AccountSort::NextTask,
                            _ => AccountSort::Name,
                        };
                    })}>
                        { option("name", i18n.t("filters-sort-name"), filter.sort == AccountSort::Name) }
                        { option("city", i18n.t("filters-sort-city"), filter.sort == AccountSort::City) }
                        { option("visit", i18n.t("filters-sort-visit"), filter.sort == AccountSort::LastVisit) }
                        { option("task", i18n.t("filters-sort-task"), filter.sort == AccountSort::NextTask) }
                    </select>
                </label>
            </div>
            <div class="filter-row saved-filters">
                { for props.saved.iter().map(|saved| {
                    let apply = {
                        let filter = saved.filter.clone();
                        props.on_change.reform(move |_: MouseEvent| filter.clone())
                    };
                    let forget = {
                        let name = saved.name.clone();
                        props.on_forget.reform(move |_: MouseEvent| name.clone())
                    };
                    html! {
                        <span class="chip" key={saved.name.clone()}>
                            <button type="button" class="chip-apply" onclick={apply}>{ &saved.name }</button>
                            <button type="button" class="chip-forget" onclick={forget}
                                aria-label={i18n.t_with("filters-forget", &[("name", saved.name.as_str().into())])}>{ "×" }</button>
                        </span>
                    }
                }) }
                if !filter.is_empty() {
                    <form class="save-filter" onsubmit={on_save}>
                        <input id="filter-name" type="text" value={(*name).clone()} oninput={on_name}
                            placeholder={i18n.t("filters-name")} aria-label={i18n.t("filters-name")} />
                        <button id="save-filter" type="submit" class="button small">{ i18n.t("filters-save") }</button>
                        <button id="clear-filter" type="button" class="button small ghost"
                            onclick={props.on_change.reform(move |_: MouseEvent| AccountFilter { sort: filter.sort, ..AccountFilter::default() })}>
                            { i18n.t("filters-clear") }
                        </button>
                    </form>
                }
            </div>
        </section>
    }
}
