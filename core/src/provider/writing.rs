//! Writing the charm's answers: merging responses into the stored ones, their secrets (one
//! per group, granted to the relation) and the `requests` list of the provider's bag.

use serde_json::Value;

use crate::bag::{find_relation, Databag, Staged};
use crate::env::{Bag, Env, RelationId};
use crate::error::{Error, Result};
use crate::fields::{self, Clear};
use crate::ids::{gen_hash, salt_or_fresh};
use crate::model::{ProviderConfig, Response, RESPONSE_FIELDS};
use crate::secrets::{self};
use crate::v0;
use crate::wire;

use super::reading::version;
use super::{Rules, Version};

/// Copies the fields a charm set on `new` into `old`, and clears the fields it cleared (the
/// library's `update`: every field the charm gave, `None` included); salt and request id are
/// never replaced. `old` remembers which keys stay cleared, for the secrets: a key set again
/// by a later response is no longer cleared.
pub(super) fn merge(old: &mut Response, new: &Response) {
    for field in RESPONSE_FIELDS {
        field.merge(old, new);
    }
    for (key, value) in &new.extra {
        secrets::set_extra(&mut old.extra, key, Some(value.clone()));
    }
    old.cleared.retain(|key| !is_set(new, key));
    apply_cleared(old, &new.cleared);
}

/// Clears the fields of `cleared` in a response and records them in its `cleared`: a standard
/// field becomes none, an extra field JSON null (the library dumps a field set to `None` as
/// null, a key its model does not declare included). Fields that cannot be cleared (salt,
/// request id, resource) are left alone.
pub(super) fn apply_cleared(response: &mut Response, cleared: &[String]) {
    for key in cleared {
        match fields::find(RESPONSE_FIELDS, key) {
            Some(field) if field.spec.clear == Clear::Unsets => field.unset(response),
            Some(_) => continue,
            None => secrets::set_extra(&mut response.extra, key, Some("null".into())),
        }
        if !response.cleared.contains(key) {
            response.cleared.push(key.clone());
        }
    }
}

/// Whether a response sets a field, by wire key (an extra field set to JSON null does not).
pub(super) fn is_set(response: &Response, key: &str) -> bool {
    match fields::find(RESPONSE_FIELDS, key) {
        Some(field) => field.is_set(response),
        None => response
            .extra
            .iter()
            .any(|(k, text)| k == key && !matches!(crate::json::loads(text), Ok(Value::Null))),
    }
}

/// Checks the keys a response clears: the fields declared [`Clear::Refused`] (`resource` and
/// `salt`: the library's model refuses `None` for them) cannot be cleared, nor can an empty key, and no key may be both cleared and
/// set.
pub(super) fn check_cleared(response: &Response) -> Result<()> {
    for key in &response.cleared {
        let refused = fields::find(RESPONSE_FIELDS, key)
            .is_some_and(|field| field.spec.clear == Clear::Refused);
        if key.is_empty() || refused {
            return Err(Error::InvalidModel(format!(
                "`{key}` cannot be cleared in a response"
            )));
        }
        if is_set(response, key) {
            return Err(Error::InvalidModel(format!(
                "`{key}` is both set and cleared in a response"
            )));
        }
    }
    Ok(())
}

pub(super) fn write_responses(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    new: &[Response],
    rules: Rules,
) -> Result<()> {
    let call = rules.call();
    let batch = rules == Rules::Batch && new.len() > 1;
    if !env.is_leader() {
        return Err(Error::NotLeader(format!(
            "{call} can only be called by the leader unit"
        )));
    }
    find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    for response in new {
        check_cleared(response)?;
    }
    let remote = Databag::read(env, relation, Bag::RemoteApp)?;
    let mut app = Staged::new(Databag::read(env, relation, Bag::LocalApp)?);
    if version(&remote)? == Version::V0 {
        if batch {
            return Err(Error::InvalidModel("V0 only expects one response".into()));
        }
        let mut current = v0::read_response(app.current(), &config.response_fields)?;
        for response in new {
            merge(&mut current, response);
            current.request_id = None;
            if current.salt.is_empty() {
                current.salt = salt_or_fresh(&response.salt);
            }
        }
        let mut responses = vec![current];
        write_secrets(env, config, relation, &mut responses, &[0], Version::V0)?;
        v0::write_response(&mut app, &responses[0], &config.response_fields)?;
        return app.commit(env);
    }
    let mut responses: Vec<Response> = match app.current().json_array(wire::REQUESTS_KEY)? {
        None => Vec::new(),
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                wire::parse_response(item, &config.response_fields).map_err(|reason| {
                    app.current()
                        .error(wire::REQUESTS_KEY, format!("entry {index}: {reason}"))
                })
            })
            .collect::<Result<_>>()?,
    };

    // Merge: by request id, or appended (set-responses drops responses without one).
    let mut touched = Vec::new();
    for response in new {
        if batch && response.request_id.is_none() {
            continue;
        }
        if batch && responses.iter().any(|r| r.request_id.is_none()) {
            return Err(app
                .current()
                .error(wire::REQUESTS_KEY, "Missing request id in the response"));
        }
        let index = match responses
            .iter()
            .position(|r| r.request_id == response.request_id)
        {
            Some(index) => {
                merge(&mut responses[index], response);
                index
            }
            None => {
                let mut fresh = Response {
                    cleared: Vec::new(),
                    ..response.clone()
                };
                apply_cleared(&mut fresh, &response.cleared);
                fresh.salt = salt_or_fresh(&fresh.salt);
                responses.push(fresh);
                responses.len() - 1
            }
        };
        if !touched.contains(&index) {
            touched.push(index);
        }
    }

    write_secrets(env, config, relation, &mut responses, &touched, Version::V1)?;
    let mut items = Vec::with_capacity(responses.len());
    for response in &responses {
        let mut object =
            wire::response_dump(response, &config.response_fields).map_err(Error::InvalidModel)?;
        wire::null_sensitive(&mut object);
        items.push(Value::Object(object));
    }
    app.set(wire::VERSION_KEY, "v1".into());
    app.set_json(wire::REQUESTS_KEY, &Value::Array(items));
    app.commit(env)
}

/// Creates, updates or removes the secrets of the touched responses and puts their URIs in
/// them. Every response and every secret value is checked before any secret is touched.
///
/// A cleared secret field leaves its group's secret, and a secret left empty is removed (its
/// URI becomes none). A cleared `secret-{group}` URI stays none unless the secret is created
/// here: the library finds the existing secret by its label, which does not give the secret's
/// id back, so it has no URI to write again.
pub(super) fn write_secrets(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    responses: &mut [Response],
    touched: &[usize],
    version: Version,
) -> Result<()> {
    for response in responses.iter() {
        wire::response_dump(response, &config.response_fields).map_err(Error::InvalidModel)?;
    }
    let groups = secrets::response_groups(&config.response_fields);
    let mut planned = Vec::new();
    for &index in touched {
        for group in &groups {
            let values =
                secrets::response_group_values(&responses[index], group, &config.response_fields)?;
            planned.push((index, group, values));
        }
    }
    for (index, group, values) in planned {
        let response = &mut responses[index];
        let uuid = match version {
            Version::V0 => None,
            Version::V1 => Some(
                response
                    .request_id
                    .clone()
                    .unwrap_or_else(|| gen_hash(&response.resource, &response.salt)),
            ),
        };
        let label = secrets::label(&config.endpoint, relation, uuid.as_deref(), group);
        let known = secrets::response_uri(response, group);
        let removed: Vec<&str> = values
            .iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| {
                let mut cleared = response.cleared.iter();
                cleared.any(|cleared| cleared_content_key(cleared, group) == *key)
            })
            .collect();
        let uri_cleared = response
            .cleared
            .iter()
            .any(|key| *key == secrets::uri_key(group));
        // A cleared URI may have named a secret: it is looked up, as any known one.
        let written = secrets::upsert(
            env,
            relation,
            &label,
            known.as_deref(),
            uri_cleared,
            &values,
            &removed,
        )?;
        match written {
            secrets::Upserted::Removed => secrets::clear_response_uri(response, group),
            secrets::Upserted::Kept(_) if uri_cleared => {
                secrets::clear_response_uri(response, group)
            }
            written => secrets::set_response_uri(response, group, written.uri(known.as_deref())),
        }
    }
    Ok(())
}

/// The content key a cleared wire key names in a group's secret: the content key of a standard
/// secret field of the group, else the key itself (a model's secret fields are stored under
/// their wire keys).
fn cleared_content_key<'a>(key: &'a str, group: &str) -> &'a str {
    match fields::find(RESPONSE_FIELDS, key) {
        Some(field) if field.spec.group() == Some(group) => field.spec.content_key(),
        _ => key,
    }
}
