//! Live, typed messages between this device's tabs, over a `BroadcastChannel`.
//!
//! A [`TabChannel`] sends each message as a JSON string to every other open channel of the same
//! name on this origin (never to itself), and [`TabChannel::subscribe`] hands the messages it
//! receives, decoded in one place, to a callback until its [`Subscription`] is dropped.
//!
//! This module owns the channel, the JSON encoding and the one decoder. It must not persist
//! anything nor carry data between devices (that is `storage`'s and `sync`'s), and it never trusts
//! a message: another tab may run an older or newer build, so a message this build cannot read is
//! logged and dropped, never a panic and never an error for the caller.

use std::marker::PhantomData;

use gloo::events::EventListener;
use js_sys::Reflect;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, Event, MessageEvent};

/// Why a message could not travel between tabs.
#[derive(Debug, thiserror::Error)]
pub enum TabsError {
    /// The browser has no `BroadcastChannel`; each tab then works without hearing the others.
    #[error("This browser cannot pass messages between Carnet's tabs.")]
    Unsupported,
    /// A message could not be written as JSON (a bug in its type, not a user error).
    #[error("A message for the other tabs could not be encoded: {0}")]
    Encoding(#[source] serde_json::Error),
    /// A received message is not the JSON of a message this build knows.
    #[error("Another tab sent a message this version cannot read: {0}")]
    Malformed(#[source] serde_json::Error),
    /// A received message is not a string at all.
    #[error("Another tab sent a message that is not text.")]
    NotText,
    /// The browser refused to open the channel or to post, in its own words.
    #[error("The browser refused the message between tabs: {0}")]
    Refused(String),
}

/// A named channel to this device's other tabs, carrying messages of type `M`. Closed on drop.
#[derive(Debug)]
pub struct TabChannel<M> {
    channel: BroadcastChannel,
    message: PhantomData<fn(M) -> M>,
}

/// Delivery of a channel's messages to a callback; dropping it stops the delivery.
#[derive(Debug)]
#[must_use = "messages are delivered only while the subscription is kept"]
pub struct Subscription {
    _listener: EventListener,
}

impl<M: Serialize + DeserializeOwned + 'static> TabChannel<M> {
    /// Opens the channel `name`; tabs talk to each other by opening the same name.
    pub fn open(name: &str) -> Result<Self, TabsError> {
        let supported =
            Reflect::has(&js_sys::global(), &"BroadcastChannel".into()).unwrap_or(false);
        if !supported {
            return Err(TabsError::Unsupported);
        }
        let channel = BroadcastChannel::new(name).map_err(TabsError::from_js)?;
        Ok(Self {
            channel,
            message: PhantomData,
        })
    }

    /// Sends `message` to every other tab's channel of this name (not to this one).
    pub fn post(&self, message: &M) -> Result<(), TabsError> {
        let text = serde_json::to_string(message).map_err(TabsError::Encoding)?;
        self.channel
            .post_message(&JsValue::from_str(&text))
            .map_err(TabsError::from_js)
    }

    /// Calls `on_message` with each message other tabs post, until the subscription is dropped.
    /// Messages this build cannot read are logged and skipped.
    pub fn subscribe(&self, mut on_message: impl FnMut(M) + 'static) -> Subscription {
        let name = self.channel.name();
        let listener =
            EventListener::new(&self.channel, "message", move |event| match decode(event) {
                Ok(message) => on_message(message),
                Err(error) => {
                    gloo::console::warn!(format!(
                        "ignored a message on the tab channel {name}: {error}"
                    ));
                }
            });
        Subscription {
            _listener: listener,
        }
    }
}

impl<M> Drop for TabChannel<M> {
    fn drop(&mut self) {
        self.channel.close();
    }
}

impl TabsError {
    fn from_js(value: JsValue) -> Self {
        Self::Refused(crate::thrown::describe(&value))
    }
}

/// The one decoder: a received event's data, as the JSON of an `M`.
fn decode<M: DeserializeOwned>(event: &Event) -> Result<M, TabsError> {
    let text = event
        .dyn_ref::<MessageEvent>()
        .and_then(|message| message.data().as_string())
        .ok_or(TabsError::NotText)?;
    serde_json::from_str(&text).map_err(TabsError::Malformed)
}
