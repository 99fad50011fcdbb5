//! The v0 wire format, as a V1 provider meets it: a v0 requirer's flat app bag read as one
//! request, and the flat response written back (with the v0 secret labels and key aliases).

use serde_json::Value;

use crate::bag::{Databag, Staged};
use crate::error::{Error, Result};
use crate::json;
use crate::model::{FieldSpec, Request, Response, RESPONSE_FIELDS};
use crate::wire::{self, Object, RESOURCE_ALIASES};

/// Keys of a v0 requirer bag that are not part of the request.
const NOT_REQUEST: [&str; 3] = ["version", "encryption-secret", "data"];

/// A v0 requirer's request, and the resource key it used (`database`, `topic`, ...), which the
/// provider echoes back. Every value is read with its field's type (a JSON-encoded string
/// decoded); unknown keys are kept, JSON arrays and objects among them (`requested-secrets`)
/// decoded.
///
/// `open` sees the flat object before it is decoded (the provider decrypts the sensitive keys
/// of a cross-model requirer there).
pub fn parse_request(
    remote: &Databag,
    fields: &[FieldSpec],
    salt: String,
    open: impl FnOnce(&mut Object),
) -> Result<(Request, Option<&'static str>)> {
    let mut object = Object::new();
    for (key, value) in remote.entries() {
        if !NOT_REQUEST.contains(&key.as_str()) {
            // A value written JSON-encoded (`"\"admin\""`) reads as the string it encodes, as
            // the library reads it; any other value (`1234`, `true`) stays the text it is.
            let text = match json::loads(value) {
                Ok(Value::String(decoded)) => decoded,
                _ => value.clone(),
            };
            object.insert(key.clone(), Value::String(text));
        }
    }
    open(&mut object);
    let original = RESOURCE_ALIASES
        .iter()
        .copied()
        .find(|alias| object.contains_key(*alias));
    let mut request = wire::parse_request(&Value::Object(object), fields)
        .map_err(|reason| remote.error_at(reason_key(&reason), reason.clone()))?;
    for (_, text) in &mut request.extra {
        if let Ok(Value::String(raw)) = json::loads(text) {
            if let Ok(decoded @ (Value::Array(_) | Value::Object(_))) = json::loads(&raw) {
                *text = json::dumps(&decoded);
            }
        }
    }
    request.request_id = None;
    request.salt = salt;
    Ok((request, original))
}

/// The key a field-level reason names (it starts with the key in backquotes).
fn reason_key(reason: &str) -> Option<&str> {
    reason
        .strip_prefix('`')
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| key)
}

/// The flat response a provider wrote for a v0 requirer.
pub fn read_response(app: &Databag, fields: &[FieldSpec]) -> Result<Response> {
    let mut object = Object::new();
    // The keys of the flat response the provider writes: the plain fields of a response
    // (never its secret fields), then the model's plain fields.
    let standard = RESPONSE_FIELDS
        .iter()
        .filter(|field| field.spec.group().is_none())
        .map(|field| field.spec.dump_key());
    for key in standard.chain(
        fields
            .iter()
            .filter(|f| f.secret_group.is_none())
            .map(|f| f.key.as_str()),
    ) {
        if let Some(value) = app.get(key) {
            object.insert(key.to_string(), Value::String(value.to_string()));
        }
    }
    wire::parse_response(&Value::Object(object), fields)
        .map_err(|reason| app.error_at(reason_key(&reason), reason.clone()))
}

/// Writes a response flat into the provider's app bag: null deletes, strings as they are,
/// anything else as JSON; `prefix-resources` is also written as v0's `prefix-databases`.
pub fn write_response(app: &mut Staged, response: &Response, fields: &[FieldSpec]) -> Result<()> {
    let dumped = wire::response_dump(response, fields).map_err(Error::InvalidModel)?;
    for (key, value) in &dumped {
        match value {
            Value::Null => app.delete(key),
            Value::String(text) => app.set(key, text.clone()),
            other => app.set_json(key, other),
        }
    }
    if let Some(prefixes) = &response.prefix_resources {
        app.set("prefix-databases", prefixes.clone());
    }
    Ok(())
}
