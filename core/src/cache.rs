//! The diff caches (`data` in the provider's app bag and the requirer's unit bag), the diff of a
//! model against its cached copy, and relation statuses as the caches store them.
//!
//! A cache is a JSON object: the diff form of each request (provider) or response (requirer)
//! under its request id, plus global entries merged in before it (the provider's statuses under
//! `status`); a v0 relation's diff form is stored flat, as the whole object. [`store`] writes
//! an entry exactly as the library's `store_new_data` does, for the handlers and for the
//! library's diff API ([`crate::diff`]) alike.

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
                .filter(|(key, value)| {
                    old.get(*key)
                        .is_some_and(|before| !crate::json::equal(before, value))
                })
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
    parse(env, staged.get(DATA_KEY))
}

/// A `data` cache's text (`None` when the bag has none) as an object; anything but a JSON
/// object is logged and gives an empty one.
pub fn parse(env: &impl Env, text: Option<&str>) -> Object {
    let Some(text) = text else {
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

/// The global data the caches store next to the entries: `{"status": {code: status}}`, or
/// nothing when there is no status (the library drops falsy global data).
pub fn status_global(statuses: &[Status]) -> Object {
    let mut global = Object::new();
    let map = status_map(statuses);
    if !map.is_empty() {
        global.insert(STATUS_KEY.into(), Value::Object(map));
    }
    global
}

/// Stores a model's diff form in a cache as the library's `store_new_data` does. With a request
/// id (v1), the global data is merged into the cache, then the entry stored under the id, each
/// key in place when present, else appended. Without one (v0), the cache becomes the entry
/// itself with the global data merged into it. Global data with a falsy value is dropped.
pub fn store(cache: &mut Object, global: &Object, short_uuid: Option<&str>, entry: Object) {
    let global = global
        .iter()
        .filter(|(_, value)| crate::json::is_truthy(value));
    match short_uuid {
        Some(uuid) => {
            for (key, value) in global {
                cache.insert(key.clone(), value.clone());
            }
            cache.insert(uuid.to_string(), Value::Object(entry));
        }
        None => {
            *cache = entry;
            for (key, value) in global {
                cache.insert(key.clone(), value.clone());
            }
        }
    }
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
    fn diff_compares_values_as_json() {
        let old = object(json!({"n": 1, "o": {"a": 1, "b": [2]}}));
        let new = object(json!({"n": 1.0, "o": {"b": [2], "a": 1}}));
        assert_eq!(Diff::between(Some(&old), &new), Diff::default());
    }

    #[test]
    fn store_keeps_insertion_order_and_updates_in_place() {
        let mut cache = object(json!({"x": {}, "y": {}}));
        store(
            &mut cache,
            &Object::new(),
            Some("x"),
            object(json!({"k": 1})),
        );
        store(&mut cache, &Object::new(), Some("z"), Object::new());
        assert_eq!(
            crate::json::dumps(&Value::Object(cache)),
            r#"{"x": {"k": 1}, "y": {}, "z": {}}"#
        );
    }

    /// The bytes `dpcharmlibs.interfaces` 1.2.2 wrote, under ops 3.9's Harness, for
    /// `store_new_data(relation, app, new, short_uuid=..., global_data=...)` called four times
    /// in a row on an empty application bag, with the arguments below (the library blanks the
    /// sensitive keys itself; here they are given blank). `tests/python/
    /// test_native_diff_cache.py` checks the same calls live against the library.
    #[test]
    fn store_matches_the_library_byte_for_byte() {
        let mut cache = Object::new();
        store(
            &mut cache,
            &object(
                json!({"status": {}, "a": 0, "b": [], "c": "v", "d": null, "e": false, "f": {"k": 1}}),
            ),
            None,
            object(json!({"resource": "db", "password": "", "mtls-cert": "", "x": 1})),
        );
        assert_eq!(
            crate::json::dumps(&Value::Object(cache.clone())),
            r#"{"resource": "db", "password": "", "mtls-cert": "", "x": 1, "c": "v", "f": {"k": 1}}"#
        );
        store(
            &mut cache,
            &object(
                json!({"c": "w", "status": {"1": {"code": 1, "message": "m", "resolution": "r"}}}),
            ),
            Some("u1"),
            object(json!({"resource": "db2", "entity-name": ""})),
        );
        assert_eq!(
            crate::json::dumps(&Value::Object(cache.clone())),
            r#"{"resource": "db", "password": "", "mtls-cert": "", "x": 1, "c": "w", "f": {"k": 1}, "status": {"1": {"code": 1, "message": "m", "resolution": "r"}}, "u1": {"resource": "db2", "entity-name": ""}}"#
        );
        store(
            &mut cache,
            &Object::new(),
            Some("u2"),
            object(json!({"resource": "db3"})),
        );
        store(
            &mut cache,
            &object(json!({"c": "z"})),
            Some("u1"),
            object(json!({"resource": "db4"})),
        );
        assert_eq!(
            crate::json::dumps(&Value::Object(cache)),
            r#"{"resource": "db", "password": "", "mtls-cert": "", "x": 1, "c": "z", "f": {"k": 1}, "status": {"1": {"code": 1, "message": "m", "resolution": "r"}}, "u1": {"resource": "db4"}, "u2": {"resource": "db3"}}"#
        );
    }

    #[test]
    fn status_global_is_empty_without_statuses() {
        assert!(status_global(&[]).is_empty());
        let status = Status {
            code: 4,
            message: "m".into(),
            resolution: "r".into(),
        };
        assert_eq!(
            crate::json::dumps(&Value::Object(status_global(&[status]))),
            r#"{"status": {"4": {"code": 4, "message": "m", "resolution": "r"}}}"#
        );
    }
}
