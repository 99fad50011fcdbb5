//! Runs the data-interfaces protocol component under wasmtime.
//!
//! The protocol (`data_interfaces` V1, wire-compatible with `dpcharmlibs.interfaces` 1.2.2)
//! lives in one WebAssembly component; this crate loads it (compiling once, then reading the
//! precompiled copy from a cache on every later load), runs each call in a sandbox with a
//! memory cap, a fuel bound and a host-call data bound, and connects its imports to a
//! [`Backend`]: an in-memory model of Juju ([`memory`]), or any world a host implements.
//!
//! ```no_run
//! use data_interfaces_host::{memory::Juju, Runtime};
//! use data_interfaces_host::wit::{Hook, RelationEvent};
//!
//! let runtime = Runtime::load()?;
//! let juju = Juju::new();
//! let mut session = runtime.session(Box::new(juju.unit("client/0")))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backend;
pub mod bindings;
pub mod cache;
pub mod demo;
pub mod display;
pub mod error;
pub mod hooktools;
mod host;
pub mod memory;
pub mod runtime;

pub use backend::{Backend, BackendError, Entries};
pub use bindings::wit;
pub use error::Error;
pub use runtime::{Limits, LoadOptions, LoadSource, Runtime, Session, COMPONENT, COMPONENT_HASH};
