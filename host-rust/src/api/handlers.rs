//! The typed handlers a charm calls: [`Requirer`], [`Provider`] and [`Peer`], each holding one
//! of the component's handler resources ([`crate::handlers::Held`]) over one backend.

use super::builders::requirer_config_debug;
use super::{
    Handled, Hook, PeerConfig, PeerScope, ProviderEvent, RelationId, Request, RequirerEvent,
    Response, Status,
};
use crate::backend::Backend;
use crate::error::Error;
use crate::handlers::{Held, PeerHandler, ProviderHandler, RequirerHandler};
use crate::wit;
use std::fmt;

/// The requirer side of a relation endpoint, over one backend (one hook, usually).
pub struct Requirer {
    pub(super) held: Held<RequirerHandler>,
}

impl fmt::Debug for Requirer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        requirer_config_debug("Requirer", self.held.config(), f)
    }
}

impl Requirer {
    /// The configuration.
    pub fn config(&self) -> &wit::RequirerConfig {
        self.held.config()
    }

    /// Handle a hook; returns the events to react to, in order. A hook of another endpoint
    /// yields no event.
    ///
    /// A malformed response is rejected alone (see [`Handled`]); a failure of the whole hook
    /// (an unreadable bag, a backend error, a sandbox limit) is an [`Error`].
    pub fn handle(&mut self, hook: &Hook) -> Result<Handled<RequirerEvent>, Error> {
        let handled = self.held.call(|s, h| s.requirer_handle(h, hook))?;
        Handled::from_wit(handled.events, handled.rejections, RequirerEvent::from_wit)
    }

    /// The responses on a relation, with their secret fields filled in.
    pub fn responses(&mut self, relation: RelationId) -> Result<Vec<Response>, Error> {
        let responses = self.held.call(|s, h| s.requirer_responses(h, relation))?;
        Ok(responses.into_iter().map(Response).collect())
    }

    /// Whether the response to a request (by request id) carries credentials.
    pub fn is_resource_created(
        &mut self,
        relation: RelationId,
        request_id: &str,
    ) -> Result<bool, Error> {
        self.held
            .call(|s, h| s.requirer_is_resource_created(h, relation, request_id))
    }

    /// Whether every response with a request id carries credentials (true when none).
    pub fn are_all_resources_created(&mut self, relation: RelationId) -> Result<bool, Error> {
        self.held
            .call(|s, h| s.requirer_are_all_resources_created(h, relation))
    }

    /// The statuses the provider raises on a relation, by code.
    pub fn statuses(&mut self, relation: RelationId) -> Result<Vec<Status>, Error> {
        self.held.call(|s, h| s.requirer_statuses(h, relation))
    }

    /// The alias this unit's bag records for a relation (the one its events carry); `None`
    /// when it records none, or when the endpoint has no such relation.
    pub fn relation_alias(&mut self, relation: RelationId) -> Result<Option<String>, Error> {
        self.held
            .call(|s, h| s.requirer_relation_alias(h, relation))
    }

    /// Give a relation an alias as relation-created does, and return it: `None` without
    /// relation aliases or for a relation the endpoint does not have, the alias it already
    /// has, else the first alias no other relation holds (written to this unit's bag and, on
    /// the leader, to the application's bag; `None` when every alias is taken).
    pub fn assign_alias(&mut self, relation: RelationId) -> Result<Option<String>, Error> {
        self.held.call(|s, h| s.requirer_assign_alias(h, relation))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}

/// The provider side of a relation endpoint, over one backend (one hook, usually).
pub struct Provider {
    pub(super) held: Held<ProviderHandler>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("config", self.held.config())
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// The configuration.
    pub fn config(&self) -> &wit::ProviderConfig {
        self.held.config()
    }

    /// Handle a hook; returns the events to react to, in order. A hook of another endpoint
    /// yields no event.
    ///
    /// A malformed request is rejected alone (see [`Handled`]); a failure of the whole hook
    /// (an unreadable bag, a backend error, a sandbox limit) is an [`Error`].
    pub fn handle(&mut self, hook: &Hook) -> Result<Handled<ProviderEvent>, Error> {
        let handled = self.held.call(|s, h| s.provider_handle(h, hook))?;
        Handled::from_wit(handled.events, handled.rejections, ProviderEvent::from_wit)
    }

    /// Write (or merge) a response on a relation; leader only. Secret fields go to Juju
    /// secrets granted to the relation; the databag gets their URIs.
    pub fn set_response(&mut self, relation: RelationId, response: &Response) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_set_response(h, relation, &response.0))
    }

    /// Write responses as [`Provider::set_response`] called once for each, in order, but with
    /// one read and one write of the bag: the linear way to answer many requests one by one.
    pub fn set_response_each(
        &mut self,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        let records: Vec<wit::Response> = responses.iter().map(|r| r.0.clone()).collect();
        self.held
            .call(|s, h| s.provider_set_response_each(h, relation, &records))
    }

    /// Write several responses on a relation at once; leader only.
    pub fn set_responses(
        &mut self,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        let records: Vec<wit::Response> = responses.iter().map(|r| r.0.clone()).collect();
        self.held
            .call(|s, h| s.provider_set_responses(h, relation, &records))
    }

    /// The requests on a relation.
    pub fn requests(&mut self, relation: RelationId) -> Result<Vec<Request>, Error> {
        let requests = self.held.call(|s, h| s.provider_requests(h, relation))?;
        Ok(requests.into_iter().map(Request).collect())
    }

    /// The provider's own responses on a relation, secret fields filled in.
    pub fn responses(&mut self, relation: RelationId) -> Result<Vec<Response>, Error> {
        let responses = self.held.call(|s, h| s.provider_responses(h, relation))?;
        Ok(responses.into_iter().map(Response).collect())
    }

    /// Raise a status on a relation; leader only.
    pub fn raise_status(&mut self, relation: RelationId, status: &Status) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_raise_status(h, relation, status))
    }

    /// Raise the status of the status schema with this code; leader only.
    pub fn raise_status_code(&mut self, relation: RelationId, code: i32) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_raise_status_code(h, relation, code))
    }

    /// Resolve a raised status; leader only.
    pub fn resolve_status(&mut self, relation: RelationId, code: i32) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_resolve_status(h, relation, code))
    }

    /// Clear every status of a relation; leader only.
    pub fn clear_statuses(&mut self, relation: RelationId) -> Result<(), Error> {
        self.held
            .call(|s, h| s.provider_clear_statuses(h, relation))
    }

    /// The statuses raised on a relation; leader only.
    pub fn statuses(&mut self, relation: RelationId) -> Result<Vec<Status>, Error> {
        self.held.call(|s, h| s.provider_statuses(h, relation))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}

/// The data of a peer relation (the component's `peer` export): plain fields in the databag,
/// secret fields in secrets found by label. Values are JSON text.
pub struct Peer {
    pub(super) held: Held<PeerHandler>,
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peer")
            .field("config", self.held.config())
            .finish()
    }
}

impl Peer {
    /// The configuration.
    pub fn config(&self) -> &PeerConfig {
        self.held.config()
    }

    /// The data of a scope, by wire key, each value as JSON text (secret fields filled in).
    pub fn read(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
    ) -> Result<Vec<(String, String)>, Error> {
        self.held.call(|s, h| s.peer_read(h, relation, scope))
    }

    /// Set fields (JSON text) or delete them (`None`); other keys are left alone. The app
    /// scope is leader only; another unit's data is read only.
    pub fn write(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
        values: &[(String, Option<String>)],
    ) -> Result<(), Error> {
        self.held
            .call(|s, h| s.peer_write(h, relation, scope, values))
    }

    /// Delete fields of a scope.
    pub fn delete(
        &mut self,
        relation: RelationId,
        scope: &PeerScope,
        keys: &[String],
    ) -> Result<(), Error> {
        self.held
            .call(|s, h| s.peer_delete(h, relation, scope, keys))
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.held.into_backend()
    }
}
