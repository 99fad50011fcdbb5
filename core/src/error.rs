//! The errors the protocol reports; none of them ever carries a secret value.

use crate::env::{Bag, HostError, RelationId};

/// A databag that could not be read as the protocol says.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("relation {relation_id}, {bag}{}: {reason}", key.as_deref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
pub struct DatabagError {
    /// The relation.
    pub relation_id: RelationId,
    /// The bag at fault.
    pub bag: Bag,
    /// The key at fault, when one is.
    pub key: Option<String>,
    /// What is wrong with it.
    pub reason: String,
}

/// What a protocol call can fail with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A databag written by the other side is malformed.
    #[error("invalid databag: {0}")]
    InvalidDatabag(DatabagError),
    /// A model (request, response, status) breaks a rule of the protocol.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// The call is one only the leader can make.
    #[error("not leader: {0}")]
    NotLeader(String),
    /// No relation with that id on the handler's endpoint.
    #[error("no relation {0} on this endpoint")]
    MissingRelation(RelationId),
    /// The call writes a bag the local unit may only read (another unit's peer data).
    #[error("read only: {0}")]
    ReadOnly(String),
    /// A secret the protocol needs is missing or unreadable.
    #[error("secret: {0}")]
    Secret(String),
    /// A call to the world failed.
    #[error("host: {0}")]
    Host(HostError),
}

impl From<HostError> for Error {
    fn from(error: HostError) -> Self {
        Error::Host(error)
    }
}

impl Error {
    /// An [`Error::InvalidDatabag`] for a key of a bag.
    pub fn databag(
        relation: RelationId,
        bag: Bag,
        key: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidDatabag(DatabagError {
            relation_id: relation,
            bag,
            key: key.map(str::to_string),
            reason: reason.into(),
        })
    }
}

/// Shorthand for results of protocol calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;
