//! The wit-bindgen glue: the component's exports call the protocol, and [`Imports`] implements
//! [`Env`] over the component's imports. Nothing here decides anything about the protocol.

wit_bindgen::generate!({
    path: "../wit",
    world: "data-interfaces",
});

use charm::data_interfaces::types as wit;
use charm::data_interfaces::{databag, log as wit_log, secrets};

use crate::env::{
    self, Bag, ChangeSet, Entries, Env, HostError, HostErrorKind, LogLevel, Owner, RelationId,
    RelationInfo,
};
use crate::error::Error;
use crate::model::{self, Rejection};
use crate::{
    alias, bag, cache, diff, ids, peer, provider, relation_data, requirer, secrets as core_secrets,
    status,
};
use exports::charm::data_interfaces::diff_cache;

/// The world as the imports show it.
struct Imports;

fn bag_to_wit(bag: &Bag) -> wit::Bag {
    match bag {
        Bag::LocalApp => wit::Bag::LocalApp,
        Bag::LocalUnit => wit::Bag::LocalUnit,
        Bag::RemoteApp => wit::Bag::RemoteApp,
        Bag::RemoteUnit(unit) => wit::Bag::RemoteUnit(unit.clone()),
    }
}

fn host_error(error: wit::HostError) -> HostError {
    let kind = match error.kind {
        wit::HostErrorKind::NotFound => HostErrorKind::NotFound,
        wit::HostErrorKind::PermissionDenied => HostErrorKind::PermissionDenied,
        wit::HostErrorKind::NotLeader => HostErrorKind::NotLeader,
        wit::HostErrorKind::TooLarge => HostErrorKind::TooLarge,
        wit::HostErrorKind::InvalidArgument => HostErrorKind::InvalidArgument,
        wit::HostErrorKind::Backend => HostErrorKind::Backend,
    };
    HostError {
        kind,
        message: error.message,
    }
}

impl Env for Imports {
    fn relations(&self, endpoint: &str) -> Vec<RelationInfo> {
        databag::relations(endpoint)
            .into_iter()
            .map(|info| RelationInfo {
                id: info.id,
                endpoint: info.endpoint,
                remote_app: info.remote_app,
                remote_units: info.remote_units,
                remote_model_uuid: info.remote_model_uuid,
            })
            .collect()
    }

    fn read(&self, relation: RelationId, bag: &Bag) -> Result<Entries, HostError> {
        databag::read(relation, &bag_to_wit(bag)).map_err(host_error)
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), HostError> {
        let changes = wit::ChangeSet {
            set: changes.set.clone(),
            delete: changes.delete.clone(),
        };
        databag::apply(relation, &bag_to_wit(bag), &changes).map_err(host_error)
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
        let owner = match owner {
            Owner::Application => wit::Owner::Application,
            Owner::Unit => wit::Owner::Unit,
        };
        secrets::add(owner, label, content).map_err(host_error)
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<env::Secret>, HostError> {
        secrets::get(id, label, refresh)
            .map(|found| {
                found.map(|secret| env::Secret {
                    id: secret.id,
                    label: secret.label,
                    content: secret.content,
                })
            })
            .map_err(host_error)
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, HostError> {
        secrets::owned(id).map_err(host_error)
    }

    fn secret_set_content(&mut self, id: &str, content: &Entries) -> Result<(), HostError> {
        secrets::set_content(id, content).map_err(host_error)
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), HostError> {
        secrets::grant(id, relation).map_err(host_error)
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), HostError> {
        secrets::remove(id).map_err(host_error)
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), HostError> {
        secrets::remove_revision(id, revision).map_err(host_error)
    }

    fn log(&self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Debug => wit::LogLevel::Debug,
            LogLevel::Info => wit::LogLevel::Info,
            LogLevel::Warning => wit::LogLevel::Warning,
            LogLevel::Error => wit::LogLevel::Error,
        };
        wit_log::log(level, message);
    }
}

fn error_to_wit(error: Error) -> wit::Error {
    match error {
        Error::InvalidDatabag(e) => wit::Error::InvalidDatabag(wit::DatabagError {
            relation_id: e.relation,
            bag: bag_to_wit(&e.bag),
            key: e.key,
            reason: e.reason,
        }),
        Error::InvalidModel(message) => wit::Error::InvalidModel(message),
        Error::NotLeader(message) => wit::Error::NotLeader(message),
        Error::MissingRelation(id) => wit::Error::MissingRelation(id),
        Error::Secret(message) => wit::Error::Secret(message),
        Error::Host(e) => wit::Error::Host(wit::HostError {
            kind: match e.kind {
                HostErrorKind::NotFound => wit::HostErrorKind::NotFound,
                HostErrorKind::PermissionDenied => wit::HostErrorKind::PermissionDenied,
                HostErrorKind::NotLeader => wit::HostErrorKind::NotLeader,
                HostErrorKind::TooLarge => wit::HostErrorKind::TooLarge,
                HostErrorKind::InvalidArgument => wit::HostErrorKind::InvalidArgument,
                HostErrorKind::Backend => wit::HostErrorKind::Backend,
            },
            message: e.message,
        }),
    }
}

fn entity_type_from_wit(kind: wit::EntityType) -> model::EntityType {
    match kind {
        wit::EntityType::User => model::EntityType::User,
        wit::EntityType::Group => model::EntityType::Group,
    }
}

fn entity_type_to_wit(kind: model::EntityType) -> wit::EntityType {
    match kind {
        model::EntityType::User => wit::EntityType::User,
        model::EntityType::Group => wit::EntityType::Group,
    }
}

fn request_from_wit(r: wit::Request) -> model::Request {
    model::Request {
        resource: r.resource,
        request_id: r.request_id,
        salt: r.salt,
        extra_user_roles: r.extra_user_roles,
        extra_group_roles: r.extra_group_roles,
        external_node_connectivity: r.external_node_connectivity,
        entity_type: r.entity_type.map(entity_type_from_wit),
        entity_permissions: r.entity_permissions.map(|permissions| {
            permissions
                .into_iter()
                .map(|p| model::EntityPermission {
                    resource_name: p.resource_name,
                    resource_type: p.resource_type,
                    privileges: p.privileges,
                })
                .collect()
        }),
        secret_mtls: r.secret_mtls,
        mtls_cert: r.mtls_cert,
        secret_requested_entity: r.secret_requested_entity,
        entity_name: r.entity_name,
        entity_password: r.entity_password,
        prefix_matching: r.prefix_matching,
        extra: r.extra,
    }
}

fn request_to_wit(r: model::Request) -> wit::Request {
    wit::Request {
        resource: r.resource,
        request_id: r.request_id,
        salt: r.salt,
        extra_user_roles: r.extra_user_roles,
        extra_group_roles: r.extra_group_roles,
        external_node_connectivity: r.external_node_connectivity,
        entity_type: r.entity_type.map(entity_type_to_wit),
        entity_permissions: r.entity_permissions.map(|permissions| {
            permissions
                .into_iter()
                .map(|p| wit::EntityPermission {
                    resource_name: p.resource_name,
                    resource_type: p.resource_type,
                    privileges: p.privileges,
                })
                .collect()
        }),
        secret_mtls: r.secret_mtls,
        mtls_cert: r.mtls_cert,
        secret_requested_entity: r.secret_requested_entity,
        entity_name: r.entity_name,
        entity_password: r.entity_password,
        prefix_matching: r.prefix_matching,
        extra: r.extra,
    }
}

fn response_from_wit(r: wit::Response) -> model::Response {
    model::Response {
        resource: r.resource,
        request_id: r.request_id,
        salt: r.salt,
        endpoints: r.endpoints,
        read_only_endpoints: r.read_only_endpoints,
        secret_user: r.secret_user,
        secret_tls: r.secret_tls,
        secret_extra: r.secret_extra,
        secret_entity: r.secret_entity,
        username: r.username,
        password: r.password,
        uris: r.uris,
        read_only_uris: r.read_only_uris,
        tls: r.tls,
        tls_ca: r.tls_ca,
        entity_name: r.entity_name,
        entity_password: r.entity_password,
        version: r.version,
        prefix_resources: r.prefix_resources,
        extra: r.extra,
        cleared: r.cleared,
    }
}

fn response_to_wit(r: model::Response) -> wit::Response {
    wit::Response {
        resource: r.resource,
        request_id: r.request_id,
        salt: r.salt,
        endpoints: r.endpoints,
        read_only_endpoints: r.read_only_endpoints,
        secret_user: r.secret_user,
        secret_tls: r.secret_tls,
        secret_extra: r.secret_extra,
        secret_entity: r.secret_entity,
        username: r.username,
        password: r.password,
        uris: r.uris,
        read_only_uris: r.read_only_uris,
        tls: r.tls,
        tls_ca: r.tls_ca,
        entity_name: r.entity_name,
        entity_password: r.entity_password,
        version: r.version,
        prefix_resources: r.prefix_resources,
        extra: r.extra,
        cleared: r.cleared,
    }
}

fn status_from_wit(s: wit::Status) -> model::Status {
    model::Status {
        code: s.code,
        message: s.message,
        resolution: s.resolution,
    }
}

fn status_to_wit(s: model::Status) -> wit::Status {
    wit::Status {
        code: s.code,
        message: s.message,
        resolution: s.resolution,
    }
}

fn fields_from_wit(fields: Vec<wit::FieldSpec>) -> Vec<model::FieldSpec> {
    fields
        .into_iter()
        .map(|f| model::FieldSpec {
            key: f.key,
            secret_group: f.secret_group,
        })
        .collect()
}

fn relation_event_from_wit(e: wit::RelationEvent) -> model::RelationEvent {
    model::RelationEvent {
        relation_id: e.relation_id,
        app: e.app,
        unit: e.unit,
    }
}

fn secret_event_from_wit(e: wit::SecretEvent) -> model::SecretEvent {
    model::SecretEvent {
        id: e.id,
        label: e.label,
        revision: e.revision,
    }
}

fn hook_from_wit(hook: wit::Hook) -> model::Hook {
    match hook {
        wit::Hook::RelationCreated(e) => model::Hook::RelationCreated(relation_event_from_wit(e)),
        wit::Hook::RelationChanged(e) => model::Hook::RelationChanged(relation_event_from_wit(e)),
        wit::Hook::RelationBroken(e) => model::Hook::RelationBroken(relation_event_from_wit(e)),
        wit::Hook::SecretChanged(e) => model::Hook::SecretChanged(secret_event_from_wit(e)),
        wit::Hook::SecretRemove(e) => model::Hook::SecretRemove(secret_event_from_wit(e)),
    }
}

fn requirer_config_from_wit(c: wit::RequirerConfig) -> model::RequirerConfig {
    model::RequirerConfig {
        endpoint: c.endpoint,
        requests: c.requests.into_iter().map(request_from_wit).collect(),
        request_fields: fields_from_wit(c.request_fields),
        response_fields: fields_from_wit(c.response_fields),
        relation_aliases: c.relation_aliases,
    }
}

fn provider_config_from_wit(c: wit::ProviderConfig) -> model::ProviderConfig {
    model::ProviderConfig {
        endpoint: c.endpoint,
        request_fields: fields_from_wit(c.request_fields),
        response_fields: fields_from_wit(c.response_fields),
        mtls_enabled: c.mtls_enabled,
        bulk_event: c.bulk_event,
        status_schema: c.status_schema.into_iter().map(status_from_wit).collect(),
        resource_aliases: c.resource_aliases,
    }
}

fn requirer_event_to_wit(e: model::RequirerEvent) -> wit::RequirerEvent {
    let kind = match e.kind {
        model::RequirerEventKind::ResourceCreated => wit::RequirerEventKind::ResourceCreated,
        model::RequirerEventKind::ResourceEntityCreated => {
            wit::RequirerEventKind::ResourceEntityCreated
        }
        model::RequirerEventKind::EndpointsChanged => wit::RequirerEventKind::EndpointsChanged,
        model::RequirerEventKind::ReadOnlyEndpointsChanged => {
            wit::RequirerEventKind::ReadOnlyEndpointsChanged
        }
        model::RequirerEventKind::AuthenticationUpdated => {
            wit::RequirerEventKind::AuthenticationUpdated
        }
        model::RequirerEventKind::PrefixResourcesChanged => {
            wit::RequirerEventKind::PrefixResourcesChanged
        }
        model::RequirerEventKind::StatusRaised => wit::RequirerEventKind::StatusRaised,
        model::RequirerEventKind::StatusResolved => wit::RequirerEventKind::StatusResolved,
    };
    wit::RequirerEvent {
        kind,
        relation_id: e.relation_id,
        app: e.app,
        unit: e.unit,
        alias: e.alias,
        response: e.response.map(response_to_wit),
        status: e.status.map(status_to_wit),
    }
}

fn provider_event_to_wit(e: model::ProviderEvent) -> wit::ProviderEvent {
    let kind = match e.kind {
        model::ProviderEventKind::ResourceRequested => wit::ProviderEventKind::ResourceRequested,
        model::ProviderEventKind::ResourceEntityRequested => {
            wit::ProviderEventKind::ResourceEntityRequested
        }
        model::ProviderEventKind::ResourceEntityPermissionsChanged => {
            wit::ProviderEventKind::ResourceEntityPermissionsChanged
        }
        model::ProviderEventKind::MtlsCertUpdated => wit::ProviderEventKind::MtlsCertUpdated,
        model::ProviderEventKind::BulkResourcesRequested => {
            wit::ProviderEventKind::BulkResourcesRequested
        }
    };
    wit::ProviderEvent {
        kind,
        relation_id: e.relation_id,
        app: e.app,
        unit: e.unit,
        requests: e.requests.into_iter().map(request_to_wit).collect(),
        old_mtls_cert: e.old_mtls_cert,
    }
}

fn rejections_to_wit(rejections: Vec<Rejection>) -> Vec<wit::Rejection> {
    rejections
        .into_iter()
        .map(|rejection| wit::Rejection {
            relation_id: rejection.relation_id,
            request_id: rejection.request_id,
            alias: rejection.alias,
            error: error_to_wit(rejection.error),
        })
        .collect()
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

    fn peer_secret_label(endpoint: String, scope: wit::PeerScope, group: String) -> String {
        peer::local_secret_label(&Imports, &endpoint, &peer_scope_from_wit(scope), &group)
    }

    fn is_cross_model(endpoint: String, relation: RelationId) -> Result<bool, wit::Error> {
        bag::relation_is_cross_model(&Imports, &endpoint, relation).map_err(error_to_wit)
    }
}

fn diff_to_wit(d: cache::Diff) -> diff_cache::Diff {
    diff_cache::Diff {
        added: d.added,
        changed: d.changed,
        deleted: d.deleted,
    }
}

impl diff_cache::Guest for Component {
    fn compute_diff(
        endpoint: String,
        relation: RelationId,
        cache_bag: wit::Bag,
        new_data: Vec<(String, String)>,
        short_uuid: Option<String>,
        store: bool,
    ) -> Result<diff_cache::Diff, wit::Error> {
        diff::compute_diff(
            &mut Imports,
            &endpoint,
            relation,
            &bag_from_wit(cache_bag),
            &new_data,
            short_uuid.as_deref(),
            store,
        )
        .map(diff_to_wit)
        .map_err(error_to_wit)
    }

    fn store_new_data(
        cached: Option<String>,
        new_data: Vec<(String, String)>,
        short_uuid: Option<String>,
        global_data: Vec<(String, String)>,
        encryption_key: Option<String>,
    ) -> Result<String, wit::Error> {
        diff::store_new_data(
            &Imports,
            cached.as_deref(),
            &new_data,
            short_uuid.as_deref(),
            &global_data,
            encryption_key.as_deref(),
        )
        .map_err(error_to_wit)
    }

    fn resource_aliases() -> Vec<String> {
        diff::resource_aliases()
    }

    fn resource_added(d: diff_cache::Diff, extra_aliases: Vec<String>) -> bool {
        let d = cache::Diff {
            added: d.added,
            changed: d.changed,
            deleted: d.deleted,
        };
        diff::resource_added(&d, &extra_aliases)
    }
}

impl exports::charm::data_interfaces::requirer::Guest for Component {
    fn handle(
        config: wit::RequirerConfig,
        hook: wit::Hook,
    ) -> Result<wit::RequirerHandled, wit::Error> {
        requirer::handle(
            &mut Imports,
            &requirer_config_from_wit(config),
            &hook_from_wit(hook),
        )
        .map(|handled| wit::RequirerHandled {
            events: handled
                .events
                .into_iter()
                .map(requirer_event_to_wit)
                .collect(),
            rejections: rejections_to_wit(handled.rejections),
        })
        .map_err(error_to_wit)
    }

    fn responses(
        config: wit::RequirerConfig,
        relation: RelationId,
    ) -> Result<Vec<wit::Response>, wit::Error> {
        requirer::responses(&mut Imports, &requirer_config_from_wit(config), relation)
            .map(|responses| responses.into_iter().map(response_to_wit).collect())
            .map_err(error_to_wit)
    }

    fn is_resource_created(
        config: wit::RequirerConfig,
        relation: RelationId,
        request_id: String,
    ) -> Result<bool, wit::Error> {
        requirer::is_resource_created(
            &mut Imports,
            &requirer_config_from_wit(config),
            relation,
            &request_id,
        )
        .map_err(error_to_wit)
    }

    fn statuses(
        config: wit::RequirerConfig,
        relation: RelationId,
    ) -> Result<Vec<wit::Status>, wit::Error> {
        requirer::statuses(&mut Imports, &requirer_config_from_wit(config), relation)
            .map(|statuses| statuses.into_iter().map(status_to_wit).collect())
            .map_err(error_to_wit)
    }

    fn are_all_resources_created(
        config: wit::RequirerConfig,
        relation: RelationId,
    ) -> Result<bool, wit::Error> {
        requirer::are_all_resources_created(
            &mut Imports,
            &requirer_config_from_wit(config),
            relation,
        )
        .map_err(error_to_wit)
    }

    fn relation_alias(
        config: wit::RequirerConfig,
        relation: RelationId,
    ) -> Result<Option<String>, wit::Error> {
        alias::relation_alias(&Imports, &requirer_config_from_wit(config), relation)
            .map_err(error_to_wit)
    }

    fn assign_alias(
        config: wit::RequirerConfig,
        relation: RelationId,
    ) -> Result<Option<String>, wit::Error> {
        alias::assign_alias(&mut Imports, &requirer_config_from_wit(config), relation)
            .map_err(error_to_wit)
    }
}

impl exports::charm::data_interfaces::provider::Guest for Component {
    fn handle(
        config: wit::ProviderConfig,
        hook: wit::Hook,
    ) -> Result<wit::ProviderHandled, wit::Error> {
        provider::handle(
            &mut Imports,
            &provider_config_from_wit(config),
            &hook_from_wit(hook),
        )
        .map(|handled| wit::ProviderHandled {
            events: handled
                .events
                .into_iter()
                .map(provider_event_to_wit)
                .collect(),
            rejections: rejections_to_wit(handled.rejections),
        })
        .map_err(error_to_wit)
    }

    fn set_response(
        config: wit::ProviderConfig,
        relation: RelationId,
        response: wit::Response,
    ) -> Result<(), wit::Error> {
        provider::set_response(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            &response_from_wit(response),
        )
        .map_err(error_to_wit)
    }

    fn set_response_each(
        config: wit::ProviderConfig,
        relation: RelationId,
        responses: Vec<wit::Response>,
    ) -> Result<(), wit::Error> {
        let responses: Vec<model::Response> =
            responses.into_iter().map(response_from_wit).collect();
        provider::set_response_each(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            &responses,
        )
        .map_err(error_to_wit)
    }

    fn set_responses(
        config: wit::ProviderConfig,
        relation: RelationId,
        responses: Vec<wit::Response>,
    ) -> Result<(), wit::Error> {
        let responses: Vec<model::Response> =
            responses.into_iter().map(response_from_wit).collect();
        provider::set_responses(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            &responses,
        )
        .map_err(error_to_wit)
    }

    fn requests(
        config: wit::ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<wit::Request>, wit::Error> {
        provider::requests(&mut Imports, &provider_config_from_wit(config), relation)
            .map(|requests| requests.into_iter().map(request_to_wit).collect())
            .map_err(error_to_wit)
    }

    fn responses(
        config: wit::ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<wit::Response>, wit::Error> {
        provider::responses(&mut Imports, &provider_config_from_wit(config), relation)
            .map(|responses| responses.into_iter().map(response_to_wit).collect())
            .map_err(error_to_wit)
    }

    fn raise_status(
        config: wit::ProviderConfig,
        relation: RelationId,
        status: wit::Status,
    ) -> Result<(), wit::Error> {
        status::raise_status(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            &status_from_wit(status),
        )
        .map_err(error_to_wit)
    }

    fn raise_status_code(
        config: wit::ProviderConfig,
        relation: RelationId,
        code: i32,
    ) -> Result<(), wit::Error> {
        status::raise_status_code(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            code,
        )
        .map_err(error_to_wit)
    }

    fn resolve_status(
        config: wit::ProviderConfig,
        relation: RelationId,
        code: i32,
    ) -> Result<(), wit::Error> {
        status::resolve_status(
            &mut Imports,
            &provider_config_from_wit(config),
            relation,
            code,
        )
        .map_err(error_to_wit)
    }

    fn clear_statuses(config: wit::ProviderConfig, relation: RelationId) -> Result<(), wit::Error> {
        status::clear_statuses(&mut Imports, &provider_config_from_wit(config), relation)
            .map_err(error_to_wit)
    }

    fn statuses(
        config: wit::ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<wit::Status>, wit::Error> {
        status::statuses(&mut Imports, &provider_config_from_wit(config), relation)
            .map(|statuses| statuses.into_iter().map(status_to_wit).collect())
            .map_err(error_to_wit)
    }
}

fn peer_config_from_wit(c: wit::PeerConfig) -> peer::PeerConfig {
    peer::PeerConfig {
        endpoint: c.endpoint,
        fields: fields_from_wit(c.fields),
    }
}

fn peer_scope_from_wit(scope: wit::PeerScope) -> peer::PeerScope {
    match scope {
        wit::PeerScope::App => peer::PeerScope::App,
        wit::PeerScope::Unit => peer::PeerScope::Unit,
        wit::PeerScope::OtherUnit(unit) => peer::PeerScope::OtherUnit(unit),
    }
}

impl exports::charm::data_interfaces::peer::Guest for Component {
    fn read(
        config: wit::PeerConfig,
        relation: RelationId,
        scope: wit::PeerScope,
    ) -> Result<Vec<(String, String)>, wit::Error> {
        peer::read(
            &mut Imports,
            &peer_config_from_wit(config),
            relation,
            &peer_scope_from_wit(scope),
        )
        .map_err(error_to_wit)
    }

    fn write(
        config: wit::PeerConfig,
        relation: RelationId,
        scope: wit::PeerScope,
        values: Vec<(String, Option<String>)>,
    ) -> Result<(), wit::Error> {
        peer::write(
            &mut Imports,
            &peer_config_from_wit(config),
            relation,
            &peer_scope_from_wit(scope),
            &values,
        )
        .map_err(error_to_wit)
    }

    fn delete(
        config: wit::PeerConfig,
        relation: RelationId,
        scope: wit::PeerScope,
        keys: Vec<String>,
    ) -> Result<(), wit::Error> {
        peer::delete(
            &mut Imports,
            &peer_config_from_wit(config),
            relation,
            &peer_scope_from_wit(scope),
            &keys,
        )
        .map_err(error_to_wit)
    }
}

fn relation_data_config_from_wit(c: wit::RelationDataConfig) -> relation_data::RelationDataConfig {
    relation_data::RelationDataConfig {
        endpoint: c.endpoint,
        fields: fields_from_wit(c.fields),
        short_uuid: c.short_uuid,
        secret_uris: c.secret_uris,
    }
}

fn bag_from_wit(bag: wit::Bag) -> Bag {
    match bag {
        wit::Bag::LocalApp => Bag::LocalApp,
        wit::Bag::LocalUnit => Bag::LocalUnit,
        wit::Bag::RemoteApp => Bag::RemoteApp,
        wit::Bag::RemoteUnit(unit) => Bag::RemoteUnit(unit),
    }
}

fn relation_values_to_wit(values: Vec<relation_data::RelationValue>) -> Vec<wit::RelationValue> {
    values
        .into_iter()
        .map(|v| wit::RelationValue {
            key: v.key,
            raw: v.raw,
            json: v.json,
        })
        .collect()
}

impl exports::charm::data_interfaces::relation_data::Guest for Component {
    fn read(
        config: wit::RelationDataConfig,
        relation: RelationId,
        scope: wit::Bag,
    ) -> Result<wit::RelationData, wit::Error> {
        relation_data::read(
            &mut Imports,
            &relation_data_config_from_wit(config),
            relation,
            &bag_from_wit(scope),
        )
        .map(|data| wit::RelationData {
            bag: relation_values_to_wit(data.bag),
            secrets: relation_values_to_wit(data.secrets),
        })
        .map_err(error_to_wit)
    }

    fn write(
        config: wit::RelationDataConfig,
        relation: RelationId,
        scope: wit::Bag,
        values: Vec<(String, Option<String>)>,
    ) -> Result<(), wit::Error> {
        relation_data::write(
            &mut Imports,
            &relation_data_config_from_wit(config),
            relation,
            &bag_from_wit(scope),
            &values,
        )
        .map_err(error_to_wit)
    }

    fn delete(
        config: wit::RelationDataConfig,
        relation: RelationId,
        scope: wit::Bag,
        keys: Vec<String>,
    ) -> Result<(), wit::Error> {
        relation_data::delete(
            &mut Imports,
            &relation_data_config_from_wit(config),
            relation,
            &bag_from_wit(scope),
            &keys,
        )
        .map_err(error_to_wit)
    }
}

export!(Component);
