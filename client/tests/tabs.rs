//! Tab leadership (Web Locks) and messages between tabs (BroadcastChannel), against Chromium's
//! real APIs (run by `wasm-bindgen-test-runner`). Two campaigns or two channels in one page stand
//! for two tabs: locks and channels are shared by the whole origin, not by the page.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use client::leader::Leadership;
use client::tabs::{Subscription, TabChannel};
use gloo::events::EventListener;
use gloo::timers::future::TimeoutFuture;
use js_sys::{Array, Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use shared::ids::AccountId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A lock or channel name no other test uses.
fn fresh_name(test: &str) -> String {
    format!("carnet-test-{test}-{}", AccountId::generate())
}

/// Polls `condition` every 10 ms, for two seconds at most.
async fn eventually(what: &str, condition: impl Fn() -> bool) -> Result<(), String> {
    for _ in 0..200 {
        if condition() {
            return Ok(());
        }
        TimeoutFuture::new(10).await;
    }
    Err(format!("timed out waiting until {what}"))
}

/// A campaign that counts its elections.
fn campaign(name: &str) -> Result<(Leadership, Rc<Cell<u32>>), String> {
    let elections = Rc::new(Cell::new(0));
    let leadership = Leadership::campaign(name, {
        let elections = Rc::clone(&elections);
        move || elections.set(elections.get() + 1)
    })
    .map_err(|e| e.to_string())?;
    Ok((leadership, elections))
}

/// Campaigns for a lock of its own and waits until elected: once it is, the browser has handled
/// every lock request made before it.
async fn witness(test: &str) -> Result<Leadership, String> {
    let (witness, _elections) = campaign(&fresh_name(test))?;
    eventually("the witness leads", || witness.is_leader()).await?;
    Ok(witness)
}

/// How many requests for the lock `name` wait in the browser's queue (`navigator.locks.query()`).
async fn waiting_for(name: &str) -> Result<usize, String> {
    let js = |error: JsValue| format!("{error:?}");
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).map_err(js)?;
    let locks = Reflect::get(&navigator, &"locks".into()).map_err(js)?;
    let query: Function = Reflect::get(&locks, &"query".into())
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let snapshot: Promise = query.call0(&locks).map_err(js)?.dyn_into().map_err(js)?;
    let snapshot = JsFuture::from(snapshot).await.map_err(js)?;
    let pending: Array = Reflect::get(&snapshot, &"pending".into())
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    Ok(pending
        .iter()
        .filter(|request| {
            Reflect::get(request, &"name".into())
                .ok()
                .and_then(|requested| requested.as_string())
                .is_some_and(|requested| requested == name)
        })
        .count())
}

/// Two tabs campaign for one lock; the second leads only once the first `gives_up`.
async fn second_tab_leads_after(gives_up: impl FnOnce(Leadership)) -> Result<(), String> {
    let name = fresh_name("hand-over");
    let (first, first_elections) = campaign(&name)?;
    eventually("the first tab leads", || first.is_leader()).await?;
    assert_eq!(first_elections.get(), 1);

    let (second, second_elections) = campaign(&name)?;
    let _witness = witness("hand-over-witness").await?;
    assert!(!second.is_leader(), "the lock is held by the first tab");
    assert_eq!(second_elections.get(), 0);
    assert!(first.is_leader());

    gives_up(first);
    eventually("the second tab leads", || second.is_leader()).await?;
    assert_eq!(second_elections.get(), 1);
    Ok(())
}

#[wasm_bindgen_test]
async fn a_second_tab_leads_once_the_first_resigns() -> Result<(), String> {
    second_tab_leads_after(Leadership::resign).await
}

#[wasm_bindgen_test]
async fn a_second_tab_leads_once_the_first_is_dropped() -> Result<(), String> {
    second_tab_leads_after(drop).await
}

#[wasm_bindgen_test]
async fn campaigns_for_different_locks_are_independent() -> Result<(), String> {
    let (sync, sync_elections) = campaign(&fresh_name("sync"))?;
    let (reminders, reminders_elections) = campaign(&fresh_name("reminders"))?;
    eventually("both tabs lead", || {
        sync.is_leader() && reminders.is_leader()
    })
    .await?;
    assert_eq!((sync_elections.get(), reminders_elections.get()), (1, 1));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_tab_that_resigns_while_waiting_is_never_elected() -> Result<(), String> {
    let name = fresh_name("withdraw");
    let (first, _first_elections) = campaign(&name)?;
    eventually("the first tab leads", || first.is_leader()).await?;
    let (second, second_elections) = campaign(&name)?;
    let (third, third_elections) = campaign(&name)?;
    assert_eq!(waiting_for(&name).await?, 2);

    second.resign();
    let mut waiting = 2;
    for _ in 0..200 {
        waiting = waiting_for(&name).await?;
        if waiting == 1 {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    assert_eq!(waiting, 1, "the resigned tab's request left the queue");
    first.resign();
    eventually("the third tab leads", || third.is_leader()).await?;
    assert_eq!(second_elections.get(), 0, "a resigned tab is never elected");
    assert_eq!(third_elections.get(), 1);
    Ok(())
}

/// What tabs say to each other in these tests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum TabMessage {
    AccountSaved { id: String, name: String },
    SignedOut,
}

/// Subscribes to `channel`, keeping what it receives.
fn record(channel: &TabChannel<TabMessage>) -> (Subscription, Rc<RefCell<Vec<TabMessage>>>) {
    let received = Rc::new(RefCell::new(Vec::new()));
    let subscription = channel.subscribe({
        let received = Rc::clone(&received);
        move |message| received.borrow_mut().push(message)
    });
    (subscription, received)
}

fn open(name: &str) -> Result<TabChannel<TabMessage>, String> {
    TabChannel::open(name).map_err(|e| e.to_string())
}

fn saved(name: &str) -> TabMessage {
    TabMessage::AccountSaved {
        id: AccountId::generate().to_string(),
        name: name.to_owned(),
    }
}

#[wasm_bindgen_test]
async fn a_message_posted_in_one_tab_arrives_typed_in_another() -> Result<(), String> {
    let name = fresh_name("post");
    let sender = open(&name)?;
    let receiver = open(&name)?;
    let (_sender_subscription, sender_heard) = record(&sender);
    let (_subscription, received) = record(&receiver);

    let message = saved("Boulangerie Élevé « Chez Zoé »");
    sender.post(&message).map_err(|e| e.to_string())?;
    eventually("the other tab receives it", || {
        !received.borrow().is_empty()
    })
    .await?;
    assert_eq!(*received.borrow(), vec![message]);
    assert!(
        sender_heard.borrow().is_empty(),
        "a channel does not hear its own messages"
    );
    Ok(())
}

#[wasm_bindgen_test]
async fn a_malformed_message_is_ignored_and_later_messages_still_arrive() -> Result<(), String> {
    let name = fresh_name("malformed");
    let uncaught = Rc::new(Cell::new(0));
    let window = web_sys::window().ok_or("no window")?;
    // A panic in the listener surfaces as an uncaught exception, reported to the window.
    let _uncaught_listener = EventListener::new(&window, "error", {
        let uncaught = Rc::clone(&uncaught);
        move |_| uncaught.set(uncaught.get() + 1)
    });
    let sender = open(&name)?;
    let receiver = open(&name)?;
    let (_subscription, received) = record(&receiver);

    // What an older or newer build, or a buggy one, might post on the same channel.
    let raw = web_sys::BroadcastChannel::new(&name).map_err(|e| format!("{e:?}"))?;
    for junk in [
        JsValue::from_str("{not json"),
        JsValue::from_str(r#"{"AccountMerged":{"into":"x"}}"#),
        JsValue::from_f64(42.0),
    ] {
        raw.post_message(&junk).map_err(|e| format!("{e:?}"))?;
    }
    raw.close();
    sender
        .post(&TabMessage::SignedOut)
        .map_err(|e| e.to_string())?;

    eventually("the good message arrives", || !received.borrow().is_empty()).await?;
    assert_eq!(*received.borrow(), vec![TabMessage::SignedOut]);
    assert_eq!(uncaught.get(), 0, "a malformed message must not throw");
    Ok(())
}

/// A receiving tab and a witness tab opened after it hear a first message; the receiver then
/// `stops` (dropping its channel or its subscription), and a second message reaches the witness
/// only. Channels receive in the order they were opened, so once the witness has the second
/// message, the receiver would have had it too.
async fn delivery_stops_when(
    stops: impl FnOnce(&mut Option<TabChannel<TabMessage>>, &mut Option<Subscription>),
) -> Result<(), String> {
    let name = fresh_name("stop");
    let sender = open(&name)?;
    let mut receiver = Some(open(&name)?);
    let (subscription, received) = receiver
        .as_ref()
        .map(record)
        .ok_or("the receiver was just opened")?;
    let mut subscription = Some(subscription);
    let witness = open(&name)?;
    let (_witness_subscription, witnessed) = record(&witness);

    let before = saved("Garage du Centre");
    sender.post(&before).map_err(|e| e.to_string())?;
    eventually("both tabs receive the first message", || {
        received.borrow().len() == 1 && witnessed.borrow().len() == 1
    })
    .await?;

    stops(&mut receiver, &mut subscription);
    sender
        .post(&TabMessage::SignedOut)
        .map_err(|e| e.to_string())?;
    eventually("the witness receives the second message", || {
        witnessed.borrow().len() == 2
    })
    .await?;
    assert_eq!(*received.borrow(), vec![before]);
    Ok(())
}

#[wasm_bindgen_test]
async fn dropping_the_subscription_stops_delivery() -> Result<(), String> {
    delivery_stops_when(|_channel, subscription| *subscription = None).await
}

#[wasm_bindgen_test]
async fn dropping_the_channel_stops_delivery() -> Result<(), String> {
    delivery_stops_when(|channel, _subscription| *channel = None).await
}
