//! The secret side of requests: the requirer's `mtls` and `requested-entity` secrets (and
//! custom groups of request-model fields), written by the requirer and read by the provider.

use crate::bag::CrossModel;
use crate::env::{Env, RelationId};
use crate::error::{Error, Result};
use crate::fields;
use crate::model::{FieldSpec, Request, REQUEST_FIELDS};
use crate::secrets;
use crate::wire::{self, Object};
use serde_json::Value;

/// The secret groups of a request model, in declaration order: the standard ones (`mtls`,
/// `requested-entity`), then custom groups of the model's fields.
pub fn groups(fields: &[FieldSpec]) -> Vec<String> {
    secrets::groups_of::<Request>(fields)
}

/// The URI a request holds for a group.
pub fn uri(request: &Request, group: &str) -> Option<String> {
    secrets::uri_of(request, group)
}

fn set_uri(request: &mut Request, group: &str, uri: Option<String>) {
    secrets::set_uri_of(request, group, uri);
}

/// The content keys and values of a request's group (`None` = unset).
fn values(
    request: &Request,
    group: &str,
    fields: &[FieldSpec],
) -> Result<Vec<(String, Option<String>)>> {
    secrets::group_values(request, group, fields)
}

/// Creates or updates the requirer-owned secrets of a request and puts their URIs in it; none
/// on a cross-model relation, where the requirer cannot share secrets (its sensitive fields
/// travel encrypted inline).
///
/// `written` are the requests this side wrote before (its own databag's JSON objects): a group
/// whose secret none of them names for this request id, and that has no value, needs nothing,
/// so nothing is asked of the host for it: neither a lookup (see [`secrets::upsert`]) nor
/// whether the relation crosses models.
pub fn write_secrets(
    env: &mut impl Env,
    endpoint: &str,
    relation: RelationId,
    request: &mut Request,
    fields: &[FieldSpec],
    written: &[Object],
    cross_model: &CrossModel,
) -> Result<()> {
    let short_uuid = request.request_id.clone();
    let before = short_uuid.as_deref().and_then(|id| {
        written
            .iter()
            .find(|object| object.get("request-id").and_then(Value::as_str) == Some(id))
            .and_then(|object| wire::parse_request(&Value::Object(object.clone()), fields).ok())
    });
    for group in groups(fields) {
        let values = values(request, &group, fields)?;
        let label = secrets::label(endpoint, relation, short_uuid.as_deref(), &group);
        let known = uri(request, &group);
        let recorded = before
            .as_ref()
            .is_some_and(|before| uri(before, &group).is_some());
        let idle = known.is_none() && !recorded && !secrets::any_value(&values);
        if idle {
            continue;
        }
        if cross_model.get(env) {
            return Ok(());
        }
        let uri = secrets::upsert(
            env,
            relation,
            &label,
            known.as_deref(),
            recorded,
            &values,
            &[],
        )?
        .uri(known.as_deref());
        set_uri(request, &group, uri);
    }
    Ok(())
}

/// Whether a group's fields travel encrypted inline on a cross-model relation, where the
/// requirer cannot share secrets: the standard request groups (`mtls`, `requested-entity`),
/// whose fields are the sensitive keys ([`crate::wire::SENSITIVE_KEYS`]).
pub fn inline_cross_model(group: &str) -> bool {
    fields::group_fields(REQUEST_FIELDS, group).next().is_some()
}

/// Fills a request's secret-backed fields from the requirer's secrets (consumed by the provider,
/// which attaches its own label). A missing `requested-entity` secret is tolerated: v0
/// requirers delete it once the entity exists. On a cross-model relation the `mtls` and
/// `requested-entity` groups are not secrets (their values come inline, encrypted).
pub fn fill_secrets(
    env: &mut impl Env,
    endpoint: &str,
    relation: RelationId,
    request: &mut Request,
    fields: &[FieldSpec],
    cross_model: &CrossModel,
) -> Result<()> {
    let short_uuid = request.request_id.clone();
    for group in groups(fields) {
        let Some(uri) = uri(request, &group) else {
            continue;
        };
        if inline_cross_model(&group) && cross_model.get(env) {
            continue;
        }
        let label = secrets::label(endpoint, relation, short_uuid.as_deref(), &group);
        let content = match secrets::consume(env, &uri, &label) {
            Ok(content) => content,
            Err(Error::Secret(_)) if group == "requested-entity" => continue,
            Err(error) => return Err(error),
        };
        let get = |key: &str| {
            content
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        secrets::fill_group(request, &group, fields, get);
    }
    Ok(())
}
