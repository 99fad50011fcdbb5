//! The typed Rust API: a requirer and a provider handler, as a Rust charm uses them.
//!
//! [`DataInterfaces`] is the loaded component (load it once per process: [`DataInterfaces::shared`]
//! goes through the precompiled cache and keeps the result); each handler ([`Requirer`],
//! [`Provider`]) is a cheap instance of it over one [`Backend`] — Juju's hook tools
//! ([`crate::hooktools::HookTools`]) in a charm, the in-memory Juju ([`crate::memory`]) in
//! tests. The handlers' methods mirror the Python library's: `handle` a hook and get the
//! events to react to, `set_response`, `requests`, `responses`, `raise_status`, ...
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
//! [`DataInterfaces`] (like [`Runtime`]) is `Send + Sync` and cheap to clone: it holds the
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

use crate::backend::Backend;
use crate::display;
use crate::error::Error;
use crate::handlers::{Held, PeerHandler, ProviderHandler, RequirerHandler};
use crate::load::LoadOptions;
use crate::runtime::Runtime;
use crate::wit;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

pub use crate::wit::{
    EntityPermission, EntityType, FieldSpec, Hook, PeerConfig, PeerScope, RelationEvent,
    RelationId, SecretEvent, Status,
};

/// The component, loaded and linked: hands out [`Requirer`] and [`Provider`] instances.
///
/// Cloning is cheap (an `Arc`); it is `Send + Sync`.
#[derive(Clone)]
pub struct DataInterfaces {
    runtime: Arc<Runtime>,
}

// The guarantee the module docs make, checked at compile time.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Runtime>();
    send_sync::<DataInterfaces>();
};

static SHARED: OnceLock<DataInterfaces> = OnceLock::new();

impl fmt::Debug for DataInterfaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DataInterfaces")
            .field(&self.runtime)
            .finish()
    }
}

impl DataInterfaces {
    /// The process-wide instance with the default [`LoadOptions`]: the first call loads the
    /// component (through the precompiled cache), later calls return the same one.
    pub fn shared() -> Result<DataInterfaces, Error> {
        if let Some(shared) = SHARED.get() {
            return Ok(shared.clone());
        }
        let loaded = DataInterfaces::load_with(&LoadOptions::default())?;
        // Another thread may have won the race; either copy is as good.
        Ok(SHARED.get_or_init(|| loaded).clone())
    }

    /// Load the component with these options (not shared with [`DataInterfaces::shared`]).
    pub fn load_with(options: &LoadOptions) -> Result<DataInterfaces, Error> {
        Runtime::load_with(options).map(DataInterfaces::from)
    }

    /// The runtime, for the raw per-export calls ([`Runtime::session`]) and load details.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// A requirer handler over a backend.
    pub fn requirer(
        &self,
        config: impl Into<wit::RequirerConfig>,
        backend: impl Backend + 'static,
    ) -> Result<Requirer, Error> {
        let held = Held::new(self.runtime.clone(), config.into(), Box::new(backend))?;
        Ok(Requirer { held })
    }

    /// The peer data of a peer endpoint over a backend.
    pub fn peer(&self, config: PeerConfig, backend: impl Backend + 'static) -> Result<Peer, Error> {
        let held = Held::new(self.runtime.clone(), config, Box::new(backend))?;
        Ok(Peer { held })
    }

    /// A provider handler over a backend.
    pub fn provider(
        &self,
        config: impl Into<wit::ProviderConfig>,
        backend: impl Backend + 'static,
    ) -> Result<Provider, Error> {
        let held = Held::new(self.runtime.clone(), config.into(), Box::new(backend))?;
        Ok(Provider { held })
    }
}

impl From<Runtime> for DataInterfaces {
    fn from(runtime: Runtime) -> Self {
        DataInterfaces {
            runtime: Arc::new(runtime),
        }
    }
}

impl From<Arc<Runtime>> for DataInterfaces {
    fn from(runtime: Arc<Runtime>) -> Self {
        DataInterfaces { runtime }
    }
}

// ---- hooks ----

fn relation_event(relation_id: RelationId, remote: &str) -> RelationEvent {
    let (app, unit) = match remote.split_once('/') {
        Some((app, _)) => (app.to_owned(), Some(remote.to_owned())),
        None => (remote.to_owned(), None),
    };
    RelationEvent {
        relation_id,
        app: (!app.is_empty()).then_some(app),
        unit,
    }
}

/// `<endpoint>-relation-created`, triggered by `remote` (an application or a unit name).
pub fn relation_created(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationCreated(relation_event(relation_id, remote))
}

/// `<endpoint>-relation-changed`, triggered by `remote` (an application or a unit name).
pub fn relation_changed(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationChanged(relation_event(relation_id, remote))
}

/// `<endpoint>-relation-broken`, triggered by `remote` (an application or a unit name).
pub fn relation_broken(relation_id: RelationId, remote: &str) -> Hook {
    Hook::RelationBroken(relation_event(relation_id, remote))
}

// ---- secret values ----

/// A secret value: `Debug` prints `<redacted>`; [`Redacted::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Redacted {
    fn from(value: String) -> Self {
        Redacted(value)
    }
}

/// A text shown as is by `Debug` (the redacted renderings of [`crate::display`]).
struct Shown(String);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- requests ----

/// A requirer's request, built with chained setters; `Debug` redacts secret values.
///
/// It dereferences to the WIT record, so every field reads as `request.resource`,
/// `request.request_id`, ...
#[derive(Clone)]
pub struct Request(wit::Request);

impl Default for Request {
    fn default() -> Self {
        Request::new("")
    }
}

impl Request {
    /// A request for a resource (a database, a topic, an index), every other field unset.
    pub fn new(resource: impl Into<String>) -> Self {
        Request(wit::Request {
            resource: resource.into(),
            request_id: None,
            salt: String::new(),
            extra_user_roles: None,
            extra_group_roles: None,
            external_node_connectivity: false,
            entity_type: None,
            entity_permissions: None,
            secret_mtls: None,
            mtls_cert: None,
            secret_requested_entity: None,
            entity_name: None,
            entity_password: None,
            prefix_matching: None,
            extra: Vec::new(),
        })
    }

    /// An entity-only request (a user or a group, no resource).
    pub fn entity(entity_type: EntityType) -> Self {
        Request::new("").entity_type(entity_type)
    }

    /// The salt of the request id (empty, the default, lets the component generate one).
    pub fn salt(mut self, salt: impl Into<String>) -> Self {
        self.0.salt = salt.into();
        self
    }

    /// Extra roles for the user (`extra-user-roles`).
    pub fn extra_user_roles(mut self, roles: impl Into<String>) -> Self {
        self.0.extra_user_roles = Some(roles.into());
        self
    }

    /// Extra roles for the group (`extra-group-roles`).
    pub fn extra_group_roles(mut self, roles: impl Into<String>) -> Self {
        self.0.extra_group_roles = Some(roles.into());
        self
    }

    /// Ask for endpoints reachable from outside the cluster.
    pub fn external_node_connectivity(mut self, enabled: bool) -> Self {
        self.0.external_node_connectivity = enabled;
        self
    }

    /// The kind of entity to create.
    pub fn entity_type(mut self, entity_type: EntityType) -> Self {
        self.0.entity_type = Some(entity_type);
        self
    }

    /// The permissions of the requested entity.
    pub fn entity_permissions(
        mut self,
        permissions: impl IntoIterator<Item = EntityPermission>,
    ) -> Self {
        self.0.entity_permissions = Some(permissions.into_iter().collect());
        self
    }

    /// The requested entity's name (a secret field).
    pub fn entity_name(mut self, name: impl Into<String>) -> Self {
        self.0.entity_name = Some(name.into());
        self
    }

    /// The requested entity's password (a secret field).
    pub fn entity_password(mut self, password: impl Into<String>) -> Self {
        self.0.entity_password = Some(password.into());
        self
    }

    /// The client certificate for mTLS (a secret field).
    pub fn mtls_cert(mut self, cert: impl Into<String>) -> Self {
        self.0.mtls_cert = Some(cert.into());
        self
    }

    /// Ask for every resource matching a prefix (`prefix-matching`).
    pub fn prefix_matching(mut self, mode: impl Into<String>) -> Self {
        self.0.prefix_matching = Some(mode.into());
        self
    }

    /// A field of a request-model subclass: its wire key and its value as JSON text.
    pub fn extra_field(mut self, key: impl Into<String>, json: impl Into<String>) -> Self {
        self.0.extra.push((key.into(), json.into()));
        self
    }

    /// The WIT record.
    pub fn as_wit(&self) -> &wit::Request {
        &self.0
    }

    /// The WIT record, owned.
    pub fn into_wit(self) -> wit::Request {
        self.0
    }
}

impl Deref for Request {
    type Target = wit::Request;
    fn deref(&self) -> &wit::Request {
        &self.0
    }
}

impl Borrow<wit::Request> for Request {
    fn borrow(&self) -> &wit::Request {
        &self.0
    }
}

impl From<wit::Request> for Request {
    fn from(request: wit::Request) -> Self {
        Request(request)
    }
}

impl From<Request> for wit::Request {
    fn from(request: Request) -> Self {
        request.0
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Request {{ {} }}", display::request(&self.0))
    }
}

// ---- responses ----

/// A provider's response, built with chained setters; `Debug` redacts secret values.
///
/// It dereferences to the WIT record, so every field reads as `response.username`,
/// `response.endpoints`, ...
#[derive(Clone)]
pub struct Response(wit::Response);

impl Default for Response {
    fn default() -> Self {
        Response::new("")
    }
}

impl Response {
    /// A response for a resource with no request id (what a v0 requirer reads).
    pub fn new(resource: impl Into<String>) -> Self {
        Response(wit::Response {
            resource: resource.into(),
            request_id: None,
            salt: String::new(),
            endpoints: None,
            read_only_endpoints: None,
            secret_user: None,
            secret_tls: None,
            secret_extra: None,
            secret_entity: None,
            username: None,
            password: None,
            uris: None,
            read_only_uris: None,
            tls: None,
            tls_ca: None,
            entity_name: None,
            entity_password: None,
            version: None,
            prefix_resources: None,
            extra: Vec::new(),
            cleared: Vec::new(),
        })
    }

    /// The response to a request: its resource, request id and salt, nothing else set.
    pub fn for_request(request: &impl Borrow<wit::Request>) -> Self {
        let request = request.borrow();
        let mut response = Response::new(request.resource.clone());
        response.0.request_id = request.request_id.clone();
        response.0.salt = request.salt.clone();
        response
    }

    /// The user's name (secret group `user`).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.0.username = Some(username.into());
        self.unclear("username");
        self
    }

    /// The user's password (secret group `user`).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.0.password = Some(password.into());
        self.unclear("password");
        self
    }

    /// Connection URIs (secret group `user`).
    pub fn uris(mut self, uris: impl Into<String>) -> Self {
        self.0.uris = Some(uris.into());
        self.unclear("uris");
        self
    }

    /// Read-only connection URIs (secret group `user`).
    pub fn read_only_uris(mut self, uris: impl Into<String>) -> Self {
        self.0.read_only_uris = Some(uris.into());
        self.unclear("read-only-uris");
        self
    }

    /// The endpoints (`host:port`, comma separated).
    pub fn endpoints(mut self, endpoints: impl Into<String>) -> Self {
        self.0.endpoints = Some(endpoints.into());
        self.unclear("endpoints");
        self
    }

    /// The read-only endpoints.
    pub fn read_only_endpoints(mut self, endpoints: impl Into<String>) -> Self {
        self.0.read_only_endpoints = Some(endpoints.into());
        self.unclear("read-only-endpoints");
        self
    }

    /// Whether TLS is on (secret group `tls`).
    pub fn tls(mut self, enabled: bool) -> Self {
        self.0.tls = Some(enabled);
        self.unclear("tls");
        self
    }

    /// The CA certificate (secret group `tls`).
    pub fn tls_ca(mut self, ca: impl Into<String>) -> Self {
        self.0.tls_ca = Some(ca.into());
        self.unclear("tls-ca");
        self
    }

    /// The created entity's name (secret group `entity`).
    pub fn entity_name(mut self, name: impl Into<String>) -> Self {
        self.0.entity_name = Some(name.into());
        self.unclear("entity-name");
        self
    }

    /// The created entity's password (secret group `entity`).
    pub fn entity_password(mut self, password: impl Into<String>) -> Self {
        self.0.entity_password = Some(password.into());
        self.unclear("entity-password");
        self
    }

    /// The workload's version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.0.version = Some(version.into());
        self.unclear("version");
        self
    }

    /// The resources a prefix request matched.
    pub fn prefix_resources(mut self, resources: impl Into<String>) -> Self {
        self.0.prefix_resources = Some(resources.into());
        self.unclear("prefix-resources");
        self
    }

    /// A field of a response-model subclass: its wire key and its value as JSON text.
    pub fn extra_field(mut self, key: impl Into<String>, json: impl Into<String>) -> Self {
        let key = key.into();
        self.unclear(&key);
        self.0.extra.push((key, json.into()));
        self
    }

    /// Clears a field, by wire key (`"password"`, `"endpoints"`, an extra field's key), as a
    /// Python charm sets it to `None`: writing the response over a stored one makes a plain
    /// field null and removes a secret field from its group's secret, which goes away with its
    /// `secret-{group}` URI once empty. A value this builder holds for the key is dropped, and
    /// a later setter for the key sets it again. The component refuses to clear `resource` or
    /// `salt` (an `invalid-model` error).
    ///
    /// ```
    /// use data_interfaces_host::Response;
    ///
    /// let response = Response::new("clientdb").username("u").clear("password");
    /// assert_eq!(response.cleared, ["password"]);
    /// assert_eq!(response.password, None);
    /// ```
    pub fn clear(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        let r = &mut self.0;
        match key.as_str() {
            "endpoints" => r.endpoints = None,
            "read-only-endpoints" => r.read_only_endpoints = None,
            "secret-user" => r.secret_user = None,
            "secret-tls" => r.secret_tls = None,
            "secret-extra" => r.secret_extra = None,
            "secret-entity" => r.secret_entity = None,
            "username" => r.username = None,
            "password" => r.password = None,
            "uris" => r.uris = None,
            "read-only-uris" => r.read_only_uris = None,
            "tls" => r.tls = None,
            "tls-ca" => r.tls_ca = None,
            "entity-name" => r.entity_name = None,
            "entity-password" => r.entity_password = None,
            "version" => r.version = None,
            "prefix-resources" => r.prefix_resources = None,
            "request-id" => r.request_id = None,
            _ => r.extra.retain(|(k, _)| *k != key),
        }
        if !r.cleared.contains(&key) {
            r.cleared.push(key);
        }
        self
    }

    /// A setter gives the key a value again: it is no longer cleared.
    fn unclear(&mut self, key: &str) {
        self.0.cleared.retain(|k| k != key);
    }

    /// The WIT record.
    pub fn as_wit(&self) -> &wit::Response {
        &self.0
    }

    /// The WIT record, owned.
    pub fn into_wit(self) -> wit::Response {
        self.0
    }
}

impl Deref for Response {
    type Target = wit::Response;
    fn deref(&self) -> &wit::Response {
        &self.0
    }
}

impl Borrow<wit::Response> for Response {
    fn borrow(&self) -> &wit::Response {
        &self.0
    }
}

impl From<wit::Response> for Response {
    fn from(response: wit::Response) -> Self {
        Response(response)
    }
}

impl From<Response> for wit::Response {
    fn from(response: Response) -> Self {
        response.0
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Response {{ {} }}", display::response(&self.0))
    }
}

// ---- what a hook produced ----

/// What a hook produced: the events to react to, in order, and the entries it rejected.
///
/// A malformed request (on the provider side) or response (on the requirer side) is rejected
/// alone: nothing is written for it and no event fires for it, while the others are handled.
/// Iterating a `Handled` iterates its events.
#[derive(Debug, Clone)]
pub struct Handled<E> {
    /// The events, in order.
    pub events: Vec<E>,
    /// The requests or responses the hook could not handle (the component also logs each as
    /// an error).
    pub rejections: Vec<Rejection>,
}

impl<E> Handled<E> {
    fn from_wit<W>(
        events: Vec<W>,
        rejections: Vec<wit::Rejection>,
        event: fn(W) -> Result<E, Error>,
    ) -> Result<Self, Error> {
        Ok(Handled {
            events: events.into_iter().map(event).collect::<Result<_, _>>()?,
            rejections: rejections.into_iter().map(Rejection::from_wit).collect(),
        })
    }
}

impl<E> IntoIterator for Handled<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a, E> IntoIterator for &'a Handled<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

/// A request or response a hook could not handle. `Display` names the relation (and its
/// alias, when it has one), the bag, the key, the entry and the reason; neither it nor `Debug`
/// carries a secret value.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// The relation.
    pub relation_id: RelationId,
    /// The entry's request id, when it could be read.
    pub request_id: Option<String>,
    /// The relation's alias, as the requirer's events carry it (a requirer with relation
    /// aliases); `None` on the provider side.
    pub alias: Option<String>,
    /// Why.
    pub error: wit::Error,
}

impl Rejection {
    fn from_wit(rejection: wit::Rejection) -> Self {
        Rejection {
            relation_id: rejection.relation_id,
            request_id: rejection.request_id,
            alias: rejection.alias,
            error: rejection.error,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request_id {
            Some(id) => write!(f, "request {id} rejected")?,
            None => f.write_str("request rejected")?,
        }
        if let Some(alias) = &self.alias {
            write!(f, " on {alias}")?;
        }
        f.write_str(": ")?;
        f.write_str(&crate::error::describe(&self.error))
    }
}

// ---- events ----

/// An event for the requirer charm. `Debug` redacts the response's secret values.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RequirerEvent {
    /// The provider created the resource: the response carries the credentials.
    ResourceCreated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias, when aliases are configured.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The provider created the requested entity.
    ResourceEntityCreated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The endpoints changed.
    EndpointsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The read-only endpoints changed.
    ReadOnlyEndpointsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The credentials (or TLS material) changed.
    AuthenticationUpdated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The resources matching a prefix request changed.
    PrefixResourcesChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The provider raised a status.
    StatusRaised {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The status.
        status: Status,
        /// The statuses the provider raises after the change, as
        /// [`Requirer::statuses`] would return them.
        active_statuses: Vec<Status>,
    },
    /// The provider resolved a status.
    StatusResolved {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The status.
        status: Status,
        /// The statuses the provider raises after the change, as
        /// [`Requirer::statuses`] would return them.
        active_statuses: Vec<Status>,
    },
}

/// The component broke the contract: an event without the payload its kind needs.
fn malformed(call: &'static str, kind: &str, missing: &str) -> Error {
    Error::Contract {
        call,
        message: format!("the component returned a {kind} event without its {missing}"),
    }
}

impl RequirerEvent {
    /// The typed event of a WIT event; an event without the payload its kind needs is an
    /// [`Error::Contract`] (the component broke the contract).
    pub fn from_wit(event: wit::RequirerEvent) -> Result<Self, Error> {
        use wit::RequirerEventKind as K;
        let name = display::requirer_kind(event.kind);
        let wit::RequirerEvent {
            kind,
            relation_id,
            app,
            unit,
            alias,
            response,
            status,
            active_statuses,
        } = event;
        let call = "requirer.handle";
        if matches!(kind, K::StatusRaised | K::StatusResolved) {
            let status = status.ok_or_else(|| malformed(call, name, "status"))?;
            return Ok(if kind == K::StatusRaised {
                RequirerEvent::StatusRaised {
                    relation_id,
                    app,
                    unit,
                    alias,
                    status,
                    active_statuses,
                }
            } else {
                RequirerEvent::StatusResolved {
                    relation_id,
                    app,
                    unit,
                    alias,
                    status,
                    active_statuses,
                }
            });
        }
        let response = Response(response.ok_or_else(|| malformed(call, name, "response"))?);
        Ok(match kind {
            K::ResourceCreated => RequirerEvent::ResourceCreated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::ResourceEntityCreated => RequirerEvent::ResourceEntityCreated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::EndpointsChanged => RequirerEvent::EndpointsChanged {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::ReadOnlyEndpointsChanged => RequirerEvent::ReadOnlyEndpointsChanged {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::AuthenticationUpdated => RequirerEvent::AuthenticationUpdated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::PrefixResourcesChanged | K::StatusRaised | K::StatusResolved => {
                RequirerEvent::PrefixResourcesChanged {
                    relation_id,
                    app,
                    unit,
                    alias,
                    response,
                }
            }
        })
    }

    /// The name a charm observes (`resource_created`, `endpoints_changed`, ...).
    pub fn name(&self) -> &'static str {
        use wit::RequirerEventKind as K;
        display::requirer_kind(match self {
            RequirerEvent::ResourceCreated { .. } => K::ResourceCreated,
            RequirerEvent::ResourceEntityCreated { .. } => K::ResourceEntityCreated,
            RequirerEvent::EndpointsChanged { .. } => K::EndpointsChanged,
            RequirerEvent::ReadOnlyEndpointsChanged { .. } => K::ReadOnlyEndpointsChanged,
            RequirerEvent::AuthenticationUpdated { .. } => K::AuthenticationUpdated,
            RequirerEvent::PrefixResourcesChanged { .. } => K::PrefixResourcesChanged,
            RequirerEvent::StatusRaised { .. } => K::StatusRaised,
            RequirerEvent::StatusResolved { .. } => K::StatusResolved,
        })
    }

    /// The relation the event is about.
    pub fn relation_id(&self) -> RelationId {
        match self {
            RequirerEvent::ResourceCreated { relation_id, .. }
            | RequirerEvent::ResourceEntityCreated { relation_id, .. }
            | RequirerEvent::EndpointsChanged { relation_id, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { relation_id, .. }
            | RequirerEvent::AuthenticationUpdated { relation_id, .. }
            | RequirerEvent::PrefixResourcesChanged { relation_id, .. }
            | RequirerEvent::StatusRaised { relation_id, .. }
            | RequirerEvent::StatusResolved { relation_id, .. } => *relation_id,
        }
    }

    /// The remote application the hook came from, if Juju named one.
    pub fn app(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { app, .. }
            | RequirerEvent::ResourceEntityCreated { app, .. }
            | RequirerEvent::EndpointsChanged { app, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { app, .. }
            | RequirerEvent::AuthenticationUpdated { app, .. }
            | RequirerEvent::PrefixResourcesChanged { app, .. }
            | RequirerEvent::StatusRaised { app, .. }
            | RequirerEvent::StatusResolved { app, .. } => app.as_deref(),
        }
    }
    /// The remote unit the hook came from, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { unit, .. }
            | RequirerEvent::ResourceEntityCreated { unit, .. }
            | RequirerEvent::EndpointsChanged { unit, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { unit, .. }
            | RequirerEvent::AuthenticationUpdated { unit, .. }
            | RequirerEvent::PrefixResourcesChanged { unit, .. }
            | RequirerEvent::StatusRaised { unit, .. }
            | RequirerEvent::StatusResolved { unit, .. } => unit.as_deref(),
        }
    }

    /// The relation's alias, when aliases are configured (the charm also observes
    /// `<alias>_<name>`).
    pub fn alias(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { alias, .. }
            | RequirerEvent::ResourceEntityCreated { alias, .. }
            | RequirerEvent::EndpointsChanged { alias, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { alias, .. }
            | RequirerEvent::AuthenticationUpdated { alias, .. }
            | RequirerEvent::PrefixResourcesChanged { alias, .. }
            | RequirerEvent::StatusRaised { alias, .. }
            | RequirerEvent::StatusResolved { alias, .. } => alias.as_deref(),
        }
    }

    /// The response, for every event but the status ones.
    pub fn response(&self) -> Option<&Response> {
        match self {
            RequirerEvent::ResourceCreated { response, .. }
            | RequirerEvent::ResourceEntityCreated { response, .. }
            | RequirerEvent::EndpointsChanged { response, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { response, .. }
            | RequirerEvent::AuthenticationUpdated { response, .. }
            | RequirerEvent::PrefixResourcesChanged { response, .. } => Some(response),
            RequirerEvent::StatusRaised { .. } | RequirerEvent::StatusResolved { .. } => None,
        }
    }

    /// The status, for `status_raised` and `status_resolved`.
    pub fn status(&self) -> Option<&Status> {
        match self {
            RequirerEvent::StatusRaised { status, .. }
            | RequirerEvent::StatusResolved { status, .. } => Some(status),
            _ => None,
        }
    }
}

/// An event for the provider charm. `Debug` redacts the requests' secret values and the old
/// mTLS certificate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProviderEvent {
    /// The requirer asked for a resource: answer with [`Provider::set_response`].
    ResourceRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The requirer asked for an entity (a user or a group).
    ResourceEntityRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The permissions of a requested entity changed.
    ResourceEntityPermissionsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The requirer's mTLS certificate changed.
    MtlsCertUpdated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request, with the new certificate.
        request: Request,
        /// The certificate before the change.
        old_mtls_cert: Option<Redacted>,
    },
    /// Every request of the relation at once (a provider configured with `bulk_event`).
    BulkResourcesRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The requests.
        requests: Vec<Request>,
    },
}

impl ProviderEvent {
    /// The typed event of a WIT event; a single-request event without a request is an
    /// [`Error::Contract`] (the component broke the contract).
    pub fn from_wit(event: wit::ProviderEvent) -> Result<Self, Error> {
        use wit::ProviderEventKind as K;
        let name = display::provider_kind(event.kind);
        let wit::ProviderEvent {
            kind,
            relation_id,
            app,
            unit,
            requests,
            old_mtls_cert,
        } = event;
        let mut requests: Vec<Request> = requests.into_iter().map(Request).collect();
        if kind == K::BulkResourcesRequested {
            return Ok(ProviderEvent::BulkResourcesRequested {
                relation_id,
                app,
                unit,
                requests,
            });
        }
        if requests.is_empty() {
            return Err(malformed("provider.handle", name, "request"));
        }
        let request = requests.swap_remove(0);
        Ok(match kind {
            K::ResourceRequested => ProviderEvent::ResourceRequested {
                relation_id,
                app,
                unit,
                request,
            },
            K::ResourceEntityRequested => ProviderEvent::ResourceEntityRequested {
                relation_id,
                app,
                unit,
                request,
            },
            K::ResourceEntityPermissionsChanged => {
                ProviderEvent::ResourceEntityPermissionsChanged {
                    relation_id,
                    app,
                    unit,
                    request,
                }
            }
            K::MtlsCertUpdated | K::BulkResourcesRequested => ProviderEvent::MtlsCertUpdated {
                relation_id,
                app,
                unit,
                request,
                old_mtls_cert: old_mtls_cert.map(Redacted),
            },
        })
    }

    /// The name a charm observes (`resource_requested`, ...).
    pub fn name(&self) -> &'static str {
        use wit::ProviderEventKind as K;
        display::provider_kind(match self {
            ProviderEvent::ResourceRequested { .. } => K::ResourceRequested,
            ProviderEvent::ResourceEntityRequested { .. } => K::ResourceEntityRequested,
            ProviderEvent::ResourceEntityPermissionsChanged { .. } => {
                K::ResourceEntityPermissionsChanged
            }
            ProviderEvent::MtlsCertUpdated { .. } => K::MtlsCertUpdated,
            ProviderEvent::BulkResourcesRequested { .. } => K::BulkResourcesRequested,
        })
    }

    /// The relation the event is about.
    pub fn relation_id(&self) -> RelationId {
        match self {
            ProviderEvent::ResourceRequested { relation_id, .. }
            | ProviderEvent::ResourceEntityRequested { relation_id, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { relation_id, .. }
            | ProviderEvent::MtlsCertUpdated { relation_id, .. }
            | ProviderEvent::BulkResourcesRequested { relation_id, .. } => *relation_id,
        }
    }

    /// The remote application the hook came from, if Juju named one.
    pub fn app(&self) -> Option<&str> {
        match self {
            ProviderEvent::ResourceRequested { app, .. }
            | ProviderEvent::ResourceEntityRequested { app, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { app, .. }
            | ProviderEvent::MtlsCertUpdated { app, .. }
            | ProviderEvent::BulkResourcesRequested { app, .. } => app.as_deref(),
        }
    }
    /// The remote unit the hook came from, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            ProviderEvent::ResourceRequested { unit, .. }
            | ProviderEvent::ResourceEntityRequested { unit, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { unit, .. }
            | ProviderEvent::MtlsCertUpdated { unit, .. }
            | ProviderEvent::BulkResourcesRequested { unit, .. } => unit.as_deref(),
        }
    }

    /// For `mtls_cert_updated`: the certificate before the change (a secret value).
    pub fn old_mtls_cert(&self) -> Option<&Redacted> {
        match self {
            ProviderEvent::MtlsCertUpdated { old_mtls_cert, .. } => old_mtls_cert.as_ref(),
            _ => None,
        }
    }

    /// The event's requests: one, or all of them for `bulk_resources_requested`.
    pub fn requests(&self) -> &[Request] {
        match self {
            ProviderEvent::ResourceRequested { request, .. }
            | ProviderEvent::ResourceEntityRequested { request, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { request, .. }
            | ProviderEvent::MtlsCertUpdated { request, .. } => std::slice::from_ref(request),
            ProviderEvent::BulkResourcesRequested { requests, .. } => requests,
        }
    }
}

// ---- configurations ----

fn field_spec(key: impl Into<String>, secret_group: Option<&str>) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        secret_group: secret_group.map(str::to_owned),
    }
}

/// Builds a requirer's configuration, and the [`Requirer`] itself.
#[derive(Clone)]
pub struct RequirerBuilder {
    config: wit::RequirerConfig,
}

impl RequirerBuilder {
    /// A requirer of an endpoint (the relation name in `metadata.yaml`), with no request yet.
    pub fn new(endpoint: impl Into<String>) -> Self {
        RequirerBuilder {
            config: wit::RequirerConfig {
                endpoint: endpoint.into(),
                requests: Vec::new(),
                request_fields: Vec::new(),
                response_fields: Vec::new(),
                relation_aliases: Vec::new(),
            },
        }
    }

    /// Add a request, made on every relation of the endpoint.
    pub fn request(mut self, request: impl Into<wit::Request>) -> Self {
        self.config.requests.push(request.into());
        self
    }

    /// Add requests.
    pub fn requests<R: Into<wit::Request>>(
        mut self,
        requests: impl IntoIterator<Item = R>,
    ) -> Self {
        self.config
            .requests
            .extend(requests.into_iter().map(Into::into));
        self
    }

    /// A field the request model adds (wire key), in a secret group or plain (`None`).
    pub fn request_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .request_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A field the response model adds (wire key), in a secret group or plain (`None`).
    pub fn response_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .response_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A relation alias (one per allowed relation).
    pub fn relation_alias(mut self, alias: impl Into<String>) -> Self {
        self.config.relation_aliases.push(alias.into());
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &wit::RequirerConfig {
        &self.config
    }

    /// A requirer over a backend.
    pub fn build(
        self,
        engine: &DataInterfaces,
        backend: impl Backend + 'static,
    ) -> Result<Requirer, Error> {
        engine.requirer(self.config, backend)
    }
}

impl From<RequirerBuilder> for wit::RequirerConfig {
    fn from(builder: RequirerBuilder) -> Self {
        builder.config
    }
}

impl fmt::Debug for RequirerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        requirer_config_debug("RequirerBuilder", &self.config, f)
    }
}

/// A requirer configuration for `Debug`, the requests' secret values redacted.
pub(crate) fn requirer_config_debug(
    name: &str,
    c: &wit::RequirerConfig,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let requests: Vec<Shown> = c
        .requests
        .iter()
        .map(|r| Shown(display::request(r)))
        .collect();
    f.debug_struct(name)
        .field("endpoint", &c.endpoint)
        .field("requests", &requests)
        .field("request_fields", &c.request_fields)
        .field("response_fields", &c.response_fields)
        .field("relation_aliases", &c.relation_aliases)
        .finish()
}

/// Builds a provider's configuration, and the [`Provider`] itself.
#[derive(Debug, Clone)]
pub struct ProviderBuilder {
    config: wit::ProviderConfig,
}

impl ProviderBuilder {
    /// A provider of an endpoint (the relation name in `metadata.yaml`).
    pub fn new(endpoint: impl Into<String>) -> Self {
        ProviderBuilder {
            config: wit::ProviderConfig {
                endpoint: endpoint.into(),
                request_fields: Vec::new(),
                response_fields: Vec::new(),
                mtls_enabled: false,
                bulk_event: false,
                status_schema: Vec::new(),
                resource_aliases: Vec::new(),
            },
        }
    }

    /// A field the request model adds (wire key), in a secret group or plain (`None`).
    pub fn request_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .request_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A field the response model adds (wire key), in a secret group or plain (`None`).
    pub fn response_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .response_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// Whether the requirers' mTLS certificates are tracked (`mtls_cert_updated`).
    pub fn mtls(mut self, enabled: bool) -> Self {
        self.config.mtls_enabled = enabled;
        self
    }

    /// Whether requests come as one `bulk_resources_requested` event per relation.
    pub fn bulk(mut self, enabled: bool) -> Self {
        self.config.bulk_event = enabled;
        self
    }

    /// A status of the status schema.
    pub fn status(
        mut self,
        code: i32,
        message: impl Into<String>,
        resolution: impl Into<String>,
    ) -> Self {
        self.config.status_schema.push(Status {
            code,
            message: message.into(),
            resolution: resolution.into(),
        });
        self
    }

    /// An extra key that counts as a resource request.
    pub fn resource_alias(mut self, key: impl Into<String>) -> Self {
        self.config.resource_aliases.push(key.into());
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &wit::ProviderConfig {
        &self.config
    }

    /// A provider over a backend.
    pub fn build(
        self,
        engine: &DataInterfaces,
        backend: impl Backend + 'static,
    ) -> Result<Provider, Error> {
        engine.provider(self.config, backend)
    }
}

impl From<ProviderBuilder> for wit::ProviderConfig {
    fn from(builder: ProviderBuilder) -> Self {
        builder.config
    }
}

// ---- the handlers ----

/// The requirer side of a relation endpoint, over one backend (one hook, usually).
pub struct Requirer {
    held: Held<RequirerHandler>,
}

impl fmt::Debug for Requirer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        requirer_config_debug("Requirer", self.held.config(), f)
    }
}

impl Requirer {
    /// The configuration.
    pub fn config(&self) -> &wit::RequirerConfig {
        self.held.config()
    }

    /// Handle a hook; returns the events to react to, in order. A hook of another endpoint
    /// yields no event.
    ///
    /// A malformed response is rejected alone (see [`Handled`]); a failure of the whole hook
    /// (an unreadable bag, a backend error, a sandbox limit) is an [`Error`].
    pub fn handle(&mut self, hook: &Hook) -> Result<Handled<RequirerEvent>, Error> {
        let handled = self.held.call(|s, h| s.requirer_handle(h, hook))?;
        Handled::from_wit(handled.events, handled.rejections, RequirerEvent::from_wit)
    }

    /// The responses on a relation, with their secret fields filled in.
    pub fn responses(&mut self, relation: RelationId) -> Result<Vec<Response>, Error> {
        let responses = self.held.call(|s, h| s.requirer_responses(h, relation))?;
        Ok(responses.into_iter().map(Response).collect())
    }

    /// Whether the response to a request (by request id) carries credentials.
    pub fn is_resource_created(
        &mut self,
        relation: RelationId,
        request_id: &str,
    ) -> Result<bool, Error> {
        self.held
            .call(|s, h| s.requirer_is_resource_created(h, relation, request_id))
    }

    /// Whether every response with a request id carries credentials (true when none).
    pub fn are_all_resources_created(&mut self, relation: RelationId) -> Result<bool, Error> {
        self.held
            .call(|s, h| s.requirer_are_all_resources_created(h, relation))
    }

    /// The statuses the provider raises on a relation, by code.
    pub fn statuses(&mut self, relation: RelationId) -> Result<Vec<Status>, Error> {
        self.held.call(|s, h| s.requirer_statuses(h, relation))
    }

    /// The alias this unit's bag records for a relation (the one its events carry); `None`
    /// when it records none, or when the endpoint has no such relation.
    pub fn relation_alias(&mut self, relation: RelationId) -> Result<Option<String>, Error> {
        self.held
            .call(|s, h| s.requirer_relation_alias(h, relation))
    }

    /// Give a relation an alias as relation-created does, and return it: `None` without
    /// relation aliases or for a relation the endpoint does not have, the alias it already
    /// has, else the first alias no other relation holds (written to this unit's bag and, on
    /// the leader, to the application's bag; `None` when every alias is taken).
    pub fn assign_alias(&mut self, relation: RelationId) -> Result<Option<String>, Error> {
        self.held.call(|s, h| s.requirer_assign_alias(h, relation))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}

/// The provider side of a relation endpoint, over one backend (one hook, usually).
pub struct Provider {
    held: Held<ProviderHandler>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("config", self.held.config())
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// The configuration.
    pub fn config(&self) -> &wit::ProviderConfig {
        self.held.config()
    }

    /// Handle a hook; returns the events to react to, in order. A hook of another endpoint
    /// yields no event.
    ///
    /// A malformed request is rejected alone (see [`Handled`]); a failure of the whole hook
    /// (an unreadable bag, a backend error, a sandbox limit) is an [`Error`].
    pub fn handle(&mut self, hook: &Hook) -> Result<Handled<ProviderEvent>, Error> {
        let handled = self.held.call(|s, h| s.provider_handle(h, hook))?;
        Handled::from_wit(handled.events, handled.rejections, ProviderEvent::from_wit)
    }

    /// Write (or merge) a response on a relation; leader only. Secret fields go to Juju
    /// secrets granted to the relation; the databag gets their URIs.
    pub fn set_response(&mut self, relation: RelationId, response: &Response) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_set_response(h, relation, &response.0))
    }

    /// Write responses as [`Provider::set_response`] called once for each, in order, but with
    /// one read and one write of the bag: the linear way to answer many requests one by one.
    pub fn set_response_each(
        &mut self,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        let records: Vec<wit::Response> = responses.iter().map(|r| r.0.clone()).collect();
        self.held
            .call(|s, h| s.provider_set_response_each(h, relation, &records))
    }

    /// Write several responses on a relation at once; leader only.
    pub fn set_responses(
        &mut self,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        let records: Vec<wit::Response> = responses.iter().map(|r| r.0.clone()).collect();
        self.held
            .call(|s, h| s.provider_set_responses(h, relation, &records))
    }

    /// The requests on a relation.
    pub fn requests(&mut self, relation: RelationId) -> Result<Vec<Request>, Error> {
        let requests = self.held.call(|s, h| s.provider_requests(h, relation))?;
        Ok(requests.into_iter().map(Request).collect())
    }

    /// The provider's own responses on a relation, secret fields filled in.
    pub fn responses(&mut self, relation: RelationId) -> Result<Vec<Response>, Error> {
        let responses = self.held.call(|s, h| s.provider_responses(h, relation))?;
        Ok(responses.into_iter().map(Response).collect())
    }

    /// Raise a status on a relation; leader only.
    pub fn raise_status(&mut self, relation: RelationId, status: &Status) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_raise_status(h, relation, status))
    }

    /// Raise the status of the status schema with this code; leader only.
    pub fn raise_status_code(&mut self, relation: RelationId, code: i32) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_raise_status_code(h, relation, code))
    }

    /// Resolve a raised status; leader only.
    pub fn resolve_status(&mut self, relation: RelationId, code: i32) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_resolve_status(h, relation, code))
    }

    /// Clear every status of a relation; leader only.
    pub fn clear_statuses(&mut self, relation: RelationId) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_clear_statuses(h, relation))
    }

    /// The statuses raised on a relation; leader only.
    pub fn statuses(&mut self, relation: RelationId) -> Result<Vec<Status>, Error> {
        self.held.call(|s, h| s.provider_statuses(h, relation))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}

/// The data of a peer relation (the component's `peer` export): plain fields in the databag,
/// secret fields in secrets found by label. Values are JSON text.
pub struct Peer {
    held: Held<PeerHandler>,
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peer")
            .field("config", self.held.config())
            .finish()
    }
}

impl Peer {
    /// The configuration.
    pub fn config(&self) -> &PeerConfig {
        self.held.config()
    }

    /// The data of a scope, by wire key, each value as JSON text (secret fields filled in).
    pub fn read(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
    ) -> Result<Vec<(String, String)>, Error> {
        self.held.call(|s, h| s.peer_read(h, relation, scope))
    }

    /// Set fields (JSON text) or delete them (`None`); other keys are left alone. The app
    /// scope is leader only; another unit's data is read only.
    pub fn write(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
        values: &[(String, Option<String>)],
    ) -> Result<(), Error> {
        self.held
            .call(|s, h| s.peer_write(h, relation, scope, values))
    }

    /// Delete fields of a scope.
    pub fn delete(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
        keys: &[String],
    ) -> Result<(), Error> {
        self.held
            .call(|s, h| s.peer_delete(h, relation, scope, keys))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}
