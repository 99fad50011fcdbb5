//! The host's error type: loading, sandbox limits, backend failures and protocol errors.

use crate::bindings::wit::{self, Bag};
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
