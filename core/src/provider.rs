//! The provider side: the cross-model encryption key at relation-created, turning the
//! requirer's requests (decrypted and validated) into events at relation-changed, and writing
//! responses (their secrets and the `requests` list) for the charm. Statuses are in
//! [`crate::status`].

use serde_json::Value;

use crate::bag::{find_relation, is_cross_model, Databag, Staged};
use crate::cache::{self, Diff, DATA_KEY};
use crate::crossmodel;
use crate::env::{Bag, Env, LogLevel, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::fernet::Key;
use crate::ids::{gen_hash, salt_or_fresh};
use crate::model::{
    Handled, Hook, ProviderConfig, ProviderEvent, ProviderEventKind, Rejection, RelationEvent,
    Request, Response, SecretEvent,
};
use crate::requests;
use crate::requirer::remove_revision;
use crate::secrets::{self, parse_label};
use crate::v0;
use crate::wire;

/// Keys a requirer may not change once the relation exists, in the order they are checked.
const IMMUTABLE_KEYS: [&str; 4] = [
    "resource",
    "entity-type",
    "extra-user-roles",
    "extra-group-roles",
];

/// Handles a hook; returns the events to emit, in order, and the requests it rejected (a
/// malformed request is rejected alone: the others are handled).
pub fn handle(
    env: &mut impl Env,
    config: &ProviderConfig,
    hook: &Hook,
) -> Result<Handled<ProviderEvent>> {
    match hook {
        Hook::RelationCreated(event) => {
            if let Some(info) = find_relation(env, &config.endpoint, event.relation_id) {
                crossmodel::provider_relation_created(env, &config.endpoint, &info)?;
            }
            Ok(Handled::none())
        }
        Hook::RelationChanged(event) => relation_changed(env, config, event),
        Hook::RelationBroken(_) => Ok(Handled::none()),
        Hook::SecretChanged(event) => secret_changed(env, config, event).map(Handled::events),
        Hook::SecretRemove(event) => {
            remove_revision(env, &config.endpoint, event)?;
            Ok(Handled::none())
        }
    }
}

/// The requests on a relation (an empty requirer bag has none).
pub fn requests(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
) -> Result<Vec<Request>> {
    let info =
        find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    let remote = Databag::read(env, relation, Bag::RemoteApp)?;
    if remote.is_empty() {
        return Ok(Vec::new());
    }
    let version = version(&remote)?;
    let key = crossmodel::provider_key(env, &config.endpoint, &info, &remote)?;
    match version {
        Version::V1 => parse_requests(env, config, &info, &remote, key.as_ref()),
        Version::V0 => {
            let cache = match Databag::read(env, relation, Bag::LocalApp) {
                Ok(bag) => cache::load(env, &Staged::new(bag)),
                Err(_) => wire::Object::new(),
            };
            let salt = v0_salt(&cache);
            let (request, _) = v0_request(env, config, &info, &remote, salt, key.as_ref())?;
            Ok(vec![request])
        }
    }
}

/// The provider's own responses on a relation: its app bag's `requests` (a v1 requirer) or its
/// flat answer (a v0 requirer, whose version the requirer's bag says), with the secret fields
/// filled from the provider's own secrets (found by their owner label, else by the URI in the
/// response). A group whose secret cannot be found stays empty, as the library leaves it.
pub fn responses(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
) -> Result<Vec<Response>> {
    find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    let remote = Databag::read(env, relation, Bag::RemoteApp)?;
    let app = Databag::read(env, relation, Bag::LocalApp)?;
    let version = version(&remote)?;
    let mut responses = match version {
        Version::V0 => vec![v0::read_response(&app, &config.response_fields)?],
        Version::V1 => match app.json_array("requests")? {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    wire::parse_response(item, &config.response_fields)
                        .map_err(|reason| app.error("requests", format!("entry {index}: {reason}")))
                })
                .collect::<Result<_>>()?,
        },
    };
    let groups = secrets::response_groups(&config.response_fields);
    for response in &mut responses {
        let uuid = match version {
            Version::V0 => None,
            Version::V1 => Some(short_uuid_of_response(response)),
        };
        for group in &groups {
            let Some(uri) = secrets::response_uri(response, group) else {
                continue;
            };
            let label = secrets::label(&config.endpoint, relation, uuid.as_deref(), group);
            if let Some(content) = secrets::owned_content(env, &label, &uri)? {
                secrets::fill_response_group(response, group, &content, &config.response_fields);
            } else {
                env.log(
                    LogLevel::Info,
                    &format!("no secret for group {group} of relation {relation}"),
                );
            }
        }
    }
    Ok(responses)
}

/// The request id a response answers (its own, or the hash of its resource and salt).
fn short_uuid_of_response(response: &Response) -> String {
    response
        .request_id
        .clone()
        .unwrap_or_else(|| gen_hash(&response.resource, &response.salt))
}

/// Writes (or merges) one response on a relation; leader only.
pub fn set_response(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    response: &Response,
) -> Result<()> {
    write_responses(
        env,
        config,
        relation,
        std::slice::from_ref(response),
        Rules::EachInTurn,
    )
}

/// Writes responses as [`set_response`] called once for each, in order, but with one read and
/// one write of the bag (and so one `relation-set`): hosts coalesce with it the answers a charm
/// gives one by one during a hook, which would otherwise rewrite the whole `requests` list each
/// time. Every response is checked before anything is written; an empty list writes nothing.
///
/// The secrets are written once, with the merged result: the same content as calls one by one
/// (fewer revisions), except that a group's secret emptied by one response (its fields
/// cleared) and given a value again by a later one is updated in place, where calls one by one
/// remove it and create a new one (another URI, the same label and content).
pub fn set_response_each(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    responses: &[Response],
) -> Result<()> {
    if responses.is_empty() {
        return Ok(());
    }
    write_responses(env, config, relation, responses, Rules::EachInTurn)
}

/// Writes several responses on a relation at once; leader only.
pub fn set_responses(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    responses: &[Response],
) -> Result<()> {
    if responses.is_empty() {
        return Err(Error::InvalidModel("List of responses is empty".into()));
    }
    write_responses(env, config, relation, responses, Rules::Batch)
}

/// Which call's rules [`write_responses`] follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rules {
    /// `set-response` (once per response): every response is merged in turn.
    EachInTurn,
    /// `set-responses`: responses without a request id are dropped, a stored response without
    /// one is an error, and a v0 requirer takes only one response.
    Batch,
}

impl Rules {
    fn call(self) -> &'static str {
        match self {
            Rules::EachInTurn => "set-response",
            Rules::Batch => "set-responses",
        }
    }
}

/// The contract version a requirer speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// The flat v0 format (no `version` key, or `v0`).
    V0,
    /// The `requests` list.
    V1,
}

/// The requirer's contract version, from its app bag's `version` (missing means v0).
fn version(remote: &Databag) -> Result<Version> {
    match remote.get("version").unwrap_or("v0") {
        "v0" => Ok(Version::V0),
        "v1" => Ok(Version::V1),
        other => Err(remote.error(
            "version",
            format!(
                "unsupported contract version {}",
                crate::json::dumps_str(other)
            ),
        )),
    }
}

/// The salt this provider uses for a v0 requirer's request (which has none): the cached one, so
/// that an unchanged request caches the same bytes.
fn v0_salt(cache: &wire::Object) -> String {
    cache
        .get("salt")
        .and_then(Value::as_str)
        .map_or_else(crate::ids::gen_salt, str::to_string)
}

/// A v0 requirer's request, decrypted (cross-model) and with its secrets filled, and the
/// resource key it used. The request-model validators are not applied: a v0 bag is read as the
/// common v0 model, as the Python library does.
fn v0_request(
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
        is_cross_model(env, info),
    )?;
    wire::validate_request(&request).map_err(|reason| remote.error_at(None, reason))?;
    Ok((request, original))
}

/// A v1 requirer's requests, decrypted (cross-model), validated with the request model's rules
/// and with their secrets filled; for the charm-facing `requests` call, so any invalid entry
/// fails the call with an error naming the relation, the requirer's bag, `requests` and the
/// entry.
fn parse_requests(
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
fn read_requests(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    remote: &Databag,
    key: Option<&Key>,
) -> Result<(Vec<Request>, Vec<Rejection>)> {
    let Some(items) = remote.json_array("requests")? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let cross_model = is_cross_model(env, info);
    let mut requests: Vec<Request> = Vec::with_capacity(items.len());
    let mut first_entry = std::collections::HashMap::with_capacity(items.len());
    let mut rejections = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let raw_id = item
            .get("request-id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let at = |reason: String| remote.error("requests", format!("entry {index}: {reason}"));
        let parsed = read_request(env, config, info, key, cross_model, index, item, &at).and_then(
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
fn read_request(
    env: &mut impl Env,
    config: &ProviderConfig,
    info: &RelationInfo,
    key: Option<&Key>,
    cross_model: bool,
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

fn short_uuid(request: &Request) -> String {
    request
        .request_id
        .clone()
        .unwrap_or_else(|| gen_hash(&request.resource, &request.salt))
}

/// A request's diff form against its cached copy: what the diff compares and what is stored
/// (sensitive values blanked, or encrypted with the relation's key; see
/// [`crossmodel::cache_forms`]), so that a secret-backed value does not look changed on every
/// hook and never reaches the cache in clear.
fn cache_forms(
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
fn old_mtls_cert(diff: &Diff, key: Option<&Key>, forms: &crossmodel::CacheForms) -> Option<String> {
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

fn validate_diff(diff: &Diff) -> Result<()> {
    match IMMUTABLE_KEYS.iter().find(|key| diff.changed(key)) {
        Some(key) => Err(Error::InvalidModel(format!(
            "Cannot change {key} after relation has already been created"
        ))),
        None => Ok(()),
    }
}

/// The event a request's diff calls for; the first matching rule wins.
fn request_event(diff: &Diff, config: &ProviderConfig) -> Option<ProviderEventKind> {
    let resource = crate::diff::resource_added(diff, &config.resource_aliases);
    let entity_type = diff.added("entity-type");
    if config.mtls_enabled
        && (diff.added("secret-mtls") || diff.added("mtls-cert") || diff.changed("mtls-cert"))
    {
        Some(ProviderEventKind::MtlsCertUpdated)
    } else if resource && !entity_type {
        Some(ProviderEventKind::ResourceRequested)
    } else if (resource || diff.added("request-id")) && entity_type {
        // An entity-only request has an empty resource: its arrival is its request id's.
        Some(ProviderEventKind::ResourceEntityRequested)
    } else if !resource && !entity_type && diff.set("entity-permissions") {
        Some(ProviderEventKind::ResourceEntityPermissionsChanged)
    } else {
        None
    }
}

fn relation_changed(
    env: &mut impl Env,
    config: &ProviderConfig,
    event: &RelationEvent,
) -> Result<Handled<ProviderEvent>> {
    if !env.is_leader() {
        return Ok(Handled::none());
    }
    let Some(info) = find_relation(env, &config.endpoint, event.relation_id) else {
        return Ok(Handled::none());
    };
    let remote = Databag::read(env, info.id, Bag::RemoteApp)?;
    if remote.is_empty() {
        return Ok(Handled::none());
    }
    let version = version(&remote)?;
    let key = crossmodel::provider_key(env, &config.endpoint, &info, &remote)?;
    let key = key.as_ref();
    let mut app = Staged::new(Databag::read(env, info.id, Bag::LocalApp)?);
    let mut own_cache = cache::load(env, &app);
    let make = |kind, requests: Vec<Request>, old_mtls_cert| ProviderEvent {
        kind,
        relation_id: info.id,
        app: event.app.clone(),
        unit: event.unit.clone(),
        requests,
        old_mtls_cert,
    };

    let mut events = Vec::new();
    if version == Version::V0 {
        let salt = v0_salt(&own_cache);
        let (request, original) = v0_request(env, config, &info, &remote, salt, key)?;
        let forms = cache_forms(&request, config, key, Some(&own_cache))?;
        let diff = Diff::between(forms.old.as_ref(), &forms.new);
        validate_diff(&diff)?;
        let old_cert = old_mtls_cert(&diff, key, &forms);
        let global = cache::status_global(&cache::statuses(app.current())?);
        cache::store(&mut own_cache, &global, None, forms.stored);
        app.set_json(DATA_KEY, &Value::Object(own_cache));
        if let Some(original) = original {
            // v0 requirers read the resource back under the key they used.
            app.set(original, request.resource.clone());
        }
        if let Some(kind) = request_event(&diff, config) {
            events.push(make(kind, vec![request], old_cert));
        }
        app.commit(env)?;
        return Ok(Handled::events(events));
    }
    let (requests, mut rejections) = read_requests(env, config, &info, &remote, key)?;
    let mut reject = |request: &Request, error: Error| {
        rejections.push(Rejection {
            relation_id: info.id,
            request_id: Some(short_uuid(request)),
            alias: None,
            error,
        });
    };
    if config.bulk_event {
        let mut accepted = Vec::with_capacity(requests.len());
        for request in requests {
            let uuid = short_uuid(&request);
            let cached = own_cache.get(&uuid).and_then(Value::as_object);
            match cache_forms(&request, config, key, cached).and_then(|forms| {
                validate_diff(&Diff::between(forms.old.as_ref(), &forms.new)).map(|()| forms)
            }) {
                Ok(forms) => accepted.push((uuid, forms.stored, request)),
                Err(error) => reject(&request, error),
            }
        }
        let mut requests = Vec::with_capacity(accepted.len());
        for (uuid, new, request) in accepted {
            cache::store(&mut own_cache, &wire::Object::new(), Some(&uuid), new);
            requests.push(request);
        }
        // A hook whose every request was rejected has nothing to offer in bulk.
        if !requests.is_empty() || rejections.is_empty() {
            events.push(make(
                ProviderEventKind::BulkResourcesRequested,
                requests,
                None,
            ));
        }
    } else {
        let global = cache::status_global(&cache::statuses(app.current())?);
        for request in requests {
            let uuid = short_uuid(&request);
            let cached = own_cache.get(&uuid).and_then(Value::as_object);
            let forms = match cache_forms(&request, config, key, cached) {
                Ok(forms) => forms,
                Err(error) => {
                    reject(&request, error);
                    continue;
                }
            };
            let diff = Diff::between(forms.old.as_ref(), &forms.new);
            if let Err(error) = validate_diff(&diff) {
                reject(&request, error);
                continue;
            }
            let old_cert = old_mtls_cert(&diff, key, &forms);
            cache::store(&mut own_cache, &global, Some(&uuid), forms.stored);
            if let Some(kind) = request_event(&diff, config) {
                events.push(make(kind, vec![request], old_cert));
            }
        }
    }
    // A hook that rejected everything on a fresh relation has no cache to write.
    if !own_cache.is_empty() || app.get(DATA_KEY).is_some() {
        app.set_json(DATA_KEY, &Value::Object(own_cache));
    }
    app.commit(env)?;
    for rejection in &rejections {
        env.log(
            LogLevel::Error,
            &format!("request rejected: {}", rejection.error),
        );
    }
    Ok(Handled { events, rejections })
}

/// Copies the fields a charm set on `new` into `old`, and clears the fields it cleared (the
/// library's `update`: every field the charm gave, `None` included); salt and request id are
/// never replaced. `old` remembers which keys stay cleared, for the secrets: a key set again
/// by a later response is no longer cleared.
fn merge(old: &mut Response, new: &Response) {
    fn take<T: Clone>(old: &mut Option<T>, new: &Option<T>) {
        if new.is_some() {
            old.clone_from(new);
        }
    }
    if !new.resource.is_empty() {
        old.resource.clone_from(&new.resource);
    }
    take(&mut old.endpoints, &new.endpoints);
    take(&mut old.read_only_endpoints, &new.read_only_endpoints);
    take(&mut old.secret_user, &new.secret_user);
    take(&mut old.secret_tls, &new.secret_tls);
    take(&mut old.secret_extra, &new.secret_extra);
    take(&mut old.secret_entity, &new.secret_entity);
    take(&mut old.username, &new.username);
    take(&mut old.password, &new.password);
    take(&mut old.uris, &new.uris);
    take(&mut old.read_only_uris, &new.read_only_uris);
    take(&mut old.tls, &new.tls);
    take(&mut old.tls_ca, &new.tls_ca);
    take(&mut old.entity_name, &new.entity_name);
    take(&mut old.entity_password, &new.entity_password);
    take(&mut old.version, &new.version);
    take(&mut old.prefix_resources, &new.prefix_resources);
    for (key, value) in &new.extra {
        secrets::set_extra(&mut old.extra, key, Some(value.clone()));
    }
    old.cleared.retain(|key| !is_set(new, key));
    apply_cleared(old, &new.cleared);
}

/// Clears the fields of `cleared` in a response and records them in its `cleared`: a standard
/// field becomes none, an extra field JSON null (the library dumps a field set to `None` as
/// null, a key its model does not declare included). Salt and request id are left alone.
fn apply_cleared(response: &mut Response, cleared: &[String]) {
    for key in cleared {
        match key.as_str() {
            "request-id" | "salt" | "resource" => continue,
            "endpoints" => response.endpoints = None,
            "read-only-endpoints" => response.read_only_endpoints = None,
            "secret-user" => response.secret_user = None,
            "secret-tls" => response.secret_tls = None,
            "secret-extra" => response.secret_extra = None,
            "secret-entity" => response.secret_entity = None,
            "username" => response.username = None,
            "password" => response.password = None,
            "uris" => response.uris = None,
            "read-only-uris" => response.read_only_uris = None,
            "tls" => response.tls = None,
            "tls-ca" => response.tls_ca = None,
            "entity-name" => response.entity_name = None,
            "entity-password" => response.entity_password = None,
            "version" => response.version = None,
            "prefix-resources" => response.prefix_resources = None,
            _ => secrets::set_extra(&mut response.extra, key, Some("null".into())),
        }
        if !response.cleared.contains(key) {
            response.cleared.push(key.clone());
        }
    }
}

/// Whether a response sets a field, by wire key (an extra field set to JSON null does not).
fn is_set(response: &Response, key: &str) -> bool {
    match key {
        "resource" => !response.resource.is_empty(),
        "request-id" => response.request_id.is_some(),
        "salt" => !response.salt.is_empty(),
        "endpoints" => response.endpoints.is_some(),
        "read-only-endpoints" => response.read_only_endpoints.is_some(),
        "secret-user" => response.secret_user.is_some(),
        "secret-tls" => response.secret_tls.is_some(),
        "secret-extra" => response.secret_extra.is_some(),
        "secret-entity" => response.secret_entity.is_some(),
        "username" => response.username.is_some(),
        "password" => response.password.is_some(),
        "uris" => response.uris.is_some(),
        "read-only-uris" => response.read_only_uris.is_some(),
        "tls" => response.tls.is_some(),
        "tls-ca" => response.tls_ca.is_some(),
        "entity-name" => response.entity_name.is_some(),
        "entity-password" => response.entity_password.is_some(),
        "version" => response.version.is_some(),
        "prefix-resources" => response.prefix_resources.is_some(),
        _ => response
            .extra
            .iter()
            .any(|(k, text)| k == key && !matches!(crate::json::loads(text), Ok(Value::Null))),
    }
}

/// Checks the keys a response clears: `resource` and `salt` cannot be cleared (the library's
/// model refuses `None` for them), nor can an empty key, and no key may be both cleared and
/// set.
fn check_cleared(response: &Response) -> Result<()> {
    for key in &response.cleared {
        if key.is_empty() || key == "resource" || key == "salt" {
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

fn write_responses(
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
    let mut responses: Vec<Response> = match app.current().json_array("requests")? {
        None => Vec::new(),
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                wire::parse_response(item, &config.response_fields).map_err(|reason| {
                    app.current()
                        .error("requests", format!("entry {index}: {reason}"))
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
                .error("requests", "Missing request id in the response"));
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
    app.set("version", "v1".into());
    app.set_json("requests", &Value::Array(items));
    app.commit(env)
}

/// Creates, updates or removes the secrets of the touched responses and puts their URIs in
/// them. Every response and every secret value is checked before any secret is touched.
///
/// A cleared secret field leaves its group's secret, and a secret left empty is removed (its
/// URI becomes none). A cleared `secret-{group}` URI stays none unless the secret is created
/// here: the library finds the existing secret by its label, which does not give the secret's
/// id back, so it has no URI to write again.
fn write_secrets(
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
            .filter(|key| response.cleared.iter().any(|cleared| cleared == key))
            .collect();
        let written = secrets::upsert(env, relation, &label, known.as_deref(), &values, &removed)?;
        let uri_cleared = response
            .cleared
            .iter()
            .any(|key| *key == secrets::uri_key(group));
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

/// A requirer's mtls secret changed: `mtls-cert-updated` with the certificate before and after.
fn secret_changed(
    env: &mut impl Env,
    config: &ProviderConfig,
    event: &SecretEvent,
) -> Result<Vec<ProviderEvent>> {
    if !config.mtls_enabled {
        return Ok(Vec::new());
    }
    let Some(parsed) = event.label.as_deref().and_then(parse_label) else {
        return Ok(Vec::new());
    };
    if parsed.endpoint != config.endpoint {
        return Ok(Vec::new());
    }
    let Some(info) = find_relation(env, &config.endpoint, parsed.relation) else {
        return Ok(Vec::new());
    };
    if env.secret_owned(&event.id)? {
        return Ok(Vec::new());
    }
    let old_mtls_cert = match env.secret_get(Some(&event.id), None, false) {
        Ok(Some(secret)) => secret
            .content
            .into_iter()
            .find(|(key, _)| key == "mtls-cert")
            .map(|(_, value)| value),
        Ok(None) | Err(_) => None,
    };
    let remote = Databag::read(env, info.id, Bag::RemoteApp)?;
    let key = crossmodel::provider_key(env, &config.endpoint, &info, &remote)?;
    if version(&remote)? == Version::V0 {
        let (request, _) = v0_request(env, config, &info, &remote, String::new(), key.as_ref())?;
        return Ok(vec![ProviderEvent {
            kind: ProviderEventKind::MtlsCertUpdated,
            relation_id: info.id,
            app: info.remote_app.clone(),
            unit: info.remote_units.first().cloned(),
            requests: vec![request],
            old_mtls_cert,
        }]);
    }
    let Some(uuid) = parsed.short_uuid else {
        return Ok(Vec::new());
    };
    let Some(request) = parse_requests(env, config, &info, &remote, key.as_ref())?
        .into_iter()
        .find(|r| r.request_id.as_deref() == Some(uuid.as_str()))
    else {
        env.log(LogLevel::Info, &format!("Unknown request id {uuid}"));
        return Ok(Vec::new());
    };
    Ok(vec![ProviderEvent {
        kind: ProviderEventKind::MtlsCertUpdated,
        relation_id: info.id,
        app: info.remote_app.clone(),
        unit: info.remote_units.first().cloned(),
        requests: vec![request],
        old_mtls_cert,
    }])
}
