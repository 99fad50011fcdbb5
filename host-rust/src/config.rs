//! The JSON forms of handler configurations, requests, responses and events.
//!
//! The command-line host reads its handler configuration from a JSON file and prints
//! requests, responses and events as JSON; a Rust program can read the same files and print
//! the same lines with these functions.
//!
//! A handler configuration (JSON):
//!
//! ```json
//! {
//!   "role": "requirer",
//!   "endpoint": "database",
//!   "requests": [{"resource": "clientdb", "extra-user-roles": "admin"}],
//!   "request-fields": [{"key": "operator-password", "secret-group": "extra"}],
//!   "response-fields": [],
//!   "relation-aliases": []
//! }
//! ```
//!
//! or, for a provider: `"role": "provider"`, `"endpoint"`, `"request-fields"`,
//! `"response-fields"`, `"mtls"` (bool), `"bulk"` (bool), `"status-schema"` (a list of
//! `{"code", "message", "resolution"}`) and `"resource-aliases"` (a list of keys); for peer
//! data: `"role": "peer"`, `"endpoint"` and `"fields"` (field specs, as `"request-fields"`).
//! Only `role` and `endpoint` are required; an unknown top-level key is an error.
//! [`HandlerConfig::to_json`] writes the same form back.
//!
//! A failed call is described by [`error_to_json`]: `{"error": <kind>, "message": ...}`, with
//! `relation-id`, `bag`, `key` and `reason` for a protocol error.
//!
//! Requests and responses use their wire keys (`request-id`, `read-only-endpoints`, ...);
//! a key the standard model does not know travels in the record's `extra` list, its value
//! as JSON text. In a response the charm writes, a key given as `null` is cleared (see
//! [`response_from_json`]). The JSON forms of responses and events carry credentials: they
//! are the charm's data, not log lines. An error names the key at fault, never a value.
//!
//! ```
//! use data_interfaces_host::config::HandlerConfig;
//!
//! let config = HandlerConfig::from_json_str(
//!     r#"{"role": "requirer", "endpoint": "database", "requests": [{"resource": "clientdb"}]}"#,
//! )?;
//! assert_eq!(config.endpoint(), "database");
//! # Ok::<(), data_interfaces_host::config::ConfigError>(())
//! ```

use crate::api::Rejection;
use crate::api::{ProviderEvent, RequirerEvent};
use crate::error::Error;
use crate::error::ErrorParts;
use crate::wit::{
    self, EntityPermission, EntityType, FieldSpec, PeerConfig, ProviderConfig, Request,
    RequirerConfig, Response, Status,
};
use serde_json::{Map, Value};

/// A configuration, request or response that cannot be used: the reason names the key at
/// fault (or the JSON line and column), never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ConfigError {
    reason: String,
}

impl ConfigError {
    /// Why the document cannot be used.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl From<String> for ConfigError {
    fn from(reason: String) -> Self {
        ConfigError { reason }
    }
}

impl From<serde_json::Error> for ConfigError {
    fn from(error: serde_json::Error) -> Self {
        // A JSON error names a line and column, never the text (it may hold a password).
        ConfigError {
            reason: error.to_string(),
        }
    }
}

/// A handler configuration, as read from its file. `Debug` redacts the secret values of the
/// requests.
#[derive(Clone)]
pub enum HandlerConfig {
    /// `"role": "requirer"`.
    Requirer(RequirerConfig),
    /// `"role": "provider"`.
    Provider(ProviderConfig),
    /// `"role": "peer"`: the fields of a peer relation's data.
    Peer(PeerConfig),
}

impl std::fmt::Debug for HandlerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerConfig::Requirer(c) => crate::api::requirer_config_debug("Requirer", c, f),
            HandlerConfig::Provider(c) => f.debug_tuple("Provider").field(c).finish(),
            HandlerConfig::Peer(c) => f.debug_tuple("Peer").field(c).finish(),
        }
    }
}

impl HandlerConfig {
    /// A configuration from its JSON value.
    pub fn from_json(value: &Value) -> Result<Self, ConfigError> {
        parse_config(value).map_err(ConfigError::from)
    }

    /// A configuration from its JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, ConfigError> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_json(&value)
    }

    /// The endpoint (relation name) the handler serves.
    pub fn endpoint(&self) -> &str {
        match self {
            HandlerConfig::Requirer(c) => &c.endpoint,
            HandlerConfig::Provider(c) => &c.endpoint,
            HandlerConfig::Peer(c) => &c.endpoint,
        }
    }

    /// The role's name: `requirer`, `provider` or `peer`.
    pub fn role(&self) -> &'static str {
        match self {
            HandlerConfig::Requirer(_) => "requirer",
            HandlerConfig::Provider(_) => "provider",
            HandlerConfig::Peer(_) => "peer",
        }
    }

    /// The configuration as its JSON value (what [`HandlerConfig::from_json`] reads). The
    /// requests of a requirer carry their secret values (`entity-password`): it is the
    /// charm's file, not a log line.
    pub fn to_json(&self) -> Value {
        let mut json = Json::new();
        json.put("role", self.role())
            .put("endpoint", self.endpoint().to_owned());
        match self {
            HandlerConfig::Requirer(c) => {
                let requests: Vec<Value> = c.requests.iter().map(request_to_json).collect();
                json.put("requests", requests)
                    .put("request-fields", field_specs_json(&c.request_fields))
                    .put("response-fields", field_specs_json(&c.response_fields))
                    .put("relation-aliases", c.relation_aliases.clone());
            }
            HandlerConfig::Provider(c) => {
                let schema: Vec<Value> = c.status_schema.iter().map(status_to_json).collect();
                json.put("request-fields", field_specs_json(&c.request_fields))
                    .put("response-fields", field_specs_json(&c.response_fields))
                    .put("mtls", c.mtls_enabled)
                    .put("bulk", c.bulk_event)
                    .put("status-schema", schema)
                    .put("resource-aliases", c.resource_aliases.clone());
            }
            HandlerConfig::Peer(c) => {
                json.put("fields", field_specs_json(&c.fields));
            }
        }
        json.done()
    }
}

fn field_specs_json(specs: &[FieldSpec]) -> Value {
    specs
        .iter()
        .map(|spec| {
            let mut json = Json::new();
            json.put("key", spec.key.clone())
                .opt("secret-group", &spec.secret_group);
            json.done()
        })
        .collect()
}

/// A status from its JSON object: `code` (required), `message`, `resolution`.
pub fn status_from_json(value: &Value) -> Result<Status, ConfigError> {
    let map = object(value, "a status")?;
    status_of(map, "the status").map_err(ConfigError::from)
}

/// A request from its JSON object (wire keys).
pub fn request_from_json(value: &Value) -> Result<Request, ConfigError> {
    parse_request(value).map_err(ConfigError::from)
}

/// A response from its JSON object (wire keys). A key given as `null` is cleared (the
/// record's `cleared` list: the stored response loses that field, a secret field leaves its
/// secret), except `resource`, `request-id` and `salt`, for which `null` means absent.
pub fn response_from_json(value: &Value) -> Result<Response, ConfigError> {
    parse_response(value).map_err(ConfigError::from)
}

/// One response (a JSON object) or several (a JSON list).
pub fn responses_from_json(value: &Value) -> Result<Vec<Response>, ConfigError> {
    match value {
        Value::Array(items) => items.iter().map(response_from_json).collect(),
        other => Ok(vec![response_from_json(other)?]),
    }
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} must be a JSON object"))
}

fn opt_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key:?} must be a string")),
    }
}

fn opt_bool(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{key:?} must be true or false")),
    }
}

fn list<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{key:?} must be a list")),
    }
}

fn strings(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    list(map, key)?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{key:?} must be a list of strings"))
        })
        .collect()
}

fn field_specs(map: &Map<String, Value>, key: &str) -> Result<Vec<FieldSpec>, String> {
    list(map, key)?
        .iter()
        .map(|item| {
            let spec = object(item, &format!("an element of {key:?}"))?;
            Ok(FieldSpec {
                key: opt_string(spec, "key")?
                    .ok_or_else(|| format!("an element of {key:?} has no \"key\""))?,
                secret_group: opt_string(spec, "secret-group")?,
            })
        })
        .collect()
}

fn status_of(status: &Map<String, Value>, what: &str) -> Result<Status, String> {
    let code = status
        .get("code")
        .and_then(Value::as_i64)
        .and_then(|c| i32::try_from(c).ok())
        .ok_or_else(|| format!("{what} needs an integer \"code\""))?;
    Ok(Status {
        code,
        message: opt_string(status, "message")?.unwrap_or_default(),
        resolution: opt_string(status, "resolution")?.unwrap_or_default(),
    })
}

fn statuses(map: &Map<String, Value>, key: &str) -> Result<Vec<Status>, String> {
    list(map, key)?
        .iter()
        .map(|item| {
            let status = object(item, &format!("an element of {key:?}"))?;
            status_of(status, &format!("a status of {key:?}"))
        })
        .collect()
}

const REQUIRER_KEYS: &[&str] = &[
    "role",
    "endpoint",
    "requests",
    "request-fields",
    "response-fields",
    "relation-aliases",
];
const PROVIDER_KEYS: &[&str] = &[
    "role",
    "endpoint",
    "request-fields",
    "response-fields",
    "mtls",
    "bulk",
    "status-schema",
    "resource-aliases",
];
const PEER_KEYS: &[&str] = &["role", "endpoint", "fields"];

fn parse_config(value: &Value) -> Result<HandlerConfig, String> {
    let map = object(value, "the configuration")?;
    let role = opt_string(map, "role")?.ok_or("\"role\" is required")?;
    let endpoint = opt_string(map, "endpoint")?
        .filter(|e| !e.is_empty())
        .ok_or("\"endpoint\" is required")?;
    let allowed = match role.as_str() {
        "requirer" => REQUIRER_KEYS,
        "provider" => PROVIDER_KEYS,
        "peer" => PEER_KEYS,
        other => {
            return Err(format!(
                "\"role\" must be requirer, provider or peer, not {other:?}"
            ))
        }
    };
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown key {key:?} for a {role}"));
    }
    if role == "peer" {
        return Ok(HandlerConfig::Peer(PeerConfig {
            endpoint,
            fields: field_specs(map, "fields")?,
        }));
    }
    let request_fields = field_specs(map, "request-fields")?;
    let response_fields = field_specs(map, "response-fields")?;
    if role == "requirer" {
        let requests = list(map, "requests")?
            .iter()
            .map(parse_request)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(HandlerConfig::Requirer(RequirerConfig {
            endpoint,
            requests,
            request_fields,
            response_fields,
            relation_aliases: strings(map, "relation-aliases")?,
        }));
    }
    Ok(HandlerConfig::Provider(ProviderConfig {
        endpoint,
        request_fields,
        response_fields,
        mtls_enabled: opt_bool(map, "mtls")?.unwrap_or(false),
        bulk_event: opt_bool(map, "bulk")?.unwrap_or(false),
        status_schema: statuses(map, "status-schema")?,
        resource_aliases: strings(map, "resource-aliases")?,
    }))
}

// ---- requests, responses and events as JSON ----

const REQUEST_KEYS: &[&str] = &[
    "resource",
    "request-id",
    "salt",
    "extra-user-roles",
    "extra-group-roles",
    "external-node-connectivity",
    "entity-type",
    "entity-permissions",
    "secret-mtls",
    "mtls-cert",
    "secret-requested-entity",
    "entity-name",
    "entity-password",
    "prefix-matching",
];

const RESPONSE_KEYS: &[&str] = &[
    "resource",
    "request-id",
    "salt",
    "endpoints",
    "read-only-endpoints",
    "secret-user",
    "secret-tls",
    "secret-extra",
    "secret-entity",
    "username",
    "password",
    "uris",
    "read-only-uris",
    "tls",
    "tls-ca",
    "entity-name",
    "entity-password",
    "version",
    "prefix-resources",
];

/// The keys a model does not know, with their values as JSON text.
fn extra_of(map: &Map<String, Value>, known: &[&str]) -> Vec<(String, String)> {
    map.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect()
}

fn parse_request(value: &Value) -> Result<Request, String> {
    let map = object(value, "a request")?;
    let entity_type = match opt_string(map, "entity-type")?.as_deref() {
        None => None,
        Some(t) if t.eq_ignore_ascii_case("user") => Some(EntityType::User),
        Some(t) if t.eq_ignore_ascii_case("group") => Some(EntityType::Group),
        Some(other) => {
            return Err(format!(
                "\"entity-type\" must be USER or GROUP, not {other:?}"
            ))
        }
    };
    let entity_permissions = match map.get("entity-permissions") {
        None | Some(Value::Null) => None,
        Some(_) => Some(
            list(map, "entity-permissions")?
                .iter()
                .map(|item| {
                    let p = object(item, "an entity permission")?;
                    Ok(EntityPermission {
                        resource_name: opt_string(p, "resource_name")?.unwrap_or_default(),
                        resource_type: opt_string(p, "resource_type")?.unwrap_or_default(),
                        privileges: strings(p, "privileges")?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        ),
    };
    Ok(Request {
        resource: opt_string(map, "resource")?.ok_or("a request needs a \"resource\"")?,
        request_id: opt_string(map, "request-id")?,
        salt: opt_string(map, "salt")?.unwrap_or_default(),
        extra_user_roles: opt_string(map, "extra-user-roles")?,
        extra_group_roles: opt_string(map, "extra-group-roles")?,
        external_node_connectivity: opt_bool(map, "external-node-connectivity")?.unwrap_or(false),
        entity_type,
        entity_permissions,
        secret_mtls: opt_string(map, "secret-mtls")?,
        mtls_cert: opt_string(map, "mtls-cert")?,
        secret_requested_entity: opt_string(map, "secret-requested-entity")?,
        entity_name: opt_string(map, "entity-name")?,
        entity_password: opt_string(map, "entity-password")?,
        prefix_matching: opt_string(map, "prefix-matching")?,
        extra: extra_of(map, REQUEST_KEYS),
    })
}

fn parse_response(value: &Value) -> Result<Response, String> {
    let map = object(value, "a response")?;
    Ok(Response {
        resource: opt_string(map, "resource")?.ok_or("a response needs a \"resource\"")?,
        request_id: opt_string(map, "request-id")?,
        salt: opt_string(map, "salt")?.unwrap_or_default(),
        endpoints: opt_string(map, "endpoints")?,
        read_only_endpoints: opt_string(map, "read-only-endpoints")?,
        secret_user: opt_string(map, "secret-user")?,
        secret_tls: opt_string(map, "secret-tls")?,
        secret_extra: opt_string(map, "secret-extra")?,
        secret_entity: opt_string(map, "secret-entity")?,
        username: opt_string(map, "username")?,
        password: opt_string(map, "password")?,
        uris: opt_string(map, "uris")?,
        read_only_uris: opt_string(map, "read-only-uris")?,
        tls: opt_bool(map, "tls")?,
        tls_ca: opt_string(map, "tls-ca")?,
        entity_name: opt_string(map, "entity-name")?,
        entity_password: opt_string(map, "entity-password")?,
        version: opt_string(map, "version")?,
        prefix_resources: opt_string(map, "prefix-resources")?,
        extra: extra_of(map, RESPONSE_KEYS)
            .into_iter()
            .filter(|(_, text)| text != "null")
            .collect(),
        cleared: map
            .iter()
            .filter(|(key, value)| value.is_null() && !NEVER_CLEARED.contains(&key.as_str()))
            .map(|(key, _)| key.clone())
            .collect(),
    })
}

/// Response keys for which `null` means absent, not cleared.
const NEVER_CLEARED: [&str; 3] = ["resource", "request-id", "salt"];

/// Builds a JSON object, leaving out absent values.
struct Json(Map<String, Value>);

impl Json {
    fn new() -> Self {
        Json(Map::new())
    }
    fn put(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }
    fn opt(&mut self, key: &str, value: &Option<String>) -> &mut Self {
        if let Some(value) = value {
            self.put(key, value.clone());
        }
        self
    }
    fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.put(key, value.to_owned());
        }
        self
    }
    fn extra(&mut self, extra: &[(String, String)]) -> &mut Self {
        for (key, text) in extra {
            let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
            self.put(key, value);
        }
        self
    }
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

/// A request as a JSON object (wire keys; absent fields left out).
pub fn request_to_json(r: &Request) -> Value {
    let mut json = Json::new();
    json.put("resource", r.resource.clone())
        .opt("request-id", &r.request_id)
        .put("salt", r.salt.clone())
        .opt("extra-user-roles", &r.extra_user_roles)
        .opt("extra-group-roles", &r.extra_group_roles);
    if r.external_node_connectivity {
        json.put("external-node-connectivity", true);
    }
    if let Some(entity) = r.entity_type {
        let name = match entity {
            EntityType::User => "USER",
            EntityType::Group => "GROUP",
        };
        json.put("entity-type", name);
    }
    if let Some(permissions) = &r.entity_permissions {
        let list: Vec<Value> = permissions
            .iter()
            .map(|p| {
                Json::new()
                    .put("resource_name", p.resource_name.clone())
                    .put("resource_type", p.resource_type.clone())
                    .put("privileges", p.privileges.clone())
                    .done()
            })
            .collect();
        json.put("entity-permissions", list);
    }
    json.opt("secret-mtls", &r.secret_mtls)
        .opt("mtls-cert", &r.mtls_cert)
        .opt("secret-requested-entity", &r.secret_requested_entity)
        .opt("entity-name", &r.entity_name)
        .opt("entity-password", &r.entity_password)
        .opt("prefix-matching", &r.prefix_matching)
        .extra(&r.extra)
        .done()
}

/// A response as a JSON object (wire keys; absent fields left out, cleared ones `null`). It
/// carries credentials.
pub fn response_to_json(r: &Response) -> Value {
    let mut json = Json::new();
    json.put("resource", r.resource.clone())
        .opt("request-id", &r.request_id)
        .put("salt", r.salt.clone())
        .opt("endpoints", &r.endpoints)
        .opt("read-only-endpoints", &r.read_only_endpoints)
        .opt("secret-user", &r.secret_user)
        .opt("secret-tls", &r.secret_tls)
        .opt("secret-extra", &r.secret_extra)
        .opt("secret-entity", &r.secret_entity)
        .opt("username", &r.username)
        .opt("password", &r.password)
        .opt("uris", &r.uris)
        .opt("read-only-uris", &r.read_only_uris);
    if let Some(tls) = r.tls {
        json.put("tls", tls);
    }
    json.opt("tls-ca", &r.tls_ca)
        .opt("entity-name", &r.entity_name)
        .opt("entity-password", &r.entity_password)
        .opt("version", &r.version)
        .opt("prefix-resources", &r.prefix_resources)
        .extra(&r.extra);
    for key in &r.cleared {
        json.put(key, Value::Null);
    }
    json.done()
}

/// A status as a JSON object.
pub fn status_to_json(s: &Status) -> Value {
    Json::new()
        .put("code", s.code)
        .put("message", s.message.clone())
        .put("resolution", s.resolution.clone())
        .done()
}

/// A requirer event as a JSON object: `event` (the name a charm observes), `relation-id`,
/// `app`, `unit`, `alias`, `response`, `status`. It carries credentials.
pub fn requirer_event_to_json(e: &RequirerEvent) -> Value {
    let mut json = Json::new();
    json.put("event", e.name())
        .put("relation-id", e.relation_id())
        .opt_str("app", e.app())
        .opt_str("unit", e.unit())
        .opt_str("alias", e.alias());
    if let Some(response) = e.response() {
        json.put("response", response_to_json(response));
    }
    if let Some(status) = e.status() {
        json.put("status", status_to_json(status));
    }
    json.done()
}

/// A provider event as a JSON object: `event`, `relation-id`, `app`, `unit`, `requests`,
/// `old-mtls-cert`.
pub fn provider_event_to_json(e: &ProviderEvent) -> Value {
    let requests: Vec<Value> = e.requests().iter().map(|r| request_to_json(r)).collect();
    Json::new()
        .put("event", e.name())
        .put("relation-id", e.relation_id())
        .opt_str("app", e.app())
        .opt_str("unit", e.unit())
        .put("requests", requests)
        .opt_str("old-mtls-cert", e.old_mtls_cert().map(|c| c.expose()))
        .done()
}

/// A rejected request or response as a JSON object: `event` (`request_rejected` on the
/// provider side, `response_rejected` on the requirer side), `relation-id`, `request-id`,
/// `alias` (the relation's alias, as on the requirer's events, when it has one) and `error`
/// (as [`protocol_error_to_json`] writes it). It never carries a secret value.
pub fn rejection_to_json(event: &str, r: &Rejection) -> Value {
    Json::new()
        .put("event", event)
        .put("relation-id", r.relation_id)
        .opt("request-id", &r.request_id)
        .opt("alias", &r.alias)
        .put("error", protocol_error_to_json(&r.error))
        .done()
}

/// Peer data (wire key, JSON text) as one JSON object; a value that is not JSON text is
/// shown as a string.
pub fn peer_values_to_json(values: &[(String, String)]) -> Value {
    let map: Map<String, Value> = values
        .iter()
        .map(|(key, text)| {
            let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
            (key.clone(), value)
        })
        .collect();
    Value::Object(map)
}

/// Peer values to write from a JSON object: each value as JSON text (a string stays a JSON
/// string), `null` to delete.
pub fn peer_values_from_json(value: &Value) -> Result<Vec<(String, Option<String>)>, ConfigError> {
    let map = object(value, "the peer values")?;
    Ok(map
        .iter()
        .map(|(key, value)| {
            let text = (!value.is_null()).then(|| value.to_string());
            (key.clone(), text)
        })
        .collect())
}

/// A failed call as a JSON object: `error` (the kind), `message` (the sentence a person
/// reads) and, for a protocol error, `reason` and where it applies `relation-id`, `bag`,
/// `key`. Kinds: the protocol's (`invalid-databag`, `invalid-model`, `not-leader`,
/// `missing-relation`, `secret`, `host`) and the host's (`out-of-fuel`, `memory-cap`,
/// `trap`, `contract`, `refused`, `too-large`, `backend`, `load`, `cache`). Never a secret value.
pub fn error_to_json(error: &Error) -> Value {
    let kind = match error {
        Error::Protocol(e) => return protocol_error_to_json(e),
        Error::OutOfFuel { .. } => "out-of-fuel",
        Error::MemoryCap { .. } => "memory-cap",
        Error::Trap { .. } => "trap",
        Error::Contract { .. } => "contract",
        Error::Refused { .. } => "refused",
        Error::TooLarge { .. } => "too-large",
        Error::Backend(_) => "backend",
        Error::Load(_) => "load",
        Error::Cache { .. } => "cache",
    };
    Json::new()
        .put("error", kind)
        .put("message", error.to_string())
        .done()
}

/// A protocol error as [`error_to_json`] writes it: `error` (the kind), `message`, `reason`,
/// and `relation-id`, `bag`, `key` where it names them.
pub fn protocol_error_to_json(error: &wit::Error) -> Value {
    let parts = ErrorParts::of(error);
    let mut json = Json::new();
    json.put("error", parts.kind)
        .put("message", crate::error::describe(error))
        .put("reason", parts.reason)
        .opt("bag", &parts.bag)
        .opt("key", &parts.key);
    if let Some(relation) = parts.relation_id {
        json.put("relation-id", relation);
    }
    json.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirer_configuration_parses_with_its_requests() {
        let value = serde_json::json!({
            "role": "requirer",
            "endpoint": "database",
            "requests": [{"resource": "clientdb", "extra-user-roles": "admin", "tier": "gold"}],
            "response-fields": [{"key": "operator-password", "secret-group": "extra"}],
        });
        let Ok(HandlerConfig::Requirer(config)) = HandlerConfig::from_json(&value) else {
            panic!("a requirer configuration");
        };
        assert_eq!(config.endpoint, "database");
        assert_eq!(config.requests[0].resource, "clientdb");
        assert_eq!(
            config.requests[0].extra_user_roles.as_deref(),
            Some("admin")
        );
        assert_eq!(
            config.requests[0].extra,
            vec![("tier".to_owned(), "\"gold\"".to_owned())]
        );
        assert_eq!(
            config.response_fields[0].secret_group.as_deref(),
            Some("extra")
        );
    }

    #[test]
    fn a_provider_configuration_parses_its_status_schema() {
        let value = serde_json::json!({
            "role": "provider",
            "endpoint": "database",
            "mtls": true,
            "status-schema": [{"code": 4001, "message": "m", "resolution": "r"}],
        });
        let Ok(HandlerConfig::Provider(config)) = HandlerConfig::from_json(&value) else {
            panic!("a provider configuration");
        };
        assert!(config.mtls_enabled && !config.bulk_event);
        assert_eq!(config.status_schema[0].code, 4001);
    }

    #[test]
    fn an_unknown_key_or_role_in_the_configuration_is_refused() {
        let error = |value: Value| HandlerConfig::from_json(&value).unwrap_err().to_string();
        let typo = serde_json::json!({"role": "provider", "endpoint": "db", "requests": []});
        assert!(error(typo).contains("\"requests\""));
        let role = serde_json::json!({"role": "observer", "endpoint": "db"});
        assert!(error(role).contains("requirer, provider or peer"));
        let missing = serde_json::json!({"role": "requirer"});
        assert!(error(missing).contains("endpoint"));
    }

    #[test]
    fn a_response_round_trips_through_json_with_its_extra_fields() {
        let value = serde_json::json!({
            "resource": "db", "request-id": "abc", "username": "u", "password": "p",
            "tls": true, "operator-password": "x",
        });
        let response = response_from_json(&value).unwrap();
        assert_eq!(response.tls, Some(true));
        let back = response_to_json(&response);
        assert_eq!(back["password"], "p");
        assert_eq!(back["operator-password"], "x");
        assert_eq!(back["request-id"], "abc");
    }

    #[test]
    fn a_null_response_key_is_cleared_and_written_back_as_null() {
        let value = serde_json::json!({
            "resource": "db", "request-id": null, "salt": null, "username": "u",
            "password": null, "endpoints": null, "operator-password": null, "tier": "gold",
        });
        let response = response_from_json(&value).unwrap();
        assert_eq!(
            response.cleared,
            ["password", "endpoints", "operator-password"]
        );
        assert_eq!(response.password, None);
        assert_eq!(
            response.extra,
            vec![("tier".to_owned(), "\"gold\"".to_owned())]
        );
        let back = response_to_json(&response);
        assert_eq!(back["password"], Value::Null);
        assert_eq!(back["operator-password"], Value::Null);
        assert!(back.get("request-id").is_none());
        assert_eq!(response_from_json(&back).unwrap().cleared, response.cleared);
    }

    #[test]
    fn a_malformed_field_names_the_key_not_the_value() {
        let value = serde_json::json!({"resource": "db", "password": 12345678});
        let error = response_from_json(&value).unwrap_err().to_string();
        assert!(error.contains("\"password\""));
        assert!(!error.contains("12345678"));
        let text = HandlerConfig::from_json_str("{\"role\": \"requirer\", \"endpoint\": s3cr3t}")
            .unwrap_err()
            .to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn one_response_or_a_list_of_them_parses() {
        let one = serde_json::json!({"resource": "db"});
        assert_eq!(responses_from_json(&one).unwrap().len(), 1);
        let two = serde_json::json!([{"resource": "a"}, {"resource": "b"}]);
        assert_eq!(responses_from_json(&two).unwrap().len(), 2);
        assert!(responses_from_json(&serde_json::json!([{"x": 1}])).is_err());
    }

    #[test]
    fn a_configuration_round_trips_through_its_json_form() {
        let value = serde_json::json!({
            "role": "provider",
            "endpoint": "database",
            "mtls": true,
            "status-schema": [{"code": 4001, "message": "m", "resolution": "r"}],
            "response-fields": [{"key": "operator-password", "secret-group": "extra"}],
            "resource-aliases": ["topic"],
        });
        let config = HandlerConfig::from_json(&value).unwrap();
        let again = HandlerConfig::from_json(&config.to_json()).unwrap();
        assert_eq!(again.to_json(), config.to_json());
        let requirer = serde_json::json!({
            "role": "requirer", "endpoint": "db",
            "requests": [{"resource": "a", "salt": "s", "entity-type": "USER", "tier": 3}],
        });
        let config = HandlerConfig::from_json(&requirer).unwrap();
        let json = config.to_json();
        assert_eq!(json["requests"][0]["entity-type"], "USER");
        assert_eq!(json["requests"][0]["tier"], 3);
    }

    #[test]
    fn a_peer_configuration_names_its_fields() {
        let value = serde_json::json!({
            "role": "peer", "endpoint": "cluster",
            "fields": [{"key": "root-password", "secret-group": "extra"}, {"key": "mode"}],
        });
        let Ok(HandlerConfig::Peer(config)) = HandlerConfig::from_json(&value) else {
            panic!("a peer configuration");
        };
        assert_eq!(config.endpoint, "cluster");
        assert_eq!(config.fields[0].secret_group.as_deref(), Some("extra"));
        assert_eq!(config.fields[1].secret_group, None);
    }

    #[test]
    fn peer_values_are_json_text_and_null_deletes() {
        let values =
            peer_values_from_json(&serde_json::json!({"a": "x", "b": 3, "c": null})).unwrap();
        assert_eq!(
            values,
            vec![
                ("a".to_owned(), Some("\"x\"".to_owned())),
                ("b".to_owned(), Some("3".to_owned())),
                ("c".to_owned(), None),
            ]
        );
        let shown = peer_values_to_json(&[
            ("a".to_owned(), "\"x\"".to_owned()),
            ("b".to_owned(), "not json".to_owned()),
        ]);
        assert_eq!(shown, serde_json::json!({"a": "x", "b": "not json"}));
    }

    #[test]
    fn a_status_needs_an_integer_code() {
        let status = status_from_json(&serde_json::json!({"code": 4001, "message": "m"})).unwrap();
        assert_eq!((status.code, status.resolution.as_str()), (4001, ""));
        assert!(status_from_json(&serde_json::json!({"message": "m"})).is_err());
    }

    #[test]
    fn a_protocol_error_as_json_names_its_relation_bag_and_key() {
        let error = Error::Protocol(wit::Error::InvalidDatabag(wit::DatabagError {
            relation_id: 7,
            bag: wit::Bag::RemoteUnit("client/0".to_owned()),
            key: Some("requests".to_owned()),
            reason: "not JSON".to_owned(),
        }));
        let json = error_to_json(&error);
        assert_eq!(json["error"], "invalid-databag");
        assert_eq!(json["relation-id"], 7);
        assert_eq!(json["bag"], "remote-unit:client/0");
        assert_eq!(json["key"], "requests");
        assert_eq!(json["reason"], "not JSON");
        assert!(json["message"].as_str().unwrap().contains("relation 7"));
        let contract = Error::Contract {
            call: "requirer.handle",
            message: "no response".to_owned(),
        };
        assert_eq!(error_to_json(&contract)["error"], "contract");
    }
}
