//! The `data_interfaces` V1 relation protocol, compiled natively for tests and to a WASI component.
//!
//! The protocol logic ([`requirer`], [`provider`], [`peer`], [`relation_data`], [`diff`]) is target-independent and reaches
//! the world only through [`env::Env`]; the component's wit-bindgen glue lives in one module
//! compiled for `wasm32` only.

#![warn(missing_docs)]

pub mod alias;
pub mod bag;
pub mod cache;
pub mod crossmodel;
pub mod diff;
pub mod env;
pub mod error;
pub mod fernet;
pub mod fields;
pub mod ids;
pub mod json;
pub mod model;
pub mod peer;
pub mod provider;
pub mod relation_data;
pub mod requests;
pub mod requirer;
pub mod secrets;
pub mod status;
pub mod v0;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod guest;
