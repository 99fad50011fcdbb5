//! Reading a requirer's bag: its contract version, its requests (v1 `requests`, or the flat
//! v0 form, decrypted on a cross-model relation and validated one by one) and the forms of a
//! request this provider caches to see what changed.

use serde_json::Value;

use crate::bag::{CrossModel, Databag};
use crate::cache::Diff;
use crate::crossmodel;
use crate::env::{Env, RelationInfo};
use crate::error::{Error, Result};
use crate::fernet::Key;
use crate::ids::gen_hash;
use crate::model::{ProviderConfig, Rejection, Request};
use crate::requests;
use crate::v0;
use crate::wire;

use super::Version;

/// The requirer's contract version, from its app bag's `version` (missing means v0).
pub(super) fn version(remote: &Databag) -> Result<Version> {
    match remote.get(wire::VERSION_KEY).unwrap_or("v0") {
        "v0" => Ok(Version::V0),
        "v1" => Ok(Version::V1),
        other => Err(remote.error(
            wire::VERSION_KEY,
            format!(
                "unsupported contract version {}",
                crate::json::dumps_str(other)
            ),
        )),
    }
}

/// The salt this provider uses for a v0 requirer's request (which has none): the cached one, so
/// that an unchanged request caches the same bytes.
pub(super) fn v0_salt(cache: &wire::Object) -> String {
    cache
        .get("salt")
        .and_then(Value::as_str)
        .map_or_else(crate::ids::gen_salt, str::to_string)
}

/// A v0 requirer's request, decrypted (cross-model) and with its secrets filled, and the
/// resource key it used. The request-model validators are not applied: a v0 bag is read as the
/// common v0 model, as the Python library does.
pub(super) fn v0_request(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    remote: &Databag,
    salt: String,
    key: Option<&Key>,
) -> Result<(Request, Option<&'static str>)> {
    let (mut request, original) =
        v0::parse_request(remote, &config.request_fields, salt, |object| {
            if let Some(key) = key {
                crossmodel::open_request(env, info.id, key, object, "v0 bag");
            }
        })?;
    requests::fill_secrets(
        env,
        &config.endpoint,
        info.id,
        &mut request,
        &config.request_fields,
        &CrossModel::new(info),
    )?;
    wire::validate_request(&request).map_err(|reason| remote.error_at(None, reason))?;
    Ok((request, original))
}

/// A v1 requirer's requests, decrypted (cross-model), validated with the request model's rules
/// and with their secrets filled; for the charm-facing `requests` call, so any invalid entry
/// fails the call with an error naming the relation, the requirer's bag, `requests` and the
/// entry.
pub(super) fn parse_requests(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    remote: &Databag,
    key: Option<&Key>,
) -> Result<Vec<Request>> {
    let (requests, rejections) = read_requests(env, config, info, remote, key)?;
    match rejections.into_iter().next() {
        Some(rejection) => Err(rejection.error),
        None => Ok(requests),
    }
}

/// A v1 requirer's requests, each decrypted (cross-model), validated with the request model's
/// rules and with its secrets filled, and the entries that could not be: each rejection names
/// the relation, the requirer's bag, `requests`, the entry and the reason. A later entry with
/// the request id of an earlier one is rejected. Only a `requests` that is not a JSON list
/// fails as a whole.
pub(super) fn read_requests(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    remote: &Databag,
    key: Option<&Key>,
) -> Result<(Vec<Request>, Vec<Rejection>)> {
    let Some(items) = remote.json_array(wire::REQUESTS_KEY)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let cross_model = CrossModel::new(info);
    let mut requests: Vec<Request> = Vec::with_capacity(items.len());
    let mut first_entry = std::collections::HashMap::with_capacity(items.len());
    let mut rejections = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let raw_id = item
            .get("request-id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let at =
            |reason: String| remote.error(wire::REQUESTS_KEY, format!("entry {index}: {reason}"));
        let parsed = read_request(env, config, info, key, &cross_model, index, item, &at).and_then(
            |request| {
                let uuid = short_uuid(&request);
                match first_entry.get(&uuid) {
                    Some(first) => Err(at(format!(
                        "duplicate request id {uuid} (first in entry {first})"
                    ))),
                    None => {
                        first_entry.insert(uuid, index);
                        Ok(request)
                    }
                }
            },
        );
        match parsed {
            Ok(request) => requests.push(request),
            Err(error) => rejections.push(Rejection {
                relation_id: info.id,
                request_id: raw_id,
                alias: None,
                error,
            }),
        }
    }
    Ok((requests, rejections))
}

/// One entry of a v1 requirer's `requests`: decrypted, parsed, validated, secrets filled.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_request(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    key: Option<&Key>,
    cross_model: &CrossModel,
    index: usize,
    item: Value,
    at: &impl Fn(String) -> Error,
) -> Result<Request> {
    let item = match (key, item) {
        (Some(key), Value::Object(mut object)) => {
            crossmodel::open_request(
                env,
                info.id,
                key,
                &mut object,
                &format!("requests entry {index}"),
            );
            Value::Object(object)
        }
        (_, item) => item,
    };
    let mut request = wire::parse_request(&item, &config.request_fields).map_err(at)?;
    wire::validate_fields(&request, &config.request_fields).map_err(at)?;
    requests::fill_secrets(
        env,
        &config.endpoint,
        info.id,
        &mut request,
        &config.request_fields,
        cross_model,
    )?;
    wire::validate_request(&request).map_err(at)?;
    Ok(request)
}

pub(super) fn short_uuid(request: &Request) -> String {
    request
        .request_id
        .clone()
        .unwrap_or_else(|| gen_hash(&request.resource, &request.salt))
}

/// A request's diff form against its cached copy: what the diff compares and what is stored
/// (sensitive values blanked, or encrypted with the relation's key; see
/// [`crossmodel::cache_forms`]), so that a secret-backed value does not look changed on every
/// hook and never reaches the cache in clear.
pub(super) fn cache_forms(
    request: &Request,
    config: &ProviderConfig,
    key: Option<&Key>,
    cached: Option<&wire::Object>,
) -> Result<crossmodel::CacheForms> {
    let dumped =
        wire::request_dump(request, &config.request_fields).map_err(Error::InvalidModel)?;
    crossmodel::cache_forms(key, wire::diff_form(&dumped), cached)
}

/// The certificate before an `mtls-cert` change, when the cache could hold it (encrypted).
pub(super) fn old_mtls_cert(
    diff: &Diff,
    key: Option<&Key>,
    forms: &crossmodel::CacheForms,
) -> Option<String> {
    if key.is_none() || !diff.changed("mtls-cert") {
        return None;
    }
    forms
        .old
        .as_ref()
        .and_then(|old| old.get("mtls-cert"))
        .and_then(Value::as_str)
        .map(str::to_string)
}
