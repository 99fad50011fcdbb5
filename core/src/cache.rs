//! The diff caches (`data` in the provider's app bag and the requirer's unit bag), the diff of a
//! model against its cached copy, and relation statuses as the caches store them.

use serde_json::{Map, Value};

use crate::bag::{Databag, Staged};
use crate::env::{Env, LogLevel};
use crate::error::Result;
use crate::model::Status;
use crate::wire::Object;

/// The key of the diff cache.
pub const DATA_KEY: &str = "data";
/// The key of the provider's statuses.
pub const STATUS_KEY: &str = "status";

/// Which keys of a model were added, changed or deleted since the cached copy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Keys that are new.
    pub added: Vec<String>,
    /// Keys whose value differs.
    pub changed: Vec<String>,
    /// Keys that disappeared.
    pub deleted: Vec<String>,
}

impl Diff {
    /// Computes the diff of `new` against `old` (no old copy: everything is added).
    pub fn between(old: Option<&Object>, new: &Object) -> Self {
        let empty = Object::new();
        let old = old.unwrap_or(&empty);
        Diff {
            added: new
                .keys()
                .filter(|key| !old.contains_key(*key))
                .cloned()
                .collect(),
            changed: new
                .iter()
                .filter(|(key, value)| old.get(*key).is_some_and(|before| before != *value))
                .map(|(key, _)| key.clone())
                .collect(),
            deleted: old
                .keys()
                .filter(|key| !new.contains_key(*key))
                .cloned()
                .collect(),
        }
    }

    /// Whether the key was added.
    pub fn added(&self, key: &str) -> bool {
        self.added.iter().any(|k| k == key)
    }

    /// Whether the key was changed.
    pub fn changed(&self, key: &str) -> bool {
        self.changed.iter().any(|k| k == key)
    }

    /// Whether the key was deleted.
    pub fn deleted(&self, key: &str) -> bool {
        self.deleted.iter().any(|k| k == key)
    }

    /// Whether the key was added or changed.
    pub fn set(&self, key: &str) -> bool {
        self.added(key) || self.changed(key)
    }
}

/// The local diff cache as staged so far; a cache that is not a JSON object is logged and
/// started afresh (it is this side's own bookkeeping, not the other side's data).
pub fn load(env: &impl Env, staged: &Staged) -> Object {
    let Some(text) = staged.get(DATA_KEY) else {
        return Object::new();
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        _ => {
            env.log(
                LogLevel::Error,
                "the diff cache `data` is not a JSON object; starting a new one",
            );
            Object::new()
        }
    }
}

/// The statuses in a bag's `status` key (a JSON array of `{code, message, resolution}`).
pub fn statuses(bag: &Databag) -> Result<Vec<Status>> {
    let Some(items) = bag.json_array(STATUS_KEY)? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let field = |key: &str| {
                item.get(key).ok_or_else(|| {
                    bag.error(STATUS_KEY, format!("entry {index}: `{key}` is missing"))
                })
            };
            let code = field("code")?
                .as_i64()
                .and_then(|code| i32::try_from(code).ok())
                .ok_or_else(|| {
                    bag.error(
                        STATUS_KEY,
                        format!("entry {index}: `code` is not an integer"),
                    )
                })?;
            let text = |key: &str| -> Result<String> {
                field(key)?.as_str().map(str::to_string).ok_or_else(|| {
                    bag.error(
                        STATUS_KEY,
                        format!("entry {index}: `{key}` is not a string"),
                    )
                })
            };
            Ok(Status {
                code,
                message: text("message")?,
                resolution: text("resolution")?,
            })
        })
        .collect()
}

/// A status as a JSON object.
pub fn status_value(status: &Status) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), Value::from(status.code));
    object.insert("message".into(), Value::String(status.message.clone()));
    object.insert(
        "resolution".into(),
        Value::String(status.resolution.clone()),
    );
    Value::Object(object)
}

/// Statuses as the caches store them: an object keyed by the code as text (later duplicates
/// replace earlier ones in place).
pub fn status_map(statuses: &[Status]) -> Object {
    let mut map = Object::new();
    for status in statuses {
        map.insert(status.code.to_string(), status_value(status));
    }
    map
}

/// Stores a model's diff form in a v1 cache: the global status entry merged first (only when
/// there are statuses), then the entry of the request id, both in place when present.
pub fn store(cache: &mut Object, statuses: &Object, short_uuid: &str, new: Object) {
    if !statuses.is_empty() {
        cache.insert(STATUS_KEY.into(), Value::Object(statuses.clone()));
    }
    cache.insert(short_uuid.to_string(), Value::Object(new));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        match value {
            Value::Object(object) => object,
            _ => Object::new(),
        }
    }

    #[test]
    fn diff_sorts_keys_into_added_changed_deleted() {
        let old = object(json!({"a": 1, "b": 2, "c": 3}));
        let new = object(json!({"a": 1, "b": 5, "d": 4}));
        let diff = Diff::between(Some(&old), &new);
        assert_eq!(diff.added, vec!["d"]);
        assert_eq!(diff.changed, vec!["b"]);
        assert_eq!(diff.deleted, vec!["c"]);
    }

    #[test]
    fn store_keeps_insertion_order_and_updates_in_place() {
        let mut cache = object(json!({"x": {}, "y": {}}));
        store(&mut cache, &Object::new(), "x", object(json!({"k": 1})));
        store(&mut cache, &Object::new(), "z", Object::new());
        assert_eq!(
            crate::json::dumps(&Value::Object(cache)),
            r#"{"x": {"k": 1}, "y": {}, "z": {}}"#
        );
    }
}
