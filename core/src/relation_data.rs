//! Relation data as the library's relation repository lays it out (spec §9,
//! `OpsRelationRepository`): plain keys in a databag of the relation, secret fields in one Juju
//! secret per group.
//!
//! A group's secret is labelled `{endpoint}.{relation}[.{short_uuid}].{group}.secret` and its
//! URI is held by the databag under `secret-{group}`. The local application's or unit's secret
//! is found by its label, else by that URI; a remote side's secret only through its URI (given
//! by the caller or read from the remote bag), which attaches the label. A new secret is owned
//! by the scope (the application or the unit), granted to the relation when it is not a peer
//! relation, and its URI written to the databag; it gets a revision only when its content
//! changes, and is removed, with its URI key, when its content becomes empty.
//!
//! The local application's data needs leadership, for reads too (the library's
//! `ensure_leader_for_app`); the remote bags are read only. This is an escape hatch: any key
//! can be written, the handlers' own ones (`requests`, `data`, `version`, `alias`) included.
//!
//! ```
//! use data_interfaces_core::relation_data::secret_label;
//!
//! assert_eq!(secret_label("database", 7, None, "user"), "database.7.user.secret");
//! assert_eq!(secret_label("database", 7, Some("4fe3b1c0"), "tls"), "database.7.4fe3b1c0.tls.secret");
//! ```

use indexmap::IndexMap;

use crate::bag::{find_relation, Databag, Staged};
use crate::env::{Bag, Entries, Env, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::json;
use crate::model::FieldSpec;
use crate::secrets;

/// How a relation's data is addressed: the endpoint, the secret fields and the label's short
/// uuid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationDataConfig {
    /// The endpoint (relation name).
    pub endpoint: String,
    /// The secret fields with their group; any key not listed with a group is plain.
    pub fields: Vec<FieldSpec>,
    /// The request id put in the secret labels, if any.
    pub short_uuid: Option<String>,
    /// Secret URIs the caller gives, by group, used before the databag's `secret-{group}`.
    pub secret_uris: Vec<(String, String)>,
}

impl RelationDataConfig {
    /// The secret group of a key, when it is a declared secret field.
    fn group_of(&self, key: &str) -> Option<&str> {
        crate::model::secret_group_of(&self.fields, key)
    }

    /// The secret groups, in the order their first field is declared.
    fn groups(&self) -> Vec<&str> {
        crate::model::secret_groups(&self.fields)
    }

    /// The URI of a group's secret: the caller's, else the databag's `secret-{group}`.
    fn uri_of(&self, bag: &Databag, group: &str) -> Option<String> {
        self.secret_uris
            .iter()
            .find(|(g, _)| g == group)
            .map(|(_, uri)| uri.clone())
            .or_else(|| bag.get(&secrets::uri_key(group)).map(str::to_string))
            .filter(|uri| !uri.is_empty())
    }

    /// The label of a group's secret on a relation.
    fn label(&self, relation: RelationId, group: &str) -> String {
        secret_label(&self.endpoint, relation, self.short_uuid.as_deref(), group)
    }
}

/// One value read from a relation's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationValue {
    /// The key (the field, for a secret field).
    pub key: String,
    /// The string Juju holds.
    pub raw: String,
    /// The value as JSON text: the JSON the string encodes, else the string as a JSON string.
    pub json: String,
}

impl RelationValue {
    fn new(key: &str, raw: &str) -> Self {
        let json = match json::loads(raw) {
            Ok(value) => json::dumps(&value),
            Err(_) => json::dumps_str(raw),
        };
        RelationValue {
            key: key.to_string(),
            raw: raw.to_string(),
            json,
        }
    }
}

/// What [`read`] returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationData {
    /// The databag's entries, in its order.
    pub bag: Vec<RelationValue>,
    /// The declared secret fields that have a non-empty value, in declaration order.
    pub secrets: Vec<RelationValue>,
}

/// The label of a relation repository's secret:
/// `{endpoint}.{relation}[.{short_uuid}].{group}.secret`.
pub fn secret_label(
    endpoint: &str,
    relation: RelationId,
    short_uuid: Option<&str>,
    group: &str,
) -> String {
    secrets::label(endpoint, relation, short_uuid, group)
}

/// The relation with that id on the endpoint, and the scope checked against it: the local
/// application's data needs leadership; a remote unit must be in the relation.
fn relation_for(
    env: &impl Env,
    config: &RelationDataConfig,
    relation: RelationId,
    scope: &Bag,
    call: &str,
) -> Result<RelationInfo> {
    let info =
        find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    match scope {
        Bag::LocalApp if !env.is_leader() => Err(Error::NotLeader(format!(
            "relation data {call} on the application's data can only be called by the leader unit"
        ))),
        Bag::RemoteUnit(unit) if !info.remote_units.contains(unit) => Err(Error::InvalidModel(
            format!("unit {unit} is not in relation {relation}"),
        )),
        _ => Ok(info),
    }
}

/// Reads a group's secret content. The local application's or unit's secret is found by label,
/// else by URI; a remote side's only by URI (attaching the label, reading the latest revision).
/// A secret that does not exist or cannot be seen reads as none, as the library reads it.
fn secret_content(
    env: &mut impl Env,
    scope: &Bag,
    label: &str,
    uri: Option<&str>,
) -> Result<Option<(String, Entries)>> {
    let local = matches!(scope, Bag::LocalApp | Bag::LocalUnit);
    let lookups: Vec<(Option<&str>, Option<&str>, bool)> = match (local, uri) {
        (true, Some(uri)) => vec![(None, Some(label), false), (Some(uri), None, false)],
        (true, None) => vec![(None, Some(label), false)],
        (false, Some(uri)) => vec![(Some(uri), Some(label), true)],
        (false, None) => Vec::new(),
    };
    for (id, by_label, refresh) in lookups {
        match env.secret_get(id, by_label, refresh) {
            Ok(Some(secret)) => return Ok(Some((secret.id, secret.content))),
            Ok(None) => {}
            Err(error)
                if matches!(
                    error.kind,
                    HostErrorKind::NotFound | HostErrorKind::PermissionDenied
                ) =>
            {
                env.log(
                    LogLevel::Debug,
                    &format!("relation secret {label} cannot be read: {:?}", error.kind),
                );
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(None)
}

/// The scope's databag, and the declared secret fields that have a non-empty value (each from
/// its group's secret, found as the module says; a group with no URI for a remote scope has no
/// values, as the library reads it).
pub fn read(
    env: &mut impl Env,
    config: &RelationDataConfig,
    relation: RelationId,
    scope: &Bag,
) -> Result<RelationData> {
    relation_for(env, config, relation, scope, "read")?;
    let bag = Databag::read(env, relation, scope.clone())?;
    let mut data = RelationData {
        bag: bag
            .entries()
            .map(|(key, value)| RelationValue::new(key, value))
            .collect(),
        secrets: Vec::new(),
    };
    for group in config.groups() {
        let label = config.label(relation, group);
        let uri = config.uri_of(&bag, group);
        let Some((_, content)) = secret_content(env, scope, &label, uri.as_deref())? else {
            continue;
        };
        for field in config
            .fields
            .iter()
            .filter(|f| f.secret_group.as_deref() == Some(group))
        {
            if let Some((_, value)) = content
                .iter()
                .find(|(key, value)| *key == field.key && !value.is_empty())
            {
                data.secrets.push(RelationValue::new(&field.key, value));
            }
        }
    }
    Ok(data)
}

/// Sets keys (`Some` string) or deletes them (`None` or an empty string) in the local
/// application's or unit's data. Keys not given are left alone; a key given twice takes its
/// last value. Declared secret fields go to their group's secret as the module says; the
/// databag (plain keys and `secret-{group}` URIs) is written once, with only what changes.
pub fn write(
    env: &mut impl Env,
    config: &RelationDataConfig,
    relation: RelationId,
    scope: &Bag,
    values: &[(String, Option<String>)],
) -> Result<()> {
    let owner = match scope {
        Bag::LocalApp => Owner::Application,
        Bag::LocalUnit => Owner::Unit,
        Bag::RemoteApp | Bag::RemoteUnit(_) => {
            return Err(Error::InvalidModel(format!(
                "the {scope} of relation {relation} is read only"
            )))
        }
    };
    let info = relation_for(env, config, relation, scope, "write")?;
    let mut plain: IndexMap<&str, Option<&str>> = IndexMap::new();
    let mut secret: IndexMap<&str, IndexMap<&str, Option<&str>>> = IndexMap::new();
    for (key, value) in values {
        if key.is_empty() {
            return Err(Error::InvalidModel(
                "a relation data key cannot be empty".into(),
            ));
        }
        let value = value.as_deref().filter(|v| !v.is_empty());
        match config.group_of(key) {
            Some(group) => {
                secret.entry(group).or_default().insert(key, value);
            }
            None => {
                plain.insert(key, value);
            }
        }
    }
    let mut staged = Staged::new(Databag::read(env, relation, scope.clone())?);
    for (key, value) in plain {
        match value {
            Some(value) => staged.set(key, value.to_string()),
            None => staged.delete(key),
        }
    }
    let grant = info.remote_app.as_deref() != Some(env.local_app().as_str());
    for (group, changes) in &secret {
        let label = config.label(relation, group);
        let uri = config.uri_of(staged.current(), group);
        let found = secret_content(env, scope, &label, uri.as_deref())?;
        match update_secret(
            env,
            owner,
            &label,
            found,
            changes,
            grant.then_some(relation),
        )? {
            SecretOutcome::Created(id) => staged.set(&secrets::uri_key(group), id),
            SecretOutcome::Removed => staged.delete(&secrets::uri_key(group)),
            SecretOutcome::Kept => {}
        }
    }
    staged.commit(env)
}

/// Deletes keys: [`write`] with `None` for each.
pub fn delete(
    env: &mut impl Env,
    config: &RelationDataConfig,
    relation: RelationId,
    scope: &Bag,
    keys: &[String],
) -> Result<()> {
    let values: Vec<(String, Option<String>)> =
        keys.iter().map(|key| (key.clone(), None)).collect();
    write(env, config, relation, scope, &values)
}

/// What [`update_secret`] did to a group's secret.
enum SecretOutcome {
    /// It created the secret, with this URI.
    Created(String),
    /// It removed the secret (its content became empty).
    Removed,
    /// It updated the secret, or left it (or its absence) as it was.
    Kept,
}

/// Applies a group's changes to its secret: creates it (granted to `grant_to`) when it does
/// not exist and some value is set, merges otherwise (no revision when nothing changes), and
/// removes all its revisions when its content becomes empty.
fn update_secret(
    env: &mut impl Env,
    owner: Owner,
    label: &str,
    found: Option<(String, Entries)>,
    changes: &IndexMap<&str, Option<&str>>,
    grant_to: Option<RelationId>,
) -> Result<SecretOutcome> {
    let current: IndexMap<String, String> = found
        .as_ref()
        .map(|(_, content)| content.iter().cloned().collect())
        .unwrap_or_default();
    let mut content = current.clone();
    for (key, value) in changes {
        match value {
            Some(value) => {
                content.insert((*key).to_string(), (*value).to_string());
            }
            None => {
                content.shift_remove(*key);
            }
        }
    }
    let Some((id, _)) = found else {
        if content.is_empty() {
            env.log(
                LogLevel::Debug,
                &format!("relation secret {label} does not exist: nothing to delete"),
            );
            return Ok(SecretOutcome::Kept);
        }
        let entries: Entries = content.into_iter().collect();
        let id = env.secret_add(owner, Some(label), &entries)?;
        if let Some(relation) = grant_to {
            env.secret_grant(&id, relation)?;
        }
        env.log(LogLevel::Debug, &format!("relation secret {label} created"));
        return Ok(SecretOutcome::Created(id));
    };
    if content == current {
        return Ok(SecretOutcome::Kept);
    }
    if content.is_empty() {
        env.secret_remove(&id)?;
        env.log(
            LogLevel::Debug,
            &format!("relation secret {label} is empty: all its revisions removed"),
        );
        return Ok(SecretOutcome::Removed);
    }
    let entries: Entries = content.into_iter().collect();
    env.secret_set_content(&id, &entries)?;
    env.log(LogLevel::Debug, &format!("relation secret {label} updated"));
    Ok(SecretOutcome::Kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_json_or_as_strings() {
        let value = RelationValue::new("k", "hello é");
        assert_eq!(value.json, r#""hello \u00e9""#);
        assert_eq!(value.raw, "hello é");
        assert_eq!(RelationValue::new("k", "5").json, "5");
        assert_eq!(
            RelationValue::new("k", r#"{"a": [1, 2]}"#).json,
            r#"{"a": [1, 2]}"#
        );
    }
}
