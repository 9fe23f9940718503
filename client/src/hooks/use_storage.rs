//! The app-wide storage connection, opened once and shared through a context.

use std::rc::Rc;

use yew::prelude::*;

use crate::storage::{Storage, StorageError};

/// Where the device's storage stands.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageState {
    /// The database is being opened (or upgraded).
    Opening,
    /// The database is ready.
    Ready(Rc<Storage>),
    /// The database cannot be used; the reason is for the rep.
    Failed(StorageError),
}

/// Props of [`StorageProvider`].
#[derive(Properties, PartialEq)]
pub struct StorageProviderProps {
    /// The app below the provider.
    pub children: Children,
}

/// Opens the device's database once and provides it to every hook below.
#[component]
pub fn StorageProvider(props: &StorageProviderProps) -> Html {
    let state = use_state(|| StorageState::Opening);
    {
        let state = state.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match Storage::open().await {
                    Ok(storage) => StorageState::Ready(Rc::new(storage)),
                    Err(error) => StorageState::Failed(error),
                });
            });
        });
    }
    html! {
        <ContextProvider<StorageState> context={(*state).clone()}>
            { props.children.clone() }
        </ContextProvider<StorageState>>
    }
}

/// The device's storage as provided by [`StorageProvider`]; `Opening` outside of one.
#[hook]
pub fn use_storage() -> StorageState {
    use_context::<StorageState>().unwrap_or(StorageState::Opening)
}
