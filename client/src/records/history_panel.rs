//! A record's History tab: who changed what, when, from which device; the selected change's
//! fields before and after, each with "restore this value"; and the record as it was.

use shared::field::{FieldPath, FieldValue};
use yew::prelude::*;

use crate::hooks::{use_i18n, I18n};
use crate::i18n::format;
use crate::records::history_view::{author, field_label_id, Author, Me};
use crate::records::HistoryHandle;

/// Props of [`HistoryPanel`].
#[derive(Properties, PartialEq)]
pub struct HistoryPanelProps {
    /// The record's history.
    pub history: HistoryHandle,
}

/// How the History tab (and a conflict's choices) name who made a change.
pub(crate) fn author_text(i18n: &I18n, author: &Author) -> String {
    match author {
        Author::Me {
            name,
            this_device: true,
        } => i18n.t_with("history-by-me-here", &[("name", name.as_str().into())]),
        Author::Me { name, .. } => {
            i18n.t_with("history-by-me-elsewhere", &[("name", name.as_str().into())])
        }
        Author::Colleague {
            name: Some(name),
            device,
            ..
        } => i18n.t_with(
            "history-by-colleague-named",
            &[
                ("name", name.as_str().into()),
                ("device", device.as_str().into()),
            ],
        ),
        Author::Colleague { user, device, .. } => i18n.t_with(
            "history-by-colleague",
            &[
                ("user", user.as_str().into()),
                ("device", device.as_str().into()),
            ],
        ),
        Author::Unknown => i18n.t("history-by-unknown"),
    }
}

/// A short word for the kind of author, for tests and styles.
fn author_kind(author: &Author) -> &'static str {
    match author {
        Author::Me {
            this_device: true, ..
        } => "me-this-device",
        Author::Me { .. } => "me-other-device",
        Author::Colleague { .. } => "colleague",
        Author::Unknown => "unknown",
    }
}

/// A field's name for the rep: its label for a top-level field, else its path's last parts.
fn field_text(i18n: &I18n, path: &FieldPath) -> String {
    let top = path
        .top()
        .and_then(field_label_id)
        .map(|id| i18n.t(id))
        .unwrap_or_else(|| path.top().unwrap_or_default().to_owned());
    match path.segments() {
        [_] | [] => top,
        [_, .., last] => format!("{top} · {}", last.replace('_', " ")),
    }
}

fn value_text(i18n: &I18n, value: Option<&FieldValue>) -> String {
    match value {
        None | Some(FieldValue::Null) => i18n.t("history-empty"),
        Some(FieldValue::Text(text)) if text.is_empty() => i18n.t("history-empty"),
        Some(value) => value.to_string(),
    }
}

/// The History tab.
#[component]
pub fn HistoryPanel(props: &HistoryPanelProps) -> Html {
    let i18n = use_i18n();
    let history = &props.history;
    let me: Option<&Me> = history.me.as_deref();
    let selected = history.detail.as_ref().map(|detail| detail.last);
    html! {
        <section id="history" class="history" aria-label={i18n.t("record-tab-history")}>
            <ol class="history-list">
                { for history.rows.iter().map(|row| {
                    let who = author(row.editor, me, &history.people);
                    let fields: Vec<String> = row.fields.iter().map(|field| {
                        field_label_id(field).map(|id| i18n.t(id)).unwrap_or_else(|| field.clone())
                    }).collect();
                    let summary = if row.created {
                        i18n.t("history-created")
                    } else {
                        i18n.t_with("history-changed", &[("fields", fields.join(", ").as_str().into())])
                    };
                    let last = row.last;
                    let is_selected = selected == Some(last);
                    html! {
                        <li key={last} class={classes!("history-row", is_selected.then_some("selected"))}
                            data-author={author_kind(&who)} data-fields={row.fields.join(" ")}>
                            <button type="button" class="history-entry" aria-pressed={is_selected.to_string()}
                                onclick={history.select.reform(move |_: MouseEvent| last)}>
                                <span class="history-summary">{ summary }</span>
                                <span class="history-meta muted">
                                    { format!("{} · {}", format::date_time(i18n.language(), row.time), author_text(&i18n, &who)) }
                                    if row.changes > 1 {
                                        { format!(" · {}", i18n.t_with("history-changes", &[("count", row.changes.into())])) }
                                    }
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if let Some(detail) = &history.detail {
                <div id="history-detail" class="history-detail">
                    <h3>{ i18n.t("history-detail-title") }</h3>
                    <table class="history-changes">
                        <thead><tr>
                            <th scope="col">{ i18n.t("history-field") }</th>
                            <th scope="col">{ i18n.t("history-before") }</th>
                            <th scope="col">{ i18n.t("history-after") }</th>
                            <th scope="col"><span class="visually-hidden">{ i18n.t("history-restore") }</span></th>
                        </tr></thead>
                        <tbody>
                            { for detail.differences.iter().map(|difference| {
                                let path = difference.path.clone();
                                let onclick = history.restore.reform(move |_: MouseEvent| path.clone());
                                let after = value_text(&i18n, difference.after.as_ref());
                                html! {
                                    <tr data-path={difference.path.to_string()}>
                                        <th scope="row">{ field_text(&i18n, &difference.path) }</th>
                                        <td class="history-before">{ value_text(&i18n, difference.before.as_ref()) }</td>
                                        <td class="history-after">{ after.clone() }</td>
                                        <td>
                                            <button type="button" class="button small restore-field"
                                                data-path={difference.path.to_string()} {onclick}
                                                aria-label={i18n.t_with("history-restore-label", &[("field", field_text(&i18n, &difference.path).as_str().into()), ("value", after.as_str().into())])}>
                                                { i18n.t("history-restore") }
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                    <details id="history-as-it-was" class="history-as-it-was">
                        <summary>{ i18n.t("history-as-it-was") }</summary>
                        <dl>
                            { for detail.as_it_was.iter().map(|(path, value)| html! {
                                <div class="history-value" data-path={path.to_string()}>
                                    <dt>{ field_text(&i18n, path) }</dt>
                                    <dd>{ value_text(&i18n, Some(value)) }</dd>
                                </div>
                            }) }
                        </dl>
                    </details>
                </div>
            } else {
                <p class="muted">{ i18n.t("history-pick") }</p>
            }
        </section>
    }
}

/// Shared so pages can show a record's owner the way history names people: by name from the
/// people directory, else the first characters of their id.
pub fn owner_text(
    i18n: &I18n,
    owner: Option<shared::ids::UserId>,
    history: &HistoryHandle,
) -> String {
    match owner {
        None => i18n.t("record-no-owner"),
        Some(user) => match history.me.as_ref() {
            Some(me) if me.editor.user == user => me.name.clone(),
            _ => history
                .people
                .name_of(user)
                .map_or_else(|| user.to_string().chars().take(8).collect(), str::to_owned),
        },
    }
}
