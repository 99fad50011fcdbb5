//! The library's diff API over the diff caches: `EventHandlers.compute_diff`, and `diff.py`'s
//! `store_new_data`, `resource_added` and `RESOURCE_ALIASES`, for hosts that offer that
//! lower-level API (the Python package's drop-in `compute_diff` and `diff` module).
//!
//! The handlers keep their own caches with the same pieces: the cached copy an entry is
//! compared with, the cached forms of the sensitive keys ([`crossmodel::cache_forms`]: blank,
//! or Fernet tokens on a cross-model relation), the statuses stored as global data
//! ([`cache::status_global`]) and the layout of the cache ([`cache::store`]). So a cache written
//! through this API and one written by a handler hold the same bytes.
//!
//! Two behaviours follow the handlers rather than the library, as `docs/differences.md` row 7
//! says: the sensitive keys are compared in their cached form (so a secret-backed value does
//! not look changed on every call), and a value whose cached token still decrypts to it keeps
//! that token (so storing the same data twice changes no byte). A missing or unreadable
//! encryption key is a typed [`Error::Secret`] (row 20).
//!
//! ```
//! use data_interfaces_core::cache::Diff;
//! use data_interfaces_core::diff::resource_added;
//!
//! let diff = Diff { added: vec!["topic".into()], ..Diff::default() };
//! assert!(resource_added(&diff, &[]));
//! ```

use serde_json::Value;

use crate::bag::{find_relation, Databag, Staged};
use crate::cache::{self, Diff, DATA_KEY};
use crate::crossmodel;
use crate::env::{Bag, Env, LogLevel, RelationId};
use crate::error::{Error, Result};
use crate::fernet::Key;
use crate::json;
use crate::wire::{Object, RESOURCE_ALIASES, SENSITIVE_KEYS};

/// The key every request has for its resource, besides [`RESOURCE_ALIASES`].
const RESOURCE_KEY: &str = "resource";

/// The keys that name a request's resource besides `resource`, in order (the library's
/// `RESOURCE_ALIASES`).
pub fn resource_aliases() -> Vec<String> {
    RESOURCE_ALIASES.iter().map(|key| key.to_string()).collect()
}

/// Whether the diff added `resource`, one of [`RESOURCE_ALIASES`], or one of `extra` (the
/// provider's configured aliases): the library's `resource_added`.
pub fn resource_added(diff: &Diff, extra: &[String]) -> bool {
    RESOURCE_ALIASES
        .iter()
        .chain(&[RESOURCE_KEY])
        .any(|key| diff.added(key))
        || extra.iter().any(|key| diff.added(key))
}

/// Whose diff cache a bag holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// The provider's: its application bag.
    Provider,
    /// The requirer's: its unit bag.
    Requirer,
}

impl Side {
    /// The side a cache bag belongs to; only the local unit's own bags hold a cache.
    fn of(bag: &Bag, call: &str) -> Result<Side> {
        match bag {
            Bag::LocalApp => Ok(Side::Provider),
            Bag::LocalUnit => Ok(Side::Requirer),
            other => Err(Error::InvalidModel(format!(
                "{call} keeps its cache in the local application or unit bag, not the {other}"
            ))),
        }
    }
}

/// `(key, JSON text)` pairs as a JSON object, in their order (a repeated key keeps its first
/// place and its last value, as a Python dict built from them would).
fn parse_entries(what: &str, entries: &[(String, String)]) -> Result<Object> {
    entries
        .iter()
        .map(|(key, text)| {
            json::loads(text)
                .map(|value| (key.clone(), value))
                .map_err(|e| Error::InvalidModel(format!("{what} `{key}` is not valid JSON: {e}")))
        })
        .collect()
}

/// A request id as the library tests it: none or empty means a v0 (flat) entry.
fn request_id(short_uuid: Option<&str>) -> Option<&str> {
    short_uuid.filter(|uuid| !uuid.is_empty())
}

/// The cached copy an entry is compared with: the request id's entry (none when absent or not
/// an object), or the whole cache for a v0 entry.
fn cached<'a>(cache: &'a Object, short_uuid: Option<&str>) -> Option<&'a Object> {
    match short_uuid {
        Some(uuid) => cache.get(uuid).and_then(Value::as_object),
        None => Some(cache),
    }
}

/// Whether the new data holds a key the cache stores blank or encrypted.
fn has_sensitive(new: &Object) -> bool {
    SENSITIVE_KEYS.iter().any(|key| new.contains_key(*key))
}

/// The library's `compute_diff` over already-dumped data (`(key, JSON text)` pairs, the
/// model's JSON-mode dump by alias without nulls and defaults).
///
/// `cache_bag` is the local application's bag for a provider, the local unit's for a requirer.
/// The new data is compared with the cache's entry for `short_uuid` (the whole cache when it is
/// none or empty), the sensitive keys in their cached form: blank, or decrypted with the key
/// named by the remote application bag's `encryption-secret` on a cross-model relation (looked
/// up only when the new data has a sensitive key). With `store`, the entry is written back
/// with the relation's statuses as global data: the provider's own application bag's
/// `status`, or, for a requirer, the remote application bag's.
#[allow(clippy::too_many_arguments)]
pub fn compute_diff(
    env: &mut impl Env,
    endpoint: &str,
    relation: RelationId,
    cache_bag: &Bag,
    new_data: &[(String, String)],
    short_uuid: Option<&str>,
    store: bool,
) -> Result<Diff> {
    let side = Side::of(cache_bag, "compute-diff")?;
    let info = find_relation(env, endpoint, relation).ok_or(Error::MissingRelation(relation))?;
    let new = parse_entries("new data", new_data)?;
    let mut staged = Staged::new(Databag::read(env, relation, cache_bag.clone())?);
    let mut own_cache = cache::load(env, &staged);
    let uuid = request_id(short_uuid);
    let needs_remote = has_sensitive(&new) || (store && side == Side::Requirer);
    let remote = if needs_remote {
        Some(Databag::read(env, relation, Bag::RemoteApp)?)
    } else {
        None
    };
    let key = match remote.as_ref().filter(|_| has_sensitive(&new)) {
        Some(remote) => crossmodel::provider_key(env, endpoint, &info, remote)?,
        None => None,
    };
    let forms = crossmodel::cache_forms(key.as_ref(), new, cached(&own_cache, uuid))?;
    let diff = Diff::between(forms.old.as_ref(), &forms.new);
    if store {
        let statuses = match (side, remote.as_ref()) {
            (Side::Requirer, Some(remote)) => cache::statuses(remote)?,
            _ => cache::statuses(staged.current())?,
        };
        cache::store(
            &mut own_cache,
            &cache::status_global(&statuses),
            uuid,
            forms.stored,
        );
        staged.set_json(DATA_KEY, &Value::Object(own_cache));
        staged.commit(env)?;
    }
    Ok(diff)
}

/// The library's `store_new_data`, as a function of the bag's current `data` text: the new
/// `data` text, with `new_data` (`(key, JSON text)` pairs) under `short_uuid`, or flat when
/// it is none or empty, and `global_data` merged in first (its falsy values dropped). The host
/// writes it to the bag (the charm names the bag; the host's checks apply to that write).
///
/// The sensitive keys are encrypted with `encryption_key`, or blanked without one; a key that
/// is not a Fernet key is logged and the values blanked, as the library does. A cached text
/// that is not a JSON object is logged and started anew.
pub fn store_new_data(
    env: &impl Env,
    cached_text: Option<&str>,
    new_data: &[(String, String)],
    short_uuid: Option<&str>,
    global_data: &[(String, String)],
    encryption_key: Option<&str>,
) -> Result<String> {
    let new = parse_entries("new data", new_data)?;
    let global = parse_entries("global data", global_data)?;
    let key = match encryption_key.filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => match Key::parse(text) {
            Ok(key) => Some(key),
            Err(e) => {
                env.log(
                    LogLevel::Warning,
                    &format!("Could not encrypt sensitive field in cross-model relation: {e}"),
                );
                None
            }
        },
    };
    let mut own_cache = cache::parse(env, cached_text);
    let uuid = request_id(short_uuid);
    let forms = crossmodel::cache_forms(key.as_ref(), new, cached(&own_cache, uuid))?;
    cache::store(&mut own_cache, &global, uuid, forms.stored);
    Ok(json::dumps(&Value::Object(own_cache)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(added: &[&str]) -> Diff {
        Diff {
            added: added.iter().map(|key| key.to_string()).collect(),
            ..Diff::default()
        }
    }

    /// `dpcharmlibs.interfaces.utils.RESOURCE_ALIASES` 1.2.2.
    #[test]
    fn aliases_are_the_librarys() {
        assert_eq!(
            resource_aliases(),
            [
                "database",
                "subject",
                "topic",
                "index",
                "plugin-url",
                "prefix"
            ]
        );
    }

    /// As `resource_added` answers (checked with 1.2.2): `{'topic'}` added is true, `{'foo'}`
    /// is false unless `foo` is an alias, a changed `resource` is false.
    #[test]
    fn resource_added_follows_the_library() {
        assert!(resource_added(&diff(&["topic"]), &[]));
        assert!(resource_added(&diff(&["resource"]), &[]));
        assert!(!resource_added(&diff(&["foo"]), &[]));
        assert!(resource_added(&diff(&["foo"]), &["foo".into()]));
        let changed = Diff {
            changed: vec!["resource".into()],
            ..Diff::default()
        };
        assert!(!resource_added(&changed, &[]));
    }

    #[test]
    fn entries_parse_in_order_and_bad_json_names_the_key() {
        let entries = vec![
            ("b".to_string(), "1".to_string()),
            ("a".to_string(), "\"x\"".to_string()),
        ];
        let object = parse_entries("new data", &entries).unwrap_or_default();
        assert_eq!(json::dumps(&Value::Object(object)), r#"{"b": 1, "a": "x"}"#);
        let bad = vec![("k".to_string(), "{".to_string())];
        assert!(matches!(
            parse_entries("new data", &bad),
            Err(Error::InvalidModel(message)) if message.contains("`k`")
        ));
    }

    #[test]
    fn an_empty_request_id_is_a_v0_entry() {
        assert_eq!(request_id(Some("")), None);
        assert_eq!(request_id(Some("abc")), Some("abc"));
        assert_eq!(request_id(None), None);
    }
}
