//! The typed Rust API: a requirer and a provider handler, as a Rust charm uses them.
//!
//! [`DataInterfaces`] is the loaded component (load it once per process: [`DataInterfaces::shared`]
//! goes through the precompiled cache and keeps the result); each handler ([`Requirer`],
//! [`Provider`]) is a cheap instance of it over one [`Backend`](crate::backend::Backend) —
//! Juju's hook tools ([`crate::hooktools::HookTools`]) in a charm, the in-memory Juju (`memory`,
//! with the crate's `testing` feature) in tests. The handlers' methods mirror the Python
//! library's: `handle` a hook and get the events to react to, `set_response`, `requests`,
//! `responses`, `raise_status`, ...
//!
//! Requests and responses are built with chained setters from a [`Default`]-friendly start:
//!
//! ```
//! use data_interfaces_host::{Request, Response};
//!
//! let request = Request::new("clientdb").extra_user_roles("SUPERUSER");
//! let response = Response::for_request(&request)
//!     .username("relation_7")
//!     .password("s3cr3t-value")
//!     .endpoints("10.1.2.3:5432");
//! assert_eq!(response.resource, "clientdb");
//! // Debug output never shows a secret value.
//! assert!(!format!("{response:?}").contains("s3cr3t-value"));
//! ```
//!
//! # Threads
//!
//! [`DataInterfaces`] (like [`Runtime`](crate::runtime::Runtime)) is `Send + Sync` and cheap to clone: it holds the
//! wasmtime `Engine`, the compiled `Component` and an `InstancePre`, all shareable. A
//! [`Requirer`] or [`Provider`] is not `Send`: it owns a wasmtime `Store` whose data holds a
//! `Box<dyn Backend>` (and the in-memory backend is `Rc`-based). Make one per thread (they
//! cost an instantiation, tens of microseconds).
//!
//! # Secrets
//!
//! [`Request`], [`Response`], the events and the builders print secret values as
//! `<redacted>` in their `Debug` output (the rules of [`crate::display`]); read the values
//! through the fields ([`std::ops::Deref`] to the WIT record) or [`Redacted::expose`].

mod builders;
mod component;
mod events;
mod handled;
mod handlers;
mod hooks;
mod redacted;
mod request;
mod response;

pub use builders::{ProviderBuilder, RequirerBuilder};
pub use component::DataInterfaces;
pub use events::{ProviderEvent, RequirerEvent};
pub use handled::{Handled, Rejection};
pub use handlers::{Peer, Provider, Requirer};
pub use hooks::{relation_broken, relation_changed, relation_created};
pub use redacted::Redacted;
pub use request::Request;
pub use response::Response;

pub use crate::wit::{
    EntityPermission, EntityType, FieldSpec, Hook, PeerConfig, PeerScope, RelationEvent,
    RelationId, SecretEvent, Status,
};
