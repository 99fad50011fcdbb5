//! Peer relation data (spec §9): a peer model's plain fields live in the peer databag of a
//! scope (the application, this unit, or another unit, read only), its secret fields in one
//! Juju secret per (relation, scope, group).
//!
//! The secrets are found by label only, never by a URI in the databag:
//! `{endpoint}.{local_app}.{scope}` for the group `extra`, `{endpoint}.{local_app}.{scope}.{group}`
//! for any other group. The application owns the app scope's secrets, the unit the unit
//! scope's. A secret is created on the first non-empty value, updated by merging (no new
//! revision when nothing changes, one revision per group and call otherwise), and loses all its
//! revisions when its content becomes empty. Peers share an application, so nothing is granted.
//!
//! ```
//! use data_interfaces_core::model::FieldSpec;
//! use data_interfaces_core::peer::{secret_label, PeerConfig, PeerScope};
//!
//! let config = PeerConfig {
//!     endpoint: "database-peers".into(),
//!     fields: vec![FieldSpec { key: "admin-password".into(), secret_group: Some("extra".into()) }],
//! };
//! assert_eq!(
//!     secret_label(&config.endpoint, "database", &PeerScope::App, "extra"),
//!     "database-peers.database.app"
//! );
//! ```

use indexmap::IndexMap;
use serde_json::Value;

use crate::bag::{find_relation, Databag, Staged};
use crate::env::{Bag, Entries, Env, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::json;
use crate::model::FieldSpec;

/// The group whose label has no group suffix.
const EXTRA_GROUP: &str = "extra";

/// What the library answers when asked to change another unit's data.
pub const OTHER_UNIT_READ_ONLY: &str = "It's not possible to update data of another unit.";

/// Whose data of a peer relation a call reads or writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerScope {
    /// The local application's data; writing it needs leadership.
    App,
    /// The local unit's data.
    Unit,
    /// Another unit's data, by unit name; read only.
    OtherUnit(String),
}

impl PeerScope {
    /// The scope's name in secret labels: `app`, or `unit` (for another unit too, as the
    /// library computes it).
    pub fn label_part(&self) -> &'static str {
        match self {
            PeerScope::App => "app",
            PeerScope::Unit | PeerScope::OtherUnit(_) => "unit",
        }
    }
}

/// How a peer relation's data is laid out: the endpoint and the peer model's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerConfig {
    /// The peer endpoint (relation name).
    pub endpoint: String,
    /// The model's fields: plain ones by wire key, secret ones with their group.
    pub fields: Vec<FieldSpec>,
}

impl PeerConfig {
    /// The secret group of a key, when it is a declared secret field.
    fn group_of(&self, key: &str) -> Option<&str> {
        crate::model::secret_group_of(&self.fields, key)
    }

    /// The secret groups, in the order their first field is declared.
    fn groups(&self) -> Vec<&str> {
        crate::model::secret_groups(&self.fields)
    }
}

/// The label of a peer secret: `{endpoint}.{local_app}.{scope}`, then `.{group}` unless the
/// group is `extra`.
pub fn secret_label(endpoint: &str, local_app: &str, scope: &PeerScope, group: &str) -> String {
    let scope = scope.label_part();
    if group == EXTRA_GROUP {
        format!("{endpoint}.{local_app}.{scope}")
    } else {
        format!("{endpoint}.{local_app}.{scope}.{group}")
    }
}

/// [`secret_label`] with the local application's name from the environment.
pub fn local_secret_label(
    env: &impl Env,
    endpoint: &str,
    scope: &PeerScope,
    group: &str,
) -> String {
    secret_label(endpoint, &env.local_app(), scope, group)
}

/// The peer relation with that id on the endpoint: it must exist, and relate the local
/// application with itself.
fn peer_relation(
    env: &impl Env,
    config: &PeerConfig,
    relation: RelationId,
) -> Result<RelationInfo> {
    let info =
        find_relation(env, &config.endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    if let Some(remote) = &info.remote_app {
        if *remote != env.local_app() {
            return Err(Error::InvalidModel(format!(
                "relation {relation} on `{}` is not a peer relation (its remote application is `{remote}`)",
                config.endpoint
            )));
        }
    }
    Ok(info)
}

/// The databag a scope reads. A non-leader reads the application's data as the relation's
/// remote application, which in a peer relation is its own (Juju lets every unit read it).
fn read_bag(env: &impl Env, scope: &PeerScope) -> Bag {
    match scope {
        PeerScope::App if env.is_leader() => Bag::LocalApp,
        PeerScope::App => Bag::RemoteApp,
        PeerScope::Unit => Bag::LocalUnit,
        PeerScope::OtherUnit(unit) => Bag::RemoteUnit(unit.clone()),
    }
}

/// A databag value as JSON text: JSON text stays (re-serialised as Python writes it), any
/// other text becomes a JSON string, as the library reads its databags.
fn bag_value_as_json(text: &str) -> String {
    match json::loads(text) {
        Ok(value) => json::dumps(&value),
        Err(_) => json::dumps_str(text),
    }
}

/// Looks up this unit's or application's secret by label. A secret that does not exist or
/// cannot be seen reads as none (the library does the same).
fn find_secret(env: &mut impl Env, label: &str) -> Result<Option<crate::env::Secret>> {
    match env.secret_get(None, Some(label), false) {
        Ok(found) => Ok(found),
        Err(error)
            if matches!(
                error.kind,
                HostErrorKind::NotFound | HostErrorKind::PermissionDenied
            ) =>
        {
            env.log(
                LogLevel::Debug,
                &format!("peer secret {label} cannot be read: {:?}", error.kind),
            );
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// The data of a scope, by wire key, with each value as JSON text: the declared fields that
/// have a value (declaration order; secret fields filled from their group's secret), then the
/// databag's other keys in its order.
///
/// Another unit's secret fields are not read: its secrets are its own, and the library's
/// lookup would return this unit's secret under the same label (spec §9).
pub fn read(
    env: &mut impl Env,
    config: &PeerConfig,
    relation: RelationId,
    scope: &PeerScope,
) -> Result<Vec<(String, String)>> {
    check_other_unit(env, scope)?;
    peer_relation(env, config, relation)?;
    let bag = Databag::read(env, relation, read_bag(env, scope))?;
    let mut contents: IndexMap<&str, Entries> = IndexMap::new();
    if !matches!(scope, PeerScope::OtherUnit(_)) {
        let app = env.local_app();
        for group in config.groups() {
            let label = secret_label(&config.endpoint, &app, scope, group);
            if let Some(secret) = find_secret(env, &label)? {
                contents.insert(group, secret.content);
            }
        }
    }
    let mut values = Vec::new();
    for field in &config.fields {
        let value = match field.secret_group.as_deref() {
            Some(group) => contents
                .get(group)
                .and_then(|content| content.iter().find(|(key, _)| *key == field.key))
                .map(|(_, value)| value)
                .filter(|value| !value.is_empty())
                .map(|value| json::dumps_str(value)),
            None => bag.get(&field.key).map(bag_value_as_json),
        };
        if let Some(value) = value {
            values.push((field.key.clone(), value));
        }
    }
    for (key, value) in bag.entries() {
        if !config.fields.iter().any(|field| field.key == *key) {
            values.push((key.clone(), bag_value_as_json(value)));
        }
    }
    Ok(values)
}

/// Refuses another-unit scope naming the local unit (the library refuses it too).
fn check_other_unit(env: &impl Env, scope: &PeerScope) -> Result<()> {
    match scope {
        PeerScope::OtherUnit(unit) if *unit == env.local_unit() => Err(Error::InvalidModel(
            format!("{unit} is the local unit: use the unit scope"),
        )),
        _ => Ok(()),
    }
}

/// The value a write stores: a JSON string as it is, other JSON as JSON text; `None` for null,
/// an empty string or no value (a deletion). The error names the key, never the value.
fn stored_value(key: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(text) = value else {
        return Ok(None);
    };
    match json::loads(text) {
        Ok(Value::Null) => Ok(None),
        Ok(Value::String(text)) if text.is_empty() => Ok(None),
        Ok(Value::String(text)) => Ok(Some(text)),
        Ok(other) => Ok(Some(json::dumps(&other))),
        Err(error) => Err(Error::InvalidModel(format!(
            "peer field `{key}` is not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        ))),
    }
}

/// Sets fields (`Some` JSON text) or deletes them (`None`, JSON null or an empty string) in a
/// scope. Keys not given are left alone; a key given twice takes its last value.
///
/// Plain fields are staged and written in one call with only the keys that change; secret
/// fields go to their group's secret (created, merged, or removed when it becomes empty) before
/// the databag is written. The app scope needs leadership ([`Error::NotLeader`]); another
/// unit's data cannot be written ([`Error::ReadOnly`] with the library's message).
pub fn write(
    env: &mut impl Env,
    config: &PeerConfig,
    relation: RelationId,
    scope: &PeerScope,
    values: &[(String, Option<String>)],
) -> Result<()> {
    let (bag, owner) = match scope {
        PeerScope::App => (Bag::LocalApp, Owner::Application),
        PeerScope::Unit => (Bag::LocalUnit, Owner::Unit),
        PeerScope::OtherUnit(_) => return Err(Error::ReadOnly(OTHER_UNIT_READ_ONLY.to_string())),
    };
    if *scope == PeerScope::App && !env.is_leader() {
        return Err(Error::NotLeader(
            "peer write on the application scope can only be called by the leader unit".into(),
        ));
    }
    peer_relation(env, config, relation)?;
    let mut plain: IndexMap<&str, Option<String>> = IndexMap::new();
    let mut secret: IndexMap<&str, IndexMap<&str, Option<String>>> = IndexMap::new();
    for (key, value) in values {
        if key.is_empty() {
            return Err(Error::InvalidModel("a peer field needs a key".into()));
        }
        let value = stored_value(key, value.as_deref())?;
        match config.group_of(key) {
            Some(group) => {
                secret.entry(group).or_default().insert(key, value);
            }
            None => {
                plain.insert(key, value);
            }
        }
    }
    let app = env.local_app();
    for (group, changes) in &secret {
        let label = secret_label(&config.endpoint, &app, scope, group);
        update_secret(env, owner, &label, changes)?;
    }
    if plain.is_empty() {
        return Ok(());
    }
    let mut staged = Staged::new(Databag::read(env, relation, bag)?);
    for (key, value) in plain {
        match value {
            Some(value) => staged.set(key, value),
            None => staged.delete(key),
        }
    }
    staged.commit(env)
}

/// Deletes fields of a scope: [`write`] with `None` for each key.
pub fn delete(
    env: &mut impl Env,
    config: &PeerConfig,
    relation: RelationId,
    scope: &PeerScope,
    keys: &[String],
) -> Result<()> {
    let values: Vec<(String, Option<String>)> =
        keys.iter().map(|key| (key.clone(), None)).collect();
    write(env, config, relation, scope, &values)
}

/// Applies a group's changes to its secret: creates it when it does not exist and some value
/// is set, merges otherwise (no new revision when the content stays the same), and removes all
/// its revisions when the content becomes empty.
fn update_secret(
    env: &mut impl Env,
    owner: Owner,
    label: &str,
    changes: &IndexMap<&str, Option<String>>,
) -> Result<()> {
    let existing = match env.secret_get(None, Some(label), false) {
        Ok(found) => found,
        Err(error) if error.kind == HostErrorKind::NotFound => None,
        Err(error) => return Err(error.into()),
    };
    let current: IndexMap<String, String> = existing
        .as_ref()
        .map(|secret| secret.content.iter().cloned().collect())
        .unwrap_or_default();
    let mut content = current.clone();
    for (key, value) in changes {
        match value {
            Some(value) => {
                content.insert((*key).to_string(), value.clone());
            }
            None => {
                content.shift_remove(*key);
            }
        }
    }
    let Some(secret) = existing else {
        if content.is_empty() {
            return Ok(());
        }
        let entries: Entries = content.into_iter().collect();
        env.secret_add(owner, Some(label), &entries)?;
        env.log(LogLevel::Debug, &format!("peer secret {label} created"));
        return Ok(());
    };
    if content == current {
        return Ok(());
    }
    if content.is_empty() {
        env.secret_remove(&secret.id)?;
        env.log(
            LogLevel::Debug,
            &format!("peer secret {label} is empty: all its revisions removed"),
        );
        return Ok(());
    }
    let entries: Entries = content.into_iter().collect();
    env.secret_set_content(&secret.id, &entries)?;
    env.log(LogLevel::Debug, &format!("peer secret {label} updated"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_library() {
        let app = PeerScope::App;
        let unit = PeerScope::Unit;
        assert_eq!(
            secret_label("peers", "myapp", &app, "extra"),
            "peers.myapp.app"
        );
        assert_eq!(
            secret_label("peers", "myapp", &app, "mygroup"),
            "peers.myapp.app.mygroup"
        );
        assert_eq!(
            secret_label("peers", "myapp", &unit, "extra"),
            "peers.myapp.unit"
        );
        assert_eq!(
            secret_label("peers", "myapp", &unit, "user"),
            "peers.myapp.unit.user"
        );
    }

    #[test]
    fn stored_values_are_strings_as_is_and_json_otherwise() {
        assert_eq!(
            stored_value("k", Some(r#""hello é""#)),
            Ok(Some("hello é".into()))
        );
        assert_eq!(stored_value("k", Some("5")), Ok(Some("5".into())));
        assert_eq!(
            stored_value("k", Some(r#"{"k":1.5,"z":null}"#)),
            Ok(Some(r#"{"k": 1.5, "z": null}"#.into()))
        );
        assert_eq!(stored_value("k", Some("null")), Ok(None));
        assert_eq!(stored_value("k", Some(r#""""#)), Ok(None));
        assert_eq!(stored_value("k", None), Ok(None));
        assert!(matches!(
            stored_value("k", Some("{oops")),
            Err(Error::InvalidModel(_))
        ));
    }

    #[test]
    fn bag_values_read_as_json_or_as_strings() {
        assert_eq!(bag_value_as_json("hello é"), r#""hello \u00e9""#);
        assert_eq!(bag_value_as_json("5"), "5");
        assert_eq!(bag_value_as_json(r#"["a", "b"]"#), r#"["a", "b"]"#);
    }
}
