//! [`UnitBackend`]: one unit's view of the in-memory model, a [`Backend`] for the component,
//! with Juju's access rules (own bags, the leader's app bag, secrets by owner and grant).

use super::world::{LogLine, RelationRecord, SecretOwner, SecretRecord, World};
use crate::backend::{app_of, Backend, BackendError, Entries};
use crate::bindings::wit::{
    Bag, ChangeSet, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo, Secret,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// One unit's view of the model.
#[derive(Debug, Clone)]
pub struct UnitBackend {
    world: Rc<RefCell<World>>,
    unit: String,
    app: String,
}

fn not_found(message: String) -> BackendError {
    BackendError::not_found(message)
}

impl UnitBackend {
    /// The view of `unit` on the model.
    pub(super) fn new(world: Rc<RefCell<World>>, unit: &str) -> Self {
        UnitBackend {
            world,
            unit: unit.to_owned(),
            app: app_of(unit).to_owned(),
        }
    }

    /// The unit's name.
    pub fn name(&self) -> &str {
        &self.unit
    }

    fn leader(&self) -> bool {
        let world = self.world.borrow();
        world
            .apps
            .get(&self.app)
            .and_then(|(leader, _)| leader.as_deref())
            == Some(self.unit.as_str())
    }

    /// Whether this unit is the owner (or, for an app secret, a unit of the owning app).
    fn owns(&self, secret: &SecretRecord) -> bool {
        match &secret.owner {
            SecretOwner::App(app) => *app == self.app,
            SecretOwner::Unit(unit) => *unit == self.unit,
        }
    }

    /// Whether this unit's application may read the secret through a grant.
    fn granted(&self, world: &World, secret: &SecretRecord) -> bool {
        secret.grants.iter().any(|id| {
            world.relations.get(id).is_some_and(|r| {
                let owner_app = match &secret.owner {
                    SecretOwner::App(app) => app.as_str(),
                    SecretOwner::Unit(unit) => app_of(unit),
                };
                r.remote_app(owner_app) == Some(self.app.as_str())
            })
        })
    }

    fn relation<'w>(
        &self,
        world: &'w World,
        relation: RelationId,
    ) -> Result<&'w RelationRecord, BackendError> {
        world
            .relations
            .get(&relation)
            .filter(|r| r.remote_app(&self.app).is_some())
            .ok_or_else(|| not_found(format!("relation {relation} not found for {}", self.unit)))
    }
}

/// A URI shaped like the ones `secret-add` prints (Juju 3): `secret://`, the owner's model
/// uuid, `/` and an id of 20 characters of base32hex (an xid).
fn secret_uri(model_uuid: &str, serial: u64) -> String {
    const DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let mut value = u128::from(serial).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    let mut id = format!("secret://{model_uuid}/");
    for _ in 0..20 {
        id.push(char::from(DIGITS[(value & 31) as usize]));
        value >>= 5;
    }
    id
}

/// Juju's rule for secret content keys: lowercase letters, digits and single dashes, at least
/// three characters, starting with a letter.
fn valid_secret_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() >= 3
        && bytes[0].is_ascii_lowercase()
        && !key.ends_with('-')
        && !key.contains("--")
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn check_content(content: &[(String, String)]) -> Result<(), BackendError> {
    if content.is_empty() {
        return Err(BackendError::host(
            HostErrorKind::InvalidArgument,
            "secret content cannot be empty",
        ));
    }
    match content.iter().find(|(k, _)| !valid_secret_key(k)) {
        Some((key, _)) => Err(BackendError::host(
            HostErrorKind::InvalidArgument,
            format!("invalid secret key {key:?}"),
        )),
        None => Ok(()),
    }
}

impl Backend for UnitBackend {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        let world = self.world.borrow();
        Ok(world
            .relations
            .values()
            .filter_map(|r| {
                let local = r
                    .sides
                    .iter()
                    .position(|(app, ep)| *app == self.app && ep == endpoint)?;
                let remote = &r.sides[1 - local].0;
                let remote_units = world
                    .apps
                    .get(remote)
                    .map(|(_, units)| units.clone())
                    .unwrap_or_default();
                Some(RelationInfo {
                    id: r.id,
                    endpoint: endpoint.to_owned(),
                    remote_app: Some(remote.clone()),
                    remote_units,
                })
            })
            .collect())
    }

    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError> {
        let world = self.world.borrow();
        let record = self.relation(&world, relation)?;
        Ok(record
            .remote_app(&self.app)
            .map(|remote| world.model_of(remote).to_owned()))
    }

    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError> {
        let leader = self.leader();
        let world = self.world.borrow();
        let record = self.relation(&world, relation)?;
        let remote = record.remote_app(&self.app).unwrap_or_default();
        // Every unit reads its application's bag of a peer relation (as in ops and Juju).
        let peer = record.sides[0].0 == record.sides[1].0;
        let data = match bag {
            Bag::LocalApp if !leader && !peer => {
                return Err(BackendError::permission_denied(format!(
                    "relation {relation}: only the leader may read the local app bag"
                )))
            }
            Bag::LocalApp => record.app_bags.get(&self.app),
            Bag::LocalUnit => record.unit_bags.get(&self.unit),
            Bag::RemoteApp => record.app_bags.get(remote),
            Bag::RemoteUnit(unit) => {
                if app_of(unit) != remote {
                    return Err(not_found(format!(
                        "relation {relation}: {unit} is not a remote unit"
                    )));
                }
                record.unit_bags.get(unit)
            }
        };
        Ok(data
            .map(|bag| bag.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        let leader = self.leader();
        let mut world = self.world.borrow_mut();
        self.relation(&world, relation)?;
        let owner = match bag {
            Bag::LocalUnit => self.unit.clone(),
            Bag::LocalApp if leader => self.app.clone(),
            Bag::LocalApp => {
                return Err(BackendError::host(
                    HostErrorKind::NotLeader,
                    format!("relation {relation}: only the leader may write the app bag"),
                ))
            }
            _ => {
                return Err(BackendError::permission_denied(format!(
                    "relation {relation}: cannot write a remote bag"
                )))
            }
        };
        let record = world
            .relations
            .get_mut(&relation)
            .ok_or_else(|| not_found(format!("relation {relation} not found")))?;
        let target = match bag {
            Bag::LocalUnit => record.unit_bags.entry(owner).or_default(),
            _ => record.app_bags.entry(owner).or_default(),
        };
        for (key, value) in &changes.set {
            if value.is_empty() {
                target.remove(key);
            } else {
                target.insert(key.clone(), value.clone());
            }
        }
        for key in &changes.delete {
            target.remove(key);
        }
        Ok(())
    }

    fn is_leader(&mut self) -> Result<bool, BackendError> {
        Ok(self.leader())
    }

    fn local_app(&mut self) -> Result<String, BackendError> {
        Ok(self.app.clone())
    }

    fn local_unit(&mut self) -> Result<String, BackendError> {
        Ok(self.unit.clone())
    }

    fn model_uuid(&mut self) -> Result<String, BackendError> {
        Ok(self.world.borrow().model_of(&self.app).to_owned())
    }

    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError> {
        check_content(content)?;
        let owner = match owner {
            Owner::Application if self.leader() => SecretOwner::App(self.app.clone()),
            Owner::Application => {
                return Err(BackendError::host(
                    HostErrorKind::NotLeader,
                    "only the leader may add an application secret",
                ))
            }
            Owner::Unit => SecretOwner::Unit(self.unit.clone()),
        };
        let mut world = self.world.borrow_mut();
        if let Some(label) = label {
            if world
                .secrets
                .values()
                .any(|s| s.owner == owner && s.owner_label.as_deref() == Some(label))
            {
                return Err(BackendError::host(
                    HostErrorKind::InvalidArgument,
                    format!("secret with label {label:?} already exists"),
                ));
            }
        }
        world.next_secret += 1;
        let uri = secret_uri(world.model_of(&self.app), world.next_secret);
        world.secrets.insert(
            uri.clone(),
            SecretRecord {
                uri: uri.clone(),
                owner,
                owner_label: label.map(str::to_owned),
                revisions: vec![Some(content.to_vec())],
                consumer_labels: BTreeMap::new(),
                tracked: BTreeMap::new(),
                grants: BTreeSet::new(),
            },
        );
        Ok(uri)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        let leader = self.leader();
        let mut world = self.world.borrow_mut();
        let uri = match (id, label) {
            (Some(id), _) => id.to_owned(),
            (None, Some(label)) => {
                let found = world.secrets.values().find(|s| {
                    (self.owns(s) && s.owner_label.as_deref() == Some(label))
                        || s.consumer_labels.get(&self.app).map(String::as_str) == Some(label)
                });
                match found {
                    Some(s) => s.uri.clone(),
                    None => return Ok(None),
                }
            }
            (None, None) => {
                return Err(BackendError::host(
                    HostErrorKind::InvalidArgument,
                    "a secret is looked up by URI or label",
                ))
            }
        };
        let Some(secret) = world.secrets.get(&uri).cloned() else {
            return Ok(None);
        };
        if self.owns(&secret) {
            if matches!(secret.owner, SecretOwner::App(_)) && !leader {
                return Err(BackendError::permission_denied(
                    "only the leader may read an application-owned secret's content",
                ));
            }
            if let Some(label) = label {
                if let Some(s) = world.secrets.get_mut(&uri) {
                    s.owner_label = Some(label.to_owned());
                }
            }
            return Ok(secret.latest().map(|content| Secret {
                id: uri.clone(),
                label: label.map(str::to_owned).or(secret.owner_label.clone()),
                content: content.clone(),
            }));
        }
        if !self.granted(&world, &secret) {
            return Err(BackendError::permission_denied(format!(
                "secret {uri} is not granted to {}",
                self.app
            )));
        }
        let latest = secret.latest_revision().unwrap_or(0);
        let Some(s) = world.secrets.get_mut(&uri) else {
            return Ok(None);
        };
        if let Some(label) = label {
            s.consumer_labels.insert(self.app.clone(), label.to_owned());
        }
        let tracked = *s.tracked.entry(self.app.clone()).or_insert(latest);
        let revision = if refresh { latest } else { tracked };
        s.tracked.insert(self.app.clone(), revision);
        let content = revision
            .checked_sub(1)
            .and_then(|i| s.revisions.get(i).cloned().flatten());
        Ok(content.map(|content| Secret {
            id: uri.clone(),
            label: s.consumer_labels.get(&self.app).cloned(),
            content,
        }))
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError> {
        let world = self.world.borrow();
        match world.secrets.get(id) {
            Some(secret) => Ok(self.owns(secret)),
            None => Err(not_found(format!("secret {id} not found"))),
        }
    }

    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        check_content(content)?;
        let mut world = self.world.borrow_mut();
        let secret = world
            .secrets
            .get_mut(id)
            .ok_or_else(|| not_found(format!("secret {id} not found")))?;
        if !self.owns(secret) {
            return Err(BackendError::permission_denied(format!(
                "secret {id} is not owned by {}",
                self.unit
            )));
        }
        secret.revisions.push(Some(content.to_vec()));
        Ok(())
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        let mut world = self.world.borrow_mut();
        self.relation(&world, relation)?;
        let secret = world
            .secrets
            .get_mut(id)
            .ok_or_else(|| not_found(format!("secret {id} not found")))?;
        if !self.owns(secret) {
            return Err(BackendError::permission_denied(format!(
                "secret {id} is not owned by {}",
                self.unit
            )));
        }
        secret.grants.insert(relation);
        Ok(())
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        let mut world = self.world.borrow_mut();
        match world.secrets.get(id) {
            Some(secret) if self.owns(secret) => {
                world.secrets.remove(id);
                Ok(())
            }
            Some(_) => Err(BackendError::permission_denied(format!(
                "secret {id} is not owned by {}",
                self.unit
            ))),
            None => Err(not_found(format!("secret {id} not found"))),
        }
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        let mut world = self.world.borrow_mut();
        let secret = world
            .secrets
            .get_mut(id)
            .ok_or_else(|| not_found(format!("secret {id} not found")))?;
        if !self.owns(secret) {
            return Err(BackendError::permission_denied(format!(
                "secret {id} is not owned by {}",
                self.unit
            )));
        }
        let slot = usize::try_from(revision)
            .ok()
            .and_then(|r| r.checked_sub(1))
            .and_then(|i| secret.revisions.get_mut(i))
            .ok_or_else(|| not_found(format!("secret {id} has no revision {revision}")))?;
        *slot = None;
        Ok(())
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        self.world.borrow_mut().log.push(LogLine {
            unit: self.unit.clone(),
            level,
            message: message.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Juju;

    fn model() -> (Juju, RelationId) {
        let juju = Juju::new();
        juju.deploy("client", 2);
        juju.deploy("db", 1);
        let id = juju.relate("client", "database", "db", "database");
        (juju, id)
    }

    fn set(key: &str, value: &str) -> ChangeSet {
        ChangeSet {
            set: vec![(key.to_owned(), value.to_owned())],
            delete: Vec::new(),
        }
    }

    fn kind(error: BackendError) -> HostErrorKind {
        match error {
            BackendError::Host(e) => e.kind,
            BackendError::Fatal(e) => panic!("unexpected fatal error {e}"),
        }
    }

    #[test]
    fn a_cross_model_relation_shows_each_side_the_other_model() {
        let juju = Juju::new();
        juju.deploy("client", 1);
        juju.deploy("db", 1);
        let id = juju.relate_cross_model("db", "database", "client", "database", "remote-uuid");
        let local = juju.unit("db/0").model_uuid().unwrap();
        let remote = juju.unit("client/0").model_uuid().unwrap();
        assert_eq!(remote, "remote-uuid");
        assert_ne!(local, remote);
        let seen_by_db = juju.unit("db/0").relations("database").unwrap();
        assert_eq!(seen_by_db[0].id, id);
        assert_eq!(
            juju.unit("db/0").remote_model_uuid(id).unwrap().as_deref(),
            Some("remote-uuid")
        );
        assert_eq!(
            juju.unit("client/0").remote_model_uuid(id).unwrap(),
            Some(local)
        );
    }

    #[test]
    fn a_unit_writes_its_own_unit_bag() {
        let (juju, id) = model();
        juju.unit("client/1")
            .apply(id, &Bag::LocalUnit, &set("k", "v"))
            .unwrap();
        assert_eq!(juju.unit_bag(id, "client/1").get("k").unwrap(), "v");
    }

    #[test]
    fn only_the_leader_writes_the_app_bag() {
        let (juju, id) = model();
        let error = juju
            .unit("client/1")
            .apply(id, &Bag::LocalApp, &set("k", "v"))
            .unwrap_err();
        assert_eq!(kind(error), HostErrorKind::NotLeader);
        juju.unit("client/0")
            .apply(id, &Bag::LocalApp, &set("k", "v"))
            .unwrap();
        assert_eq!(juju.app_bag(id, "client").get("k").unwrap(), "v");
    }

    #[test]
    fn only_the_leader_reads_its_own_app_bag() {
        let (juju, id) = model();
        let error = juju.unit("client/1").read(id, &Bag::LocalApp).unwrap_err();
        assert_eq!(kind(error), HostErrorKind::PermissionDenied);
    }

    #[test]
    fn remote_bags_cannot_be_written() {
        let (juju, id) = model();
        let error = juju
            .unit("client/0")
            .apply(id, &Bag::RemoteApp, &set("k", "v"))
            .unwrap_err();
        assert_eq!(kind(error), HostErrorKind::PermissionDenied);
    }

    #[test]
    fn writing_an_empty_value_deletes_the_key() {
        let (juju, id) = model();
        let mut unit = juju.unit("client/0");
        unit.apply(id, &Bag::LocalUnit, &set("k", "v")).unwrap();
        unit.apply(id, &Bag::LocalUnit, &set("k", "")).unwrap();
        assert!(juju.unit_bag(id, "client/0").is_empty());
    }

    #[test]
    fn the_remote_side_reads_what_was_written() {
        let (juju, id) = model();
        juju.unit("client/0")
            .apply(id, &Bag::LocalApp, &set("version", "v1"))
            .unwrap();
        let bag = juju.unit("db/0").read(id, &Bag::RemoteApp).unwrap();
        assert_eq!(bag, vec![("version".to_owned(), "v1".to_owned())]);
    }

    #[test]
    fn a_secret_is_hidden_from_other_apps_until_granted() {
        let (juju, id) = model();
        let content = vec![("password".to_owned(), "hunter22".to_owned())];
        let uri = juju
            .unit("db/0")
            .secret_add(Owner::Application, Some("l"), &content)
            .unwrap();
        let mut client = juju.unit("client/0");
        let error = client.secret_get(Some(&uri), None, false).unwrap_err();
        assert_eq!(kind(error), HostErrorKind::PermissionDenied);
        juju.unit("db/0").secret_grant(&uri, id).unwrap();
        let secret = client
            .secret_get(Some(&uri), Some("mine"), true)
            .unwrap()
            .unwrap();
        assert_eq!(secret.content, content);
        assert_eq!(secret.label.as_deref(), Some("mine"));
        let by_label = client
            .secret_get(None, Some("mine"), false)
            .unwrap()
            .unwrap();
        assert_eq!(by_label.id, uri);
    }

    #[test]
    fn a_consumer_sees_its_tracked_revision_until_it_refreshes() {
        let (juju, id) = model();
        let v1 = vec![("password".to_owned(), "one".to_owned())];
        let v2 = vec![("password".to_owned(), "two".to_owned())];
        let mut owner = juju.unit("db/0");
        let uri = owner.secret_add(Owner::Application, None, &v1).unwrap();
        owner.secret_grant(&uri, id).unwrap();
        let mut client = juju.unit("client/0");
        assert_eq!(
            client
                .secret_get(Some(&uri), None, false)
                .unwrap()
                .unwrap()
                .content,
            v1
        );
        owner.secret_set_content(&uri, &v2).unwrap();
        assert_eq!(
            client
                .secret_get(Some(&uri), None, false)
                .unwrap()
                .unwrap()
                .content,
            v1
        );
        assert_eq!(
            client
                .secret_get(Some(&uri), None, true)
                .unwrap()
                .unwrap()
                .content,
            v2
        );
    }

    #[test]
    fn only_the_owner_changes_grants_or_removes_a_secret() {
        let (juju, id) = model();
        let content = vec![("password".to_owned(), "x".to_owned())];
        let uri = juju
            .unit("db/0")
            .secret_add(Owner::Application, None, &content)
            .unwrap();
        let mut client = juju.unit("client/0");
        assert!(!client.secret_owned(&uri).unwrap());
        for error in [
            client.secret_set_content(&uri, &content).unwrap_err(),
            client.secret_grant(&uri, id).unwrap_err(),
            client.secret_remove(&uri).unwrap_err(),
        ] {
            assert_eq!(kind(error), HostErrorKind::PermissionDenied);
        }
    }

    #[test]
    fn secret_keys_follow_jujus_rule() {
        let (juju, _) = model();
        let bad = vec![("Password".to_owned(), "x".to_owned())];
        let error = juju
            .unit("db/0")
            .secret_add(Owner::Application, None, &bad)
            .unwrap_err();
        assert_eq!(kind(error), HostErrorKind::InvalidArgument);
        assert!(valid_secret_key("tls-ca"));
        assert!(!valid_secret_key("ab"));
        assert!(!valid_secret_key("a--b"));
    }

    #[test]
    fn only_the_leader_adds_an_application_secret() {
        let (juju, _) = model();
        let content = vec![("password".to_owned(), "x".to_owned())];
        let error = juju
            .unit("client/1")
            .secret_add(Owner::Application, None, &content)
            .unwrap_err();
        assert_eq!(kind(error), HostErrorKind::NotLeader);
        assert!(juju
            .unit("client/1")
            .secret_add(Owner::Unit, None, &content)
            .is_ok());
    }
}
