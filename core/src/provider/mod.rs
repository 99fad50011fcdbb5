//! The provider side: the cross-model encryption key at relation-created, turning the
//! requirer's requests (decrypted and validated) into events at relation-changed, and writing
//! responses (their secrets and the `requests` list) for the charm. Statuses are in
//! [`crate::status`].

mod deciding;
mod reading;
mod writing;

use deciding::{relation_changed, secret_changed};
use reading::{parse_requests, v0_request, v0_salt, version};
use writing::write_responses;

use crate::bag::{find_relation, Databag, Staged};
use crate::cache::{self};
use crate::crossmodel;
use crate::env::{Bag, Env, LogLevel, RelationId};
use crate::error::{Error, Result};
use crate::ids::gen_hash;
use crate::model::{Handled, Hook, ProviderConfig, ProviderEvent, Request, Response};
use crate::requirer::remove_revision;
use crate::secrets::{self};
use crate::v0;
use crate::wire;

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
        Version::V1 => match app.json_array(wire::REQUESTS_KEY)? {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    wire::parse_response(item, &config.response_fields).map_err(|reason| {
                        app.error(wire::REQUESTS_KEY, format!("entry {index}: {reason}"))
                    })
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
pub(super) enum Rules {
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
pub(super) enum Version {
    /// The flat v0 format (no `version` key, or `v0`).
    V0,
    /// The `requests` list.
    V1,
}
