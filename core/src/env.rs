//! The world as the protocol sees it: databags, secrets, leadership and the log, behind one trait.
//!
//! The protocol logic never talks to Juju, a host or wit-bindgen directly; it goes through
//! [`Env`]. The component implements it over its imports, the tests over an in-memory fake.

use std::fmt;

/// A Juju relation id, as the local unit sees it.
pub type RelationId = i32;

/// One databag of a relation, seen from the local unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Bag {
    /// The local application's bag (only the leader may write it).
    LocalApp,
    /// The local unit's own bag.
    LocalUnit,
    /// The remote application's bag.
    RemoteApp,
    /// A remote unit's bag, by unit name.
    RemoteUnit(String),
}

impl fmt::Display for Bag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bag::LocalApp => f.write_str("local application bag"),
            Bag::LocalUnit => f.write_str("local unit bag"),
            Bag::RemoteApp => f.write_str("remote application bag"),
            Bag::RemoteUnit(unit) => write!(f, "bag of remote unit {unit}"),
        }
    }
}

/// Key/value pairs: a databag's entries or a secret's content.
pub type Entries = Vec<(String, String)>;

/// Changes to one of the local unit's own bags, applied in one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Keys to set to a non-empty value.
    pub set: Entries,
    /// Keys to delete.
    pub delete: Vec<String>,
}

impl ChangeSet {
    /// Whether applying this change set would change nothing.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.delete.is_empty()
    }
}

/// A relation as the local unit sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationInfo {
    /// The relation id.
    pub id: RelationId,
    /// The local endpoint name.
    pub endpoint: String,
    /// The remote application, when Juju knows it.
    pub remote_app: Option<String>,
    /// The remote units currently in the relation.
    pub remote_units: Vec<String>,
}

/// Who owns a secret the protocol creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The local application.
    Application,
    /// The local unit.
    Unit,
}

/// A secret as a consumer or owner reads it. Its `Debug` output never shows the content.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    /// The secret's URI (`secret:...`).
    pub id: String,
    /// The label this unit knows it by.
    pub label: Option<String>,
    /// The content.
    pub content: Entries,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.content.iter().map(|(key, _)| key.as_str()).collect();
        f.debug_struct("Secret")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("content_keys", &keys)
            .finish()
    }
}

/// What kind of failure the world reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostErrorKind {
    /// The bag, relation or secret does not exist.
    NotFound,
    /// Juju or the host's sandbox does not allow it.
    PermissionDenied,
    /// The operation needs leadership.
    NotLeader,
    /// The data is over the host's size bound.
    TooLarge,
    /// The arguments are malformed.
    InvalidArgument,
    /// Anything else.
    Backend,
}

/// A failure reported by the world.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct HostError {
    /// What kind of failure.
    pub kind: HostErrorKind,
    /// The host's description.
    pub message: String,
}

/// Log levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected that was tolerated.
    Warning,
    /// Something failed.
    Error,
}

/// Everything the protocol needs from the world.
pub trait Env {
    /// The relations of an endpoint.
    fn relations(&self, endpoint: &str) -> Vec<RelationInfo>;
    /// The uuid of the model of a relation's remote application; none when unknown (the
    /// relation is then taken to be inside this model). Asked only when the protocol needs it:
    /// under Juju it is a hook-tool call of its own.
    fn remote_model_uuid(&self, relation: RelationId) -> Option<String>;
    /// A whole databag.
    fn read(&self, relation: RelationId, bag: &Bag) -> Result<Entries, HostError>;
    /// Applies sets and deletes to one of the local unit's own bags, in one call.
    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), HostError>;
    /// Whether the local unit is the leader.
    fn is_leader(&self) -> bool;
    /// The local application's name.
    fn local_app(&self) -> String;
    /// The local unit's name.
    fn local_unit(&self) -> String;
    /// The local model's uuid.
    fn model_uuid(&self) -> String;
    /// Creates a secret; returns its URI.
    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &Entries,
    ) -> Result<String, HostError>;
    /// Looks a secret up by URI and/or label (a consumer passing both attaches the label).
    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, HostError>;
    /// Whether the local application or unit owns the secret.
    fn secret_owned(&mut self, id: &str) -> Result<bool, HostError>;
    /// Replaces a secret's content (a new revision).
    fn secret_set_content(&mut self, id: &str, content: &Entries) -> Result<(), HostError>;
    /// Grants a secret to a relation's remote application.
    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), HostError>;
    /// Removes all revisions of a secret.
    fn secret_remove(&mut self, id: &str) -> Result<(), HostError>;
    /// Removes one revision of a secret.
    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), HostError>;
    /// Writes a line to the log; never carries a secret value.
    fn log(&self, level: LogLevel, message: &str);
}
