//! The secret side of requests: the requirer's `mtls` and `requested-entity` secrets (and
//! custom groups of request-model fields), written by the requirer and read by the provider.

use crate::env::{Env, RelationId};
use crate::error::{Error, Result};
use crate::json;
use crate::model::{FieldSpec, Request};
use crate::secrets::{self, extra_string, set_extra, uri_key};

/// The secret groups of a request model, in declaration order.
pub fn groups(fields: &[FieldSpec]) -> Vec<String> {
    let mut groups = vec!["mtls".to_string(), "requested-entity".to_string()];
    for field in fields {
        if let Some(group) = &field.secret_group {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
    }
    groups
}

/// The URI a request holds for a group.
pub fn uri(request: &Request, group: &str) -> Option<String> {
    match group {
        "mtls" => request.secret_mtls.clone(),
        "requested-entity" => request.secret_requested_entity.clone(),
        _ => extra_string(&request.extra, &uri_key(group)),
    }
}

fn set_uri(request: &mut Request, group: &str, uri: Option<String>) {
    match group {
        "mtls" => request.secret_mtls = uri,
        "requested-entity" => request.secret_requested_entity = uri,
        _ => set_extra(
            &mut request.extra,
            &uri_key(group),
            uri.map(|uri| json::dumps_str(&uri)),
        ),
    }
}

/// The content keys and values of a request's group (`None` = unset).
fn values(
    request: &Request,
    group: &str,
    fields: &[FieldSpec],
) -> Result<Vec<(String, Option<String>)>> {
    Ok(match group {
        "mtls" => vec![("mtls-cert".to_string(), request.mtls_cert.clone())],
        "requested-entity" => vec![
            ("entity-name".to_string(), request.entity_name.clone()),
            ("password".to_string(), request.entity_password.clone()),
        ],
        _ => {
            let mut values = Vec::new();
            for field in fields
                .iter()
                .filter(|field| field.secret_group.as_deref() == Some(group))
            {
                let value = match request.extra.iter().find(|(key, _)| *key == field.key) {
                    None => None,
                    Some((key, text)) => match json::loads(text) {
                        Ok(serde_json::Value::Null) => None,
                        Ok(serde_json::Value::String(text)) => Some(text),
                        Ok(other) => Some(json::dumps(&other)),
                        Err(e) => {
                            return Err(Error::InvalidModel(format!(
                                "extra field `{key}` is not valid JSON: {e}"
                            )))
                        }
                    },
                };
                values.push((field.key.clone(), value));
            }
            values
        }
    })
}

/// Creates or updates the requirer-owned secrets of a request and puts their URIs in it.
pub fn write_secrets(
    env: &mut impl Env,
    endpoint: &str,
    relation: RelationId,
    request: &mut Request,
    fields: &[FieldSpec],
) -> Result<()> {
    let short_uuid = request.request_id.clone();
    for group in groups(fields) {
        let values = values(request, &group, fields)?;
        let label = secrets::label(endpoint, relation, short_uuid.as_deref(), &group);
        let known = uri(request, &group);
        let uri = secrets::upsert(env, relation, &label, known.as_deref(), &values, &[])?
            .uri(known.as_deref());
        set_uri(request, &group, uri);
    }
    Ok(())
}

/// The groups whose fields travel encrypted inline on a cross-model relation, where the
/// requirer cannot share secrets.
pub const INLINE_CROSS_MODEL: [&str; 2] = ["mtls", "requested-entity"];

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
    cross_model: bool,
) -> Result<()> {
    let short_uuid = request.request_id.clone();
    for group in groups(fields) {
        if cross_model && INLINE_CROSS_MODEL.contains(&group.as_str()) {
            continue;
        }
        let Some(uri) = uri(request, &group) else {
            continue;
        };
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
        match group.as_str() {
            "mtls" => request.mtls_cert = get("mtls-cert"),
            "requested-entity" => {
                request.entity_name = get("entity-name");
                request.entity_password = get("password");
            }
            _ => {
                for field in fields
                    .iter()
                    .filter(|field| field.secret_group.as_deref() == Some(group.as_str()))
                {
                    set_extra(
                        &mut request.extra,
                        &field.key,
                        get(&field.key).map(|value| json::dumps_str(&value)),
                    );
                }
            }
        }
    }
    Ok(())
}
