//! [`Juju`]: the handle on an in-memory model, to set it up (deploy, relate, lead) and to
//! look into it (bags, secrets, log), and to hand out each unit's backend.

use super::unit::UnitBackend;
use super::world::{Databag, LogLine, RelationRecord, SecretRecord, World};
use crate::backend::app_of;
use crate::bindings::wit::RelationId;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// An in-memory Juju model. Cloning gives another handle on the same model.
#[derive(Debug, Clone, Default)]
pub struct Juju {
    world: Rc<RefCell<World>>,
}

impl Juju {
    /// An empty model.
    pub fn new() -> Self {
        let juju = Juju::default();
        juju.world.borrow_mut().model_uuid = "e5ad3f63-7b5c-4c1e-8d6e-4a0a2f1b9c01".to_owned();
        juju
    }

    /// Deploy an application with `units` units; unit 0 is the leader.
    pub fn deploy(&self, app: &str, units: usize) {
        let names: Vec<String> = (0..units).map(|i| format!("{app}/{i}")).collect();
        let leader = names.first().cloned();
        self.world
            .borrow_mut()
            .apps
            .insert(app.to_owned(), (leader, names));
    }

    /// Make a unit the leader of its application.
    pub fn set_leader(&self, unit: &str) {
        if let Some(app) = self.world.borrow_mut().apps.get_mut(app_of(unit)) {
            app.0 = Some(unit.to_owned());
        }
    }

    /// Relate two endpoints; returns the relation id.
    pub fn relate(
        &self,
        app_a: &str,
        endpoint_a: &str,
        app_b: &str,
        endpoint_b: &str,
    ) -> RelationId {
        let mut world = self.world.borrow_mut();
        let id = world.next_relation;
        world.next_relation += 1;
        world.relations.insert(
            id,
            RelationRecord {
                id,
                sides: [
                    (app_a.to_owned(), endpoint_a.to_owned()),
                    (app_b.to_owned(), endpoint_b.to_owned()),
                ],
                app_bags: BTreeMap::new(),
                unit_bags: BTreeMap::new(),
            },
        );
        id
    }

    /// Relate an application of this model to `remote_app`, an application of the model
    /// `remote_model_uuid` (a cross-model relation); returns the relation id. Each side sees the
    /// other's model uuid as its [`Backend::remote_model_uuid`](crate::backend::Backend::remote_model_uuid), and `remote_app`'s units see
    /// `remote_model_uuid` as their own model uuid.
    pub fn relate_cross_model(
        &self,
        local_app: &str,
        local_endpoint: &str,
        remote_app: &str,
        remote_endpoint: &str,
        remote_model_uuid: &str,
    ) -> RelationId {
        self.world
            .borrow_mut()
            .app_models
            .insert(remote_app.to_owned(), remote_model_uuid.to_owned());
        self.relate(local_app, local_endpoint, remote_app, remote_endpoint)
    }

    /// The view of one unit: a backend for the component.
    pub fn unit(&self, unit: &str) -> UnitBackend {
        UnitBackend::new(Rc::clone(&self.world), unit)
    }

    /// An application's bag on a relation (what `juju show-unit` would show).
    pub fn app_bag(&self, relation: RelationId, app: &str) -> Databag {
        let world = self.world.borrow();
        world
            .relations
            .get(&relation)
            .and_then(|r| r.app_bags.get(app).cloned())
            .unwrap_or_default()
    }

    /// A unit's bag on a relation.
    pub fn unit_bag(&self, relation: RelationId, unit: &str) -> Databag {
        let world = self.world.borrow();
        world
            .relations
            .get(&relation)
            .and_then(|r| r.unit_bags.get(unit).cloned())
            .unwrap_or_default()
    }

    /// A secret, by URI.
    pub fn secret(&self, uri: &str) -> Option<SecretRecord> {
        self.world.borrow().secrets.get(uri).cloned()
    }

    /// Every secret's URI.
    pub fn secret_uris(&self) -> Vec<String> {
        self.world.borrow().secrets.keys().cloned().collect()
    }

    /// The uuid of the model an application lives in (this model's, unless the application
    /// was related cross-model).
    pub fn model_of(&self, app: &str) -> String {
        self.world.borrow().model_of(app).to_owned()
    }

    /// Every application: its name, its leader and its units.
    pub fn apps(&self) -> Vec<(String, Option<String>, Vec<String>)> {
        let world = self.world.borrow();
        world
            .apps
            .iter()
            .map(|(app, (leader, units))| (app.clone(), leader.clone(), units.clone()))
            .collect()
    }

    /// Every relation: its id and its two sides (application, endpoint).
    pub fn relations(&self) -> Vec<(RelationId, [(String, String); 2])> {
        let world = self.world.borrow();
        world
            .relations
            .values()
            .map(|r| (r.id, r.sides.clone()))
            .collect()
    }

    /// Everything logged so far.
    pub fn log(&self) -> Vec<LogLine> {
        self.world.borrow().log.clone()
    }
}
