//! The `Backend` trait: the world a component talks to (databags, secrets, leadership, log).
//!
//! A backend moves bytes; it makes no protocol decision. The host checks every request the
//! component makes (own bags only, app bag only on the leader, size bounds, secret ownership)
//! before a backend sees it, so a backend can stay a thin adapter over its world.

use crate::bindings::wit::{
    Bag, ChangeSet, HostError, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo, Secret,
};

/// Key, value pairs: a databag or a secret's content.
pub type Entries = Vec<(String, String)>;

/// What a backend call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// A failure the component is told about (and may handle, e.g. a secret not found).
    #[error("{}: {}", kind_name(.0.kind), .0.message)]
    Host(HostError),
    /// A failure that aborts the whole call: the component is stopped and the caller gets
    /// this error back unchanged (for example a Python exception raised inside ops).
    #[error(transparent)]
    Fatal(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl BackendError {
    /// A failure of the given kind, reported to the component.
    pub fn host(kind: HostErrorKind, message: impl Into<String>) -> Self {
        BackendError::Host(HostError {
            kind,
            message: message.into(),
        })
    }

    /// `not-found`, reported to the component.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::host(HostErrorKind::NotFound, message)
    }

    /// `permission-denied`, reported to the component.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::host(HostErrorKind::PermissionDenied, message)
    }
}

/// The application part of a unit name (`app/0` → `app`).
pub fn app_of(unit: &str) -> &str {
    unit.split('/').next().unwrap_or(unit)
}

/// A short name for a host error kind, for messages.
pub fn kind_name(kind: HostErrorKind) -> &'static str {
    match kind {
        HostErrorKind::NotFound => "not found",
        HostErrorKind::PermissionDenied => "permission denied",
        HostErrorKind::NotLeader => "not leader",
        HostErrorKind::TooLarge => "too large",
        HostErrorKind::InvalidArgument => "invalid argument",
        HostErrorKind::Backend => "backend error",
    }
}

/// The imports of the component, implemented over some world: Juju's hook tools, an ops
/// model, or memory.
///
/// Every method sees the local unit's point of view. Methods return [`BackendError::Host`]
/// for failures the component may handle, and [`BackendError::Fatal`] to abort the call.
pub trait Backend {
    /// The relations of an endpoint.
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError>;
    /// The uuid of the model of a relation's remote application; `None` when the world cannot
    /// tell (the relation is then taken to be inside this model). Asked only when the
    /// protocol needs it (Juju answers it with a hook-tool call of its own).
    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError>;
    /// A whole databag.
    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError>;
    /// Apply sets and deletes to one of the local unit's own bags (already checked by the host).
    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError>;
    /// Whether the local unit is the leader.
    fn is_leader(&mut self) -> Result<bool, BackendError>;
    /// The local application's name.
    fn local_app(&mut self) -> Result<String, BackendError>;
    /// The local unit's name.
    fn local_unit(&mut self) -> Result<String, BackendError>;
    /// The local model's uuid.
    fn model_uuid(&mut self) -> Result<String, BackendError>;
    /// Create a secret; returns its URI.
    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError>;
    /// Look a secret up by URI and/or label; `None` when it does not exist or is not visible.
    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError>;
    /// Whether the local application (or unit) owns the secret.
    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError>;
    /// Replace a secret's content.
    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError>;
    /// Grant a secret to a relation's remote application.
    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError>;
    /// Remove all revisions of a secret.
    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError>;
    /// Remove one revision of a secret.
    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError>;
    /// Write a log line.
    fn log(&mut self, level: LogLevel, message: &str);
    /// Make the writes this backend holds back, if it holds any back (the hook-tool backend
    /// does when made [`buffered`](crate::hooktools::HookTools::buffered): one `relation-set`
    /// per bag for a whole command). A host calls it once the calls of a command or hook have
    /// succeeded, and drops the backend without it after a failure, so that a failed command
    /// writes no bag. A backend that writes at once has nothing to do (the default).
    fn flush(&mut self) -> Result<(), BackendError> {
        Ok(())
    }
}

/// A backend attached to no world: every import fails the call ([`BackendError::Fatal`]) and
/// log lines are dropped. For calls that touch no world (salts, hashes), and for a session
/// whose world is given call by call ([`crate::Session::replace_backend`]) before any call.
pub struct Detached;

fn no_world() -> BackendError {
    BackendError::Fatal("this call has no backend".into())
}

impl Backend for Detached {
    fn relations(&mut self, _: &str) -> Result<Vec<RelationInfo>, BackendError> {
        Err(no_world())
    }
    fn remote_model_uuid(&mut self, _: RelationId) -> Result<Option<String>, BackendError> {
        Err(no_world())
    }
    fn read(&mut self, _: RelationId, _: &Bag) -> Result<Entries, BackendError> {
        Err(no_world())
    }
    fn apply(&mut self, _: RelationId, _: &Bag, _: &ChangeSet) -> Result<(), BackendError> {
        Err(no_world())
    }
    fn is_leader(&mut self) -> Result<bool, BackendError> {
        Err(no_world())
    }
    fn local_app(&mut self) -> Result<String, BackendError> {
        Err(no_world())
    }
    fn local_unit(&mut self) -> Result<String, BackendError> {
        Err(no_world())
    }
    fn model_uuid(&mut self) -> Result<String, BackendError> {
        Err(no_world())
    }
    fn secret_add(
        &mut self,
        _: Owner,
        _: Option<&str>,
        _: &[(String, String)],
    ) -> Result<String, BackendError> {
        Err(no_world())
    }
    fn secret_get(
        &mut self,
        _: Option<&str>,
        _: Option<&str>,
        _: bool,
    ) -> Result<Option<Secret>, BackendError> {
        Err(no_world())
    }
    fn secret_owned(&mut self, _: &str) -> Result<bool, BackendError> {
        Err(no_world())
    }
    fn secret_set_content(&mut self, _: &str, _: &[(String, String)]) -> Result<(), BackendError> {
        Err(no_world())
    }
    fn secret_grant(&mut self, _: &str, _: RelationId) -> Result<(), BackendError> {
        Err(no_world())
    }
    fn secret_remove(&mut self, _: &str) -> Result<(), BackendError> {
        Err(no_world())
    }
    fn secret_remove_revision(&mut self, _: &str, _: i32) -> Result<(), BackendError> {
        Err(no_world())
    }
    fn log(&mut self, _: LogLevel, _: &str) {}
}
