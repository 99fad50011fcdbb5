//! `data_interfaces_wasm._native`: the data-interfaces protocol component for Python.
//!
//! A thin pyo3 layer over the `data-interfaces-host` crate. [`Runtime`] loads the component
//! once per process (the wheel's precompiled copy, else the cache) and makes the handlers
//! (`handlers.rs`), each a session with one of the component's handler resources in it, held
//! by the Python handler that made it; every call is given the Python backend object it runs
//! over (see `backend.rs` for the protocol it implements). The stateless calls (salts, labels,
//! diffs) open a session of their own.
//! Models cross as dicts keyed by the WIT field names, converted by the records' serde derives
//! (`convert.rs`, over `pyde.rs` and `pyser.rs`). The typed facade, the ops
//! backend and the ops events live in the pure-Python package `data_interfaces_wasm`; the
//! contract of this module is written down in `_native.pyi`.

mod backend;
mod convert;
mod errors;
mod handlers;
mod pyde;
mod pyser;

use backend::PyBackend;
use data_interfaces_host as host;
use data_interfaces_host::backend::Detached;
use data_interfaces_host::{LoadOptions, LoadSource};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Arc;

/// The protocol component, loaded and ready; one per process, reused by every handler.
///
/// Not thread-safe (it owns a wasmtime engine used from one thread): use it from the thread
/// that created it.
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
struct Runtime {
    inner: Arc<host::Runtime>,
}

impl Runtime {
    /// Run stateless calls in a session of their own, over `backend` (`None`: no world).
    fn run<T>(
        &self,
        py: Python<'_>,
        backend: Option<&Bound<'_, PyAny>>,
        f: impl FnOnce(&mut host::Session) -> Result<T, host::Error>,
    ) -> PyResult<T> {
        let backend: Box<dyn host::Backend> = match backend {
            Some(backend) => Box::new(PyBackend::new(backend.clone().unbind())),
            None => Box::new(Detached),
        };
        self.inner
            .session(backend)
            .and_then(|mut session| f(&mut session))
            .map_err(|e| errors::to_py(py, e))
    }
}

#[pymethods]
impl Runtime {
    /// Load the component. `precompiled_dir` may hold a portable precompiled artifact (the
    /// wheel's, see `precompile`), used first when wasmtime accepts it. `cache_dir=None` uses
    /// the default cache directory (`$DATA_INTERFACES_CACHE_DIR`, else the user's cache
    /// directory); `""` disables the cache (compile in memory).
    #[new]
    #[pyo3(signature = (cache_dir=None, precompiled_dir=None))]
    fn new(
        py: Python<'_>,
        cache_dir: Option<PathBuf>,
        precompiled_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let mut options = LoadOptions {
            precompiled_dir,
            ..LoadOptions::default()
        };
        if let Some(dir) = cache_dir {
            options.cache_dir = if dir.as_os_str().is_empty() {
                None
            } else {
                Some(dir)
            };
        }
        let inner = host::Runtime::load_with(&options).map_err(|e| errors::to_py(py, e))?;
        Ok(Runtime {
            inner: Arc::new(inner),
        })
    }

    /// Where the component came from: `"precompiled"`, `"cache"`, `"compiled-and-cached"` or
    /// `"compiled"`.
    #[getter]
    fn load_source(&self) -> &'static str {
        match self.inner.source() {
            LoadSource::Precompiled(_) => "precompiled",
            LoadSource::Cache(_) => "cache",
            LoadSource::CompiledAndCached(_) => "compiled-and-cached",
            LoadSource::Compiled => "compiled",
        }
    }

    /// How long loading took, in milliseconds.
    #[getter]
    fn load_time_ms(&self) -> f64 {
        self.inner.load_time().as_secs_f64() * 1000.0
    }

    /// A requirer handler for a configuration (checked now: an invalid request is a
    /// `ProtocolError`), held for as long as the caller keeps it.
    fn requirer(&self, py: Python<'_>, config: &Bound<'_, PyDict>) -> PyResult<handlers::Requirer> {
        handlers::Requirer::new(py, &self.inner, convert::requirer_config(config.as_any())?)
    }

    /// A provider handler for a configuration, held for as long as the caller keeps it.
    fn provider(&self, py: Python<'_>, config: &Bound<'_, PyDict>) -> PyResult<handlers::Provider> {
        handlers::Provider::new(py, &self.inner, convert::provider_config(config.as_any())?)
    }

    /// A peer-data handler for a peer model's layout.
    fn peer(&self, py: Python<'_>, config: &Bound<'_, PyDict>) -> PyResult<handlers::Peer> {
        handlers::Peer::new(py, &self.inner, convert::peer_config(config.as_any())?)
    }

    /// A relation-data handler for an endpoint's secret fields, label and known secret URIs.
    fn relation_data(
        &self,
        py: Python<'_>,
        config: &Bound<'_, PyDict>,
    ) -> PyResult<handlers::RelationData> {
        handlers::RelationData::new(
            py,
            &self.inner,
            convert::relation_data_config(config.as_any())?,
        )
    }

    /// A fresh salt.
    fn gen_salt(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, None, |s| s.gen_salt())
    }

    /// The request id for a resource and a salt.
    fn gen_hash(&self, py: Python<'_>, resource: &str, salt: &str) -> PyResult<String> {
        self.run(py, None, |s| s.gen_hash(resource, salt))
    }

    /// Label of a relation secret: `{endpoint}.{relation_id}.{short_uuid}.{group}.secret`, or
    /// without the short uuid when it is `None` or empty.
    fn relation_secret_label(
        &self,
        py: Python<'_>,
        endpoint: &str,
        relation_id: i32,
        short_uuid: Option<&str>,
        group: &str,
    ) -> PyResult<String> {
        self.run(py, None, |s| {
            s.relation_secret_label(endpoint, relation_id, short_uuid, group)
        })
    }

    /// Label of a peer secret (scope `"app"` or `"unit"`): `{endpoint}.{local app}.{scope}`,
    /// then `.{group}` unless the group is `extra`.
    fn peer_secret_label(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        endpoint: &str,
        scope: &str,
        group: &str,
    ) -> PyResult<String> {
        let scope = convert::peer_scope(scope, None)?;
        self.run(py, Some(backend), |s| {
            s.peer_secret_label(endpoint, &scope, group)
        })
    }

    /// Whether a relation of the endpoint crosses models.
    fn is_cross_model(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        endpoint: &str,
        relation_id: i32,
    ) -> PyResult<bool> {
        self.run(py, Some(backend), |s| {
            s.is_cross_model(endpoint, relation_id)
        })
    }

    /// The library's `compute_diff` over a dumped model (`(key, JSON text)` pairs), against the
    /// cache of `cache_bag` (`"local-app"` for a provider, `"local-unit"` for a requirer);
    /// returns `(added, changed, deleted)`.
    #[allow(clippy::too_many_arguments)]
    fn compute_diff(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        endpoint: &str,
        relation_id: i32,
        cache_bag: &str,
        new_data: Vec<(String, String)>,
        short_uuid: Option<&str>,
        store: bool,
    ) -> PyResult<(Vec<String>, Vec<String>, Vec<String>)> {
        let cache_bag = convert::relation_scope(cache_bag, None)?;
        let diff = self.run(py, Some(backend), |s| {
            s.compute_diff(
                endpoint,
                relation_id,
                &cache_bag,
                &new_data,
                short_uuid,
                store,
            )
        })?;
        Ok((diff.added, diff.changed, diff.deleted))
    }

    /// The library's `store_new_data`, given a bag's current `data` text (`cached`): the new
    /// `data` text (`new_data` and `global_data` as `(key, JSON text)` pairs), which the
    /// caller writes to the bag. The component's log lines go to `backend.log` (the
    /// component reads no bag and no secret here).
    #[allow(clippy::too_many_arguments)]
    fn store_new_data(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        cached: Option<&str>,
        new_data: Vec<(String, String)>,
        short_uuid: Option<&str>,
        global_data: Vec<(String, String)>,
        encryption_key: Option<&str>,
    ) -> PyResult<String> {
        self.run(py, Some(backend), |s| {
            s.store_new_data(cached, &new_data, short_uuid, &global_data, encryption_key)
        })
    }

    /// The keys that name a request's resource besides `resource` (`RESOURCE_ALIASES`).
    fn resource_aliases(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.run(py, None, |s| s.resource_aliases())
    }

    /// Whether a diff added `resource`, one of `RESOURCE_ALIASES` or one of `extra_aliases`.
    fn resource_added(
        &self,
        py: Python<'_>,
        added: Vec<String>,
        changed: Vec<String>,
        deleted: Vec<String>,
        extra_aliases: Vec<String>,
    ) -> PyResult<bool> {
        let diff = host::wit::Diff {
            added,
            changed,
            deleted,
        };
        self.run(py, None, |s| s.resource_added(&diff, &extra_aliases))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Runtime load_source={:?} load_time_ms={:.3}>",
            self.load_source(),
            self.load_time_ms()
        )
    }
}

/// Precompile the component for the baseline CPU of `target` (a target triple; by default
/// this machine's architecture on Linux) into `out_dir`, under the name `Runtime` looks for in
/// its `precompiled_dir`; returns the file's path. The wheel build runs it.
#[pyfunction]
#[pyo3(signature = (out_dir, target=None))]
fn precompile(py: Python<'_>, out_dir: PathBuf, target: Option<String>) -> PyResult<PathBuf> {
    let target = target.unwrap_or_else(host::load::linux_target);
    py.detach(|| host::Runtime::precompile_into(&out_dir, &target))
        .map_err(|e| errors::to_py(py, e))
}

/// The field names of the contract's `"request"` or `"response"` record, as the
/// dicts of this module key them, in the WIT's order; read from the record's type, so no
/// component is loaded.
#[pyfunction]
fn record_fields(record: &str) -> PyResult<Vec<&'static str>> {
    convert::record_fields(record).map(<[_]>::to_vec)
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Runtime>()?;
    module.add_class::<handlers::Requirer>()?;
    module.add_class::<handlers::Provider>()?;
    module.add_class::<handlers::Peer>()?;
    module.add_class::<handlers::RelationData>()?;
    module.add_function(wrap_pyfunction!(precompile, module)?)?;
    module.add_function(wrap_pyfunction!(record_fields, module)?)?;
    errors::register(module)?;
    Ok(())
}
