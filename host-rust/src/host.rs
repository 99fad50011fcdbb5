//! The component's imports, implemented over a [`Backend`], with the host's checks.
//!
//! The host never trusts the guest: before a backend sees a request, the host refuses a write
//! to a bag this unit does not own, a write to the app bag by a non-leader, data over the
//! host-call bound, and a change to a secret this unit does not own. A refusal reaches the
//! component as a `host-error`, and the host also keeps the first refusal of the call, so the
//! call fails with [`crate::Error::Refused`] even if the component hides it.

use crate::backend::{Backend, BackendError};
use crate::bindings::charm::data_interfaces::{databag, log, secrets, types};
use crate::bindings::wit::{
    Bag, ChangeSet, HostError, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo, Secret,
};
use crate::error::bag_name;
use crate::sandbox::{entries_bytes, Limits, MemoryCap};
use std::collections::HashSet;

/// What a store holds: the backend, the bounds, and what went wrong in the current call.
pub struct HostState {
    backend: Box<dyn Backend>,
    limits: Limits,
    memory: MemoryCap,
    fatal: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    refused: Option<HostError>,
    /// The secrets this call created or found owned: the ownership check of a later change to
    /// them asks the backend nothing (no `secret-get`/`secret-info-get` after `secret-add`).
    owned: HashSet<String>,
}

/// The result type of an import that reports host errors to the guest.
type Reply<T> = wasmtime::Result<Result<T, HostError>>;

impl HostState {
    pub(crate) fn new(backend: Box<dyn Backend>, limits: Limits) -> Self {
        HostState {
            backend,
            limits,
            memory: MemoryCap::new(limits.memory_bytes),
            fatal: None,
            refused: None,
            owned: HashSet::new(),
        }
    }

    pub(crate) fn limiter(&mut self) -> &mut dyn wasmtime::ResourceLimiter {
        &mut self.memory
    }

    pub(crate) fn backend(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    pub(crate) fn into_backend(self) -> Box<dyn Backend> {
        self.backend
    }

    pub(crate) fn replace_backend(&mut self, backend: Box<dyn Backend>) -> Box<dyn Backend> {
        std::mem::replace(&mut self.backend, backend)
    }

    pub(crate) fn begin_call(&mut self) {
        self.fatal = None;
        self.refused = None;
        self.owned.clear();
        self.memory.reset();
    }

    pub(crate) fn take_fatal(&mut self) -> Option<Box<dyn std::error::Error + Send + Sync>> {
        self.fatal.take()
    }

    /// The first request the host refused since the call began.
    pub(crate) fn take_refusal(&mut self) -> Option<HostError> {
        self.refused.take()
    }

    pub(crate) fn memory_cap_hit(&self) -> bool {
        self.memory.hit()
    }

    /// Turn a backend result into a reply: host errors go to the guest, fatal ones trap.
    fn reply<T>(&mut self, result: Result<T, BackendError>) -> Reply<T> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(BackendError::Host(error)) => Ok(Err(error)),
            Err(BackendError::Fatal(error)) => {
                let message = error.to_string();
                self.fatal = Some(error);
                Err(wasmtime::Error::msg(format!("backend aborted: {message}")))
            }
        }
    }

    /// A backend result for an import that has no error channel: any failure traps.
    fn value<T>(&mut self, result: Result<T, BackendError>) -> wasmtime::Result<T> {
        match result {
            Ok(value) => Ok(value),
            Err(BackendError::Fatal(error)) => {
                let message = error.to_string();
                self.fatal = Some(error);
                Err(wasmtime::Error::msg(format!("backend aborted: {message}")))
            }
            Err(BackendError::Host(error)) => {
                let message = format!(
                    "{}: {}",
                    crate::backend::kind_name(error.kind),
                    error.message
                );
                self.fatal = Some(message.clone().into());
                Err(wasmtime::Error::msg(message))
            }
        }
    }

    /// Refuse a request: the component is told, and the call will fail with the refusal.
    fn refuse<T>(&mut self, kind: HostErrorKind, message: String) -> Reply<T> {
        let error = HostError { kind, message };
        if self.refused.is_none() {
            self.refused = Some(error.clone());
        }
        Ok(Err(error))
    }

    /// Refuse data over the host-call bound; `None` lets it through.
    fn too_large<T>(&mut self, what: &str, bytes: usize) -> Option<Reply<T>> {
        let message = self.limits.host_call_refusal(what, bytes)?;
        Some(self.refuse(HostErrorKind::TooLarge, message))
    }

    /// Refuse a change to a secret this unit does not own; `None` lets it through. A failure
    /// of the ownership check itself (the secret does not exist, ...) is the backend's answer.
    fn foreign_secret<T>(&mut self, id: &str, what: &str) -> Option<Reply<T>> {
        if let Some(refusal) = self.too_large("a secret id", id.len()) {
            return Some(refusal);
        }
        if self.owned.contains(id) {
            return None;
        }
        match self.backend.secret_owned(id) {
            Ok(true) => {
                self.owned.insert(id.to_owned());
                None
            }
            Ok(false) => Some(self.refuse(
                HostErrorKind::PermissionDenied,
                format!("the component may not {what} secret {id}: this unit does not own it"),
            )),
            Err(error) => Some(self.reply(Err(error))),
        }
    }
}

impl types::Host for HostState {}
impl crate::host_owned::Host for HostState {}

impl databag::Host for HostState {
    fn relations(&mut self, endpoint: String) -> wasmtime::Result<Vec<RelationInfo>> {
        // No error channel: the component sees no relation, and the call fails as refused.
        if let Some(refusal) = self.too_large::<()>("an endpoint name", endpoint.len()) {
            return refusal.map(|_| Vec::new());
        }
        let result = self.backend.relations(&endpoint);
        self.value(result)
    }

    fn remote_model_uuid(&mut self, relation: RelationId) -> wasmtime::Result<Option<String>> {
        // No error channel: a failure traps, as with `relations`.
        let result = self.backend.remote_model_uuid(relation);
        self.value(result)
    }

    fn read(&mut self, relation: RelationId, bag: Bag) -> Reply<Vec<(String, String)>> {
        if let Bag::RemoteUnit(unit) = &bag {
            if let Some(refusal) = self.too_large("a unit name", unit.len()) {
                return refusal;
            }
        }
        let result = self.backend.read(relation, &bag);
        self.reply(result)
    }

    fn apply(&mut self, relation: RelationId, bag: Bag, changes: ChangeSet) -> Reply<()> {
        match &bag {
            Bag::LocalUnit => {}
            Bag::LocalApp => {
                let leader = self.backend.is_leader();
                match self.value(leader)? {
                    true => {}
                    false => {
                        return self.refuse(
                            HostErrorKind::NotLeader,
                            format!(
                                "relation {relation}: only the leader may write the {}",
                                bag_name(&bag)
                            ),
                        )
                    }
                }
            }
            Bag::RemoteApp | Bag::RemoteUnit(_) => {
                return self.refuse(
                    HostErrorKind::PermissionDenied,
                    format!(
                        "relation {relation}: the component may not write the {}",
                        bag_name(&bag)
                    ),
                )
            }
        }
        let bytes =
            entries_bytes(&changes.set) + changes.delete.iter().map(String::len).sum::<usize>();
        if let Some(refusal) =
            self.too_large(&format!("a change set for relation {relation}"), bytes)
        {
            return refusal;
        }
        if let Some(key) = changes
            .set
            .iter()
            .map(|(k, _)| k)
            .chain(changes.delete.iter())
            .find(|k| k.is_empty())
        {
            return self.refuse(
                HostErrorKind::InvalidArgument,
                format!("relation {relation}: empty databag key {key:?}"),
            );
        }
        let result = self.backend.apply(relation, &bag, &changes);
        self.reply(result)
    }

    fn is_leader(&mut self) -> wasmtime::Result<bool> {
        let result = self.backend.is_leader();
        self.value(result)
    }

    fn local_app(&mut self) -> wasmtime::Result<String> {
        let result = self.backend.local_app();
        self.value(result)
    }

    fn local_unit(&mut self) -> wasmtime::Result<String> {
        let result = self.backend.local_unit();
        self.value(result)
    }

    fn model_uuid(&mut self) -> wasmtime::Result<String> {
        let result = self.backend.model_uuid();
        self.value(result)
    }
}

impl secrets::Host for HostState {
    fn add(
        &mut self,
        owner: Owner,
        label: Option<String>,
        content: Vec<(String, String)>,
    ) -> Reply<String> {
        let bytes = entries_bytes(&content) + label.as_ref().map_or(0, String::len);
        if let Some(refusal) = self.too_large("a new secret's label and content", bytes) {
            return refusal;
        }
        let result = self.backend.secret_add(owner, label.as_deref(), &content);
        if let Ok(id) = &result {
            self.owned.insert(id.clone());
        }
        self.reply(result)
    }

    fn get(
        &mut self,
        id: Option<String>,
        label: Option<String>,
        refresh: bool,
    ) -> Reply<Option<Secret>> {
        let bytes = id.as_ref().map_or(0, String::len) + label.as_ref().map_or(0, String::len);
        if let Some(refusal) = self.too_large("a secret id and label", bytes) {
            return refusal;
        }
        let result = self
            .backend
            .secret_get(id.as_deref(), label.as_deref(), refresh);
        self.reply(result)
    }

    fn owned(&mut self, id: String) -> Reply<bool> {
        if let Some(refusal) = self.too_large("a secret id", id.len()) {
            return refusal;
        }
        let result = self.backend.secret_owned(&id);
        if let Ok(true) = result {
            self.owned.insert(id);
        }
        self.reply(result)
    }

    fn set_content(&mut self, id: String, content: Vec<(String, String)>) -> Reply<()> {
        if let Some(refusal) = self.too_large("a secret's content", entries_bytes(&content)) {
            return refusal;
        }
        if let Some(refusal) = self.foreign_secret(&id, "change") {
            return refusal;
        }
        let result = self.backend.secret_set_content(&id, &content);
        self.reply(result)
    }

    fn grant(&mut self, id: String, relation: RelationId) -> Reply<()> {
        if let Some(refusal) = self.foreign_secret(&id, "grant") {
            return refusal;
        }
        let result = self.backend.secret_grant(&id, relation);
        self.reply(result)
    }

    fn remove(&mut self, id: String) -> Reply<()> {
        if let Some(refusal) = self.foreign_secret(&id, "remove") {
            return refusal;
        }
        let result = self.backend.secret_remove(&id);
        if result.is_ok() {
            self.owned.remove(&id);
        }
        self.reply(result)
    }

    fn remove_revision(&mut self, id: String, revision: i32) -> Reply<()> {
        if let Some(refusal) = self.foreign_secret(&id, "remove a revision of") {
            return refusal;
        }
        let result = self.backend.secret_remove_revision(&id, revision);
        self.reply(result)
    }
}

impl log::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) -> wasmtime::Result<()> {
        let line = self.limits.log_line(&message);
        self.backend.log(level, &line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Juju;

    fn state(unit: &str, limits: Limits) -> (Juju, RelationId, HostState) {
        let juju = Juju::new();
        juju.deploy("client", 2);
        juju.deploy("db", 1);
        let id = juju.relate("client", "database", "db", "database");
        let state = HostState::new(Box::new(juju.unit(unit)), limits);
        (juju, id, state)
    }

    fn changes(key: &str, value: &str) -> ChangeSet {
        ChangeSet {
            set: vec![(key.to_owned(), value.to_owned())],
            delete: Vec::new(),
        }
    }

    fn refused_kind<T: std::fmt::Debug>(reply: Reply<T>) -> HostErrorKind {
        reply.expect("no trap").expect_err("refused").kind
    }

    #[test]
    fn the_host_refuses_a_write_to_a_remote_bag() {
        let (juju, id, mut s) = state("client/0", Limits::default());
        let reply = databag::Host::apply(&mut s, id, Bag::RemoteApp, changes("k", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        let unit = Bag::RemoteUnit("db/0".to_owned());
        let reply = databag::Host::apply(&mut s, id, unit, changes("k", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        assert!(juju.app_bag(id, "db").is_empty());
    }

    #[test]
    fn the_host_refuses_an_app_bag_write_from_a_non_leader() {
        let (juju, id, mut s) = state("client/1", Limits::default());
        let reply = databag::Host::apply(&mut s, id, Bag::LocalApp, changes("k", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::NotLeader);
        assert!(juju.app_bag(id, "client").is_empty());
    }

    #[test]
    fn the_host_refuses_a_change_set_over_the_bound() {
        let limits = Limits {
            host_call_bytes: 64,
            ..Limits::default()
        };
        let (juju, id, mut s) = state("client/0", limits);
        let big = "x".repeat(65);
        let reply = databag::Host::apply(&mut s, id, Bag::LocalUnit, changes("k", &big));
        assert_eq!(refused_kind(reply), HostErrorKind::TooLarge);
        assert!(juju.unit_bag(id, "client/0").is_empty());
    }

    #[test]
    fn the_host_refuses_an_empty_key() {
        let (_, id, mut s) = state("client/0", Limits::default());
        let reply = databag::Host::apply(&mut s, id, Bag::LocalUnit, changes("", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::InvalidArgument);
    }

    #[test]
    fn the_host_refuses_changes_to_a_secret_it_does_not_own() {
        let (juju, id, mut s) = state("client/0", Limits::default());
        let content = vec![("password".to_owned(), "x".to_owned())];
        let mut db = juju.unit("db/0");
        let uri = db.secret_add(Owner::Application, None, &content).unwrap();
        db.secret_grant(&uri, id).unwrap();
        let reply = secrets::Host::set_content(&mut s, uri.clone(), content.clone());
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        let reply = secrets::Host::grant(&mut s, uri.clone(), id);
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        let reply = secrets::Host::remove(&mut s, uri.clone());
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        assert_eq!(juju.secret(&uri).unwrap().revision_count(), 1);
    }

    #[test]
    fn a_refused_secret_read_reaches_the_component_as_a_host_error() {
        let (juju, _, mut s) = state("client/0", Limits::default());
        let content = vec![("password".to_owned(), "s3cr3t-value".to_owned())];
        let uri = juju
            .unit("db/0")
            .secret_add(Owner::Application, None, &content)
            .unwrap();
        let reply = secrets::Host::get(&mut s, Some(uri), None, false);
        let error = reply.expect("no trap").expect_err("refused");
        assert_eq!(error.kind, HostErrorKind::PermissionDenied);
        assert!(!error.message.contains("s3cr3t-value"));
    }

    #[test]
    fn the_first_refusal_of_a_call_is_kept_for_the_caller() {
        let (_, id, mut s) = state("client/1", Limits::default());
        s.begin_call();
        let reply = databag::Host::apply(&mut s, id, Bag::LocalApp, changes("k", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::NotLeader);
        let reply = databag::Host::apply(&mut s, id, Bag::RemoteApp, changes("k", "v"));
        assert_eq!(refused_kind(reply), HostErrorKind::PermissionDenied);
        assert_eq!(s.take_refusal().unwrap().kind, HostErrorKind::NotLeader);
        assert!(s.take_refusal().is_none());
    }

    #[test]
    fn every_string_the_component_hands_the_host_is_bounded() {
        let limits = Limits {
            host_call_bytes: 64,
            ..Limits::default()
        };
        let (_, id, mut s) = state("client/0", limits);
        let big = "x".repeat(65);
        s.begin_call();
        assert!(databag::Host::relations(&mut s, big.clone())
            .unwrap()
            .is_empty());
        assert_eq!(s.take_refusal().unwrap().kind, HostErrorKind::TooLarge);
        let unit = Bag::RemoteUnit(big.clone());
        let kinds = [
            refused_kind(databag::Host::read(&mut s, id, unit)),
            refused_kind(secrets::Host::add(
                &mut s,
                Owner::Unit,
                Some(big.clone()),
                Vec::new(),
            )),
            refused_kind(secrets::Host::get(&mut s, Some(big.clone()), None, false)),
            refused_kind(secrets::Host::get(&mut s, None, Some(big.clone()), false)),
            refused_kind(secrets::Host::owned(&mut s, big.clone())),
            refused_kind(secrets::Host::set_content(&mut s, big.clone(), Vec::new())),
            refused_kind(secrets::Host::grant(&mut s, big.clone(), id)),
            refused_kind(secrets::Host::remove(&mut s, big.clone())),
            refused_kind(secrets::Host::remove_revision(&mut s, big, 1)),
        ];
        assert_eq!(kinds, [HostErrorKind::TooLarge; 9]);
    }

    #[test]
    fn a_backend_error_is_not_a_refusal() {
        let (_, _, mut s) = state("client/0", Limits::default());
        s.begin_call();
        let reply = secrets::Host::set_content(&mut s, "secret:missing".to_owned(), Vec::new());
        assert_eq!(refused_kind(reply), HostErrorKind::NotFound);
        assert!(s.take_refusal().is_none());
    }

    #[test]
    fn an_own_unit_bag_write_goes_through() {
        let (juju, id, mut s) = state("client/1", Limits::default());
        databag::Host::apply(&mut s, id, Bag::LocalUnit, changes("k", "v"))
            .unwrap()
            .unwrap();
        assert_eq!(juju.unit_bag(id, "client/1").get("k").unwrap(), "v");
    }
}
