//! An in-memory model of Juju: applications, units, relations, databags and secrets, with
//! Juju's access rules.
//!
//! A unit writes only its own unit bag; only the leader reads or writes its application's bag;
//! remote bags are read-only; setting an empty value deletes a key. A secret is visible to its
//! owner and, through a grant on a relation, to the application on the other side; a consumer
//! sees the revision it tracks until it asks for a refresh. Each unit gets a [`UnitBackend`]
//! view, which is a [`Backend`](crate::backend::Backend) for the component.
//!
//! A test double: compiled only with the crate's `testing` feature (as `ops[testing]` adds ops'
//! test harness), and in the crate's own unit tests.

mod juju;
mod unit;
mod world;

pub use crate::backend::app_of;
pub use juju::Juju;
pub use unit::UnitBackend;
pub use world::{Databag, LogLine, SecretOwner, SecretRecord};
