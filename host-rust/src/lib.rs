//! Runs the data-interfaces protocol component under wasmtime.
//!
//! The protocol (`data_interfaces` V1, wire-compatible with `dpcharmlibs.interfaces` 1.2.2)
//! lives in one WebAssembly component; this crate loads it (from a portable precompiled copy
//! shipped with the host when there is one, else compiling once and reading the cache on every
//! later load: [`load`]), runs each call in a sandbox with a memory cap, a fuel bound and a
//! host-call data bound ([`sandbox`]), and connects its imports to a [`Backend`]: Juju's hook
//! tools ([`hooktools`]), an in-memory model of Juju (`memory`, with the `testing` feature), or
//! any world a host implements.
//!
//! The typed API ([`api`], re-exported here) is what a Rust charm uses: build a
//! [`Requirer`] or a [`Provider`] from a configuration, `handle` each hook, react to the
//! events. The whole handshake, over the in-memory Juju:
//!
//! ```
//! use data_interfaces_host::memory::Juju;
//! use data_interfaces_host::{
//!     relation_changed, relation_created, DataInterfaces, ProviderBuilder, ProviderEvent,
//!     Request, RequirerBuilder, RequirerEvent, Response,
//! };
//!
//! // Once per process: loads the component through the precompiled cache.
//! let engine = DataInterfaces::shared()?;
//!
//! let juju = Juju::new();
//! juju.deploy("client", 1);
//! juju.deploy("postgresql", 1);
//! let relation = juju.relate("client", "database", "postgresql", "database");
//!
//! // The requirer asks for a database.
//! let mut client = RequirerBuilder::new("database")
//!     .request(Request::new("clientdb").extra_user_roles("SUPERUSER"))
//!     .build(&engine, juju.unit("client/0"))?;
//! assert!(client.handle(&relation_created(relation, "postgresql"))?.events.is_empty());
//!
//! // The provider answers each request it is told of.
//! let mut db = ProviderBuilder::new("database").build(&engine, juju.unit("postgresql/0"))?;
//! for event in db.handle(&relation_changed(relation, "client"))? {
//!     if let ProviderEvent::ResourceRequested { relation_id, request, .. } = event {
//!         assert_eq!(request.extra_user_roles.as_deref(), Some("SUPERUSER"));
//!         let response = Response::for_request(&request)
//!             .username("relation_0_user")
//!             .password("generated-password")
//!             .endpoints("10.1.2.3:5432");
//!         db.set_response(relation_id, &response)?;
//!     }
//! }
//!
//! // The requirer gets its credentials (they travelled through a Juju secret).
//! let events = client.handle(&relation_changed(relation, "postgresql"))?.events;
//! let [RequirerEvent::ResourceCreated { response, .. }] = events.as_slice() else {
//!     return Err(format!("unexpected events: {events:?}").into());
//! };
//! assert_eq!(response.username.as_deref(), Some("relation_0_user"));
//! assert_eq!(response.password.as_deref(), Some("generated-password"));
//! assert!(client.are_all_resources_created(relation)?);
//! // Debug output redacts the secret values.
//! assert!(!format!("{events:?}").contains("generated-password"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Below the typed API, [`Runtime`] and [`Session`] give one method per export of the
//! component over the raw WIT records ([`wit`]); the handlers are the component's resources,
//! made once in a session from their configuration and held across calls ([`handlers`]). Inside a real Juju hook, [`hooktools`] is the
//! backend: the hook's context from the `JUJU_*` environment, the imports over the hook tools.
//! The command-line host (`data-interfaces`), its JSON forms and the demo are the
//! `data-interfaces-cli` crate.
//!
//! # Features
//!
//! - `testing` (off by default): the in-memory Juju, `memory` (a [`Backend`] per unit over a
//!   model with Juju's access rules), a test double for a charm's tests, as `ops[testing]` is
//!   for ops. A charm enables it under `[dev-dependencies]`; the example above needs it.

pub mod api;
pub mod backend;
pub mod bindings;
pub mod cache;
pub mod display;
pub mod error;
pub mod handlers;
pub mod hooktools;
mod host;
pub mod host_owned;
pub mod load;
#[cfg(any(test, feature = "testing"))]
pub mod memory;
pub mod runtime;
pub mod sandbox;
pub mod shape;
pub mod size;

pub use api::{
    relation_broken, relation_changed, relation_created, DataInterfaces, Handled, Peer, Provider,
    ProviderBuilder, ProviderEvent, Redacted, Rejection, Request, Requirer, RequirerBuilder,
    RequirerEvent, Response,
};
pub use backend::{Backend, BackendError, Entries};
pub use bindings::wit;
pub use error::Error;
pub use load::{LoadOptions, LoadSource};
pub use runtime::{Runtime, Session, COMPONENT, COMPONENT_HASH};
pub use sandbox::Limits;
