//! [`Request`]: a requirer's request, built with chained setters, over the WIT record.
//!
//! The per-field code (the empty record, one setter per field) is generated from the WIT by
//! the build script (`build/records.rs`); this module owns the rest.

use super::EntityType;
use crate::display;
use crate::wit;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A requirer's request, built with chained setters; `Debug` redacts secret values.
///
/// It dereferences to the WIT record, so every field reads as `request.resource`,
/// `request.request_id`, ...
#[derive(Clone)]
pub struct Request(pub(super) wit::Request);

impl Default for Request {
    fn default() -> Self {
        Request::new("")
    }
}

impl Request {
    /// A request for a resource (a database, a topic, an index), every other field unset.
    pub fn new(resource: impl Into<String>) -> Self {
        Request(Request::empty_record(resource.into()))
    }

    /// An entity-only request (a user or a group, no resource).
    pub fn entity(entity_type: EntityType) -> Self {
        Request::new("").entity_type(entity_type)
    }

    /// A field of a request-model subclass: its wire key and its value as JSON text.
    pub fn extra_field(mut self, key: impl Into<String>, json: impl Into<String>) -> Self {
        self.0.extra.push((key.into(), json.into()));
        self
    }

    /// The WIT record.
    pub fn as_wit(&self) -> &wit::Request {
        &self.0
    }

    /// The WIT record, owned.
    pub fn into_wit(self) -> wit::Request {
        self.0
    }
}

// `empty_record` and a setter per field (`salt`, `extra_user_roles`, `entity_type`, ...).
include!(concat!(env!("OUT_DIR"), "/request_api.rs"));

impl Deref for Request {
    type Target = wit::Request;
    fn deref(&self) -> &wit::Request {
        &self.0
    }
}

impl Borrow<wit::Request> for Request {
    fn borrow(&self) -> &wit::Request {
        &self.0
    }
}

impl From<wit::Request> for Request {
    fn from(request: wit::Request) -> Self {
        Request(request)
    }
}

impl From<Request> for wit::Request {
    fn from(request: Request) -> Self {
        request.0
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Request {{ {} }}", display::request(&self.0))
    }
}
