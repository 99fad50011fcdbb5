//! Cross-model relations (spec §1.7, §4.8): Juju does not let a requirer grant its own secrets
//! across models, so the provider generates a Fernet key per relation, shares it in a secret,
//! and the requirer encrypts its sensitive request fields (`mtls-cert`, `entity-name`,
//! `entity-password`, `password`) inline instead of putting them in secrets.
//!
//! The handshake: the provider leader, at relation-created, stores the key in a secret labelled
//! `{endpoint}.{relation}.encryption.secret` (content `{"encryption-key": key}`), grants it to
//! the relation and writes its URI to its app bag key `encryption-secret`. The requirer leader
//! copies that URI into its own app bag and (re)writes its requests, now encrypted. The provider
//! decrypts what it reads and keeps the values encrypted in its `data` cache.
//!
//! Nothing here logs or reports a key, a plaintext or a token.

use serde_json::Value;

use crate::bag::{is_cross_model, Databag, Staged};
use crate::env::{Bag, Env, LogLevel, Owner, RelationId, RelationInfo};
use crate::error::{Error, Result};
use crate::fernet::Key;
use crate::secrets;
use crate::wire::{self, Object, SENSITIVE_KEYS};

/// The bag key holding the URI of the encryption secret (both sides' app bags).
pub const ENCRYPTION_SECRET: &str = "encryption-secret";
/// The content key of the encryption secret.
pub const ENCRYPTION_KEY: &str = "encryption-key";
/// The secret group of the encryption secret.
pub const GROUP: &str = "encryption";

/// The label of a relation's encryption secret, on either side.
pub fn label(endpoint: &str, relation: RelationId) -> String {
    secrets::label(endpoint, relation, None, GROUP)
}

fn key_from_content(content: &[(String, String)], what: &str) -> Result<Key> {
    let text = content
        .iter()
        .find(|(key, _)| key == ENCRYPTION_KEY)
        .map(|(_, value)| value.as_str())
        .ok_or_else(|| Error::Secret(format!("{what} has no `{ENCRYPTION_KEY}`")))?;
    Key::parse(text).map_err(|e| Error::Secret(format!("{what}: {e}")))
}

/// Provider relation-created: on the leader of a cross-model relation without an
/// `encryption-secret` yet, creates the key's secret (or finds the one a failed earlier attempt
/// left), grants it to the relation and publishes its URI.
pub fn provider_relation_created(
    env: &mut impl Env,
    endpoint: &str,
    info: &RelationInfo,
) -> Result<()> {
    if !env.is_leader() || !is_cross_model(env, info) {
        return Ok(());
    }
    let mut app = Staged::new(Databag::read(env, info.id, Bag::LocalApp)?);
    if app.get(ENCRYPTION_SECRET).is_some() {
        return Ok(());
    }
    let label = label(endpoint, info.id);
    let id = match env.secret_get(None, Some(&label), false)? {
        Some(secret) => {
            key_from_content(&secret.content, &format!("secret {label}"))?;
            secret.id
        }
        None => {
            let key = Key::generate().map_err(|e| Error::Secret(e.to_string()))?;
            let content = vec![(ENCRYPTION_KEY.to_string(), key.to_text())];
            env.secret_add(Owner::Application, Some(&label), &content)?
        }
    };
    env.secret_grant(&id, info.id)?;
    app.set(ENCRYPTION_SECRET, id);
    app.commit(env)
}

/// The key the provider decrypts a requirer's requests with: only on a cross-model relation
/// whose requirer bag carries `encryption-secret` (it copied the provider's). The provider reads
/// its own secret by label (by the URI if the label is unknown); a missing or malformed key is an
/// [`Error::Secret`].
///
/// The library's `compute_diff` looks its cache key up the same way on either side (the remote
/// application bag's `encryption-secret`, by label then by URI), so [`crate::diff`] uses this
/// too: on the requirer side, `remote` is the provider's bag, which published the URI.
pub fn provider_key(
    env: &mut impl Env,
    endpoint: &str,
    info: &RelationInfo,
    remote: &Databag,
) -> Result<Option<Key>> {
    let Some(uri) = remote.get(ENCRYPTION_SECRET) else {
        return Ok(None);
    };
    if !is_cross_model(env, info) {
        return Ok(None);
    }
    let label = label(endpoint, info.id);
    let mut secret = env.secret_get(None, Some(&label), false)?;
    if secret.is_none() {
        secret = env.secret_get(Some(uri), None, false)?;
    }
    let secret = secret.ok_or_else(|| {
        Error::Secret(format!(
            "relation {}: the encryption secret {label} named by the requirer is missing",
            info.id
        ))
    })?;
    key_from_content(&secret.content, &format!("secret {label}")).map(Some)
}

/// The key the requirer encrypts with: the provider's secret whose URI the requirer copied into
/// its own app bag (read as a consumer, attaching this side's label). `None` on a same-model
/// relation or before the handshake.
pub fn requirer_key(
    env: &mut impl Env,
    endpoint: &str,
    info: &RelationInfo,
    own_app: &Staged,
) -> Result<Option<Key>> {
    let Some(uri) = own_app.get(ENCRYPTION_SECRET).map(str::to_string) else {
        return Ok(None);
    };
    if !is_cross_model(env, info) {
        return Ok(None);
    }
    let label = label(endpoint, info.id);
    let content = secrets::consume(env, &uri, &label)?;
    key_from_content(&content, &format!("secret {uri} ({label})")).map(Some)
}

/// What the requirer writes for the sensitive keys of one request object: a token when there is
/// a key and a value, else null (appended when absent, as the DPC writer does). A token already
/// written for the same value is kept, so rewriting the same requests changes no byte.
pub fn seal_request(
    key: Option<&Key>,
    object: &mut Object,
    previous: Option<&Object>,
) -> Result<()> {
    for &name in SENSITIVE_KEYS.iter() {
        let plain = object
            .get(name)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_string);
        let sealed = match (key, plain) {
            (Some(key), Some(plain)) => {
                let kept = previous
                    .and_then(|previous| previous.get(name))
                    .and_then(Value::as_str)
                    .filter(|token| key.decrypt_text(token).is_ok_and(|old| old == plain));
                match kept {
                    Some(token) => Value::String(token.to_string()),
                    None => Value::String(
                        key.encrypt_text(&plain)
                            .map_err(|e| Error::Secret(e.to_string()))?,
                    ),
                }
            }
            _ => Value::Null,
        };
        object.insert(name.to_string(), sealed);
    }
    Ok(())
}

/// Decrypts the sensitive keys of one request object read by the provider (a v1 entry or a v0
/// flat bag); a decrypted `password` is also the `entity-password`. A value that does not
/// decrypt is dropped with a warning naming the relation and the key (never the value), so a
/// token never reaches the charm as if it were the value.
pub fn open_request(
    env: &impl Env,
    relation: RelationId,
    key: &Key,
    object: &mut Object,
    at: &str,
) {
    for &name in SENSITIVE_KEYS.iter() {
        let Some(Value::String(token)) = object.get(name) else {
            continue;
        };
        if token.is_empty() {
            continue;
        }
        match key.decrypt_text(token) {
            Ok(plain) => {
                if name == "password" {
                    object.insert("entity-password".into(), Value::String(plain.clone()));
                }
                object.insert(name.to_string(), Value::String(plain));
            }
            Err(e) => {
                env.log(
                    LogLevel::Warning,
                    &format!(
                        "relation {relation}, {at}: could not decrypt `{name}` ({e}); ignoring it"
                    ),
                );
                object.insert(name.to_string(), Value::Null);
            }
        }
    }
}

/// The provider's cache forms of a request's diff form: what the diff compares on each side
/// (`old`, `new`) and what is stored. Without a key the sensitive values are blanked (`""`) on
/// both sides; with one, the old values are decrypted for the comparison and the stored values
/// are tokens (an unchanged value keeps its old token).
pub struct CacheForms {
    /// The cached copy, as compared.
    pub old: Option<Object>,
    /// The new diff form, as compared.
    pub new: Object,
    /// The new diff form, as stored.
    pub stored: Object,
}

/// Builds the [`CacheForms`] of a request's diff form against its cached copy. With a key, a
/// sensitive value that is not a string is stored blank, as the library's `store_new_data` does
/// (it cannot encrypt it).
pub fn cache_forms(key: Option<&Key>, new: Object, cached: Option<&Object>) -> Result<CacheForms> {
    let Some(key) = key else {
        let mut blank = new;
        wire::blank_sensitive(&mut blank);
        return Ok(CacheForms {
            old: cached.cloned(),
            new: blank.clone(),
            stored: blank,
        });
    };
    let old = cached.map(|cached| {
        let mut old = cached.clone();
        for &name in SENSITIVE_KEYS.iter() {
            if let Some(Value::String(token)) = old.get(name) {
                if let Ok(plain) = key.decrypt_text(token) {
                    old.insert(name.to_string(), Value::String(plain));
                }
            }
        }
        old
    });
    let mut stored = new.clone();
    for &name in SENSITIVE_KEYS.iter() {
        let plain = match new.get(name) {
            None => continue,
            Some(Value::String(plain)) => plain,
            Some(_) => {
                stored.insert(name.to_string(), Value::String(String::new()));
                continue;
            }
        };
        let unchanged = old
            .as_ref()
            .and_then(|old| old.get(name))
            .and_then(Value::as_str)
            == Some(plain.as_str());
        let kept = cached
            .and_then(|cached| cached.get(name))
            .filter(|_| unchanged)
            .cloned();
        let token = match kept {
            Some(token) => token,
            None => Value::String(
                key.encrypt_text(plain)
                    .map_err(|e| Error::Secret(e.to_string()))?,
            ),
        };
        stored.insert(name.to_string(), token);
    }
    Ok(CacheForms { old, new, stored })
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

    fn key() -> Key {
        Key::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn without_a_key_the_sensitive_keys_are_null_and_entity_password_is_appended() {
        let mut request = object(json!({"resource": "db", "mtls-cert": "C", "password": "p"}));
        seal_request(None, &mut request, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            crate::json::dumps(&Value::Object(request)),
            r#"{"resource": "db", "mtls-cert": null, "password": null, "entity-name": null, "entity-password": null}"#
        );
    }

    #[test]
    fn an_unchanged_value_keeps_its_token() {
        let key = key();
        let mut first = object(json!({"mtls-cert": "C"}));
        seal_request(Some(&key), &mut first, None).unwrap_or_else(|e| panic!("{e}"));
        let mut second = object(json!({"mtls-cert": "C"}));
        seal_request(Some(&key), &mut second, Some(&first)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, second);
        let forms = cache_forms(Some(&key), object(json!({"mtls-cert": "C"})), Some(&first))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(forms.stored.get("mtls-cert"), first.get("mtls-cert"));
        let old = forms.old.unwrap_or_default();
        assert_eq!(old.get("mtls-cert"), forms.new.get("mtls-cert"));
    }
}
