//! Protocol-shaped fuzz inputs for the core: JSON built from the protocol's own keys, databags,
//! secrets, handler configurations and hooks, generated with `arbitrary` and laid out in the
//! in-memory Juju of core's tests (`core/tests/support`, shared here by path, not copied).
//!
//! Raw bytes rarely spell `{"requests": [{"resource": ...}]}`; these types make most inputs
//! reach the decoders' deeper branches while still allowing arbitrary text anywhere.

use arbitrary::{Arbitrary, Result, Unstructured};
use data_interfaces_core::env::{Bag, RelationId};
use data_interfaces_core::model::{
    FieldSpec, Hook, ProviderConfig, RelationEvent, Request, RequirerConfig, SecretEvent,
    REQUEST_FIELDS, RESPONSE_FIELDS,
};
use serde_json::{Map, Number, Value};
use std::sync::LazyLock;

#[path = "../../tests/support/mod.rs"]
pub mod support;

use support::{FakeEnv, FakeSecret};

/// Keys the protocol reads and writes that are not a request's or a response's field: databag
/// keys, permission, status and secret-content keys, and a custom field's key and group.
const OTHER_KEYS: &[&str] = &[
    "requests",
    "data",
    "status",
    "version",
    "alias",
    "resource_name",
    "resource_type",
    "privileges",
    "requested-secrets",
    "encryption-key",
    "encryption-secret",
    "code",
    "message",
    "resolution",
    "mygroup",
    "admin-password",
];

/// Keys the protocol reads and writes, in databags, request and response objects, statuses
/// and secret content: [`OTHER_KEYS`], then every key a request's or a response's declared
/// field is read from, dumped under or stored under in its secret (core's field tables).
pub static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let specs = REQUEST_FIELDS
        .iter()
        .map(|field| field.spec)
        .chain(RESPONSE_FIELDS.iter().map(|field| field.spec));
    let mut keys: Vec<&'static str> = OTHER_KEYS.to_vec();
    for spec in specs {
        let own = [spec.key, spec.dump_key(), spec.content_key()];
        for key in spec.read.iter().copied().chain(own) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
});

/// Values that mean something to the protocol.
const WORDS: &[&str] = &[
    "USER",
    "GROUP",
    "all",
    "only-existing",
    "true",
    "false",
    "secret:client0000",
    "secret:server0000",
    "secret:server0001",
    "secret:remote0",
    "secret:remote1",
    "clientdb",
    "db",
    "client",
    "client/0",
    "server",
    "server/0",
    "*",
    "",
];

/// Every secret value the generated worlds hold starts with this: it must never show in a
/// databag, a log line, an error or an event's `Debug` (unless the input put it there).
pub const SECRET_MARK: &str = "s3cr3t-v4lue-";

/// A key: one of the protocol's, or any text.
pub fn key(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(7, 8)? {
        Ok((*u.choose(KEYS.as_slice())?).to_string())
    } else {
        u.arbitrary()
    }
}

/// A string value: a meaningful word or any text.
pub fn word(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(2, 3)? {
        Ok((*u.choose(WORDS)?).to_string())
    } else {
        u.arbitrary()
    }
}

/// A JSON value whose object keys are mostly the protocol's, at most `depth` levels deep.
pub fn json(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let choice = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=6)?
    };
    Ok(match choice {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Number(Number::from(u.arbitrary::<i64>()?)),
        3 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::String(word(u)?),
        5 => {
            let len = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(json(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let len = u.int_in_range(0..=8)?;
            let mut object = Map::new();
            for _ in 0..len {
                object.insert(key(u)?, json(u, depth - 1)?);
            }
            Value::Object(object)
        }
    })
}

/// A databag value: JSON text (as the writers produce it, or slightly off), or any text.
pub fn bag_value(u: &mut Unstructured<'_>) -> Result<String> {
    match u.int_in_range(0..=5)? {
        0 => u.arbitrary(),
        1 => word(u),
        2 => {
            // A JSON text cut short or with a byte changed.
            let mut text = serde_json::to_string(&json(u, 3)?).unwrap_or_default();
            let cut = u.int_in_range(0..=text.len())?;
            while !text.is_char_boundary(cut.min(text.len())) {
                text.pop();
            }
            text.truncate(cut.min(text.len()));
            Ok(text)
        }
        _ => Ok(serde_json::to_string(&json(u, 4)?).unwrap_or_default()),
    }
}

/// A databag's entries.
pub fn bag(u: &mut Unstructured<'_>) -> Result<Vec<(String, String)>> {
    let len = u.int_in_range(0..=6)?;
    let mut entries = Vec::with_capacity(len);
    for _ in 0..len {
        entries.push((key(u)?, bag_value(u)?));
    }
    Ok(entries)
}

fn opt_word(u: &mut Unstructured<'_>) -> Result<Option<String>> {
    if u.arbitrary()? {
        Ok(Some(word(u)?))
    } else {
        Ok(None)
    }
}

/// A field of a model subclass: plain, or in a secret group.
pub fn field(u: &mut Unstructured<'_>) -> Result<FieldSpec> {
    let key = key(u)?;
    let secret_group = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some("extra".to_string()),
        2 => Some("mygroup".to_string()),
        _ => Some(word(u)?),
    };
    Ok(FieldSpec { key, secret_group })
}

fn fields(u: &mut Unstructured<'_>) -> Result<Vec<FieldSpec>> {
    let len = u.int_in_range(0..=2)?;
    (0..len).map(|_| field(u)).collect()
}

/// A requirer's configured request.
pub fn request(u: &mut Unstructured<'_>) -> Result<Request> {
    let extra_len = u.int_in_range(0..=2)?;
    let mut extra = Vec::with_capacity(extra_len);
    for _ in 0..extra_len {
        extra.push((
            key(u)?,
            serde_json::to_string(&json(u, 1)?).unwrap_or_default(),
        ));
    }
    // The fields not named stay unset (`Request::default()`): a configured request has no
    // request id, entity type or permissions, or secret URIs yet.
    Ok(Request {
        resource: word(u)?,
        salt: if u.arbitrary()? {
            String::new()
        } else {
            word(u)?
        },
        extra_user_roles: opt_word(u)?,
        extra_group_roles: opt_word(u)?,
        external_node_connectivity: u.arbitrary()?,
        mtls_cert: opt_word(u)?,
        entity_name: opt_word(u)?,
        entity_password: opt_word(u)?,
        prefix_matching: opt_word(u)?,
        extra,
        ..Request::default()
    })
}

/// Which side of the relation the hook runs on.
#[derive(Clone, Copy, Debug, Arbitrary)]
pub enum Side {
    /// A requirer handler.
    Requirer,
    /// A provider handler.
    Provider,
}

/// A whole hook: the world before it, the handler's configuration and the hook itself.
#[derive(Debug)]
pub struct HookInput {
    /// Which handler runs.
    pub side: Side,
    /// The in-memory Juju before the hook.
    pub env: FakeEnv,
    /// The requirer's configuration (used when `side` is `Requirer`).
    pub requirer: RequirerConfig,
    /// The provider's configuration (used when `side` is `Provider`).
    pub provider: ProviderConfig,
    /// The hook.
    pub hook: Hook,
}

/// The endpoint every generated relation is on.
pub const ENDPOINT: &str = "database";

/// The relations every generated world has.
pub const RELATIONS: [RelationId; 2] = [0, 1];

fn relation_event(u: &mut Unstructured<'_>) -> Result<RelationEvent> {
    // Mostly a relation of the endpoint, sometimes one that does not exist.
    let relation_id = if u.ratio(7, 8)? {
        *u.choose(&RELATIONS)?
    } else {
        u.arbitrary()?
    };
    Ok(RelationEvent {
        relation_id,
        app: opt_word(u)?,
        unit: opt_word(u)?,
    })
}

fn secret_event(u: &mut Unstructured<'_>) -> Result<SecretEvent> {
    Ok(SecretEvent {
        id: word(u)?,
        label: if u.arbitrary()? {
            Some(match u.int_in_range(0..=2)? {
                0 => format!("{ENDPOINT}.{}.user.secret", u.choose(&RELATIONS)?),
                1 => format!("{ENDPOINT}.{}.tls.secret", u.choose(&RELATIONS)?),
                _ => word(u)?,
            })
        } else {
            None
        },
        revision: u.arbitrary()?,
    })
}

impl<'a> Arbitrary<'a> for HookInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let side: Side = u.arbitrary()?;
        let app = match side {
            Side::Requirer => "client",
            Side::Provider => "server",
        };
        let remote = match side {
            Side::Requirer => "server",
            Side::Provider => "client",
        };
        let mut env = FakeEnv::new(app, u.arbitrary()?);
        for id in RELATIONS {
            env.add_relation(id, ENDPOINT, remote);
            for bag_kind in [
                Bag::RemoteApp,
                Bag::RemoteUnit(format!("{remote}/0")),
                Bag::LocalApp,
                Bag::LocalUnit,
            ] {
                for (k, v) in bag(u)? {
                    env.put(id, bag_kind.clone(), &k, &v);
                }
            }
        }
        if u.ratio(1, 4)? {
            env.cross_model();
        }
        let secrets = u.int_in_range(0..=3)?;
        env.created_secrets = secrets;
        for index in 0..secrets {
            let len = u.int_in_range(0..=4)?;
            let mut content = Vec::with_capacity(len);
            for position in 0..len {
                let key = if u.arbitrary()? {
                    (*u.choose(&["username", "password", "uris", "tls-ca", "tls"])?).to_string()
                } else {
                    key(u)?
                };
                content.push((key, format!("{SECRET_MARK}{index}-{position}")));
            }
            let ours: bool = u.arbitrary()?;
            env.secrets.push(FakeSecret {
                id: if ours {
                    format!("secret:{app}{index:04}")
                } else {
                    format!("secret:remote{index}")
                },
                ours,
                owner: data_interfaces_core::env::Owner::Application,
                owner_label: if ours { opt_word(u)? } else { None },
                consumer_label: if ours { None } else { opt_word(u)? },
                revisions: vec![content],
                granted: Vec::new(),
                visible: u.ratio(3, 4)?,
            });
        }
        let requests = u.int_in_range(0..=3)?;
        let requirer = RequirerConfig {
            endpoint: ENDPOINT.into(),
            requests: (0..requests)
                .map(|_| request(u))
                .collect::<Result<Vec<_>>>()?,
            request_fields: fields(u)?,
            response_fields: fields(u)?,
            relation_aliases: if u.arbitrary()? {
                vec!["first".into(), "second".into()]
            } else {
                Vec::new()
            },
            relation_limit: Some(2),
        };
        let provider = ProviderConfig {
            endpoint: ENDPOINT.into(),
            request_fields: fields(u)?,
            response_fields: fields(u)?,
            mtls_enabled: u.arbitrary()?,
            bulk_event: u.arbitrary()?,
            status_schema: Vec::new(),
            resource_aliases: if u.arbitrary()? {
                vec![key(u)?]
            } else {
                Vec::new()
            },
        };
        let hook = match u.int_in_range(0..=4)? {
            0 => Hook::RelationCreated(relation_event(u)?),
            1 | 2 => Hook::RelationChanged(relation_event(u)?),
            3 => Hook::RelationBroken(relation_event(u)?),
            _ if u.arbitrary()? => Hook::SecretChanged(secret_event(u)?),
            _ => Hook::SecretRemove(secret_event(u)?),
        };
        Ok(HookInput {
            side,
            env,
            requirer,
            provider,
            hook,
        })
    }
}
