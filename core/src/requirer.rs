//! The requirer side: writing requests at relation-created (encrypted inline instead of secrets
//! on a cross-model relation, see [`crate::crossmodel`]), the cross-model handshake and turning
//! the provider's responses and statuses into events at relation-changed, and the charm-facing
//! reads, as methods of a [`Requirer`] handler, whose configured requests are checked once.
//! Relation aliases (assigned at relation-created, carried by events and rejections) live in
//! [`crate::alias`].

use serde_json::Value;

use crate::alias::{self, ALIAS_KEY};
use crate::bag::{find_relation, is_cross_model, CrossModel, Databag, Staged};
use crate::cache::{self, Diff, DATA_KEY, STATUS_KEY};
use crate::crossmodel::{self, ENCRYPTION_SECRET};
use crate::env::{Bag, Env, LogLevel, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::ids::{gen_hash, salt_or_fresh};
use crate::model::{
    Handled, Hook, Rejection, RelationEvent, RequirerConfig, RequirerEvent, RequirerEventKind,
    Response, SecretEvent, Status,
};
use crate::requests;
use crate::secrets::{self, parse_label};
use crate::wire::{self, Object};

/// A requirer handler: a configuration whose requests follow the request model's rules,
/// checked once when the handler is made (the component's `requirer.handler` resource holds
/// one for as long as its host keeps it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirer {
    config: RequirerConfig,
}

impl Requirer {
    /// Checks the configured requests with the request model's rules, and that relation
    /// aliases are as many as the endpoint's relation limit (an invalid configuration fails
    /// here, before anything is read or written), and makes the handler.
    pub fn new(config: RequirerConfig) -> Result<Requirer> {
        let aliases = config.relation_aliases.len();
        if aliases > 0 && config.relation_limit.map(|limit| limit as usize) != Some(aliases) {
            let expected = config
                .relation_limit
                .map_or_else(|| "None".to_owned(), |limit| limit.to_string());
            return Err(Error::InvalidModel(format!(
                "Invalid number of aliases, expected {expected}, received {aliases}"
            )));
        }
        for request in &config.requests {
            wire::request_dump(request, &config.request_fields).map_err(Error::InvalidModel)?;
            wire::validate_request(request).map_err(Error::InvalidModel)?;
            wire::validate_fields(request, &config.request_fields).map_err(Error::InvalidModel)?;
        }
        Ok(Requirer { config })
    }

    /// The checked configuration.
    pub fn config(&self) -> &RequirerConfig {
        &self.config
    }

    /// Handles a hook; returns the events to emit, in order, and the responses it rejected (a
    /// malformed response is rejected alone: the others are handled).
    pub fn handle(&self, env: &mut impl Env, hook: &Hook) -> Result<Handled<RequirerEvent>> {
        let config = &self.config;
        match hook {
            Hook::RelationCreated(event) => {
                relation_created(env, config, event).map(|()| Handled::none())
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

    /// The responses on a relation, with their secret fields filled in.
    pub fn responses(&self, env: &mut impl Env, relation: RelationId) -> Result<Vec<Response>> {
        let remote = self.remote_bag(env, relation)?;
        let mut responses = parse_responses(&self.config, &remote)?;
        for response in &mut responses {
            fill_secrets(env, &self.config, relation, response)?;
        }
        Ok(responses)
    }

    /// Whether the response to a request has credentials (`secret-user` or `secret-entity`).
    pub fn is_resource_created(
        &self,
        env: &mut impl Env,
        relation: RelationId,
        request_id: &str,
    ) -> Result<bool> {
        let remote = self.remote_bag(env, relation)?;
        Ok(parse_responses(&self.config, &remote)?
            .iter()
            .find(|response| response.request_id.as_deref() == Some(request_id))
            .is_some_and(is_created))
    }

    /// Whether every response that has a request id has credentials (true when there is none).
    pub fn are_all_resources_created(
        &self,
        env: &mut impl Env,
        relation: RelationId,
    ) -> Result<bool> {
        let remote = self.remote_bag(env, relation)?;
        Ok(parse_responses(&self.config, &remote)?
            .iter()
            .filter(|response| response.request_id.is_some())
            .all(is_created))
    }

    /// The statuses the provider currently raises on a relation (its app bag's `status`).
    pub fn statuses(&self, env: &mut impl Env, relation: RelationId) -> Result<Vec<Status>> {
        cache::statuses(&self.remote_bag(env, relation)?)
    }

    /// The alias this unit's bag records for a relation (see [`alias::relation_alias`]).
    pub fn relation_alias(&self, env: &impl Env, relation: RelationId) -> Result<Option<String>> {
        alias::relation_alias(env, &self.config, relation)
    }

    /// Gives a relation its alias as relation-created does (see [`alias::assign_alias`]).
    pub fn assign_alias(&self, env: &mut impl Env, relation: RelationId) -> Result<Option<String>> {
        alias::assign_alias(env, &self.config, relation)
    }

    /// The remote application's bag of one of the endpoint's relations.
    fn remote_bag(&self, env: &mut impl Env, relation: RelationId) -> Result<Databag> {
        find_relation(env, &self.config.endpoint, relation)
            .ok_or(Error::MissingRelation(relation))?;
        Databag::read(env, relation, Bag::RemoteApp)
    }
}

fn is_created(response: &Response) -> bool {
    response.secret_user.is_some() || response.secret_entity.is_some()
}

fn relation_created(
    env: &mut impl Env,
    config: &RequirerConfig,
    event: &RelationEvent,
) -> Result<()> {
    let Some(info) = find_relation(env, &config.endpoint, event.relation_id) else {
        return Ok(());
    };
    let leader = env.is_leader();
    let mut app = if leader {
        Some(Staged::new(Databag::read(env, info.id, Bag::LocalApp)?))
    } else {
        None
    };
    // The unit's bag holds only the alias: without aliases it is not read.
    let mut unit = if config.relation_aliases.is_empty() {
        None
    } else {
        Some(Staged::new(Databag::read(env, info.id, Bag::LocalUnit)?))
    };
    if let Some(unit) = unit.as_mut() {
        alias::assign(env, config, &info, unit, app.as_mut())?;
    }
    if let Some(app) = app.as_mut() {
        write_requests(env, config, &info, app)?;
    }
    if let Some(unit) = unit {
        unit.commit(env)?;
    }
    if let Some(app) = app {
        app.commit(env)?;
    }
    Ok(())
}

/// The requests this leader wrote before, as JSON objects (for their salts and tokens); a
/// malformed list is treated as none (it is this side's own output).
fn written_requests(app: &Staged) -> Vec<Object> {
    app.get(wire::REQUESTS_KEY)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| match value {
            Value::Array(items) => Some(items),
            _ => None,
        })
        .unwrap_or_default()
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(object) => Some(object),
            _ => None,
        })
        .collect()
}

/// The leader's requests: each gets its request id, its secrets (same model) or its encrypted
/// sensitive fields (cross-model), and the whole list is written with `version = v1`.
///
/// A request configured without a salt keeps the salt it was written with (same position, same
/// resource), so rewriting the requests (the cross-model handshake, a re-run) keeps their ids;
/// an unchanged encrypted value keeps its token.
fn write_requests(
    env: &mut impl Env,
    config: &RequirerConfig,
    info: &RelationInfo,
    app: &mut Staged,
) -> Result<()> {
    // Asked of the host only when a request has something the answer changes.
    let cross_model = CrossModel::new(info);
    if app.get(ENCRYPTION_SECRET).is_none()
        && config.requests.iter().any(|r| {
            r.entity_name
                .as_deref()
                .is_some_and(|name| !name.is_empty())
        })
        && cross_model.get(env)
    {
        env.log(
            LogLevel::Info,
            "cross-model relation: requests wait for the provider's encryption key",
        );
        return Ok(());
    }
    let key = crossmodel::requirer_key(env, &config.endpoint, info, app)?;
    let written = written_requests(app);
    let mut items = Vec::with_capacity(config.requests.len());
    for (index, request) in config.requests.iter().enumerate() {
        let mut request = request.clone();
        let previous = written.get(index);
        if request.salt.is_empty() {
            if let Some(salt) = previous
                .filter(|p| p.get("resource").and_then(Value::as_str) == Some(&request.resource))
                .and_then(|p| p.get("salt"))
                .and_then(Value::as_str)
            {
                request.salt = salt.to_string();
            }
        }
        request.salt = salt_or_fresh(&request.salt);
        request.request_id = Some(gen_hash(&request.resource, &request.salt));
        requests::write_secrets(
            env,
            &config.endpoint,
            info.id,
            &mut request,
            &config.request_fields,
            &written,
            &cross_model,
        )?;
        let mut object =
            wire::request_dump(&request, &config.request_fields).map_err(Error::InvalidModel)?;
        crossmodel::seal_request(key.as_ref(), &mut object, previous)?;
        items.push(Value::Object(object));
    }
    app.set(wire::VERSION_KEY, "v1".into());
    app.set_json(wire::REQUESTS_KEY, &Value::Array(items));
    Ok(())
}

/// The requirer's half of the cross-model handshake (leader): once the provider publishes its
/// `encryption-secret` and this side's app bag does not have it, copy it and rewrite the
/// requests, now with their sensitive fields encrypted.
fn copy_encryption_secret(
    env: &mut impl Env,
    config: &RequirerConfig,
    info: &RelationInfo,
    remote: &Databag,
) -> Result<()> {
    let Some(uri) = remote.get(ENCRYPTION_SECRET) else {
        return Ok(());
    };
    if !env.is_leader() || !is_cross_model(env, info) {
        return Ok(());
    }
    let mut app = Staged::new(Databag::read(env, info.id, Bag::LocalApp)?);
    if app.get(ENCRYPTION_SECRET).is_some() {
        return Ok(());
    }
    app.set(ENCRYPTION_SECRET, uri.to_string());
    write_requests(env, config, info, &mut app)?;
    app.commit(env)
}

/// The provider's responses, for the charm-facing calls: any malformed entry fails the call.
fn parse_responses(config: &RequirerConfig, remote: &Databag) -> Result<Vec<Response>> {
    let (responses, rejections) = read_responses(config, remote)?;
    match rejections.into_iter().next() {
        Some(rejection) => Err(rejection.error),
        None => Ok(responses),
    }
}

/// The provider's responses and the entries that could not be read (each rejection names the
/// relation, the provider's bag, `requests`, the entry and the reason). Only a `requests` that
/// is not a JSON list fails as a whole.
fn read_responses(
    config: &RequirerConfig,
    remote: &Databag,
) -> Result<(Vec<Response>, Vec<Rejection>)> {
    let Some(items) = remote.json_array(wire::REQUESTS_KEY)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut responses = Vec::with_capacity(items.len());
    let mut rejections = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match wire::parse_response(item, &config.response_fields) {
            Ok(response) => responses.push(response),
            Err(reason) => rejections.push(Rejection {
                relation_id: remote.relation(),
                request_id: item
                    .get("request-id")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                alias: None,
                error: remote.error(wire::REQUESTS_KEY, format!("entry {index}: {reason}")),
            }),
        }
    }
    Ok((responses, rejections))
}

/// The request id a response answers.
fn short_uuid(response: &Response) -> String {
    response
        .request_id
        .clone()
        .unwrap_or_else(|| gen_hash(&response.resource, &response.salt))
}

/// Reads every secret a response references (attaching this side's label) into its fields.
fn fill_secrets(
    env: &mut impl Env,
    config: &RequirerConfig,
    relation: RelationId,
    response: &mut Response,
) -> Result<()> {
    let uuid = short_uuid(response);
    for group in secrets::response_groups(&config.response_fields) {
        if let Some(uri) = secrets::response_uri(response, &group) {
            let label = secrets::label(&config.endpoint, relation, Some(&uuid), &group);
            let content = secrets::consume(env, &uri, &label)?;
            secrets::fill_response_group(response, &group, &content, &config.response_fields);
        }
    }
    Ok(())
}

/// A subordinate provider is ready once one of its units says `state = ready`.
fn subordinate_not_ready(env: &impl Env, info: &RelationInfo, remote: &Databag) -> Result<bool> {
    if remote.get("subordinated") != Some("true") {
        return Ok(false);
    }
    for unit in &info.remote_units {
        if Databag::read(env, info.id, Bag::RemoteUnit(unit.clone()))?.get("state") == Some("ready")
        {
            return Ok(false);
        }
    }
    Ok(true)
}

fn relation_changed(
    env: &mut impl Env,
    config: &RequirerConfig,
    event: &RelationEvent,
) -> Result<Handled<RequirerEvent>> {
    let Some(info) = find_relation(env, &config.endpoint, event.relation_id) else {
        return Ok(Handled::none());
    };
    let remote = Databag::read(env, info.id, Bag::RemoteApp)?;
    if subordinate_not_ready(env, &info, &remote)? {
        return Ok(Handled::none());
    }
    copy_encryption_secret(env, config, &info, &remote)?;
    let (responses, mut rejections) = read_responses(config, &remote)?;
    let mut reject = |response: &Response, error: Error| {
        rejections.push(Rejection {
            relation_id: info.id,
            request_id: Some(short_uuid(response)),
            alias: None,
            error,
        });
    };
    if responses.is_empty() {
        env.log(LogLevel::Info, "Still waiting for data.");
        return finish_without_events(env, info.id, rejections);
    }
    let Some(provider_cache) = remote.json_object(DATA_KEY)? else {
        // Reading the responses attaches this side's labels to the provider's secrets, so a
        // later secret-changed maps back to its request, as it does with the Python library.
        for mut response in responses {
            if let Err(error) = fill_secrets(env, config, info.id, &mut response) {
                reject(&response, error);
            }
        }
        env.log(LogLevel::Info, "Missing data to compute diffs");
        return finish_without_events(env, info.id, rejections);
    };
    let statuses = cache::statuses(&remote)?;
    let status_map = cache::status_map(&statuses);
    let global = cache::status_global(&statuses);

    let mut unit = Staged::new(Databag::read(env, info.id, Bag::LocalUnit)?);
    let alias = unit.get(ALIAS_KEY).map(str::to_string);
    let mut own_cache = cache::load(env, &unit);
    let previous_statuses = own_cache.get(STATUS_KEY).cloned();
    let make = |kind, response: Option<Response>, status: Option<Status>| RequirerEvent {
        kind,
        relation_id: info.id,
        app: event.app.clone(),
        unit: event.unit.clone(),
        alias: alias.clone(),
        response,
        active_statuses: if status.is_some() {
            statuses.clone()
        } else {
            Vec::new()
        },
        status,
    };

    let mut events = Vec::new();
    for mut response in responses {
        let uuid = short_uuid(&response);
        let checked = provider_cache
            .get(&uuid)
            .ok_or_else(|| {
                remote.error(
                    DATA_KEY,
                    format!("No request matching the response with response_id {uuid}"),
                )
            })
            .and_then(|value| {
                wire::parse_request(value, &[])
                    .map_err(|reason| remote.error(DATA_KEY, format!("request {uuid}: {reason}")))
            })
            .and_then(|request| {
                let dumped = wire::response_dump(&response, &config.response_fields)
                    .map_err(|reason| remote.error(wire::REQUESTS_KEY, reason))?;
                Ok((request, wire::diff_form(&dumped)))
            })
            .and_then(|checked| {
                fill_secrets(env, config, info.id, &mut response).map(|()| checked)
            });
        let (request, new) = match checked {
            Ok(checked) => checked,
            Err(error) => {
                reject(&response, error);
                continue;
            }
        };
        let old = own_cache.get(&uuid).and_then(Value::as_object);
        let diff = Diff::between(old, &new);
        cache::store(&mut own_cache, &global, Some(&uuid), new);
        if let Some(kind) = response_event(&diff, request.entity_type.is_some()) {
            events.push(make(kind, Some(response), None));
        }
    }

    // Statuses: compare with what this unit saw last (its own cache), not the provider's cache.
    let previous = previous_statuses
        .and_then(|value| value.as_object().cloned())
        .unwrap_or_default();
    for status in &statuses {
        if !previous.contains_key(&status.code.to_string()) {
            events.push(make(
                RequirerEventKind::StatusRaised,
                None,
                Some(status.clone()),
            ));
        }
    }
    for (code, value) in &previous {
        if !status_map.contains_key(code) {
            if let Some(status) = status_from_cache(value) {
                events.push(make(RequirerEventKind::StatusResolved, None, Some(status)));
            }
        }
    }
    if status_map.is_empty() {
        own_cache.shift_remove(STATUS_KEY);
    }

    // A hook that rejected everything on a fresh relation has no cache to write.
    if !own_cache.is_empty() || unit.get(DATA_KEY).is_some() {
        unit.set_json(DATA_KEY, &Value::Object(own_cache));
    }
    unit.commit(env)?;
    Ok(finish(env, events, rejections, alias))
}

/// [`finish`] for a hook that stops before its events, without this unit's bag: the bag is read
/// for the alias only when there is a rejection to carry it.
fn finish_without_events(
    env: &impl Env,
    relation: RelationId,
    rejections: Vec<Rejection>,
) -> Result<Handled<RequirerEvent>> {
    let alias = if rejections.is_empty() {
        None
    } else {
        alias::recorded(env, relation)?
    };
    Ok(finish(env, Vec::new(), rejections, alias))
}

/// A hook's outcome: each rejection carries the relation's alias, as its events do, and is
/// logged as an error (its message names no secret value).
fn finish<E>(
    env: &impl Env,
    events: Vec<E>,
    mut rejections: Vec<Rejection>,
    alias: Option<String>,
) -> Handled<E> {
    for rejection in &mut rejections {
        env.log(
            LogLevel::Error,
            &format!("response rejected: {}", rejection.error),
        );
        rejection.alias.clone_from(&alias);
    }
    Handled { events, rejections }
}

fn status_from_cache(value: &Value) -> Option<Status> {
    Some(Status {
        code: i32::try_from(value.get("code")?.as_i64()?).ok()?,
        message: value.get("message")?.as_str()?.to_string(),
        resolution: value.get("resolution")?.as_str()?.to_string(),
    })
}

/// The event a response's diff calls for; the first matching rule wins.
fn response_event(diff: &Diff, entity_request: bool) -> Option<RequirerEventKind> {
    if diff.added("secret-user") && !entity_request {
        Some(RequirerEventKind::ResourceCreated)
    } else if diff.added("secret-entity") && entity_request {
        Some(RequirerEventKind::ResourceEntityCreated)
    } else if diff.set("endpoints") {
        Some(RequirerEventKind::EndpointsChanged)
    } else if diff.set("read-only-endpoints") {
        Some(RequirerEventKind::ReadOnlyEndpointsChanged)
    } else if diff.set("secret-tls") || diff.deleted("secret-tls") {
        Some(RequirerEventKind::AuthenticationUpdated)
    } else if diff.set("prefix-resources") {
        Some(RequirerEventKind::PrefixResourcesChanged)
    } else {
        None
    }
}

/// A provider secret this unit consumes changed: `authentication-updated` for its response.
fn secret_changed(
    env: &mut impl Env,
    config: &RequirerConfig,
    event: &SecretEvent,
) -> Result<Vec<RequirerEvent>> {
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
    let Some(uuid) = parsed.short_uuid else {
        return Ok(Vec::new());
    };
    let remote = Databag::read(env, info.id, Bag::RemoteApp)?;
    let Some(mut response) = parse_responses(config, &remote)?
        .into_iter()
        .find(|r| r.request_id.as_deref() == Some(uuid.as_str()))
    else {
        env.log(LogLevel::Info, &format!("Unknown request id {uuid}"));
        return Ok(Vec::new());
    };
    fill_secrets(env, config, info.id, &mut response)?;
    let alias = alias::recorded(env, info.id)?;
    Ok(vec![RequirerEvent {
        kind: RequirerEventKind::AuthenticationUpdated,
        relation_id: info.id,
        app: info.remote_app.clone(),
        unit: info.remote_units.first().cloned(),
        alias,
        response: Some(response),
        status: None,
        active_statuses: Vec::new(),
    }])
}

/// secret-remove on a secret this side owns for this endpoint: drop the unused revision.
pub(crate) fn remove_revision(
    env: &mut impl Env,
    endpoint: &str,
    event: &SecretEvent,
) -> Result<()> {
    let Some(parsed) = event.label.as_deref().and_then(parse_label) else {
        return Ok(());
    };
    if parsed.endpoint != endpoint || find_relation(env, endpoint, parsed.relation).is_none() {
        return Ok(());
    }
    let Some(revision) = event.revision else {
        return Ok(());
    };
    if env.secret_owned(&event.id)? {
        env.secret_remove_revision(&event.id, revision)?;
    }
    Ok(())
}
