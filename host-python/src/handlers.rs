//! The component's handlers as Python objects: `Requirer`, `Provider`, `Peer` and
//! `RelationData`, each holding a session with one handler resource in it (made once from its
//! configuration, which is checked then) for as long as Python keeps the object.
//!
//! Every method takes the backend it runs over: the handler holds it for that call only, so
//! the object keeps no Python world alive between calls. A call that poisons the instance
//! (out of fuel, a trap, an exception raised by the backend) fails, and the next call makes
//! the session again ([`Held`]).

use crate::backend::PyBackend;
use crate::{convert, errors};
use data_interfaces_host as host;
use data_interfaces_host::backend::Detached;
use data_interfaces_host::handlers::{
    Handler, Held, PeerHandler, ProviderHandler, RelationDataHandler, RequirerHandler,
};
use data_interfaces_host::Session;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// Make a holder over no world yet (each call brings its backend).
fn hold<H: Handler>(
    py: Python<'_>,
    runtime: &Arc<host::Runtime>,
    config: H::Config,
) -> PyResult<Held<H>> {
    Held::new(runtime.clone(), config, Box::new(Detached)).map_err(|e| errors::to_py(py, e))
}

/// Run one call of a held handler over a Python backend object.
fn call<H: Handler, T>(
    held: &mut Held<H>,
    backend: &Bound<'_, PyAny>,
    f: impl FnOnce(&mut Session, H) -> Result<T, host::Error>,
) -> PyResult<T> {
    held.replace_backend(Box::new(PyBackend::new(backend.clone().unbind())));
    let result = held.call(f);
    held.replace_backend(Box::new(Detached));
    result.map_err(|e| errors::to_py(backend.py(), e))
}

/// The requirer handler of an endpoint.
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
pub struct Requirer {
    held: Held<RequirerHandler>,
}

impl Requirer {
    /// Make the component's handler for `config` (checked now) over no world yet.
    pub fn new(
        py: Python<'_>,
        runtime: &Arc<host::Runtime>,
        config: host::wit::RequirerConfig,
    ) -> PyResult<Self> {
        hold(py, runtime, config).map(|held| Requirer { held })
    }
}

#[pymethods]
impl Requirer {
    /// Handle a hook; returns the events to emit, as dicts, and the rejected responses.
    fn handle<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        hook: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let py = backend.py();
        let hook = convert::hook(hook)?;
        let handled = call(&mut self.held, backend, |s, h| s.requirer_handle(h, &hook))?;
        Ok((
            convert::requirer_events(py, &handled.events)?,
            convert::rejections(py, &handled.rejections)?,
        ))
    }

    /// The responses on a relation, with their secret fields filled in, as dicts.
    fn responses<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let responses = call(&mut self.held, backend, |s, h| {
            s.requirer_responses(h, relation_id)
        })?;
        convert::responses_to_py(backend.py(), &responses)
    }

    /// Whether the response to a request carries credentials.
    fn is_resource_created(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        request_id: &str,
    ) -> PyResult<bool> {
        call(&mut self.held, backend, |s, h| {
            s.requirer_is_resource_created(h, relation_id, request_id)
        })
    }

    /// Whether every response with a request id carries credentials (true with none).
    fn are_all_resources_created(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
    ) -> PyResult<bool> {
        call(&mut self.held, backend, |s, h| {
            s.requirer_are_all_resources_created(h, relation_id)
        })
    }

    /// The statuses the provider raises on a relation, as dicts.
    fn statuses<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let statuses = call(&mut self.held, backend, |s, h| {
            s.requirer_statuses(h, relation_id)
        })?;
        convert::statuses(backend.py(), &statuses)
    }

    /// The alias this unit's bag records for a relation (the library's `_get_relation_alias`);
    /// `None` when it records none or the endpoint has no such relation.
    fn relation_alias(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
    ) -> PyResult<Option<String>> {
        call(&mut self.held, backend, |s, h| {
            s.requirer_relation_alias(h, relation_id)
        })
    }

    /// Give a relation an alias as relation-created does (the library's
    /// `_assign_relation_alias`) and return it; `None` without relation aliases, for an unknown
    /// relation, or when every alias is taken.
    fn assign_alias(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
    ) -> PyResult<Option<String>> {
        call(&mut self.held, backend, |s, h| {
            s.requirer_assign_alias(h, relation_id)
        })
    }
}

/// The provider handler of an endpoint, for one response model.
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
pub struct Provider {
    held: Held<ProviderHandler>,
}

impl Provider {
    /// Make the component's handler for `config` (checked now) over no world yet.
    pub fn new(
        py: Python<'_>,
        runtime: &Arc<host::Runtime>,
        config: host::wit::ProviderConfig,
    ) -> PyResult<Self> {
        hold(py, runtime, config).map(|held| Provider { held })
    }
}

#[pymethods]
impl Provider {
    /// Handle a hook; returns the events to emit, as dicts, and the rejected requests.
    fn handle<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        hook: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let py = backend.py();
        let hook = convert::hook(hook)?;
        let handled = call(&mut self.held, backend, |s, h| s.provider_handle(h, &hook))?;
        Ok((
            convert::provider_events(py, &handled.events)?,
            convert::rejections(py, &handled.rejections)?,
        ))
    }

    /// Write (or merge) a response on a relation.
    fn set_response(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        response: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let response = convert::response(response.as_any())?;
        call(&mut self.held, backend, |s, h| {
            s.provider_set_response(h, relation_id, &response)
        })
    }

    /// Write responses as `set_response` called once for each, in order, with one read and
    /// one write of the bag.
    fn set_response_each(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        responses: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let responses = convert::responses(responses)?;
        call(&mut self.held, backend, |s, h| {
            s.provider_set_response_each(h, relation_id, &responses)
        })
    }

    /// Write several responses on a relation at once.
    fn set_responses(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        responses: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let responses = convert::responses(responses)?;
        call(&mut self.held, backend, |s, h| {
            s.provider_set_responses(h, relation_id, &responses)
        })
    }

    /// The requests on a relation, as dicts.
    fn requests<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let requests = call(&mut self.held, backend, |s, h| {
            s.provider_requests(h, relation_id)
        })?;
        convert::requests(backend.py(), &requests)
    }

    /// The provider's own responses on a relation, with their secret fields filled from its
    /// own secrets, as dicts.
    fn responses<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let responses = call(&mut self.held, backend, |s, h| {
            s.provider_responses(h, relation_id)
        })?;
        convert::responses_to_py(backend.py(), &responses)
    }

    /// Raise a status (a `{code, message, resolution}` dict) on a relation.
    fn raise_status(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        status: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let status = convert::status(status.as_any())?;
        call(&mut self.held, backend, |s, h| {
            s.provider_raise_status(h, relation_id, &status)
        })
    }

    /// Raise the status the status schema defines for a code.
    fn raise_status_code(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        code: i32,
    ) -> PyResult<()> {
        call(&mut self.held, backend, |s, h| {
            s.provider_raise_status_code(h, relation_id, code)
        })
    }

    /// Resolve a raised status.
    fn resolve_status(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        code: i32,
    ) -> PyResult<()> {
        call(&mut self.held, backend, |s, h| {
            s.provider_resolve_status(h, relation_id, code)
        })
    }

    /// Clear every status of a relation.
    fn clear_statuses(&mut self, backend: &Bound<'_, PyAny>, relation_id: i32) -> PyResult<()> {
        call(&mut self.held, backend, |s, h| {
            s.provider_clear_statuses(h, relation_id)
        })
    }

    /// The statuses raised on a relation, as dicts.
    fn statuses<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let statuses = call(&mut self.held, backend, |s, h| {
            s.provider_statuses(h, relation_id)
        })?;
        convert::statuses(backend.py(), &statuses)
    }
}

/// The data of a peer model (plain fields in the databag, secret ones in secrets by label).
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
pub struct Peer {
    held: Held<PeerHandler>,
}

impl Peer {
    /// Make the component's handler for `config` (checked now) over no world yet.
    pub fn new(
        py: Python<'_>,
        runtime: &Arc<host::Runtime>,
        config: host::wit::PeerConfig,
    ) -> PyResult<Self> {
        hold(py, runtime, config).map(|held| Peer { held })
    }
}

#[pymethods]
impl Peer {
    /// The data of a scope (`"app"`, `"unit"`, or `"other-unit"` with `unit`), as
    /// `(wire key, JSON text)` pairs: declared fields first (secret ones filled), then the
    /// databag's other keys.
    #[pyo3(signature = (backend, relation_id, scope, unit=None))]
    fn read<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
        scope: &str,
        unit: Option<String>,
    ) -> PyResult<Vec<(String, String)>> {
        let scope = convert::peer_scope(scope, unit)?;
        call(&mut self.held, backend, |s, h| {
            s.peer_read(h, relation_id, &scope)
        })
    }

    /// Set (JSON text) or delete (`None`) fields of a scope, given as
    /// `(wire key, JSON text or None)` pairs.
    #[pyo3(signature = (backend, relation_id, scope, values, unit=None))]
    fn write(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        scope: &str,
        values: &Bound<'_, PyAny>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let scope = convert::peer_scope(scope, unit)?;
        let values = convert::peer_values(values)?;
        call(&mut self.held, backend, |s, h| {
            s.peer_write(h, relation_id, &scope, &values)
        })
    }

    /// Delete fields of a scope, by wire key.
    #[pyo3(signature = (backend, relation_id, scope, keys, unit=None))]
    fn delete(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        scope: &str,
        keys: Vec<String>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let scope = convert::peer_scope(scope, unit)?;
        call(&mut self.held, backend, |s, h| {
            s.peer_delete(h, relation_id, &scope, &keys)
        })
    }
}

/// A relation's data as the library's repository lays it out (secret fields in one secret
/// per group, whose URI the databag holds).
#[pyclass(unsendable, module = "data_interfaces_wasm._native")]
pub struct RelationData {
    held: Held<RelationDataHandler>,
}

impl RelationData {
    /// Make the component's handler for `config` (checked now) over no world yet.
    pub fn new(
        py: Python<'_>,
        runtime: &Arc<host::Runtime>,
        config: host::wit::RelationDataConfig,
    ) -> PyResult<Self> {
        hold(py, runtime, config).map(|held| RelationData { held })
    }
}

#[pymethods]
impl RelationData {
    /// A relation's data (scope `"local-app"`, `"local-unit"`, `"remote-app"`, or
    /// `"remote-unit"` with `unit`) as `{"bag": [...], "secrets": [...]}`, each a list of
    /// `(key, raw string, JSON text)`.
    #[pyo3(signature = (backend, relation_id, scope, unit=None))]
    fn read<'py>(
        &mut self,
        backend: &Bound<'py, PyAny>,
        relation_id: i32,
        scope: &str,
        unit: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let scope = convert::relation_scope(scope, unit)?;
        let data = call(&mut self.held, backend, |s, h| {
            s.relation_data_read(h, relation_id, &scope)
        })?;
        convert::relation_data_to_dict(backend.py(), &data)
    }

    /// Set (a string) or delete (`None`) keys of a relation's local data, given as
    /// `(key, string or None)` pairs.
    #[pyo3(signature = (backend, relation_id, scope, values, unit=None))]
    fn write(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        scope: &str,
        values: &Bound<'_, PyAny>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let scope = convert::relation_scope(scope, unit)?;
        let values = convert::peer_values(values)?;
        call(&mut self.held, backend, |s, h| {
            s.relation_data_write(h, relation_id, &scope, &values)
        })
    }

    /// Delete keys of a relation's local data.
    #[pyo3(signature = (backend, relation_id, scope, keys, unit=None))]
    fn delete(
        &mut self,
        backend: &Bound<'_, PyAny>,
        relation_id: i32,
        scope: &str,
        keys: Vec<String>,
        unit: Option<String>,
    ) -> PyResult<()> {
        let scope = convert::relation_scope(scope, unit)?;
        call(&mut self.held, backend, |s, h| {
            s.relation_data_delete(h, relation_id, &scope, &keys)
        })
    }
}
