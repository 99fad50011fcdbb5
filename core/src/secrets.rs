//! Secret groups, labels, and the secret operations of the protocol: filling a model's secret
//! fields from the secrets it references, and creating or updating the owner's secrets.

use indexmap::IndexMap;
use serde_json::Value;

use crate::env::{Entries, Env, HostErrorKind, Owner, RelationId};
use crate::error::{Error, Result};
use crate::fields::{self, Record};
use crate::json;
use crate::model::{FieldSpec, Response, RESPONSE_FIELDS};

/// The label of a relation secret: `{endpoint}.{relation}.{request_id}.{group}.secret`, or
/// without the request id (none or empty, as the library tests its truth) for v0 relations.
pub fn label(
    endpoint: &str,
    relation: RelationId,
    short_uuid: Option<&str>,
    group: &str,
) -> String {
    match short_uuid.filter(|uuid| !uuid.is_empty()) {
        Some(uuid) => format!("{endpoint}.{relation}.{uuid}.{group}.secret"),
        None => format!("{endpoint}.{relation}.{group}.secret"),
    }
}

/// What a relation secret's label says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedLabel {
    /// The endpoint (relation name).
    pub endpoint: String,
    /// The relation id.
    pub relation: RelationId,
    /// The request id, for v1 labels.
    pub short_uuid: Option<String>,
}

/// Parses a label from the left: at least three dot-separated parts with an integer second
/// part; a fifth part means the third is a request id.
pub fn parse_label(label: &str) -> Option<ParsedLabel> {
    let parts: Vec<&str> = label.split('.').collect();
    if parts.len() < 3 {
        return None;
    }
    let relation = parts[1].parse().ok()?;
    let short_uuid = if parts.len() >= 5 {
        Some(parts[2].to_string())
    } else {
        None
    };
    Some(ParsedLabel {
        endpoint: parts[0].to_string(),
        relation,
        short_uuid,
    })
}

/// The secret groups of a record's standard fields ([`fields::groups`]), then the custom
/// groups of a model's fields, in declaration order.
pub fn groups_of<R: Record>(fields: &[FieldSpec]) -> Vec<String> {
    let mut groups: Vec<String> = fields::groups(R::FIELDS)
        .into_iter()
        .map(str::to_string)
        .collect();
    for field in fields {
        if let Some(group) = &field.secret_group {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
    }
    groups
}

/// The secret groups of a response model, in declaration order: the standard ones (`user`,
/// `tls`, `entity`, then `extra`, which has no standard field), then custom groups of the
/// model's fields.
pub fn response_groups(fields: &[FieldSpec]) -> Vec<String> {
    groups_of::<Response>(fields)
}

/// The URI key of a group.
pub fn uri_key(group: &str) -> String {
    format!("secret-{group}")
}

/// The URI a record holds for a group: its standard URI field, else the `secret-{group}` extra.
pub fn uri_of<R: Record>(record: &R, group: &str) -> Option<String> {
    match fields::uri_field(R::FIELDS, group) {
        Some(field) => field.view(record).text(),
        None => extra_string(record.extra(), &uri_key(group)),
    }
}

/// The URI a response holds for a group.
pub fn response_uri(response: &Response, group: &str) -> Option<String> {
    uri_of(response, group)
}

/// Sets the URI a record holds for a group: its standard URI field, else the `secret-{group}`
/// extra (removed for none).
pub fn set_uri_of<R: Record>(record: &mut R, group: &str, uri: Option<String>) {
    match fields::uri_field(R::FIELDS, group) {
        Some(field) => field.set_text(record, uri),
        None => set_extra(
            record.extra_mut(),
            &uri_key(group),
            uri.map(|uri| json::dumps_str(&uri)),
        ),
    }
}

/// Sets the URI a response holds for a group.
pub fn set_response_uri(response: &mut Response, group: &str, uri: Option<String>) {
    set_uri_of(response, group, uri);
}

/// Makes a response point at no secret for a group, as the library sets the group's URI field
/// to `None`: a standard group's URI becomes none; a custom group's `secret-{group}` extra
/// field becomes JSON null (the library dumps it null whether or not the model declares it).
pub fn clear_response_uri(response: &mut Response, group: &str) {
    match fields::uri_field(RESPONSE_FIELDS, group) {
        Some(field) => field.unset(response),
        None => set_extra(&mut response.extra, &uri_key(group), Some("null".into())),
    }
}

/// A string-valued extra field.
pub fn extra_string(extra: &[(String, String)], key: &str) -> Option<String> {
    let text = extra.iter().find(|(k, _)| k == key).map(|(_, v)| v)?;
    match json::loads(text) {
        Ok(Value::String(text)) => Some(text),
        _ => None,
    }
}

/// Sets (or, with `None`, removes) an extra field, keeping its position.
pub fn set_extra(extra: &mut Vec<(String, String)>, key: &str, value: Option<String>) {
    match (extra.iter().position(|(k, _)| k == key), value) {
        (Some(index), Some(value)) => extra[index].1 = value,
        (Some(index), None) => {
            extra.remove(index);
        }
        (None, Some(value)) => extra.push((key.to_string(), value)),
        (None, None) => {}
    }
}

/// The secret content value of an extra field handed in as JSON text: strings as they are,
/// anything else as JSON text; null means unset.
pub(crate) fn secret_value_of_extra(key: &str, text: &str) -> Result<Option<String>> {
    match json::loads(text) {
        Ok(Value::Null) => Ok(None),
        Ok(Value::String(text)) => Ok(Some(text)),
        Ok(other) => Ok(Some(json::dumps(&other))),
        Err(e) => Err(Error::InvalidModel(format!(
            "extra field `{key}` is not valid JSON: {e}"
        ))),
    }
}

/// The content keys and values of a record's group, in declaration order (`None` = unset): the
/// standard fields of the group, or for a custom group the model's fields in it (from the
/// extras).
pub fn group_values<R: Record>(
    record: &R,
    group: &str,
    fields: &[FieldSpec],
) -> Result<Vec<(String, Option<String>)>> {
    let standard: Vec<(String, Option<String>)> = fields::group_fields(R::FIELDS, group)
        .map(|field| {
            (
                field.spec.content_key().to_string(),
                field.view(record).text(),
            )
        })
        .collect();
    if !standard.is_empty() {
        return Ok(standard);
    }
    let mut values = Vec::new();
    for field in fields
        .iter()
        .filter(|field| field.secret_group.as_deref() == Some(group))
    {
        let value = match record.extra().iter().find(|(key, _)| *key == field.key) {
            Some((key, text)) => secret_value_of_extra(key, text)?,
            None => None,
        };
        values.push((field.key.clone(), value));
    }
    Ok(values)
}

/// The content keys and values of a response's group, in declaration order (`None` = unset).
pub fn response_group_values(
    response: &Response,
    group: &str,
    fields: &[FieldSpec],
) -> Result<Vec<(String, Option<String>)>> {
    group_values(response, group, fields)
}

/// Fills a record's fields of a group from `get` (a content key's value in the group's secret):
/// the group's standard fields, or for a custom group the model's fields in it (as extras,
/// JSON strings).
pub fn fill_group<R: Record>(
    record: &mut R,
    group: &str,
    fields: &[FieldSpec],
    get: impl Fn(&str) -> Option<String>,
) {
    let mut standard = fields::group_fields(R::FIELDS, group).peekable();
    if standard.peek().is_some() {
        for field in standard {
            field.set_text(record, get(field.spec.content_key()));
        }
        return;
    }
    for field in fields
        .iter()
        .filter(|field| field.secret_group.as_deref() == Some(group))
    {
        set_extra(
            record.extra_mut(),
            &field.key,
            get(&field.key).map(|value| json::dumps_str(&value)),
        );
    }
}

/// Fills a response's fields of a group from the group's secret content (an empty value
/// counts as unset).
pub fn fill_response_group(
    response: &mut Response,
    group: &str,
    content: &Entries,
    fields: &[FieldSpec],
) {
    let get = |key: &str| {
        content
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    fill_group(response, group, fields, get);
}

/// Reads a secret this unit consumes by URI, attaching its label. A secret that cannot be seen
/// (not found, permission denied: a grant still missing) is an [`Error::Secret`], so the hook
/// fails and Juju retries it rather than reporting a resource without its credentials.
pub fn consume(env: &mut impl Env, uri: &str, label: &str) -> Result<Entries> {
    match env.secret_get(Some(uri), Some(label), true) {
        Ok(Some(secret)) => Ok(secret.content),
        Ok(None) => Err(Error::Secret(format!(
            "secret {uri} ({label}) is not visible to this unit"
        ))),
        Err(error)
            if matches!(
                error.kind,
                HostErrorKind::PermissionDenied | HostErrorKind::NotFound
            ) =>
        {
            Err(Error::Secret(format!(
                "secret {uri} ({label}) cannot be read: {:?}",
                error.kind
            )))
        }
        Err(error) => Err(error.into()),
    }
}

/// The content of a secret this application owns, found by its owner label, else by its URI
/// (without attaching a label: reading changes nothing). `None` when neither finds it.
pub fn owned_content(env: &mut impl Env, label: &str, uri: &str) -> Result<Option<Entries>> {
    let by_label = match env.secret_get(None, Some(label), false) {
        Ok(found) => found,
        Err(error) if error.kind == HostErrorKind::NotFound => None,
        Err(error) => return Err(error.into()),
    };
    if let Some(secret) = by_label {
        return Ok(Some(secret.content));
    }
    match env.secret_get(Some(uri), None, false) {
        Ok(found) => Ok(found.map(|secret| secret.content)),
        Err(error)
            if matches!(
                error.kind,
                HostErrorKind::NotFound | HostErrorKind::PermissionDenied
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// Whether some value of a group is set (an empty value counts as unset).
pub fn any_value(values: &[(String, Option<String>)]) -> bool {
    values
        .iter()
        .any(|(_, value)| value.as_deref().is_some_and(|v| !v.is_empty()))
}

/// What [`upsert`] did to a group's secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upserted {
    /// No secret exists and there was nothing to put in one: none was created.
    Absent,
    /// A secret was created (owned by the application, labelled, granted to the relation).
    Created(String),
    /// The existing secret, which got a new revision only if its content changed.
    Kept(String),
    /// The existing secret's content became empty: the secret was removed.
    Removed,
}

impl Upserted {
    /// The URI the model must carry for the group: the secret's, `known` when there is no
    /// secret, none once the secret is removed.
    pub fn uri(self, known: Option<&str>) -> Option<String> {
        match self {
            Upserted::Absent => known.map(str::to_string),
            Upserted::Created(id) | Upserted::Kept(id) => Some(id),
            Upserted::Removed => None,
        }
    }
}

/// Creates, updates or removes the owner's secret of one group of a request or response.
///
/// The secret is found by its label, else by `known_uri`. A new secret is created only when
/// some value is set. An existing one loses the `removed` keys and takes the set values (as
/// the library pops a field set to `None` and updates the others); it gets a new revision only
/// when its content changes, and is removed when its content becomes empty.
///
/// Each hook-tool call is one process under Juju, so nothing is looked up that cannot exist:
/// when neither `known_uri` nor `recorded` says this side ever wrote a secret for the group
/// (its own databag names none) and nothing is `removed`, a group without a value is left
/// alone, and a group with values gets its secret added at once. Juju creates a hook's secrets
/// and writes its databags together when the hook succeeds, so a secret this side created is
/// always named in its bag. Should a secret with the label exist all the same (a bag written
/// by hand), Juju refuses the add and the secret is then found by its label and updated.
pub fn upsert(
    env: &mut impl Env,
    relation: RelationId,
    label: &str,
    known_uri: Option<&str>,
    recorded: bool,
    values: &[(String, Option<String>)],
    removed: &[&str],
) -> Result<Upserted> {
    let set: Vec<(String, String)> = values
        .iter()
        .filter_map(|(key, value)| {
            value
                .as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| (key.clone(), v.clone()))
        })
        .collect();
    let looked = known_uri.is_some() || recorded || !removed.is_empty();
    let existing = if looked {
        find_owned(env, label, known_uri)?
    } else {
        None
    };
    let secret = match existing {
        Some(secret) => secret,
        None if set.is_empty() => return Ok(Upserted::Absent),
        None => match env.secret_add(Owner::Application, Some(label), &set) {
            Ok(id) => {
                env.secret_grant(&id, relation)?;
                return Ok(Upserted::Created(id));
            }
            // Not looked up: a secret with the label may exist all the same.
            Err(refused) if !looked => match find_owned(env, label, None)? {
                Some(secret) => secret,
                None => return Err(refused.into()),
            },
            Err(refused) => return Err(refused.into()),
        },
    };
    let current: IndexMap<String, String> = secret.content.iter().cloned().collect();
    let mut content = current.clone();
    for key in removed {
        content.shift_remove(*key);
    }
    for (key, value) in set {
        content.insert(key, value);
    }
    if content.is_empty() {
        env.secret_remove(&secret.id)?;
        return Ok(Upserted::Removed);
    }
    if content != current {
        let entries: Entries = content.into_iter().collect();
        env.secret_set_content(&secret.id, &entries)?;
    }
    Ok(Upserted::Kept(secret.id))
}

/// The owner's secret of a label, else the one `known_uri` names.
fn find_owned(
    env: &mut impl Env,
    label: &str,
    known_uri: Option<&str>,
) -> Result<Option<crate::env::Secret>> {
    let mut existing = env.secret_get(None, Some(label), false)?;
    if existing.is_none() {
        if let Some(uri) = known_uri {
            existing = env.secret_get(Some(uri), None, false)?;
        }
    }
    Ok(existing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_labels_carry_the_request_id() {
        assert_eq!(
            label("database", 0, Some("b7bf5c83ca2cd3de"), "user"),
            "database.0.b7bf5c83ca2cd3de.user.secret"
        );
        assert_eq!(label("database", 0, None, "user"), "database.0.user.secret");
    }

    #[test]
    fn labels_parse_from_the_left() {
        let parsed = parse_label("database.3.abc.tls.secret");
        assert_eq!(
            parsed,
            Some(ParsedLabel {
                endpoint: "database".into(),
                relation: 3,
                short_uuid: Some("abc".into())
            })
        );
        assert_eq!(parse_label("database.x.abc.tls.secret"), None);
        assert_eq!(
            parse_label("database.3.user.secret").and_then(|p| p.short_uuid),
            None
        );
    }
}
