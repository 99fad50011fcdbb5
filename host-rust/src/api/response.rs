//! [`Response`]: a provider's response, built with chained setters (and cleared by key), over
//! the WIT record.
//!
//! The per-field code (the empty record, one setter per field, the clear-by-key match) is
//! generated from the WIT by the build script (`build/records.rs`); this module owns the rest.

use crate::display;
use crate::wit;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A provider's response, built with chained setters; `Debug` redacts secret values.
///
/// It dereferences to the WIT record, so every field reads as `response.username`,
/// `response.endpoints`, ...
#[derive(Clone)]
pub struct Response(pub(super) wit::Response);

impl Default for Response {
    fn default() -> Self {
        Response::new("")
    }
}

impl Response {
    /// A response for a resource with no request id (what a v0 requirer reads).
    pub fn new(resource: impl Into<String>) -> Self {
        Response(Response::empty_record(resource.into()))
    }

    /// The response to a request: its resource, request id and salt, nothing else set.
    pub fn for_request(request: &impl Borrow<wit::Request>) -> Self {
        let request = request.borrow();
        let mut response = Response::new(request.resource.clone());
        response.0.request_id = request.request_id.clone();
        response.0.salt = request.salt.clone();
        response
    }

    /// A field of a response-model subclass: its wire key and its value as JSON text.
    pub fn extra_field(mut self, key: impl Into<String>, json: impl Into<String>) -> Self {
        let key = key.into();
        self.unclear(&key);
        self.0.extra.push((key, json.into()));
        self
    }

    /// Clears a field, by wire key (`"password"`, `"endpoints"`, an extra field's key), as a
    /// Python charm sets it to `None`: writing the response over a stored one makes a plain
    /// field null and removes a secret field from its group's secret, which goes away with its
    /// `secret-{group}` URI once empty. A value this builder holds for the key is dropped, and
    /// a later setter for the key sets it again. The component refuses to clear `resource` or
    /// `salt` (an `invalid-model` error).
    ///
    /// ```
    /// use data_interfaces_host::Response;
    ///
    /// let response = Response::new("clientdb").username("u").clear("password");
    /// assert_eq!(response.cleared, ["password"]);
    /// assert_eq!(response.password, None);
    /// ```
    pub fn clear(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        if !self.clear_field(&key) {
            self.0.extra.retain(|(k, _)| *k != key);
        }
        let r = &mut self.0;
        if !r.cleared.contains(&key) {
            r.cleared.push(key);
        }
        self
    }

    /// A setter gives the key a value again: it is no longer cleared.
    fn unclear(&mut self, key: &str) {
        self.0.cleared.retain(|k| k != key);
    }

    /// The WIT record.
    pub fn as_wit(&self) -> &wit::Response {
        &self.0
    }

    /// The WIT record, owned.
    pub fn into_wit(self) -> wit::Response {
        self.0
    }
}

// `empty_record`, a setter per field (`username`, `endpoints`, `tls`, ...) and `clear_field`.
include!(concat!(env!("OUT_DIR"), "/response_api.rs"));

impl Deref for Response {
    type Target = wit::Response;
    fn deref(&self) -> &wit::Response {
        &self.0
    }
}

impl Borrow<wit::Response> for Response {
    fn borrow(&self) -> &wit::Response {
        &self.0
    }
}

impl From<wit::Response> for Response {
    fn from(response: wit::Response) -> Self {
        Response(response)
    }
}

impl From<Response> for wit::Response {
    fn from(response: Response) -> Self {
        response.0
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Response {{ {} }}", display::response(&self.0))
    }
}
