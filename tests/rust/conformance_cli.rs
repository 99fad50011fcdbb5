//! The conformance vectors (`tests/conformance/*.json`), run through the command-line host
//! over the hook-tool test double (`tests/hooktools/fake_juju.py`), as Juju would run it.
//!
//! For each vector the world is built as the in-memory runner builds it (the shared code of
//! `support/conformance.rs`), then written into the test double's state directory
//! (applications and leadership, relations and their bags, secrets with their revisions,
//! grants and consumers). The step runs as one fresh `data-interfaces` process with the hook's
//! `JUJU_*` environment and the double's tools on `PATH`: a hook through `hook`, a charm call
//! through its command (`set-response`, `raise-status`, `statuses`, `peer-write`, ...), errors
//! asked for as JSON (`--error-format json`). The events it prints, the error it reports and
//! the double's state afterwards are compared with the vector exactly as the in-memory runner
//! compares them.
//!
//! The hook-tool calls the step made (the double's `calls.jsonl`) are counted by tool and
//! compared exactly with the vector's entry in `tests/conformance/counts/hook_tool_calls.json`
//! (a vector without one fails), and no call the protocol needs once per hook may be made
//! twice (`support/hook_tool_calls.rs`). After a change that makes fewer (or more) calls on
//! purpose, record the counts again and review the file's diff:
//!
//! ```text
//! UPDATE_HOOK_TOOL_CALLS=1 cargo test --release -p data-interfaces-cli --test conformance_cli
//! ```
//!
//! Each vector is one trial (libtest-mimic), named `<directory>/<file>/<vector>`, with its own
//! test double: `cargo test --release -p data-interfaces-cli --test conformance_cli --
//! lifecycle/` runs one file's vectors, and a failure names its vector. The vectors that do not
//! apply to the command-line host are listed as ignored.

#[path = "support/hook_tool_calls.rs"]
mod hook_tool_calls;
#[path = "support/hooktools.rs"]
mod hooktools;
#[path = "support/conformance.rs"]
mod support;

use data_interfaces_cli::config::HandlerConfig;
use data_interfaces_cli::records::{
    request_from_json, response_from_json, response_to_json, status_from_json, status_to_json,
    FormError,
};
use data_interfaces_host::display::{provider_kind, requirer_kind};
use data_interfaces_host::memory::{app_of, SecretOwner};
use data_interfaces_host::wit::{
    self, FieldSpec, Hook, PeerConfig, ProviderEventKind, RequirerEventKind,
};
use hook_tool_calls::Expected;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use support::*;

const BINARY: &str = env!("CARGO_BIN_EXE_data-interfaces");

/// The test double's directories: its tools (`bin`), its state, the charm's directory.
struct Double {
    root: PathBuf,
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Double {
    fn new(instance: &str) -> Double {
        let root = hooktools::install(&format!("data-interfaces-conformance-cli-{instance}"));
        Double { root }
    }

    fn state_file(&self) -> PathBuf {
        self.root.join("state/state.json")
    }

    /// Write the world of a vector (built in the in-memory Juju) as the double's state.
    fn seed(&self, world: &World) {
        let juju = &world.juju;
        let local_app = app_of(&world.local_unit);
        let mut apps = Map::new();
        let mut units_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (app, leader, units) in juju.apps() {
            units_of.insert(app.clone(), units.clone());
            apps.insert(
                app.clone(),
                json!({"units": units, "leader": leader, "model_uuid": juju.model_of(&app)}),
            );
        }
        let mut relations = Map::new();
        let mut next_relation = 0;
        for (id, sides) in juju.relations() {
            next_relation = next_relation.max(id + 1);
            let mut endpoints = Map::new();
            let mut app_bags = Map::new();
            let mut unit_bags = Map::new();
            for (app, endpoint) in &sides {
                endpoints.insert(app.clone(), json!(endpoint));
                app_bags.insert(app.clone(), json!(juju.app_bag(id, app)));
                for unit in units_of.get(app).into_iter().flatten() {
                    let bag = juju.unit_bag(id, unit);
                    if !bag.is_empty() {
                        unit_bags.insert(unit.clone(), json!(bag));
                    }
                }
            }
            relations.insert(
                id.to_string(),
                json!({"endpoints": endpoints, "app_bags": app_bags, "unit_bags": unit_bags}),
            );
        }
        let mut secrets = Map::new();
        for uri in juju.secret_uris() {
            let Some(record) = juju.secret(&uri) else {
                continue;
            };
            let owner = match &record.owner {
                SecretOwner::App(app) => format!("application:{app}"),
                SecretOwner::Unit(unit) => format!("unit:{unit}"),
            };
            let revisions: Map<String, Value> = (1..=record.revision_count())
                .filter_map(|n| {
                    record.revision(n).map(|content| {
                        let content: BTreeMap<&String, &String> =
                            content.iter().map(|(k, v)| (k, v)).collect();
                        (n.to_string(), json!(content))
                    })
                })
                .collect();
            // The in-memory Juju tracks consumers by application; the double by unit.
            let mut consumers = Map::new();
            for (app, label, tracked) in record.consumers() {
                for unit in units_of.get(&app).into_iter().flatten() {
                    let mut consumer = Map::new();
                    consumer.insert("tracked".into(), json!(tracked.unwrap_or(1)));
                    if let Some(label) = &label {
                        consumer.insert("label".into(), json!(label));
                    }
                    consumers.insert(unit.clone(), Value::Object(consumer));
                }
            }
            secrets.insert(
                uri.clone(),
                json!({
                    "owner": owner,
                    "label": record.owner_label,
                    "latest": record.revision_count(),
                    "revisions": revisions,
                    "grants": record.grants(),
                    "consumers": consumers,
                }),
            );
        }
        let state = json!({
            "model_uuid": juju.model_of(local_app),
            "apps": apps,
            "relations": relations,
            "secrets": secrets,
            "next_relation": next_relation,
            "next_secret": 0,
        });
        std::fs::write(self.state_file(), state.to_string()).expect("state written");
        // Only the step's calls are counted.
        let _ = std::fs::remove_file(self.root.join("state/calls.jsonl"));
    }

    /// The calls the step made, as the double recorded them.
    fn calls(&self) -> Result<Vec<hook_tool_calls::Call>, String> {
        hooktools::calls(&self.root.join("state")).map_err(|e| format!("runner: {e}"))
    }

    /// The double's state after the step.
    fn observe(&self) -> Result<DoubleState, String> {
        let text = std::fs::read_to_string(self.state_file())
            .map_err(|e| format!("runner: the double's state: {e}"))?;
        let state = serde_json::from_str(&text)
            .map_err(|e| format!("runner: the double's state is not JSON: {e}"))?;
        Ok(DoubleState(state))
    }

    /// Run the binary as the local unit, with the hook's environment.
    fn run(
        &self,
        world: &World,
        args: &[String],
        hook_env: &[(String, String)],
        stdin: Option<&Value>,
    ) -> Result<std::process::Output, String> {
        let path = format!(
            "{}:{}",
            self.root.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(BINARY);
        command
            .env_clear()
            .env("PATH", path)
            .env("FAKE_JUJU_STATE", self.root.join("state"))
            .env(
                "DATA_INTERFACES_CACHE_DIR",
                std::env::temp_dir().join("data-interfaces-test-cache"),
            )
            .env("JUJU_UNIT_NAME", &world.local_unit)
            .env(
                "JUJU_MODEL_UUID",
                world.juju.model_of(app_of(&world.local_unit)),
            )
            .envs(hook_env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.root.join("charm"))
            .args(args)
            .arg("--error-format=json")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| format!("runner: the binary: {e}"))?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(input.to_string().as_bytes())
                .map_err(|e| format!("runner: stdin: {e}"))?;
        }
        child
            .wait_with_output()
            .map_err(|e| format!("runner: the binary: {e}"))
    }

    fn write_config(&self, config: &HandlerConfig) -> String {
        let path = self.root.join("charm/config.json");
        std::fs::write(&path, config.to_json().to_string()).expect("config written");
        path.display().to_string()
    }
}

/// The test double's state file, read as the model after a step.
struct DoubleState(Value);

impl DoubleState {
    fn bag(&self, relation: i32, kind: &str, name: &str) -> BTreeMap<String, String> {
        self.0["relations"][relation.to_string()][kind][name]
            .as_object()
            .map(|bag| {
                bag.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn owner_app(secret: &Value) -> String {
        let owner = secret["owner"].as_str().unwrap_or_default();
        let who = owner.split_once(':').map_or(owner, |(_, who)| who);
        app_of(who).to_owned()
    }

    /// Whether a unit owns the secret (itself, or its application).
    fn owns(secret: &Value, unit: &str) -> bool {
        match secret["owner"].as_str().and_then(|o| o.split_once(':')) {
            Some(("unit", who)) => who == unit,
            Some((_, app)) => app == app_of(unit),
            None => false,
        }
    }
}

impl Observed for DoubleState {
    fn app_bag(&self, relation: i32, app: &str) -> BTreeMap<String, String> {
        self.bag(relation, "app_bags", app)
    }

    fn unit_bag(&self, relation: i32, unit: &str) -> BTreeMap<String, String> {
        self.bag(relation, "unit_bags", unit)
    }

    fn secret_uris(&self) -> Vec<String> {
        self.0["secrets"]
            .as_object()
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn secret(&self, uri: &str) -> Option<SecretView> {
        let secret = self.0["secrets"].get(uri)?;
        let owner = match secret["owner"].as_str()?.split_once(':')? {
            ("unit", unit) => SecretOwner::Unit(unit.to_owned()),
            (_, app) => SecretOwner::App(app.to_owned()),
        };
        let revisions = secret["revisions"].as_object()?;
        let latest = revisions
            .iter()
            .filter_map(|(n, content)| Some((n.parse::<u64>().ok()?, content)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, content)| {
                content
                    .as_object()
                    .map(|c| {
                        c.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default()
            });
        Some(SecretView {
            owner,
            owner_label: secret["label"].as_str().map(str::to_owned),
            latest,
            revision_count: secret["latest"].as_u64().unwrap_or(0) as usize,
        })
    }

    fn readable_by(&self, uri: &str, unit: &str) -> bool {
        let Some(secret) = self.0["secrets"].get(uri) else {
            return false;
        };
        if Self::owns(secret, unit) {
            return true;
        }
        let owner_app = Self::owner_app(secret);
        let app = app_of(unit);
        secret["grants"].as_array().into_iter().flatten().any(|id| {
            let endpoints = &self.0["relations"][id.to_string()]["endpoints"];
            app != owner_app
                && endpoints.get(app).is_some()
                && endpoints.get(owner_app.as_str()).is_some()
        })
    }

    fn find_by_label(&self, unit: &str, label: &str) -> Option<String> {
        self.0["secrets"].as_object()?.iter().find_map(|(uri, s)| {
            let owned = Self::owns(s, unit) && s["label"].as_str() == Some(label);
            let consumed = s["consumers"][unit]["label"].as_str() == Some(label);
            (owned || consumed).then(|| uri.clone())
        })
    }
}

// --- steps as command lines -----------------------------------------------------------------

/// The `JUJU_*` variables of a hook.
fn hook_env(hook: &Hook, endpoint: &str) -> Vec<(String, String)> {
    let mut env = Vec::new();
    let mut put = |k: &str, v: String| env.push((k.to_owned(), v));
    let (name, relation, secret) = match hook {
        Hook::RelationCreated(e) => (format!("{endpoint}-relation-created"), Some(e), None),
        Hook::RelationChanged(e) => (format!("{endpoint}-relation-changed"), Some(e), None),
        Hook::RelationBroken(e) => (format!("{endpoint}-relation-broken"), Some(e), None),
        Hook::SecretChanged(e) => ("secret-changed".to_owned(), None, Some(e)),
        Hook::SecretRemove(e) => ("secret-remove".to_owned(), None, Some(e)),
    };
    put("JUJU_DISPATCH_PATH", format!("hooks/{name}"));
    put("JUJU_HOOK_NAME", name);
    if let Some(e) = relation {
        put("JUJU_RELATION", endpoint.to_owned());
        put("JUJU_RELATION_ID", format!("{endpoint}:{}", e.relation_id));
        if let Some(app) = &e.app {
            put("JUJU_REMOTE_APP", app.clone());
        }
        if let Some(unit) = &e.unit {
            put("JUJU_REMOTE_UNIT", unit.clone());
        }
    }
    if let Some(e) = secret {
        put("JUJU_SECRET_ID", e.id.clone());
        if let Some(label) = &e.label {
            put("JUJU_SECRET_LABEL", label.clone());
        }
        if let Some(revision) = e.revision {
            put("JUJU_SECRET_REVISION", revision.to_string());
        }
    }
    env
}

/// Every line the binary printed, as JSON.
fn lines(stdout: &[u8]) -> Result<Vec<Value>, String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).map_err(|e| format!("runner: stdout line {line:?}: {e}"))
        })
        .collect()
}

const REQUIRER_KINDS: [RequirerEventKind; 8] = [
    RequirerEventKind::ResourceCreated,
    RequirerEventKind::ResourceEntityCreated,
    RequirerEventKind::EndpointsChanged,
    RequirerEventKind::ReadOnlyEndpointsChanged,
    RequirerEventKind::AuthenticationUpdated,
    RequirerEventKind::PrefixResourcesChanged,
    RequirerEventKind::StatusRaised,
    RequirerEventKind::StatusResolved,
];
const PROVIDER_KINDS: [ProviderEventKind; 5] = [
    ProviderEventKind::ResourceRequested,
    ProviderEventKind::ResourceEntityRequested,
    ProviderEventKind::ResourceEntityPermissionsChanged,
    ProviderEventKind::MtlsCertUpdated,
    ProviderEventKind::BulkResourcesRequested,
];

fn opt(line: &Value, key: &str) -> Option<String> {
    line[key].as_str().map(str::to_owned)
}

/// A printed requirer event, back as the contract's record.
fn requirer_event(line: &Value) -> Result<wit::RequirerEvent, String> {
    let name = line["event"].as_str().unwrap_or_default();
    let kind = REQUIRER_KINDS
        .into_iter()
        .find(|k| requirer_kind(*k) == name)
        .ok_or_else(|| format!("runner: unknown requirer event {name:?}"))?;
    let bad = |e: FormError| format!("runner: {name}: {e}");
    Ok(wit::RequirerEvent {
        kind,
        relation_id: line["relation-id"].as_i64().unwrap_or(-1) as i32,
        app: opt(line, "app"),
        unit: opt(line, "unit"),
        alias: opt(line, "alias"),
        response: match line.get("response") {
            Some(r) => Some(response_from_json(r).map_err(bad)?),
            None => None,
        },
        status: match line.get("status") {
            Some(s) => Some(status_from_json(s).map_err(bad)?),
            None => None,
        },
        // The vectors do not compare them; read them if the line prints them.
        active_statuses: line["active-statuses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| status_from_json(s).map_err(bad))
            .collect::<Result<_, _>>()?,
    })
}

/// A printed provider event, back as the contract's record.
fn provider_event(line: &Value) -> Result<wit::ProviderEvent, String> {
    let name = line["event"].as_str().unwrap_or_default();
    let kind = PROVIDER_KINDS
        .into_iter()
        .find(|k| provider_kind(*k) == name)
        .ok_or_else(|| format!("runner: unknown provider event {name:?}"))?;
    let requests = line["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| request_from_json(r).map_err(|e| format!("runner: {name}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(wit::ProviderEvent {
        kind,
        relation_id: line["relation-id"].as_i64().unwrap_or(-1) as i32,
        app: opt(line, "app"),
        unit: opt(line, "unit"),
        requests,
        old_mtls_cert: opt(line, "old-mtls-cert"),
    })
}

/// How a peer read's printed object becomes the step's result.
type PeerResult = Box<dyn Fn(&Map<String, Value>) -> Value>;

/// A step's command line: its configuration, its arguments, its stdin, how to read its output.
type StepCommand = (HandlerConfig, Vec<String>, Option<Value>, Reading);

/// What one command line of the step is, and how its output reads back.
enum Reading {
    /// Nothing printed on success.
    Nothing,
    RequirerEvents,
    ProviderEvents,
    /// One JSON line, the result.
    One,
    /// JSON lines, a list: requests, responses or statuses.
    Requests,
    Responses,
    Statuses,
    /// A peer read, turned into the step's result by this function.
    Peer(PeerResult),
}

fn result(value: Value) -> Vec<Value> {
    vec![json!({"result": value})]
}

/// The printed `*_rejected` lines, as step entries, and the other lines.
fn split_rejections(printed: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
    let (rejected, events): (Vec<Value>, Vec<Value>) = printed.into_iter().partition(|line| {
        line["event"]
            .as_str()
            .is_some_and(|name| name.ends_with("_rejected"))
    });
    let entries = rejected
        .into_iter()
        .map(|line| {
            rejection_entry(
                line["relation-id"].clone(),
                line.get("request-id").cloned().unwrap_or(Value::Null),
                line.get("alias").cloned().unwrap_or(Value::Null),
                line["error"].clone(),
            )
        })
        .collect();
    (entries, events)
}

fn read_back(reading: &Reading, printed: Vec<Value>) -> Result<Vec<Value>, String> {
    Ok(match reading {
        Reading::Nothing => {
            if !printed.is_empty() {
                return Err(format!("runner: unexpected output {printed:?}"));
            }
            Vec::new()
        }
        Reading::RequirerEvents => {
            let (rejections, printed) = split_rejections(printed);
            let events = printed
                .iter()
                .map(requirer_event)
                .collect::<Result<Vec<_>, _>>()?;
            [requirer_events(&events), rejections].concat()
        }
        Reading::ProviderEvents => {
            let (rejections, printed) = split_rejections(printed);
            let events = printed
                .iter()
                .map(provider_event)
                .collect::<Result<Vec<_>, _>>()?;
            [provider_events(&events), rejections].concat()
        }
        Reading::One => result(printed.into_iter().next().unwrap_or(Value::Null)),
        Reading::Requests => result(
            printed
                .iter()
                .map(|r| request_from_json(r).map(|r| request_json(&r)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("runner: a request: {e}"))?
                .into(),
        ),
        Reading::Responses => result(
            printed
                .iter()
                .map(|r| response_from_json(r).map(|r| response_json(&r)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("runner: a response: {e}"))?
                .into(),
        ),
        Reading::Statuses => result(
            printed
                .iter()
                .map(|s| status_from_json(s).map(|s| status_json(&s)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("runner: a status: {e}"))?
                .into(),
        ),
        Reading::Peer(to_result) => {
            let object = printed
                .first()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            result(to_result(&object))
        }
    })
}

/// The command line of a peer step: its config, arguments, stdin and reading.
fn peer_command(vector: &Value, world: &World) -> Result<StepCommand, String> {
    let step = &vector["step"];
    let model = peer_config(vector);
    let relation = world.relation.to_string();
    let mut args = vec!["--relation-id".to_owned(), relation];
    match step["scope"].as_str() {
        Some("other-unit") => args.extend([
            "--scope".to_owned(),
            "other-unit".to_owned(),
            "--unit".to_owned(),
            str_of(step, "unit").to_owned(),
        ]),
        Some(scope) => args.extend(["--scope".to_owned(), scope.to_owned()]),
        None => return Err("runner: a peer step without a scope".into()),
    }
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
    let field = || str_of(step, "field").to_owned();
    let write = |config: PeerConfig, values: Value, mut args: Vec<String>| {
        args.splice(0..0, ["peer-write".to_owned()]);
        args.extend(["--values".to_owned(), "-".to_owned()]);
        (
            HandlerConfig::Peer(config),
            args,
            Some(values),
            Reading::Nothing,
        )
    };
    let delete = |config: PeerConfig, mut args: Vec<String>| {
        args.splice(0..0, ["peer-delete".to_owned()]);
        args.extend(["--key".to_owned(), field()]);
        (HandlerConfig::Peer(config), args, None, Reading::Nothing)
    };
    let read = |config: PeerConfig, mut args: Vec<String>, reading: Reading| {
        args.splice(0..0, ["peer-read".to_owned()]);
        (HandlerConfig::Peer(config), args, None, reading)
    };
    Ok(match str_of(step, "peer") {
        "write_model" => {
            let given = step["model"].as_object().cloned().unwrap_or_default();
            let mut values = Map::new();
            for f in &model.fields {
                let name = f.key.replace('-', "_");
                values.insert(
                    f.key.clone(),
                    given.get(&name).cloned().unwrap_or(Value::Null),
                );
            }
            for (name, value) in &given {
                if !model
                    .fields
                    .iter()
                    .any(|f| f.key.replace('-', "_") == *name)
                {
                    values.insert(name.clone(), value.clone());
                }
            }
            write(model.clone(), Value::Object(values), args)
        }
        "read_model" => {
            let keys: Vec<String> = model.fields.iter().map(|f| f.key.clone()).collect();
            read(
                model.clone(),
                args,
                Reading::Peer(Box::new(move |object| {
                    let out: Map<String, Value> = keys
                        .iter()
                        .map(|key| {
                            let value = object.get(key).cloned().unwrap_or(Value::Null);
                            (key.replace('-', "_"), value)
                        })
                        .collect();
                    Value::Object(out)
                })),
            )
        }
        "write_field" => write(one(None), json!({ field(): step["value"] }), args),
        "write_secret_field" => write(
            one(step["group"].as_str()),
            json!({ field(): step["value"] }),
            args,
        ),
        "delete_field" => delete(one(None), args),
        "delete_secret_field" => delete(one(step["group"].as_str()), args),
        "get_field" => {
            let key = field();
            read(
                one(None),
                args,
                Reading::Peer(Box::new(move |object| match object.get(&key) {
                    None => Value::Null,
                    Some(Value::String(raw)) => Value::String(raw.clone()),
                    Some(other) => Value::String(other.to_string()),
                })),
            )
        }
        "get_secret_field" => {
            let key = field();
            read(
                one(step["group"].as_str()),
                args,
                Reading::Peer(Box::new(move |object| match object.get(&key) {
                    None => Value::Null,
                    Some(Value::String(raw)) => {
                        serde_json::from_str(raw).unwrap_or(Value::String(raw.clone()))
                    }
                    Some(other) => other.clone(),
                })),
            )
        }
        other => return Err(format!("runner: unknown peer step {other}")),
    })
}

/// The command line of a step: its config, arguments, stdin and reading.
fn command(vector: &Value, world: &World) -> Result<StepCommand, String> {
    let step = &vector["step"];
    if step.get("peer").is_some() {
        return peer_command(vector, world);
    }
    let requirer = vector["side"].as_str() == Some("requirer");
    let config = if requirer {
        HandlerConfig::Requirer(requirer_config(vector))
    } else {
        HandlerConfig::Provider(provider_config(vector))
    };
    if step.get("hook").is_some() {
        let reading = if requirer {
            Reading::RequirerEvents
        } else {
            Reading::ProviderEvents
        };
        return Ok((config, vec!["hook".to_owned()], None, reading));
    }
    let relation = step["relation_id"]
        .as_i64()
        .map_or(world.relation, |id| id as i32)
        .to_string();
    let call = |name: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            name.to_owned(),
            "--relation-id".to_owned(),
            relation.clone(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    let response_of = |fields: &Value| response_to_json(&response(fields, &world.matcher));
    Ok(match str_of(step, "call") {
        "set_response" => (
            config,
            call("set-response", &["--response", "-"]),
            Some(response_of(&step["response"])),
            Reading::Nothing,
        ),
        "set_responses" => {
            let list: Vec<Value> = step["responses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(response_of)
                .collect();
            (
                config,
                call("set-response", &["--response", "-"]),
                Some(Value::Array(list)),
                Reading::Nothing,
            )
        }
        "raise_status" => match &step["status"] {
            Value::Number(code) => (
                config,
                call("raise-status", &["--code", &code.to_string()]),
                None,
                Reading::Nothing,
            ),
            other => {
                let fields = other.get("model").unwrap_or(other);
                let status = wit::Status {
                    code: fields["code"].as_i64().unwrap_or(0) as i32,
                    message: fields["message"].as_str().unwrap_or_default().to_owned(),
                    resolution: fields["resolution"].as_str().unwrap_or_default().to_owned(),
                };
                (
                    config,
                    call("raise-status", &["--status", "-"]),
                    Some(status_to_json(&status)),
                    Reading::Nothing,
                )
            }
        },
        "resolve_status" => (
            config,
            call(
                "resolve-status",
                &["--code", &step["code"].as_i64().unwrap_or(0).to_string()],
            ),
            None,
            Reading::Nothing,
        ),
        "clear_statuses" => (config, call("clear-statuses", &[]), None, Reading::Nothing),
        "get_statuses" => (config, call("statuses", &[]), None, Reading::Statuses),
        "requests" => (config, call("requests", &[]), None, Reading::Requests),
        "responses" => (config, call("responses", &[]), None, Reading::Responses),
        "is_resource_created" => (
            config,
            call(
                "is-resource-created",
                &["--request-id", str_of(step, "request_id")],
            ),
            None,
            Reading::One,
        ),
        "are_all_resources_created" => (
            config,
            call("are-all-resources-created", &[]),
            None,
            Reading::One,
        ),
        other => return Err(format!("runner: unknown call {other}")),
    })
}

fn run_step(double: &Double, vector: &Value, world: &World) -> Result<Outcome, String> {
    double.seed(world);
    let (config, mut args, stdin, reading) = command(vector, world)?;
    let config_path = double.write_config(&config);
    args.splice(1..1, ["--config".to_owned(), config_path]);
    let env = if vector["step"].get("hook").is_some() {
        hook_env(&hook(vector, world)?, config.endpoint())
    } else {
        Vec::new()
    };
    let output = double.run(world, &args, &env, stdin.as_ref())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let step = match output.status.code() {
        Some(0) => Ok(read_back(&reading, lines(&output.stdout)?)?),
        Some(1) => Err(serde_json::from_str::<Value>(stderr.trim())
            .map_err(|_| format!("runner: exit 1 without a JSON error: {stderr}"))?),
        other => return Err(format!("runner: {args:?} exited with {other:?}: {stderr}")),
    };
    Ok(Outcome {
        step,
        observed: Box::new(double.observe()?),
        // The secret scan is the memory runner's (the component's output is the same).
        leaks: Vec::new(),
    })
}

/// Every vector applies to the command-line host but the relation repository's
/// (`side: "relation"`, the Python library's `OpsRelationRepository`, which has no command):
/// every hook and every charm call of the other vectors has a command. The malformed-input
/// corpus applies whole: its rejections are printed as `*_rejected` lines, its failures as
/// JSON errors.
///
/// Each trial also counts the hook-tool calls of its step (`support/hook_tool_calls.rs`):
/// exactly as `tests/conformance/counts/hook_tool_calls.json` expects, and never a call the
/// protocol needs once made twice. `UPDATE_HOOK_TOOL_CALLS=1` writes that file from the run.
fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let expected = match Expected::load() {
        Ok(expected) => Arc::new(expected),
        Err(error) => {
            eprintln!("conformance_cli: the expected hook-tool calls: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut keys = BTreeSet::new();
    let mut all = trials("conformance", not_applicable, &expected, &mut keys);
    all.extend(trials("malformed", |_, _| None, &expected, &mut keys));
    let conclusion = libtest_mimic::run(&arguments, all);
    if expected.updating() {
        match expected.write(&keys) {
            Ok(path) => println!("hook-tool calls written to {}", path.display()),
            Err(error) => {
                eprintln!("conformance_cli: writing the hook-tool calls: {error}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    conclusion.exit_code()
}

/// Why a vector does not apply to the command-line host, if it does not.
fn not_applicable(_: &str, vector: &Value) -> Option<String> {
    (vector["side"].as_str() == Some("relation")).then(|| {
        "the relation repository is a Python API (OpsRelationRepository): no command".to_owned()
    })
}

/// One trial per vector of a directory of `tests/`, named `<directory>/<file>/<vector>`; a
/// vector that does not apply is an ignored trial (run with `--include-ignored`, it says why).
/// The names of the trials that run go into `keys` (the entries of the expected counts).
fn trials(
    dir: &'static str,
    applies: fn(&str, &Value) -> Option<String>,
    expected: &Arc<Expected>,
    keys: &mut BTreeSet<String>,
) -> Vec<Trial> {
    let vectors = load_vectors(dir);
    assert!(!vectors.is_empty(), "no vectors in tests/{dir}");
    vectors
        .into_iter()
        .enumerate()
        .map(|(index, (name, vector))| {
            let trial = format!("{dir}/{name}");
            match applies(&name, &vector) {
                Some(reason) => Trial::test(trial, move || {
                    println!("not applicable to the command-line host: {reason}");
                    Ok(())
                })
                .with_ignored_flag(true),
                None => {
                    keys.insert(trial.clone());
                    let expected = expected.clone();
                    let key = trial.clone();
                    Trial::test(trial, move || {
                        run_vector(&format!("{dir}-{index}"), &key, &vector, &expected)
                    })
                }
            }
        })
        .collect()
}

/// Run one vector's step through the binary, over a test double of its own (a step costs a
/// process and a few hook-tool processes), and compare the outcome with the vector and its
/// hook-tool calls with their expected counts (`key` is the trial's name).
fn run_vector(
    instance: &str,
    key: &str,
    vector: &Value,
    expected: &Expected,
) -> Result<(), Failed> {
    let double = Double::new(instance);
    let mut problems = check(vector, |world| run_step(&double, vector, world));
    let calls = double.calls().unwrap_or_else(|error| {
        problems.push(error);
        Vec::new()
    });
    problems.extend(hook_tool_calls::repeated(&calls));
    problems.extend(expected.check(key, &hook_tool_calls::count(&calls)));
    if problems.is_empty() {
        return Ok(());
    }
    // The step's calls, to see which were made (they never carry a secret value).
    let calls: Vec<String> = calls.iter().map(|call| call.join(" ")).collect();
    Err(format!(
        "{}\n    {}\n  the step's hook-tool calls:\n    {}",
        vector["description"].as_str().unwrap_or_default(),
        problems.join("\n    "),
        calls.join("\n    ")
    )
    .into())
}
