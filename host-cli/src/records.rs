//! The JSON forms of the records the command-line host reads and prints: requests, responses,
//! statuses, events, rejections and peer data.
//!
//! Requests and responses use their wire keys (`request-id`, `read-only-endpoints`, ...);
//! a key the standard model does not know travels in the record's `extra` list, its value
//! as JSON text. Both forms are derived from the WIT records' serde derives ([`crate::derived`]):
//! a record's keys are its field names, dashed. In a response the charm writes, a key given as `null` is cleared (see
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

use crate::derived::{field_names, field_of, from_derived, wire_key};
use data_interfaces_host::error::protocol_error_to_json;
use data_interfaces_host::wit::{Request, Response, Status};
use data_interfaces_host::{ProviderEvent, Rejection, RequirerEvent};
use data_interfaces_host::{Request as HostRequest, Response as HostResponse};
use serde::Serialize;
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

/// The fields with their own rules in the JSON forms: a record's `extra` list (its other keys)
/// and a response's `cleared` list (its keys given as `null`).
const LISTS: [&str; 2] = ["extra", "cleared"];

/// The one optional response key for which `null` means absent rather than cleared: a stored
/// response's `request-id` is never replaced, so the command line does not ask to clear it.
/// (A key that is not optional, such as `resource` or `salt`, cannot be cleared either.)
const NULL_IS_ABSENT: &str = "request-id";

/// The derived form of a record read from its JSON form: the record's empty form (`empty`,
/// serialized) with each known key's value in place, every other key in `extra` (as JSON
/// text). `cleared` (a response) collects the keys given as `null` that can be cleared;
/// without it, `null` is absent.
fn derived_form(
    map: &Map<String, Value>,
    empty: Value,
    fields: &[&str],
    what: &str,
    mut cleared: Option<&mut Vec<String>>,
) -> Result<Map<String, Value>, String> {
    let Value::Object(mut form) = empty else {
        return Err(format!("{what} has no record form"));
    };
    let first = fields.first().copied().unwrap_or_default();
    if map.get(&wire_key(first)).is_none_or(Value::is_null) {
        return Err(format!("{what} needs a {:?}", wire_key(first)));
    }
    let mut extra = Vec::new();
    for (key, value) in map {
        let field = field_of(key);
        let known = fields.contains(&field.as_str()) && !LISTS.contains(&field.as_str());
        let optional = known && form.get(&field).is_some_and(Value::is_null);
        match (known, value.is_null(), cleared.as_deref_mut()) {
            (true, false, _) => {
                form.insert(field, value.clone());
            }
            (true, true, Some(cleared)) if optional && key != NULL_IS_ABSENT => {
                cleared.push(key.clone())
            }
            (true, true, _) => {}
            (false, true, Some(cleared)) => cleared.push(key.clone()),
            (false, _, _) => extra.push(Value::from(vec![
                Value::from(key.clone()),
                Value::from(value.to_string()),
            ])),
        }
    }
    form.insert("extra".to_owned(), Value::Array(extra));
    Ok(form)
}

fn parse_request(value: &Value) -> Result<Request, String> {
    let map = object(value, "a request")?;
    let empty = serde_json::to_value(HostRequest::new("").into_wit()).map_err(|e| e.to_string())?;
    let form = derived_form(map, empty, field_names::<Request>(), "a request", None)?;
    from_derived(Value::Object(form))
}

fn parse_response(value: &Value) -> Result<Response, String> {
    let map = object(value, "a response")?;
    let empty =
        serde_json::to_value(HostResponse::new("").into_wit()).map_err(|e| e.to_string())?;
    let mut cleared = Vec::new();
    let mut form = derived_form(
        map,
        empty,
        field_names::<Response>(),
        "a response",
        Some(&mut cleared),
    )?;
    form.insert("cleared".to_owned(), Value::from(cleared));
    from_derived(Value::Object(form))
}

/// A record's JSON form from its derived form: each field under its wire key, in the record's
/// order, an absent one (`null`) or a flag that is not optional and off left out; then the
/// `extra` fields, each under its own key.
fn to_json_form<T: Serialize>(record: &T, empty: &T) -> Value {
    let (Ok(Value::Object(form)), Ok(Value::Object(empty))) =
        (serde_json::to_value(record), serde_json::to_value(empty))
    else {
        return Value::Null;
    };
    let mut json = Json::new();
    for (field, value) in &form {
        let off_flag = *value == Value::Bool(false) && empty.get(field) == Some(value);
        if LISTS.contains(&field.as_str()) || value.is_null() || off_flag {
            continue;
        }
        json.put(&wire_key(field), value.clone());
    }
    if let Some(Value::Array(extra)) = form.get("extra") {
        for pair in extra {
            if let Some([Value::String(key), Value::String(text)]) =
                pair.as_array().map(Vec::as_slice)
            {
                let value =
                    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
                json.put(key, value);
            }
        }
    }
    json.done()
}

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
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

/// A request as a JSON object (wire keys; absent fields left out).
pub fn request_to_json(r: &Request) -> Value {
    to_json_form(r, HostRequest::new("").as_wit())
}

/// A response as a JSON object (wire keys; absent fields left out, cleared ones `null`). It
/// carries credentials.
pub fn response_to_json(r: &Response) -> Value {
    let mut json = to_json_form(r, HostResponse::new("").as_wit());
    if let Value::Object(map) = &mut json {
        for key in &r.cleared {
            map.insert(key.clone(), Value::Null);
        }
    }
    json
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

    #[test]
    fn a_wrongly_typed_response_field_says_what_was_expected() {
        let value = serde_json::json!({"resource": "db", "tls": "yes"});
        let error = response_from_json(&value).unwrap_err().to_string();
        assert_eq!(error, "\"tls\" must be a boolean");
    }

    #[test]
    fn a_request_takes_the_entity_type_in_its_wire_form_only() {
        let user = serde_json::json!({"resource": "", "entity-type": "USER"});
        let request = request_from_json(&user).unwrap();
        assert_eq!(request_to_json(&request)["entity-type"], "USER");
        let lower = serde_json::json!({"resource": "", "entity-type": "user"});
        let error = request_from_json(&lower).unwrap_err().to_string();
        assert_eq!(error, "\"entity-type\" must be `USER` or `GROUP`");
    }

    #[test]
    fn a_request_keeps_its_unknown_keys_as_extra_fields() {
        let value = serde_json::json!({"resource": "db", "tier": 3, "salt": "s"});
        let request = request_from_json(&value).unwrap();
        assert_eq!(request.extra, vec![("tier".to_owned(), "3".to_owned())]);
        assert_eq!(
            request_to_json(&request),
            serde_json::json!({"resource": "db", "salt": "s", "tier": 3})
        );
    }
}
