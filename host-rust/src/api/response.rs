//! [`Response`]: a provider's response, built with chained setters (and cleared by key), over
//! the WIT record.

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
        Response(wit::Response {
            resource: resource.into(),
            request_id: None,
            salt: String::new(),
            endpoints: None,
            read_only_endpoints: None,
            secret_user: None,
            secret_tls: None,
            secret_extra: None,
            secret_entity: None,
            username: None,
            password: None,
            uris: None,
            read_only_uris: None,
            tls: None,
            tls_ca: None,
            entity_name: None,
            entity_password: None,
            version: None,
            prefix_resources: None,
            extra: Vec::new(),
            cleared: Vec::new(),
        })
    }

    /// The response to a request: its resource, request id and salt, nothing else set.
    pub fn for_request(request: &impl Borrow<wit::Request>) -> Self {
        let request = request.borrow();
        let mut response = Response::new(request.resource.clone());
        response.0.request_id = request.request_id.clone();
        response.0.salt = request.salt.clone();
        response
    }

    /// The user's name (secret group `user`).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.0.username = Some(username.into());
        self.unclear("username");
        self
    }

    /// The user's password (secret group `user`).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.0.password = Some(password.into());
        self.unclear("password");
        self
    }

    /// Connection URIs (secret group `user`).
    pub fn uris(mut self, uris: impl Into<String>) -> Self {
        self.0.uris = Some(uris.into());
        self.unclear("uris");
        self
    }

    /// Read-only connection URIs (secret group `user`).
    pub fn read_only_uris(mut self, uris: impl Into<String>) -> Self {
        self.0.read_only_uris = Some(uris.into());
        self.unclear("read-only-uris");
        self
    }

    /// The endpoints (`host:port`, comma separated).
    pub fn endpoints(mut self, endpoints: impl Into<String>) -> Self {
        self.0.endpoints = Some(endpoints.into());
        self.unclear("endpoints");
        self
    }

    /// The read-only endpoints.
    pub fn read_only_endpoints(mut self, endpoints: impl Into<String>) -> Self {
        self.0.read_only_endpoints = Some(endpoints.into());
        self.unclear("read-only-endpoints");
        self
    }

    /// Whether TLS is on (secret group `tls`).
    pub fn tls(mut self, enabled: bool) -> Self {
        self.0.tls = Some(enabled);
        self.unclear("tls");
        self
    }

    /// The CA certificate (secret group `tls`).
    pub fn tls_ca(mut self, ca: impl Into<String>) -> Self {
        self.0.tls_ca = Some(ca.into());
        self.unclear("tls-ca");
        self
    }

    /// The created entity's name (secret group `entity`).
    pub fn entity_name(mut self, name: impl Into<String>) -> Self {
        self.0.entity_name = Some(name.into());
        self.unclear("entity-name");
        self
    }

    /// The created entity's password (secret group `entity`).
    pub fn entity_password(mut self, password: impl Into<String>) -> Self {
        self.0.entity_password = Some(password.into());
        self.unclear("entity-password");
        self
    }

    /// The workload's version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.0.version = Some(version.into());
        self.unclear("version");
        self
    }

    /// The resources a prefix request matched.
    pub fn prefix_resources(mut self, resources: impl Into<String>) -> Self {
        self.0.prefix_resources = Some(resources.into());
        self.unclear("prefix-resources");
        self
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
        let r = &mut self.0;
        match key.as_str() {
            "endpoints" => r.endpoints = None,
            "read-only-endpoints" => r.read_only_endpoints = None,
            "secret-user" => r.secret_user = None,
            "secret-tls" => r.secret_tls = None,
            "secret-extra" => r.secret_extra = None,
            "secret-entity" => r.secret_entity = None,
            "username" => r.username = None,
            "password" => r.password = None,
            "uris" => r.uris = None,
            "read-only-uris" => r.read_only_uris = None,
            "tls" => r.tls = None,
            "tls-ca" => r.tls_ca = None,
            "entity-name" => r.entity_name = None,
            "entity-password" => r.entity_password = None,
            "version" => r.version = None,
            "prefix-resources" => r.prefix_resources = None,
            "request-id" => r.request_id = None,
            _ => r.extra.retain(|(k, _)| *k != key),
        }
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
