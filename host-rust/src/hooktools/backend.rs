//! [`HookTools`]: the component's imports (databags, secrets, leadership, logging) over Juju's
//! hook tools, one tool process per call, for the hook a [`HookContext`] describes.
//!
//! A process makes each call the protocol needs once (`cache.rs`): `is-leader` once,
//! `relation-ids` once per endpoint, `relation-list` and `relation-model-get` once per
//! relation, `relation-get` once per bag (later reads see this process's own writes), and no
//! `secret-get` or `secret-info-get` for a secret it created. [`HookTools::buffered`] also
//! holds bag writes back until [`Backend::flush`], so that a bag the component commits twice
//! is written with one `relation-set`.

use super::cache::{changes_of, BagRef, Bags, Changes, Secrets};
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

/// The imports of the component over Juju's hook tools.
#[derive(Debug)]
pub struct HookTools {
    context: HookContext,
    tools_dir: Option<PathBuf>,
    /// Whether bag writes are held back until [`Backend::flush`].
    buffered: bool,
    leader: Option<bool>,
    /// `relation-ids`, by endpoint.
    relation_ids: BTreeMap<String, Vec<RelationId>>,
    /// `relation-list`, by relation.
    remote_units: BTreeMap<RelationId, Vec<String>>,
    /// The remote application, by relation.
    remote_apps: BTreeMap<RelationId, Option<String>>,
    /// `relation-model-get`, by relation.
    remote_models: BTreeMap<RelationId, Option<String>>,
    /// `relation-get`, by bag, and the writes held back.
    bags: Bags,
    /// The secrets this process created, and which it owns.
    secrets: Secrets,
}

impl HookTools {
    /// A backend for the hook described by `context`, with the tools found in
    /// `DATA_INTERFACES_HOOK_TOOLS` or on `PATH`. It writes a bag at once, with one
    /// `relation-set` for each change set the component commits ([`HookTools::buffered`]
    /// holds them back instead).
    pub fn new(context: HookContext) -> Self {
        let tools_dir = std::env::var_os(TOOLS_DIR_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        HookTools {
            context,
            tools_dir,
            buffered: false,
            leader: None,
            relation_ids: BTreeMap::new(),
            remote_units: BTreeMap::new(),
            remote_apps: BTreeMap::new(),
            remote_models: BTreeMap::new(),
            bags: Bags::default(),
            secrets: Secrets::default(),
        }
    }

    /// Use the tools of this directory instead.
    pub fn with_tools_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.tools_dir = Some(dir.into());
        self
    }

    /// Hold bag writes back until [`Backend::flush`], which writes each bag with one
    /// `relation-set` however many change sets the component committed to it; reads see the
    /// writes held back. A backend dropped without a flush writes none of them: call
    /// `flush` once the calls of a command (a hook) have succeeded, and not after a failure,
    /// so that a failed command writes no bag.
    pub fn buffered(mut self) -> Self {
        self.buffered = true;
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

    /// The relations of an endpoint: `relation-ids`, once per endpoint.
    fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<RelationId>, HookToolsError> {
        if let Some(ids) = self.relation_ids.get(endpoint) {
            return Ok(ids.clone());
        }
        let items = match self.json("relation-ids", &[endpoint, "--format=json"])? {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) => items,
            _ => {
                return Err(HookToolsError::BadOutput {
                    tool: "relation-ids".to_owned(),
                    reason: "not a list".to_owned(),
                })
            }
        };
        let ids = items
            .iter()
            .map(|item| {
                item.as_str()
                    .and_then(parse_relation_id)
                    .ok_or_else(|| HookToolsError::BadOutput {
                        tool: "relation-ids".to_owned(),
                        reason: format!("unreadable relation id {item}"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.relation_ids.insert(endpoint.to_owned(), ids.clone());
        Ok(ids)
    }

    /// The remote application of a relation: the hook's own (`JUJU_REMOTE_APP`) for the
    /// hook's relation, else the application of its first remote unit, else
    /// `relation-list --app` (a relation no remote unit has joined yet); once per relation.
    fn remote_app(&mut self, relation: RelationId) -> Result<Option<String>, HookToolsError> {
        if let Some(app) = self.remote_apps.get(&relation) {
            return Ok(app.clone());
        }
        let hooks_own = (self.context.relation_id == Some(relation))
            .then(|| self.context.remote_app.clone())
            .flatten();
        let app = match hooks_own {
            Some(app) => Some(app),
            None => match self.remote_units(relation)?.first() {
                Some(unit) => Some(app_of(unit).to_owned()),
                None => {
                    let id = relation.to_string();
                    match self.json("relation-list", &["-r", &id, "--app", "--format=json"]) {
                        Ok(serde_json::Value::String(app)) if !app.is_empty() => Some(app),
                        Ok(_) | Err(HookToolsError::Failed { .. }) => None,
                        Err(other) => return Err(other),
                    }
                }
            },
        };
        self.remote_apps.insert(relation, app.clone());
        Ok(app)
    }

    /// The remote units of a relation: `relation-list`, once per relation.
    fn remote_units(&mut self, relation: RelationId) -> Result<Vec<String>, HookToolsError> {
        if let Some(units) = self.remote_units.get(&relation) {
            return Ok(units.clone());
        }
        let id = relation.to_string();
        let units = match self.json("relation-list", &["-r", &id, "--format=json"])? {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(unit) => Ok(unit),
                    _ => Err(HookToolsError::BadOutput {
                        tool: "relation-list".to_owned(),
                        reason: "a unit is not a string".to_owned(),
                    }),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => {
                return Err(HookToolsError::BadOutput {
                    tool: "relation-list".to_owned(),
                    reason: "not a list".to_owned(),
                })
            }
        };
        self.remote_units.insert(relation, units.clone());
        Ok(units)
    }

    /// The model uuid of a relation's remote application: `relation-model-get`, once per
    /// relation; none when the tool fails (an older Juju) or prints no uuid.
    fn remote_model(&mut self, relation: RelationId) -> Option<String> {
        if let Some(uuid) = self.remote_models.get(&relation) {
            return uuid.clone();
        }
        let id = relation.to_string();
        let uuid = match self.json("relation-model-get", &["-r", &id, "--format=json"]) {
            Ok(value) => value
                .get("uuid")
                .and_then(|uuid| uuid.as_str())
                .map(str::to_owned),
            Err(_) => None,
        };
        self.remote_models.insert(relation, uuid.clone());
        uuid
    }

    /// One of this unit's own bags, as `relation-set` names it.
    fn own_bag(&self, relation: RelationId, bag: &Bag) -> Result<BagRef, BackendError> {
        let (app, whose) = match bag {
            Bag::LocalApp => (true, self.context.app().to_owned()),
            Bag::LocalUnit => (false, self.context.unit.clone()),
            Bag::RemoteApp | Bag::RemoteUnit(_) => {
                return Err(BackendError::permission_denied(format!(
                    "relation {relation}: cannot write a remote bag"
                )))
            }
        };
        Ok(BagRef {
            relation,
            app,
            whose,
        })
    }

    /// Write changes to one of this unit's own bags: one `relation-set` (`""` deletes).
    fn relation_set(&self, bag: &BagRef, changes: &Changes) -> Result<(), HookToolsError> {
        let map: serde_json::Map<String, serde_json::Value> = changes
            .iter()
            .map(|(key, value)| {
                let value = value.clone().unwrap_or_default();
                (key.clone(), serde_json::Value::String(value))
            })
            .collect();
        let input = serde_json::Value::Object(map).to_string();
        let id = bag.relation.to_string();
        let mut args = vec!["-r", id.as_str()];
        if bag.app {
            args.push("--app");
        }
        args.extend(["--file", "-"]);
        self.run("relation-set", &args, Some(input.as_bytes()))?;
        Ok(())
    }

    /// The URI of a secret this unit owns, by its label. `secret-info-get` names the secret
    /// by its bare id; the URI is made as `secret-add` prints it (see [`canonical_secret_uri`]).
    fn owned_uri_by_label(&mut self, label: &str) -> Option<String> {
        let info = self
            .json("secret-info-get", &["--label", label, "--format=json"])
            .ok()?;
        let id = info.as_object()?.keys().next()?;
        self.secrets.set_owned(id, true);
        Some(canonical_secret_uri(id, &self.context.model_uuid))
    }

    /// A secret this process created, as `secret-get` would give it (no call), when the
    /// lookup names it by URI or by its label and asks for no other label.
    fn created_secret(&self, id: Option<&str>, label: Option<&str>) -> Option<Secret> {
        let (created, uri) = match (id, label) {
            (Some(id), _) => {
                let created = self.secrets.by_id(id)?;
                if label.is_some() && label != created.label.as_deref() {
                    // Juju attaches the new label: the tool must be asked.
                    return None;
                }
                (created, id.to_owned())
            }
            (None, Some(label)) => {
                let created = self.secrets.by_label(label)?;
                // As `secret-info-get --label` would name it.
                let uri = canonical_secret_uri(
                    super::cache::secret_id(&created.uri),
                    &self.context.model_uuid,
                );
                (created, uri)
            }
            (None, None) => return None,
        };
        Some(Secret {
            id: uri,
            label: label.map(str::to_owned),
            content: created.content.clone(),
        })
    }
}

impl Backend for HookTools {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        let mut relations = Vec::new();
        for id in self.relation_ids(endpoint)? {
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
        Ok(self.remote_model(relation))
    }

    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError> {
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
        let bag = BagRef {
            relation,
            app,
            whose,
        };
        if let Some(entries) = self.bags.get(&bag) {
            return Ok(entries.clone());
        }
        let id = relation.to_string();
        let mut args = vec!["-r", id.as_str(), "--format=json"];
        if app {
            args.push("--app");
        }
        args.extend(["-", bag.whose.as_str()]);
        let value = self.json("relation-get", &args)?;
        let entries = Self::entries("relation-get", value)?;
        Ok(self.bags.read(bag, entries))
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        let bag = self.own_bag(relation, bag)?;
        let changes = changes_of(changes);
        if changes.is_empty() {
            return Ok(());
        }
        if self.buffered {
            self.bags.hold(bag, changes);
        } else {
            self.relation_set(&bag, &changes)?;
            self.bags.written(&bag, &changes);
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), BackendError> {
        let held = self.bags.take_held();
        for (at, (bag, changes)) in held.iter().enumerate() {
            if let Err(error) = self.relation_set(bag, changes) {
                self.bags.hold_again(held[at..].to_vec());
                return Err(error.into());
            }
        }
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
        self.secrets.created(&uri, label, content);
        Ok(uri)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        if let Some(secret) = self.created_secret(id, label) {
            // The owner reads the latest revision: what this process last wrote.
            return Ok(Some(secret));
        }
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
        if let (Some(id), Some(label)) = (id, label) {
            self.secrets.labelled(id, label);
        }
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
        if let Some(owned) = self.secrets.owned(id) {
            return Ok(owned);
        }
        let owned = match self.json("secret-info-get", &[id, "--format=json"]) {
            Ok(_) => true,
            Err(HookToolsError::Failed {
                kind: HostErrorKind::NotFound | HostErrorKind::PermissionDenied,
                ..
            }) => false,
            Err(other) => return Err(other.into()),
        };
        self.secrets.set_owned(id, owned);
        Ok(owned)
    }

    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        let secret_file = SecretFile::write("secret-set", content)?;
        let file = secret_file.path().to_string_lossy().into_owned();
        self.run("secret-set", &[id, "--file", file.as_str()], None)?;
        self.secrets.content_set(id, content);
        Ok(())
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        let relation = relation.to_string();
        self.run("secret-grant", &[id, "-r", relation.as_str()], None)?;
        Ok(())
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        self.run("secret-remove", &[id], None)?;
        self.secrets.removed(id);
        Ok(())
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        let revision = revision.to_string();
        self.run(
            "secret-remove",
            &[id, "--revision", revision.as_str()],
            None,
        )?;
        self.secrets.revision_removed(id);
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
#[path = "backend_tests.rs"]
mod tests;
