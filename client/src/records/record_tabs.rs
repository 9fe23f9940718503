//! The tabs of a record page: its details, or its history.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`RecordTabs`].
#[derive(Properties, PartialEq)]
pub struct RecordTabsProps {
    /// Whether the History tab is open.
    pub history: bool,
    /// Open the History tab (`true`) or the details.
    pub on_select: Callback<bool>,
}

/// "Details | History".
#[component]
pub fn RecordTabs(props: &RecordTabsProps) -> Html {
    let i18n = use_i18n();
    let tab = |id: &'static str, label: String, history: bool| {
        let selected = props.history == history;
        html! {
            <button type="button" role="tab" {id} class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()}
                onclick={props.on_select.reform(move |_: MouseEvent| history)}>{ label }</button>
        }
    };
    html! {
        <div class="record-tabs" role="tablist">
            { tab("tab-details", i18n.t("record-tab-details"), false) }
            { tab("tab-history", i18n.t("record-tab-history"), true) }
        </div>
    }
}
