//! The handlers' configurations: [`RequirerBuilder`] and [`ProviderBuilder`], which also
//! build the handlers.

use super::redacted::Shown;
use super::{DataInterfaces, FieldSpec, Provider, Requirer, Status};
use crate::backend::Backend;
use crate::display;
use crate::error::Error;
use crate::wit;
use std::fmt;

fn field_spec(key: impl Into<String>, secret_group: Option<&str>) -> FieldSpec {
    FieldSpec {
        key: key.into(),
        secret_group: secret_group.map(str::to_owned),
    }
}

/// Builds a requirer's configuration, and the [`Requirer`] itself.
#[derive(Clone)]
pub struct RequirerBuilder {
    config: wit::RequirerConfig,
}

impl RequirerBuilder {
    /// A requirer of an endpoint (the relation name in `metadata.yaml`), with no request yet.
    pub fn new(endpoint: impl Into<String>) -> Self {
        RequirerBuilder {
            config: wit::RequirerConfig {
                endpoint: endpoint.into(),
                requests: Vec::new(),
                request_fields: Vec::new(),
                response_fields: Vec::new(),
                relation_aliases: Vec::new(),
                relation_limit: None,
            },
        }
    }

    /// Add a request, made on every relation of the endpoint.
    pub fn request(mut self, request: impl Into<wit::Request>) -> Self {
        self.config.requests.push(request.into());
        self
    }

    /// Add requests.
    pub fn requests<R: Into<wit::Request>>(
        mut self,
        requests: impl IntoIterator<Item = R>,
    ) -> Self {
        self.config
            .requests
            .extend(requests.into_iter().map(Into::into));
        self
    }

    /// A field the request model adds (wire key), in a secret group or plain (`None`).
    pub fn request_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .request_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A field the response model adds (wire key), in a secret group or plain (`None`).
    pub fn response_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .response_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A relation alias (one per allowed relation: as many as [`Self::relation_limit`]).
    pub fn relation_alias(mut self, alias: impl Into<String>) -> Self {
        self.config.relation_aliases.push(alias.into());
        self
    }

    /// The endpoint's `limit` in `metadata.yaml`. Relation aliases must be exactly that many:
    /// making the handler refuses any other count (`invalid-model`).
    pub fn relation_limit(mut self, limit: u32) -> Self {
        self.config.relation_limit = Some(limit);
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &wit::RequirerConfig {
        &self.config
    }

    /// A requirer over a backend.
    pub fn build(
        self,
        engine: &DataInterfaces,
        backend: impl Backend + 'static,
    ) -> Result<Requirer, Error> {
        engine.requirer(self.config, backend)
    }
}

impl From<RequirerBuilder> for wit::RequirerConfig {
    fn from(builder: RequirerBuilder) -> Self {
        builder.config
    }
}

impl fmt::Debug for RequirerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        requirer_config_debug("RequirerBuilder", &self.config, f)
    }
}

/// A requirer configuration for `Debug`, the requests' secret values redacted.
pub(crate) fn requirer_config_debug(
    name: &str,
    c: &wit::RequirerConfig,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let requests: Vec<Shown> = c
        .requests
        .iter()
        .map(|r| Shown(display::request(r)))
        .collect();
    f.debug_struct(name)
        .field("endpoint", &c.endpoint)
        .field("requests", &requests)
        .field("request_fields", &c.request_fields)
        .field("response_fields", &c.response_fields)
        .field("relation_aliases", &c.relation_aliases)
        .field("relation_limit", &c.relation_limit)
        .finish()
}

/// Builds a provider's configuration, and the [`Provider`] itself.
#[derive(Debug, Clone)]
pub struct ProviderBuilder {
    config: wit::ProviderConfig,
}

impl ProviderBuilder {
    /// A provider of an endpoint (the relation name in `metadata.yaml`).
    pub fn new(endpoint: impl Into<String>) -> Self {
        ProviderBuilder {
            config: wit::ProviderConfig {
                endpoint: endpoint.into(),
                request_fields: Vec::new(),
                response_fields: Vec::new(),
                mtls_enabled: false,
                bulk_event: false,
                status_schema: Vec::new(),
                resource_aliases: Vec::new(),
            },
        }
    }

    /// A field the request model adds (wire key), in a secret group or plain (`None`).
    pub fn request_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .request_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// A field the response model adds (wire key), in a secret group or plain (`None`).
    pub fn response_field(mut self, key: impl Into<String>, secret_group: Option<&str>) -> Self {
        self.config
            .response_fields
            .push(field_spec(key, secret_group));
        self
    }

    /// Whether the requirers' mTLS certificates are tracked (`mtls_cert_updated`).
    pub fn mtls(mut self, enabled: bool) -> Self {
        self.config.mtls_enabled = enabled;
        self
    }

    /// Whether requests come as one `bulk_resources_requested` event per relation.
    pub fn bulk(mut self, enabled: bool) -> Self {
        self.config.bulk_event = enabled;
        self
    }

    /// A status of the status schema.
    pub fn status(
        mut self,
        code: i32,
        message: impl Into<String>,
        resolution: impl Into<String>,
    ) -> Self {
        self.config.status_schema.push(Status {
            code,
            message: message.into(),
            resolution: resolution.into(),
        });
        self
    }

    /// An extra key that counts as a resource request.
    pub fn resource_alias(mut self, key: impl Into<String>) -> Self {
        self.config.resource_aliases.push(key.into());
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &wit::ProviderConfig {
        &self.config
    }

    /// A provider over a backend.
    pub fn build(
        self,
        engine: &DataInterfaces,
        backend: impl Backend + 'static,
    ) -> Result<Provider, Error> {
        engine.provider(self.config, backend)
    }
}

impl From<ProviderBuilder> for wit::ProviderConfig {
    fn from(builder: ProviderBuilder) -> Self {
        builder.config
    }
}
