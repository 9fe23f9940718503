//! Settings: language, who is signed in, sync, the team and the changes set aside (`team/`),
//! the territories (admins, `settings/territories_section.rs`),
//! the device's storage, data import, export and backup (`settings/transfer_section.rs`), and
//! signing out safely.

use yew::prelude::*;

use super::devices_section::DevicesSection;
use super::identity_section::IdentitySection;
use super::lifecycle_section::LifecycleSection;
use super::territories_section::TerritoriesSection;
use crate::hooks::{use_i18n, use_sync, SessionState, SignOutRefusal};
use crate::i18n::{format, Argument, Language};
use crate::settings::use_device_storage;
use crate::storage::Unsynced;
use crate::team::{PeopleSection, QuarantineSection};

/// The settings page.
#[component]
pub fn SettingsPage() -> Html {
    let sync = use_sync();
    let i18n = use_i18n();
    let device = use_device_storage();
    let refusal = use_state(|| None::<Unsynced>);
    let problem = use_state(|| None::<String>);
    let Some(sync) = sync else {
        return html! {};
    };
    let status = sync.status().clone();
    let (who, workspace) = match sync.session() {
        SessionState::SignedIn(session) => (
            format!("{} ({})", session.user.name, session.user.email),
            session.workspace.name.clone(),
        ),
        _ => (String::new(), String::new()),
    };
    let sign_out = |accept_loss: bool| {
        let sync = sync.clone();
        let refusal = refusal.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            let sync = sync.clone();
            let refusal = refusal.clone();
            let problem = problem.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match sync.sign_out(accept_loss).await {
                    Ok(()) => refusal.set(None),
                    Err(SignOutRefusal::Unsynced(unsynced)) => refusal.set(Some(unsynced)),
                    Err(SignOutRefusal::Storage(error)) => problem.set(Some(error.problem().id)),
                }
            });
        })
    };
    let sync_now = {
        let sync = sync.clone();
        Callback::from(move |_: MouseEvent| sync.sync_now())
    };
    let rebuild = {
        let device = device.clone();
        Callback::from(move |_: MouseEvent| device.rebuild_index())
    };
    let language = i18n.language();
    let storage = device.state();
    let usage = storage.estimate.map_or_else(
        || i18n.t("settings-usage-unknown"),
        |estimate| {
            let percent = if estimate.quota > 0.0 {
                (estimate.usage / estimate.quota * 1000.0).round() / 10.0
            } else {
                0.0
            };
            i18n.t_with(
                "settings-usage",
                &[
                    ("used", megabytes(language, estimate.usage).as_str().into()),
                    ("quota", megabytes(language, estimate.quota).as_str().into()),
                    ("percent", format::number(language, percent).as_str().into()),
                ],
            )
        },
    );
    let persistence = match &storage.persistence {
        Some(answer) if answer.granted => i18n.t("settings-persistent"),
        Some(_) => i18n.t("settings-not-persistent"),
        None => i18n.t("settings-persistence-unasked"),
    };
    let pending = i18n.t_with("settings-pending", &[("count", status.pending.into())]);
    let headline = status.headline();
    let headline = i18n.t_with(headline.id, &[("count", headline.count.into())]);
    html! {
        <section class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">{ i18n.t("settings-title") }</h1>
            <section class="card" aria-labelledby="language-section">
                <h2 id="language-section">{ i18n.t("settings-language") }</h2>
                <div class="segmented" role="radiogroup" aria-labelledby="language-section">
                    { for Language::ALL.iter().map(|choice| {
                        let choice = *choice;
                        let i18n = i18n.clone();
                        let onclick = Callback::from(move |_: MouseEvent| i18n.choose(choice));
                        html! {
                            <button type="button" role="radio" class="button"
                                id={format!("language-{}", choice.code())}
                                aria-checked={(choice == language).to_string()} {onclick}>
                                { choice.name() }
                            </button>
                        }
                    }) }
                </div>
            </section>
            <section class="card" aria-labelledby="account-section">
                <h2 id="account-section">{ i18n.t("settings-signed-in") }</h2>
                <p id="signed-in-as">{ who }</p>
                <p class="muted">{ workspace }</p>
            </section>
            <section class="card" aria-labelledby="sync-section">
                <h2 id="sync-section">{ i18n.t("settings-sync") }</h2>
                <p id="settings-sync-status">{ headline }</p>
                <p id="settings-pending">{ pending }</p>
                <button type="button" class="button" onclick={sync_now}>{ i18n.t("sync-now") }</button>
            </section>
            <DevicesSection />
            <PeopleSection />
            <TerritoriesSection />
            <IdentitySection />
            <LifecycleSection />
            <QuarantineSection />
            <section class="card" aria-labelledby="storage-section">
                <h2 id="storage-section">{ i18n.t("settings-storage") }</h2>
                <p id="storage-usage">{ usage }</p>
                <p id="storage-persistence">{ persistence }</p>
                <button id="rebuild-index" type="button" class="button" onclick={rebuild}
                    disabled={storage.rebuilding.is_some()}>{ i18n.t("settings-rebuild") }</button>
                if let Some((done, total)) = storage.rebuilding {
                    <progress id="rebuild-progress" max={total.max(1).to_string()} value={done.to_string()} />
                }
                if let Some(rebuilt) = &storage.rebuilt {
                    <p id="rebuild-message" role="status">{
                        match rebuilt {
                            Ok(count) => i18n.t_with("settings-rebuilt", &[("count", Argument::from(*count))]),
                            Err(problem) => i18n.t(&problem.id),
                        }
                    }</p>
                }
            </section>
            <super::transfer_section::TransferSection />
            <section class="card" aria-labelledby="sign-out-section">
                <h2 id="sign-out-section">{ i18n.t("settings-sign-out") }</h2>
                <p>{ i18n.t("settings-sign-out-text") }</p>
                if let Some(unsynced) = &*refusal {
                    <div id="sign-out-unsynced" class="banner warning" role="alert">
                        <p>{ i18n.t_with("settings-unsynced", &[("count", unsynced.changes.into())]) }</p>
                        <ul>{ for unsynced.records.iter().map(|(id, name)| html! { <li key={id.clone()}>{ name.clone() }</li> }) }</ul>
                        <button id="sign-out-anyway" type="button" class="button danger" onclick={sign_out(true)}>
                            { i18n.t("settings-sign-out-anyway") }
                        </button>
                    </div>
                }
                if let Some(problem) = &*problem {
                    <p class="form-error" role="alert">{ i18n.t(problem) }</p>
                }
                <button id="sign-out" type="button" class="button" onclick={sign_out(false)}>{ i18n.t("settings-sign-out") }</button>
            </section>
        </section>
    }
}

fn megabytes(language: Language, bytes: f64) -> String {
    if bytes >= 1e9 {
        format!(
            "{} GB",
            format::number(language, (bytes / 1e8).round() / 10.0)
        )
    } else {
        format!(
            "{} MB",
            format::number(language, (bytes / 1e5).round() / 10.0)
        )
    }
}
