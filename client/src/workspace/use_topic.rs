//! The hook views use to follow a topic of the workspace service: a number that moves whenever
//! what the topic reads may have changed, to key a reading effect on (in place of a revision
//! every list shared).

use std::rc::Rc;

use yew::prelude::*;

use super::invalidation::Topic;
use crate::hooks::use_sync;

/// How many times `topic` was reported stale since the view mounted.
#[derive(Default, PartialEq)]
struct Staleness(u64);

impl Reducible for Staleness {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Self(self.0 + 1))
    }
}

/// A number that grows each time the workspace service reports `topic` stale; `0` until
/// storage is open.
#[hook]
pub fn use_topic(topic: Topic) -> u64 {
    let staleness = use_reducer(Staleness::default);
    let workspace = use_sync().and_then(|sync| sync.workspace());
    {
        let dispatcher = staleness.dispatcher();
        use_effect_with((topic, workspace), move |(topic, workspace)| {
            let subscription = workspace
                .as_ref()
                .map(|workspace| workspace.subscribe(*topic, move || dispatcher.dispatch(())));
            move || drop(subscription)
        });
    }
    staleness.0
}
