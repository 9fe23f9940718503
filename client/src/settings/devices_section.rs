//! The settings page's devices section: reads the list from the relay (online only) and removes
//! a device on request.

use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::settings::DeviceList;
use crate::state::problem::Problem;
use crate::sync::api::DeviceInfo;

/// The devices section.
#[component]
pub fn DevicesSection() -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let devices = use_state(|| None::<Result<Vec<DeviceInfo>, Problem>>);
    let reload = use_state(|| 0_u32);
    {
        let devices = devices.clone();
        let sync = sync.clone();
        use_effect_with(*reload, move |_| {
            if let Some(sync) = sync {
                wasm_bindgen_futures::spawn_local(async move {
                    devices.set(Some(sync.devices().await));
                });
            }
        });
    }
    let on_revoke = {
        let devices = devices.clone();
        Callback::from(move |id: String| {
            let Some(sync) = sync.clone() else {
                return;
            };
            let reload = reload.clone();
            let devices = devices.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match sync.revoke_device(&id).await {
                    Ok(()) => reload.set(*reload + 1),
                    Err(problem) => devices.set(Some(Err(problem))),
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="devices-section">
            <h2 id="devices-section">{ i18n.t("devices-title") }</h2>
            <DeviceList devices={(*devices).clone()} {on_revoke} />
        </section>
    }
}
