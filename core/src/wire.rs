//! Requests and responses on the wire: the JSON objects inside `requests`, their diff form, and
//! decoding them field by field with the field's own type (never "JSON-decode every value").

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::fields::{Field, Secrecy};
use crate::json;
use crate::model::{
    EntityPermission, EntityType, FieldSpec, Request, Response, REQUEST_FIELDS, RESPONSE_FIELDS,
};

/// Keys that name the resource of a request, in the order they are looked up.
pub const RESOURCE_ALIASES: [&str; 6] = [
    "database",
    "subject",
    "topic",
    "index",
    "plugin-url",
    "prefix",
];

/// The bag key of a V1 application bag's list of requests (the requirer's) or responses (the
/// provider's), a JSON array.
pub const REQUESTS_KEY: &str = "requests";

/// The bag key of the contract version a V1 side writes (`v1`); a bag without it is v0.
pub const VERSION_KEY: &str = "version";

/// The keys a `resource` is read from: the aliases first, then `resource`.
pub const RESOURCE_KEYS: [&str; RESOURCE_ALIASES.len() + 1] = {
    let mut keys = ["resource"; RESOURCE_ALIASES.len() + 1];
    let mut index = 0;
    while index < RESOURCE_ALIASES.len() {
        keys[index] = RESOURCE_ALIASES[index];
        index += 1;
    }
    keys
};

/// Keys the DPC writer forces into every `requests` entry (null unless encrypted cross-model),
/// in the order it appends them: the keys of the request's secret fields (each field's wire key,
/// then the key it is dumped under when that differs): `mtls-cert`, `entity-name`,
/// `entity-password`, `password`.
pub static SENSITIVE_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys = Vec::new();
    for field in REQUEST_FIELDS
        .iter()
        .filter(|field| field.spec.group().is_some())
    {
        for key in [field.spec.key, field.spec.dump_key()] {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
});

/// A JSON object with keys in insertion order.
pub type Object = Map<String, Value>;

/// Parses the JSON text of an extra field handed in by a charm.
fn extra_value(key: &str, text: &str) -> Result<Value, String> {
    json::loads(text).map_err(|e| format!("extra field `{key}` is not valid JSON: {e}"))
}

fn find_extra<'a>(extra: &'a [(String, String)], key: &str) -> Option<&'a str> {
    extra
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn is_declared(fields: &[FieldSpec], key: &str) -> bool {
    fields.iter().any(|field| field.key == key)
}

/// Appends a model's extras: declared plain fields in declaration order (null when absent),
/// then the unknown extras in their order. Declared secret fields never appear.
fn push_extras(
    object: &mut Object,
    extra: &[(String, String)],
    fields: &[FieldSpec],
) -> Result<(), String> {
    for field in fields.iter().filter(|field| field.secret_group.is_none()) {
        let value = match find_extra(extra, &field.key) {
            Some(text) => extra_value(&field.key, text)?,
            None => Value::Null,
        };
        object.insert(field.key.clone(), value);
    }
    for (key, text) in extra {
        if !is_declared(fields, key) && !object.contains_key(key) {
            object.insert(key.clone(), extra_value(key, text)?);
        }
    }
    Ok(())
}

/// A request dumped like pydantic's JSON-mode dump by alias: every field, nulls kept, the
/// secret-backed fields with their plain values (the writer nulls or blanks them afterwards).
pub fn request_dump(request: &Request, fields: &[FieldSpec]) -> Result<Object, String> {
    let mut object = Object::new();
    for field in REQUEST_FIELDS {
        object.insert(field.spec.dump_key().into(), field.view(request).dump());
    }
    push_extras(&mut object, &request.extra, fields)?;
    Ok(object)
}

/// A permission as the library dumps it.
pub(crate) fn permission_value(permission: &EntityPermission) -> Value {
    let mut object = Object::new();
    object.insert(
        "resource_name".into(),
        Value::String(permission.resource_name.clone()),
    );
    object.insert(
        "resource_type".into(),
        Value::String(permission.resource_type.clone()),
    );
    object.insert(
        "privileges".into(),
        Value::Array(
            permission
                .privileges
                .iter()
                .cloned()
                .map(Value::String)
                .collect(),
        ),
    );
    Value::Object(object)
}

/// A response dumped like pydantic's JSON-mode dump by alias: secret values excluded (only
/// `secret-<group>` URIs), nulls kept.
pub fn response_dump(response: &Response, fields: &[FieldSpec]) -> Result<Object, String> {
    let mut object = Object::new();
    for field in RESPONSE_FIELDS
        .iter()
        .filter(|field| field.spec.group().is_none())
    {
        object.insert(field.spec.dump_key().into(), field.view(response).dump());
    }
    push_extras(&mut object, &response.extra, fields)?;
    Ok(object)
}

/// What the writer does to every `requests` entry on a same-model relation: the sensitive keys
/// become null (appended when absent).
pub fn null_sensitive(object: &mut Object) {
    for key in SENSITIVE_KEYS.iter() {
        object.insert((*key).into(), Value::Null);
    }
}

/// The diff form of a dump (pydantic `exclude_none` + `exclude_defaults`): no nulls, no empty
/// resource, no false `external-node-connectivity`.
pub fn diff_form(object: &Object) -> Object {
    object
        .iter()
        .filter(|(key, value)| match (key.as_str(), value) {
            (_, Value::Null) => false,
            ("resource", Value::String(text)) | ("salt", Value::String(text)) => !text.is_empty(),
            ("external-node-connectivity", Value::Bool(flag)) => *flag,
            _ => true,
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// What the diff caches store for the sensitive keys on a same-model relation: an empty string.
pub fn blank_sensitive(object: &mut Object) {
    for key in SENSITIVE_KEYS.iter() {
        if let Some(value) = object.get_mut(*key) {
            *value = Value::String(String::new());
        }
    }
}

/// Reads the fields of one JSON object with their types, remembering which keys were consumed.
struct Reader<'a> {
    object: &'a Object,
    used: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    fn new(object: &'a Object) -> Self {
        Reader {
            object,
            used: Vec::new(),
        }
    }

    fn take(&mut self, key: &str) -> Option<&'a Value> {
        let (key, value) = self.object.get_key_value(key)?;
        self.used.push(key.as_str());
        Some(value)
    }

    /// Reads a declared field into a record from its read keys (every one consumed).
    fn field<R>(&mut self, field: &Field<R>, record: &mut R) -> Result<(), String> {
        let values: Vec<(&str, &Value)> = field
            .spec
            .read_keys()
            .iter()
            .filter_map(|key| self.take(key).map(|value| (*key, value)))
            .collect();
        field.read(record, &values)
    }

    /// Consumes a key without reading it.
    fn skip(&mut self, key: &str) {
        self.take(key);
    }

    /// The keys not consumed, with their values as JSON text, in their order.
    fn rest(&self) -> Vec<(String, String)> {
        self.object
            .iter()
            .filter(|(key, _)| !self.used.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), json::dumps(value)))
            .collect()
    }
}

/// What a JSON value is, for error messages ("a number").
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Orders extras as the models do: declared fields first (declaration order), unknown keys after.
fn order_extras(mut rest: Vec<(String, String)>, fields: &[FieldSpec]) -> Vec<(String, String)> {
    let mut ordered = Vec::with_capacity(rest.len());
    for field in fields {
        if let Some(index) = rest.iter().position(|(key, _)| *key == field.key) {
            ordered.push(rest.remove(index));
        }
    }
    ordered.extend(rest);
    ordered
}

/// Decodes one request object. Secret-backed fields keep the plain values found on the wire
/// (null on a same-model relation); the caller fills them from the secrets.
pub fn parse_request(value: &Value, fields: &[FieldSpec]) -> Result<Request, String> {
    let Value::Object(object) = value else {
        return Err(format!("expected an object, found {}", kind(value)));
    };
    let mut reader = Reader::new(object);
    let mut request = Request::default();
    for field in REQUEST_FIELDS {
        reader.field(field, &mut request)?;
    }
    request.extra = order_extras(reader.rest(), fields);
    validate_request(&request)?;
    Ok(request)
}

/// Whether an optional text is set and not empty (Python's truthiness, which the library's
/// validators test).
fn is_set(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|text| !text.is_empty())
}

/// The consistency rules of every request (`RequirerCommonModel.validate_fields`), with the
/// library's messages.
pub fn validate_request(request: &Request) -> Result<(), String> {
    if request.entity_type == Some(EntityType::User) && is_set(&request.extra_group_roles) {
        return Err("Inconsistent entity information. Use extra_user_roles instead".into());
    }
    if request.entity_type == Some(EntityType::Group) && is_set(&request.extra_user_roles) {
        return Err("Inconsistent entity information. Use extra_group_roles instead".into());
    }
    if is_set(&request.entity_password) && !is_set(&request.entity_name) {
        return Err("Unable to set entity password without an entity name".into());
    }
    Ok(())
}

/// The key of the Kafka request model's `consumer_group_prefix`.
pub const CONSUMER_GROUP_PREFIX: &str = "consumer-group-prefix";

/// Kafka's `is_topic_value_acceptable`: a non-empty value with `*` among its first three
/// characters is refused (the double comma is the library's).
pub fn is_topic_value_acceptable(value: &str) -> Result<(), String> {
    if value.chars().take(3).any(|c| c == '*') {
        return Err(format!("Error on topic '{value}',, unacceptable value."));
    }
    Ok(())
}

/// The rules of the fields a request model declares: today the Kafka model's
/// `consumer-group-prefix` (a string or null, checked by [`is_topic_value_acceptable`]).
pub fn validate_fields(request: &Request, fields: &[FieldSpec]) -> Result<(), String> {
    if !is_declared(fields, CONSUMER_GROUP_PREFIX) {
        return Ok(());
    }
    let Some(text) = find_extra(&request.extra, CONSUMER_GROUP_PREFIX) else {
        return Ok(());
    };
    match extra_value(CONSUMER_GROUP_PREFIX, text)? {
        Value::Null => Ok(()),
        Value::String(value) => is_topic_value_acceptable(&value),
        other => Err(format!(
            "`{CONSUMER_GROUP_PREFIX}`: expected a string or null, found {}",
            kind(&other)
        )),
    }
}

/// Decodes `entity-permissions`: an array of `{resource_name, resource_type, privileges}`, or
/// (v0) the same array as JSON text.
pub fn parse_permissions(value: &Value) -> Result<Vec<EntityPermission>, String> {
    let decoded;
    let value = match value {
        Value::String(text) => {
            decoded = json::loads(text)
                .map_err(|e| format!("`entity-permissions`: not valid JSON: {e}"))?;
            &decoded
        }
        other => other,
    };
    let Value::Array(items) = value else {
        return Err(format!(
            "`entity-permissions`: expected an array, found {}",
            kind(value)
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let at = |what: &str| format!("`entity-permissions`[{index}]: {what}");
            let Value::Object(object) = item else {
                return Err(at(&format!("expected an object, found {}", kind(item))));
            };
            let text = |key: &str| match object.get(key) {
                Some(Value::String(text)) => Ok(text.clone()),
                Some(other) => Err(at(&format!(
                    "`{key}`: expected a string, found {}",
                    kind(other)
                ))),
                None => Err(at(&format!("`{key}` is missing"))),
            };
            let privileges = match object.get("privileges") {
                Some(Value::Array(privileges)) => privileges
                    .iter()
                    .map(|privilege| match privilege {
                        Value::String(text) => Ok(text.clone()),
                        other => Err(at(&format!(
                            "`privileges`: expected strings, found {}",
                            kind(other)
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                Some(other) => {
                    return Err(at(&format!(
                        "`privileges`: expected an array, found {}",
                        kind(other)
                    )))
                }
                None => return Err(at("`privileges` is missing")),
            };
            Ok(EntityPermission {
                resource_name: text("resource_name")?,
                resource_type: text("resource_type")?,
                privileges,
            })
        })
        .collect()
}

/// Decodes one response object. Secret fields are never read from the wire (the writer's null
/// sensitive keys are dropped); the caller fills them from the secrets.
pub fn parse_response(value: &Value, fields: &[FieldSpec]) -> Result<Response, String> {
    let Value::Object(object) = value else {
        return Err(format!("expected an object, found {}", kind(value)));
    };
    let mut reader = Reader::new(object);
    let mut response = Response::default();
    for field in RESPONSE_FIELDS {
        match field.spec.secret {
            Secrecy::InGroup(_) => field
                .spec
                .read_keys()
                .iter()
                .for_each(|key| reader.skip(key)),
            Secrecy::Plain | Secrecy::UriOf(_) => reader.field(field, &mut response)?,
        }
    }
    for key in SENSITIVE_KEYS.iter() {
        reader.skip(key);
    }
    for field in fields.iter().filter(|field| field.secret_group.is_some()) {
        reader.skip(&field.key);
    }
    response.extra = order_extras(reader.rest(), fields);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_numeric_looking_string_stays_a_string() {
        let response =
            parse_response(&json!({"resource": "1234", "version": "16"}), &[]).unwrap_or_default();
        assert_eq!(response.resource, "1234");
        assert_eq!(response.version.as_deref(), Some("16"));
    }

    #[test]
    fn a_number_where_a_string_belongs_is_an_error_naming_the_key() {
        let error = parse_response(&json!({"version": 16}), &[])
            .err()
            .unwrap_or_default();
        assert!(error.contains("`version`"), "{error}");
    }

    #[test]
    fn resource_aliases_are_read() {
        let request = parse_request(&json!({"database": "legacydb"}), &[]).unwrap_or_default();
        assert_eq!(request.resource, "legacydb");
    }

    #[test]
    fn unknown_keys_are_kept_as_extras_after_declared_fields() {
        let fields = [FieldSpec {
            key: "consumer-group-prefix".into(),
            secret_group: None,
        }];
        let request = parse_request(&json!({"zzz": 1, "consumer-group-prefix": "g"}), &fields)
            .unwrap_or_default();
        assert_eq!(
            request.extra,
            vec![
                ("consumer-group-prefix".to_string(), "\"g\"".to_string()),
                ("zzz".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn diff_form_drops_nulls_and_defaults() {
        let request = Request {
            salt: "s".into(),
            ..Request::default()
        };
        let dumped = request_dump(&request, &[]).unwrap_or_default();
        assert_eq!(
            json::dumps(&Value::Object(diff_form(&dumped))),
            r#"{"salt": "s"}"#
        );
    }
}
