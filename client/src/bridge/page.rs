//! The page's side of the bridge: starts the workspace worker, posts the page's messages,
//! delivers the worker's, and replaces a worker that died.
//!
//! A worker dies three ways: it throws or traps (its `error` event), the browser terminates it
//! (silence), or it hangs (silence). Silence is noticed by the [`Heartbeat`], once the worker
//! said it listens (loading its wasm over a poor network is not silence). A dead worker is
//! terminated and a new one started after the [`Restarts`] back-off; the [`Ledger`]'s replay
//! hands it the database, leadership, the open subscriptions and every unanswered save, and
//! every subscriber is told to re-read (what the dead worker would have reported is unknown).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

use super::ledger::{Heartbeat, Ledger, Pulse, Restarts};
use super::message::{Envelope, FromWorker, ToWorker, PROTOCOL};

/// Starts a worker running `carnet-worker` (or, in tests, the test module).
pub type Spawn = Rc<dyn Fn() -> Result<Worker, JsValue>>;

/// The worker the app ships: Trunk's loader for the `carnet-worker` binary, at the site's root
/// (pages have deep paths).
pub const WORKER_SCRIPT: &str = "/carnet-worker_loader.js";

/// Starts the app's worker.
pub fn app_worker() -> Spawn {
    Rc::new(|| Worker::new(WORKER_SCRIPT))
}

/// How often the page checks the worker is alive, and how many silent beats it tolerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liveness {
    /// Time between two pings.
    pub every: Duration,
    /// Unanswered pings before the worker is replaced.
    pub missed: u32,
}

impl Default for Liveness {
    /// A ping every 5 s, replaced after 6 unanswered (30 s: a long import step or a large
    /// document's parse must not count as death).
    fn default() -> Self {
        Self {
            every: Duration::from_secs(5),
            missed: 6,
        }
    }
}

/// The page's handle on the workspace worker.
#[derive(Clone)]
pub struct WorkerBridge {
    inner: Rc<Inner>,
}

type Deliver = Box<dyn Fn(FromWorker)>;

struct Inner {
    spawn: Spawn,
    ledger: RefCell<Ledger>,
    heartbeat: RefCell<Heartbeat>,
    restarts: RefCell<Restarts>,
    live: RefCell<Option<Live>>,
    deliver: Deliver,
    restarted: Box<dyn Fn()>,
    beating: RefCell<Option<Interval>>,
    waiting: RefCell<Option<Timeout>>,
}

/// A running worker and its handlers (dropped with it).
struct Live {
    worker: Worker,
    /// Whether it said it listens; until then nothing is posted to it.
    listening: bool,
    /// What was asked meanwhile that the ledger does not replay (a retry, sync's events).
    early: Vec<ToWorker>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
    }
}

impl WorkerBridge {
    /// Starts a worker over the database `database` with `spawn`; the worker's messages go to
    /// `deliver`, and `restarted` is called each time a dead worker was replaced.
    pub fn start(
        database: &str,
        spawn: Spawn,
        liveness: Liveness,
        deliver: impl Fn(FromWorker) + 'static,
        restarted: impl Fn() + 'static,
    ) -> Self {
        let inner = Rc::new(Inner {
            spawn,
            ledger: RefCell::new(Ledger::new(database)),
            heartbeat: RefCell::new(Heartbeat::new(liveness.missed)),
            restarts: RefCell::new(Restarts::default()),
            live: RefCell::new(None),
            deliver: Box::new(deliver),
            restarted: Box::new(restarted),
            beating: RefCell::new(None),
            waiting: RefCell::new(None),
        });
        let millis = u32::try_from(liveness.every.as_millis()).unwrap_or(u32::MAX);
        let beating = Interval::new(millis, {
            let inner = Rc::downgrade(&inner);
            move || {
                if let Some(inner) = inner.upgrade() {
                    beat(&inner);
                }
            }
        });
        *inner.beating.borrow_mut() = Some(beating);
        launch(&inner);
        Self { inner }
    }

    /// Hands `message` to the worker (noted first, so a new worker gets it if this one died).
    pub fn send(&self, message: ToWorker) {
        self.inner.ledger.borrow_mut().sent(&message);
        post(&self.inner, &message);
    }

    /// How many times a dead worker was replaced.
    pub fn restarts(&self) -> u64 {
        self.inner.restarts.borrow().total()
    }

    /// How many saves wait for the worker's answer.
    pub fn waiting(&self) -> usize {
        self.inner.ledger.borrow().waiting()
    }

    /// The worker running now, if any. Tests terminate it behind the bridge's back, as the
    /// browser would.
    pub fn worker(&self) -> Option<Worker> {
        self.inner
            .live
            .borrow()
            .as_ref()
            .map(|live| live.worker.clone())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The worker ends with the page's last handle on it.
        self.live.borrow_mut().take();
    }
}

/// Starts a worker and hands it the ledger's replay.
fn launch(inner: &Rc<Inner>) {
    let worker = match (inner.spawn)() {
        Ok(worker) => worker,
        Err(error) => {
            gloo::console::error!("the workspace worker cannot start", error);
            died(inner);
            return;
        }
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let inner = Rc::downgrade(inner);
        move |event: MessageEvent| {
            if let Some(inner) = inner.upgrade() {
                receive(&inner, event.data());
            }
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
        let inner = Rc::downgrade(inner);
        move |event: web_sys::Event| {
            event.prevent_default();
            gloo::console::error!("the workspace worker failed", event);
            // Not from inside this handler: replacing the worker drops the handler.
            let inner = inner.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(inner) = inner.upgrade() {
                    died(&inner);
                }
            });
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
    *inner.live.borrow_mut() = Some(Live {
        worker,
        listening: false,
        early: Vec::new(),
        _on_message: on_message,
        _on_error: on_error,
    });
}

/// The worker listens: hand it the ledger's replay, then what was asked meanwhile.
fn listening(inner: &Rc<Inner>) {
    let early = {
        let mut live = inner.live.borrow_mut();
        let Some(live) = live.as_mut() else {
            return;
        };
        live.listening = true;
        std::mem::take(&mut live.early)
    };
    inner.heartbeat.borrow_mut().restart();
    let replay = inner.ledger.borrow().replay();
    for message in replay.iter().chain(&early) {
        post(inner, message);
    }
}

/// The worker is dead (or could not be started): drop it, and start another after the back-off.
fn died(inner: &Rc<Inner>) {
    // Dropping the live worker terminates it and silences its handlers.
    let dead = inner.live.borrow_mut().take();
    drop(dead);
    if inner.waiting.borrow().is_some() {
        // A restart is already scheduled (a second report of the same death).
        return;
    }
    let delay = inner.restarts.borrow_mut().delay(js_sys::Date::now());
    let millis = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
    let restart = Timeout::new(millis, {
        let inner: Weak<Inner> = Rc::downgrade(inner);
        move || {
            if let Some(inner) = inner.upgrade() {
                inner.waiting.borrow_mut().take();
                launch(&inner);
                (inner.restarted)();
            }
        }
    });
    *inner.waiting.borrow_mut() = Some(restart);
}

fn beat(inner: &Rc<Inner>) {
    // A worker still loading (its wasm may be crossing a poor network) is not silent: a
    // failed load fires its error event.
    if !inner
        .live
        .borrow()
        .as_ref()
        .is_some_and(|live| live.listening)
    {
        return;
    }
    let pulse = inner.heartbeat.borrow_mut().beat();
    match pulse {
        Pulse::Ping(number) => post(inner, &ToWorker::Ping(number)),
        Pulse::Dead => {
            gloo::console::warn!("the workspace worker stopped answering: starting another");
            died(inner);
        }
    }
}

fn receive(inner: &Rc<Inner>, data: JsValue) {
    // Only our envelopes are ours: anything else (a test runner's console forwarding) is not.
    let carnet = js_sys::Reflect::get(&data, &JsValue::from_str("carnet")).ok();
    if carnet.as_ref().is_none_or(JsValue::is_undefined) {
        return;
    }
    let message = match serde_wasm_bindgen::from_value::<Envelope<FromWorker>>(data) {
        Ok(envelope) if envelope.carnet == PROTOCOL => envelope.message,
        Ok(envelope) => {
            gloo::console::error!(format!(
                "a workspace worker of protocol {} answers a page of protocol {PROTOCOL}",
                envelope.carnet
            ));
            return;
        }
        Err(error) => {
            gloo::console::error!(format!("unreadable message from the worker: {error}"));
            return;
        }
    };
    match message {
        FromWorker::Pong(number) => {
            inner.heartbeat.borrow_mut().pong(number);
            return;
        }
        FromWorker::Listening => listening(inner),
        _ => {}
    }
    if inner.ledger.borrow_mut().answered(&message) {
        (inner.deliver)(message);
    }
}

fn post(inner: &Inner, message: &ToWorker) {
    let mut live = inner.live.borrow_mut();
    let Some(live) = live.as_mut() else {
        // No worker now: the ledger hands it to the next one (what it does not keep is about
        // a worker that no longer exists: a retry, a ping, sync's hints).
        return;
    };
    if !live.listening {
        if !Ledger::replays(message) {
            live.early.push(message.clone());
        }
        return;
    }
    let sent = serde_wasm_bindgen::to_value(&Envelope::new(message))
        .map_err(|error| JsValue::from_str(&error.to_string()))
        .and_then(|value| live.worker.post_message(&value));
    if let Err(error) = sent {
        gloo::console::error!("a message to the workspace worker was not sent", error);
    }
}
