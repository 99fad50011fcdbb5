//! The wit-bindgen glue: the component's exports call the protocol, and [`Imports`] implements
//! [`Env`] over the component's imports. Nothing here decides anything about the protocol.
//!
//! The contract's records, variants and enums are core's own types (`with:` below): the
//! generated code lifts and lowers them field by field, by name, so a field added to the WIT
//! and to core's model needs no copying code here. The handlers are resources that hold their
//! configuration (the requirer's checked once, when it is made).

wit_bindgen::generate!({
    path: "../wit",
    world: "data-interfaces",
    with: {
        "charm:data-interfaces/types@1.0.0/bag": crate::env::Bag,
        "charm:data-interfaces/types@1.0.0/change-set": crate::env::ChangeSet,
        "charm:data-interfaces/types@1.0.0/relation-info": crate::env::RelationInfo,
        "charm:data-interfaces/types@1.0.0/owner": crate::env::Owner,
        "charm:data-interfaces/types@1.0.0/secret": crate::env::Secret,
        "charm:data-interfaces/types@1.0.0/host-error-kind": crate::env::HostErrorKind,
        "charm:data-interfaces/types@1.0.0/host-error": crate::env::HostError,
        "charm:data-interfaces/types@1.0.0/log-level": crate::env::LogLevel,
        "charm:data-interfaces/types@1.0.0/entity-type": crate::model::EntityType,
        "charm:data-interfaces/types@1.0.0/entity-permission": crate::model::EntityPermission,
        "charm:data-interfaces/types@1.0.0/field-spec": crate::model::FieldSpec,
        "charm:data-interfaces/types@1.0.0/request": crate::model::Request,
        "charm:data-interfaces/types@1.0.0/response": crate::model::Response,
        "charm:data-interfaces/types@1.0.0/status": crate::model::Status,
        "charm:data-interfaces/types@1.0.0/relation-event": crate::model::RelationEvent,
        "charm:data-interfaces/types@1.0.0/secret-event": crate::model::SecretEvent,
        "charm:data-interfaces/types@1.0.0/hook": crate::model::Hook,
        "charm:data-interfaces/types@1.0.0/requirer-config": crate::model::RequirerConfig,
        "charm:data-interfaces/types@1.0.0/provider-config": crate::model::ProviderConfig,
        "charm:data-interfaces/types@1.0.0/requirer-event-kind": crate::model::RequirerEventKind,
        "charm:data-interfaces/types@1.0.0/requirer-event": crate::model::RequirerEvent,
        "charm:data-interfaces/types@1.0.0/provider-event-kind": crate::model::ProviderEventKind,
        "charm:data-interfaces/types@1.0.0/provider-event": crate::model::ProviderEvent,
        "charm:data-interfaces/types@1.0.0/databag-error": crate::error::DatabagError,
        "charm:data-interfaces/types@1.0.0/peer-scope": crate::peer::PeerScope,
        "charm:data-interfaces/types@1.0.0/peer-config": crate::peer::PeerConfig,
        "charm:data-interfaces/types@1.0.0/relation-data-config": crate::relation_data::RelationDataConfig,
        "charm:data-interfaces/types@1.0.0/relation-value": crate::relation_data::RelationValue,
        "charm:data-interfaces/types@1.0.0/relation-data": crate::relation_data::RelationData,
        "charm:data-interfaces/types@1.0.0/rejection": crate::model::Rejection,
        "charm:data-interfaces/types@1.0.0/requirer-handled": crate::model::RequirerHandled,
        "charm:data-interfaces/types@1.0.0/provider-handled": crate::model::ProviderHandled,
        "charm:data-interfaces/types@1.0.0/error": crate::error::Error,
        "charm:data-interfaces/diff-cache@1.0.0/diff": crate::cache::Diff,
    },
});

use charm::data_interfaces::{databag, log as wit_log, secrets};
use exports::charm::data_interfaces::{diff_cache, peer as wit_peer, provider as wit_provider};
use exports::charm::data_interfaces::{
    relation_data as wit_relation_data, requirer as wit_requirer,
};

use crate::cache::Diff;
use crate::env::{
    Bag, ChangeSet, Entries, Env, HostError, HostErrorKind, LogLevel, Owner, RelationId,
    RelationInfo, Secret,
};
use crate::error::Result;
use crate::model::{
    EntityType, Hook, ProviderConfig, ProviderHandled, Request, RequirerHandled, Response, Status,
};
use crate::peer::{PeerConfig, PeerScope};
use crate::relation_data::{RelationData, RelationDataConfig};
use crate::requirer::Requirer;
use crate::{
    alias, bag, diff, ids, peer, provider, relation_data, secrets as core_secrets, status,
};

/// The enums the component lifts from the canonical ABI: the generated code calls `_lift` with
/// the case's index in the WIT (wasmtime lowers only valid cases, so no other value arrives).
macro_rules! lift_in_wit_order {
    ($name:ty { $($case:ident),+ $(,)? }) => {
        impl $name {
            #[doc(hidden)]
            pub(crate) fn _lift(val: u8) -> $name {
                const CASES: &[$name] = &[$(<$name>::$case),+];
                match CASES.get(usize::from(val)) {
                    Some(case) => *case,
                    None => panic!("invalid {} discriminant {val}", stringify!($name)),
                }
            }
        }
    };
}

lift_in_wit_order!(HostErrorKind {
    NotFound,
    PermissionDenied,
    NotLeader,
    TooLarge,
    InvalidArgument,
    Backend,
});
lift_in_wit_order!(EntityType { User, Group });

/// The world as the imports show it.
struct Imports;

impl Env for Imports {
    fn relations(&self, endpoint: &str) -> Vec<RelationInfo> {
        databag::relations(endpoint)
    }

    fn remote_model_uuid(&self, relation: RelationId) -> Option<String> {
        databag::remote_model_uuid(relation)
    }

    fn read(&self, relation: RelationId, bag: &Bag) -> Result<Entries, HostError> {
        databag::read(relation, bag)
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), HostError> {
        databag::apply(relation, bag, changes)
    }

    fn is_leader(&self) -> bool {
        databag::is_leader()
    }

    fn local_app(&self) -> String {
        databag::local_app()
    }

    fn local_unit(&self) -> String {
        databag::local_unit()
    }

    fn model_uuid(&self) -> String {
        databag::model_uuid()
    }

    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &Entries,
    ) -> Result<String, HostError> {
        secrets::add(owner, label, content)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, HostError> {
        secrets::get(id, label, refresh)
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, HostError> {
        secrets::owned(id)
    }

    fn secret_set_content(&mut self, id: &str, content: &Entries) -> Result<(), HostError> {
        secrets::set_content(id, content)
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), HostError> {
        secrets::grant(id, relation)
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), HostError> {
        secrets::remove(id)
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), HostError> {
        secrets::remove_revision(id, revision)
    }

    fn log(&self, level: LogLevel, message: &str) {
        wit_log::log(level, message);
    }
}

/// The component's exports.
struct Component;

impl exports::charm::data_interfaces::util::Guest for Component {
    fn gen_salt() -> String {
        ids::gen_salt()
    }

    fn gen_hash(resource: String, salt: String) -> String {
        ids::gen_hash(&resource, &salt)
    }

    fn relation_secret_label(
        endpoint: String,
        relation: RelationId,
        short_uuid: Option<String>,
        group: String,
    ) -> String {
        core_secrets::label(&endpoint, relation, short_uuid.as_deref(), &group)
    }

    fn peer_secret_label(endpoint: String, scope: PeerScope, group: String) -> String {
        peer::local_secret_label(&Imports, &endpoint, &scope, &group)
    }

    fn is_cross_model(endpoint: String, relation: RelationId) -> Result<bool> {
        bag::relation_is_cross_model(&Imports, &endpoint, relation)
    }
}

impl diff_cache::Guest for Component {
    fn compute_diff(
        endpoint: String,
        relation: RelationId,
        cache_bag: Bag,
        new_data: Vec<(String, String)>,
        short_uuid: Option<String>,
        store: bool,
    ) -> Result<Diff> {
        diff::compute_diff(
            &mut Imports,
            &endpoint,
            relation,
            &cache_bag,
            &new_data,
            short_uuid.as_deref(),
            store,
        )
    }

    fn store_new_data(
        cached: Option<String>,
        new_data: Vec<(String, String)>,
        short_uuid: Option<String>,
        global_data: Vec<(String, String)>,
        encryption_key: Option<String>,
    ) -> Result<String> {
        diff::store_new_data(
            &Imports,
            cached.as_deref(),
            &new_data,
            short_uuid.as_deref(),
            &global_data,
            encryption_key.as_deref(),
        )
    }

    fn resource_aliases() -> Vec<String> {
        diff::resource_aliases()
    }

    fn resource_added(d: Diff, extra_aliases: Vec<String>) -> bool {
        diff::resource_added(&d, &extra_aliases)
    }
}

impl wit_requirer::Guest for Component {
    type Handler = Requirer;
}

impl wit_requirer::GuestHandler for Requirer {
    fn create(config: crate::model::RequirerConfig) -> Result<wit_requirer::Handler> {
        Requirer::new(config).map(wit_requirer::Handler::new)
    }

    fn handle(&self, hook: Hook) -> Result<RequirerHandled> {
        Requirer::handle(self, &mut Imports, &hook)
    }

    fn responses(&self, relation: RelationId) -> Result<Vec<Response>> {
        Requirer::responses(self, &mut Imports, relation)
    }

    fn is_resource_created(&self, relation: RelationId, request_id: String) -> Result<bool> {
        Requirer::is_resource_created(self, &mut Imports, relation, &request_id)
    }

    fn statuses(&self, relation: RelationId) -> Result<Vec<Status>> {
        Requirer::statuses(self, &mut Imports, relation)
    }

    fn are_all_resources_created(&self, relation: RelationId) -> Result<bool> {
        Requirer::are_all_resources_created(self, &mut Imports, relation)
    }

    fn relation_alias(&self, relation: RelationId) -> Result<Option<String>> {
        alias::relation_alias(&Imports, self.config(), relation)
    }

    fn assign_alias(&self, relation: RelationId) -> Result<Option<String>> {
        alias::assign_alias(&mut Imports, self.config(), relation)
    }
}

/// The provider's resource: its configuration.
struct ProviderHandler(ProviderConfig);

impl wit_provider::Guest for Component {
    type Handler = ProviderHandler;
}

impl wit_provider::GuestHandler for ProviderHandler {
    fn create(config: ProviderConfig) -> Result<wit_provider::Handler> {
        Ok(wit_provider::Handler::new(ProviderHandler(config)))
    }

    fn handle(&self, hook: Hook) -> Result<ProviderHandled> {
        provider::handle(&mut Imports, &self.0, &hook)
    }

    fn set_response(&self, relation: RelationId, response: Response) -> Result<()> {
        provider::set_response(&mut Imports, &self.0, relation, &response)
    }

    fn set_response_each(&self, relation: RelationId, responses: Vec<Response>) -> Result<()> {
        provider::set_response_each(&mut Imports, &self.0, relation, &responses)
    }

    fn set_responses(&self, relation: RelationId, responses: Vec<Response>) -> Result<()> {
        provider::set_responses(&mut Imports, &self.0, relation, &responses)
    }

    fn requests(&self, relation: RelationId) -> Result<Vec<Request>> {
        provider::requests(&mut Imports, &self.0, relation)
    }

    fn responses(&self, relation: RelationId) -> Result<Vec<Response>> {
        provider::responses(&mut Imports, &self.0, relation)
    }

    fn raise_status(&self, relation: RelationId, status: Status) -> Result<()> {
        status::raise_status(&mut Imports, &self.0, relation, &status)
    }

    fn raise_status_code(&self, relation: RelationId, code: i32) -> Result<()> {
        status::raise_status_code(&mut Imports, &self.0, relation, code)
    }

    fn resolve_status(&self, relation: RelationId, code: i32) -> Result<()> {
        status::resolve_status(&mut Imports, &self.0, relation, code)
    }

    fn clear_statuses(&self, relation: RelationId) -> Result<()> {
        status::clear_statuses(&mut Imports, &self.0, relation)
    }

    fn statuses(&self, relation: RelationId) -> Result<Vec<Status>> {
        status::statuses(&mut Imports, &self.0, relation)
    }
}

/// The peer resource: the model's layout.
struct PeerHandler(PeerConfig);

impl wit_peer::Guest for Component {
    type Handler = PeerHandler;
}

impl wit_peer::GuestHandler for PeerHandler {
    fn create(config: PeerConfig) -> Result<wit_peer::Handler> {
        Ok(wit_peer::Handler::new(PeerHandler(config)))
    }

    fn read(&self, relation: RelationId, scope: PeerScope) -> Result<Vec<(String, String)>> {
        peer::read(&mut Imports, &self.0, relation, &scope)
    }

    fn write(
        &self,
        relation: RelationId,
        scope: PeerScope,
        values: Vec<(String, Option<String>)>,
    ) -> Result<()> {
        peer::write(&mut Imports, &self.0, relation, &scope, &values)
    }

    fn delete(&self, relation: RelationId, scope: PeerScope, keys: Vec<String>) -> Result<()> {
        peer::delete(&mut Imports, &self.0, relation, &scope, &keys)
    }
}

/// The relation-data resource: its addressing.
struct RelationDataHandler(RelationDataConfig);

impl wit_relation_data::Guest for Component {
    type Handler = RelationDataHandler;
}

impl wit_relation_data::GuestHandler for RelationDataHandler {
    fn create(config: RelationDataConfig) -> Result<wit_relation_data::Handler> {
        Ok(wit_relation_data::Handler::new(RelationDataHandler(config)))
    }

    fn read(&self, relation: RelationId, scope: Bag) -> Result<RelationData> {
        relation_data::read(&mut Imports, &self.0, relation, &scope)
    }

    fn write(
        &self,
        relation: RelationId,
        scope: Bag,
        values: Vec<(String, Option<String>)>,
    ) -> Result<()> {
        relation_data::write(&mut Imports, &self.0, relation, &scope, &values)
    }

    fn delete(&self, relation: RelationId, scope: Bag, keys: Vec<String>) -> Result<()> {
        relation_data::delete(&mut Imports, &self.0, relation, &scope, &keys)
    }
}

export!(Component);
