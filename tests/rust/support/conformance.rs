//! The conformance vectors (`tests/conformance/*.json`): loading, the world a vector
//! describes (built in the in-memory Juju), the JSON forms of its records, and the comparison
//! of a step's outcome with the vector's expectation. Shared by the runners: the component
//! over the in-memory Juju (`conformance.rs`) and the command-line host over the hook-tool
//! test double (`conformance_cli.rs`); each runs the step its way and hands back the events,
//! the error and an [`Observed`] view of the model after the step.
//! `tests/conformance/README.md` describes the format.

// Each runner uses its part of this module.
#![allow(dead_code)]

use data_interfaces_host::display::{provider_kind, requirer_kind};
use data_interfaces_host::memory::{Juju, SecretOwner};
use data_interfaces_host::wit::{
    Bag, ChangeSet, EntityPermission, EntityType, FieldSpec, Hook, Owner, PeerConfig, PeerScope,
    ProviderConfig, ProviderEvent, RelationEvent, Request, RequirerConfig, RequirerEvent, Response,
    SecretEvent, Status,
};
use data_interfaces_host::Backend;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The model uuid of the in-memory Juju (it has one model).
pub const MEMORY_MODEL_UUID: &str = "e5ad3f63-7b5c-4c1e-8d6e-4a0a2f1b9c01";
pub const BAGS: [&str; 4] = ["local_app", "local_unit", "remote_app", "remote_units"];

/// A directory of vectors under `tests/`: `conformance` (the protocol) or `malformed` (the
/// hostile-input corpus).
pub fn vectors_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(name)
}

/// Every vector of a directory of `tests/`, as `(file-stem/name, vector)`, with its file's
/// defaults merged in and the size placeholders expanded.
pub fn load_vectors(dir: &str) -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vectors_dir(dir))
        .expect("the vectors' directory exists")
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
            let mut merged = Value::Object(merged);
            expand_sizes(&mut merged);
            vectors.push((name, merged));
        }
    }
    vectors
}

/// Expands, in every string of a vector, `{{repeat:<n>:<text>}}` (the text `n` times) and
/// `{{nest:<n>}}` (`n` nested JSON lists): the malformed corpus's huge inputs.
fn expand_sizes(value: &mut Value) {
    match value {
        Value::String(text) => {
            while let Some(start) = text.find("{{repeat:").or_else(|| text.find("{{nest:")) {
                let end = start + text[start..].find("}}").expect("a closed placeholder") + 2;
                let inner = &text[start + 2..end - 2];
                let expansion = if let Some(rest) = inner.strip_prefix("repeat:") {
                    let (count, piece) = rest.split_once(':').expect("{{repeat:<n>:<text>}}");
                    piece.repeat(count.parse().expect("a repeat count"))
                } else {
                    let depth: usize = inner["nest:".len()..].parse().expect("a nest depth");
                    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
                };
                text.replace_range(start..end, &expansion);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(expand_sizes),
        Value::Object(map) => map.values_mut().for_each(expand_sizes),
        _ => {}
    }
}

/// A hook's rejections as step entries, `{"rejection": {relation_id, request_id, alias,
/// error}}` (the error as `config::protocol_error_to_json` writes it), after the events.
pub fn rejection_entry(relation_id: Value, request_id: Value, alias: Value, error: Value) -> Value {
    json!({"rejection": {
        "relation_id": relation_id,
        "request_id": request_id,
        "alias": alias,
        "error": error,
    }})
}

/// Compares a step's rejections with `expect.rejections` (none when absent), in order:
/// `relation_id`, `request_id` and `alias` exactly when given, `error` as for `expect.error`.
pub fn compare_rejections(vector: &Value, got: &[Value], problems: &mut Vec<String>) {
    let want = vector["expect"]["rejections"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if want.len() != got.len() {
        problems.push(format!(
            "rejections: expected {}, got {}: {}",
            want.len(),
            got.len(),
            Value::Array(got.to_vec())
        ));
        return;
    }
    for (index, (want, got)) in want.iter().zip(got).enumerate() {
        let got = &got["rejection"];
        for field in ["relation_id", "request_id", "alias"] {
            if let Some(w) = want.get(field) {
                if *w != got[field] {
                    problems.push(format!(
                        "rejections[{index}].{field}: expected {w}, got {}",
                        got[field]
                    ));
                }
            }
        }
        let mut found = Vec::new();
        compare_error(&want["error"], &got["error"], &mut found);
        problems.extend(
            found
                .into_iter()
                .map(|p| format!("rejections[{index}]: {p}")),
        );
    }
}

// --- placeholders ---------------------------------------------------------------------------

/// Matches expected strings with `{{secret:<label>}}` (the URI of the secret with that label)
/// and `{{salt:<name>}}` (any 16 letters and digits, the same wherever the name appears).
#[derive(Default)]
pub struct Matcher {
    pub uris: BTreeMap<String, String>,
    /// Secret label → the `encryption-key` it holds (for `{{fernet:<label>:<plaintext>}}`).
    keys: BTreeMap<String, String>,
    salts: BTreeMap<String, String>,
}

pub enum Piece<'a> {
    Literal(&'a str),
    Secret(&'a str),
    Salt(&'a str),
    /// A Fernet token that decrypts to the plaintext with the key of the secret labelled so.
    Fernet(&'a str, &'a str),
}

pub fn fernet_key(text: &str) -> Option<data_interfaces_core::fernet::Key> {
    data_interfaces_core::fernet::Key::parse(text).ok()
}

pub fn pieces(template: &str) -> Vec<Piece<'_>> {
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
    pub fn resolve(&self, template: &str) -> String {
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

pub fn opt_str(fields: &Value, key: &str) -> Option<String> {
    fields.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A record from a vector's fields (Python field names) through the record's serde derive: the
/// given fields over an empty record (`empty`), string values resolved by `resolve`; every other
/// key is an extra field, by wire key (a null one is left out).
fn derived<T>(fields: &Value, empty: T, resolve: &dyn Fn(&str) -> String) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let names = data_interfaces_host::shape::record_fields::<T>().unwrap_or_default();
    let Ok(Value::Object(mut form)) = serde_json::to_value(empty) else {
        panic!("a record serializes to an object");
    };
    let mut extra = Vec::new();
    for (key, value) in fields.as_object().into_iter().flatten() {
        if names.contains(&key.as_str()) {
            let value = match value {
                Value::String(text) => Value::String(resolve(text)),
                Value::Null if !form[key].is_null() => continue,
                other => other.clone(),
            };
            form.insert(key.clone(), value);
        } else if !value.is_null() {
            extra.push(json!([key.replace('_', "-"), value.to_string()]));
        }
    }
    form.insert("extra".to_owned(), Value::Array(extra));
    serde_json::from_value(Value::Object(form)).expect("a vector's record has the WIT's shape")
}

/// A request from a vector (Python field names; other keys are extra fields, by wire key).
pub fn request(fields: &Value) -> Request {
    derived(
        fields,
        data_interfaces_host::api::Request::new("").into_wit(),
        &str::to_owned,
    )
}

/// A response from a vector, its secret placeholders filled in. A field given as `null` is
/// cleared, as a Python charm's `None` (by wire key), except `resource`, `request_id` and
/// `salt`.
pub fn response(fields: &Value, matcher: &Matcher) -> Response {
    let mut response: Response = derived(
        fields,
        data_interfaces_host::api::Response::new("").into_wit(),
        &|text| matcher.resolve(text),
    );
    response.cleared = fields
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, v)| {
                    v.is_null() && !["resource", "request_id", "salt"].contains(&k.as_str())
                })
                .map(|(k, _)| k.replace('_', "-"))
                .collect()
        })
        .unwrap_or_default();
    response
}

pub fn permissions_json(list: &Option<Vec<EntityPermission>>) -> Value {
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

pub fn with_extra(mut object: Value, extra: &[(String, String)]) -> Value {
    if let Value::Object(map) = &mut object {
        for (key, text) in extra {
            let value = serde_json::from_str(text).unwrap_or(Value::String(text.clone()));
            map.insert(key.replace('-', "_"), value);
        }
    }
    object
}

pub fn request_json(r: &Request) -> Value {
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

pub fn response_json(r: &Response) -> Value {
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

pub fn status_json(s: &Status) -> Value {
    json!({"code": s.code, "message": s.message, "resolution": s.resolution})
}

/// Events as the vectors describe them: an event with an alias is also emitted aliased.
pub fn requirer_events(events: &[RequirerEvent]) -> Vec<Value> {
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

pub fn provider_events(events: &[ProviderEvent]) -> Vec<Value> {
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

pub fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {value}"))
}

pub fn unit_number(unit: &str) -> usize {
    unit.rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad unit name {unit}"))
}

pub fn entries(bag: &Value, matcher: &Matcher) -> Vec<(String, String)> {
    bag.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), matcher.resolve(v.as_str().unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default()
}

pub fn set(entries: Vec<(String, String)>) -> ChangeSet {
    ChangeSet {
        set: entries,
        delete: Vec::new(),
    }
}

/// A vector's world, built in the in-memory Juju.
pub struct World {
    pub juju: Juju,
    pub relation: i32,
    pub local_unit: String,
    pub local_leader: String,
    pub remote_app: String,
    pub remote_leader: String,
    pub remote_units: Vec<String>,
    pub matcher: Matcher,
    /// Secret label (as the vector names it) → (URI, revisions before the step).
    pub secrets: BTreeMap<String, (String, usize)>,
    /// Secret label → the label the local unit knows it by.
    pub local_labels: BTreeMap<String, Option<String>>,
}

pub fn build(vector: &Value) -> Result<World, String> {
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
    };
    seed_secrets(&mut world, vector)?;
    seed_bags(&world, vector)?;
    Ok(world)
}

/// Whether a vector runs the peer repositories (`side: "peer"`).
pub fn is_peer(vector: &Value) -> bool {
    vector["side"].as_str() == Some("peer")
}

/// A peer vector's world: the local application with its units (the local one and the
/// relation's `remote_units`, its peers), related with itself on the peer endpoint.
pub fn build_peer(vector: &Value) -> Result<World, String> {
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
    let apply = |unit: &str, bag: Bag, content: &Value| seed_bag(&world, unit, bag, content);
    apply(&leader, Bag::LocalApp, &bags["local_app"])?;
    apply(&local_unit, Bag::LocalUnit, &bags["local_unit"])?;
    for (unit, bag) in bags["remote_units"].as_object().into_iter().flatten() {
        apply(unit, Bag::LocalUnit, bag)?;
    }
    Ok(world)
}

/// A peer vector's model (`config.peer_model.fields`: `{name: group | null}`) as field specs.
pub fn peer_config(vector: &Value) -> PeerConfig {
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
pub fn peer_scope(step: &Value) -> Result<PeerScope, String> {
    match step["scope"].as_str() {
        Some("app") => Ok(PeerScope::App),
        Some("unit") => Ok(PeerScope::Unit),
        Some("other-unit") => Ok(PeerScope::OtherUnit(str_of(step, "unit").to_owned())),
        other => Err(format!("runner: unknown peer scope {other:?}")),
    }
}

/// A value as the JSON text the component takes (`None` for null: a deletion).
pub fn json_text(value: &Value) -> Option<String> {
    (!value.is_null()).then(|| value.to_string())
}

/// The vector's relation: inside the model, or cross-model when `remote_model_uuid` is set.
pub fn relate(
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

pub fn host_err(what: &str) -> impl Fn(data_interfaces_host::BackendError) -> String + '_ {
    move |e| format!("runner: {what}: {e:?}")
}

pub fn seed_secrets(world: &mut World, vector: &Value) -> Result<(), String> {
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

/// Writes a vector's bag (its entries, placeholders filled) as its owner unit would.
fn seed_bag(world: &World, unit: &str, bag: Bag, content: &Value) -> Result<(), String> {
    let content = entries(content, &world.matcher);
    if content.is_empty() {
        return Ok(());
    }
    world
        .juju
        .unit(unit)
        .apply(world.relation, &bag, &set(content))
        .map_err(host_err("seed a databag"))
}

pub fn seed_bags(world: &World, vector: &Value) -> Result<(), String> {
    let bags = &vector["databags"];
    let apply = |unit: &str, bag: Bag, content: &Value| seed_bag(world, unit, bag, content);
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
pub fn model_fields(spec: &Value) -> Vec<FieldSpec> {
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

pub fn requirer_config(vector: &Value) -> RequirerConfig {
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
        relation_limit: config["limit"]
            .as_u64()
            .and_then(|limit| u32::try_from(limit).ok()),
    }
}

pub fn provider_config(vector: &Value) -> ProviderConfig {
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

pub fn hook(vector: &Value, world: &World) -> Result<Hook, String> {
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

/// What a step gave back: events (as JSON records; a call's return value as
/// `{"result": ...}`) or the error, as `data_interfaces_host::error::error_to_json` gives it.
pub type StepResult = Result<Vec<Value>, Value>;

/// A secret as a runner's model shows it after the step.
pub struct SecretView {
    /// The owner.
    pub owner: SecretOwner,
    /// The owner's label.
    pub owner_label: Option<String>,
    /// The newest content, if any revision is left.
    pub latest: Option<Vec<(String, String)>>,
    /// How many revisions were ever created.
    pub revision_count: usize,
}

/// The model after a step, as a runner sees it: the in-memory Juju, or the state the
/// hook-tool test double keeps.
pub trait Observed {
    /// An application's bag on a relation.
    fn app_bag(&self, relation: i32, app: &str) -> BTreeMap<String, String>;
    /// A unit's bag on a relation.
    fn unit_bag(&self, relation: i32, unit: &str) -> BTreeMap<String, String>;
    /// Every secret's URI.
    fn secret_uris(&self) -> Vec<String>;
    /// A secret, by URI.
    fn secret(&self, uri: &str) -> Option<SecretView>;
    /// Whether a unit can read the secret (it owns it, or a grant lets it).
    fn readable_by(&self, uri: &str, unit: &str) -> bool;
    /// The URI of the secret a unit finds by a label (its owner label or consumer label).
    fn find_by_label(&self, unit: &str, label: &str) -> Option<String>;
}

impl Observed for Juju {
    fn app_bag(&self, relation: i32, app: &str) -> BTreeMap<String, String> {
        Juju::app_bag(self, relation, app)
    }
    fn unit_bag(&self, relation: i32, unit: &str) -> BTreeMap<String, String> {
        Juju::unit_bag(self, relation, unit)
    }
    fn secret_uris(&self) -> Vec<String> {
        Juju::secret_uris(self)
    }
    fn secret(&self, uri: &str) -> Option<SecretView> {
        Juju::secret(self, uri).map(|record| SecretView {
            latest: record.latest().cloned(),
            revision_count: record.revision_count(),
            owner: record.owner,
            owner_label: record.owner_label,
        })
    }
    fn readable_by(&self, uri: &str, unit: &str) -> bool {
        self.unit(unit).secret_get(Some(uri), None, false).is_ok()
    }
    fn find_by_label(&self, unit: &str, label: &str) -> Option<String> {
        self.unit(unit)
            .secret_get(None, Some(label), false)
            .ok()
            .flatten()
            .map(|s| s.id)
    }
}

// --- comparing ------------------------------------------------------------------------------

pub fn bag_json(bag: BTreeMap<String, String>) -> Map<String, Value> {
    bag.into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

pub fn actual_bags(world: &World, juju: &dyn Observed) -> Map<String, Value> {
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

pub fn bag_problems(
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

pub fn compare_bags(
    vector: &Value,
    world: &World,
    observed: &dyn Observed,
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
    let actual = actual_bags(world, observed);
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

pub fn compare_secrets(
    vector: &Value,
    world: &World,
    juju: &dyn Observed,
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
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
                .latest
                .clone()
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
            let seen = juju.readable_by(&uri, &world.remote_leader);
            if seen != granted {
                problems.push(format!("{where_}: granted expected {granted}, got {seen}"));
            }
        }
        if let Some(revisions) = want["revisions"].as_u64() {
            if record.revision_count as u64 != revisions {
                problems.push(format!(
                    "{where_}: {} revisions instead of {revisions}",
                    record.revision_count
                ));
            }
        }
        if let Some(added) = want["new_revisions"].as_u64() {
            let before = world.secrets.get(label).map(|(_, n)| *n).unwrap_or(0);
            let got = record.revision_count - before;
            if got as u64 != added {
                problems.push(format!("{where_}: {got} new revisions instead of {added}"));
            }
        }
        if let Some(consumer_label) = want["consumer_label"].as_str() {
            // The local unit finds the secret by the label it attached.
            let found = juju.find_by_label(&world.local_unit, consumer_label);
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
            SecretOwner::App(app) if *app == local_app
        ) || matches!(
            &record.owner,
            SecretOwner::Unit(unit) if *unit == world.local_unit
        );
        if owned_locally && !initial.contains(&&uri) && !listed.contains(&uri) {
            let keys: Vec<String> = record
                .latest
                .as_ref()
                .map(|c| c.iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            problems.push(format!(
                "unexpected secret created: label {:?}, keys {keys:?}",
                record.owner_label
            ));
        }
    }
}

pub fn compare_events(
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
pub fn compare_result(
    want: &Value,
    got: &Value,
    matcher: &mut Matcher,
    problems: &mut Vec<String>,
) {
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

/// An error as `config::error_to_json` describes it against the vector's `error`.
pub fn compare_error(want: &Value, error: &Value, problems: &mut Vec<String>) {
    let reason = error["reason"].as_str().unwrap_or_default();
    let actual = json!({
        "kind": error["error"],
        "relation_id": error.get("relation-id").cloned().unwrap_or(Value::Null),
        "bag": error.get("bag").cloned().unwrap_or(Value::Null),
        "key": error.get("key").cloned().unwrap_or(Value::Null),
    });
    for field in ["kind", "relation_id", "bag", "key"] {
        if let Some(w) = want.get(field) {
            if *w != actual[field] {
                problems.push(format!(
                    "error.{field}: expected {w}, got {} ({})",
                    actual[field], error["message"]
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

/// What a runner gives back for one vector: the step's outcome and the model after it.
pub struct Outcome {
    /// The events (or a call's result) or the error.
    pub step: StepResult,
    /// The model after the step.
    pub observed: Box<dyn Observed>,
    /// Where a secret value of the vector showed in what the step produced (the runner's
    /// secret scan; empty when it found none).
    pub leaks: Vec<String>,
}

/// Every way one vector's outcome differs from its expectation.
pub fn check(vector: &Value, run: impl FnOnce(&World) -> Result<Outcome, String>) -> Vec<String> {
    let world = match build(vector) {
        Ok(world) => world,
        Err(e) => return vec![e],
    };
    let Outcome {
        step: outcome,
        observed,
        leaks,
    } = match run(&world) {
        Ok(outcome) => outcome,
        Err(e) => return vec![e],
    };
    let observed = observed.as_ref();
    let mut problems = leaks;
    let mut matcher = Matcher {
        uris: world.matcher.uris.clone(),
        keys: world.matcher.keys.clone(),
        salts: BTreeMap::new(),
    };
    // Secrets the step created are named by their owner label in expectations.
    for uri in observed.secret_uris() {
        let Some(record) = observed.secret(&uri) else {
            continue;
        };
        if let Some(label) = record.owner_label.clone() {
            if let Some(key) = record
                .latest
                .as_ref()
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
        (Err(error), None) => problems.push(format!("unexpected error: {}", error["message"])),
        (Ok(events), None) => {
            let (rejections, events): (Vec<Value>, Vec<Value>) = events
                .iter()
                .cloned()
                .partition(|e| e.get("rejection").is_some());
            compare_rejections(vector, &rejections, &mut problems);
            let (results, events): (Vec<Value>, Vec<Value>) =
                events.into_iter().partition(|e| e.get("result").is_some());
            if let Some(want) = expect.get("result") {
                let got = results.first().map_or(Value::Null, |r| r["result"].clone());
                compare_result(want, &got, &mut matcher, &mut problems);
            }
            compare_events(vector, &events, &mut matcher, &mut problems);
            compare_secrets(vector, &world, observed, &mut matcher, &mut problems);
        }
    }
    // Bags after: as expected, or (after an error) as they were: a failed step writes nothing.
    compare_bags(vector, &world, observed, &mut matcher, &mut problems);
    problems
}
