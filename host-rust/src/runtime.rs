//! The loaded component, and calling it under sandbox limits (loading itself: [`crate::load`]).

use crate::backend::Backend;
use crate::bindings::wit::{Bag, Diff, RelationData, RelationDataConfig};
use crate::bindings::wit::{
    Hook, PeerConfig, PeerScope, ProviderConfig, ProviderHandled, RelationId, Request,
    RequirerConfig, RequirerHandled, Response, Status,
};
use crate::bindings::DataInterfaces;
use crate::error::Error;
use crate::host::HostState;
use crate::load::{self, LoadOptions, LoadSource};
use crate::size::DataSize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wasmtime::component::{Component, InstancePre};
use wasmtime::{Engine, Store};

/// The component this crate was built with.
pub static COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/data_interfaces.wasm"));
/// The BLAKE3 hash of [`COMPONENT`], computed at build time.
pub static COMPONENT_HASH: [u8; 32] = include!(concat!(env!("OUT_DIR"), "/component_hash.rs"));

/// The sandbox bounds applied to every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most linear memory the component may have, in bytes.
    pub memory_bytes: usize,
    /// The fuel (roughly, WebAssembly instructions) one call may burn.
    pub fuel: u64,
    /// The most bytes the component may hand the host in one import call (a change set, a
    /// secret's content; a longer log line is cut) or return from one export call (events,
    /// requests, responses, an error message).
    pub host_call_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 256 << 20,
            fuel: 20_000_000_000,
            host_call_bytes: 4 << 20,
        }
    }
}

/// The component, compiled and linked, ready to be instantiated for each call.
///
/// Load it once per process; each call gets a fresh instance (instantiation costs tens of
/// microseconds), so no state survives from one call to the next.
pub struct Runtime {
    engine: Engine,
    component: Component,
    instance_pre: InstancePre<HostState>,
    limits: Limits,
    source: LoadSource,
    load_time: Duration,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("limits", &self.limits)
            .field("source", &self.source)
            .field("load_time", &self.load_time)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Load the built-in component with default options.
    pub fn load() -> Result<Runtime, Error> {
        Runtime::load_with(&LoadOptions::default())
    }

    /// Load the built-in component.
    pub fn load_with(options: &LoadOptions) -> Result<Runtime, Error> {
        Runtime::load_hashed(COMPONENT, &COMPONENT_HASH, options)
    }

    /// Load a component other than the built-in one: another build of the protocol, or a test
    /// double. It must target the `charm:data-interfaces` world (the exports this crate calls,
    /// and no import beyond the contract's and the WASI ones std needs, which trap if called).
    /// It runs under the same sandbox as the built-in component, and its precompiled copy is
    /// cached under its own BLAKE3 hash, next to the built-in one's.
    ///
    /// ```no_run
    /// use data_interfaces_host::{LoadOptions, Runtime};
    ///
    /// let bytes = std::fs::read("my_build_of_the_component.wasm")?;
    /// let runtime = Runtime::load_component(&bytes, &LoadOptions::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_component(bytes: &[u8], options: &LoadOptions) -> Result<Runtime, Error> {
        Runtime::load_hashed(bytes, blake3::hash(bytes).as_bytes(), options)
    }

    /// Load a component whose BLAKE3 hash (the cache key) is already known.
    fn load_hashed(bytes: &[u8], hash: &[u8; 32], options: &LoadOptions) -> Result<Runtime, Error> {
        let loaded = load::load(bytes, hash, options)?;
        Ok(Runtime {
            engine: loaded.engine,
            component: loaded.component,
            instance_pre: loaded.instance_pre,
            limits: options.limits,
            source: loaded.source,
            load_time: loaded.load_time,
        })
    }

    /// Precompile the built-in component for the baseline CPU of `target` (see
    /// [`load::precompile`]) and write it into `dir` under the name a load looks for
    /// ([`LoadOptions::precompiled_dir`]); returns the file's path.
    pub fn precompile_into(dir: &Path, target: &str) -> Result<PathBuf, Error> {
        let artifact = load::precompile(COMPONENT, target)?;
        let path = dir.join(load::precompiled_file_name(&COMPONENT_HASH));
        std::fs::write(&path, artifact)
            .map_err(|e| Error::Load(format!("write {}: {e}", path.display())))?;
        Ok(path)
    }

    /// The names of the interfaces the component imports (e.g.
    /// `charm:data-interfaces/databag@1.0.0`, `wasi:io/streams@0.2.6`).
    pub fn imports(&self) -> Vec<String> {
        self.component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    /// Where the component came from on this load.
    pub fn source(&self) -> &LoadSource {
        &self.source
    }

    /// How long the load took.
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// The bounds applied to every call.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A session over a backend: a fresh instance and store.
    pub fn session(&self, backend: Box<dyn Backend>) -> Result<Session, Error> {
        let mut store = Store::new(&self.engine, HostState::new(backend, self.limits));
        store.limiter(|state| state.limiter());
        store
            .set_fuel(self.limits.fuel)
            .map_err(|e| Error::Load(format!("fuel: {e}")))?;
        let bindings = match self
            .instance_pre
            .instantiate(&mut store)
            .and_then(|instance| DataInterfaces::new(&mut store, &instance))
        {
            Ok(bindings) => bindings,
            Err(_) if store.data().memory_cap_hit() => {
                return Err(Error::MemoryCap {
                    call: "instantiate",
                    limit: self.limits.memory_bytes,
                })
            }
            Err(e) => return Err(Error::Load(format!("instantiate: {e}"))),
        };
        Ok(Session {
            store,
            bindings,
            limits: self.limits,
        })
    }
}

/// One instance of the component over one backend.
///
/// Every call gets the full fuel allowance again. A call fails with a typed error when the
/// component runs out of fuel ([`Error::OutOfFuel`]), goes over the memory cap
/// ([`Error::MemoryCap`]) or traps ([`Error::Trap`]), when the host refused one of its
/// requests and it went on as if it had not ([`Error::Refused`]), and when it returns more
/// than the host-call bound ([`Error::TooLarge`]). After a call that failed on a limit or a
/// trap, the instance is poisoned: open a new session.
pub struct Session {
    store: Store<HostState>,
    bindings: DataInterfaces,
    limits: Limits,
}

impl Session {
    /// The backend, for inspection.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.store.data_mut().backend()
    }

    /// Give the backend back.
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.store.into_data().into_backend()
    }

    fn call<T: DataSize>(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&DataInterfaces, &mut Store<HostState>) -> wasmtime::Result<T>,
    ) -> Result<T, Error> {
        self.store
            .set_fuel(self.limits.fuel)
            .map_err(|e| Error::Load(format!("fuel: {e}")))?;
        self.store.data_mut().begin_call();
        let value = match f(&self.bindings, &mut self.store) {
            Ok(value) => value,
            Err(error) => return Err(self.classify(name, error)),
        };
        // A component that went on as if a refused request had succeeded gets the refusal as
        // the call's error; one that failed reports its own error (which carries the refusal).
        let refusal = self.store.data_mut().take_refusal();
        if let Some(refusal) = refusal.filter(|_| !value.is_failure()) {
            return Err(Error::Refused {
                call: name,
                kind: refusal.kind,
                message: refusal.message,
            });
        }
        let bytes = value.data_size();
        if bytes > self.limits.host_call_bytes {
            return Err(Error::TooLarge {
                call: name,
                bytes,
                limit: self.limits.host_call_bytes,
            });
        }
        Ok(value)
    }

    fn classify(&mut self, call: &'static str, error: wasmtime::Error) -> Error {
        if let Some(fatal) = self.store.data_mut().take_fatal() {
            return Error::Backend(fatal);
        }
        if self.store.data().memory_cap_hit() {
            return Error::MemoryCap {
                call,
                limit: self.limits.memory_bytes,
            };
        }
        if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
            if *trap == wasmtime::Trap::OutOfFuel {
                return Error::OutOfFuel {
                    call,
                    fuel: self.limits.fuel,
                };
            }
        }
        Error::Trap {
            call,
            message: format!("{error:#}"),
        }
    }

    /// Handle a hook on the requirer side; returns the events to emit and the rejected
    /// responses.
    pub fn requirer_handle(
        &mut self,
        config: &RequirerConfig,
        hook: &Hook,
    ) -> Result<RequirerHandled, Error> {
        self.call("requirer.handle", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_handle(s, config, hook)
        })?
        .map_err(Error::Protocol)
    }

    /// The responses on a relation, with secret fields filled in.
    pub fn requirer_responses(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
    ) -> Result<Vec<Response>, Error> {
        self.call("requirer.responses", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_responses(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// Whether the response to a request carries credentials.
    pub fn requirer_is_resource_created(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
        request_id: &str,
    ) -> Result<bool, Error> {
        self.call("requirer.is-resource-created", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_is_resource_created(s, config, relation, request_id)
        })?
        .map_err(Error::Protocol)
    }

    /// Handle a hook on the provider side; returns the events to emit and the rejected
    /// requests.
    pub fn provider_handle(
        &mut self,
        config: &ProviderConfig,
        hook: &Hook,
    ) -> Result<ProviderHandled, Error> {
        self.call("provider.handle", |b, s| {
            b.charm_data_interfaces_provider()
                .call_handle(s, config, hook)
        })?
        .map_err(Error::Protocol)
    }

    /// Write (or merge) a response on a relation.
    pub fn provider_set_response(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        response: &Response,
    ) -> Result<(), Error> {
        self.call("provider.set-response", |b, s| {
            b.charm_data_interfaces_provider()
                .call_set_response(s, config, relation, response)
        })?
        .map_err(Error::Protocol)
    }

    /// Write responses as [`Session::provider_set_response`] called once for each, in order,
    /// with one read and one write of the bag.
    pub fn provider_set_response_each(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        self.call("provider.set-response-each", |b, s| {
            b.charm_data_interfaces_provider()
                .call_set_response_each(s, config, relation, responses)
        })?
        .map_err(Error::Protocol)
    }

    /// Write several responses on a relation at once.
    pub fn provider_set_responses(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        responses: &[Response],
    ) -> Result<(), Error> {
        self.call("provider.set-responses", |b, s| {
            b.charm_data_interfaces_provider()
                .call_set_responses(s, config, relation, responses)
        })?
        .map_err(Error::Protocol)
    }

    /// The requests on a relation.
    pub fn provider_requests(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<Request>, Error> {
        self.call("provider.requests", |b, s| {
            b.charm_data_interfaces_provider()
                .call_requests(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The provider's own responses on a relation, with their secret fields filled from its
    /// own secrets.
    pub fn provider_responses(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<Response>, Error> {
        self.call("provider.responses", |b, s| {
            b.charm_data_interfaces_provider()
                .call_responses(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The statuses the provider raises on a relation, as the requirer sees them.
    pub fn requirer_statuses(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
    ) -> Result<Vec<Status>, Error> {
        self.call("requirer.statuses", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_statuses(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// Whether every response with a request id carries credentials.
    pub fn requirer_are_all_resources_created(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
    ) -> Result<bool, Error> {
        self.call("requirer.are-all-resources-created", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_are_all_resources_created(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The alias this unit's bag records for a relation of the requirer's endpoint (none
    /// when it records none or the endpoint has no such relation).
    pub fn requirer_relation_alias(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
    ) -> Result<Option<String>, Error> {
        self.call("requirer.relation-alias", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_relation_alias(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// Give a relation of the requirer's endpoint an alias as relation-created does, and
    /// return it (none without relation aliases, for an unknown relation, or when every alias
    /// is taken).
    pub fn requirer_assign_alias(
        &mut self,
        config: &RequirerConfig,
        relation: RelationId,
    ) -> Result<Option<String>, Error> {
        self.call("requirer.assign-alias", |b, s| {
            b.charm_data_interfaces_requirer()
                .call_assign_alias(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// Raise a status on a relation (leader only).
    pub fn provider_raise_status(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        status: &Status,
    ) -> Result<(), Error> {
        self.call("provider.raise-status", |b, s| {
            b.charm_data_interfaces_provider()
                .call_raise_status(s, config, relation, status)
        })?
        .map_err(Error::Protocol)
    }

    /// Raise the status of the status schema with this code (leader only).
    pub fn provider_raise_status_code(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        code: i32,
    ) -> Result<(), Error> {
        self.call("provider.raise-status-code", |b, s| {
            b.charm_data_interfaces_provider()
                .call_raise_status_code(s, config, relation, code)
        })?
        .map_err(Error::Protocol)
    }

    /// Resolve a raised status (leader only).
    pub fn provider_resolve_status(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
        code: i32,
    ) -> Result<(), Error> {
        self.call("provider.resolve-status", |b, s| {
            b.charm_data_interfaces_provider()
                .call_resolve_status(s, config, relation, code)
        })?
        .map_err(Error::Protocol)
    }

    /// Clear every status of a relation (leader only).
    pub fn provider_clear_statuses(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
    ) -> Result<(), Error> {
        self.call("provider.clear-statuses", |b, s| {
            b.charm_data_interfaces_provider()
                .call_clear_statuses(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The statuses raised on a relation (leader only).
    pub fn provider_statuses(
        &mut self,
        config: &ProviderConfig,
        relation: RelationId,
    ) -> Result<Vec<Status>, Error> {
        self.call("provider.statuses", |b, s| {
            b.charm_data_interfaces_provider()
                .call_statuses(s, config, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The peer data of a scope, by wire key, with each value as JSON text (secret fields
    /// filled from their secrets).
    pub fn peer_read(
        &mut self,
        config: &PeerConfig,
        relation: RelationId,
        scope: &PeerScope,
    ) -> Result<Vec<(String, String)>, Error> {
        self.call("peer.read", |b, s| {
            b.charm_data_interfaces_peer()
                .call_read(s, config, relation, scope)
        })?
        .map_err(Error::Protocol)
    }

    /// Set (JSON text) or delete (`None`) peer fields of a scope (the app scope is leader
    /// only; another unit's data is read only).
    pub fn peer_write(
        &mut self,
        config: &PeerConfig,
        relation: RelationId,
        scope: &PeerScope,
        values: &[(String, Option<String>)],
    ) -> Result<(), Error> {
        self.call("peer.write", |b, s| {
            b.charm_data_interfaces_peer()
                .call_write(s, config, relation, scope, values)
        })?
        .map_err(Error::Protocol)
    }

    /// Delete peer fields of a scope.
    pub fn peer_delete(
        &mut self,
        config: &PeerConfig,
        relation: RelationId,
        scope: &PeerScope,
        keys: &[String],
    ) -> Result<(), Error> {
        self.call("peer.delete", |b, s| {
            b.charm_data_interfaces_peer()
                .call_delete(s, config, relation, scope, keys)
        })?
        .map_err(Error::Protocol)
    }

    /// A relation's data as the library's relation repository lays it out: the scope's
    /// databag (each value raw and as JSON text) and the declared secret fields that have a
    /// value. The local application's data is leader only.
    pub fn relation_data_read(
        &mut self,
        config: &RelationDataConfig,
        relation: RelationId,
        scope: &Bag,
    ) -> Result<RelationData, Error> {
        self.call("relation-data.read", |b, s| {
            b.charm_data_interfaces_relation_data()
                .call_read(s, config, relation, scope)
        })?
        .map_err(Error::Protocol)
    }

    /// Set (a string) or delete (`None`, or an empty string) keys of the local application's
    /// (leader only) or unit's data; declared secret fields go to their group's secret.
    pub fn relation_data_write(
        &mut self,
        config: &RelationDataConfig,
        relation: RelationId,
        scope: &Bag,
        values: &[(String, Option<String>)],
    ) -> Result<(), Error> {
        self.call("relation-data.write", |b, s| {
            b.charm_data_interfaces_relation_data()
                .call_write(s, config, relation, scope, values)
        })?
        .map_err(Error::Protocol)
    }

    /// Delete keys of the local application's (leader only) or unit's data.
    pub fn relation_data_delete(
        &mut self,
        config: &RelationDataConfig,
        relation: RelationId,
        scope: &Bag,
        keys: &[String],
    ) -> Result<(), Error> {
        self.call("relation-data.delete", |b, s| {
            b.charm_data_interfaces_relation_data()
                .call_delete(s, config, relation, scope, keys)
        })?
        .map_err(Error::Protocol)
    }

    /// A fresh salt.
    pub fn gen_salt(&mut self) -> Result<String, Error> {
        self.call("util.gen-salt", |b, s| {
            b.charm_data_interfaces_util().call_gen_salt(s)
        })
    }

    /// The request id for a resource and a salt.
    pub fn gen_hash(&mut self, resource: &str, salt: &str) -> Result<String, Error> {
        self.call("util.gen-hash", |b, s| {
            b.charm_data_interfaces_util()
                .call_gen_hash(s, resource, salt)
        })
    }

    /// The label of a relation secret as the handlers give it:
    /// `{endpoint}.{relation}.{short_uuid}.{group}.secret`, or without the short uuid when it
    /// is `None` or empty (a v0 relation).
    pub fn relation_secret_label(
        &mut self,
        endpoint: &str,
        relation: RelationId,
        short_uuid: Option<&str>,
        group: &str,
    ) -> Result<String, Error> {
        self.call("util.relation-secret-label", |b, s| {
            b.charm_data_interfaces_util()
                .call_relation_secret_label(s, endpoint, relation, short_uuid, group)
        })
    }

    /// The label of a peer secret as the peer calls give it: `{endpoint}.{local app}.{scope}`,
    /// then `.{group}` unless the group is `extra` (the local application's name comes from
    /// the backend; another unit's scope labels as `unit`).
    pub fn peer_secret_label(
        &mut self,
        endpoint: &str,
        scope: &PeerScope,
        group: &str,
    ) -> Result<String, Error> {
        self.call("util.peer-secret-label", |b, s| {
            b.charm_data_interfaces_util()
                .call_peer_secret_label(s, endpoint, scope, group)
        })
    }

    /// Whether a relation of the endpoint crosses models, as the handlers decide it (its
    /// remote model is known and is not this one); `missing-relation` for an unknown relation.
    pub fn is_cross_model(&mut self, endpoint: &str, relation: RelationId) -> Result<bool, Error> {
        self.call("util.is-cross-model", |b, s| {
            b.charm_data_interfaces_util()
                .call_is_cross_model(s, endpoint, relation)
        })?
        .map_err(Error::Protocol)
    }

    /// The library's `compute_diff` over a model already dumped as `(key, JSON text)` pairs:
    /// the diff against the cache in `cache_bag` ([`Bag::LocalApp`] for a provider,
    /// [`Bag::LocalUnit`] for a requirer), narrowed to `short_uuid`'s entry when it is given
    /// and not empty; with `store`, the new data is written back with the relation's statuses
    /// (see the WIT's `diff-cache` interface for the cached form of the sensitive keys).
    pub fn compute_diff(
        &mut self,
        endpoint: &str,
        relation: RelationId,
        cache_bag: &Bag,
        new_data: &[(String, String)],
        short_uuid: Option<&str>,
        store: bool,
    ) -> Result<Diff, Error> {
        self.call("diff-cache.compute-diff", |b, s| {
            b.charm_data_interfaces_diff_cache().call_compute_diff(
                s, endpoint, relation, cache_bag, new_data, short_uuid, store,
            )
        })?
        .map_err(Error::Protocol)
    }

    /// The library's `store_new_data`, given a bag's current `data` text (`cached`): the new
    /// `data` text for that bag, with `new_data` (`(key, JSON text)` pairs) under `short_uuid`
    /// (flat when `None` or empty), after the truthy entries of `global_data`; the sensitive
    /// keys encrypted with `encryption_key` (a Fernet key) or blanked. The caller writes it.
    pub fn store_new_data(
        &mut self,
        cached: Option<&str>,
        new_data: &[(String, String)],
        short_uuid: Option<&str>,
        global_data: &[(String, String)],
        encryption_key: Option<&str>,
    ) -> Result<String, Error> {
        self.call("diff-cache.store-new-data", |b, s| {
            b.charm_data_interfaces_diff_cache().call_store_new_data(
                s,
                cached,
                new_data,
                short_uuid,
                global_data,
                encryption_key,
            )
        })?
        .map_err(Error::Protocol)
    }

    /// The keys that name a request's resource besides `resource` (the library's
    /// `RESOURCE_ALIASES`).
    pub fn resource_aliases(&mut self) -> Result<Vec<String>, Error> {
        self.call("diff-cache.resource-aliases", |b, s| {
            b.charm_data_interfaces_diff_cache()
                .call_resource_aliases(s)
        })
    }

    /// Whether a diff added `resource`, one of the [`resource_aliases`](Self::resource_aliases)
    /// or one of `extra_aliases` (the library's `resource_added`).
    pub fn resource_added(&mut self, diff: &Diff, extra_aliases: &[String]) -> Result<bool, Error> {
        self.call("diff-cache.resource-added", |b, s| {
            b.charm_data_interfaces_diff_cache()
                .call_resource_added(s, diff, extra_aliases)
        })
    }
}
