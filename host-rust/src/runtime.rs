//! The loaded component, and calling it under sandbox limits (loading itself: [`crate::load`];
//! the limits: [`crate::sandbox`]).

use crate::backend::Backend;
use crate::bindings::wit::{Bag, Diff, PeerScope, RelationId};
use crate::bindings::{DataInterfaces as Bindings, DataInterfacesPre};
use crate::error::Error;
use crate::host::HostState;
use crate::load::{self, LoadOptions, LoadSource};
/// The bounds, under their path before [`crate::sandbox`] held them.
pub use crate::sandbox::Limits;
use crate::size::DataSize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wasmtime::component::Component;
use wasmtime::{Engine, Store};

/// The component this crate was built with.
pub static COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/data_interfaces.wasm"));
/// The BLAKE3 hash of [`COMPONENT`], computed at build time.
pub static COMPONENT_HASH: [u8; 32] = include!(concat!(env!("OUT_DIR"), "/component_hash.rs"));

/// The component, compiled and linked, ready to be instantiated for each call.
///
/// Load it once per process; each call gets a fresh instance (instantiation costs tens of
/// microseconds), so no state survives from one call to the next.
pub struct Runtime {
    engine: Engine,
    component: Component,
    instance_pre: DataInterfacesPre<HostState>,
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
        self.open(backend).map_err(|(error, _)| error)
    }

    /// [`Runtime::session`], giving the backend back when the instance cannot be made.
    pub(crate) fn open(
        &self,
        backend: Box<dyn Backend>,
    ) -> Result<Session, (Error, Box<dyn Backend>)> {
        let mut store = Store::new(&self.engine, HostState::new(backend, self.limits));
        store.limiter(|state| state.limiter());
        let made = store
            .set_fuel(self.limits.fuel)
            .map_err(|e| Error::Load(format!("fuel: {e}")))
            .and_then(|()| match self.instance_pre.instantiate(&mut store) {
                Ok(bindings) => Ok(bindings),
                Err(_) if store.data().memory_cap_hit() => Err(Error::MemoryCap {
                    call: "instantiate",
                    limit: self.limits.memory_bytes,
                }),
                Err(e) => Err(Error::Load(format!("instantiate: {e}"))),
            });
        match made {
            Ok(bindings) => Ok(Session {
                store,
                bindings,
                limits: self.limits,
            }),
            Err(error) => Err((error, store.into_data().into_backend())),
        }
    }
}

/// One instance of the component over one backend.
///
/// Every call gets the full fuel allowance again. A call fails with a typed error when the
/// component runs out of fuel ([`Error::OutOfFuel`]), goes over the memory cap
/// ([`Error::MemoryCap`]) or traps ([`Error::Trap`]), when the host refused one of its
/// requests and it went on as if it had not ([`Error::Refused`]), and when it returns more
/// than the host-call bound ([`Error::TooLarge`]). After a call that failed on a limit or a
/// trap, the instance is poisoned ([`Error::poisons`]): open a new session (the handlers of
/// [`crate::handlers`] do so by themselves).
pub struct Session {
    store: Store<HostState>,
    bindings: Bindings,
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

    /// Put another backend in place for the calls that follow (a host whose world object
    /// changes between calls, as the Python host's does); returns the one it replaces.
    pub fn replace_backend(&mut self, backend: Box<dyn Backend>) -> Box<dyn Backend> {
        self.store.data_mut().replace_backend(backend)
    }

    /// Run one export under the sandbox's bounds (fresh fuel, the refusal and size checks).
    pub(crate) fn call<T: DataSize>(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&Bindings, &mut Store<HostState>) -> wasmtime::Result<T>,
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
        if self.limits.over_host_call_bound(bytes) {
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
