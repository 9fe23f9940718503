//! A value that crosses the bridge as the worker serialised it and is read only where a page uses
//! it.
//!
//! The page reads every message from the worker in one function, so everything that function
//! reads is in the first screen's module. A [`Carried`] value is taken as it arrived (a
//! JavaScript value, passed through by serde-wasm-bindgen), and [`Carried::open`] reads it. Only
//! the code that calls `open` needs the value's deserialiser, and when that code is a page's, the
//! deserialiser goes into the pages' module with it.
//!
//! Natively (the bridge's messages are tested on the host) the value is simply held.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::state::problem::Problem;

/// A `T` serialised by the worker, read by the page with [`Carried::open`].
#[derive(Clone, Debug, PartialEq)]
pub struct Carried<T> {
    #[cfg(target_arch = "wasm32")]
    value: wasm_bindgen::JsValue,
    #[cfg(not(target_arch = "wasm32"))]
    value: T,
    kind: PhantomData<fn() -> T>,
}

#[cfg(target_arch = "wasm32")]
impl<T: Serialize + DeserializeOwned> Carried<T> {
    /// `value`, serialised now.
    pub fn new(value: &T) -> Result<Self, Problem> {
        serde_wasm_bindgen::to_value(value)
            .map(|value| Self {
                value,
                kind: PhantomData,
            })
            .map_err(|_| Problem::new("problem-storage-failed"))
    }

    /// The value, read now.
    pub fn open(self) -> Result<T, Problem> {
        serde_wasm_bindgen::from_value(self.value)
            .map_err(|_| Problem::new("problem-storage-failed"))
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl<T: Serialize + DeserializeOwned + Clone> Carried<T> {
    /// `value`, held.
    pub fn new(value: &T) -> Result<Self, Problem> {
        Ok(Self {
            value: value.clone(),
            kind: PhantomData,
        })
    }

    /// The value.
    pub fn open(self) -> Result<T, Problem> {
        Ok(self.value)
    }
}

#[cfg(target_arch = "wasm32")]
impl<T> Serialize for Carried<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(&self.value, serializer)
    }
}

#[cfg(target_arch = "wasm32")]
impl<'de, T> Deserialize<'de> for Carried<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(deserializer).map(|value| Self {
            value,
            kind: PhantomData,
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl<T: Serialize> Serialize for Carried<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Carried<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|value| Self {
            value,
            kind: PhantomData,
        })
    }
}
