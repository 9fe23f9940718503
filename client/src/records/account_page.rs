//! One account, the 360° view: details, addresses, phones and e-mails, contacts, deals, the
//! activity timeline, tasks, and the History tab. Its document is loaded only here; contacts
//! and deals are read from their index rows.

use std::rc::Rc;

use shared::ids::AccountId;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::ErrorBanner;
use crate::hooks::{use_i18n, use_sync, SessionState};
use crate::i18n::format;
use crate::records::account_view::territory_choices;
use crate::records::deal_view::stage_choices;
use crate::records::record_view::conflicts_elsewhere;
use crate::records::suggested_stage::SuggestedStage;
use crate::records::{
    inline_account_paths, owner_text, refusal, today, AccountEdit, AccountEditor, ActivityTimeline,
    Choice, ChoiceOption, ConflictList, ContactPoints, HistoryPanel, NewTask, PointEdit,
    RecordTabs, RelatedItem, RelatedList, ReportEdit, TaskList, TaskToggle,
};
use crate::records::{
    use_account, use_account_relations, use_history, use_workspace_settings, AccountHandle,
};
use crate::sales::AccountSales;

/// Props of [`AccountPage`].
#[derive(Properties, PartialEq)]
pub struct AccountPageProps {
    /// The account to open.
    pub id: AccountId,
}

/// The account page.
#[component]
pub fn AccountPage(props: &AccountPageProps) -> Html {
    let account = use_account(props.id);
    let relations = use_account_relations(props.id);
    let history_open = use_state(|| false);
    let history = use_history(account.document(), *history_open);
    let settings = use_workspace_settings();
    let i18n = use_i18n();
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let view = account.view().clone();
    let back = html! { <Link<Route> to={Route::Accounts} classes="back-link">{ i18n.t("account-back") }</Link<Route>> };
    if !view.loaded {
        return html! { <section class="page record-page">{ back }<p aria-busy="true">{ i18n.t("account-opening") }</p></section> };
    }
    if view.missing {
        return html! {
            <section class="page record-page">{ back }
                <p id="account-missing">{ i18n.t("account-missing") }</p>
            </section>
        };
    }
    let on_edit = {
        let (account, i18n) = (account.clone(), i18n.clone());
        Callback::from(move |edit: AccountEdit| apply(&account, &i18n, edit))
    };
    let on_choose = {
        let account = account.clone();
        Callback::from(move |choice: Choice| account.document().choose(choice.path, choice.value))
    };
    let on_phone = {
        let (account, i18n) = (account.clone(), i18n.clone());
        Callback::from(move |edit: PointEdit| {
            refusal(&i18n, account.document().set_phone(edit.key, &edit.text))
        })
    };
    let on_email = {
        let (account, i18n) = (account.clone(), i18n.clone());
        Callback::from(move |edit: PointEdit| {
            refusal(&i18n, account.document().set_email(edit.key, &edit.text))
        })
    };
    let on_remove_phone = {
        let account = account.clone();
        Callback::from(move |key: String| account.document().remove_phone(key))
    };
    let on_remove_email = {
        let account = account.clone();
        Callback::from(move |key: String| account.document().remove_email(key))
    };
    let on_report = {
        let account = account.clone();
        Callback::from(move |edit: ReportEdit| account.type_report(edit.activity, edit.typed))
    };
    let on_add_activity = {
        let account = account.clone();
        Callback::from(move |kind| account.add_activity(kind))
    };
    let on_toggle = {
        let account = account.clone();
        Callback::from(move |toggle: TaskToggle| account.set_task_done(toggle.task, toggle.done))
    };
    let on_add_task = {
        let (account, i18n) = (account.clone(), i18n.clone());
        Callback::from(move |task: NewTask| {
            refusal(&i18n, account.add_task(&task.title, &task.due))
        })
    };
    let on_tab = {
        let history_open = history_open.clone();
        Callback::from(move |open: bool| history_open.set(open))
    };
    let contacts: Vec<RelatedItem> = relations
        .contacts
        .iter()
        .map(|row| RelatedItem {
            route: Route::Contact { id: row.id.clone() },
            title: AttrValue::from(row.display_name.clone()),
            detail: AttrValue::default(),
        })
        .collect();
    let deals: Vec<RelatedItem> = relations
        .deals
        .iter()
        .map(|row| {
            let amount = row
                .amount
                .as_ref()
                .map(|(minor, currency)| format::money(i18n.language(), *minor, currency))
                .unwrap_or_default();
            let stage = stage_choices(settings.as_deref(), &row.stage)
                .into_iter()
                .find(|stage| stage.key == row.stage)
                .map_or_else(|| row.stage.clone(), |stage| stage.name);
            RelatedItem {
                route: Route::Deal { id: row.id.clone() },
                title: AttrValue::from(row.title.clone()),
                detail: AttrValue::from(
                    [stage.as_str(), amount.as_str()]
                        .into_iter()
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · "),
                ),
            }
        })
        .collect();
    let elsewhere = conflicts_elsewhere(&view.conflicts, &inline_account_paths());
    let owner = owner_text(&i18n, view.owner, &history);
    let owner_id = view
        .owner
        .map(|owner| owner.to_string())
        .unwrap_or_default();
    let owners: Vec<ChoiceOption> = history
        .people
        .owners()
        .into_iter()
        .map(|(id, name)| ChoiceOption {
            value: AttrValue::from(id.to_string()),
            label: AttrValue::from(name),
        })
        .collect();
    let territories: Vec<ChoiceOption> =
        territory_choices(settings.as_deref(), view.territory.as_deref())
            .into_iter()
            .map(|choice| ChoiceOption {
                value: AttrValue::from(choice.key),
                label: AttrValue::from(choice.name),
            })
            .collect();
    let may_place =
        me.is_some_and(|me| matches!(history.people.role_of(me), Some("admin" | "manager")));
    let visits: Vec<i64> = view
        .timeline
        .iter()
        .filter(|item| item.kind == shared::account::ActivityKind::Visit)
        .map(|item| item.at)
        .collect();
    let on_use = {
        let on_edit = on_edit.clone();
        Callback::from(move |stage: String| {
            // Setting a known stage is never refused.
            let _refused = on_edit.emit(AccountEdit::Stage(stage));
        })
    };
    let suggestion = html! {
        <SuggestedStage account={props.id} hand_set={AttrValue::from(view.stage.clone())}
            visits={Rc::new(visits)} {on_use} />
    };
    html! {
        <section class="page record-page account-page" aria-labelledby="account-title" data-id={props.id.to_string()}>
            { back }
            <header class="page-header">
                <h1 id="account-title">{ view.name.clone() }</h1>
            </header>
            if let Some(error) = &view.error {
                <ErrorBanner problem={error.clone()} on_dismiss={Callback::noop()} />
            }
            <ConflictList conflicts={elsewhere} on_choose={on_choose.clone()} />
            <RecordTabs history={*history_open} on_select={on_tab} />
            if *history_open {
                <HistoryPanel {history} />
            } else {
                <div class="record-columns">
                    <div class="record-main">
                        <AccountEditor view={view.clone()} owner={AttrValue::from(owner)} owner_id={AttrValue::from(owner_id)}
                            owners={Rc::new(owners)} territories={Rc::new(territories)} {may_place}
                            {suggestion} {on_edit} on_choose={on_choose.clone()} />
                        <ContactPoints phones={view.phones.clone()} emails={view.emails.clone()}
                            {on_phone} {on_email} {on_remove_phone} {on_remove_email}
                            conflicts={view.conflicts.clone()} {on_choose} />
                    </div>
                    <div class="record-side">
                        <RelatedList id="account-contacts" title={i18n.t("account-contacts")}
                            empty={i18n.t("account-contacts-empty")} items={contacts} />
                        <RelatedList id="account-deals" title={i18n.t("account-deals")}
                            empty={i18n.t("account-deals-empty")} items={deals} />
                        <AccountSales account={props.id} currency={settings.as_ref().map_or(
                            shared::values::CurrencyCode::EUR, |settings| settings.default_currency)} />
                        <TaskList tasks={view.tasks.clone()} today={today()} {on_toggle} on_add={on_add_task} />
                        <ActivityTimeline items={view.timeline.clone()} {on_report} on_add={on_add_activity} />
                    </div>
                </div>
            }
        </section>
    }
}

/// Carries out one edit of the details; the refusal, in the catalogue's words, if any.
fn apply(
    account: &AccountHandle,
    i18n: &crate::hooks::I18n,
    edit: AccountEdit,
) -> Option<AttrValue> {
    use crate::records::AddressPart;
    let outcome = match edit {
        AccountEdit::Rename(name) => account.rename(name),
        AccountEdit::Siren(text) => account.set_siren(&text),
        AccountEdit::Siret(text) => account.set_siret(&text),
        AccountEdit::Vat(text) => account.set_vat(&text),
        AccountEdit::Industry(text) => {
            account.set_industry(text);
            Ok(())
        }
        AccountEdit::Website(text) => {
            account.set_website(text);
            Ok(())
        }
        AccountEdit::Stage(stage) => {
            account.set_stage(stage);
            Ok(())
        }
        AccountEdit::Owner(owner) => {
            account.set_owner(&owner);
            Ok(())
        }
        AccountEdit::Territory(key) => {
            account.set_territory(&key);
            Ok(())
        }
        AccountEdit::Tags(text) => {
            account.set_tags(text);
            Ok(())
        }
        AccountEdit::Street(text) => {
            account.change_address(AddressPart::Street, text);
            Ok(())
        }
        AccountEdit::Postcode(text) => {
            account.change_address(AddressPart::Postcode, text);
            Ok(())
        }
        AccountEdit::City(text) => {
            account.move_to_city(text);
            Ok(())
        }
        AccountEdit::Notes(text) => {
            account.type_notes(text);
            Ok(())
        }
    };
    refusal(i18n, outcome)
}
