//! An account's activities newest first (visits, calls, meetings, e-mails, notes), each with its
//! report edited in place, and buttons to record a new one now.

use shared::account::ActivityKind;
use yew::prelude::*;

use super::record_fields::EditableField;
use super::typed_text::TypedText;
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::records::account_view::TimelineItem;

/// The rep typed into an activity's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEdit {
    /// The activity's id.
    pub activity: String,
    /// The keystroke.
    pub typed: TypedText,
}

/// Props of [`ActivityTimeline`].
#[derive(Properties, PartialEq)]
pub struct ActivityTimelineProps {
    /// The activities, newest first.
    pub items: Vec<TimelineItem>,
    /// A report now reads…
    pub on_report: Callback<ReportEdit>,
    /// Record an activity of this kind now.
    pub on_add: Callback<ActivityKind>,
}

/// The catalogue message naming an activity kind.
fn kind_id(kind: &ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Visit => "record-activity-visit",
        ActivityKind::Call => "record-activity-call",
        ActivityKind::Meeting => "record-activity-meeting",
        ActivityKind::Email => "record-activity-email",
        ActivityKind::Note => "record-activity-note",
        ActivityKind::Other(_) => "record-activity-other",
    }
}

/// The timeline.
#[component]
pub fn ActivityTimeline(props: &ActivityTimelineProps) -> Html {
    let i18n = use_i18n();
    let add = |id: &'static str, kind: ActivityKind, label: &str| {
        let onclick = props.on_add.reform(move |_: MouseEvent| kind.clone());
        html! { <button {id} type="button" class="button small" {onclick}>{ i18n.t(label) }</button> }
    };
    html! {
        <section class="card timeline visits" aria-labelledby="timeline-title">
            <header class="section-header">
                <h2 id="timeline-title">{ i18n.t("account-timeline") }</h2>
                <div class="actions">
                    { add("add-visit", ActivityKind::Visit, "account-add-visit") }
                    { add("add-call", ActivityKind::Call, "account-add-call") }
                    { add("add-note", ActivityKind::Note, "account-add-note") }
                </div>
            </header>
            if props.items.is_empty() {
                <p class="muted">{ i18n.t("account-timeline-empty") }</p>
            }
            <ol class="timeline-list">
                { for props.items.iter().map(|item| {
                    let on_input: Callback<TypedText, Option<AttrValue>> = {
                        let on_report = props.on_report.clone();
                        let activity = item.id.clone();
                        Callback::from(move |typed: TypedText| {
                            on_report.emit(ReportEdit { activity: activity.clone(), typed });
                            None
                        })
                    };
                    let kind = i18n.t(kind_id(&item.kind));
                    let when = format::date_time(i18n.language(), item.at);
                    let report_class = classes!(
                        "activity-report",
                        (item.kind == ActivityKind::Visit).then_some("visit-report")
                    );
                    html! {
                        <li class={classes!("activity", format!("activity-{}", item.kind))}
                            key={item.id.clone()} data-activity-id={item.id.clone()}>
                            <p class="activity-head">
                                <span class="activity-kind">{ kind.clone() }</span>
                                <time>{ when.clone() }</time>
                                if !item.outcome.is_empty() {
                                    <span class="activity-outcome">{ item.outcome.clone() }</span>
                                }
                            </p>
                            <EditableField class={report_class} multiline=true
                                label={i18n.t_with("account-activity-report", &[("kind", kind.as_str().into()), ("when", when.as_str().into())])}
                                value={AttrValue::from(item.report.clone())} {on_input} />
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
