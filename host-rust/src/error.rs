//! The host's error type: loading, sandbox limits, backend failures and protocol errors, and
//! their JSON form ([`error_to_json`]), which the command-line host prints and the
//! conformance vectors expect.

use crate::bindings::wit::{self, Bag, HostErrorKind};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Everything a host call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The component returned a protocol error (a malformed databag, an invalid model, ...).
    #[error("{}", describe(.0))]
    Protocol(wit::Error),
    /// The component used more CPU than the fuel bound allows.
    #[error("the component ran out of fuel ({fuel} units) in {call}")]
    OutOfFuel {
        /// The export that was running.
        call: &'static str,
        /// The fuel it was given.
        fuel: u64,
    },
    /// The component asked for more memory than the cap allows.
    #[error("the component exceeded its memory cap of {limit} bytes in {call}")]
    MemoryCap {
        /// The export that was running.
        call: &'static str,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The component trapped (a panic in the guest, an illegal instruction, ...).
    #[error("the component trapped in {call}: {message}")]
    Trap {
        /// The export that was running.
        call: &'static str,
        /// What wasmtime said.
        message: String,
    },
    /// The host refused a request the component made during the call: a write to a bag this
    /// unit does not own, an app-bag write by a non-leader, data over the host-call bound, a
    /// change to a secret this unit does not own. The call fails with the first refusal,
    /// whatever the component returned: the host does not rely on the component to report it.
    #[error("the host refused a request of the component in {call}: {}: {message}", crate::backend::kind_name(*.kind))]
    Refused {
        /// The export that was running.
        call: &'static str,
        /// Why the host refused.
        kind: HostErrorKind,
        /// What was refused (never a secret value).
        message: String,
    },
    /// The component returned more data than the host-call bound allows; none of it is used.
    #[error("the component returned {bytes} bytes from {call}, over the host-call bound of {limit} bytes")]
    TooLarge {
        /// The export that was running.
        call: &'static str,
        /// The size of what it returned, as [`crate::size::DataSize`] counts it.
        bytes: usize,
        /// The bound.
        limit: usize,
    },
    /// The component broke the contract: it returned something the host cannot map (an event
    /// without the payload its kind needs, ...). A bug of the component, never of the charm.
    #[error("the component broke the contract in {call}: {message}")]
    Contract {
        /// The export that returned it.
        call: &'static str,
        /// What was wrong with it.
        message: String,
    },
    /// A backend failure that aborted the call (for example an exception in a Python host).
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The component could not be compiled, deserialized or instantiated.
    #[error("could not load the component: {0}")]
    Load(String),
    /// The precompiled cache could not be written (loading still works, from memory).
    #[error("could not write the precompiled cache {path}: {source}")]
    Cache {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the call left its instance unusable: it ran out of fuel, hit the memory cap,
    /// trapped, or was aborted by its backend. The instance (and every handler in it) must be
    /// made again; [`crate::handlers::Held`] does so before its next call.
    pub fn poisons(&self) -> bool {
        matches!(
            self,
            Error::OutOfFuel { .. }
                | Error::MemoryCap { .. }
                | Error::Trap { .. }
                | Error::Backend(_)
        )
    }
}

/// A bag, named for people.
pub fn bag_name(bag: &Bag) -> String {
    match bag {
        Bag::LocalApp => "local app bag".to_owned(),
        Bag::LocalUnit => "local unit bag".to_owned(),
        Bag::RemoteApp => "remote app bag".to_owned(),
        Bag::RemoteUnit(unit) => format!("bag of remote unit {unit}"),
    }
}

/// A protocol error, named for people: which relation, bag, key and why.
pub fn describe(error: &wit::Error) -> String {
    match error {
        wit::Error::InvalidDatabag(e) => match &e.key {
            Some(key) => format!(
                "relation {}: {} key {key:?}: {}",
                e.relation_id,
                bag_name(&e.bag),
                e.reason
            ),
            None => format!(
                "relation {}: {}: {}",
                e.relation_id,
                bag_name(&e.bag),
                e.reason
            ),
        },
        wit::Error::InvalidModel(m) => format!("invalid model: {m}"),
        wit::Error::NotLeader(message) => message.clone(),
        wit::Error::MissingRelation(id) => format!("no relation with id {id} on this endpoint"),
        wit::Error::ReadOnly(message) => message.clone(),
        wit::Error::Secret(m) => format!("secret: {m}"),
        wit::Error::Host(e) => format!("{}: {}", crate::backend::kind_name(e.kind), e.message),
    }
}

/// A protocol error taken apart, for hosts that hand errors on as data (the Python exception's
/// attributes, the command line's JSON, the conformance vectors' expectations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorParts {
    /// `invalid-databag`, `invalid-model`, `not-leader`, `missing-relation`, `read-only`, `secret` or `host`.
    pub kind: &'static str,
    /// Why, without the relation/bag/key prefix (for a host error: the backend's message).
    pub reason: String,
    /// The relation, when the error names one.
    pub relation_id: Option<wit::RelationId>,
    /// The bag at fault (`local-app`, `local-unit`, `remote-app`, `remote-unit:<unit>`).
    pub bag: Option<String>,
    /// The key at fault.
    pub key: Option<String>,
}

/// A bag as data: `local-app`, `local-unit`, `remote-app`, `remote-unit:<unit>`.
pub fn bag_id(bag: &Bag) -> String {
    match bag {
        Bag::LocalApp => "local-app".to_owned(),
        Bag::LocalUnit => "local-unit".to_owned(),
        Bag::RemoteApp => "remote-app".to_owned(),
        Bag::RemoteUnit(unit) => format!("remote-unit:{unit}"),
    }
}

impl ErrorParts {
    /// The parts of a protocol error.
    pub fn of(error: &wit::Error) -> Self {
        let plain = |kind, reason: &str| ErrorParts {
            kind,
            reason: reason.to_owned(),
            relation_id: None,
            bag: None,
            key: None,
        };
        match error {
            wit::Error::InvalidDatabag(e) => ErrorParts {
                kind: "invalid-databag",
                reason: e.reason.clone(),
                relation_id: Some(e.relation_id),
                bag: Some(bag_id(&e.bag)),
                key: e.key.clone(),
            },
            wit::Error::InvalidModel(m) => plain("invalid-model", m),
            wit::Error::NotLeader(m) => plain("not-leader", m),
            wit::Error::MissingRelation(id) => ErrorParts {
                relation_id: Some(*id),
                ..plain("missing-relation", &describe(error))
            },
            wit::Error::ReadOnly(m) => plain("read-only", m),
            wit::Error::Secret(m) => plain("secret", m),
            wit::Error::Host(e) => plain("host", &e.message),
        }
    }
}

/// A failed call as a JSON object: `error` (the kind), `message` (the sentence a person
/// reads) and, for a protocol error, `reason` and where it applies `relation-id`, `bag`,
/// `key`. Kinds: the protocol's (`invalid-databag`, `invalid-model`, `not-leader`,
/// `missing-relation`, `read-only`, `secret`, `host`) and the host's (`out-of-fuel`, `memory-cap`,
/// `trap`, `contract`, `refused`, `too-large`, `backend`, `load`, `cache`). Never a secret value.
pub fn error_to_json(error: &Error) -> Value {
    let kind = match error {
        Error::Protocol(e) => return protocol_error_to_json(e),
        Error::OutOfFuel { .. } => "out-of-fuel",
        Error::MemoryCap { .. } => "memory-cap",
        Error::Trap { .. } => "trap",
        Error::Contract { .. } => "contract",
        Error::Refused { .. } => "refused",
        Error::TooLarge { .. } => "too-large",
        Error::Backend(_) => "backend",
        Error::Load(_) => "load",
        Error::Cache { .. } => "cache",
    };
    let mut json = Map::new();
    json.insert("error".to_owned(), kind.into());
    json.insert("message".to_owned(), error.to_string().into());
    Value::Object(json)
}

/// A protocol error as [`error_to_json`] writes it: `error` (the kind), `message`, `reason`,
/// and `relation-id`, `bag`, `key` where it names them.
pub fn protocol_error_to_json(error: &wit::Error) -> Value {
    let parts = ErrorParts::of(error);
    let mut json = Map::new();
    json.insert("error".to_owned(), parts.kind.into());
    json.insert("message".to_owned(), describe(error).into());
    json.insert("reason".to_owned(), parts.reason.into());
    if let Some(bag) = parts.bag {
        json.insert("bag".to_owned(), bag.into());
    }
    if let Some(key) = parts.key {
        json.insert("key".to_owned(), key.into());
    }
    if let Some(relation) = parts.relation_id {
        json.insert("relation-id".to_owned(), relation.into());
    }
    Value::Object(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protocol_error_as_json_names_its_relation_bag_and_key() {
        let error = Error::Protocol(wit::Error::InvalidDatabag(wit::DatabagError {
            relation_id: 7,
            bag: wit::Bag::RemoteUnit("client/0".to_owned()),
            key: Some("requests".to_owned()),
            reason: "not JSON".to_owned(),
        }));
        let json = error_to_json(&error);
        assert_eq!(json["error"], "invalid-databag");
        assert_eq!(json["relation-id"], 7);
        assert_eq!(json["bag"], "remote-unit:client/0");
        assert_eq!(json["key"], "requests");
        assert_eq!(json["reason"], "not JSON");
        assert!(json["message"].as_str().unwrap().contains("relation 7"));
        let contract = Error::Contract {
            call: "requirer.handle",
            message: "no response".to_owned(),
        };
        assert_eq!(error_to_json(&contract)["error"], "contract");
    }
}
