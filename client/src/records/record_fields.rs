//! The inline fields every record page is made of: a text field saved as the rep types (or,
//! for additions, when they press Enter), a choice field, and the "two reps changed this"
//! group offering each concurrent value. A validated field keeps what the rep typed while it
//! is invalid and says why under it; nothing invalid reaches the record.

use std::rc::Rc;

use shared::field::FieldPath;
use yew::html::IntoPropValue;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, SessionState};
use crate::records::history_panel::author_text;
use crate::records::history_view::{author, field_label_id, Me};
use crate::records::record_view::FieldConflict;
use crate::records::typed_text::TypedText;
use crate::team::use_people;

/// The rep keeps `value` for the field at `path`.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The conflicted field.
    pub path: FieldPath,
    /// The value kept, as shown.
    pub value: String,
}

/// The value of the element an event came from (input, textarea or select).
pub fn event_value(event: &Event) -> String {
    event
        .target()
        .and_then(|target| js_sys::Reflect::get(&target, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

/// Whether the checkbox an event came from is checked.
pub fn event_checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|target| js_sys::Reflect::get(&target, &"checked".into()).ok())
        .and_then(|value| value.as_bool())
        .unwrap_or(false)
}

/// Props of [`ConflictChoices`].
#[derive(Properties, PartialEq)]
pub struct ConflictChoicesProps {
    /// The conflicted field and its values.
    pub conflict: Rc<FieldConflict>,
    /// Keep one value.
    pub on_choose: Callback<Choice>,
}

/// "Two reps changed this field": each value as a button that keeps it, naming who set it.
#[component]
pub fn ConflictChoices(props: &ConflictChoicesProps) -> Html {
    let i18n = use_i18n();
    let people = use_people();
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(Me {
            editor: session.editor(),
            name: session.user.name.clone(),
        }),
        _ => None,
    });
    let conflict = &props.conflict;
    let field = conflict
        .path
        .top()
        .and_then(field_label_id)
        .map(|id| i18n.t(id))
        .unwrap_or_else(|| conflict.path.to_string());
    html! {
        <div id={conflict.element_id()} class="conflict" role="group"
            aria-label={i18n.t_with("record-conflict-label", &[("field", field.as_str().into())])}>
            <p>{ i18n.t_with("record-conflict", &[("field", field.as_str().into())]) }</p>
            { for conflict.values.iter().enumerate().map(|(index, value)| {
                let choice = Choice { path: conflict.path.clone(), value: value.clone() };
                let onclick = props.on_choose.reform(move |_: MouseEvent| choice.clone());
                let editor = conflict.editors.get(index).copied().flatten();
                let by = author(editor, me.as_ref(), &people);
                html! {
                    <button type="button" class="button choice" data-value={value.clone()} {onclick}>
                        <span class="choice-value">{ value.clone() }</span>
                        if editor.is_some() {
                            <span class="choice-author">{ author_text(&i18n, &by) }</span>
                        }
                    </button>
                }
            }) }
        </div>
    }
}

/// What an [`EditableField`] tells its page of each input; either callback answers the problem,
/// in plain words, when the value is refused.
#[derive(Clone, PartialEq)]
pub enum FieldInput {
    /// The field's new text (validated values, additions).
    Text(Callback<String, Option<AttrValue>>),
    /// The keystroke with the text it was typed on, for text saved as the rep types: the page
    /// carries it over onto its copy of the record, which may have moved on since the field
    /// last showed it ([`TypedText`]).
    Typed(Callback<TypedText, Option<AttrValue>>),
}

impl FieldInput {
    fn emit(&self, before: String, after: String) -> Option<AttrValue> {
        match self {
            Self::Text(callback) => callback.emit(after),
            Self::Typed(callback) => callback.emit(TypedText { before, after }),
        }
    }
}

impl IntoPropValue<FieldInput> for Callback<String, Option<AttrValue>> {
    fn into_prop_value(self) -> FieldInput {
        FieldInput::Text(self)
    }
}

impl IntoPropValue<FieldInput> for Callback<TypedText, Option<AttrValue>> {
    fn into_prop_value(self) -> FieldInput {
        FieldInput::Typed(self)
    }
}

/// Props of [`EditableField`].
#[derive(Properties, PartialEq)]
pub struct EditableFieldProps {
    /// The input's element id (also names its error and conflict).
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Extra classes on the input.
    #[prop_or_default]
    pub class: Classes,
    /// The label.
    pub label: AttrValue,
    /// The value the record holds.
    pub value: AttrValue,
    /// A textarea rather than a one-line input.
    #[prop_or_default]
    pub multiline: bool,
    /// The input's type (`text`, `email`, `tel`, `date`, `url`).
    #[prop_or(AttrValue::Static("text"))]
    pub input_type: AttrValue,
    /// The field now reads… (or: the rep typed…).
    pub on_input: FieldInput,
    /// Write only when the rep presses Enter or leaves the field (additions, tag lists), and
    /// empty the field once written.
    #[prop_or_default]
    pub on_commit_only: bool,
    /// Keep the rep's typing while they are in the field (values the record stores in another
    /// form, such as phone numbers).
    #[prop_or_default]
    pub keep_draft: bool,
    /// Concurrent values of this field, when two reps changed it.
    #[prop_or_default]
    pub conflict: Option<Rc<FieldConflict>>,
    /// Keep one of the concurrent values.
    #[prop_or_default]
    pub on_choose: Callback<Choice>,
    /// A placeholder.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

/// A field edited in place.
#[component]
pub fn EditableField(props: &EditableFieldProps) -> Html {
    let draft = use_state(|| None::<String>);
    let problem = use_state(|| None::<AttrValue>);
    // What the element holds: set by every render (Yew writes the value into the element when
    // it differs) and by every input. A keystroke is typed on this, whatever the page's copy of
    // the record holds by then.
    let in_element = use_mut_ref(String::new);
    let keeps_draft = props.keep_draft || props.on_commit_only;
    let oninput = {
        let (draft, problem) = (draft.clone(), problem.clone());
        let on_input = props.on_input.clone();
        let commit_only = props.on_commit_only;
        let in_element = Rc::clone(&in_element);
        Callback::from(move |event: InputEvent| {
            let text = event_value(&event);
            let before = in_element.replace(text.clone());
            if keeps_draft {
                draft.set(Some(text.clone()));
            }
            let refused = if commit_only {
                None
            } else {
                on_input.emit(before, text)
            };
            // Re-render only when what the field says changes.
            if *problem != refused {
                problem.set(refused);
            }
        })
    };
    let onchange = props.on_commit_only.then(|| {
        let (draft, problem) = (draft.clone(), problem.clone());
        let on_input = props.on_input.clone();
        // An addition, written whole: typed on an empty field.
        Callback::from(move |event: Event| {
            match on_input.emit(String::new(), event_value(&event)) {
                Some(refused) => problem.set(Some(refused)),
                None => {
                    problem.set(None);
                    draft.set(None);
                }
            }
        })
    });
    let onblur = {
        let (draft, problem) = (draft.clone(), problem.clone());
        Callback::from(move |_: FocusEvent| {
            // A refused value stays in view with its reason; an accepted one shows as stored.
            if problem.is_none() {
                draft.set(None);
            }
        })
    };
    let value: AttrValue = match (*draft).as_ref() {
        Some(text) if keeps_draft => AttrValue::from(text.clone()),
        _ => props.value.clone(),
    };
    *in_element.borrow_mut() = value.to_string();
    let error_id = props.id.as_ref().map(|id| format!("{id}-error"));
    let invalid = problem.is_some().then_some("true");
    let class = classes!(props.class.clone());
    let aria_label = props.id.is_none().then(|| props.label.clone());
    let input = if props.multiline {
        html! {
            <textarea id={props.id.clone()} {class} rows="3" {value} {oninput} {onblur}
                aria-label={aria_label} aria-invalid={invalid}
                aria-describedby={error_id.clone()} placeholder={props.placeholder.clone()} />
        }
    } else {
        html! {
            <input id={props.id.clone()} {class} type={props.input_type.clone()} {value}
                {oninput} {onchange} {onblur} aria-label={aria_label} aria-invalid={invalid}
                aria-describedby={error_id.clone()} placeholder={props.placeholder.clone()} />
        }
    };
    let conflict = props
        .conflict
        .as_ref()
        .filter(|conflict| conflict.values.len() > 1)
        .map(|conflict| {
            html! { <ConflictChoices conflict={Rc::clone(conflict)} on_choose={props.on_choose.clone()} /> }
        });
    html! {
        <div class={classes!("field", problem.is_some().then_some("invalid"))}>
            if let Some(id) = &props.id {
                <label class="field-label" for={id.clone()}>{ props.label.clone() }</label>
            }
            { input }
            if let Some(message) = &*problem {
                <p id={error_id.clone()} class="field-error" role="alert">{ message.clone() }</p>
            }
            { for conflict }
        </div>
    }
}

/// One option of a [`ChoiceField`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceOption {
    /// The stored value.
    pub value: AttrValue,
    /// The text shown.
    pub label: AttrValue,
}

/// Props of [`ChoiceField`].
#[derive(Properties, PartialEq)]
pub struct ChoiceFieldProps {
    /// The select's element id.
    pub id: AttrValue,
    /// The label.
    pub label: AttrValue,
    /// The stored value.
    pub value: AttrValue,
    /// The options, in order.
    pub options: Rc<Vec<ChoiceOption>>,
    /// The rep picked…
    pub on_change: Callback<String>,
    /// Offer an empty choice (the field is optional).
    #[prop_or_default]
    pub optional: bool,
    /// What the empty choice reads (a dash when not given).
    #[prop_or_default]
    pub none_label: Option<AttrValue>,
    /// Concurrent values of this field.
    #[prop_or_default]
    pub conflict: Option<Rc<FieldConflict>>,
    /// Keep one of the concurrent values.
    #[prop_or_default]
    pub on_choose: Callback<Choice>,
}

/// A field whose value is one of a few.
#[component]
pub fn ChoiceField(props: &ChoiceFieldProps) -> Html {
    let onchange = props.on_change.reform(|event: Event| event_value(&event));
    html! {
        <div class="field">
            <label class="field-label" for={props.id.clone()}>{ props.label.clone() }</label>
            <select id={props.id.clone()} class="select" {onchange}>
                if props.optional {
                    <option value="" selected={props.value.is_empty()}>
                        { props.none_label.clone().unwrap_or(AttrValue::Static("—")) }
                    </option>
                }
                { for props.options.iter().map(|option| html! {
                    <option value={option.value.clone()} selected={option.value == props.value}>
                        { option.label.clone() }
                    </option>
                }) }
            </select>
            if let Some(conflict) = props.conflict.as_ref().filter(|c| c.values.len() > 1) {
                <ConflictChoices conflict={Rc::clone(conflict)} on_choose={props.on_choose.clone()} />
            }
        </div>
    }
}

/// Props of [`ConflictList`].
#[derive(Properties, PartialEq)]
pub struct ConflictListProps {
    /// Conflicts not shown next to a field on this page.
    pub conflicts: Vec<Rc<FieldConflict>>,
    /// Keep one of the concurrent values.
    pub on_choose: Callback<Choice>,
}

/// Every other conflicted field, at the top of the page.
#[component]
pub fn ConflictList(props: &ConflictListProps) -> Html {
    let i18n = use_i18n();
    if props.conflicts.is_empty() {
        return html! {};
    }
    html! {
        <section id="record-conflicts" class="conflicts" aria-label={i18n.t("record-conflicts")}>
            { for props.conflicts.iter().map(|conflict| html! {
                <ConflictChoices key={conflict.element_id()} conflict={Rc::clone(conflict)}
                    on_choose={props.on_choose.clone()} />
            }) }
        </section>
    }
}

/// What a field says when an edit was refused: the problem in the catalogue's words.
pub fn refusal(
    i18n: &crate::hooks::I18n,
    outcome: Result<(), crate::records::field_input::InputProblem>,
) -> Option<AttrValue> {
    outcome
        .err()
        .map(|problem| AttrValue::from(i18n.t(problem.message_id())))
}

/// Today on the device's calendar.
pub fn today() -> Option<shared::values::Date> {
    let now = js_sys::Date::new_0();
    shared::values::Date::new(
        u16::try_from(now.get_full_year()).ok()?,
        u8::try_from(now.get_month() + 1).ok()?,
        u8::try_from(now.get_date()).ok()?,
    )
    .ok()
}
