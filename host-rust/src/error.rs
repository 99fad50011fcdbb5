//! The host's error type: loading, sandbox limits, backend failures and protocol errors.

use crate::bindings::wit::{self, Bag, HostErrorKind};
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
        wit::Error::Secret(m) => format!("secret: {m}"),
        wit::Error::Host(e) => format!("{}: {}", crate::backend::kind_name(e.kind), e.message),
    }
}
