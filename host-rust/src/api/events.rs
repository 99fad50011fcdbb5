//! The events a hook gives the charm: [`RequirerEvent`] and [`ProviderEvent`], made from the
//! component's WIT events.

use super::{Redacted, RelationId, Request, Response, Status};
use crate::display;
use crate::error::Error;
use crate::wit;

/// An event for the requirer charm. `Debug` redacts the response's secret values.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RequirerEvent {
    /// The provider created the resource: the response carries the credentials.
    ResourceCreated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias, when aliases are configured.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The provider created the requested entity.
    ResourceEntityCreated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The endpoints changed.
    EndpointsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The read-only endpoints changed.
    ReadOnlyEndpointsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The credentials (or TLS material) changed.
    AuthenticationUpdated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The resources matching a prefix request changed.
    PrefixResourcesChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The response, secret fields filled in.
        response: Response,
    },
    /// The provider raised a status.
    StatusRaised {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The status.
        status: Status,
        /// The statuses the provider raises after the change, as
        /// [`Requirer::statuses`](super::Requirer::statuses) would return them.
        active_statuses: Vec<Status>,
    },
    /// The provider resolved a status.
    StatusResolved {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The relation's alias.
        alias: Option<String>,
        /// The status.
        status: Status,
        /// The statuses the provider raises after the change, as
        /// [`Requirer::statuses`](super::Requirer::statuses) would return them.
        active_statuses: Vec<Status>,
    },
}

/// The component broke the contract: an event without the payload its kind needs.
fn malformed(call: &'static str, kind: &str, missing: &str) -> Error {
    Error::Contract {
        call,
        message: format!("the component returned a {kind} event without its {missing}"),
    }
}

impl RequirerEvent {
    /// The typed event of a WIT event; an event without the payload its kind needs is an
    /// [`Error::Contract`] (the component broke the contract).
    pub fn from_wit(event: wit::RequirerEvent) -> Result<Self, Error> {
        use wit::RequirerEventKind as K;
        let name = display::requirer_kind(event.kind);
        let wit::RequirerEvent {
            kind,
            relation_id,
            app,
            unit,
            alias,
            response,
            status,
            active_statuses,
        } = event;
        let call = "requirer.handle";
        if matches!(kind, K::StatusRaised | K::StatusResolved) {
            let status = status.ok_or_else(|| malformed(call, name, "status"))?;
            return Ok(if kind == K::StatusRaised {
                RequirerEvent::StatusRaised {
                    relation_id,
                    app,
                    unit,
                    alias,
                    status,
                    active_statuses,
                }
            } else {
                RequirerEvent::StatusResolved {
                    relation_id,
                    app,
                    unit,
                    alias,
                    status,
                    active_statuses,
                }
            });
        }
        let response = Response(response.ok_or_else(|| malformed(call, name, "response"))?);
        Ok(match kind {
            K::ResourceCreated => RequirerEvent::ResourceCreated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::ResourceEntityCreated => RequirerEvent::ResourceEntityCreated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::EndpointsChanged => RequirerEvent::EndpointsChanged {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::ReadOnlyEndpointsChanged => RequirerEvent::ReadOnlyEndpointsChanged {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::AuthenticationUpdated => RequirerEvent::AuthenticationUpdated {
                relation_id,
                app,
                unit,
                alias,
                response,
            },
            K::PrefixResourcesChanged | K::StatusRaised | K::StatusResolved => {
                RequirerEvent::PrefixResourcesChanged {
                    relation_id,
                    app,
                    unit,
                    alias,
                    response,
                }
            }
        })
    }

    /// The name a charm observes (`resource_created`, `endpoints_changed`, ...).
    pub fn name(&self) -> &'static str {
        use wit::RequirerEventKind as K;
        display::requirer_kind(match self {
            RequirerEvent::ResourceCreated { .. } => K::ResourceCreated,
            RequirerEvent::ResourceEntityCreated { .. } => K::ResourceEntityCreated,
            RequirerEvent::EndpointsChanged { .. } => K::EndpointsChanged,
            RequirerEvent::ReadOnlyEndpointsChanged { .. } => K::ReadOnlyEndpointsChanged,
            RequirerEvent::AuthenticationUpdated { .. } => K::AuthenticationUpdated,
            RequirerEvent::PrefixResourcesChanged { .. } => K::PrefixResourcesChanged,
            RequirerEvent::StatusRaised { .. } => K::StatusRaised,
            RequirerEvent::StatusResolved { .. } => K::StatusResolved,
        })
    }

    /// The relation the event is about.
    pub fn relation_id(&self) -> RelationId {
        match self {
            RequirerEvent::ResourceCreated { relation_id, .. }
            | RequirerEvent::ResourceEntityCreated { relation_id, .. }
            | RequirerEvent::EndpointsChanged { relation_id, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { relation_id, .. }
            | RequirerEvent::AuthenticationUpdated { relation_id, .. }
            | RequirerEvent::PrefixResourcesChanged { relation_id, .. }
            | RequirerEvent::StatusRaised { relation_id, .. }
            | RequirerEvent::StatusResolved { relation_id, .. } => *relation_id,
        }
    }

    /// The remote application the hook came from, if Juju named one.
    pub fn app(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { app, .. }
            | RequirerEvent::ResourceEntityCreated { app, .. }
            | RequirerEvent::EndpointsChanged { app, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { app, .. }
            | RequirerEvent::AuthenticationUpdated { app, .. }
            | RequirerEvent::PrefixResourcesChanged { app, .. }
            | RequirerEvent::StatusRaised { app, .. }
            | RequirerEvent::StatusResolved { app, .. } => app.as_deref(),
        }
    }
    /// The remote unit the hook came from, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { unit, .. }
            | RequirerEvent::ResourceEntityCreated { unit, .. }
            | RequirerEvent::EndpointsChanged { unit, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { unit, .. }
            | RequirerEvent::AuthenticationUpdated { unit, .. }
            | RequirerEvent::PrefixResourcesChanged { unit, .. }
            | RequirerEvent::StatusRaised { unit, .. }
            | RequirerEvent::StatusResolved { unit, .. } => unit.as_deref(),
        }
    }

    /// The relation's alias, when aliases are configured (the charm also observes
    /// `<alias>_<name>`).
    pub fn alias(&self) -> Option<&str> {
        match self {
            RequirerEvent::ResourceCreated { alias, .. }
            | RequirerEvent::ResourceEntityCreated { alias, .. }
            | RequirerEvent::EndpointsChanged { alias, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { alias, .. }
            | RequirerEvent::AuthenticationUpdated { alias, .. }
            | RequirerEvent::PrefixResourcesChanged { alias, .. }
            | RequirerEvent::StatusRaised { alias, .. }
            | RequirerEvent::StatusResolved { alias, .. } => alias.as_deref(),
        }
    }

    /// The response, for every event but the status ones.
    pub fn response(&self) -> Option<&Response> {
        match self {
            RequirerEvent::ResourceCreated { response, .. }
            | RequirerEvent::ResourceEntityCreated { response, .. }
            | RequirerEvent::EndpointsChanged { response, .. }
            | RequirerEvent::ReadOnlyEndpointsChanged { response, .. }
            | RequirerEvent::AuthenticationUpdated { response, .. }
            | RequirerEvent::PrefixResourcesChanged { response, .. } => Some(response),
            RequirerEvent::StatusRaised { .. } | RequirerEvent::StatusResolved { .. } => None,
        }
    }

    /// The status, for `status_raised` and `status_resolved`.
    pub fn status(&self) -> Option<&Status> {
        match self {
            RequirerEvent::StatusRaised { status, .. }
            | RequirerEvent::StatusResolved { status, .. } => Some(status),
            _ => None,
        }
    }
}

/// An event for the provider charm. `Debug` redacts the requests' secret values and the old
/// mTLS certificate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProviderEvent {
    /// The requirer asked for a resource: answer with
    /// [`Provider::set_response`](super::Provider::set_response).
    ResourceRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The requirer asked for an entity (a user or a group).
    ResourceEntityRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The permissions of a requested entity changed.
    ResourceEntityPermissionsChanged {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request.
        request: Request,
    },
    /// The requirer's mTLS certificate changed.
    MtlsCertUpdated {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The request, with the new certificate.
        request: Request,
        /// The certificate before the change.
        old_mtls_cert: Option<Redacted>,
    },
    /// Every request of the relation at once (a provider configured with `bulk_event`).
    BulkResourcesRequested {
        /// The relation.
        relation_id: RelationId,
        /// The remote application.
        app: Option<String>,
        /// The remote unit.
        unit: Option<String>,
        /// The requests.
        requests: Vec<Request>,
    },
}

impl ProviderEvent {
    /// The typed event of a WIT event; a single-request event without a request is an
    /// [`Error::Contract`] (the component broke the contract).
    pub fn from_wit(event: wit::ProviderEvent) -> Result<Self, Error> {
        use wit::ProviderEventKind as K;
        let name = display::provider_kind(event.kind);
        let wit::ProviderEvent {
            kind,
            relation_id,
            app,
            unit,
            requests,
            old_mtls_cert,
        } = event;
        let mut requests: Vec<Request> = requests.into_iter().map(Request).collect();
        if kind == K::BulkResourcesRequested {
            return Ok(ProviderEvent::BulkResourcesRequested {
                relation_id,
                app,
                unit,
                requests,
            });
        }
        if requests.is_empty() {
            return Err(malformed("provider.handle", name, "request"));
        }
        let request = requests.swap_remove(0);
        Ok(match kind {
            K::ResourceRequested => ProviderEvent::ResourceRequested {
                relation_id,
                app,
                unit,
                request,
            },
            K::ResourceEntityRequested => ProviderEvent::ResourceEntityRequested {
                relation_id,
                app,
                unit,
                request,
            },
            K::ResourceEntityPermissionsChanged => {
                ProviderEvent::ResourceEntityPermissionsChanged {
                    relation_id,
                    app,
                    unit,
                    request,
                }
            }
            K::MtlsCertUpdated | K::BulkResourcesRequested => ProviderEvent::MtlsCertUpdated {
                relation_id,
                app,
                unit,
                request,
                old_mtls_cert: old_mtls_cert.map(Redacted),
            },
        })
    }

    /// The name a charm observes (`resource_requested`, ...).
    pub fn name(&self) -> &'static str {
        use wit::ProviderEventKind as K;
        display::provider_kind(match self {
            ProviderEvent::ResourceRequested { .. } => K::ResourceRequested,
            ProviderEvent::ResourceEntityRequested { .. } => K::ResourceEntityRequested,
            ProviderEvent::ResourceEntityPermissionsChanged { .. } => {
                K::ResourceEntityPermissionsChanged
            }
            ProviderEvent::MtlsCertUpdated { .. } => K::MtlsCertUpdated,
            ProviderEvent::BulkResourcesRequested { .. } => K::BulkResourcesRequested,
        })
    }

    /// The relation the event is about.
    pub fn relation_id(&self) -> RelationId {
        match self {
            ProviderEvent::ResourceRequested { relation_id, .. }
            | ProviderEvent::ResourceEntityRequested { relation_id, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { relation_id, .. }
            | ProviderEvent::MtlsCertUpdated { relation_id, .. }
            | ProviderEvent::BulkResourcesRequested { relation_id, .. } => *relation_id,
        }
    }

    /// The remote application the hook came from, if Juju named one.
    pub fn app(&self) -> Option<&str> {
        match self {
            ProviderEvent::ResourceRequested { app, .. }
            | ProviderEvent::ResourceEntityRequested { app, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { app, .. }
            | ProviderEvent::MtlsCertUpdated { app, .. }
            | ProviderEvent::BulkResourcesRequested { app, .. } => app.as_deref(),
        }
    }
    /// The remote unit the hook came from, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            ProviderEvent::ResourceRequested { unit, .. }
            | ProviderEvent::ResourceEntityRequested { unit, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { unit, .. }
            | ProviderEvent::MtlsCertUpdated { unit, .. }
            | ProviderEvent::BulkResourcesRequested { unit, .. } => unit.as_deref(),
        }
    }

    /// For `mtls_cert_updated`: the certificate before the change (a secret value).
    pub fn old_mtls_cert(&self) -> Option<&Redacted> {
        match self {
            ProviderEvent::MtlsCertUpdated { old_mtls_cert, .. } => old_mtls_cert.as_ref(),
            _ => None,
        }
    }

    /// The event's requests: one, or all of them for `bulk_resources_requested`.
    pub fn requests(&self) -> &[Request] {
        match self {
            ProviderEvent::ResourceRequested { request, .. }
            | ProviderEvent::ResourceEntityRequested { request, .. }
            | ProviderEvent::ResourceEntityPermissionsChanged { request, .. }
            | ProviderEvent::MtlsCertUpdated { request, .. } => std::slice::from_ref(request),
            ProviderEvent::BulkResourcesRequested { requests, .. } => requests,
        }
    }
}
