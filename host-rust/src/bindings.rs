//! The generated bindings for the `charm:data-interfaces` world, and short names for its types.
//!
//! The build script runs wasmtime's bindgen (the library behind `bindgen!`) over the WIT, with
//! the host-owned types ([`crate::host_owned`]) mapped onto hand-written Rust types. Every
//! record, variant and enum of the contract derives serde's `Serialize` and `Deserialize`, so
//! the hosts' codecs (JSON for the command line, Python objects for the extension) are derived
//! from the WIT rather than written field by field.

// Generated code, linted as `bindgen!`'s expansion is (not at all).
#![allow(unused_variables, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

/// The types of the contract (`charm:data-interfaces/types`), as Rust types, and the records
/// an exported interface defines for itself (`diff-cache`'s [`Diff`](wit::Diff)).
pub mod wit {
    pub use super::charm::data_interfaces::types::*;
    pub use super::exports::charm::data_interfaces::diff_cache::Diff;
}
