//! The conformance vectors (`tests/conformance/*.json`), run through the component over the
//! in-memory Juju.
//!
//! Each vector builds its unit's world in a fresh [`Juju`] (applications, the relation, the
//! databags written by their owners, the secrets added by their owners and granted), runs its
//! step in a fresh [`Session`] of one [`Runtime`], and compares the databags, the secrets, the
//! events or the error with the vector's expectation. Every vector runs; the test fails at the
//! end with the name and the differences of each vector that did not conform.
//! `tests/conformance/README.md` describes the format.

use data_interfaces_host::display::{provider_kind, requirer_kind};
use data_interfaces_host::memory::{app_of, Juju};
use data_interfaces_host::wit::{
    Bag, ChangeSet, EntityPermission, EntityType, FieldSpec, Hook, Owner, PeerConfig, PeerScope,
    ProviderConfig, ProviderEvent, RelationEvent, Request, RequirerConfig, RequirerEvent, Response,
    SecretEvent, Status,
};
use data_interfaces_host::{Backend, Error, LoadOptions, Runtime, Session};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The model uuid of the in-memory Juju (it has one model).
const MEMORY_MODEL_UUID: &str = "e5ad3f63-7b5c-4c1e-8d6e-4a0a2f1b9c01";
const BAGS: [&str; 4] = ["local_app", "local_unit", "remote_app", "remote_units"];

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// Every vector, as `(file-stem/name, vector)`, with its file's defaults merged in.
fn load_vectors() -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/conformance exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut vectors = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a readable vector file");
        let document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let defaults = document.get("defaults").cloned().unwrap_or(json!({}));
        for vector in document["vectors"].as_array().expect("a `vectors` array") {
            let mut merged = defaults.as_object().cloned().unwrap_or_default();
            for (key, value) in vector.as_object().expect("a vector object") {
                merged.insert(key.clone(), value.clone());
            }
            for section in ["local", "relation", "config"] {
                let mut object = defaults
                    .get(section)
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                if let Some(own) = vector.get(section).and_then(Value::as_object) {
                    object.extend(own.clone());
                }
                merged.insert(section.to_owned(), Value::Object(object));
            }
            let name = format!("{stem}/{}", vector["name"].as_str().expect("a name"));
            vectors.push((name, Value::Object(merged)));
        }
    }
    vectors
}

// --- placeholders ---------------------------------------------------------------------------

/// Matches expected strings with `{{secret:<label>}}` (the URI of the secret with that label)
/// and `{{salt:<name>}}` (any 16 letters and digits, the same wherever the name appears).
#[derive(Default)]
struct Matcher {
    uris: BTreeMap<String, String>,
    /// Secret label → the `encryption-key` it holds (for `{{fernet:<label>:<plaintext>}}`).
    keys: BTreeMap<String, String>,
    salts: BTreeMap<String, String>,
}

enum Piece<'a> {
    Literal(&'a str),
    Secret(&'a str),
    Salt(&'a str),
    /// A Fernet token that decrypts to the plaintext with the key of the secret labelled so.
    Fernet(&'a str, &'a str),
}

fn fernet_key(text: &str) -> Option<data_interfaces_core::fernet::Key> {
    data_interfaces_core::fernet::Key::parse(text).ok()
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}").map(|e| start + e) else {
            break;
        };
        let inner = &rest[start + 2..end];
        let piece = if let Some(label) = inner.strip_prefix("secret:") {
            Piece::Secret(label)
        } else if let Some(name) = inner.strip_prefix("salt:") {
            Piece::Salt(name)
        } else if let Some(rest) = inner.strip_prefix("fernet:") {
            let (label, plaintext) = rest.split_once(':').unwrap_or((rest, ""));
            Piece::Fernet(label, plaintext)
        } else {
            out.push(Piece::Literal(&rest[..end + 2]));
            rest = &rest[end + 2..];
            continue;
        };
        out.push(Piece::Literal(&rest[..start]));
        out.push(piece);
        rest = &rest[end + 2..];
    }
    out.push(Piece::Literal(rest));
    out
}

impl Matcher {
    /// An input value with its secret placeholders filled in.
    fn resolve(&self, template: &str) -> String {
        pieces(template)
            .into_iter()
            .map(|piece| match piece {
                Piece::Literal(text) => text.to_owned(),
                Piece::Secret(label) => self
                    .uris
                    .get(label)
                    .cloned()
                    .unwrap_or_else(|| format!("<no secret labelled {label}>")),
                Piece::Salt(name) => panic!("{{{{salt:{name}}}}} in an input value"),
                Piece::Fernet(label, plaintext) => self
                    .keys
                    .get(label)
                    .and_then(|k| fernet_key(k))
                    .and_then(|k| k.encrypt_text(plaintext).ok())
                    .unwrap_or_else(|| format!("<no encryption key labelled {label}>")),
            })
            .collect()
    }

    fn matches(&mut self, expected: &str, actual: &str) -> bool {
        let mut position = 0;
        let mut bound = BTreeMap::new();
        for piece in pieces(expected) {
            let rest = &actual[position..];
            match piece {
                Piece::Literal(text) => {
                    if !rest.starts_with(text) {
                        return false;
                    }
                    position += text.len();
                }
                Piece::Secret(label) => match self.uris.get(label) {
                    Some(uri) if rest.starts_with(uri.as_str()) => position += uri.len(),
                    _ => return false,
                },
                Piece::Fernet(label, plaintext) => {
                    let token: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || "_=-".contains(*c))
                        .collect();
                    let decrypted = self
                        .keys
                        .get(label)
                        .and_then(|k| fernet_key(k))
                        .and_then(|k| k.decrypt_text(&token).ok());
                    if decrypted.as_deref() != Some(plaintext) {
                        return false;
                    }
                    position += token.len();
                }
                Piece::Salt(name) => {
                    let salt: String = rest
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .take(16)
                        .collect();
                    if salt.len() != 16 {
                        return false;
                    }
                    let known = self.salts.get(name).or(bound.get(name));
                    if known.is_some_and(|k| *k != salt) {
                        return false;
                    }
                    position += salt.len();
                    bound.insert(name.to_owned(), salt);
                }
            }
        }
        if position != actual.len() {
            return false;
        }
        self.salts.extend(bound);
        true
    }

    fn value_matches(&mut self, expected: &Value, actual: &Value) -> bool {
        match (expected, actual) {
            (Value::String(e), Value::String(a)) => self.matches(e, a),
            (Value::Object(e), Value::Object(a)) => {
                e.len() == a.len()
                    && e.iter()
                        .all(|(k, v)| a.get(k).is_some_and(|av| self.value_matches(v, av)))
            }
            (Value::Array(e), Value::Array(a)) => {
                e.len() == a.len() && e.iter().zip(a).all(|(x, y)| self.value_matches(x, y))
            }
            (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
            _ => expected == actual,
        }
    }
}

// --- JSON ↔ contract records ----------------------------------------------------------------

fn opt_str(fields: &Value, key: &str) -> Option<String> {
    fields.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn entity_type(value: &Value) -> Option<EntityType> {
    match value.as_str() {
        Some("USER") => Some(EntityType::User),
        Some("GROUP") => Some(EntityType::Group),
        _ => None,
    }
}

fn permissions(value: &Value) -> Option<Vec<EntityPermission>> {
    value.as_array().map(|list| {
        list.iter()
            .map(|p| EntityPermission {
                resource_name: opt_str(p, "resource_name").unwrap_or_default(),
                resource_type: opt_str(p, "resource_type").unwrap_or_default(),
                privileges: p["privileges"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    })
}

const REQUEST_FIELDS: [&str; 14] = [
    "resource",
    "request_id",
    "salt",
    "extra_user_roles",
    "extra_group_roles",
    "external_node_connectivity",
    "entity_type",
    "entity_permissions",
    "secret_mtls",
    "mtls_cert",
    "secret_requested_entity",
    "entity_name",
    "entity_password",
    "prefix_matching",
];

/// A request from a vector (Python field names; other keys are extra fields, by wire key).
fn request(fields: &Value) -> Request {
    let extra = fields
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !REQUEST_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.replace('_', "-"), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Request {
        resource: opt_str(fields, "resource").unwrap_or_default(),
        request_id: opt_str(fields, "request_id"),
        salt: opt_str(fields, "salt").unwrap_or_default(),
        extra_user_roles: opt_str(fields, "extra_user_roles"),
        extra_group_roles: opt_str(fields, "extra_group_roles"),
        external_node_connectivity: fields["external_node_connectivity"]
            .as_bool()
            .unwrap_or(false),
        entity_type: entity_type(&fields["entity_type"]),
        entity_permissions: permissions(&fields["entity_permissions"]),
        secret_mtls: opt_str(fields, "secret_mtls"),
        mtls_cert: opt_str(fields, "mtls_cert"),
        secret_requested_entity: opt_str(fields, "secret_requested_entity"),
        entity_name: opt_str(fields, "entity_name"),
        entity_password: opt_str(fields, "entity_password"),
        prefix_matching: opt_str(fields, "prefix_matching"),
        extra,
    }
}

const RESPONSE_FIELDS: [&str; 19] = [
    "resource",
    "request_id",
    "salt",
    "endpoints",
    "read_only_endpoints",
    "secret_user",
    "secret_tls",
    "secret_extra",
    "secret_entity",
    "username",
    "password",
    "uris",
    "read_only_uris",
    "tls",
    "tls_ca",
    "entity_name",
    "entity_password",
    "version",
    "prefix_resources",
];

/// A response from a vector, its secret placeholders filled in.
fn response(fields: &Value, matcher: &Matcher) -> Response {
    let get = |key: &str| opt_str(fields, key).map(|v| matcher.resolve(&v));
    let extra = fields
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !RESPONSE_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.replace('_', "-"), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Response {
        resource: get("resource").unwrap_or_default(),
        request_id: get("request_id"),
        salt: get("salt").unwrap_or_default(),
        endpoints: get("endpoints"),
        read_only_endpoints: get("read_only_endpoints"),
        secret_user: get("secret_user"),
        secret_tls: get("secret_tls"),
        secret_extra: get("secret_extra"),
        secret_entity: get("secret_entity"),
        username: get("username"),
        password: get("password"),
        uris: get("uris"),
        read_only_uris: get("read_only_uris"),
        tls: fields["tls"].as_bool(),
        tls_ca: get("tls_ca"),
        entity_name: get("entity_name"),
        entity_password: get("entity_password"),
        version: get("version"),
        prefix_resources: get("prefix_resources"),
        extra,
    }
}

fn permissions_json(list: &Option<Vec<EntityPermission>>) -> Value {
    match list {
        None => Value::Null,
        Some(list) => list
            .iter()
            .map(|p| {
                json!({
                    "resource_name": p.resource_name,
                    "resource_type": p.resource_type,
                    "privileges": p.privileges,
                })
            })
            .collect(),
    }
}

fn with_extra(mut object: Value, extra: &[(String, String)]) -> Value {
    if let Value::Object(map) = &mut object {
        for (key, text) in extra {
            let value = serde_json::from_str(text).unwrap_or(Value::String(text.clone()));
            map.insert(key.replace('-', "_"), value);
        }
    }
    object
}

fn request_json(r: &Request) -> Value {
    let object = json!({
        "resource": r.resource,
        "request_id": r.request_id,
        "salt": r.salt,
        "extra_user_roles": r.extra_user_roles,
        "extra_group_roles": r.extra_group_roles,
        "external_node_connectivity": r.external_node_connectivity,
        "entity_type": r.entity_type.map(|t| match t {
            EntityType::User => "USER",
            EntityType::Group => "GROUP",
        }),
        "entity_permissions": permissions_json(&r.entity_permissions),
        "secret_mtls": r.secret_mtls,
        "mtls_cert": r.mtls_cert,
        "secret_requested_entity": r.secret_requested_entity,
        "entity_name": r.entity_name,
        "entity_password": r.entity_password,
        "prefix_matching": r.prefix_matching,
    });
    with_extra(object, &r.extra)
}

fn response_json(r: &Response) -> Value {
    let object = json!({
        "resource": r.resource,
        "request_id": r.request_id,
        "salt": r.salt,
        "endpoints": r.endpoints,
        "read_only_endpoints": r.read_only_endpoints,
        "secret_user": r.secret_user,
        "secret_tls": r.secret_tls,
        "secret_extra": r.secret_extra,
        "secret_entity": r.secret_entity,
        "username": r.username,
        "password": r.password,
        "uris": r.uris,
        "read_only_uris": r.read_only_uris,
        "tls": r.tls,
        "tls_ca": r.tls_ca,
        "entity_name": r.entity_name,
        "entity_password": r.entity_password,
        "version": r.version,
        "prefix_resources": r.prefix_resources,
    });
    with_extra(object, &r.extra)
}

fn status_json(s: &Status) -> Value {
    json!({"code": s.code, "message": s.message, "resolution": s.resolution})
}

/// Events as the vectors describe them: an event with an alias is also emitted aliased.
fn requirer_events(events: &[RequirerEvent]) -> Vec<Value> {
    let mut out = Vec::new();
    for event in events {
        let kind = requirer_kind(event.kind);
        let mut record = json!({
            "kind": kind,
            "relation_id": event.relation_id,
            "app": event.app,
            "unit": event.unit,
        });
        if let Some(r) = &event.response {
            record["response"] = response_json(r);
        }
        if let Some(s) = &event.status {
            record["status"] = status_json(s);
        }
        out.push(record.clone());
        if let Some(alias) = &event.alias {
            record["kind"] = Value::String(format!("{alias}_{kind}"));
            out.push(record);
        }
    }
    out
}

fn provider_events(events: &[ProviderEvent]) -> Vec<Value> {
    events
        .iter()
        .map(|event| {
            let kind = provider_kind(event.kind);
            let mut record = json!({
                "kind": kind,
                "relation_id": event.relation_id,
                "app": event.app,
                "unit": event.unit,
                "old_mtls_cert": event.old_mtls_cert,
            });
            let requests: Vec<Value> = event.requests.iter().map(request_json).collect();
            if kind == "bulk_resources_requested" {
                record["requests"] = Value::Array(requests);
            } else if let Some(first) = requests.into_iter().next() {
                record["request"] = first;
            }
            record
        })
        .collect()
}

// --- the world ------------------------------------------------------------------------------

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {value}"))
}

fn unit_number(unit: &str) -> usize {
    unit.rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad unit name {unit}"))
}

fn entries(bag: &Value, matcher: &Matcher) -> Vec<(String, String)> {
    bag.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), matcher.resolve(v.as_str().unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default()
}

fn set(entries: Vec<(String, String)>) -> ChangeSet {
    ChangeSet {
        set: entries,
        delete: Vec::new(),
    }
}

/// A vector's world, built in the in-memory Juju.
struct World {
    juju: Juju,
    relation: i32,
    local_unit: String,
    local_leader: String,
    remote_app: String,
    remote_leader: String,
    remote_units: Vec<String>,
    matcher: Matcher,
    /// Secret label (as the vector names it) → (URI, revisions before the step).
    secrets: BTreeMap<String, (String, usize)>,
    /// Secret label → the label the local unit knows it by.
    local_labels: BTreeMap<String, Option<String>>,
    /// The `Debug` output of the typed events the step returned (for the secret scan).
    event_debug: RefCell<Vec<String>>,
}

fn build(vector: &Value) -> Result<World, String> {
    let local = &vector["local"];
    let rel = &vector["relation"];
    if is_peer(vector) {
        return build_peer(vector);
    }
    if local["model_uuid"].as_str() != Some(MEMORY_MODEL_UUID) {
        return Err(format!(
            "runner: the in-memory Juju has one model, uuid {MEMORY_MODEL_UUID}; the vector asks for {}",
            local["model_uuid"]
        ));
    }
    let juju = Juju::new();
    let local_app = str_of(local, "app").to_owned();
    let local_unit = str_of(local, "unit").to_owned();
    let n = unit_number(&local_unit);
    let leader = local["leader"].as_bool().unwrap_or(true);
    juju.deploy(&local_app, n + 2);
    let local_leader = if leader {
        local_unit.clone()
    } else {
        format!("{local_app}/{}", if n == 0 { 1 } else { 0 })
    };
    juju.set_leader(&local_leader);

    let remote_app = str_of(rel, "remote_app").to_owned();
    let remote_units: Vec<String> = rel["remote_units"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for (i, unit) in remote_units.iter().enumerate() {
        if *unit != format!("{remote_app}/{i}") {
            return Err(format!(
                "runner: remote units must be {remote_app}/0, /1, ... in order; got {unit}"
            ));
        }
    }
    juju.deploy(&remote_app, remote_units.len().max(1));
    let remote_leader = format!("{remote_app}/0");

    let endpoint = str_of(rel, "endpoint");
    let want_id = rel["id"].as_i64().expect("a relation id") as i32;
    // Other relations of the same endpoint, by id: (remote app, its unit count).
    let others: BTreeMap<i32, (String, usize)> = vector["other_relations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let units = o["remote_units"].as_array().map_or(1, Vec::len);
            (
                o["id"].as_i64().unwrap_or(0) as i32,
                (str_of(o, "remote_app").to_owned(), units),
            )
        })
        .collect();
    let last = others
        .keys()
        .copied()
        .chain([want_id])
        .max()
        .unwrap_or(want_id);
    let mut relation = -1;
    for i in 0..=last {
        let id = if i == want_id {
            relation = relate(&juju, &local_app, endpoint, &remote_app, rel)?;
            relation
        } else if let Some((other_app, units)) = others.get(&i) {
            juju.deploy(other_app, (*units).max(1));
            juju.relate(&local_app, endpoint, other_app, endpoint)
        } else {
            juju.relate(&format!("other-{i}"), "x", &format!("another-{i}"), "x")
        };
        assert_eq!(id, i);
    }

    let mut world = World {
        juju,
        relation,
        local_unit,
        local_leader,
        remote_app,
        remote_leader,
        remote_units,
        matcher: Matcher::default(),
        secrets: BTreeMap::new(),
        local_labels: BTreeMap::new(),
        event_debug: RefCell::default(),
    };
    seed_secrets(&mut world, vector)?;
    seed_bags(&world, vector)?;
    Ok(world)
}

/// Whether a vector runs the peer repositories (`side: "peer"`).
fn is_peer(vector: &Value) -> bool {
    vector["side"].as_str() == Some("peer")
}

/// A peer vector's world: the local application with its units (the local one and the
/// relation's `remote_units`, its peers), related with itself on the peer endpoint.
fn build_peer(vector: &Value) -> Result<World, String> {
    let local = &vector["local"];
    let rel = &vector["relation"];
    if local["model_uuid"].as_str() != Some(MEMORY_MODEL_UUID) {
        return Err(format!(
            "runner: the in-memory Juju has one model, uuid {MEMORY_MODEL_UUID}; the vector asks for {}",
            local["model_uuid"]
        ));
    }
    let juju = Juju::new();
    let app = str_of(local, "app").to_owned();
    let local_unit = str_of(local, "unit").to_owned();
    let peers: Vec<String> = rel["remote_units"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if str_of(rel, "remote_app") != app {
        return Err("runner: a peer relation's remote_app is the local app".into());
    }
    let mut units: Vec<usize> = peers.iter().map(|u| unit_number(u)).collect();
    units.push(unit_number(&local_unit));
    units.sort_unstable();
    if units != (0..units.len()).collect::<Vec<_>>() {
        return Err(format!(
            "runner: the peer units must be {app}/0, /1, ... (the local unit among them)"
        ));
    }
    juju.deploy(&app, units.len());
    let leader = if local["leader"].as_bool().unwrap_or(true) {
        local_unit.clone()
    } else {
        peers
            .first()
            .cloned()
            .ok_or("runner: a non-leader peer vector needs another unit to lead")?
    };
    juju.set_leader(&leader);
    let endpoint = str_of(rel, "endpoint");
    let want_id = rel["id"].as_i64().unwrap_or(0) as i32;
    let mut relation = -1;
    for i in 0..=want_id {
        let id = if i == want_id {
            relation = juju.relate(&app, endpoint, &app, endpoint);
            relation
        } else {
            juju.relate(&format!("other-{i}"), "x", &format!("another-{i}"), "x")
        };
        assert_eq!(id, i);
    }
    let mut world = World {
        juju,
        relation,
        local_unit: local_unit.clone(),
        local_leader: leader.clone(),
        remote_app: app,
        remote_leader: leader.clone(),
        remote_units: peers.clone(),
        matcher: Matcher::default(),
        secrets: BTreeMap::new(),
        local_labels: BTreeMap::new(),
        event_debug: RefCell::default(),
    };
    for spec in vector["secrets"].as_array().into_iter().flatten() {
        let label = str_of(spec, "label").to_owned();
        let content = entries(&spec["content"], &world.matcher);
        let (owner_unit, owner) = match spec["owner"].as_str() {
            Some("local") => (&leader, Owner::Application),
            Some("local_unit") => (&local_unit, Owner::Unit),
            other => {
                return Err(format!(
                    "runner: peer secrets are owned locally, not {other:?}"
                ))
            }
        };
        let mut backend = world.juju.unit(owner_unit);
        let uri = backend
            .secret_add(owner, Some(&label), &content)
            .map_err(host_err("add a secret"))?;
        for _ in 1..spec["revision"].as_u64().unwrap_or(1) {
            backend
                .secret_set_content(&uri, &content)
                .map_err(host_err("add a revision"))?;
        }
        let count = world
            .juju
            .secret(&uri)
            .map(|s| s.revision_count())
            .unwrap_or(0);
        world.matcher.uris.insert(label.clone(), uri.clone());
        world.secrets.insert(label.clone(), (uri, count));
        world.local_labels.insert(label.clone(), Some(label));
    }
    let bags = &vector["databags"];
    let apply = |unit: &str, bag: Bag, content: &Value| -> Result<(), String> {
        let content = entries(content, &world.matcher);
        if content.is_empty() {
            return Ok(());
        }
        world
            .juju
            .unit(unit)
            .apply(world.relation, &bag, &set(content))
            .map_err(host_err("seed a databag"))
    };
    apply(&leader, Bag::LocalApp, &bags["local_app"])?;
    apply(&local_unit, Bag::LocalUnit, &bags["local_unit"])?;
    for (unit, bag) in bags["remote_units"].as_object().into_iter().flatten() {
        apply(unit, Bag::LocalUnit, bag)?;
    }
    Ok(world)
}

/// A peer vector's model (`config.peer_model.fields`: `{name: group | null}`) as field specs.
fn peer_config(vector: &Value) -> PeerConfig {
    let fields = vector["config"]["peer_model"]["fields"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, group)| FieldSpec {
            key: name.replace('_', "-"),
            secret_group: group.as_str().map(str::to_owned),
        })
        .collect();
    PeerConfig {
        endpoint: str_of(&vector["relation"], "endpoint").to_owned(),
        fields,
    }
}

/// A peer step's scope: `app`, `unit` or `other-unit` (with `unit`).
fn peer_scope(step: &Value) -> Result<PeerScope, String> {
    match step["scope"].as_str() {
        Some("app") => Ok(PeerScope::App),
        Some("unit") => Ok(PeerScope::Unit),
        Some("other-unit") => Ok(PeerScope::OtherUnit(str_of(step, "unit").to_owned())),
        other => Err(format!("runner: unknown peer scope {other:?}")),
    }
}

/// A value as the JSON text the component takes (`None` for null: a deletion).
fn json_text(value: &Value) -> Option<String> {
    (!value.is_null()).then(|| value.to_string())
}

/// A peer step: the repositories' calls, as the Python API makes them of the component.
fn run_peer_step(
    session: &mut Session,
    vector: &Value,
    world: &World,
) -> Result<StepResult, String> {
    let step = &vector["step"];
    let relation = world.relation;
    let scope = peer_scope(step)?;
    let model = peer_config(vector);
    let one = |group: Option<&str>| PeerConfig {
        endpoint: model.endpoint.clone(),
        fields: group
            .map(|group| {
                vec![FieldSpec {
                    key: str_of(step, "field").to_owned(),
                    secret_group: Some(group.to_owned()),
                }]
            })
            .unwrap_or_default(),
    };
    let result = |value: Value| vec![json!({"result": value})];
    let field = || str_of(step, "field").to_owned();
    Ok(match str_of(step, "peer") {
        "write_model" => {
            let given = step["model"].as_object().cloned().unwrap_or_default();
            let mut values: Vec<(String, Option<String>)> = model
                .fields
                .iter()
                .map(|f| {
                    let name = f.key.replace('-', "_");
                    (f.key.clone(), given.get(&name).and_then(json_text))
                })
                .collect();
            for (name, value) in &given {
                if !model
                    .fields
                    .iter()
                    .any(|f| f.key.replace('-', "_") == *name)
                {
                    values.push((name.clone(), json_text(value)));
                }
            }
            session
                .peer_write(&model, relation, &scope, &values)
                .map(|()| Vec::new())
        }
        "read_model" => session.peer_read(&model, relation, &scope).map(|pairs| {
            let read: BTreeMap<String, String> = pairs.into_iter().collect();
            let object: Map<String, Value> = model
                .fields
                .iter()
                .map(|f| {
                    let value = read
                        .get(&f.key)
                        .and_then(|text| serde_json::from_str(text).ok())
                        .unwrap_or(Value::Null);
                    (f.key.replace('-', "_"), value)
                })
                .collect();
            result(Value::Object(object))
        }),
        "write_field" => session
            .peer_write(
                &one(None),
                relation,
                &scope,
                &[(field(), json_text(&step["value"]))],
            )
            .map(|()| Vec::new()),
        "delete_field" => session
            .peer_delete(&one(None), relation, &scope, &[field()])
            .map(|()| Vec::new()),
        "get_field" => session
            .peer_read(&one(None), relation, &scope)
            .map(|pairs| {
                let value = pairs.into_iter().find(|(key, _)| *key == field()).map_or(
                    Value::Null,
                    |(_, text)| match serde_json::from_str::<Value>(&text) {
                        Ok(Value::String(raw)) => Value::String(raw),
                        _ => Value::String(text),
                    },
                );
                result(value)
            }),
        "write_secret_field" => session
            .peer_write(
                &one(step["group"].as_str()),
                relation,
                &scope,
                &[(field(), json_text(&step["value"]))],
            )
            .map(|()| Vec::new()),
        "delete_secret_field" => session
            .peer_delete(&one(step["group"].as_str()), relation, &scope, &[field()])
            .map(|()| Vec::new()),
        "get_secret_field" => session
            .peer_read(&one(step["group"].as_str()), relation, &scope)
            .map(|pairs| {
                let value = pairs
                    .into_iter()
                    .find(|(key, _)| *key == field())
                    .and_then(|(_, text)| serde_json::from_str::<Value>(&text).ok())
                    .map_or(Value::Null, |value| match value {
                        Value::String(raw) => {
                            serde_json::from_str(&raw).unwrap_or(Value::String(raw))
                        }
                        other => other,
                    });
                result(value)
            }),
        other => return Err(format!("runner: unknown peer step {other}")),
    })
}

/// The vector's relation: inside the model, or cross-model when `remote_model_uuid` is set.
fn relate(
    juju: &Juju,
    local_app: &str,
    endpoint: &str,
    remote_app: &str,
    rel: &Value,
) -> Result<i32, String> {
    Ok(match rel["remote_model_uuid"].as_str() {
        None => juju.relate(local_app, endpoint, remote_app, endpoint),
        Some(uuid) => juju.relate_cross_model(local_app, endpoint, remote_app, endpoint, uuid),
    })
}

fn host_err(what: &str) -> impl Fn(data_interfaces_host::BackendError) -> String + '_ {
    move |e| format!("runner: {what}: {e:?}")
}

fn seed_secrets(world: &mut World, vector: &Value) -> Result<(), String> {
    let Some(specs) = vector.get("secrets").and_then(Value::as_array) else {
        return Ok(());
    };
    for spec in specs {
        let label = str_of(spec, "label").to_owned();
        let content = entries(&spec["content"], &world.matcher);
        let local_owner = spec["owner"].as_str() == Some("local");
        let owner_unit = if local_owner {
            world.local_leader.clone()
        } else {
            world.remote_leader.clone()
        };
        let mut owner = world.juju.unit(&owner_unit);
        let uri = owner
            .secret_add(Owner::Application, Some(&label), &content)
            .map_err(host_err("add a secret"))?;
        let revisions = spec["revision"].as_u64().unwrap_or(1);
        for _ in 1..revisions {
            owner
                .secret_set_content(&uri, &content)
                .map_err(host_err("add a revision"))?;
        }
        if !local_owner || spec["granted"].as_bool().unwrap_or(false) {
            owner
                .secret_grant(&uri, world.relation)
                .map_err(host_err("grant a secret"))?;
        }
        let local_label = if local_owner {
            Some(label.clone())
        } else {
            let consumer_label = opt_str(spec, "consumer_label");
            if consumer_label.is_some() || spec.get("latest_content").is_some() {
                // The local unit has seen the secret (and tracks this revision).
                world
                    .juju
                    .unit(&world.local_unit)
                    .secret_get(Some(&uri), consumer_label.as_deref(), false)
                    .map_err(host_err("track a secret"))?;
            }
            if let Some(latest) = spec.get("latest_content") {
                owner
                    .secret_set_content(&uri, &entries(latest, &world.matcher))
                    .map_err(host_err("publish a revision"))?;
            }
            consumer_label
        };
        let count = world
            .juju
            .secret(&uri)
            .map(|s| s.revision_count())
            .unwrap_or(0);
        world.matcher.uris.insert(label.clone(), uri.clone());
        for content in [&spec["content"], &spec["latest_content"]] {
            if let Some(key) = content["encryption-key"].as_str() {
                world.matcher.keys.insert(label.clone(), key.to_owned());
            }
        }
        world.secrets.insert(label.clone(), (uri, count));
        world.local_labels.insert(label, local_label);
    }
    Ok(())
}

fn seed_bags(world: &World, vector: &Value) -> Result<(), String> {
    let bags = &vector["databags"];
    let apply = |unit: &str, bag: Bag, content: &Value| -> Result<(), String> {
        let content = entries(content, &world.matcher);
        if content.is_empty() {
            return Ok(());
        }
        world
            .juju
            .unit(unit)
            .apply(world.relation, &bag, &set(content))
            .map_err(host_err("seed a databag"))
    };
    apply(&world.remote_leader, Bag::LocalApp, &bags["remote_app"])?;
    if let Some(units) = bags["remote_units"].as_object() {
        for (unit, bag) in units {
            apply(unit, Bag::LocalUnit, bag)?;
        }
    }
    apply(&world.local_leader, Bag::LocalApp, &bags["local_app"])?;
    apply(&world.local_unit, Bag::LocalUnit, &bags["local_unit"])?;
    for other in vector["other_relations"].as_array().into_iter().flatten() {
        let id = other["id"].as_i64().unwrap_or(0) as i32;
        let other_app = str_of(other, "remote_app");
        let seed = |unit: &str, bag: Bag, content: &Value| -> Result<(), String> {
            let content = entries(content, &world.matcher);
            if content.is_empty() {
                return Ok(());
            }
            world
                .juju
                .unit(unit)
                .apply(id, &bag, &set(content))
                .map_err(host_err("seed a databag"))
        };
        let bags = &other["databags"];
        seed(
            &format!("{other_app}/0"),
            Bag::LocalApp,
            &bags["remote_app"],
        )?;
        seed(&world.local_leader, Bag::LocalApp, &bags["local_app"])?;
        seed(&world.local_unit, Bag::LocalUnit, &bags["local_unit"])?;
    }
    Ok(())
}

// --- running --------------------------------------------------------------------------------

/// The non-standard fields of a vector's `request_model` / `response_model` (see the README):
/// a model class of the library by name, or `{"base", "fields": {name: group | null}}`.
fn model_fields(spec: &Value) -> Vec<FieldSpec> {
    let field = |key: &str, group: Option<&str>| FieldSpec {
        key: key.to_owned(),
        secret_group: group.map(str::to_owned),
    };
    let named = |name: &str| -> Vec<FieldSpec> {
        match name {
            "KafkaRequestModel" => vec![field("consumer-group-prefix", None)],
            "KafkaResponseModel" => vec![
                field("consumer-group-prefix", Some("extra")),
                field("zookeeper-uris", Some("extra")),
            ],
            "ValkeyResponseModel" => vec![field("sentinel-endpoints", None), field("mode", None)],
            _ => Vec::new(),
        }
    };
    match spec {
        Value::String(name) => named(name),
        Value::Object(object) => {
            let mut fields = named(object.get("base").and_then(Value::as_str).unwrap_or(""));
            for (name, group) in object
                .get("fields")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                fields.push(field(&name.replace('_', "-"), group.as_str()));
            }
            fields
        }
        _ => Vec::new(),
    }
}

fn requirer_config(vector: &Value) -> RequirerConfig {
    let config = &vector["config"];
    RequirerConfig {
        endpoint: str_of(&vector["relation"], "endpoint").to_owned(),
        requests: config["requests"]
            .as_array()
            .map(|a| a.iter().map(request).collect())
            .unwrap_or_default(),
        request_fields: model_fields(&config["request_model"]),
        response_fields: model_fields(&config["response_model"]),
        relation_aliases: config["relation_aliases"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn provider_config(vector: &Value) -> ProviderConfig {
    let config = &vector["config"];
    ProviderConfig {
        endpoint: str_of(&vector["relation"], "endpoint").to_owned(),
        request_fields: model_fields(&config["request_model"]),
        response_fields: model_fields(&config["response_model"]),
        mtls_enabled: config["mtls_enabled"].as_bool().unwrap_or(false),
        bulk_event: config["bulk_event"].as_bool().unwrap_or(false),
        status_schema: config["status_schema"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| Status {
                        code: s["code"].as_i64().unwrap_or(0) as i32,
                        message: opt_str(s, "message").unwrap_or_default(),
                        resolution: opt_str(s, "resolution").unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        resource_aliases: config["resource_aliases"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn hook(vector: &Value, world: &World) -> Result<Hook, String> {
    let step = &vector["step"];
    let relation_event = |unit: Option<String>| RelationEvent {
        relation_id: world.relation,
        app: Some(world.remote_app.clone()),
        unit,
    };
    let secret_event = || -> Result<SecretEvent, String> {
        let label = str_of(step, "secret");
        let (uri, _) = world
            .secrets
            .get(label)
            .ok_or_else(|| format!("runner: no secret labelled {label}"))?;
        Ok(SecretEvent {
            id: uri.clone(),
            label: world.local_labels.get(label).cloned().flatten(),
            revision: step["revision"].as_i64().map(|r| r as i32),
        })
    };
    Ok(match str_of(step, "hook") {
        "relation-created" => Hook::RelationCreated(relation_event(None)),
        "relation-changed" => Hook::RelationChanged(relation_event(opt_str(step, "remote_unit"))),
        "relation-broken" => Hook::RelationBroken(relation_event(None)),
        "secret-changed" => Hook::SecretChanged(secret_event()?),
        "secret-remove" => Hook::SecretRemove(secret_event()?),
        other => return Err(format!("runner: unknown hook {other}")),
    })
}

/// What a step gave back: events (as JSON records) or the error.
type StepResult = Result<Vec<Value>, Error>;

fn run_step(runtime: &Runtime, vector: &Value, world: &World) -> Result<StepResult, String> {
    let backend: Box<dyn Backend> = Box::new(world.juju.unit(&world.local_unit));
    let mut session: Session = runtime
        .session(backend)
        .map_err(|e| format!("runner: session: {e}"))?;
    let step = &vector["step"];
    if step.get("peer").is_some() {
        return run_peer_step(&mut session, vector, world);
    }
    let requirer = vector["side"].as_str() == Some("requirer");
    if step.get("hook").is_some() {
        let hook = hook(vector, world)?;
        return Ok(if requirer {
            session
                .requirer_handle(&requirer_config(vector), &hook)
                .map(|e| {
                    world.event_debug.borrow_mut().extend(e.iter().map(|event| {
                        format!(
                            "{:?}",
                            data_interfaces_host::RequirerEvent::from_wit(event.clone())
                        )
                    }));
                    requirer_events(&e)
                })
        } else {
            session
                .provider_handle(&provider_config(vector), &hook)
                .map(|e| {
                    world.event_debug.borrow_mut().extend(e.iter().map(|event| {
                        format!(
                            "{:?}",
                            data_interfaces_host::ProviderEvent::from_wit(event.clone())
                        )
                    }));
                    provider_events(&e)
                })
        });
    }
    let relation = step["relation_id"]
        .as_i64()
        .map_or(world.relation, |id| id as i32);
    let config = provider_config(vector);
    let requirer_config = requirer_config(vector);
    let statuses = |list: Vec<Status>| -> Vec<Value> { list.iter().map(status_json).collect() };
    let result = |value: Value| vec![json!({"result": value})];
    Ok(match str_of(step, "call") {
        "set_response" => session
            .provider_set_response(
                &config,
                relation,
                &response(&step["response"], &world.matcher),
            )
            .map(|()| Vec::new()),
        "set_responses" => {
            let responses: Vec<Response> = step["responses"]
                .as_array()
                .map(|a| a.iter().map(|r| response(r, &world.matcher)).collect())
                .unwrap_or_default();
            session
                .provider_set_responses(&config, relation, &responses)
                .map(|()| Vec::new())
        }
        "raise_status" => match &step["status"] {
            Value::Number(code) => session.provider_raise_status_code(
                &config,
                relation,
                code.as_i64().unwrap_or(0) as i32,
            ),
            other => {
                let fields = other.get("model").unwrap_or(other);
                let status = Status {
                    code: fields["code"].as_i64().unwrap_or(0) as i32,
                    message: opt_str(fields, "message").unwrap_or_default(),
                    resolution: opt_str(fields, "resolution").unwrap_or_default(),
                };
                session.provider_raise_status(&config, relation, &status)
            }
        }
        .map(|()| Vec::new()),
        "resolve_status" => session
            .provider_resolve_status(&config, relation, step["code"].as_i64().unwrap_or(0) as i32)
            .map(|()| Vec::new()),
        "clear_statuses" => session
            .provider_clear_statuses(&config, relation)
            .map(|()| Vec::new()),
        "get_statuses" if requirer => session
            .requirer_statuses(&requirer_config, relation)
            .map(|list| result(Value::Array(statuses(list)))),
        "get_statuses" => session
            .provider_statuses(&config, relation)
            .map(|list| result(Value::Array(statuses(list)))),
        "requests" => session
            .provider_requests(&config, relation)
            .map(|list| result(list.iter().map(request_json).collect())),
        "responses" => session
            .provider_responses(&config, relation)
            .map(|list| result(list.iter().map(response_json).collect())),
        "is_resource_created" => session
            .requirer_is_resource_created(&requirer_config, relation, str_of(step, "request_id"))
            .map(|created| result(Value::Bool(created))),
        "are_all_resources_created" => session
            .requirer_are_all_resources_created(&requirer_config, relation)
            .map(|created| result(Value::Bool(created))),
        other => return Err(format!("runner: unknown call {other}")),
    })
}

// --- comparing ------------------------------------------------------------------------------

fn bag_json(bag: BTreeMap<String, String>) -> Map<String, Value> {
    bag.into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

fn actual_bags(world: &World) -> Map<String, Value> {
    let juju = &world.juju;
    let local_app = data_interfaces_host::memory::app_of(&world.local_unit);
    let mut out = Map::new();
    out.insert(
        "local_app".into(),
        Value::Object(bag_json(juju.app_bag(world.relation, local_app))),
    );
    out.insert(
        "local_unit".into(),
        Value::Object(bag_json(juju.unit_bag(world.relation, &world.local_unit))),
    );
    out.insert(
        "remote_app".into(),
        Value::Object(bag_json(juju.app_bag(world.relation, &world.remote_app))),
    );
    let units: Map<String, Value> = world
        .remote_units
        .iter()
        .map(|u| {
            (
                u.clone(),
                Value::Object(bag_json(juju.unit_bag(world.relation, u))),
            )
        })
        .collect();
    out.insert("remote_units".into(), Value::Object(units));
    out
}

fn bag_problems(
    name: &str,
    want: &Map<String, Value>,
    got: &Map<String, Value>,
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
    let mut keys: Vec<&String> = want.keys().chain(got.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        match (want.get(key), got.get(key)) {
            (Some(w), None) => problems.push(format!("{name}: missing key {key:?} (expected {w})")),
            (None, Some(g)) => problems.push(format!("{name}: unexpected key {key:?} = {g}")),
            (Some(Value::Object(w)), Some(Value::Object(g))) => {
                bag_problems(&format!("{name}[{key}]"), w, g, matcher, problems)
            }
            (Some(w), Some(g)) => {
                let (ws, gs) = (
                    w.as_str().unwrap_or_default(),
                    g.as_str().unwrap_or_default(),
                );
                if !matcher.matches(ws, gs) {
                    problems.push(format!(
                        "{name}[{key:?}]:\n      expected {ws}\n      actual   {gs}"
                    ));
                }
            }
            (None, None) => {}
        }
    }
}

fn compare_bags(vector: &Value, world: &World, matcher: &mut Matcher, problems: &mut Vec<String>) {
    let actual = actual_bags(world);
    let initial = &vector["databags"];
    let expected = &vector["expect"]["databags"];
    for name in BAGS {
        if name == "remote_app" && is_peer(vector) {
            continue; // a peer relation's remote application is the local one
        }
        let mut want = expected
            .get(name)
            .or_else(|| initial.get(name))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if name == "remote_units" {
            want = world
                .remote_units
                .iter()
                .map(|u| (u.clone(), want.get(u).cloned().unwrap_or(json!({}))))
                .collect();
        }
        let got = actual[name].as_object().cloned().unwrap_or_default();
        bag_problems(name, &want, &got, matcher, problems);
    }
}

fn compare_secrets(
    vector: &Value,
    world: &World,
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
    let juju = &world.juju;
    let local_app = data_interfaces_host::memory::app_of(&world.local_unit).to_owned();
    let initial: Vec<&String> = world.secrets.values().map(|(uri, _)| uri).collect();
    let mut listed = Vec::new();
    for want in vector["expect"]["secrets"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let label = str_of(&want, "label");
        let where_ = format!("secret {label}");
        let Some(uri) = matcher.uris.get(label).cloned() else {
            if !want["absent"].as_bool().unwrap_or(false) {
                problems.push(format!("{where_}: not found"));
            }
            continue;
        };
        let Some(record) = juju.secret(&uri) else {
            if !want["absent"].as_bool().unwrap_or(false) {
                problems.push(format!("{where_}: not found"));
            }
            continue;
        };
        listed.push(uri.clone());
        if want["absent"].as_bool().unwrap_or(false) {
            problems.push(format!("{where_}: still exists"));
            continue;
        }
        if let Some(content) = want.get("content") {
            let got: Map<String, Value> = record
                .latest()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            if Value::Object(got.clone()) != *content {
                problems.push(format!(
                    "{where_}: content expected {content}, got {}",
                    Value::Object(got)
                ));
            }
        }
        if let Some(granted) = want["granted"].as_bool() {
            // Granted on the relation: the remote application can read it.
            let seen = juju
                .unit(&world.remote_leader)
                .secret_get(Some(&uri), None, false)
                .is_ok();
            if seen != granted {
                problems.push(format!("{where_}: granted expected {granted}, got {seen}"));
            }
        }
        if let Some(revisions) = want["revisions"].as_u64() {
            if record.revision_count() as u64 != revisions {
                problems.push(format!(
                    "{where_}: {} revisions instead of {revisions}",
                    record.revision_count()
                ));
            }
        }
        if let Some(added) = want["new_revisions"].as_u64() {
            let before = world.secrets.get(label).map(|(_, n)| *n).unwrap_or(0);
            let got = record.revision_count() - before;
            if got as u64 != added {
                problems.push(format!("{where_}: {got} new revisions instead of {added}"));
            }
        }
        if let Some(consumer_label) = want["consumer_label"].as_str() {
            // The local unit finds the secret by the label it attached.
            let found = juju
                .unit(&world.local_unit)
                .secret_get(None, Some(consumer_label), false)
                .ok()
                .flatten()
                .map(|s| s.id);
            if found.as_deref() != Some(uri.as_str()) {
                problems.push(format!(
                    "{where_}: the local unit does not know it by the label {consumer_label:?}"
                ));
            }
        }
    }
    for uri in juju.secret_uris() {
        let Some(record) = juju.secret(&uri) else {
            continue;
        };
        let owned_locally = matches!(
            &record.owner,
            data_interfaces_host::memory::SecretOwner::App(app) if *app == local_app
        ) || matches!(
            &record.owner,
            data_interfaces_host::memory::SecretOwner::Unit(unit) if *unit == world.local_unit
        );
        if owned_locally && !initial.contains(&&uri) && !listed.contains(&uri) {
            let keys: Vec<String> = record
                .latest()
                .map(|c| c.iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            problems.push(format!(
                "unexpected secret created: label {:?}, keys {keys:?}",
                record.owner_label
            ));
        }
    }
}

fn compare_events(
    vector: &Value,
    actual: &[Value],
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
    let expected = vector["expect"]["events"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds = |events: &[Value]| -> Vec<String> {
        events
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    if kinds(&expected) != kinds(actual) {
        problems.push(format!(
            "events: expected {:?}, got {:?}",
            kinds(&expected),
            kinds(actual)
        ));
        return;
    }
    for (index, (want, got)) in expected.iter().zip(actual).enumerate() {
        let where_ = format!(
            "events[{index}] {}",
            want["kind"].as_str().unwrap_or_default()
        );
        for (field, value) in want.as_object().into_iter().flatten() {
            match field.as_str() {
                "kind" => {}
                "request" | "response" => {
                    for (name, w) in value.as_object().into_iter().flatten() {
                        let g = &got[field.as_str()][name.as_str()];
                        if !matcher.value_matches(w, g) {
                            problems
                                .push(format!("{where_}.{field}.{name}: expected {w}, got {g}"));
                        }
                    }
                }
                "requests" => {
                    let got_list = got["requests"].as_array().cloned().unwrap_or_default();
                    let want_list = value.as_array().cloned().unwrap_or_default();
                    if got_list.len() != want_list.len() {
                        problems.push(format!(
                            "{where_}.requests: {} instead of {}",
                            got_list.len(),
                            want_list.len()
                        ));
                    }
                    for (i, (w, g)) in want_list.iter().zip(&got_list).enumerate() {
                        for (name, wv) in w.as_object().into_iter().flatten() {
                            if !matcher.value_matches(wv, &g[name.as_str()]) {
                                problems.push(format!(
                                    "{where_}.requests[{i}].{name}: expected {wv}, got {}",
                                    g[name.as_str()]
                                ));
                            }
                        }
                    }
                }
                other => {
                    if !matcher.value_matches(value, &got[other]) {
                        problems.push(format!(
                            "{where_}.{other}: expected {value}, got {}",
                            got[other]
                        ));
                    }
                }
            }
        }
    }
}

/// A call's result: a list of models (only the listed fields checked) or a plain value.
fn compare_result(want: &Value, got: &Value, matcher: &mut Matcher, problems: &mut Vec<String>) {
    let models = want
        .as_array()
        .is_some_and(|list| !list.is_empty() && list.iter().all(Value::is_object));
    if !models {
        if !matcher.value_matches(want, got) {
            problems.push(format!("result: expected {want}, got {got}"));
        }
        return;
    }
    let (want, got_list) = (
        want.as_array().unwrap(),
        got.as_array().cloned().unwrap_or_default(),
    );
    if want.len() != got_list.len() {
        problems.push(format!("result: expected {} items, got {got}", want.len()));
        return;
    }
    for (index, (w, g)) in want.iter().zip(&got_list).enumerate() {
        for (name, wv) in w.as_object().into_iter().flatten() {
            if !matcher.value_matches(wv, &g[name.as_str()]) {
                problems.push(format!(
                    "result[{index}].{name}: expected {wv}, got {}",
                    g[name.as_str()]
                ));
            }
        }
    }
}

fn compare_error(want: &Value, error: &Error, problems: &mut Vec<String>) {
    use data_interfaces_host::wit::Error as Wit;
    let Error::Protocol(error) = error else {
        problems.push(format!("expected a protocol error {want}, got {error}"));
        return;
    };
    let (kind, reason, relation_id, bag, key) = match error {
        Wit::InvalidDatabag(e) => (
            "invalid-databag",
            e.reason.clone(),
            Some(e.relation_id),
            Some(match &e.bag {
                Bag::LocalApp => "local-app".to_owned(),
                Bag::LocalUnit => "local-unit".to_owned(),
                Bag::RemoteApp => "remote-app".to_owned(),
                Bag::RemoteUnit(u) => format!("remote-unit:{u}"),
            }),
            e.key.clone(),
        ),
        Wit::InvalidModel(m) => ("invalid-model", m.clone(), None, None, None),
        Wit::NotLeader(m) => ("not-leader", m.clone(), None, None, None),
        Wit::MissingRelation(id) => ("missing-relation", String::new(), Some(*id), None, None),
        Wit::Secret(m) => ("secret", m.clone(), None, None, None),
        Wit::Host(e) => ("host", e.message.clone(), None, None, None),
    };
    let actual = json!({"kind": kind, "relation_id": relation_id, "bag": bag, "key": key});
    for field in ["kind", "relation_id", "bag", "key"] {
        if let Some(w) = want.get(field) {
            if *w != actual[field] {
                problems.push(format!(
                    "error.{field}: expected {w}, got {} ({reason})",
                    actual[field]
                ));
            }
        }
    }
    if let Some(text) = want["reason_contains"].as_str() {
        if !reason.contains(text) {
            problems.push(format!("error reason {reason:?} lacks {text:?}"));
        }
    }
}

/// Every way one vector's outcome differs from its expectation.
fn check(runtime: &Runtime, vector: &Value, scanned: &mut Scanned) -> Vec<String> {
    let world = match build(vector) {
        Ok(world) => world,
        Err(e) => return vec![e],
    };
    let outcome = match run_step(runtime, vector, &world) {
        Ok(outcome) => outcome,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    let mut matcher = Matcher {
        uris: world.matcher.uris.clone(),
        keys: world.matcher.keys.clone(),
        salts: BTreeMap::new(),
    };
    // Secrets the step created are named by their owner label in expectations.
    for uri in world.juju.secret_uris() {
        let Some(record) = world.juju.secret(&uri) else {
            continue;
        };
        if let Some(label) = record.owner_label.clone() {
            if let Some(key) = record
                .latest()
                .and_then(|c| c.iter().find(|(k, _)| k == "encryption-key"))
            {
                matcher.keys.entry(label.clone()).or_insert(key.1.clone());
            }
            matcher.uris.entry(label).or_insert(uri);
        }
    }
    let expect = &vector["expect"];
    match (&outcome, expect.get("error")) {
        (Err(error), Some(want)) => compare_error(want, error, &mut problems),
        (Ok(_), Some(want)) => {
            problems.push(format!("expected an error {want}, the step succeeded"))
        }
        (Err(error), None) => problems.push(format!("unexpected error: {error}")),
        (Ok(events), None) => {
            let (results, events): (Vec<Value>, Vec<Value>) = events
                .iter()
                .cloned()
                .partition(|e| e.get("result").is_some());
            if let Some(want) = expect.get("result") {
                let got = results.first().map_or(Value::Null, |r| r["result"].clone());
                compare_result(want, &got, &mut matcher, &mut problems);
            }
            compare_events(vector, &events, &mut matcher, &mut problems);
            compare_secrets(vector, &world, &mut matcher, &mut problems);
        }
    }
    // Bags after: as expected, or (after an error) as they were: a failed step writes nothing.
    compare_bags(vector, &world, &mut matcher, &mut problems);
    problems.extend(secret_leaks(
        vector,
        &world,
        outcome.as_ref().err(),
        scanned,
    ));
    problems
}

// --- secret hygiene -------------------------------------------------------------------------

/// Values shorter than this are not searched for: `True`, `none`, a one-letter group would
/// match unrelated text. Every secret value the vectors use is longer.
const MIN_SECRET_LEN: usize = 6;

/// The fields of a request or response that belong to a secret group (standard models).
const SECRET_FIELDS: [&str; 9] = [
    "username",
    "password",
    "uris",
    "read_only_uris",
    "tls_ca",
    "entity_name",
    "entity_password",
    "mtls_cert",
    "value",
];

/// The secret values of a vector: the content of every secret it seeds and of every secret
/// that exists after its step (what the step stored), the secret fields of the requests it
/// configures and of the responses and peer values its step writes, and the fields its models
/// put in a secret group.
fn secret_values(vector: &Value, world: &World) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    let mut add = |value: &Value| {
        if let Some(text) = value.as_str() {
            values.insert(text.to_owned());
        }
    };
    for secret in vector["secrets"].as_array().into_iter().flatten() {
        for key in ["content", "latest_content"] {
            for value in secret[key].as_object().into_iter().flat_map(|c| c.values()) {
                add(value);
            }
        }
    }
    let mut grouped: Vec<String> = SECRET_FIELDS.iter().map(|f| f.to_string()).collect();
    for model in ["request_model", "response_model"] {
        let fields = vector["config"][model]["fields"].as_object();
        for (field, group) in fields.into_iter().flatten() {
            if !group.is_null() {
                grouped.push(field.clone());
            }
        }
    }
    let step = &vector["step"];
    let mut objects: Vec<&Value> = vec![&step["response"]];
    objects.extend(step["responses"].as_array().into_iter().flatten());
    objects.extend(
        vector["config"]["requests"]
            .as_array()
            .into_iter()
            .flatten(),
    );
    for object in objects {
        for field in &grouped {
            add(&object[field.as_str()]);
        }
    }
    if step.get("peer").is_some() && !step["group"].is_null() {
        add(&step["value"]);
    }
    for uri in world.juju.secret_uris() {
        if let Some(content) = world.juju.secret(&uri).as_ref().and_then(|s| s.latest()) {
            for (_, value) in content {
                values.insert(value.clone());
            }
        }
    }
    values.retain(|value| value.chars().count() >= MIN_SECRET_LEN);
    values
}

/// Every place a secret value must never reach (rule 5), as (where, text): the local unit's
/// bags as the step left them (the remote bags are the vector's input), every log line, the
/// error's `Display` and `Debug`, and the `Debug` of each typed event.
fn observed_text(world: &World, error: Option<&Error>) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for (name, bag) in [
        (
            "local app bag",
            world
                .juju
                .app_bag(world.relation, app_of(&world.local_unit)),
        ),
        (
            "local unit bag",
            world.juju.unit_bag(world.relation, &world.local_unit),
        ),
    ] {
        for (key, value) in bag {
            seen.push((format!("{name} key {key}"), value));
        }
    }
    for line in world.juju.log() {
        seen.push((format!("log line of {}", line.unit), line.message));
    }
    if let Some(error) = error {
        seen.push(("error".into(), format!("{error} / {error:?}")));
    }
    for debug in world.event_debug.borrow().iter() {
        seen.push(("event Debug".into(), debug.clone()));
    }
    seen
}

/// How much the secret scan saw over all vectors, so that a scan that sees nothing fails.
#[derive(Debug, Default)]
struct Scanned {
    secrets: usize,
    bag_values: usize,
    log_lines: usize,
    errors: usize,
    events: usize,
}

/// Where a secret value of the vector shows in the text the step produced, if anywhere.
fn secret_leaks(
    vector: &Value,
    world: &World,
    error: Option<&Error>,
    scanned: &mut Scanned,
) -> Vec<String> {
    let secrets = secret_values(vector, world);
    scanned.secrets += secrets.len();
    let mut leaks = Vec::new();
    for (place, text) in observed_text(world, error) {
        match place.as_str() {
            "error" => scanned.errors += 1,
            "event Debug" => scanned.events += 1,
            p if p.starts_with("log line") => scanned.log_lines += 1,
            _ => scanned.bag_values += 1,
        }
        for secret in secrets
            .iter()
            .filter(|secret| text.contains(secret.as_str()))
        {
            leaks.push(format!("secret value {secret:?} in the {place}"));
        }
    }
    leaks
}

#[test]
fn every_conformance_vector() {
    let runtime = Runtime::load_with(&LoadOptions {
        cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
        ..LoadOptions::default()
    })
    .expect("the component loads");
    let vectors = load_vectors();
    assert!(!vectors.is_empty(), "no vectors in tests/conformance");
    let mut failures = Vec::new();
    let mut scanned = Scanned::default();
    for (name, vector) in &vectors {
        let problems = check(&runtime, vector, &mut scanned);
        if problems.is_empty() {
            println!("ok    {name}");
        } else {
            println!("FAIL  {name}");
            failures.push(format!(
                "--- {name}: {}\n    {}",
                vector["description"].as_str().unwrap_or_default(),
                problems.join("\n    ")
            ));
        }
    }
    println!("{} vectors, {} failed", vectors.len(), failures.len());
    println!("secret scan: {scanned:?}");
    // The scan looked at every kind of output (secret values, bags, logs, errors and events).
    assert!(
        scanned.secrets > 0
            && scanned.bag_values > 0
            && scanned.log_lines > 0
            && scanned.errors > 0
            && scanned.events > 0,
        "the secret scan saw too little: {scanned:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} conformance vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn the_secret_scan_reports_a_secret_value_in_a_log_line_and_an_event() {
    let vectors = load_vectors();
    let (name, vector) = vectors
        .iter()
        .find(|(_, v)| {
            v["secrets"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["content"].is_object()))
        })
        .expect("a vector seeds a secret");
    let world = build(vector).unwrap_or_else(|e| panic!("{name}: {e}"));
    let secret = secret_values(vector, &world)
        .into_iter()
        .next()
        .expect("the vector has a secret value");
    let mut scanned = Scanned::default();
    assert!(secret_leaks(vector, &world, None, &mut scanned).is_empty());

    world.juju.unit(&world.local_unit).log(
        data_interfaces_host::wit::LogLevel::Info,
        &format!("got {secret}"),
    );
    world
        .event_debug
        .borrow_mut()
        .push(format!("Event {{ password: {secret:?} }}"));
    let leaks = secret_leaks(vector, &world, None, &mut scanned);
    assert_eq!(leaks.len(), 2, "{leaks:?}");
    assert!(leaks[0].contains("log line"), "{leaks:?}");
    assert!(leaks[1].contains("event Debug"), "{leaks:?}");
}
