//! Relation aliases of a requirer endpoint (spec section 6.3): a requirer configured with aliases
//! gives each of its relations the first alias no other relation of the endpoint holds, in this
//! unit's bag (and, on the leader, in the application's bag, where `juju show-unit` shows it);
//! every event of that relation, and every response it rejects, carries the alias.
//!
//! [`assign`] is the rule relation-created runs; [`assign_alias`] and [`relation_alias`] are
//! the library's `_assign_relation_alias` and `_get_relation_alias` for the charm-facing API.

use crate::bag::{find_relation, Databag, Staged};
use crate::env::{Bag, Env, LogLevel, RelationId, RelationInfo};
use crate::error::Result;
use crate::model::RequirerConfig;

/// The key of the alias, in this unit's bag and in the leader's application bag.
pub const ALIAS_KEY: &str = "alias";

/// The alias this unit's bag records for a relation of the endpoint (the library's
/// `_get_relation_alias`): none when it records none, or when the endpoint has no relation
/// with that id (the library's answer, not an error).
pub fn relation_alias(
    env: &impl Env,
    config: &RequirerConfig,
    relation: RelationId,
) -> Result<Option<String>> {
    if find_relation(env, &config.endpoint, relation).is_none() {
        return Ok(None);
    }
    recorded(env, relation)
}

/// Gives a relation its alias as relation-created does (the library's
/// `_assign_relation_alias`) and returns it: none without aliases (nothing is read) or for a
/// relation the endpoint does not have; the alias it already has (nothing written); else the
/// first free alias, written to this unit's bag and, on the leader, to the application's bag.
pub fn assign_alias(
    env: &mut impl Env,
    config: &RequirerConfig,
    relation: RelationId,
) -> Result<Option<String>> {
    if config.relation_aliases.is_empty() {
        return Ok(None);
    }
    let Some(info) = find_relation(env, &config.endpoint, relation) else {
        return Ok(None);
    };
    let mut unit = Staged::new(Databag::read(env, info.id, Bag::LocalUnit)?);
    let mut app = if env.is_leader() {
        Some(Staged::new(Databag::read(env, info.id, Bag::LocalApp)?))
    } else {
        None
    };
    let alias = assign(env, config, &info, &mut unit, app.as_mut())?;
    unit.commit(env)?;
    if let Some(app) = app {
        app.commit(env)?;
    }
    Ok(alias)
}

/// The alias this unit's bag records for a relation (the alias events and rejections carry).
pub(crate) fn recorded(env: &impl Env, relation: RelationId) -> Result<Option<String>> {
    Ok(Databag::read(env, relation, Bag::LocalUnit)?
        .get(ALIAS_KEY)
        .map(str::to_string))
}

/// Stages the relation's alias: the one it has, else the first alias no other relation of the
/// endpoint uses (in `unit`, and in `app` when the caller is the leader). Returns the alias;
/// none without aliases, or when every alias is taken (logged as a warning).
pub(crate) fn assign(
    env: &impl Env,
    config: &RequirerConfig,
    info: &RelationInfo,
    unit: &mut Staged,
    app: Option<&mut Staged>,
) -> Result<Option<String>> {
    if config.relation_aliases.is_empty() {
        return Ok(None);
    }
    if let Some(alias) = unit.get(ALIAS_KEY) {
        return Ok(Some(alias.to_string()));
    }
    let mut used = Vec::new();
    for other in env.relations(&config.endpoint) {
        if other.id != info.id {
            if let Some(alias) = recorded(env, other.id)? {
                used.push(alias);
            }
        }
    }
    let Some(alias) = config
        .relation_aliases
        .iter()
        .find(|alias| !used.contains(alias))
    else {
        env.log(
            LogLevel::Warning,
            &format!("no free relation alias for relation {}", info.id),
        );
        return Ok(None);
    };
    unit.set(ALIAS_KEY, alias.clone());
    if let Some(app) = app {
        app.set(ALIAS_KEY, alias.clone());
    }
    Ok(Some(alias.clone()))
}
