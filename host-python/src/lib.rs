//! `data_interfaces_wasm._native`: the data-interfaces protocol component for Python.
//!
//! A thin pyo3 layer over the `data-interfaces-host` crate. [`Runtime`] loads the component
//! once per process (the wheel's precompiled copy, else the cache) and each call opens a fresh
//! session over a Python backend object (see `backend.rs` for the protocol it implements).
//! Models cross as dicts keyed by the WIT field names (`convert.rs`). The typed facade, the ops
//! backend and the ops events live in the pure-Python package `data_interfaces_wasm`; the
//! contract of this module is written down in `_native.pyi`.

mod backend;
mod convert;
mod errors;

use backend::{NoBackend, PyBackend};
use data_interfaces_host as host;
use data_interfaces_host::{LoadOptions, LoadSource};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;

/// The protocol component, loaded and ready; one per process, reused by every handler.
///
/// Not thread-safe (it owns a wasmtime engine used from one thread): use it from the thread
/// that created it.
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
struct Runtime {
    inner: host::Runtime,
}

impl Runtime {
    fn session(&self, py: Python<'_>, backend: &Bound<'_, PyAny>) -> PyResult<host::Session> {
        self.inner
            .session(Box::new(PyBackend::new(backend.clone().unbind())))
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
        Ok(Runtime { inner })
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

    /// Handle a hook on the requirer side; returns the events to emit, as dicts, and the
    /// rejected responses.
    fn requirer_handle<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        hook: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
        let config = convert::requirer_config(config)?;
        let hook = convert::hook(hook)?;
        let handled = self
            .session(py, backend)?
            .requirer_handle(&config, &hook)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for event in &handled.events {
            list.append(convert::requirer_event(py, event)?)?;
        }
        Ok((list, convert::rejections(py, &handled.rejections)?))
    }

    /// The responses on a relation, with their secret fields filled in, as dicts.
    fn requirer_responses<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::requirer_config(config)?;
        let responses = self
            .session(py, backend)?
            .requirer_responses(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for response in &responses {
            list.append(convert::response_to_dict(py, response)?)?;
        }
        Ok(list)
    }

    /// Whether the response to a request carries credentials.
    fn requirer_is_resource_created(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        request_id: &str,
    ) -> PyResult<bool> {
        let config = convert::requirer_config(config)?;
        self.session(py, backend)?
            .requirer_is_resource_created(&config, relation_id, request_id)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Handle a hook on the provider side; returns the events to emit, as dicts, and the
    /// rejected requests.
    fn provider_handle<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        hook: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
        let config = convert::provider_config(config)?;
        let hook = convert::hook(hook)?;
        let handled = self
            .session(py, backend)?
            .provider_handle(&config, &hook)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for event in &handled.events {
            list.append(convert::provider_event(py, event)?)?;
        }
        Ok((list, convert::rejections(py, &handled.rejections)?))
    }

    /// Write (or merge) a response on a relation.
    fn provider_set_response(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        response: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        let response = convert::response(response)?;
        self.session(py, backend)?
            .provider_set_response(&config, relation_id, &response)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Write responses as `provider_set_response` called once for each, in order, with one
    /// read and one write of the bag.
    fn provider_set_response_each(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        responses: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        let converted = convert::responses(responses)?;
        self.session(py, backend)?
            .provider_set_response_each(&config, relation_id, &converted)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Write several responses on a relation at once.
    fn provider_set_responses(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        responses: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        let converted = convert::responses(responses)?;
        self.session(py, backend)?
            .provider_set_responses(&config, relation_id, &converted)
            .map_err(|e| errors::to_py(py, e))
    }

    /// The requests on a relation, as dicts.
    fn provider_requests<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::provider_config(config)?;
        let requests = self
            .session(py, backend)?
            .provider_requests(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for request in &requests {
            list.append(convert::request_to_dict(py, request)?)?;
        }
        Ok(list)
    }

    /// The provider's own responses on a relation, with their secret fields filled from its
    /// own secrets, as dicts.
    fn provider_responses<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::provider_config(config)?;
        let responses = self
            .session(py, backend)?
            .provider_responses(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for response in &responses {
            list.append(convert::response_to_dict(py, response)?)?;
        }
        Ok(list)
    }

    /// The peer data of a scope (`"app"`, `"unit"`, or `"other-unit"` with `unit`), as
    /// `(wire key, JSON text)` pairs: declared fields first (secret ones filled), then the
    /// databag's other keys.
    #[pyo3(signature = (backend, config, relation_id, scope, unit=None))]
    fn peer_read<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
        scope: &str,
        unit: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::peer_config(config)?;
        let scope = convert::peer_scope(scope, unit)?;
        let values = self
            .session(py, backend)?
            .peer_read(&config, relation_id, &scope)
            .map_err(|e| errors::to_py(py, e))?;
        let list = PyList::empty(py);
        for pair in values {
            list.append(pair)?;
        }
        Ok(list)
    }

    /// Set (JSON text) or delete (`None`) peer fields of a scope, given as
    /// `(wire key, JSON text or None)` pairs.
    #[pyo3(signature = (backend, config, relation_id, scope, values, unit=None))]
    fn peer_write(
        &self,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        scope: &str,
        values: &Bound<'_, PyAny>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let config = convert::peer_config(config)?;
        let scope = convert::peer_scope(scope, unit)?;
        let values = convert::peer_values(values)?;
        let py = backend.py();
        self.session(py, backend)?
            .peer_write(&config, relation_id, &scope, &values)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Delete peer fields of a scope, by wire key.
    #[pyo3(signature = (backend, config, relation_id, scope, keys, unit=None))]
    fn peer_delete(
        &self,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        scope: &str,
        keys: Vec<String>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let config = convert::peer_config(config)?;
        let scope = convert::peer_scope(scope, unit)?;
        let py = backend.py();
        self.session(py, backend)?
            .peer_delete(&config, relation_id, &scope, &keys)
            .map_err(|e| errors::to_py(py, e))
    }

    /// A relation's data (scope `"local-app"`, `"local-unit"`, `"remote-app"`, or
    /// `"remote-unit"` with `unit`) as `{"bag": [...], "secrets": [...]}`, each a list of
    /// `(key, raw string, JSON text)`.
    #[pyo3(signature = (backend, config, relation_id, scope, unit=None))]
    fn relation_data_read<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
        scope: &str,
        unit: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let config = convert::relation_data_config(config)?;
        let scope = convert::relation_scope(scope, unit)?;
        let data = self
            .session(py, backend)?
            .relation_data_read(&config, relation_id, &scope)
            .map_err(|e| errors::to_py(py, e))?;
        convert::relation_data_to_dict(py, &data)
    }

    /// Set (a string) or delete (`None`) keys of a relation's local data, given as
    /// `(key, string or None)` pairs.
    #[pyo3(signature = (backend, config, relation_id, scope, values, unit=None))]
    fn relation_data_write(
        &self,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        scope: &str,
        values: &Bound<'_, PyAny>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let config = convert::relation_data_config(config)?;
        let scope = convert::relation_scope(scope, unit)?;
        let values = convert::peer_values(values)?;
        let py = backend.py();
        self.session(py, backend)?
            .relation_data_write(&config, relation_id, &scope, &values)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Delete keys of a relation's local data.
    #[pyo3(signature = (backend, config, relation_id, scope, keys, unit=None))]
    fn relation_data_delete(
        &self,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        scope: &str,
        keys: Vec<String>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let config = convert::relation_data_config(config)?;
        let scope = convert::relation_scope(scope, unit)?;
        let py = backend.py();
        self.session(py, backend)?
            .relation_data_delete(&config, relation_id, &scope, &keys)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Whether every response with a request id carries credentials (true with none).
    fn requirer_are_all_resources_created(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
    ) -> PyResult<bool> {
        let config = convert::requirer_config(config)?;
        self.session(py, backend)?
            .requirer_are_all_resources_created(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))
    }

    /// The alias this unit's bag records for a relation of the requirer's endpoint (the
    /// library's `_get_relation_alias`); `None` when it records none or the endpoint has no
    /// such relation.
    fn requirer_relation_alias(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
    ) -> PyResult<Option<String>> {
        let config = convert::requirer_config(config)?;
        self.session(py, backend)?
            .requirer_relation_alias(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Give a relation of the requirer's endpoint an alias as relation-created does (the
    /// library's `_assign_relation_alias`) and return it; `None` without relation aliases, for
    /// an unknown relation, or when every alias is taken.
    fn requirer_assign_alias(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
    ) -> PyResult<Option<String>> {
        let config = convert::requirer_config(config)?;
        self.session(py, backend)?
            .requirer_assign_alias(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))
    }

    /// The statuses the provider raises on a relation, as the requirer sees them, as dicts.
    fn requirer_statuses<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::requirer_config(config)?;
        let statuses = self
            .session(py, backend)?
            .requirer_statuses(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))?;
        status_list(py, &statuses)
    }

    /// Raise a status (a `{code, message, resolution}` dict) on a relation.
    fn provider_raise_status(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        status: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        let status = convert::status(status)?;
        self.session(py, backend)?
            .provider_raise_status(&config, relation_id, &status)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Raise the status the status schema defines for a code.
    fn provider_raise_status_code(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        code: i32,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        self.session(py, backend)?
            .provider_raise_status_code(&config, relation_id, code)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Resolve a raised status.
    fn provider_resolve_status(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
        code: i32,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        self.session(py, backend)?
            .provider_resolve_status(&config, relation_id, code)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Clear every status of a relation.
    fn provider_clear_statuses(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        config: &Bound<'_, PyDict>,
        relation_id: i32,
    ) -> PyResult<()> {
        let config = convert::provider_config(config)?;
        self.session(py, backend)?
            .provider_clear_statuses(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))
    }

    /// The statuses raised on a relation, as dicts.
    fn provider_statuses<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        config: &Bound<'py, PyDict>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyList>> {
        let config = convert::provider_config(config)?;
        let statuses = self
            .session(py, backend)?
            .provider_statuses(&config, relation_id)
            .map_err(|e| errors::to_py(py, e))?;
        status_list(py, &statuses)
    }

    /// A fresh salt.
    fn gen_salt(&self, py: Python<'_>) -> PyResult<String> {
        self.inner
            .session(Box::new(NoBackend))
            .and_then(|mut s| s.gen_salt())
            .map_err(|e| errors::to_py(py, e))
    }

    /// The request id for a resource and a salt.
    fn gen_hash(&self, py: Python<'_>, resource: &str, salt: &str) -> PyResult<String> {
        self.inner
            .session(Box::new(NoBackend))
            .and_then(|mut s| s.gen_hash(resource, salt))
            .map_err(|e| errors::to_py(py, e))
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
        self.inner
            .session(Box::new(NoBackend))
            .and_then(|mut s| s.relation_secret_label(endpoint, relation_id, short_uuid, group))
            .map_err(|e| errors::to_py(py, e))
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
        self.session(py, backend)?
            .peer_secret_label(endpoint, &scope, group)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Whether a relation of the endpoint crosses models.
    fn is_cross_model(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        endpoint: &str,
        relation_id: i32,
    ) -> PyResult<bool> {
        self.session(py, backend)?
            .is_cross_model(endpoint, relation_id)
            .map_err(|e| errors::to_py(py, e))
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
        let diff = self
            .session(py, backend)?
            .compute_diff(
                endpoint,
                relation_id,
                &cache_bag,
                &new_data,
                short_uuid,
                store,
            )
            .map_err(|e| errors::to_py(py, e))?;
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
        self.session(py, backend)?
            .store_new_data(cached, &new_data, short_uuid, &global_data, encryption_key)
            .map_err(|e| errors::to_py(py, e))
    }

    /// The keys that name a request's resource besides `resource` (`RESOURCE_ALIASES`).
    fn resource_aliases(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.inner
            .session(Box::new(NoBackend))
            .and_then(|mut s| s.resource_aliases())
            .map_err(|e| errors::to_py(py, e))
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
        self.inner
            .session(Box::new(NoBackend))
            .and_then(|mut s| s.resource_added(&diff, &extra_aliases))
            .map_err(|e| errors::to_py(py, e))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Runtime load_source={:?} load_time_ms={:.3}>",
            self.load_source(),
            self.load_time_ms()
        )
    }
}

fn status_list<'py>(
    py: Python<'py>,
    statuses: &[host::wit::Status],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for status in statuses {
        list.append(convert::status_to_dict(py, status)?)?;
    }
    Ok(list)
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

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Runtime>()?;
    module.add_function(wrap_pyfunction!(precompile, module)?)?;
    errors::register(module)?;
    Ok(())
}
