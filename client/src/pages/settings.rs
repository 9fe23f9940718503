//! Settings: who is signed in, sync, the device's storage, and signing out safely.

use yew::prelude::*;

use crate::hooks::{use_device_storage, use_sync, SessionState, SignOutRefusal};
use crate::storage::Unsynced;

/// The settings page.
#[component]
pub fn SettingsPage() -> Html {
    let sync = use_sync();
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
                    Err(SignOutRefusal::Storage(error)) => problem.set(Some(error.to_string())),
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
    let storage = device.state();
    let usage = storage.estimate.map_or_else(
        || "The browser does not say how much space is used.".to_owned(),
        |estimate| {
            format!(
                "{} used of {} available to Carnet ({:.1} %)",
                megabytes(estimate.usage),
                megabytes(estimate.quota),
                if estimate.quota > 0.0 {
                    estimate.usage / estimate.quota * 100.0
                } else {
                    0.0
                }
            )
        },
    );
    let persistence = match &storage.persistence {
        Some(answer) if answer.granted => "Protected: the browser will not erase Carnet's data to free space.",
        Some(_) => "Not protected: the browser may erase Carnet's data when space runs low. Install the app and sync often.",
        None => "Not asked yet.",
    };
    html! {
        <section class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">{ "Settings" }</h1>
            <section class="card" aria-labelledby="account-section">
                <h2 id="account-section">{ "Signed in" }</h2>
                <p id="signed-in-as">{ who }</p>
                <p class="muted">{ workspace }</p>
            </section>
            <section class="card" aria-labelledby="sync-section">
                <h2 id="sync-section">{ "Sync" }</h2>
                <p id="settings-sync-status">{ status.headline() }</p>
                <p id="settings-pending">{ format!("{} changes waiting to be synced", status.pending) }</p>
                <button type="button" class="button" onclick={sync_now}>{ "Sync now" }</button>
            </section>
            <section class="card" aria-labelledby="storage-section">
                <h2 id="storage-section">{ "Storage on this device" }</h2>
                <p id="storage-usage">{ usage }</p>
                <p id="storage-persistence">{ persistence }</p>
                <button id="rebuild-index" type="button" class="button" onclick={rebuild}
                    disabled={storage.rebuilding.is_some()}>{ "Rebuild lists" }</button>
                if let Some((done, total)) = storage.rebuilding {
                    <progress id="rebuild-progress" max={total.max(1).to_string()} value={done.to_string()} />
                }
                if let Some(message) = &storage.message {
                    <p id="rebuild-message" role="status">{ message.clone() }</p>
                }
            </section>
            <section class="card" aria-labelledby="sign-out-section">
                <h2 id="sign-out-section">{ "Sign out" }</h2>
                <p>{ "Signing out erases Carnet's data from this device." }</p>
                if let Some(unsynced) = &*refusal {
                    <div id="sign-out-unsynced" class="banner warning" role="alert">
                        <p>{ format!("{} changes on this device are not synced yet and would be lost:", unsynced.changes) }</p>
                        <ul>{ for unsynced.records.iter().map(|(id, name)| html! { <li key={id.clone()}>{ name.clone() }</li> }) }</ul>
                        <button id="sign-out-anyway" type="button" class="button danger" onclick={sign_out(true)}>
                            { "Sign out and lose these changes" }
                        </button>
                    </div>
                }
                if let Some(problem) = &*problem {
                    <p class="form-error" role="alert">{ problem.clone() }</p>
                }
                <button id="sign-out" type="button" class="button" onclick={sign_out(false)}>{ "Sign out" }</button>
            </section>
        </section>
    }
}

fn megabytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
}
