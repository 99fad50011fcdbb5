//! Deciding what a hook means: which event a request's change fires (relation-changed, on its
//! v0, bulk and one-event-per-request paths), which changes are refused, and what a changed
//! secret of this endpoint tells the charm.

use serde_json::Value;

use crate::bag::{find_relation, Databag, Staged};
use crate::cache::{self, Diff, DATA_KEY};
use crate::crossmodel;
use crate::env::{Bag, Env, LogLevel, RelationInfo};
use crate::error::{Error, Result};
use crate::fernet::Key;
use crate::model::{
    Handled, ProviderConfig, ProviderEvent, ProviderEventKind, Rejection, RelationEvent, Request,
    SecretEvent,
};
use crate::secrets::parse_label;
use crate::wire;

use super::reading::{
    cache_forms, old_mtls_cert, parse_requests, read_requests, short_uuid, v0_request, v0_salt,
    version,
};
use super::Version;

/// Keys a requirer may not change once the relation exists, in the order they are checked.
const IMMUTABLE_KEYS: [&str; 4] = [
    "resource",
    "entity-type",
    "extra-user-roles",
    "extra-group-roles",
];

pub(super) fn validate_diff(diff: &Diff) -> Result<()> {
    match IMMUTABLE_KEYS.iter().find(|key| diff.changed(key)) {
        Some(key) => Err(Error::InvalidModel(format!(
            "Cannot change {key} after relation has already been created"
        ))),
        None => Ok(()),
    }
}

/// The event a request's diff calls for; the first matching rule wins.
pub(super) fn request_event(diff: &Diff, config: &ProviderConfig) -> Option<ProviderEventKind> {
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

/// relation-changed on the leader: reads the requirer's bag once, then takes the path of its
/// contract version and of the handler's configuration; every path writes the provider's
/// cache once, in one commit of its bag.
pub(super) fn relation_changed(
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
    let mut hook = Changed {
        config,
        event,
        info: &info,
        key: key.as_ref(),
        app: Staged::new(Databag::read(env, info.id, Bag::LocalApp)?),
        events: Vec::new(),
        rejections: Vec::new(),
    };
    let mut own_cache = cache::load(env, &hook.app);
    if version == Version::V0 {
        changed_v0(env, &mut hook, &remote, &mut own_cache)?;
    } else {
        let (requests, rejections) = read_requests(env, config, &info, &remote, hook.key)?;
        hook.rejections = rejections;
        if config.bulk_event {
            changed_bulk(&mut hook, requests, &mut own_cache);
        } else {
            changed_each(&mut hook, requests, &mut own_cache)?;
        }
    }
    // A hook that rejected everything on a fresh relation has no cache to write.
    if !own_cache.is_empty() || hook.app.get(DATA_KEY).is_some() {
        hook.app.set_json(DATA_KEY, &Value::Object(own_cache));
    }
    hook.app.commit(env)?;
    for rejection in &hook.rejections {
        env.log(
            LogLevel::Error,
            &format!("request rejected: {}", rejection.error),
        );
    }
    Ok(Handled {
        events: hook.events,
        rejections: hook.rejections,
    })
}

/// What one relation-changed works with, and what it has decided so far.
struct Changed<'a> {
    config: &'a ProviderConfig,
    event: &'a RelationEvent,
    info: &'a RelationInfo,
    key: Option<&'a Key>,
    /// The provider's application bag, staged: written once, at the end.
    app: Staged,
    events: Vec<ProviderEvent>,
    rejections: Vec<Rejection>,
}

impl Changed<'_> {
    fn event(
        &mut self,
        kind: ProviderEventKind,
        requests: Vec<Request>,
        old_mtls_cert: Option<String>,
    ) {
        self.events.push(ProviderEvent {
            kind,
            relation_id: self.info.id,
            app: self.event.app.clone(),
            unit: self.event.unit.clone(),
            requests,
            old_mtls_cert,
        });
    }

    fn reject(&mut self, request: &Request, error: Error) {
        self.rejections.push(Rejection {
            relation_id: self.info.id,
            request_id: Some(short_uuid(request)),
            alias: None,
            error,
        });
    }
}

/// A v0 requirer's one flat request: one event at most; a refused change fails the hook.
fn changed_v0(
    env: &mut impl Env,
    hook: &mut Changed<'_>,
    remote: &Databag,
    own_cache: &mut wire::Object,
) -> Result<()> {
    let salt = v0_salt(own_cache);
    let (request, original) = v0_request(env, hook.config, hook.info, remote, salt, hook.key)?;
    let forms = cache_forms(&request, hook.config, hook.key, Some(own_cache))?;
    let diff = Diff::between(forms.old.as_ref(), &forms.new);
    validate_diff(&diff)?;
    let old_cert = old_mtls_cert(&diff, hook.key, &forms);
    let global = cache::status_global(&cache::statuses(hook.app.current())?);
    cache::store(own_cache, &global, None, forms.stored);
    if let Some(original) = original {
        // v0 requirers read the resource back under the key they used.
        hook.app.set(original, request.resource.clone());
    }
    if let Some(kind) = request_event(&diff, hook.config) {
        hook.event(kind, vec![request], old_cert);
    }
    Ok(())
}

/// Bulk mode: every acceptable request in one `bulk-resources-requested` event (none when
/// every request was rejected); a request whose change is refused is rejected alone.
fn changed_bulk(hook: &mut Changed<'_>, requests: Vec<Request>, own_cache: &mut wire::Object) {
    let mut accepted = Vec::with_capacity(requests.len());
    for request in requests {
        let uuid = short_uuid(&request);
        let cached = own_cache.get(&uuid).and_then(Value::as_object);
        match cache_forms(&request, hook.config, hook.key, cached).and_then(|forms| {
            validate_diff(&Diff::between(forms.old.as_ref(), &forms.new)).map(|()| forms)
        }) {
            Ok(forms) => accepted.push((uuid, forms.stored, request)),
            Err(error) => hook.reject(&request, error),
        }
    }
    let mut requests = Vec::with_capacity(accepted.len());
    for (uuid, new, request) in accepted {
        cache::store(own_cache, &wire::Object::new(), Some(&uuid), new);
        requests.push(request);
    }
    // A hook whose every request was rejected has nothing to offer in bulk.
    if !requests.is_empty() || hook.rejections.is_empty() {
        hook.event(ProviderEventKind::BulkResourcesRequested, requests, None);
    }
}

/// One event per new or changed request, in order; a request whose change is refused is
/// rejected alone.
fn changed_each(
    hook: &mut Changed<'_>,
    requests: Vec<Request>,
    own_cache: &mut wire::Object,
) -> Result<()> {
    let global = cache::status_global(&cache::statuses(hook.app.current())?);
    for request in requests {
        let uuid = short_uuid(&request);
        let cached = own_cache.get(&uuid).and_then(Value::as_object);
        let forms = match cache_forms(&request, hook.config, hook.key, cached) {
            Ok(forms) => forms,
            Err(error) => {
                hook.reject(&request, error);
                continue;
            }
        };
        let diff = Diff::between(forms.old.as_ref(), &forms.new);
        if let Err(error) = validate_diff(&diff) {
            hook.reject(&request, error);
            continue;
        }
        let old_cert = old_mtls_cert(&diff, hook.key, &forms);
        cache::store(own_cache, &global, Some(&uuid), forms.stored);
        if let Some(kind) = request_event(&diff, hook.config) {
            hook.event(kind, vec![request], old_cert);
        }
    }
    Ok(())
}

/// A requirer's mtls secret changed: `mtls-cert-updated` with the certificate before and after.
pub(super) fn secret_changed(
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
