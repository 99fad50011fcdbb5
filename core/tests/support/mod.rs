//! An in-memory Juju for the protocol's tests: databags with Juju's write rules, secrets with
//! owners, grants, labels and revisions, and a log.

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;

use data_interfaces_core::env::{
    Bag, ChangeSet, Entries, Env, HostError, HostErrorKind, LogLevel, Owner, RelationId,
    RelationInfo, Secret,
};
use indexmap::IndexMap;

/// One secret with its revisions.
#[derive(Clone, Debug)]
pub struct FakeSecret {
    pub id: String,
    /// Whether the local application owns it.
    pub ours: bool,
    pub owner: Owner,
    pub owner_label: Option<String>,
    pub consumer_label: Option<String>,
    pub revisions: Vec<Entries>,
    pub granted: Vec<RelationId>,
    /// For secrets owned by the other side: whether this unit may read it.
    pub visible: bool,
}

impl FakeSecret {
    pub fn content(&self) -> Entries {
        self.revisions.last().cloned().unwrap_or_default()
    }
}

/// The fake world.
#[derive(Debug, Default)]
pub struct FakeEnv {
    pub leader: bool,
    pub app: String,
    pub unit: String,
    pub uuid: String,
    pub relations: Vec<RelationInfo>,
    /// The model of each relation's remote application (none: unknown).
    pub remote_models: HashMap<RelationId, String>,
    /// How many times the protocol asked for a remote model.
    pub remote_model_asks: std::cell::Cell<usize>,
    /// How many secret lookups (`secret_get`) the protocol made.
    pub secret_gets: usize,
    pub bags: HashMap<(RelationId, Bag), IndexMap<String, String>>,
    pub secrets: Vec<FakeSecret>,
    pub applies: usize,
    pub logs: RefCell<Vec<String>>,
    /// Secrets created so far: ids are never reused, and name the application, so that two
    /// models passing secrets across ([`deliver`]) never mistake one's secret for the other's.
    pub created_secrets: usize,
}

impl FakeEnv {
    pub fn new(app: &str, leader: bool) -> Self {
        FakeEnv {
            leader,
            app: app.into(),
            unit: format!("{app}/0"),
            uuid: "model-uuid".into(),
            ..FakeEnv::default()
        }
    }

    pub fn add_relation(&mut self, id: RelationId, endpoint: &str, remote_app: &str) {
        self.relations.push(RelationInfo {
            id,
            endpoint: endpoint.into(),
            remote_app: Some(remote_app.into()),
            remote_units: vec![format!("{remote_app}/0")],
        });
        self.remote_models.insert(id, "model-uuid".into());
    }

    /// Puts every relation's remote side in another model.
    pub fn cross_model(&mut self) {
        for relation in &self.relations {
            self.remote_models
                .insert(relation.id, "remote-model-uuid".into());
        }
    }

    pub fn bag(&self, relation: RelationId, bag: Bag) -> IndexMap<String, String> {
        self.bags.get(&(relation, bag)).cloned().unwrap_or_default()
    }

    pub fn get(&self, relation: RelationId, bag: Bag, key: &str) -> Option<String> {
        self.bag(relation, bag).get(key).cloned()
    }

    pub fn put(&mut self, relation: RelationId, bag: Bag, key: &str, value: &str) {
        self.bags
            .entry((relation, bag))
            .or_default()
            .insert(key.into(), value.into());
    }

    /// A secret owned by the remote side, readable by this unit.
    pub fn remote_secret(&mut self, id: &str, content: &[(&str, &str)]) {
        self.secrets.push(FakeSecret {
            id: id.into(),
            ours: false,
            owner: Owner::Application,
            owner_label: None,
            consumer_label: None,
            revisions: vec![content
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()],
            granted: Vec::new(),
            visible: true,
        });
    }

    pub fn secret(&self, id: &str) -> Option<&FakeSecret> {
        self.secrets.iter().find(|s| s.id == id)
    }

    pub fn secret_by_label(&self, label: &str) -> Option<&FakeSecret> {
        self.secrets.iter().find(|s| {
            s.owner_label.as_deref() == Some(label) || s.consumer_label.as_deref() == Some(label)
        })
    }

    fn error(kind: HostErrorKind, message: &str) -> HostError {
        HostError {
            kind,
            message: message.into(),
        }
    }
}

impl Env for FakeEnv {
    fn remote_model_uuid(&self, relation: RelationId) -> Option<String> {
        self.remote_model_asks.set(self.remote_model_asks.get() + 1);
        self.remote_models.get(&relation).cloned()
    }

    fn relations(&self, endpoint: &str) -> Vec<RelationInfo> {
        self.relations
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .cloned()
            .collect()
    }

    fn read(&self, relation: RelationId, bag: &Bag) -> Result<Entries, HostError> {
        if !self.relations.iter().any(|r| r.id == relation) {
            return Err(Self::error(HostErrorKind::NotFound, "no such relation"));
        }
        if *bag == Bag::LocalApp && !self.leader {
            return Err(Self::error(
                HostErrorKind::NotLeader,
                "only the leader reads its app bag",
            ));
        }
        Ok(self.bag(relation, bag.clone()).into_iter().collect())
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), HostError> {
        match bag {
            Bag::LocalUnit => {}
            Bag::LocalApp if self.leader => {}
            Bag::LocalApp => {
                return Err(Self::error(
                    HostErrorKind::NotLeader,
                    "app bag write by a non-leader",
                ))
            }
            _ => {
                return Err(Self::error(
                    HostErrorKind::PermissionDenied,
                    "not an own bag",
                ))
            }
        }
        self.applies += 1;
        let entries = self.bags.entry((relation, bag.clone())).or_default();
        for (key, value) in &changes.set {
            if value.is_empty() {
                entries.shift_remove(key);
            } else {
                entries.insert(key.clone(), value.clone());
            }
        }
        for key in &changes.delete {
            entries.shift_remove(key);
        }
        Ok(())
    }

    fn is_leader(&self) -> bool {
        self.leader
    }

    fn local_app(&self) -> String {
        self.app.clone()
    }

    fn local_unit(&self) -> String {
        self.unit.clone()
    }

    fn model_uuid(&self) -> String {
        self.uuid.clone()
    }

    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &Entries,
    ) -> Result<String, HostError> {
        if owner == Owner::Application && !self.leader {
            return Err(Self::error(
                HostErrorKind::NotLeader,
                "app secrets need the leader",
            ));
        }
        if content.is_empty() {
            return Err(Self::error(HostErrorKind::InvalidArgument, "empty content"));
        }
        if let Some(label) = label {
            // Juju: owner labels are unique per owner.
            if self
                .secrets
                .iter()
                .any(|s| s.ours && s.owner == owner && s.owner_label.as_deref() == Some(label))
            {
                return Err(Self::error(
                    HostErrorKind::Backend,
                    &format!("secret with label \"{label}\" already exists"),
                ));
            }
        }
        let id = format!("secret:{}{:04}", self.app, self.created_secrets);
        self.created_secrets += 1;
        self.secrets.push(FakeSecret {
            id: id.clone(),
            ours: true,
            owner,
            owner_label: label.map(str::to_string),
            consumer_label: None,
            revisions: vec![content.clone()],
            granted: Vec::new(),
            visible: true,
        });
        Ok(id)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, HostError> {
        self.secret_gets += 1;
        let index = match (id, label) {
            (Some(id), _) => self.secrets.iter().position(|s| s.id == id),
            (None, Some(label)) => self.secrets.iter().position(|s| {
                s.owner_label.as_deref() == Some(label)
                    || s.consumer_label.as_deref() == Some(label)
            }),
            (None, None) => {
                return Err(Self::error(
                    HostErrorKind::InvalidArgument,
                    "neither id nor label",
                ))
            }
        };
        let Some(index) = index else {
            return Ok(None);
        };
        let secret = &mut self.secrets[index];
        if secret.ours && refresh {
            return Err(Self::error(
                HostErrorKind::Backend,
                "ERROR secret owner cannot use --refresh",
            ));
        }
        if !secret.ours && !secret.visible {
            return Err(Self::error(
                HostErrorKind::PermissionDenied,
                "ERROR permission denied",
            ));
        }
        if !secret.ours && id.is_some() {
            if let Some(label) = label {
                secret.consumer_label = Some(label.to_string());
            }
        }
        let label = if secret.ours {
            secret.owner_label.clone()
        } else {
            secret.consumer_label.clone()
        };
        Ok(Some(Secret {
            id: secret.id.clone(),
            label,
            content: secret.content(),
        }))
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, HostError> {
        Ok(self.secret(id).is_some_and(|s| s.ours))
    }

    fn secret_set_content(&mut self, id: &str, content: &Entries) -> Result<(), HostError> {
        let secret = self.secrets.iter_mut().find(|s| s.id == id && s.ours);
        match secret {
            Some(secret) => {
                secret.revisions.push(content.clone());
                Ok(())
            }
            None => Err(Self::error(HostErrorKind::NotFound, "no such owned secret")),
        }
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), HostError> {
        match self.secrets.iter_mut().find(|s| s.id == id && s.ours) {
            Some(secret) => {
                secret.granted.push(relation);
                Ok(())
            }
            None => Err(Self::error(HostErrorKind::NotFound, "no such owned secret")),
        }
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), HostError> {
        self.secrets.retain(|s| s.id != id);
        Ok(())
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), HostError> {
        self.logs
            .borrow_mut()
            .push(format!("removed revision {revision} of {id}"));
        Ok(())
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.logs.borrow_mut().push(format!("{level:?}: {message}"));
    }
}

/// Copies one side's app bag into the other side's view of it, and the secrets granted to it.
pub fn deliver(
    from: &FakeEnv,
    from_relation: RelationId,
    to: &mut FakeEnv,
    to_relation: RelationId,
) {
    for (key, value) in from.bag(from_relation, Bag::LocalApp) {
        to.put(to_relation, Bag::RemoteApp, &key, &value);
    }
    for secret in from
        .secrets
        .iter()
        .filter(|s| s.granted.contains(&from_relation))
    {
        if to.secret(&secret.id).is_none() {
            let content: Vec<(String, String)> = secret.content();
            let pairs: Vec<(&str, &str)> = content
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            to.remote_secret(&secret.id, &pairs);
        }
    }
}
