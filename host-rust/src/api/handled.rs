//! What a hook produced: [`Handled`], its events and the entries it [rejected](Rejection).

use super::RelationId;
use crate::error::Error;
use crate::wit;
use std::fmt;

/// What a hook produced: the events to react to, in order, and the entries it rejected.
///
/// A malformed request (on the provider side) or response (on the requirer side) is rejected
/// alone: nothing is written for it and no event fires for it, while the others are handled.
/// Iterating a `Handled` iterates its events.
#[derive(Debug, Clone)]
pub struct Handled<E> {
    /// The events, in order.
    pub events: Vec<E>,
    /// The requests or responses the hook could not handle (the component also logs each as
    /// an error).
    pub rejections: Vec<Rejection>,
}

impl<E> Handled<E> {
    pub(super) fn from_wit<W>(
        events: Vec<W>,
        rejections: Vec<wit::Rejection>,
        event: fn(W) -> Result<E, Error>,
    ) -> Result<Self, Error> {
        Ok(Handled {
            events: events.into_iter().map(event).collect::<Result<_, _>>()?,
            rejections: rejections.into_iter().map(Rejection::from_wit).collect(),
        })
    }
}

impl<E> IntoIterator for Handled<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a, E> IntoIterator for &'a Handled<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

/// A request or response a hook could not handle. `Display` names the relation (and its
/// alias, when it has one), the bag, the key, the entry and the reason; neither it nor `Debug`
/// carries a secret value.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// The relation.
    pub relation_id: RelationId,
    /// The entry's request id, when it could be read.
    pub request_id: Option<String>,
    /// The relation's alias, as the requirer's events carry it (a requirer with relation
    /// aliases); `None` on the provider side.
    pub alias: Option<String>,
    /// Why.
    pub error: wit::Error,
}

impl Rejection {
    fn from_wit(rejection: wit::Rejection) -> Self {
        Rejection {
            relation_id: rejection.relation_id,
            request_id: rejection.request_id,
            alias: rejection.alias,
            error: rejection.error,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request_id {
            Some(id) => write!(f, "request {id} rejected")?,
            None => f.write_str("request rejected")?,
        }
        if let Some(alias) = &self.alias {
            write!(f, " on {alias}")?;
        }
        f.write_str(": ")?;
        f.write_str(&crate::error::describe(&self.error))
    }
}
