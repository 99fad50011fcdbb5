//! Reading databags and staging writes to the local unit's own bags, so that each bag gets at
//! most one `apply` per relation, carrying only the keys whose value really changes.

use indexmap::IndexMap;
use serde_json::Value;

use crate::env::{Bag, ChangeSet, Env, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::json;
use crate::wire::Object;

/// The entries of one databag, read once.
#[derive(Clone, Debug)]
pub struct Databag {
    relation: RelationId,
    bag: Bag,
    entries: IndexMap<String, String>,
}

impl Databag {
    /// Reads a whole bag.
    pub fn read(env: &impl Env, relation: RelationId, bag: Bag) -> Result<Self> {
        let entries = env.read(relation, &bag)?.into_iter().collect();
        Ok(Databag {
            relation,
            bag,
            entries,
        })
    }

    /// The relation the bag belongs to.
    pub fn relation(&self) -> RelationId {
        self.relation
    }

    /// Whether the bag has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The raw value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// An [`Error::InvalidDatabag`] about a key of this bag.
    pub fn error(&self, key: &str, reason: impl Into<String>) -> Error {
        Error::databag(self.relation, self.bag.clone(), Some(key), reason)
    }

    /// The entries, in the bag's order.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &String)> {
        self.entries.iter()
    }

    /// An [`Error::InvalidDatabag`] about this bag, naming a key when one is at fault.
    pub fn error_at(&self, key: Option<&str>, reason: impl Into<String>) -> Error {
        Error::databag(self.relation, self.bag.clone(), key, reason)
    }

    /// The JSON value of a key that holds JSON text; `None` when absent.
    pub fn json(&self, key: &str) -> Result<Option<Value>> {
        match self.get(key) {
            None => Ok(None),
            Some(text) => json::loads(text)
                .map(Some)
                .map_err(|e| self.error(key, format!("not valid JSON: {e}"))),
        }
    }

    /// The JSON object of a key that holds one; `None` when absent.
    pub fn json_object(&self, key: &str) -> Result<Option<Object>> {
        match self.json(key)? {
            None => Ok(None),
            Some(Value::Object(object)) => Ok(Some(object)),
            Some(_) => Err(self.error(key, "expected a JSON object")),
        }
    }

    /// The JSON array of a key that holds one; `None` when absent.
    pub fn json_array(&self, key: &str) -> Result<Option<Vec<Value>>> {
        match self.json(key)? {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.error(key, "expected a JSON array")),
        }
    }
}

/// Staged writes to one of the local unit's own bags.
#[derive(Clone, Debug)]
pub struct Staged {
    relation: RelationId,
    bag: Bag,
    current: Databag,
    pending: IndexMap<String, Option<String>>,
}

impl Staged {
    /// Starts staging writes over the bag's current content.
    pub fn new(current: Databag) -> Self {
        let relation = current.relation;
        let bag = current.bag.clone();
        Staged {
            relation,
            bag,
            current,
            pending: IndexMap::new(),
        }
    }

    /// The value a key will have once the staged writes are applied.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.pending.get(key) {
            Some(value) => value.as_deref(),
            None => self.current.get(key),
        }
    }

    /// The bag as it reads now (before the staged writes).
    pub fn current(&self) -> &Databag {
        &self.current
    }

    /// Stages a value; an empty value deletes the key, as Juju does.
    pub fn set(&mut self, key: &str, value: String) {
        let value = if value.is_empty() { None } else { Some(value) };
        self.pending.insert(key.to_string(), value);
    }

    /// Stages a JSON value, written as Python's `json.dumps` writes it.
    pub fn set_json(&mut self, key: &str, value: &Value) {
        self.set(key, json::dumps(value));
    }

    /// Stages a deletion.
    pub fn delete(&mut self, key: &str) {
        self.pending.insert(key.to_string(), None);
    }

    /// The minimal change set: only keys whose value differs from the bag's current content.
    pub fn changes(&self) -> ChangeSet {
        let mut changes = ChangeSet::default();
        for (key, value) in &self.pending {
            match value {
                Some(value) if self.current.get(key) != Some(value.as_str()) => {
                    changes.set.push((key.clone(), value.clone()));
                }
                None if self.current.get(key).is_some() => changes.delete.push(key.clone()),
                _ => {}
            }
        }
        changes
    }

    /// Applies the staged writes in one call; makes no call when nothing changes.
    pub fn commit(self, env: &mut impl Env) -> Result<()> {
        let changes = self.changes();
        if changes.is_empty() {
            return Ok(());
        }
        env.apply(self.relation, &self.bag, &changes)?;
        Ok(())
    }
}

/// The relation with that id on an endpoint, if there is one.
pub fn find_relation(env: &impl Env, endpoint: &str, relation: RelationId) -> Option<RelationInfo> {
    env.relations(endpoint)
        .into_iter()
        .find(|info| info.id == relation)
}

/// Whether a relation crosses models (its remote model is known and is not this one).
pub fn is_cross_model(env: &impl Env, info: &RelationInfo) -> bool {
    env.remote_model_uuid(info.id)
        .is_some_and(|uuid| uuid != env.model_uuid())
}

/// Whether a relation crosses models, asked of the host at most once, and only if needed.
pub struct CrossModel<'a> {
    info: &'a RelationInfo,
    answer: std::cell::Cell<Option<bool>>,
}

impl<'a> CrossModel<'a> {
    /// Nothing asked yet.
    pub fn new(info: &'a RelationInfo) -> Self {
        CrossModel {
            info,
            answer: std::cell::Cell::new(None),
        }
    }

    /// [`is_cross_model`], asked the first time only.
    pub fn get(&self, env: &impl Env) -> bool {
        if let Some(answer) = self.answer.get() {
            return answer;
        }
        let answer = is_cross_model(env, self.info);
        self.answer.set(Some(answer));
        answer
    }
}

/// [`is_cross_model`] for a relation of an endpoint, by id (the library's repository
/// `is_cross_model_relation`); [`Error::MissingRelation`] when the endpoint has no such relation.
pub fn relation_is_cross_model(
    env: &impl Env,
    endpoint: &str,
    relation: RelationId,
) -> Result<bool> {
    let info = find_relation(env, endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    Ok(is_cross_model(env, &info))
}
