//! [`Request`]: a requirer's request, built with chained setters, over the WIT record.

use super::{EntityPermission, EntityType};
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
        Request(wit::Request {
            resource: resource.into(),
            request_id: None,
            salt: String::new(),
            extra_user_roles: None,
            extra_group_roles: None,
            external_node_connectivity: false,
            entity_type: None,
            entity_permissions: None,
            secret_mtls: None,
            mtls_cert: None,
            secret_requested_entity: None,
            entity_name: None,
            entity_password: None,
            prefix_matching: None,
            extra: Vec::new(),
        })
    }

    /// An entity-only request (a user or a group, no resource).
    pub fn entity(entity_type: EntityType) -> Self {
        Request::new("").entity_type(entity_type)
    }

    /// The salt of the request id (empty, the default, lets the component generate one).
    pub fn salt(mut self, salt: impl Into<String>) -> Self {
        self.0.salt = salt.into();
        self
    }

    /// Extra roles for the user (`extra-user-roles`).
    pub fn extra_user_roles(mut self, roles: impl Into<String>) -> Self {
        self.0.extra_user_roles = Some(roles.into());
        self
    }

    /// Extra roles for the group (`extra-group-roles`).
    pub fn extra_group_roles(mut self, roles: impl Into<String>) -> Self {
        self.0.extra_group_roles = Some(roles.into());
        self
    }

    /// Ask for endpoints reachable from outside the cluster.
    pub fn external_node_connectivity(mut self, enabled: bool) -> Self {
        self.0.external_node_connectivity = enabled;
        self
    }

    /// The kind of entity to create.
    pub fn entity_type(mut self, entity_type: EntityType) -> Self {
        self.0.entity_type = Some(entity_type);
        self
    }

    /// The permissions of the requested entity.
    pub fn entity_permissions(
        mut self,
        permissions: impl IntoIterator<Item = EntityPermission>,
    ) -> Self {
        self.0.entity_permissions = Some(permissions.into_iter().collect());
        self
    }

    /// The requested entity's name (a secret field).
    pub fn entity_name(mut self, name: impl Into<String>) -> Self {
        self.0.entity_name = Some(name.into());
        self
    }

    /// The requested entity's password (a secret field).
    pub fn entity_password(mut self, password: impl Into<String>) -> Self {
        self.0.entity_password = Some(password.into());
        self
    }

    /// The client certificate for mTLS (a secret field).
    pub fn mtls_cert(mut self, cert: impl Into<String>) -> Self {
        self.0.mtls_cert = Some(cert.into());
        self
    }

    /// Ask for every resource matching a prefix (`prefix-matching`).
    pub fn prefix_matching(mut self, mode: impl Into<String>) -> Self {
        self.0.prefix_matching = Some(mode.into());
        self
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
