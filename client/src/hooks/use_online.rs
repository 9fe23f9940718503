//! Whether the browser believes it has a network, kept current by `online`/`offline` events.

use gloo::events::EventListener;
use yew::prelude::*;

/// `true` while the browser reports a network connection.
#[hook]
pub fn use_online() -> bool {
    let online = use_state(navigator_online);
    {
        let online = online.clone();
        use_effect_with((), move |()| {
            let listeners = web_sys::window().map(|window| {
                let on = {
                    let online = online.clone();
                    EventListener::new(&window, "online", move |_| online.set(true))
                };
                let off = EventListener::new(&window, "offline", move |_| online.set(false));
                (on, off)
            });
            move || drop(listeners)
        });
    }
    *online
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}
