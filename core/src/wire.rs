//! Requests and responses on the wire: the JSON objects inside `requests`, their diff form, and
//! decoding them field by field with the field's own type (never "JSON-decode every value").

use serde_json::{Map, Value};

use crate::json;
use crate::model::{EntityPermission, EntityType, FieldSpec, Request, Response};

/// Keys that name the resource of a request, in the order they are looked up.
pub const RESOURCE_ALIASES: [&str; 6] = [
    "database",
    "subject",
    "topic",
    "index",
    "plugin-url",
    "prefix",
];

/// Keys the DPC writer forces into every `requests` entry (null unless encrypted cross-model),
/// in the order it appends them.
pub const SENSITIVE_KEYS: [&str; 4] = ["mtls-cert", "entity-name", "entity-password", "password"];

/// A JSON object with keys in insertion order.
pub type Object = Map<String, Value>;

fn opt(value: &Option<String>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |text| Value::String(text.clone()))
}

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
    object.insert("resource".into(), Value::String(request.resource.clone()));
    object.insert("request-id".into(), opt(&request.request_id));
    object.insert("salt".into(), Value::String(request.salt.clone()));
    object.insert("extra-user-roles".into(), opt(&request.extra_user_roles));
    object.insert("extra-group-roles".into(), opt(&request.extra_group_roles));
    object.insert(
        "external-node-connectivity".into(),
        Value::Bool(request.external_node_connectivity),
    );
    object.insert(
        "entity-type".into(),
        request
            .entity_type
            .map_or(Value::Null, |kind| Value::String(kind.as_str().into())),
    );
    object.insert(
        "entity-permissions".into(),
        request
            .entity_permissions
            .as_ref()
            .map_or(Value::Null, |permissions| {
                Value::Array(permissions.iter().map(permission_value).collect())
            }),
    );
    object.insert("secret-mtls".into(), opt(&request.secret_mtls));
    object.insert("mtls-cert".into(), opt(&request.mtls_cert));
    object.insert(
        "secret-requested-entity".into(),
        opt(&request.secret_requested_entity),
    );
    object.insert("entity-name".into(), opt(&request.entity_name));
    object.insert("password".into(), opt(&request.entity_password));
    object.insert("prefix-matching".into(), opt(&request.prefix_matching));
    push_extras(&mut object, &request.extra, fields)?;
    Ok(object)
}

fn permission_value(permission: &EntityPermission) -> Value {
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
    object.insert("resource".into(), Value::String(response.resource.clone()));
    object.insert("request-id".into(), opt(&response.request_id));
    object.insert("salt".into(), Value::String(response.salt.clone()));
    object.insert("endpoints".into(), opt(&response.endpoints));
    object.insert(
        "read-only-endpoints".into(),
        opt(&response.read_only_endpoints),
    );
    object.insert("secret-user".into(), opt(&response.secret_user));
    object.insert("secret-tls".into(), opt(&response.secret_tls));
    object.insert("secret-extra".into(), opt(&response.secret_extra));
    object.insert("secret-entity".into(), opt(&response.secret_entity));
    object.insert("version".into(), opt(&response.version));
    object.insert("prefix-resources".into(), opt(&response.prefix_resources));
    push_extras(&mut object, &response.extra, fields)?;
    Ok(object)
}

/// What the writer does to every `requests` entry on a same-model relation: the sensitive keys
/// become null (appended when absent).
pub fn null_sensitive(object: &mut Object) {
    for key in SENSITIVE_KEYS {
        object.insert(key.into(), Value::Null);
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
    for key in SENSITIVE_KEYS {
        if let Some(value) = object.get_mut(key) {
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

    fn opt_str(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(format!(
                "`{key}`: expected a string or null, found {}",
                kind(other)
            )),
        }
    }

    /// The first present, non-null key among `keys`; every one of them is consumed.
    fn first_str(&mut self, keys: &[&str]) -> Result<Option<String>, String> {
        let mut found = None;
        for key in keys {
            let value = self.opt_str(key)?;
            if found.is_none() {
                found = value;
            }
        }
        Ok(found)
    }

    fn bool(&mut self, key: &str) -> Result<bool, String> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(Value::String(text)) => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" | "t" | "y" => Ok(true),
                "false" | "no" | "off" | "0" | "f" | "n" | "" => Ok(false),
                _ => Err(format!(
                    "`{key}`: expected a boolean, found the string {}",
                    json::dumps_str(text)
                )),
            },
            Some(other) => Err(format!(
                "`{key}`: expected a boolean, found {}",
                kind(other)
            )),
        }
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

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn resource_keys() -> Vec<&'static str> {
    let mut keys = RESOURCE_ALIASES.to_vec();
    keys.push("resource");
    keys
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
    let resource = reader.first_str(&resource_keys())?.unwrap_or_default();
    let request_id = reader.opt_str("request-id")?;
    let salt = reader.opt_str("salt")?.unwrap_or_default();
    let extra_user_roles = reader.opt_str("extra-user-roles")?;
    let extra_group_roles = reader.opt_str("extra-group-roles")?;
    let external_node_connectivity = reader.bool("external-node-connectivity")?;
    let entity_type = match reader.opt_str("entity-type")? {
        None => None,
        Some(text) => Some(EntityType::parse(&text).ok_or_else(|| {
            format!(
                "`entity-type`: expected USER or GROUP, found {}",
                json::dumps_str(&text)
            )
        })?),
    };
    let entity_permissions = match reader.take("entity-permissions") {
        None | Some(Value::Null) => None,
        Some(value) => Some(parse_permissions(value)?),
    };
    let secret_mtls = reader.opt_str("secret-mtls")?;
    let mtls_cert = reader.opt_str("mtls-cert")?;
    let secret_requested_entity =
        reader.first_str(&["requested-entity-secret", "secret-requested-entity"])?;
    let entity_name = reader.opt_str("entity-name")?;
    let entity_password = reader.first_str(&["entity-password", "password"])?;
    let prefix_matching = reader.opt_str("prefix-matching")?;
    let request = Request {
        resource,
        request_id,
        salt,
        extra_user_roles,
        extra_group_roles,
        external_node_connectivity,
        entity_type,
        entity_permissions,
        secret_mtls,
        mtls_cert,
        secret_requested_entity,
        entity_name,
        entity_password,
        prefix_matching,
        extra: order_extras(reader.rest(), fields),
    };
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
    let resource = reader.first_str(&resource_keys())?.unwrap_or_default();
    let request_id = reader.opt_str("request-id")?;
    let salt = reader.opt_str("salt")?.unwrap_or_default();
    let endpoints = reader.opt_str("endpoints")?;
    let read_only_endpoints = reader.opt_str("read-only-endpoints")?;
    let secret_user = reader.opt_str("secret-user")?;
    let secret_tls = reader.opt_str("secret-tls")?;
    let secret_extra = reader.opt_str("secret-extra")?;
    let secret_entity = reader.opt_str("secret-entity")?;
    let version = reader.opt_str("version")?;
    let prefix_resources = reader.opt_str("prefix-resources")?;
    for key in SENSITIVE_KEYS
        .iter()
        .chain(&["username", "uris", "read-only-uris", "tls", "tls-ca"])
    {
        reader.take(key);
    }
    for field in fields.iter().filter(|field| field.secret_group.is_some()) {
        reader.take(&field.key);
    }
    Ok(Response {
        resource,
        request_id,
        salt,
        endpoints,
        read_only_endpoints,
        secret_user,
        secret_tls,
        secret_extra,
        secret_entity,
        version,
        prefix_resources,
        extra: order_extras(reader.rest(), fields),
        ..Response::default()
    })
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
