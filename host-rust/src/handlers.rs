//! The component's handlers: its `handler` resources (one per interface: requirer, provider,
//! peer, relation-data), made once from a configuration and called as often as a host likes.
//!
//! Two layers:
//!
//! * [`Session::requirer`] (and `provider`, `peer`, `relation_data`) make a handler inside a
//!   session, and the session's `requirer_*` methods (one per method of the resource) call it:
//!   the raw WIT records in and out. A handler belongs to the session that made it.
//! * [`Held`] keeps a session and one handler in it for as long as a host needs them (a hook,
//!   a process), lets the host swap the backend between calls, and makes both again after a
//!   call that poisoned the instance ([`Error::poisons`]), so one failed call never breaks the
//!   calls after it. The typed API ([`crate::api`]) and the Python host both hold one.
//!
//! ```
//! use data_interfaces_host::handlers::{Held, RequirerHandler};
//! use data_interfaces_host::memory::Juju;
//! use data_interfaces_host::{relation_created, Request, RequirerBuilder, Runtime};
//! use std::sync::Arc;
//!
//! let runtime = Arc::new(Runtime::load()?);
//! let juju = Juju::new();
//! juju.deploy("client", 1);
//! juju.deploy("postgresql", 1);
//! let relation = juju.relate("client", "database", "postgresql", "database");
//! let config = RequirerBuilder::new("database").request(Request::new("clientdb")).into();
//! // The configuration is checked here, once.
//! let mut held = Held::<RequirerHandler>::new(runtime, config, Box::new(juju.unit("client/0")))?;
//! let handled = held.call(|session, handler| {
//!     session.requirer_handle(handler, &relation_created(relation, "postgresql"))
//! })?;
//! assert!(handled.events.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::backend::Backend;
use crate::bindings::wit::{
    Bag, Hook, PeerConfig, PeerScope, ProviderConfig, ProviderHandled, RelationData,
    RelationDataConfig, RelationId, Request, RequirerConfig, RequirerHandled, Response, Status,
};
use crate::error::Error;
use crate::runtime::{Runtime, Session};
use std::fmt;
use std::sync::Arc;
use wasmtime::component::ResourceAny;

/// A handler the component makes from a configuration, inside a session.
pub trait Handler: Copy {
    /// Its configuration.
    type Config: Clone + fmt::Debug;

    /// Make one in a session (the configuration is checked then).
    fn make(session: &mut Session, config: &Self::Config) -> Result<Self, Error>;
}

macro_rules! handler {
    ($(#[$doc:meta])* $name:ident, $config:ty, $make:ident, $export:literal, $interface:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name(ResourceAny);

        impl Handler for $name {
            type Config = $config;

            fn make(session: &mut Session, config: &$config) -> Result<Self, Error> {
                session.$make(config)
            }
        }

        impl Session {
            #[doc = concat!("Make the component's `", $export, "` from a configuration, in this session.")]
            pub fn $make(&mut self, config: &$config) -> Result<$name, Error> {
                self.call(concat!($export, ".create"), |b, s| {
                    let made = b.$interface().handler().call_create(s, config)?;
                    Ok(made.map($crate::size::Handle))
                })?
                .map(|handle| $name(handle.0))
                .map_err(Error::Protocol)
            }
        }
    };
}

handler!(
    /// The component's requirer handler (`requirer.handler`), made in a session.
    RequirerHandler,
    RequirerConfig,
    requirer,
    "requirer.handler",
    charm_data_interfaces_requirer
);
handler!(
    /// The component's provider handler (`provider.handler`), made in a session.
    ProviderHandler,
    ProviderConfig,
    provider,
    "provider.handler",
    charm_data_interfaces_provider
);
handler!(
    /// The component's peer-data handler (`peer.handler`), made in a session.
    PeerHandler,
    PeerConfig,
    peer,
    "peer.handler",
    charm_data_interfaces_peer
);
handler!(
    /// The component's relation-data handler (`relation-data.handler`), made in a session.
    RelationDataHandler,
    RelationDataConfig,
    relation_data,
    "relation-data.handler",
    charm_data_interfaces_relation_data
);

/// One session method per resource method: `$method(handler, args..) -> result<$ok, error>`,
/// named in errors by the WIT's name of the method (`requirer.handle`).
macro_rules! calls {
    ($handler:ident, $interface:ident, $prefix:literal {
        $($(#[$doc:meta])* fn $method:ident => $call:ident $wit:literal ($($arg:ident: $ty:ty),*) -> $ok:ty;)*
    }) => {
        impl Session {
            $(
                $(#[$doc])*
                pub fn $method(&mut self, handler: $handler, $($arg: $ty),*) -> Result<$ok, Error> {
                    self.call(concat!($prefix, ".", $wit), |b, s| {
                        b.$interface().handler().$call(s, handler.0, $($arg),*)
                    })?
                    .map_err(Error::Protocol)
                }
            )*
        }
    };
}

calls!(RequirerHandler, charm_data_interfaces_requirer, "requirer" {
    /// Handle a hook; the events to emit, in order, and the rejected responses.
    fn requirer_handle => call_handle "handle"(hook: &Hook) -> RequirerHandled;
    /// The responses on a relation, with their secret fields filled in.
    fn requirer_responses => call_responses "responses"(relation: RelationId) -> Vec<Response>;
    /// Whether the response to a request carries credentials.
    fn requirer_is_resource_created =>
        call_is_resource_created "is-resource-created"(relation: RelationId, request_id: &str) -> bool;
    /// The statuses the provider raises on a relation, as the requirer sees them.
    fn requirer_statuses => call_statuses "statuses"(relation: RelationId) -> Vec<Status>;
    /// Whether every response with a request id carries credentials.
    fn requirer_are_all_resources_created =>
        call_are_all_resources_created "are-all-resources-created"(relation: RelationId) -> bool;
    /// The alias this unit's bag records for a relation of the endpoint (none when it
    /// records none or the endpoint has no such relation).
    fn requirer_relation_alias => call_relation_alias "relation-alias"(relation: RelationId) -> Option<String>;
    /// Give a relation an alias as relation-created does, and return it.
    fn requirer_assign_alias => call_assign_alias "assign-alias"(relation: RelationId) -> Option<String>;
});

calls!(ProviderHandler, charm_data_interfaces_provider, "provider" {
    /// Handle a hook; the events to emit, in order, and the rejected requests.
    fn provider_handle => call_handle "handle"(hook: &Hook) -> ProviderHandled;
    /// Write (or merge) a response on a relation; leader only.
    fn provider_set_response => call_set_response "set-response"(relation: RelationId, response: &Response) -> ();
    /// Write responses as `provider_set_response` called once for each, in order, with one
    /// read and one write of the bag.
    fn provider_set_response_each =>
        call_set_response_each "set-response-each"(relation: RelationId, responses: &[Response]) -> ();
    /// Write several responses on a relation at once; leader only.
    fn provider_set_responses =>
        call_set_responses "set-responses"(relation: RelationId, responses: &[Response]) -> ();
    /// The requests on a relation.
    fn provider_requests => call_requests "requests"(relation: RelationId) -> Vec<Request>;
    /// The provider's own responses on a relation, with their secret fields filled from its
    /// own secrets.
    fn provider_responses => call_responses "responses"(relation: RelationId) -> Vec<Response>;
    /// Raise a status on a relation; leader only.
    fn provider_raise_status => call_raise_status "raise-status"(relation: RelationId, status: &Status) -> ();
    /// Raise the status of the status schema with this code; leader only.
    fn provider_raise_status_code => call_raise_status_code "raise-status-code"(relation: RelationId, code: i32) -> ();
    /// Resolve a raised status; leader only.
    fn provider_resolve_status => call_resolve_status "resolve-status"(relation: RelationId, code: i32) -> ();
    /// Clear every status of a relation; leader only.
    fn provider_clear_statuses => call_clear_statuses "clear-statuses"(relation: RelationId) -> ();
    /// The statuses raised on a relation, sorted by code; leader only.
    fn provider_statuses => call_statuses "statuses"(relation: RelationId) -> Vec<Status>;
});

calls!(PeerHandler, charm_data_interfaces_peer, "peer" {
    /// The data of a scope, by wire key, each value as JSON text (secret fields filled in).
    fn peer_read => call_read "read"(relation: RelationId, scope: &PeerScope) -> Vec<(String, String)>;
    /// Set fields (JSON text) or delete them (`None`); other keys are left alone.
    fn peer_write => call_write "write"(
        relation: RelationId,
        scope: &PeerScope,
        values: &[(String, Option<String>)]
    ) -> ();
    /// Delete fields of a scope.
    fn peer_delete => call_delete "delete"(relation: RelationId, scope: &PeerScope, keys: &[String]) -> ();
});

calls!(RelationDataHandler, charm_data_interfaces_relation_data, "relation-data" {
    /// A bag's data and the declared secret fields that have a value.
    fn relation_data_read => call_read "read"(relation: RelationId, scope: &Bag) -> RelationData;
    /// Set keys to a string, or delete them (`None` or an empty string); declared secret
    /// fields go to their group's secret.
    fn relation_data_write => call_write "write"(
        relation: RelationId,
        scope: &Bag,
        values: &[(String, Option<String>)]
    ) -> ();
    /// Delete keys (as `relation_data_write` with `None` for each).
    fn relation_data_delete => call_delete "delete"(relation: RelationId, scope: &Bag, keys: &[String]) -> ();
});

/// A session and one handler in it, held for as long as a host needs them.
///
/// The configuration is checked when the holder is made. A call that poisons the instance
/// ([`Error::poisons`]) fails as it would anyway, and the next call makes a fresh session and
/// handler first (over the same backend, and from the same configuration).
pub struct Held<H: Handler> {
    runtime: Arc<Runtime>,
    config: H::Config,
    state: State<H>,
}

/// Where a holder's backend is.
enum State<H> {
    /// In a usable session, with the handler made in it.
    Live(Box<Session>, H),
    /// Out of any session: the last one was poisoned, or could not be made again.
    Idle(Box<dyn Backend>),
}

impl<H: Handler> fmt::Debug for Held<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Held")
            .field("config", &self.config)
            .field("live", &matches!(self.state, State::Live(..)))
            .finish_non_exhaustive()
    }
}

/// A session over `backend` with the handler for `config` in it, or the error and the backend.
fn make<H: Handler>(
    runtime: &Runtime,
    config: &H::Config,
    backend: Box<dyn Backend>,
) -> Result<State<H>, (Error, Box<dyn Backend>)> {
    let mut session = runtime.open(backend)?;
    match H::make(&mut session, config) {
        Ok(handler) => Ok(State::Live(Box::new(session), handler)),
        Err(error) => Err((error, session.into_backend())),
    }
}

impl<H: Handler> Held<H> {
    /// A session over `backend` and the handler for `config` in it (a configuration the
    /// component refuses is the error).
    pub fn new(
        runtime: Arc<Runtime>,
        config: H::Config,
        backend: Box<dyn Backend>,
    ) -> Result<Self, Error> {
        let state = make(&runtime, &config, backend).map_err(|(error, _)| error)?;
        Ok(Held {
            runtime,
            config,
            state,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &H::Config {
        &self.config
    }

    /// Call the handler (making the session again first if the last call poisoned it).
    pub fn call<T>(
        &mut self,
        f: impl FnOnce(&mut Session, H) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if let State::Idle(_) = self.state {
            self.revive()?;
        }
        let State::Live(session, handler) = &mut self.state else {
            unreachable!("revive leaves the holder live or returns its error");
        };
        let result = f(session, *handler);
        if matches!(&result, Err(error) if error.poisons()) {
            self.idle();
        }
        result
    }

    /// The backend, for inspection.
    pub fn backend(&mut self) -> &mut dyn Backend {
        match &mut self.state {
            State::Live(session, _) => session.backend(),
            State::Idle(backend) => backend.as_mut(),
        }
    }

    /// Put another backend in place for the calls that follow; returns the one it replaces.
    pub fn replace_backend(&mut self, backend: Box<dyn Backend>) -> Box<dyn Backend> {
        match &mut self.state {
            State::Live(session, _) => session.replace_backend(backend),
            State::Idle(idle) => std::mem::replace(idle, backend),
        }
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        match self.state {
            State::Live(session, _) => session.into_backend(),
            State::Idle(backend) => backend,
        }
    }

    /// Drop the poisoned session, keeping its backend.
    fn idle(&mut self) {
        if let State::Live(..) = self.state {
            let placeholder = State::Idle(Box::new(crate::backend::Detached));
            if let State::Live(session, _) = std::mem::replace(&mut self.state, placeholder) {
                self.state = State::Idle(session.into_backend());
            }
        }
    }

    /// Make the session and the handler again over the idle backend.
    fn revive(&mut self) -> Result<(), Error> {
        let placeholder = State::Idle(Box::new(crate::backend::Detached));
        let State::Idle(backend) = std::mem::replace(&mut self.state, placeholder) else {
            return Ok(());
        };
        match make(&self.runtime, &self.config, backend) {
            Ok(state) => {
                self.state = state;
                Ok(())
            }
            Err((error, backend)) => {
                self.state = State::Idle(backend);
                Err(error)
            }
        }
    }
}
