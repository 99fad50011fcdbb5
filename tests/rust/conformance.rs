//! The conformance vectors (`tests/conformance/*.json`), run through the component over the
//! in-memory Juju.
//!
//! Each vector builds its unit's world in a fresh [`Juju`] (applications, the relation, the
//! databags written by their owners, the secrets added by their owners and granted), runs its
//! step in a fresh [`Session`] of one [`Runtime`] (the handler made there from the vector's
//! configuration), and compares the databags, the secrets, the events or the error with the
//! vector's expectation (the shared code of `support/conformance.rs`), and scans what the step
//! produced for the vector's secret values.
//!
//! Each vector is one trial (libtest-mimic, `harness = false`), named
//! `<file stem>::<vector name>`; the malformed-input corpus's (`tests/malformed`) are named
//! `malformed::<file stem>::<vector name>`. A failure names its vector, and a filter runs a
//! file's vectors: `cargo test --release -p data-interfaces-host --test conformance --
//! lifecycle::`. `tests/conformance/README.md` describes the format.

#[path = "support/conformance.rs"]
mod support;

use data_interfaces_host::error::{error_to_json, protocol_error_to_json};
use data_interfaces_host::memory::app_of;
use data_interfaces_host::wit::{
    Bag, FieldSpec, PeerConfig, Rejection, RelationData, RelationDataConfig, Response, Status,
};
use data_interfaces_host::{Backend, Error, LoadOptions, Runtime, Session};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::OnceLock;
use support::*;

/// A step's events (or a call's result), or the host's error.
type MemoryStep = Result<Vec<Value>, Error>;

/// A peer step: the repositories' calls, as the Python API makes them of the component.
fn run_peer_step(
    session: &mut Session,
    vector: &Value,
    world: &World,
) -> Result<MemoryStep, String> {
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
    let kind = str_of(step, "peer");
    // The layout the library's call uses: the model's, one plain field, or one secret field.
    let layout = match kind {
        "write_model" | "read_model" => model.clone(),
        "write_field" | "delete_field" | "get_field" => one(None),
        _ => one(step["group"].as_str()),
    };
    let handler = match session.peer(&layout) {
        Ok(handler) => handler,
        Err(error) => return Ok(Err(error)),
    };
    Ok(match kind {
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
                .peer_write(handler, relation, &scope, &values)
                .map(|()| Vec::new())
        }
        "read_model" => session.peer_read(handler, relation, &scope).map(|pairs| {
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
                handler,
                relation,
                &scope,
                &[(field(), json_text(&step["value"]))],
            )
            .map(|()| Vec::new()),
        "delete_field" => session
            .peer_delete(handler, relation, &scope, &[field()])
            .map(|()| Vec::new()),
        "get_field" => session.peer_read(handler, relation, &scope).map(|pairs| {
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
                handler,
                relation,
                &scope,
                &[(field(), json_text(&step["value"]))],
            )
            .map(|()| Vec::new()),
        "delete_secret_field" => session
            .peer_delete(handler, relation, &scope, &[field()])
            .map(|()| Vec::new()),
        "get_secret_field" => session.peer_read(handler, relation, &scope).map(|pairs| {
            let value = pairs
                .into_iter()
                .find(|(key, _)| *key == field())
                .and_then(|(_, text)| serde_json::from_str::<Value>(&text).ok())
                .map_or(Value::Null, |value| match value {
                    Value::String(raw) => serde_json::from_str(&raw).unwrap_or(Value::String(raw)),
                    other => other,
                });
            result(value)
        }),
        other => return Err(format!("runner: unknown peer step {other}")),
    })
}

/// A relation-repository step (`side: "relation"`): the library's `OpsRelationRepository`
/// calls, as the Python API makes them of the component's `relation-data` export.
fn run_relation_step(
    session: &mut Session,
    vector: &Value,
    world: &World,
) -> Result<MemoryStep, String> {
    let step = &vector["step"];
    let relation = world.relation;
    let scope = match str_of(step, "scope") {
        "local-app" => Bag::LocalApp,
        "local-unit" => Bag::LocalUnit,
        "remote-app" => Bag::RemoteApp,
        "remote-unit" => Bag::RemoteUnit(str_of(step, "unit").to_owned()),
        other => return Err(format!("runner: unknown relation scope {other:?}")),
    };
    let field = opt_str(step, "field").unwrap_or_default();
    let group = step["group"].as_str();
    let config = RelationDataConfig {
        endpoint: str_of(&vector["relation"], "endpoint").to_owned(),
        fields: group
            .map(|group| {
                vec![FieldSpec {
                    key: field.clone(),
                    secret_group: Some(group.to_owned()),
                }]
            })
            .unwrap_or_default(),
        short_uuid: opt_str(step, "short_uuid"),
        secret_uris: match (group, step["uri"].as_str()) {
            (Some(group), Some(uri)) => vec![(group.to_owned(), world.matcher.resolve(uri))],
            _ => Vec::new(),
        },
    };
    let names = |key: &str| -> Vec<String> {
        step[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let text = |value: &Value| value.as_str().filter(|v| !v.is_empty()).map(str::to_owned);
    let result = |value: Value| vec![json!({"result": value})];
    let raw = |data: &RelationData| -> BTreeMap<String, String> {
        data.bag
            .iter()
            .map(|v| (v.key.clone(), v.raw.clone()))
            .collect()
    };
    let written = |r: Result<(), Error>| r.map(|()| Vec::new());
    let handler = match session.relation_data(&config) {
        Ok(handler) => handler,
        Err(error) => return Ok(Err(error)),
    };
    Ok(match str_of(step, "relation") {
        "get_data" => session
            .relation_data_read(handler, relation, &scope)
            .map(|data| {
                let object: Map<String, Value> = data
                    .bag
                    .iter()
                    .map(|v| {
                        let value = serde_json::from_str(&v.json).unwrap_or(Value::Null);
                        (v.key.clone(), value)
                    })
                    .collect();
                result(Value::Object(object))
            }),
        "get_field" => session
            .relation_data_read(handler, relation, &scope)
            .map(|data| result(raw(&data).get(&field).map_or(Value::Null, |v| json!(v)))),
        "get_fields" => session
            .relation_data_read(handler, relation, &scope)
            .map(|data| {
                let bag = raw(&data);
                let object: Map<String, Value> = names("fields")
                    .into_iter()
                    .filter_map(|k| bag.get(&k).map(|v| (k.clone(), json!(v))))
                    .collect();
                result(Value::Object(object))
            }),
        "write_field" | "write_secret_field" => written(session.relation_data_write(
            handler,
            relation,
            &scope,
            &[(field.clone(), text(&step["value"]))],
        )),
        "write_fields" => {
            let values: Vec<(String, Option<String>)> = step["mapping"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            written(session.relation_data_write(handler, relation, &scope, &values))
        }
        "delete_field" | "delete_secret_field" => written(session.relation_data_delete(
            handler,
            relation,
            &scope,
            std::slice::from_ref(&field),
        )),
        "delete_fields" => {
            written(session.relation_data_delete(handler, relation, &scope, &names("fields")))
        }
        "get_secret_field" => session
            .relation_data_read(handler, relation, &scope)
            .map(|data| {
                let value = data
                    .secrets
                    .iter()
                    .find(|v| v.key == field)
                    .and_then(|v| serde_json::from_str(&v.json).ok())
                    .unwrap_or(Value::Null);
                result(value)
            }),
        other => return Err(format!("runner: unknown relation step {other}")),
    })
}

/// Run a vector's step in a fresh session over the local unit of the in-memory Juju.
fn run_step(
    runtime: &Runtime,
    vector: &Value,
    world: &World,
    shown: &mut Vec<String>,
) -> Result<MemoryStep, String> {
    let backend: Box<dyn Backend> = Box::new(world.juju.unit(&world.local_unit));
    let mut session: Session = runtime
        .session(backend)
        .map_err(|e| format!("runner: session: {e}"))?;
    let step = &vector["step"];
    if step.get("peer").is_some() {
        return run_peer_step(&mut session, vector, world);
    }
    if step.get("relation").is_some() {
        return run_relation_step(&mut session, vector, world);
    }
    let requirer = vector["side"].as_str() == Some("requirer");
    if step.get("hook").is_some() {
        let hook = hook(vector, world)?;
        return Ok(if requirer {
            session
                .requirer(&requirer_config(vector))
                .and_then(|handler| session.requirer_handle(handler, &hook))
                .map(|h| {
                    shown.extend(h.events.iter().map(|e| {
                        format!(
                            "{:?}",
                            data_interfaces_host::RequirerEvent::from_wit(e.clone())
                        )
                    }));
                    shown.extend(h.rejections.iter().map(|r| format!("{r:?}")));
                    with_rejections(requirer_events(&h.events), &h.rejections)
                })
        } else {
            session
                .provider(&provider_config(vector))
                .and_then(|handler| session.provider_handle(handler, &hook))
                .map(|h| {
                    shown.extend(h.events.iter().map(|e| {
                        format!(
                            "{:?}",
                            data_interfaces_host::ProviderEvent::from_wit(e.clone())
                        )
                    }));
                    shown.extend(h.rejections.iter().map(|r| format!("{r:?}")));
                    with_rejections(provider_events(&h.events), &h.rejections)
                })
        });
    }
    let relation = step["relation_id"]
        .as_i64()
        .map_or(world.relation, |id| id as i32);
    let call = str_of(step, "call");
    let statuses = |list: Vec<Status>| -> Vec<Value> { list.iter().map(status_json).collect() };
    let result = |value: Value| vec![json!({"result": value})];
    let on_requirer = match call {
        "is_resource_created" | "are_all_resources_created" => true,
        "get_statuses" => requirer,
        "set_response" | "set_responses" | "raise_status" | "resolve_status" | "clear_statuses"
        | "requests" | "responses" => false,
        other => return Err(format!("runner: unknown call {other}")),
    };
    if on_requirer {
        let handler = match session.requirer(&requirer_config(vector)) {
            Ok(handler) => handler,
            Err(error) => return Ok(Err(error)),
        };
        return Ok(match call {
            "get_statuses" => session
                .requirer_statuses(handler, relation)
                .map(|list| result(Value::Array(statuses(list)))),
            "is_resource_created" => session
                .requirer_is_resource_created(handler, relation, str_of(step, "request_id"))
                .map(|created| result(Value::Bool(created))),
            "are_all_resources_created" => session
                .requirer_are_all_resources_created(handler, relation)
                .map(|created| result(Value::Bool(created))),
            other => return Err(format!("runner: {other} is not a requirer call")),
        });
    }
    let handler = match session.provider(&provider_config(vector)) {
        Ok(handler) => handler,
        Err(error) => return Ok(Err(error)),
    };
    Ok(match call {
        "set_response" => session
            .provider_set_response(
                handler,
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
                .provider_set_responses(handler, relation, &responses)
                .map(|()| Vec::new())
        }
        "raise_status" => match &step["status"] {
            Value::Number(code) => session.provider_raise_status_code(
                handler,
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
                session.provider_raise_status(handler, relation, &status)
            }
        }
        .map(|()| Vec::new()),
        "resolve_status" => session
            .provider_resolve_status(handler, relation, step["code"].as_i64().unwrap_or(0) as i32)
            .map(|()| Vec::new()),
        "clear_statuses" => session
            .provider_clear_statuses(handler, relation)
            .map(|()| Vec::new()),
        "get_statuses" => session
            .provider_statuses(handler, relation)
            .map(|list| result(Value::Array(statuses(list)))),
        "requests" => session
            .provider_requests(handler, relation)
            .map(|list| result(list.iter().map(request_json).collect())),
        "responses" => session
            .provider_responses(handler, relation)
            .map(|list| result(list.iter().map(response_json).collect())),
        other => return Err(format!("runner: {other} is not a provider call")),
    })
}

/// The step's events followed by its rejections.
fn with_rejections(mut events: Vec<Value>, rejections: &[Rejection]) -> Vec<Value> {
    events.extend(rejections.iter().map(|r| {
        rejection_entry(
            json!(r.relation_id),
            json!(r.request_id),
            json!(r.alias),
            protocol_error_to_json(&r.error),
        )
    }));
    events
}

/// The component, loaded once for every trial (through the test cache).
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::load_with(&LoadOptions {
            cache_dir: Some(std::env::temp_dir().join("data-interfaces-test-cache")),
            ..LoadOptions::default()
        })
        .expect("the component loads")
    })
}

/// Every way a vector's outcome through the component differs from its expectation, secret
/// leaks included; what the secret scan looked at is added to `scanned`.
fn vector_problems(vector: &Value, scanned: &mut Scanned) -> Vec<String> {
    check(vector, |world| {
        let mut shown = Vec::new();
        let step = run_step(runtime(), vector, world, &mut shown)?;
        if let Err(error) = &step {
            shown.push(format!("{error} / {error:?}"));
        }
        let leaks = secret_leaks(vector, world, &shown, scanned);
        Ok(Outcome {
            step: step.map_err(|e| error_to_json(&e)),
            observed: Box::new(world.juju.clone()),
            leaks,
        })
    })
}

/// One trial per vector of a directory of `tests/`, named `<file stem>::<vector name>`
/// (`prefix` before it, if any): the vector conforms and leaks no secret value.
fn vector_trials(dir: &str, prefix: &str) -> Vec<Trial> {
    let vectors = load_vectors(dir);
    assert!(!vectors.is_empty(), "no vectors in tests/{dir}");
    vectors
        .into_iter()
        .map(|(name, vector)| {
            let (stem, vector_name) = name
                .split_once('/')
                .expect("a vector's name is <file stem>/<name>");
            Trial::test(format!("{prefix}{stem}::{vector_name}"), move || {
                let problems = vector_problems(&vector, &mut Scanned::default());
                if problems.is_empty() {
                    return Ok(());
                }
                Err(format!(
                    "{}\n    {}",
                    vector["description"].as_str().unwrap_or_default(),
                    problems.join("\n    ")
                )
                .into())
            })
        })
        .collect()
}

/// The secret scan of a directory's vectors looks at every kind of output (secret values, the
/// local bags, log lines, and errors, rejections and events): the vectors run, in order, until
/// the scan has seen each kind, so a scan that sees nothing fails.
fn the_secret_scan_sees_every_kind_of_output(dir: &str) -> Result<(), Failed> {
    let mut scanned = Scanned::default();
    for (_, vector) in load_vectors(dir) {
        // Whether the vector conforms is its own trial's business.
        vector_problems(&vector, &mut scanned);
        if scanned.saw_every_kind() {
            return Ok(());
        }
    }
    Err(format!("the secret scan of tests/{dir} saw too little: {scanned:?}").into())
}

/// Every trial: one per vector of the conformance corpus (`tests/conformance`, named
/// `<file stem>::<vector name>`) and of the malformed-input corpus (`tests/malformed`, named
/// `malformed::<file stem>::<vector name>`), and the secret scan's own checks.
fn trials() -> Vec<Trial> {
    let mut trials = vec![
        Trial::test(
            "the_secret_scan_reports_a_secret_value_in_a_log_line_and_an_event",
            || {
                the_secret_scan_reports_a_secret_value_in_a_log_line_and_an_event();
                Ok(())
            },
        ),
        Trial::test(
            "the_secret_scan_of_the_conformance_vectors_sees_every_kind_of_output",
            || the_secret_scan_sees_every_kind_of_output("conformance"),
        ),
        Trial::test(
            "the_secret_scan_of_the_malformed_inputs_sees_every_kind_of_output",
            || the_secret_scan_sees_every_kind_of_output("malformed"),
        ),
    ];
    trials.extend(vector_trials("conformance", ""));
    // The malformed-input corpus: hostile bags get typed errors or rejections, the well-formed
    // entries next to them are handled, nothing else is written.
    trials.extend(vector_trials("malformed", "malformed::"));
    let mut names = BTreeSet::new();
    for trial in &trials {
        assert!(
            names.insert(trial.name().to_owned()),
            "two trials are named {}: a vector's name must be unique in its file",
            trial.name()
        );
    }
    trials
}

fn main() -> ExitCode {
    let arguments = Arguments::from_args();
    libtest_mimic::run(&arguments, trials()).exit_code()
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
    if (step.get("peer").is_some() || step.get("relation").is_some()) && !step["group"].is_null() {
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

/// How much the secret scan saw, so that a scan that sees nothing fails.
#[derive(Debug, Default)]
struct Scanned {
    secrets: usize,
    bag_values: usize,
    log_lines: usize,
    /// Errors, rejections and events, by their `Display`/`Debug`.
    shown: usize,
}

impl Scanned {
    /// Whether the scan looked at each kind of output at least once.
    fn saw_every_kind(&self) -> bool {
        self.secrets > 0 && self.bag_values > 0 && self.log_lines > 0 && self.shown > 0
    }
}

/// Where a secret value of the vector shows in what the step produced, if anywhere: the local
/// unit's bags as the step left them (the remote bags are the vector's input), every log line,
/// and `shown` (the error's `Display` and `Debug`, the `Debug` of each typed event and
/// rejection).
fn secret_leaks(
    vector: &Value,
    world: &World,
    shown: &[String],
    scanned: &mut Scanned,
) -> Vec<String> {
    let secrets = secret_values(vector, world);
    scanned.secrets += secrets.len();
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
            scanned.bag_values += 1;
            seen.push((format!("{name} key {key}"), value));
        }
    }
    for line in world.juju.log() {
        scanned.log_lines += 1;
        seen.push((format!("log line of {}", line.unit), line.message));
    }
    for text in shown {
        scanned.shown += 1;
        seen.push(("error, rejection or event output".to_owned(), text.clone()));
    }
    let mut leaks = Vec::new();
    for (place, text) in seen {
        for secret in secrets.iter().filter(|s| text.contains(s.as_str())) {
            leaks.push(format!("secret value {secret:?} in the {place}"));
        }
    }
    leaks
}

/// The secret scan finds a vector's secret value in a log line and in an event's output.
fn the_secret_scan_reports_a_secret_value_in_a_log_line_and_an_event() {
    let vectors = load_vectors("conformance");
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
    assert!(secret_leaks(vector, &world, &[], &mut scanned).is_empty());

    world.juju.unit(&world.local_unit).log(
        data_interfaces_host::wit::LogLevel::Info,
        &format!("got {secret}"),
    );
    let shown = [format!("Event {{ password: {secret:?} }}")];
    let leaks = secret_leaks(vector, &world, &shown, &mut scanned);
    assert_eq!(leaks.len(), 2, "{leaks:?}");
    assert!(leaks[0].contains("log line"), "{leaks:?}");
    assert!(leaks[1].contains("event output"), "{leaks:?}");
}
