//! The JSON forms of the records the command-line host reads and prints: requests, responses,
//! statuses, events, rejections and peer data.
//!
//! Requests and responses use their wire keys (`request-id`, `read-only-endpoints`, ...);
//! a key the standard model does not know travels in the record's `extra` list, its value
//! as JSON text. In a response the charm writes, a key given as `null` is cleared (see
//! [`response_from_json`]). The JSON forms of responses and events carry credentials: they
//! are the charm's data, not log lines. An error names the key at fault, never a value.
//! A failed call is described by [`data_interfaces_host::error::error_to_json`].
//!
//! ```
//! use data_interfaces_cli::records::{response_from_json, response_to_json};
//!
//! let value = serde_json::json!({"resource": "db", "username": "u", "password": null});
//! let response = response_from_json(&value)?;
//! assert_eq!(response.cleared, ["password"]);
//! assert_eq!(response_to_json(&response)["password"], serde_json::Value::Null);
//! # Ok::<(), data_interfaces_cli::records::FormError>(())
//! ```

use data_interfaces_host::error::protocol_error_to_json;
use data_interfaces_host::wit::{EntityPermission, EntityType, Request, Response, Status};
use data_interfaces_host::{ProviderEvent, Rejection, RequirerEvent};
use serde_json::{Map, Value};

/// A JSON form (a configuration, request, response, status or peer values) that cannot be
/// used: the reason names the key at fault (or the JSON line and column), never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct FormError {
    reason: String,
}

impl FormError {
    /// Why the document cannot be used.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl From<String> for FormError {
    fn from(reason: String) -> Self {
        FormError { reason }
    }
}

impl From<serde_json::Error> for FormError {
    fn from(error: serde_json::Error) -> Self {
        // A JSON error names a line and column, never the text (it may hold a password).
        FormError {
            reason: error.to_string(),
        }
    }
}

/// A status from its JSON object: `code` (required), `message`, `resolution`.
pub fn status_from_json(value: &Value) -> Result<Status, FormError> {
    let map = object(value, "a status")?;
    status_of(map, "the status").map_err(FormError::from)
}

/// A request from its JSON object (wire keys).
pub fn request_from_json(value: &Value) -> Result<Request, FormError> {
    parse_request(value).map_err(FormError::from)
}

/// A response from its JSON object (wire keys). A key given as `null` is cleared (the
/// record's `cleared` list: the stored response loses that field, a secret field leaves its
/// secret), except `resource`, `request-id` and `salt`, for which `null` means absent.
pub fn response_from_json(value: &Value) -> Result<Response, FormError> {
    parse_response(value).map_err(FormError::from)
}

/// One response (a JSON object) or several (a JSON list).
pub fn responses_from_json(value: &Value) -> Result<Vec<Response>, FormError> {
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
pub fn peer_values_from_json(value: &Value) -> Result<Vec<(String, Option<String>)>, FormError> {
    let map = object(value, "the peer values")?;
    Ok(map
        .iter()
        .map(|(key, value)| {
            let text = (!value.is_null()).then(|| value.to_string());
            (key.clone(), text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn one_response_or_a_list_of_them_parses() {
        let one = serde_json::json!({"resource": "db"});
        assert_eq!(responses_from_json(&one).unwrap().len(), 1);
        let two = serde_json::json!([{"resource": "a"}, {"resource": "b"}]);
        assert_eq!(responses_from_json(&two).unwrap().len(), 2);
        assert!(responses_from_json(&serde_json::json!([{"x": 1}])).is_err());
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
    fn a_malformed_field_names_the_key_not_the_value() {
        let value = serde_json::json!({"resource": "db", "password": 12345678});
        let error = response_from_json(&value).unwrap_err().to_string();
        assert!(error.contains("\"password\""));
        assert!(!error.contains("12345678"));
    }
}
