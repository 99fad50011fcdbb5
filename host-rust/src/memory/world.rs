//! What the in-memory model holds: applications and their leaders, relations and their
//! databags, secrets and their revisions, grants and consumers, and the log.

use crate::backend::Entries;
use crate::bindings::wit::{LogLevel, RelationId};
use std::collections::{BTreeMap, BTreeSet};

/// A databag: sorted keys, as Juju shows them.
pub type Databag = BTreeMap<String, String>;

/// Who owns a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOwner {
    /// An application (its leader manages the secret).
    App(String),
    /// A unit.
    Unit(String),
}

/// A secret as Juju stores it.
#[derive(Debug, Clone)]
pub struct SecretRecord {
    /// The URI.
    pub uri: String,
    /// The owner.
    pub owner: SecretOwner,
    /// The owner's label.
    pub owner_label: Option<String>,
    /// Revisions, oldest first, numbered from 1; removed ones are `None`.
    pub(super) revisions: Vec<Option<Entries>>,
    /// Labels that consuming applications attached.
    pub(super) consumer_labels: BTreeMap<String, String>,
    /// The revision each consuming application tracks.
    pub(super) tracked: BTreeMap<String, usize>,
    /// Relations the secret is granted on.
    pub(super) grants: BTreeSet<RelationId>,
}

impl SecretRecord {
    /// The newest revision number, if any revision is left.
    pub fn latest_revision(&self) -> Option<usize> {
        self.revisions
            .iter()
            .rposition(Option::is_some)
            .map(|i| i + 1)
    }

    /// The newest content, if any revision is left.
    pub fn latest(&self) -> Option<&Entries> {
        self.revisions.iter().rev().find_map(Option::as_ref)
    }

    /// How many revisions were ever created.
    pub fn revision_count(&self) -> usize {
        self.revisions.len()
    }

    /// The content of a revision (numbered from 1), unless it was removed.
    pub fn revision(&self, revision: usize) -> Option<&Entries> {
        revision
            .checked_sub(1)
            .and_then(|i| self.revisions.get(i))
            .and_then(Option::as_ref)
    }

    /// The relations the secret is granted on.
    pub fn grants(&self) -> &BTreeSet<RelationId> {
        &self.grants
    }

    /// The applications that read it as consumers: each with the label it attached and
    /// the revision it tracks.
    pub fn consumers(&self) -> Vec<(String, Option<String>, Option<usize>)> {
        let apps: BTreeSet<&String> = self
            .consumer_labels
            .keys()
            .chain(self.tracked.keys())
            .collect();
        apps.into_iter()
            .map(|app| {
                (
                    app.clone(),
                    self.consumer_labels.get(app).cloned(),
                    self.tracked.get(app).copied(),
                )
            })
            .collect()
    }
}

/// One relation between two applications.
#[derive(Debug, Clone)]
pub(super) struct RelationRecord {
    pub(super) id: RelationId,
    /// (application, endpoint) of both sides.
    pub(super) sides: [(String, String); 2],
    pub(super) app_bags: BTreeMap<String, Databag>,
    pub(super) unit_bags: BTreeMap<String, Databag>,
}

impl RelationRecord {
    pub(super) fn remote_app(&self, app: &str) -> Option<&str> {
        if self.sides[0].0 == app {
            Some(&self.sides[1].0)
        } else if self.sides[1].0 == app {
            Some(&self.sides[0].0)
        } else {
            None
        }
    }
}

/// A line a unit logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The unit.
    pub unit: String,
    /// The level.
    pub level: LogLevel,
    /// The text.
    pub message: String,
}

/// Everything the model holds, shared by [`super::Juju`] and its units' backends.
#[derive(Debug, Default)]
pub(super) struct World {
    pub(super) model_uuid: String,
    /// Applications of another model (cross-model relations) → that model's uuid.
    pub(super) app_models: BTreeMap<String, String>,
    /// Application → (leader, units).
    pub(super) apps: BTreeMap<String, (Option<String>, Vec<String>)>,
    pub(super) relations: BTreeMap<RelationId, RelationRecord>,
    pub(super) secrets: BTreeMap<String, SecretRecord>,
    pub(super) next_relation: RelationId,
    pub(super) next_secret: u64,
    pub(super) log: Vec<LogLine>,
}

impl World {
    /// The uuid of the model an application lives in.
    pub(super) fn model_of(&self, app: &str) -> &str {
        self.app_models.get(app).unwrap_or(&self.model_uuid)
    }
}
