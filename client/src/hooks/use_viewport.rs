//! The window's scroll position and height, updated at most once per animation frame, for
//! lists that render only the rows on screen.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use yew::prelude::*;

/// Where the window is scrolled, in CSS pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Viewport {
    /// `window.scrollY`.
    pub scroll_y: f64,
    /// `window.innerHeight`.
    pub height: f64,
}

/// The current viewport, re-read on scroll and resize.
#[hook]
pub fn use_viewport() -> Viewport {
    let viewport = use_state(read);
    {
        let viewport = viewport.setter();
        use_effect_with((), move |()| {
            let pending: Rc<Cell<Option<AnimationFrame>>> = Rc::default();
            let listeners = web_sys::window().map(|window| {
                let listen = |event: &'static str| {
                    let viewport = viewport.clone();
                    let pending = Rc::clone(&pending);
                    // gloo's listeners are passive by default: scrolling never waits for them.
                    EventListener::new(&window, event, move |_| {
                        if let Some(frame) = pending.take() {
                            pending.set(Some(frame));
                            return;
                        }
                        let viewport = viewport.clone();
                        let done = Rc::clone(&pending);
                        pending.set(Some(request_animation_frame(move |_| {
                            done.set(None);
                            viewport.set(read());
                        })));
                    })
                };
                (listen("scroll"), listen("resize"))
            });
            move || drop(listeners)
        });
    }
    *viewport
}

fn read() -> Viewport {
    web_sys::window().map_or_else(Viewport::default, |window| Viewport {
        scroll_y: window.scroll_y().unwrap_or(0.0),
        height: window
            .inner_height()
            .ok()
            .and_then(|height| height.as_f64())
            .unwrap_or(800.0),
    })
}
