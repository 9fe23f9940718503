//! The WebSocket to the relay: binary frames in and out, every browser event turned into an
//! engine event tagged with the connection's generation (so a late event of an old socket is
//! recognised and ignored).

use futures::channel::mpsc::UnboundedSender;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::engine::EngineEvent;

/// What a socket reports.
#[derive(Debug)]
pub(crate) enum SocketEvent {
    /// The connection is open.
    Opened,
    /// A binary frame arrived.
    Frame(Vec<u8>),
    /// The connection closed or failed to open.
    Closed,
}

/// One open (or opening) WebSocket and the handlers that feed the engine.
pub(crate) struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Opens a socket to `url`; its events reach `events` tagged with `generation`.
    pub(crate) fn open(
        url: &str,
        generation: u64,
        events: &UnboundedSender<EngineEvent>,
    ) -> Result<Self, JsValue> {
        let socket = WebSocket::new(url)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let send = |events: &UnboundedSender<EngineEvent>| {
            let events = events.clone();
            move |event: SocketEvent| {
                // The engine is gone only when the app is closing: nothing left to tell.
                let _closed = events.unbounded_send(EngineEvent::Socket { generation, event });
            }
        };
        let opened = send(events);
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| opened(SocketEvent::Opened));
        let received = send(events);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            match message.data().dyn_into::<ArrayBuffer>() {
                Ok(buffer) => received(SocketEvent::Frame(Uint8Array::new(&buffer).to_vec())),
                // The relay only sends binary frames: text is a foreign or broken peer.
                Err(_) => gloo::console::warn!("ignored a non-binary frame from the relay"),
            }
        });
        let closed = send(events);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| closed(SocketEvent::Closed));
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A failed connection fires `error` then `close`: `close` alone reports both.
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends one binary frame.
    pub(crate) fn send(&self, bytes: &[u8]) -> Result<(), JsValue> {
        self.socket.send_with_u8_array(bytes)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _already_closed = self.socket.close();
    }
}
