//! The signed-in person's devices, with "remove" for a lost or replaced one.

use yew::prelude::*;

use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::state::problem::Problem;
use crate::sync::api::DeviceInfo;

/// Props of [`DeviceList`].
#[derive(Properties, PartialEq)]
pub struct DeviceListProps {
    /// The devices, or why they could not be read.
    pub devices: Option<Result<Vec<DeviceInfo>, Problem>>,
    /// Called with a device's id to remove it.
    pub on_revoke: Callback<String>,
}

/// A list of devices.
#[component]
pub fn DeviceList(props: &DeviceListProps) -> Html {
    let i18n = use_i18n();
    let language = i18n.language();
    match &props.devices {
        None => html! { <p aria-busy="true">{ i18n.t("devices-loading") }</p> },
        Some(Err(problem)) => {
            html! { <p class="muted" id="devices-problem">{ i18n.t(&problem.id) }</p> }
        }
        Some(Ok(devices)) => html! {
            <ul class="device-list" id="devices">
                { for devices.iter().filter(|device| device.revoked_at.is_none()).map(|device| {
                    let id = device.id.clone();
                    let onclick = props.on_revoke.reform(move |_: MouseEvent| id.clone());
                    let seen = device.last_seen_at.map_or_else(
                        || i18n.t("devices-never-synced"),
                        |at| i18n.t_with("devices-last-seen", &[("when", format::date_time(language, at).as_str().into())]),
                    );
                    html! {
                        <li key={device.id.clone()} class="device" data-device-id={device.id.clone()}>
                            <span class="device-text">
                                <span class="device-name">{ &device.name }
                                    if device.current { <span class="badge online">{ i18n.t("devices-this-one") }</span> }
                                </span>
                                <span class="muted">{ format!("{} · {}", device.user_name, seen) }</span>
                            </span>
                            if !device.current {
                                <button type="button" class="button" {onclick}>{ i18n.t("devices-remove") }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    }
}
