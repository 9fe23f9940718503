//! Whether the device is online, said plainly: offline is a normal state, not an error.

use yew::prelude::*;

/// Props of [`ConnectionBadge`].
#[derive(Properties, PartialEq)]
pub struct ConnectionBadgeProps {
    /// Whether the browser reports a network.
    pub online: bool,
}

/// A small pill in the header.
#[component]
pub fn ConnectionBadge(props: &ConnectionBadgeProps) -> Html {
    let (class, text) = if props.online {
        ("badge online", "Online · saved on this device")
    } else {
        ("badge offline", "Offline · saved on this device")
    };
    html! { <span id="connection" class={class} role="status">{ text }</span> }
}
