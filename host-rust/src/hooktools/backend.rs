//! [`HookTools`]: the component's imports (databags, secrets, leadership, logging) over Juju's
//! hook tools, one tool process per call, for the hook a [`HookContext`] describes.

use super::secret_file::SecretFile;
use super::{classify, parse_relation_id, HookContext, HookToolsError};
use crate::backend::{app_of, Backend, BackendError, Entries};
use crate::bindings::wit::{
    Bag, ChangeSet, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo, Secret,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The environment variable naming the directory of the hook tools (instead of `PATH`).
pub const TOOLS_DIR_VAR: &str = "DATA_INTERFACES_HOOK_TOOLS";

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

    fn relation_model_uuid(&self, relation: RelationId) -> Option<String> {
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
            });
        }
        Ok(relations)
    }

    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError> {
        // Juju before 3.6.2 has no relation-model-get: unknown, as the protocol reads it.
        Ok(self.relation_model_uuid(relation))
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
        let secret_file = SecretFile::write("secret-add", content)?;
        let file = secret_file.path().to_string_lossy().into_owned();
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
        let secret_file = SecretFile::write("secret-set", content)?;
        let file = secret_file.path().to_string_lossy().into_owned();
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
}
