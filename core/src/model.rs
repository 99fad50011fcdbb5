//! The protocol's own types: requests, responses, statuses, handler configurations, hooks and
//! events. `Debug` output of anything that can hold a secret value shows `<redacted>` instead.
//!
//! [`Request`] and [`Response`] are declared once with [`crate::fields`]' `wire_record!`: each
//! field's line gives its wire key, secret group and how it is updated, and everything that
//! walks a record's fields (merging, clearing, secrets, the wire, `Debug`) reads
//! [`REQUEST_FIELDS`] and [`RESPONSE_FIELDS`].

use std::fmt;

use crate::env::RelationId;
use crate::fields::Secrecy::{InGroup, UriOf};
use crate::fields::{debug_fields, wire_record, Clear};
use crate::wire::RESOURCE_KEYS;

/// Fields of a model subclass or unknown keys: wire key and value as JSON text.
pub type ExtraFields = Vec<(String, String)>;

/// Entity types a requirer can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityType {
    /// `USER`.
    User,
    /// `GROUP`.
    Group,
}

impl EntityType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::User => "USER",
            EntityType::Group => "GROUP",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "USER" => Some(EntityType::User),
            "GROUP" => Some(EntityType::Group),
            _ => None,
        }
    }
}

/// One permission of a requested entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityPermission {
    /// The resource's name.
    pub resource_name: String,
    /// The resource's type.
    pub resource_type: String,
    /// The privileges granted on it.
    pub privileges: Vec<String>,
}

wire_record! {
    /// A requirer's request (one element of the requirer's `requests`).
    #[derive(Clone, Default, PartialEq, Eq)]
    pub struct Request in REQUEST_FIELDS {
        /// The requested resource; empty for entity-only requests.
        resource: String = "resource" { read: &RESOURCE_KEYS },
        /// The request id (`gen_hash(resource, salt)` once written).
        request_id: Option<String> = "request-id",
        /// The salt; empty asks for a generated one.
        salt: String = "salt",
        /// Extra roles for the user.
        extra_user_roles: Option<String> = "extra-user-roles",
        /// Extra roles for the group.
        extra_group_roles: Option<String> = "extra-group-roles",
        /// Whether the client connects from outside the model.
        external_node_connectivity: bool = "external-node-connectivity",
        /// The requested entity type.
        entity_type: Option<EntityType> = "entity-type",
        /// The requested entity's permissions.
        entity_permissions: Option<Vec<EntityPermission>> = "entity-permissions",
        /// URI of the requirer's `mtls` secret.
        secret_mtls: Option<String> = "secret-mtls" { secret: UriOf("mtls") },
        /// The client certificate (secret group `mtls`).
        mtls_cert: Option<String> = "mtls-cert" { secret: InGroup("mtls") },
        /// URI of the requirer's `requested-entity` secret (also read as
        /// `requested-entity-secret`).
        secret_requested_entity: Option<String> = "secret-requested-entity" {
            secret: UriOf("requested-entity"),
            read: &["requested-entity-secret", "secret-requested-entity"],
        },
        /// The requested entity's name (secret group `requested-entity`).
        entity_name: Option<String> = "entity-name" { secret: InGroup("requested-entity") },
        /// The requested entity's password (secret group `requested-entity`, content key
        /// `password`; dumped as `password`, read from either key).
        entity_password: Option<String> = "entity-password" {
            secret: InGroup("requested-entity"),
            content: Some("password"),
            dump: Some("password"),
            read: &["entity-password", "password"],
        },
        /// `all` or `only-existing`.
        prefix_matching: Option<String> = "prefix-matching",
    }
    and {
        /// Fields of a request-model subclass and unknown keys.
        extra: ExtraFields,
    }
}

wire_record! {
    /// A provider's response (one element of the provider's `requests`).
    #[derive(Clone, Default, PartialEq, Eq)]
    pub struct Response in RESPONSE_FIELDS {
        /// The resource; empty means "not set" when merging.
        resource: String = "resource" { read: &RESOURCE_KEYS, clear: Clear::Refused },
        /// The id of the request this answers.
        request_id: Option<String> = "request-id" { merge: false, clear: Clear::Ignored },
        /// The salt; empty asks for a generated one.
        salt: String = "salt" { merge: false, clear: Clear::Refused },
        /// Read/write endpoints.
        endpoints: Option<String> = "endpoints",
        /// Read-only endpoints.
        read_only_endpoints: Option<String> = "read-only-endpoints",
        /// URI of the `user` secret.
        secret_user: Option<String> = "secret-user" { secret: UriOf("user") },
        /// URI of the `tls` secret.
        secret_tls: Option<String> = "secret-tls" { secret: UriOf("tls") },
        /// URI of the `extra` secret.
        secret_extra: Option<String> = "secret-extra" { secret: UriOf("extra") },
        /// URI of the `entity` secret.
        secret_entity: Option<String> = "secret-entity" { secret: UriOf("entity") },
        /// Secret group `user`.
        username: Option<String> = "username" { secret: InGroup("user") },
        /// Secret group `user`.
        password: Option<String> = "password" { secret: InGroup("user") },
        /// Secret group `user`.
        uris: Option<String> = "uris" { secret: InGroup("user") },
        /// Secret group `user`.
        read_only_uris: Option<String> = "read-only-uris" { secret: InGroup("user") },
        /// Secret group `tls` (stored in the secret as `true` or `false`).
        tls: Option<bool> = "tls" { secret: InGroup("tls") },
        /// Secret group `tls`.
        tls_ca: Option<String> = "tls-ca" { secret: InGroup("tls") },
        /// Secret group `entity`.
        entity_name: Option<String> = "entity-name" { secret: InGroup("entity") },
        /// Secret group `entity`.
        entity_password: Option<String> = "entity-password" { secret: InGroup("entity") },
        /// The workload's version (not the contract's).
        version: Option<String> = "version",
        /// Resources matching a requested prefix, comma separated.
        prefix_resources: Option<String> = "prefix-resources",
    }
    and {
        /// Fields of a response-model subclass and unknown keys.
        extra: ExtraFields,
        /// Wire keys of the fields the charm explicitly set to none: writing the response clears
        /// them in the stored response (a plain field becomes null, a secret field leaves its
        /// group's secret). Empty in every response read back.
        cleared: Vec<String>,
    }
}

fn redacted(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| "<redacted>")
}

fn extra_keys(extra: &ExtraFields) -> Vec<&str> {
    extra.iter().map(|(key, _)| key.as_str()).collect()
}

impl fmt::Debug for Request {
    /// Every field, secret values redacted, extras by key only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(f, "Request", REQUEST_FIELDS, self)
            .field("extra_keys", &extra_keys(&self.extra))
            .finish()
    }
}

impl fmt::Debug for Response {
    /// Every field, secret values redacted, extras by key only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_fields(f, "Response", RESPONSE_FIELDS, self)
            .field("extra_keys", &extra_keys(&self.extra))
            .field("cleared", &self.cleared)
            .finish()
    }
}

/// A status a provider raises on a relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The code; its thousands digit is the category.
    pub code: i32,
    /// What happened.
    pub message: String,
    /// What to do about it.
    pub resolution: String,
}

/// A field a model subclass adds to a standard model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The wire key (dashed).
    pub key: String,
    /// The secret group the field belongs to; none for a plain field.
    pub secret_group: Option<String>,
}

/// The secret group of a key, when the fields declare it a secret field.
pub fn secret_group_of<'a>(fields: &'a [FieldSpec], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|field| field.key == key)
        .and_then(|field| field.secret_group.as_deref())
}

/// The secret groups of some fields, in the order their first field is declared.
pub fn secret_groups(fields: &[FieldSpec]) -> Vec<&str> {
    let mut groups: Vec<&str> = Vec::new();
    for group in fields.iter().filter_map(|f| f.secret_group.as_deref()) {
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

/// How a requirer handler is configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequirerConfig {
    /// The endpoint (relation name).
    pub endpoint: String,
    /// The requests to make on every relation of the endpoint.
    pub requests: Vec<Request>,
    /// Fields the request model adds.
    pub request_fields: Vec<FieldSpec>,
    /// Fields the response model adds.
    pub response_fields: Vec<FieldSpec>,
    /// Relation aliases; empty for none.
    pub relation_aliases: Vec<String>,
    /// The endpoint's `limit` in metadata.yaml; `None` when it sets none. Aliases must be
    /// exactly that many.
    pub relation_limit: Option<u32>,
}

/// How a provider handler is configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The endpoint (relation name).
    pub endpoint: String,
    /// Fields the request model adds.
    pub request_fields: Vec<FieldSpec>,
    /// Fields the response model adds.
    pub response_fields: Vec<FieldSpec>,
    /// Whether `mtls-cert-updated` events are wanted.
    pub mtls_enabled: bool,
    /// Whether one `bulk-resources-requested` event replaces the per-request events.
    pub bulk_event: bool,
    /// The statuses of the status schema.
    pub status_schema: Vec<Status>,
    /// Extra keys that count as a resource request.
    pub resource_aliases: Vec<String>,
}

/// Where a relation hook came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationEvent {
    /// The relation.
    pub relation_id: RelationId,
    /// The remote application that triggered it, if any.
    pub app: Option<String>,
    /// The remote unit that triggered it, if any.
    pub unit: Option<String>,
}

/// A secret hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretEvent {
    /// The secret's URI.
    pub id: String,
    /// The secret's label, as this unit knows it.
    pub label: Option<String>,
    /// The revision, for secret-remove.
    pub revision: Option<i32>,
}

/// The Juju hook to handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hook {
    /// `<endpoint>-relation-created`.
    RelationCreated(RelationEvent),
    /// `<endpoint>-relation-changed`.
    RelationChanged(RelationEvent),
    /// `<endpoint>-relation-broken`.
    RelationBroken(RelationEvent),
    /// `secret-changed`.
    SecretChanged(SecretEvent),
    /// `secret-remove`.
    SecretRemove(SecretEvent),
}

/// The kinds of requirer events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequirerEventKind {
    /// Credentials for a resource arrived.
    ResourceCreated,
    /// Credentials for an entity arrived.
    ResourceEntityCreated,
    /// The endpoints were set or changed.
    EndpointsChanged,
    /// The read-only endpoints were set or changed.
    ReadOnlyEndpointsChanged,
    /// The TLS secret was set, changed or removed, or a consumed secret changed.
    AuthenticationUpdated,
    /// The prefix resources were set or changed.
    PrefixResourcesChanged,
    /// The provider raised a status.
    StatusRaised,
    /// The provider resolved a status.
    StatusResolved,
}

/// An event for the requirer charm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirerEvent {
    /// What happened.
    pub kind: RequirerEventKind,
    /// On which relation.
    pub relation_id: RelationId,
    /// The remote application.
    pub app: Option<String>,
    /// The remote unit.
    pub unit: Option<String>,
    /// The relation's alias, when aliases are configured.
    pub alias: Option<String>,
    /// The response, with its secret fields filled in.
    pub response: Option<Response>,
    /// For status events: the status raised or resolved.
    pub status: Option<Status>,
    /// For status events: the statuses the provider raises after the change, as
    /// [`crate::requirer::Requirer::statuses`] returns them (empty for the other kinds).
    pub active_statuses: Vec<Status>,
}

/// The kinds of provider events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderEventKind {
    /// A resource was requested.
    ResourceRequested,
    /// An entity was requested.
    ResourceEntityRequested,
    /// The permissions of a requested entity changed.
    ResourceEntityPermissionsChanged,
    /// The client certificate was set or changed.
    MtlsCertUpdated,
    /// All requests, in bulk mode.
    BulkResourcesRequested,
}

/// An event for the provider charm.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// What happened.
    pub kind: ProviderEventKind,
    /// On which relation.
    pub relation_id: RelationId,
    /// The remote application.
    pub app: Option<String>,
    /// The remote unit.
    pub unit: Option<String>,
    /// One request, or all of them for bulk events.
    pub requests: Vec<Request>,
    /// For `MtlsCertUpdated`: the certificate before the change. Redacted in `Debug`.
    pub old_mtls_cert: Option<String>,
}

impl fmt::Debug for ProviderEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderEvent")
            .field("kind", &self.kind)
            .field("relation_id", &self.relation_id)
            .field("app", &self.app)
            .field("unit", &self.unit)
            .field("requests", &self.requests)
            .field("old_mtls_cert", &redacted(&self.old_mtls_cert))
            .finish()
    }
}

/// A request (provider side) or a response (requirer side) that a hook could not handle,
/// while it handled the others: nothing was written for it and no event fires for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// On which relation.
    pub relation_id: RelationId,
    /// The request id of the entry, when it could be read.
    pub request_id: Option<String>,
    /// The relation's alias, as the requirer's events carry it (the alias this unit's bag
    /// records); none on the provider side.
    pub alias: Option<String>,
    /// Why it was rejected (never carries a secret value).
    pub error: crate::error::Error,
}

/// What a hook produced: the events to emit, in order, and the entries it rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handled<E> {
    /// The events, in order.
    pub events: Vec<E>,
    /// The requests or responses that could not be handled.
    pub rejections: Vec<Rejection>,
}

/// What a requirer hook produced.
pub type RequirerHandled = Handled<RequirerEvent>;

/// What a provider hook produced.
pub type ProviderHandled = Handled<ProviderEvent>;

impl<E> Handled<E> {
    /// Events only, nothing rejected.
    pub fn events(events: Vec<E>) -> Self {
        Handled {
            events,
            rejections: Vec::new(),
        }
    }

    /// Nothing to report.
    pub fn none() -> Self {
        Self::events(Vec::new())
    }
}
