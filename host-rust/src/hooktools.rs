//! A [`Backend`] over Juju's hook tools, as a charm process sees them during a hook.
//!
//! Juju runs a charm's hook as a fresh process with the hook tools (`relation-get`,
//! `secret-add`, `is-leader`, ...) on its `PATH` and the hook's context in `JUJU_*`
//! environment variables. [`HookContext`] reads that context (and maps it to the [`Hook`] the
//! component handles); [`HookTools`] implements the component's imports by running the tools:
//!
//! | import | hook tool |
//! |---|---|
//! | `relations` | `relation-ids`, `relation-list` (units, `--app`), `relation-model-get` |
//! | `read` | `relation-get -r ID --format=json [--app] - UNIT-OR-APP` |
//! | `apply` | `relation-set -r ID [--app] --file -` (a JSON map on stdin; `""` deletes) |
//! | `is-leader` | `is-leader --format=json` (asked once per process) |
//! | `secrets.add` | `secret-add --owner application\|unit [--label L] --file PATH` |
//! | `secrets.get` | `secret-get [URI] [--label L] [--refresh] --format=json` |
//! | `secrets.owned` | `secret-info-get URI --format=json` (success: this unit or app owns it) |
//! | (an owned secret's URI by label) | `secret-info-get --label L --format=json` (keyed by the bare id) |
//! | `secrets.set-content` | `secret-set URI --file PATH` |
//! | `secrets.grant` | `secret-grant URI -r ID` |
//! | `secrets.remove(-revision)` | `secret-remove URI [--revision N]` |
//! | `log` | `juju-log --log-level LEVEL -- MESSAGE` |
//!
//! Secret values never travel on a command line: `secret-add` and `secret-set` read them from
//! a YAML (JSON) file created with mode 0600 in a private temporary directory and removed
//! right after the call. A failed tool becomes a [`BackendError::Host`] carrying the tool's
//! stderr: `not-found` when it says "not found" or "no such", `permission-denied` when it says
//! "permission denied" or "not the leader", `backend` otherwise. A tool that cannot be started
//! or prints something unreadable aborts the call ([`BackendError::Fatal`]).
//!
//! The tools are looked up in `DATA_INTERFACES_HOOK_TOOLS` (a directory) when it is set, else
//! on `PATH`.
//!
//! ```no_run
//! use data_interfaces_host::hooktools::{HookContext, HookTools};
//! use data_interfaces_host::Runtime;
//!
//! let context = HookContext::from_env()?;
//! let runtime = Runtime::load()?;
//! let mut session = runtime.session(Box::new(HookTools::new(context.clone())))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::backend::{Backend, BackendError, Entries};
use crate::bindings::wit::{
    Bag, ChangeSet, Hook, HostErrorKind, LogLevel, Owner, RelationEvent, RelationId, RelationInfo,
    Secret, SecretEvent,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable naming the directory of the hook tools (instead of `PATH`).
pub const TOOLS_DIR_VAR: &str = "DATA_INTERFACES_HOOK_TOOLS";

/// What reading the hook's context or running a hook tool can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HookToolsError {
    /// A `JUJU_*` variable the hook needs is not set.
    #[error("the environment variable {0} is not set (is this a Juju hook?)")]
    MissingVariable(&'static str),
    /// A `JUJU_*` variable has a value that cannot be read.
    #[error("the environment variable {variable} has an unreadable value {value:?}")]
    BadVariable {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// A hook tool could not be started.
    #[error("could not run the hook tool {tool}: {source}")]
    Spawn {
        /// The tool.
        tool: String,
        /// Why.
        source: std::io::Error,
    },
    /// A hook tool failed.
    #[error("{tool} failed ({}): {stderr}", crate::backend::kind_name(*.kind))]
    Failed {
        /// The tool.
        tool: String,
        /// What kind of failure its message says it is.
        kind: HostErrorKind,
        /// What it printed on stderr (hook tools never print secret values there).
        stderr: String,
    },
    /// A hook tool printed something that is not what it documents.
    #[error("{tool} printed unreadable output: {reason}")]
    BadOutput {
        /// The tool.
        tool: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// A temporary file for a secret's content could not be written.
    #[error("could not write a temporary file for {tool}: {source}")]
    TempFile {
        /// The tool the file was for.
        tool: String,
        /// Why.
        source: std::io::Error,
    },
}

impl From<HookToolsError> for BackendError {
    fn from(error: HookToolsError) -> Self {
        match error {
            HookToolsError::Failed { kind, .. } => BackendError::host(kind, error.to_string()),
            other => BackendError::Fatal(Box::new(other)),
        }
    }
}

/// The kind of failure a hook tool's stderr describes.
pub fn classify(stderr: &str) -> HostErrorKind {
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("not found") || lower.contains("no such") {
        HostErrorKind::NotFound
    } else if lower.contains("permission denied") || lower.contains("not the leader") {
        HostErrorKind::PermissionDenied
    } else {
        HostErrorKind::Backend
    }
}

/// The hook's context, from the `JUJU_*` environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookContext {
    /// `JUJU_UNIT_NAME`: the local unit.
    pub unit: String,
    /// `JUJU_MODEL_UUID`.
    pub model_uuid: String,
    /// The hook's name, from `JUJU_HOOK_NAME` or the last part of `JUJU_DISPATCH_PATH`.
    pub hook_name: Option<String>,
    /// `JUJU_RELATION`: the endpoint of a relation hook.
    pub relation: Option<String>,
    /// The number in `JUJU_RELATION_ID` (`database:3` or `3`).
    pub relation_id: Option<RelationId>,
    /// `JUJU_REMOTE_APP`.
    pub remote_app: Option<String>,
    /// `JUJU_REMOTE_UNIT`.
    pub remote_unit: Option<String>,
    /// `JUJU_SECRET_ID`.
    pub secret_id: Option<String>,
    /// `JUJU_SECRET_LABEL`.
    pub secret_label: Option<String>,
    /// `JUJU_SECRET_REVISION`.
    pub secret_revision: Option<i32>,
}

/// A relation id as Juju prints it (`database:3`) or as a bare number.
pub fn parse_relation_id(text: &str) -> Option<RelationId> {
    let number = text.rsplit(':').next().unwrap_or(text);
    number.trim().parse().ok()
}

impl HookContext {
    /// The context of the running hook, from the process environment.
    pub fn from_env() -> Result<Self, HookToolsError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The context from a lookup of variables (for tests and other hosts); empty values count
    /// as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, HookToolsError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let unit =
            get("JUJU_UNIT_NAME").ok_or(HookToolsError::MissingVariable("JUJU_UNIT_NAME"))?;
        if !unit.contains('/') {
            return Err(HookToolsError::BadVariable {
                variable: "JUJU_UNIT_NAME",
                value: unit,
            });
        }
        let relation_id = match get("JUJU_RELATION_ID") {
            None => None,
            Some(value) => Some(
                parse_relation_id(&value).ok_or(HookToolsError::BadVariable {
                    variable: "JUJU_RELATION_ID",
                    value,
                })?,
            ),
        };
        let secret_revision = match get("JUJU_SECRET_REVISION") {
            None => None,
            Some(value) => Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| HookToolsError::BadVariable {
                        variable: "JUJU_SECRET_REVISION",
                        value,
                    })?,
            ),
        };
        let hook_name = get("JUJU_HOOK_NAME").or_else(|| {
            get("JUJU_DISPATCH_PATH").and_then(|path| {
                Path::new(&path)
                    .file_name()
                    .and_then(|name| name.to_str())
                    .map(str::to_owned)
            })
        });
        Ok(HookContext {
            unit,
            model_uuid: get("JUJU_MODEL_UUID").unwrap_or_default(),
            hook_name,
            relation: get("JUJU_RELATION"),
            relation_id,
            remote_app: get("JUJU_REMOTE_APP"),
            remote_unit: get("JUJU_REMOTE_UNIT"),
            secret_id: get("JUJU_SECRET_ID"),
            secret_label: get("JUJU_SECRET_LABEL"),
            secret_revision,
        })
    }

    /// The local application's name (the unit's name up to the `/`).
    pub fn app(&self) -> &str {
        self.unit.split('/').next().unwrap_or(&self.unit)
    }

    /// The hook the component handles for an endpoint, or `None` when this hook is not one of
    /// its hooks (another endpoint's relation hook, `install`, `relation-joined`, ...).
    ///
    /// `<endpoint>-relation-created`, `-changed` and `-broken` become relation hooks (they
    /// need `JUJU_RELATION_ID`); `secret-changed` and `secret-remove` become secret hooks (they
    /// need `JUJU_SECRET_ID`).
    pub fn hook_for(&self, endpoint: &str) -> Result<Option<Hook>, HookToolsError> {
        let Some(name) = self.hook_name.as_deref() else {
            return Ok(None);
        };
        if name == "secret-changed" || name == "secret-remove" {
            let id = self
                .secret_id
                .clone()
                .ok_or(HookToolsError::MissingVariable("JUJU_SECRET_ID"))?;
            let event = SecretEvent {
                id,
                label: self.secret_label.clone(),
                revision: self.secret_revision,
            };
            return Ok(Some(match name {
                "secret-changed" => Hook::SecretChanged(event),
                _ => Hook::SecretRemove(event),
            }));
        }
        let Some(kind) = name
            .strip_prefix(endpoint)
            .and_then(|rest| rest.strip_prefix("-relation-"))
        else {
            return Ok(None);
        };
        if !matches!(kind, "created" | "changed" | "broken") {
            return Ok(None);
        }
        let relation_id = self
            .relation_id
            .ok_or(HookToolsError::MissingVariable("JUJU_RELATION_ID"))?;
        let event = RelationEvent {
            relation_id,
            app: self
                .remote_app
                .clone()
                .or_else(|| self.remote_unit.as_deref().map(app_of).map(str::to_owned)),
            unit: self.remote_unit.clone(),
        };
        Ok(Some(match kind {
            "created" => Hook::RelationCreated(event),
            "changed" => Hook::RelationChanged(event),
            _ => Hook::RelationBroken(event),
        }))
    }
}

/// A secret's URI from what a hook tool printed: a URI (`secret:ID`, `secret://MODEL/ID`) is
/// kept; a bare id (the keys of `secret-info-get`'s output) becomes
/// `secret://MODEL-UUID/ID`, the form `secret-add` prints in Juju 3 and the one ops makes of a
/// bare id, or `secret:ID` when the model uuid is unknown.
pub fn canonical_secret_uri(id: &str, model_uuid: &str) -> String {
    let id = id.trim();
    if id.starts_with("secret:") {
        id.to_owned()
    } else if model_uuid.is_empty() {
        format!("secret:{id}")
    } else {
        format!("secret://{model_uuid}/{id}")
    }
}

/// The application of a unit name.
fn app_of(unit: &str) -> &str {
    unit.split('/').next().unwrap_or(unit)
}

/// A private temporary directory (mode 0700), removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let path = std::env::temp_dir().join(format!(
            "data-interfaces-{}-{:016x}",
            std::process::id(),
            u64::from_le_bytes(bytes)
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&path)?;
        Ok(TempDir(path))
    }

    /// Write a file only the owner can read.
    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.0.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path)?.write_all(bytes)?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A secret's content as a JSON (hence YAML) map, for `--file`.
fn content_file(content: &[(String, String)]) -> Vec<u8> {
    let map: serde_json::Map<String, serde_json::Value> = content
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string().into_bytes()
}

/// The imports of the component over Juju's hook tools.
#[derive(Debug)]
pub struct HookTools {
    context: HookContext,
    tools_dir: Option<PathBuf>,
    leader: Option<bool>,
    remote_apps: BTreeMap<RelationId, Option<String>>,
}

impl HookTools {
    /// A backend for the hook described by `context`, with the tools found in
    /// `DATA_INTERFACES_HOOK_TOOLS` or on `PATH`.
    pub fn new(context: HookContext) -> Self {
        let tools_dir = std::env::var_os(TOOLS_DIR_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        HookTools {
            context,
            tools_dir,
            leader: None,
            remote_apps: BTreeMap::new(),
        }
    }

    /// Use the tools of this directory instead.
    pub fn with_tools_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.tools_dir = Some(dir.into());
        self
    }

    /// The hook's context.
    pub fn context(&self) -> &HookContext {
        &self.context
    }

    /// Run a tool; its stdout on success.
    fn run(
        &self,
        tool: &str,
        args: &[&str],
        stdin: Option<&[u8]>,
    ) -> Result<Vec<u8>, HookToolsError> {
        let program = match &self.tools_dir {
            Some(dir) => dir.join(tool),
            None => PathBuf::from(tool),
        };
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let spawn = |source| HookToolsError::Spawn {
            tool: tool.to_owned(),
            source,
        };
        let mut child = command.spawn().map_err(spawn)?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(input).map_err(spawn)?;
        }
        let output = child.wait_with_output().map_err(spawn)?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        let stderr = if stderr.is_empty() {
            format!("exited with {}", output.status)
        } else {
            stderr
        };
        Err(HookToolsError::Failed {
            tool: tool.to_owned(),
            kind: classify(&stderr),
            stderr,
        })
    }

    /// Run a tool and read its stdout as JSON.
    fn json(&self, tool: &str, args: &[&str]) -> Result<serde_json::Value, HookToolsError> {
        let out = self.run(tool, args, None)?;
        let text = String::from_utf8_lossy(&out);
        if text.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| HookToolsError::BadOutput {
            tool: tool.to_owned(),
            reason: e.to_string(),
        })
    }

    /// A JSON map of strings (a databag, a secret's content; `null` is empty).
    fn entries(tool: &str, value: serde_json::Value) -> Result<Entries, HookToolsError> {
        let bad = |reason: &str| HookToolsError::BadOutput {
            tool: tool.to_owned(),
            reason: reason.to_owned(),
        };
        match value {
            serde_json::Value::Null => Ok(Vec::new()),
            serde_json::Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => Ok((k, s)),
                    _ => Err(bad("a value is not a string")),
                })
                .collect(),
            _ => Err(bad("not a map")),
        }
    }

    fn remote_app(&mut self, relation: RelationId) -> Result<Option<String>, HookToolsError> {
        if let Some(app) = self.remote_apps.get(&relation) {
            return Ok(app.clone());
        }
        let id = relation.to_string();
        let app = match self.json("relation-list", &["-r", &id, "--app", "--format=json"]) {
            Ok(serde_json::Value::String(app)) if !app.is_empty() => Some(app),
            Ok(_) => None,
            Err(HookToolsError::Failed { .. }) => None,
            Err(other) => return Err(other),
        };
        let app = match app {
            Some(app) => Some(app),
            // Older Juju: the remote application of this hook, or of a remote unit.
            None if self.context.relation_id == Some(relation) => self.context.remote_app.clone(),
            None => self
                .remote_units(relation)?
                .first()
                .map(|unit| app_of(unit).to_owned()),
        };
        self.remote_apps.insert(relation, app.clone());
        Ok(app)
    }

    fn remote_units(&self, relation: RelationId) -> Result<Vec<String>, HookToolsError> {
        let id = relation.to_string();
        match self.json("relation-list", &["-r", &id, "--format=json"])? {
            serde_json::Value::Null => Ok(Vec::new()),
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(unit) => Ok(unit),
                    _ => Err(HookToolsError::BadOutput {
                        tool: "relation-list".to_owned(),
                        reason: "a unit is not a string".to_owned(),
                    }),
                })
                .collect(),
            _ => Err(HookToolsError::BadOutput {
                tool: "relation-list".to_owned(),
                reason: "not a list".to_owned(),
            }),
        }
    }

    fn remote_model_uuid(&self, relation: RelationId) -> Option<String> {
        let id = relation.to_string();
        match self.json("relation-model-get", &["-r", &id, "--format=json"]) {
            Ok(value) => value
                .get("uuid")
                .and_then(|uuid| uuid.as_str())
                .map(str::to_owned),
            Err(_) => None,
        }
    }

    /// The URI of a secret this unit owns, by its label. `secret-info-get` names the secret
    /// by its bare id; the URI is made as `secret-add` prints it (see [`canonical_secret_uri`]).
    fn owned_uri_by_label(&self, label: &str) -> Option<String> {
        let info = self
            .json("secret-info-get", &["--label", label, "--format=json"])
            .ok()?;
        let id = info.as_object()?.keys().next()?;
        Some(canonical_secret_uri(id, &self.context.model_uuid))
    }
}

impl Backend for HookTools {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        let ids = match self.json("relation-ids", &[endpoint, "--format=json"])? {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) => items,
            _ => {
                return Err(HookToolsError::BadOutput {
                    tool: "relation-ids".to_owned(),
                    reason: "not a list".to_owned(),
                }
                .into())
            }
        };
        let mut relations = Vec::new();
        for item in ids {
            let id = item.as_str().and_then(parse_relation_id).ok_or_else(|| {
                HookToolsError::BadOutput {
                    tool: "relation-ids".to_owned(),
                    reason: format!("unreadable relation id {item}"),
                }
            })?;
            let remote_units = self.remote_units(id)?;
            let remote_app = self.remote_app(id)?;
            relations.push(RelationInfo {
                id,
                endpoint: endpoint.to_owned(),
                remote_app,
                remote_units,
                remote_model_uuid: self.remote_model_uuid(id),
            });
        }
        Ok(relations)
    }

    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError> {
        let id = relation.to_string();
        let (app, whose) = match bag {
            Bag::LocalApp => (true, self.context.app().to_owned()),
            Bag::LocalUnit => (false, self.context.unit.clone()),
            Bag::RemoteApp => match self.remote_app(relation)? {
                Some(app) => (true, app),
                // No remote application known yet: its bag reads as empty.
                None => return Ok(Vec::new()),
            },
            Bag::RemoteUnit(unit) => (false, unit.clone()),
        };
        let mut args = vec!["-r", id.as_str(), "--format=json"];
        if app {
            args.push("--app");
        }
        args.extend(["-", whose.as_str()]);
        let value = self.json("relation-get", &args)?;
        Ok(Self::entries("relation-get", value)?)
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        let app = match bag {
            Bag::LocalApp => true,
            Bag::LocalUnit => false,
            Bag::RemoteApp | Bag::RemoteUnit(_) => {
                return Err(BackendError::permission_denied(format!(
                    "relation {relation}: cannot write a remote bag"
                )))
            }
        };
        let mut map = serde_json::Map::new();
        for (key, value) in &changes.set {
            map.insert(key.clone(), serde_json::Value::String(value.clone()));
        }
        for key in &changes.delete {
            map.insert(key.clone(), serde_json::Value::String(String::new()));
        }
        if map.is_empty() {
            return Ok(());
        }
        let input = serde_json::Value::Object(map).to_string();
        let id = relation.to_string();
        let mut args = vec!["-r", id.as_str()];
        if app {
            args.push("--app");
        }
        args.extend(["--file", "-"]);
        self.run("relation-set", &args, Some(input.as_bytes()))?;
        Ok(())
    }

    fn is_leader(&mut self) -> Result<bool, BackendError> {
        if let Some(leader) = self.leader {
            return Ok(leader);
        }
        let leader = match self.json("is-leader", &["--format=json"])? {
            serde_json::Value::Bool(leader) => leader,
            other => {
                return Err(HookToolsError::BadOutput {
                    tool: "is-leader".to_owned(),
                    reason: format!("expected true or false, got {other}"),
                }
                .into())
            }
        };
        self.leader = Some(leader);
        Ok(leader)
    }

    fn local_app(&mut self) -> Result<String, BackendError> {
        Ok(self.context.app().to_owned())
    }

    fn local_unit(&mut self) -> Result<String, BackendError> {
        Ok(self.context.unit.clone())
    }

    fn model_uuid(&mut self) -> Result<String, BackendError> {
        Ok(self.context.model_uuid.clone())
    }

    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError> {
        let temp_error = |source| HookToolsError::TempFile {
            tool: "secret-add".to_owned(),
            source,
        };
        let dir = TempDir::new().map_err(temp_error)?;
        let file = dir
            .write("content.yaml", &content_file(content))
            .map_err(temp_error)?;
        let file = file.to_string_lossy().into_owned();
        let owner = match owner {
            Owner::Application => "application",
            Owner::Unit => "unit",
        };
        let mut args = vec!["--owner", owner];
        if let Some(label) = label {
            args.extend(["--label", label]);
        }
        args.extend(["--file", file.as_str()]);
        let out = self.run("secret-add", &args, None)?;
        let uri = String::from_utf8_lossy(&out).trim().to_owned();
        if uri.is_empty() {
            return Err(HookToolsError::BadOutput {
                tool: "secret-add".to_owned(),
                reason: "no secret URI printed".to_owned(),
            }
            .into());
        }
        Ok(uri)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        let mut args = Vec::new();
        if let Some(id) = id {
            args.push(id);
        }
        if let Some(label) = label {
            args.extend(["--label", label]);
        }
        if args.is_empty() {
            return Err(BackendError::host(
                HostErrorKind::InvalidArgument,
                "a secret is looked up by URI or label",
            ));
        }
        if refresh {
            args.push("--refresh");
        }
        args.push("--format=json");
        let value = match self.json("secret-get", &args) {
            Ok(value) => value,
            Err(HookToolsError::Failed {
                kind: HostErrorKind::NotFound,
                ..
            }) => return Ok(None),
            Err(other) => return Err(other.into()),
        };
        let content = Self::entries("secret-get", value)?;
        let uri = match (id, label) {
            (Some(id), _) => id.to_owned(),
            (None, Some(label)) => match self.owned_uri_by_label(label) {
                Some(uri) => uri,
                // A consumer's label: Juju tells the URI only in that secret's own hooks.
                None if self.context.secret_label.as_deref() == Some(label) => {
                    self.context.secret_id.clone().unwrap_or_default()
                }
                None => String::new(),
            },
            (None, None) => String::new(),
        };
        Ok(Some(Secret {
            id: uri,
            label: label.map(str::to_owned),
            content,
        }))
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError> {
        match self.json("secret-info-get", &[id, "--format=json"]) {
            Ok(_) => Ok(true),
            Err(HookToolsError::Failed {
                kind: HostErrorKind::NotFound | HostErrorKind::PermissionDenied,
                ..
            }) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }

    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        let temp_error = |source| HookToolsError::TempFile {
            tool: "secret-set".to_owned(),
            source,
        };
        let dir = TempDir::new().map_err(temp_error)?;
        let file = dir
            .write("content.yaml", &content_file(content))
            .map_err(temp_error)?;
        let file = file.to_string_lossy().into_owned();
        self.run("secret-set", &[id, "--file", file.as_str()], None)?;
        Ok(())
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        let relation = relation.to_string();
        self.run("secret-grant", &[id, "-r", relation.as_str()], None)?;
        Ok(())
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        self.run("secret-remove", &[id], None)?;
        Ok(())
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        let revision = revision.to_string();
        self.run(
            "secret-remove",
            &[id, "--revision", revision.as_str()],
            None,
        )?;
        Ok(())
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
        };
        // A log line that cannot be written is not worth failing the hook for.
        let _ = self.run("juju-log", &["--log-level", level, "--", message], None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(vars: &[(&str, &str)]) -> Result<HookContext, HookToolsError> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        HookContext::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn a_relation_changed_hook_maps_to_a_relation_changed_event() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_DISPATCH_PATH", "hooks/database-relation-changed"),
            ("JUJU_RELATION", "database"),
            ("JUJU_RELATION_ID", "database:7"),
            ("JUJU_REMOTE_APP", "postgresql"),
            ("JUJU_REMOTE_UNIT", "postgresql/0"),
        ])
        .unwrap();
        assert_eq!(ctx.app(), "client");
        let hook = ctx.hook_for("database").unwrap();
        let Some(Hook::RelationChanged(event)) = hook else {
            panic!("expected relation-changed, got {hook:?}");
        };
        assert_eq!(event.relation_id, 7);
        assert_eq!(event.app.as_deref(), Some("postgresql"));
        assert_eq!(event.unit.as_deref(), Some("postgresql/0"));
    }

    #[test]
    fn another_endpoints_hook_or_a_joined_hook_maps_to_nothing() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "cache-relation-changed"),
            ("JUJU_RELATION_ID", "3"),
        ])
        .unwrap();
        assert!(ctx.hook_for("database").unwrap().is_none());
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "database-relation-joined"),
            ("JUJU_RELATION_ID", "3"),
        ])
        .unwrap();
        assert!(ctx.hook_for("database").unwrap().is_none());
    }

    #[test]
    fn a_secret_remove_hook_carries_its_revision() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "db/0"),
            ("JUJU_HOOK_NAME", "secret-remove"),
            ("JUJU_SECRET_ID", "secret:abc"),
            ("JUJU_SECRET_LABEL", "database.3.user.secret"),
            ("JUJU_SECRET_REVISION", "2"),
        ])
        .unwrap();
        let hook = ctx.hook_for("database").unwrap();
        let Some(Hook::SecretRemove(event)) = hook else {
            panic!("expected secret-remove, got {hook:?}");
        };
        assert_eq!(event.id, "secret:abc");
        assert_eq!(event.label.as_deref(), Some("database.3.user.secret"));
        assert_eq!(event.revision, Some(2));
    }

    #[test]
    fn a_missing_unit_name_or_a_bad_relation_id_is_a_typed_error() {
        assert!(matches!(
            context(&[]),
            Err(HookToolsError::MissingVariable("JUJU_UNIT_NAME"))
        ));
        assert!(matches!(
            context(&[("JUJU_UNIT_NAME", "a/0"), ("JUJU_RELATION_ID", "db:x")]),
            Err(HookToolsError::BadVariable {
                variable: "JUJU_RELATION_ID",
                ..
            })
        ));
    }

    #[test]
    fn a_relation_hook_without_a_relation_id_is_a_typed_error() {
        let ctx = context(&[
            ("JUJU_UNIT_NAME", "client/0"),
            ("JUJU_HOOK_NAME", "database-relation-created"),
        ])
        .unwrap();
        assert!(matches!(
            ctx.hook_for("database"),
            Err(HookToolsError::MissingVariable("JUJU_RELATION_ID"))
        ));
    }

    #[test]
    fn tool_messages_map_to_error_kinds() {
        assert_eq!(
            classify("ERROR secret \"x\" not found"),
            HostErrorKind::NotFound
        );
        assert_eq!(classify("no such relation"), HostErrorKind::NotFound);
        assert_eq!(
            classify("ERROR permission denied"),
            HostErrorKind::PermissionDenied
        );
        assert_eq!(
            classify("ERROR cannot write relation settings: this unit is not the leader"),
            HostErrorKind::PermissionDenied
        );
        assert_eq!(classify("connection refused"), HostErrorKind::Backend);
    }

    #[test]
    fn a_failed_tool_becomes_a_host_error_carrying_its_stderr() {
        let error: BackendError = HookToolsError::Failed {
            tool: "relation-get".to_owned(),
            kind: HostErrorKind::NotFound,
            stderr: "relation 9 not found".to_owned(),
        }
        .into();
        match error {
            BackendError::Host(e) => {
                assert_eq!(e.kind, HostErrorKind::NotFound);
                assert!(e.message.contains("relation 9 not found"));
            }
            BackendError::Fatal(e) => panic!("expected a host error, got {e}"),
        }
    }

    #[test]
    fn a_tool_that_cannot_start_aborts_the_call() {
        let mut tools = HookTools::new(HookContext {
            unit: "a/0".to_owned(),
            ..HookContext::default()
        })
        .with_tools_dir("/nonexistent/data-interfaces-tools");
        assert!(matches!(tools.is_leader(), Err(BackendError::Fatal(_))));
    }

    #[test]
    fn a_bare_secret_id_becomes_the_uri_secret_add_prints() {
        let model = "8e0b5a5c-0000-4000-8000-00000000cafe";
        assert_eq!(
            canonical_secret_uri("cn3q1e7mp25c7bsa0p9g", model),
            format!("secret://{model}/cn3q1e7mp25c7bsa0p9g")
        );
        assert_eq!(
            canonical_secret_uri("cn3q1e7mp25c7bsa0p9g", ""),
            "secret:cn3q1e7mp25c7bsa0p9g"
        );
        let uri = format!("secret://{model}/cn3q1e7mp25c7bsa0p9g");
        assert_eq!(canonical_secret_uri(&uri, model), uri);
        assert_eq!(canonical_secret_uri("secret:abc", model), "secret:abc");
    }

    #[test]
    fn secret_content_files_are_json_maps() {
        let bytes = content_file(&[("password".to_owned(), "a \"q\"\n".to_owned())]);
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["password"], "a \"q\"\n");
    }
}
