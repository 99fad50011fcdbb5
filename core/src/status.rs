//! Relation statuses, the provider's side (spec §7): raising, resolving and clearing the
//! statuses in the provider's app bag key `status`, a JSON array sorted by code with one entry
//! per code (`[{"code": 4001, "message": "...", "resolution": "..."}]`).
//!
//! Every call is the leader's: the key lives in the provider's app bag, which only the leader
//! may read or write, so a non-leader gets [`Error::NotLeader`] (the Python library logs and
//! does nothing instead). The requirer reads the same key ([`crate::requirer::statuses`]) and
//! turns its changes into `status-raised` / `status-resolved` events.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::bag::{find_relation, Databag, Staged};
use crate::cache::{self, STATUS_KEY};
use crate::env::{Bag, Env, LogLevel, RelationId};
use crate::error::{Error, Result};
use crate::model::{ProviderConfig, Status};

fn not_leader(call: &str) -> Error {
    Error::NotLeader(format!("{call} can only be called by the leader unit"))
}

/// The leader's app bag of one of the endpoint's relations, for a status call.
fn own_bag(
    env: &impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    call: &str,
) -> Result<Staged> {
    if !env.is_leader() {
        return Err(not_leader(call));
    }
    find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    Ok(Staged::new(Databag::read(env, relation, Bag::LocalApp)?))
}

/// The statuses by code (a later duplicate of a code replaces an earlier one).
fn by_code(statuses: Vec<Status>) -> BTreeMap<i32, Status> {
    statuses
        .into_iter()
        .map(|status| (status.code, status))
        .collect()
}

/// Stages the `status` key: the statuses sorted by code, as `json.dumps` writes the list.
fn stage(bag: &mut Staged, statuses: &BTreeMap<i32, Status>) {
    let items = statuses.values().map(cache::status_value).collect();
    bag.set_json(STATUS_KEY, &Value::Array(items));
}

/// The statuses this provider raises on a relation, sorted by code.
pub fn statuses(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
) -> Result<Vec<Status>> {
    let bag = own_bag(env, config, relation, "statuses")?;
    Ok(by_code(cache::statuses(bag.current())?)
        .into_values()
        .collect())
}

/// Raises a status on a relation; a status with the same code is replaced.
pub fn raise_status(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    status: &Status,
) -> Result<()> {
    raise(env, config, relation, status, "raise-status")
}

fn raise(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    status: &Status,
    call: &str,
) -> Result<()> {
    let mut bag = own_bag(env, config, relation, call)?;
    let mut statuses = by_code(cache::statuses(bag.current())?);
    statuses.insert(status.code, status.clone());
    stage(&mut bag, &statuses);
    bag.commit(env)
}

/// Raises the status of the status schema that has this code; an unknown code is an
/// [`Error::InvalidModel`] naming it.
pub fn raise_status_code(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    code: i32,
) -> Result<()> {
    if !env.is_leader() {
        return Err(not_leader("raise-status-code"));
    }
    let status = config
        .status_schema
        .iter()
        .rev()
        .find(|status| status.code == code)
        .cloned()
        .ok_or_else(|| Error::InvalidModel(format!("Status code [{code}] not defined.")))?;
    raise(env, config, relation, &status, "raise-status-code")
}

/// Resolves a raised status. A code that is not raised is logged and changes nothing.
pub fn resolve_status(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
    code: i32,
) -> Result<()> {
    let mut bag = own_bag(env, config, relation, "resolve-status")?;
    let mut statuses = by_code(cache::statuses(bag.current())?);
    if statuses.remove(&code).is_none() {
        env.log(
            LogLevel::Error,
            &format!("Status [{code}] has never been raised before."),
        );
        return Ok(());
    }
    stage(&mut bag, &statuses);
    bag.commit(env)
}

/// Clears every status of a relation (deletes the `status` key).
pub fn clear_statuses(
    env: &mut impl Env,
    config: &ProviderConfig,
    relation: RelationId,
) -> Result<()> {
    let mut bag = own_bag(env, config, relation, "clear-statuses")?;
    bag.delete(STATUS_KEY);
    bag.commit(env)
}
