//! The command-line host over the hook tools, end to end: the `data-interfaces` binary runs
//! as Juju would run it (one process per hook, the `JUJU_*` context in its environment, the
//! hook tools on `PATH`), against the test double of the hook tools in `tests/hooktools/`.

#[path = "support/hooktools.rs"]
mod hooktools;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_data-interfaces");
const PASSWORD: &str = "pw-Never-On-A-Command-Line-42";

/// A model in the test double: `client` requires `database` from `postgresql`.
struct Model {
    root: PathBuf,
    relation: i64,
}

impl Drop for Model {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    lines: Vec<Value>,
    stderr: String,
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|line| serde_json::from_str(line).expect("every stdout line is JSON"))
        .collect()
}

impl Model {
    fn new(name: &str, postgresql_units: usize) -> Model {
        let root = hooktools::install(&format!("data-interfaces-cli-{name}"));
        std::fs::write(
            root.join("charm/requirer.json"),
            r#"{"role": "requirer", "endpoint": "database",
                "requests": [{"resource": "clientdb"}]}"#,
        )
        .expect("config written");
        std::fs::write(
            root.join("charm/provider.json"),
            r#"{"role": "provider", "endpoint": "database"}"#,
        )
        .expect("config written");
        let mut model = Model { root, relation: 0 };
        model.admin(&["init", "8e0b5a5c-0000-4000-8000-00000000cafe"]);
        model.admin(&["deploy", "client", "1"]);
        model.admin(&["deploy", "postgresql", &postgresql_units.to_string()]);
        let out = model.admin(&["relate", "client", "database", "postgresql", "database"]);
        model.relation = out.trim().parse().expect("a relation id");
        model
    }

    fn command(&self, unit: Option<&str>) -> Command {
        self.command_for(BINARY, unit)
    }

    /// A program run with a hook's environment (nothing inherited but `PATH`).
    fn command_for(&self, program: impl AsRef<std::ffi::OsStr>, unit: Option<&str>) -> Command {
        let path = format!(
            "{}:{}",
            self.root.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", path)
            .env("FAKE_JUJU_STATE", self.root.join("state"))
            .env(
                "DATA_INTERFACES_CACHE_DIR",
                std::env::temp_dir().join("data-interfaces-test-cache"),
            )
            .env("JUJU_MODEL_UUID", "8e0b5a5c-0000-4000-8000-00000000cafe")
            .current_dir(self.root.join("charm"))
            .stdin(Stdio::null());
        if let Some(unit) = unit {
            command.env("JUJU_UNIT_NAME", unit);
        }
        command
    }

    fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(self.root.join("bin/fake-juju"))
            .args(args)
            .env("FAKE_JUJU_STATE", self.root.join("state"))
            .output()
            .expect("the test double runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn finish(output: Output) -> Run {
        Run {
            code: output.status.code(),
            lines: lines(&output.stdout),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Run `data-interfaces hook` on a unit for a relation hook, as Juju would.
    fn hook(&self, unit: &str, role: &str, kind: &str, remote_unit: &str) -> Run {
        let remote_app = remote_unit.split('/').next().unwrap_or(remote_unit);
        let output = self
            .command(Some(unit))
            .args(["hook", "--config", &format!("{role}.json")])
            .env(
                "JUJU_DISPATCH_PATH",
                format!("hooks/database-relation-{kind}"),
            )
            .env("JUJU_HOOK_NAME", format!("database-relation-{kind}"))
            .env("JUJU_RELATION", "database")
            .env("JUJU_RELATION_ID", format!("database:{}", self.relation))
            .env("JUJU_REMOTE_APP", remote_app)
            .env("JUJU_REMOTE_UNIT", remote_unit)
            .output()
            .expect("the binary runs");
        Self::finish(output)
    }

    /// Run `data-interfaces set-response` on a provider unit, the response on stdin.
    fn set_response(&self, unit: &str, response: &Value) -> Run {
        let mut child = self
            .command(Some(unit))
            .args([
                "set-response",
                "--config",
                "provider.json",
                "--response",
                "-",
            ])
            .arg(format!("--relation-id={}", self.relation))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("a stdin pipe");
            stdin
                .write_all(response.to_string().as_bytes())
                .expect("response written");
        }
        Self::finish(child.wait_with_output().expect("the binary ends"))
    }

    fn run(&self, unit: Option<&str>, args: &[&str]) -> Run {
        Self::finish(self.command(unit).args(args).output().expect("runs"))
    }

    fn state(&self) -> Value {
        let text = std::fs::read_to_string(self.root.join("state/state.json")).expect("state");
        serde_json::from_str(&text).expect("state is JSON")
    }

    /// Every call the double recorded, as JSON text (`[unit, tool, args...]` lists).
    fn calls(&self) -> String {
        let calls = hooktools::calls(&self.root.join("state")).expect("the calls are readable");
        assert!(!calls.is_empty(), "the double recorded no call");
        Value::from(calls).to_string()
    }

    fn app_bag(&self, app: &str) -> Value {
        self.state()["relations"][self.relation.to_string()]["app_bags"][app].clone()
    }

    /// Requirer created, provider changed: the request the provider was told of.
    fn request(&self) -> Value {
        let created = self.hook("client/0", "requirer", "created", "postgresql");
        assert_eq!(created.code, Some(0), "{}", created.stderr);
        let changed = self.hook("postgresql/0", "provider", "changed", "client/0");
        assert_eq!(changed.code, Some(0), "{}", changed.stderr);
        assert_eq!(changed.lines.len(), 1, "{:?}", changed.lines);
        changed.lines[0]["requests"][0].clone()
    }
}

fn response_to(request: &Value) -> Value {
    serde_json::json!({
        "resource": request["resource"],
        "request-id": request["request-id"],
        "salt": request["salt"],
        "username": "relation_0_user",
        "password": PASSWORD,
        "endpoints": "10.1.2.3:5432",
        "version": "16.4",
    })
}

#[test]
fn the_whole_handshake_runs_through_the_binary_one_process_per_hook() {
    let model = Model::new("handshake", 1);

    let created = model.hook("client/0", "requirer", "created", "postgresql");
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    assert!(created.lines.is_empty(), "{:?}", created.lines);
    let client = model.app_bag("client");
    assert_eq!(client["version"], "v1");
    assert!(client["requests"]
        .as_str()
        .is_some_and(|r| r.contains("\"resource\": \"clientdb\"")));

    let changed = model.hook("postgresql/0", "provider", "changed", "client/0");
    assert_eq!(changed.code, Some(0), "{}", changed.stderr);
    assert_eq!(changed.lines.len(), 1);
    let event = &changed.lines[0];
    assert_eq!(event["event"], "resource_requested");
    assert_eq!(event["relation-id"], model.relation);
    assert_eq!(event["app"], "client");
    let request = &event["requests"][0];
    assert_eq!(request["resource"], "clientdb");
    assert!(request["request-id"]
        .as_str()
        .is_some_and(|id| id.len() == 16));

    let set = model.set_response("postgresql/0", &response_to(request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let provider = model.app_bag("postgresql");
    let responses = provider["requests"].as_str().expect("responses written");
    assert!(responses.contains("\"secret-user\": \"secret:"));
    assert!(!responses.contains(PASSWORD));

    let done = model.hook("client/0", "requirer", "changed", "postgresql/0");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    let created: Vec<&Value> = done
        .lines
        .iter()
        .filter(|e| e["event"] == "resource_created")
        .collect();
    assert_eq!(created.len(), 1, "{:?}", done.lines);
    let response = &created[0]["response"];
    assert_eq!(response["request-id"], request["request-id"]);
    assert_eq!(response["username"], "relation_0_user");
    assert_eq!(response["password"], PASSWORD);
    assert_eq!(response["endpoints"], "10.1.2.3:5432");
}

#[test]
fn secret_values_never_reach_a_databag_or_a_command_line() {
    let model = Model::new("no-leak", 1);
    let request = model.request();
    // Before the answer, the requirer logs that it waits: the log has lines to search.
    let waiting = model.hook("client/0", "requirer", "changed", "postgresql/0");
    assert_eq!(waiting.code, Some(0), "{}", waiting.stderr);
    let set = model.set_response("postgresql/0", &response_to(&request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let done = model.hook("client/0", "requirer", "changed", "postgresql/0");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    let state = model.state();
    assert!(!state["relations"].to_string().contains(PASSWORD));
    assert!(!model.calls().contains(PASSWORD));
    let log = std::fs::read_to_string(model.root.join("state/log.jsonl")).expect("log lines");
    assert!(!log.is_empty(), "the component logged nothing to search");
    assert!(!log.contains(PASSWORD));
    // The calls are a log of their own, not part of the state every call reads.
    assert!(state.get("calls").is_none());
    // The secret holds it, owned by the provider and granted on the relation.
    let secrets = state["secrets"].as_object().expect("secrets");
    assert_eq!(secrets.len(), 1);
    let secret = secrets.values().next().expect("one secret");
    assert_eq!(secret["owner"], "application:postgresql");
    assert_eq!(secret["grants"], serde_json::json!([model.relation]));
    assert_eq!(secret["revisions"]["1"]["password"], PASSWORD);
}

#[test]
fn a_non_leader_set_response_exits_1_with_a_typed_error_and_writes_nothing() {
    let model = Model::new("non-leader", 2);
    let request = model.request();
    let set = model.set_response("postgresql/1", &response_to(&request));
    assert_eq!(set.code, Some(1));
    assert!(set.stderr.contains("leader"), "{}", set.stderr);
    assert!(!set.stderr.contains(PASSWORD));
    assert!(model.app_bag("postgresql").get("requests").is_none());
    assert!(model.state()["secrets"]
        .as_object()
        .is_some_and(|s| s.is_empty()));
}

#[test]
fn requests_and_responses_print_json_lines() {
    let model = Model::new("queries", 1);
    let request = model.request();
    let relation = model.relation.to_string();
    let requests = model.run(
        Some("postgresql/0"),
        &[
            "requests",
            "--config",
            "provider.json",
            "--relation-id",
            &relation,
        ],
    );
    assert_eq!(requests.code, Some(0), "{}", requests.stderr);
    assert_eq!(requests.lines, vec![request.clone()]);
    let set = model.set_response("postgresql/0", &response_to(&request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let responses = model.run(
        Some("client/0"),
        &[
            "responses",
            "--config",
            "requirer.json",
            "--relation-id",
            &relation,
        ],
    );
    assert_eq!(responses.code, Some(0), "{}", responses.stderr);
    assert_eq!(responses.lines.len(), 1);
    assert_eq!(responses.lines[0]["password"], PASSWORD);
}

#[test]
fn a_hook_of_another_endpoint_prints_nothing_and_touches_nothing() {
    let model = Model::new("other-hook", 1);
    let run = Model::finish(
        model
            .command(Some("client/0"))
            .args(["hook", "--config", "requirer.json"])
            .env("JUJU_DISPATCH_PATH", "hooks/install")
            .output()
            .expect("runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.lines.is_empty());
    assert!(model
        .app_bag("client")
        .as_object()
        .is_some_and(|b| b.is_empty()));
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let model = Model::new("errors", 1);
    assert_eq!(model.run(None, &["hook"]).code, Some(2));
    assert_eq!(model.run(None, &["frobnicate"]).code, Some(2));
    assert_eq!(model.run(None, &["hook", "--nope", "x"]).code, Some(2));
    let outside = model.run(None, &["hook", "--config", "requirer.json"]);
    assert_eq!(outside.code, Some(1));
    assert!(
        outside.stderr.contains("JUJU_UNIT_NAME"),
        "{}",
        outside.stderr
    );
    std::fs::write(model.root.join("charm/bad.json"), r#"{"role": "requirer"}"#).expect("written");
    let bad = model.run(Some("client/0"), &["hook", "--config", "bad.json"]);
    assert_eq!(bad.code, Some(1));
    assert!(bad.stderr.contains("bad.json") && bad.stderr.contains("endpoint"));
}

#[test]
fn a_missing_relation_is_a_typed_error_naming_it() {
    let model = Model::new("missing-relation", 1);
    let run = model.run(
        Some("postgresql/0"),
        &[
            "requests",
            "--config",
            "provider.json",
            "--relation-id",
            "42",
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("42"), "{}", run.stderr);
}

#[test]
fn the_tools_directory_can_be_given_instead_of_path() {
    let model = Model::new("tools-dir", 1);
    let relation = model.relation.to_string();
    let run = Model::finish(
        model
            .command(Some("client/0"))
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_INTERFACES_HOOK_TOOLS", model.root.join("bin"))
            .args([
                "responses",
                "--config",
                "requirer.json",
                "--relation-id",
                &relation,
            ])
            .output()
            .expect("runs"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.lines.is_empty());
}

/// Run one of the test double's tools as a unit; its exit code, stdout and stderr.
fn tool(
    model: &Model,
    unit: &str,
    name: &str,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(model.root.join("bin").join(name))
        .args(args)
        .env("FAKE_JUJU_STATE", model.root.join("state"))
        .env("JUJU_UNIT_NAME", unit)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test double runs");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.as_bytes()).expect("stdin written");
    }
    let out = child.wait_with_output().expect("the test double ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
}

#[test]
fn the_test_double_enforces_jujus_rules() {
    let model = Model::new("double-rules", 2);
    let r = model.relation.to_string();
    // Only the leader writes (and reads) its application bag.
    let (code, _, err) = tool(
        &model,
        "postgresql/1",
        "relation-set",
        &["-r", &r, "--app", "--file", "-"],
        r#"{"k": "v"}"#,
    );
    assert_eq!(code, 1);
    assert!(err.contains("not the leader"), "{err}");
    let (code, _, _) = tool(
        &model,
        "postgresql/1",
        "relation-get",
        &["-r", &r, "--app", "--format=json", "-", "postgresql"],
        "",
    );
    assert_eq!(code, 1);
    let (code, _, _) = tool(
        &model,
        "postgresql/0",
        "relation-set",
        &["-r", &r, "--app", "--file", "-"],
        r#"{"k": "v"}"#,
    );
    assert_eq!(code, 0);
    // An empty value deletes.
    tool(
        &model,
        "postgresql/0",
        "relation-set",
        &["-r", &r, "--app", "--file", "-"],
        r#"{"k": ""}"#,
    );
    assert!(model.app_bag("postgresql").get("k").is_none());
    // A secret is unreadable until granted, and only its owner changes it.
    let (code, uri, _) = tool(
        &model,
        "postgresql/0",
        "secret-add",
        &["--owner", "application", "--file", "-"],
        r#"{"password": "x1"}"#,
    );
    assert_eq!(code, 0);
    let (code, _, err) = tool(
        &model,
        "client/0",
        "secret-get",
        &[&uri, "--format=json"],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("permission denied"), "{err}");
    let (code, _, _) = tool(
        &model,
        "postgresql/1",
        "secret-grant",
        &[&uri, "-r", &r],
        "",
    );
    assert_eq!(code, 1);
    let (code, _, _) = tool(
        &model,
        "postgresql/0",
        "secret-grant",
        &[&uri, "-r", &r],
        "",
    );
    assert_eq!(code, 0);
    let (code, out, _) = tool(
        &model,
        "client/0",
        "secret-get",
        &[&uri, "--format=json"],
        "",
    );
    assert_eq!((code, out.as_str()), (0, r#"{"password": "x1"}"#));
    let (code, _, _) = tool(
        &model,
        "client/0",
        "secret-set",
        &[&uri, "--file", "-"],
        r#"{"password": "x2"}"#,
    );
    assert_eq!(code, 1);
    let (code, _, err) = tool(
        &model,
        "client/0",
        "secret-info-get",
        &[&uri, "--format=json"],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("permission denied"), "{err}");
    let (code, _, err) = tool(
        &model,
        "client/0",
        "secret-get",
        &["secret:nope", "--format=json"],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn the_bash_example_charm_gets_its_database_through_the_binary() {
    assert!(
        Command::new("jq").arg("--version").output().is_ok(),
        "the bash example needs jq (Debian package `jq`, present on this project's machines)"
    );
    let model = Model::new("bash-example", 1);
    let charm = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/bash-requirer")
        .canonicalize()
        .expect("the example exists");
    let state = model.root.join("charm-state");
    let run = |hook: &str| {
        let out = model
            .command_for("bash", Some("client/0"))
            .arg(charm.join("dispatch"))
            .env("JUJU_CHARM_DIR", &charm)
            .env("DATA_INTERFACES", BINARY)
            .env("BASH_REQUIRER_STATE", &state)
            .env("JUJU_DISPATCH_PATH", format!("hooks/{hook}"))
            .env("JUJU_RELATION", "database")
            .env("JUJU_RELATION_ID", format!("database:{}", model.relation))
            .env("JUJU_REMOTE_APP", "postgresql")
            .env("JUJU_REMOTE_UNIT", "postgresql/0")
            .output()
            .expect("dispatch runs");
        assert!(
            out.status.success(),
            "{hook}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("install");
    run("database-relation-created");
    let changed = model.hook("postgresql/0", "provider", "changed", "client/0");
    assert_eq!(changed.code, Some(0), "{}", changed.stderr);
    let request = &changed.lines[0]["requests"][0];
    assert_eq!(request["resource"], "appdb");
    assert_eq!(request["extra-user-roles"], "CREATEDB");
    let set = model.set_response("postgresql/0", &response_to(request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    run("database-relation-changed");
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(state.join("database.json")).expect("settings saved"),
    )
    .expect("settings are JSON");
    assert_eq!(saved["password"], PASSWORD);
    assert_eq!(saved["endpoints"], "10.1.2.3:5432");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(state.join("database.json"))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "settings readable by others: {mode:o}");
    }
    let status = &model.state()["status"]["client/0"];
    assert_eq!(status[0], "active");
    assert!(!model.calls().contains(PASSWORD));
    run("database-relation-broken");
    assert!(!state.join("database.json").exists());
}

/// The `rust_requirer` example charm, built by `cargo test` next to the binary.
fn rust_requirer() -> PathBuf {
    let path = Path::new(BINARY)
        .parent()
        .expect("the binary's directory")
        .join("examples/rust_requirer");
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples (or run `cargo build --release --example rust_requirer`)",
        path.display()
    );
    path
}

#[test]
fn the_rust_requirer_example_gets_its_database_from_a_provider_on_the_command_line() {
    let model = Model::new("rust-example", 1);
    let credentials = model.root.join("charm/credentials.json");
    // Juju runs the charm once per hook, its context in the environment.
    let run = |kind: &str, remote_unit: &str| {
        let out = model
            .command_for(rust_requirer(), Some("client/0"))
            .env(
                "JUJU_DISPATCH_PATH",
                format!("hooks/database-relation-{kind}"),
            )
            .env("JUJU_RELATION", "database")
            .env("JUJU_RELATION_ID", format!("database:{}", model.relation))
            .env("JUJU_REMOTE_APP", "postgresql")
            .env("JUJU_REMOTE_UNIT", remote_unit)
            .env("DATA_INTERFACES_CREDENTIALS", &credentials)
            .output()
            .expect("the example runs");
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    run("created", "postgresql/0");
    let changed = model.hook("postgresql/0", "provider", "changed", "client/0");
    assert_eq!(changed.code, Some(0), "{}", changed.stderr);
    let request = &changed.lines[0]["requests"][0];
    assert_eq!(request["resource"], "clientdb");
    assert_eq!(request["extra-user-roles"], "SUPERUSER");
    assert!(!credentials.exists());
    let set = model.set_response("postgresql/0", &response_to(request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let log = run("changed", "postgresql/0");
    assert!(
        !log.contains(PASSWORD),
        "the example logged a secret: {log}"
    );
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&credentials).expect("credentials written"))
            .expect("credentials are JSON");
    assert_eq!(saved["resource"], "clientdb");
    assert_eq!(saved["username"], "relation_0_user");
    assert_eq!(saved["password"], PASSWORD);
    assert_eq!(saved["endpoints"], "10.1.2.3:5432");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credentials)
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "credentials readable by others: {mode:o}");
    }
    assert!(!model.calls().contains(PASSWORD));
}

#[test]
fn every_command_prints_its_help_with_either_spelling() {
    let model = Model::new("help", 1);
    let commands = [
        "hook",
        "set-response",
        "requests",
        "responses",
        "raise-status",
        "resolve-status",
        "clear-statuses",
        "statuses",
        "is-resource-created",
        "are-all-resources-created",
        "peer-read",
        "peer-write",
        "peer-delete",
    ];
    for command in commands {
        for args in [[command, "--help"], ["help", command]] {
            let out = model.command(None).args(args).output().expect("runs");
            assert!(out.status.success(), "{args:?}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.starts_with(&format!("usage: data-interfaces {command} ")),
                "{args:?}: {text}"
            );
        }
    }
}

#[test]
fn a_failure_asked_for_as_json_is_one_typed_object_on_stderr() {
    let model = Model::new("json-error", 1);
    let run = model.run(
        Some("postgresql/0"),
        &[
            "requests",
            "--config",
            "provider.json",
            "--relation-id",
            "42",
            "--error-format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(1));
    let error: Value = serde_json::from_str(run.stderr.trim()).expect("one JSON object");
    assert_eq!(error["error"], "missing-relation");
    assert_eq!(error["relation-id"], 42);
    let usage = model.run(None, &["statuses", "--bogus", "--error-format=json"]);
    assert_eq!(usage.code, Some(2));
    let error: Value = serde_json::from_str(usage.stderr.trim()).expect("one JSON object");
    assert_eq!(error["error"], "usage");
}

#[test]
fn statuses_raised_by_the_provider_reach_the_requirer_through_the_commands() {
    let model = Model::new("statuses", 2);
    std::fs::write(
        model.root.join("charm/provider.json"),
        r#"{"role": "provider", "endpoint": "database",
            "status-schema": [{"code": 4001, "message": "quota exceeded", "resolution": "ask"}]}"#,
    )
    .expect("config written");
    model.request();
    let relation = model.relation.to_string();
    let provider = |unit: &str, args: &[&str]| {
        let mut all = vec![
            args[0],
            "--config",
            "provider.json",
            "--relation-id",
            &relation,
        ];
        all.extend(&args[1..]);
        model.run(Some(unit), &all)
    };
    let refused = provider("postgresql/1", &["raise-status", "--code", "4001"]);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("leader"), "{}", refused.stderr);
    let raised = provider("postgresql/0", &["raise-status", "--code", "4001"]);
    assert_eq!(raised.code, Some(0), "{}", raised.stderr);
    let listed = provider("postgresql/0", &["statuses"]);
    assert_eq!(
        listed.lines,
        vec![serde_json::json!({"code": 4001, "message": "quota exceeded", "resolution": "ask"})]
    );
    let seen = model.run(
        Some("client/0"),
        &[
            "statuses",
            "--config",
            "requirer.json",
            "--relation-id",
            &relation,
        ],
    );
    assert_eq!(seen.lines, listed.lines, "{}", seen.stderr);
    let resolved = provider("postgresql/0", &["resolve-status", "--code", "4001"]);
    assert_eq!(resolved.code, Some(0), "{}", resolved.stderr);
    assert!(provider("postgresql/0", &["statuses"]).lines.is_empty());
    let unknown = provider("postgresql/0", &["raise-status", "--code", "9999"]);
    assert_eq!(unknown.code, Some(1));
    assert!(unknown.stderr.contains("9999"), "{}", unknown.stderr);
}

#[test]
fn the_requirer_tells_whether_its_resources_are_created() {
    let model = Model::new("created", 1);
    let request = model.request();
    let relation = model.relation.to_string();
    let id = request["request-id"]
        .as_str()
        .expect("a request id")
        .to_owned();
    let ask = |args: &[&str]| {
        let mut all = vec![
            args[0],
            "--config",
            "requirer.json",
            "--relation-id",
            &relation,
        ];
        all.extend(&args[1..]);
        model.run(Some("client/0"), &all).lines
    };
    assert_eq!(
        ask(&["is-resource-created", "--request-id", &id]),
        vec![Value::Bool(false)]
    );
    let set = model.set_response("postgresql/0", &response_to(&request));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    assert_eq!(
        ask(&["is-resource-created", "--request-id", &id]),
        vec![Value::Bool(true)]
    );
    assert_eq!(ask(&["are-all-resources-created"]), vec![Value::Bool(true)]);
}

#[test]
fn peer_data_is_written_read_and_deleted_through_the_commands() {
    let model = Model::new("peer", 2);
    model.admin(&["relate", "postgresql", "cluster", "postgresql", "cluster"]);
    let relation = (model.relation + 1).to_string();
    std::fs::write(
        model.root.join("charm/peer.json"),
        r#"{"role": "peer", "endpoint": "cluster",
            "fields": [{"key": "mode"}, {"key": "root-password", "secret-group": "extra"}]}"#,
    )
    .expect("config written");
    let peer = |unit: &str, args: &[&str], stdin: Option<&str>| {
        let mut command = model.command(Some(unit));
        command
            .args([args[0], "--config", "peer.json", "--relation-id", &relation])
            .args(&args[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("runs");
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            use std::io::Write;
            pipe.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(child.stdin.take());
        Model::finish(child.wait_with_output().expect("ends"))
    };
    let values = format!(r#"{{"mode": "primary", "root-password": "{PASSWORD}"}}"#);
    let refused = peer(
        "postgresql/1",
        &["peer-write", "--scope", "app", "--values", "-"],
        Some(&values),
    );
    assert_eq!(refused.code, Some(1));
    let wrote = peer(
        "postgresql/0",
        &["peer-write", "--scope", "app", "--values", "-"],
        Some(&values),
    );
    assert_eq!(wrote.code, Some(0), "{}", wrote.stderr);
    let bag = &model.state()["relations"][&relation]["app_bags"]["postgresql"];
    assert_eq!(bag["mode"], "primary");
    assert!(!model.state()["relations"].to_string().contains(PASSWORD));
    let read = peer("postgresql/0", &["peer-read", "--scope", "app"], None);
    assert_eq!(read.code, Some(0), "{}", read.stderr);
    assert_eq!(
        read.lines,
        vec![serde_json::json!({"mode": "primary", "root-password": PASSWORD})]
    );
    let deleted = peer(
        "postgresql/0",
        &["peer-delete", "--scope", "app", "--key", "mode"],
        None,
    );
    assert_eq!(deleted.code, Some(0), "{}", deleted.stderr);
    let read = peer("postgresql/0", &["peer-read", "--scope", "app"], None);
    assert_eq!(
        read.lines,
        vec![serde_json::json!({"root-password": PASSWORD})]
    );
    let usage = peer(
        "postgresql/0",
        &["peer-read", "--scope", "other-unit"],
        None,
    );
    assert_eq!(usage.code, Some(2));
}
