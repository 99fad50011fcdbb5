//! A [`Backend`] over a Python object (the Python package implements it over ops).
//!
//! Every import becomes a method call on the object. An exception of class
//! `_native.HostError` becomes a host error the component is told about (kind and message);
//! any other exception aborts the call and is re-raised to the Python caller unchanged
//! (it travels through the host as a boxed [`PyErr`] in [`BackendError::Fatal`]).

use crate::convert;
use crate::errors::host_error_type;
use data_interfaces_host::wit::{
    Bag, ChangeSet, HostError, HostErrorKind, LogLevel, Owner, RelationId, RelationInfo, Secret,
};
use data_interfaces_host::{Backend, BackendError, Entries};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The Python backend object.
pub struct PyBackend {
    object: Py<PyAny>,
}

impl PyBackend {
    pub fn new(object: Py<PyAny>) -> Self {
        PyBackend { object }
    }
}

fn bag_args(bag: &Bag) -> (&'static str, Option<&str>) {
    match bag {
        Bag::LocalApp => ("local-app", None),
        Bag::LocalUnit => ("local-unit", None),
        Bag::RemoteApp => ("remote-app", None),
        Bag::RemoteUnit(unit) => ("remote-unit", Some(unit.as_str())),
    }
}

fn host_error_kind(kind: &str) -> HostErrorKind {
    match kind {
        "not-found" => HostErrorKind::NotFound,
        "permission-denied" => HostErrorKind::PermissionDenied,
        "not-leader" => HostErrorKind::NotLeader,
        "too-large" => HostErrorKind::TooLarge,
        "invalid-argument" => HostErrorKind::InvalidArgument,
        _ => HostErrorKind::Backend,
    }
}

/// A Python exception from an import that can report host errors: `HostError` goes to the
/// component, anything else aborts the call.
fn reportable(py: Python<'_>, err: PyErr) -> BackendError {
    let is_host_error = host_error_type(py)
        .map(|t| err.is_instance(py, &t))
        .unwrap_or(false);
    if is_host_error {
        let value = err.value(py);
        let kind = value
            .getattr("kind")
            .and_then(|k| k.extract::<String>())
            .unwrap_or_else(|_| "backend".to_owned());
        let message = value
            .getattr("message")
            .and_then(|m| m.extract::<String>())
            .unwrap_or_default();
        return BackendError::Host(HostError {
            kind: host_error_kind(&kind),
            message,
        });
    }
    BackendError::Fatal(Box::new(err))
}

/// A Python exception from an import without an error channel: always aborts the call.
fn fatal(err: PyErr) -> BackendError {
    BackendError::Fatal(Box::new(err))
}

/// A conversion failure of a value the Python backend returned: aborts the call.
fn bad_return(method: &str, err: PyErr) -> BackendError {
    Python::attach(|py| {
        let message = format!("the backend's {method}() returned a malformed value: {err}");
        let wrapped = pyo3::exceptions::PyTypeError::new_err(message);
        wrapped.set_cause(py, Some(err));
        BackendError::Fatal(Box::new(wrapped))
    })
}

fn extract<'py, T>(value: Bound<'py, PyAny>, method: &str) -> Result<T, BackendError>
where
    T: for<'a> FromPyObject<'a, 'py>,
{
    value
        .extract::<T>()
        .map_err(|e| bad_return(method, e.into()))
}

fn relation_info(item: &Bound<'_, PyAny>) -> PyResult<RelationInfo> {
    let dict = item
        .cast::<PyDict>()
        .map_err(|_| pyo3::exceptions::PyTypeError::new_err("each relation must be a dict"))?;
    let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        Ok(dict.get_item(key)?.filter(|v| !v.is_none()))
    };
    Ok(RelationInfo {
        id: get("id")?
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("relation: missing \"id\""))?
            .extract()?,
        endpoint: get("endpoint")?
            .ok_or_else(|| {
                pyo3::exceptions::PyValueError::new_err("relation: missing \"endpoint\"")
            })?
            .extract()?,
        remote_app: get("remote_app")?.map(|v| v.extract()).transpose()?,
        remote_units: get("remote_units")?
            .map(|v| v.extract())
            .transpose()?
            .unwrap_or_default(),
    })
}

impl Backend for PyBackend {
    fn relations(&mut self, endpoint: &str) -> Result<Vec<RelationInfo>, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method1("relations", (endpoint,))
                .map_err(fatal)?;
            let mut out = Vec::new();
            for item in value.try_iter().map_err(|e| bad_return("relations", e))? {
                let item = item.map_err(|e| bad_return("relations", e))?;
                out.push(relation_info(&item).map_err(|e| bad_return("relations", e))?);
            }
            Ok(out)
        })
    }

    fn read(&mut self, relation: RelationId, bag: &Bag) -> Result<Entries, BackendError> {
        Python::attach(|py| {
            let (bag, unit) = bag_args(bag);
            let value = self
                .object
                .bind(py)
                .call_method1("read", (relation, bag, unit))
                .map_err(|e| reportable(py, e))?;
            convert::entries(&value, "read").map_err(|e| bad_return("read", e))
        })
    }

    fn apply(
        &mut self,
        relation: RelationId,
        bag: &Bag,
        changes: &ChangeSet,
    ) -> Result<(), BackendError> {
        Python::attach(|py| {
            let (bag, unit) = bag_args(bag);
            let set = PyList::empty(py);
            for (k, v) in &changes.set {
                set.append((k, v)).map_err(fatal)?;
            }
            self.object
                .bind(py)
                .call_method1("apply", (relation, bag, unit, set, changes.delete.clone()))
                .map_err(|e| reportable(py, e))?;
            Ok(())
        })
    }

    fn remote_model_uuid(&mut self, relation: RelationId) -> Result<Option<String>, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method1("remote_model_uuid", (relation,))
                .map_err(fatal)?;
            if value.is_none() {
                return Ok(None);
            }
            extract(value, "remote_model_uuid").map(Some)
        })
    }

    fn is_leader(&mut self) -> Result<bool, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method0("is_leader")
                .map_err(fatal)?;
            value.is_truthy().map_err(|e| bad_return("is_leader", e))
        })
    }

    fn local_app(&mut self) -> Result<String, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method0("local_app")
                .map_err(fatal)?;
            extract(value, "local_app")
        })
    }

    fn local_unit(&mut self) -> Result<String, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method0("local_unit")
                .map_err(fatal)?;
            extract(value, "local_unit")
        })
    }

    fn model_uuid(&mut self) -> Result<String, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method0("model_uuid")
                .map_err(fatal)?;
            extract(value, "model_uuid")
        })
    }

    fn secret_add(
        &mut self,
        owner: Owner,
        label: Option<&str>,
        content: &[(String, String)],
    ) -> Result<String, BackendError> {
        Python::attach(|py| {
            let owner = match owner {
                Owner::Application => "application",
                Owner::Unit => "unit",
            };
            let content = convert::entries_to_dict(py, content).map_err(fatal)?;
            let value = self
                .object
                .bind(py)
                .call_method1("secret_add", (owner, label, content))
                .map_err(|e| reportable(py, e))?;
            extract(value, "secret_add")
        })
    }

    fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
    ) -> Result<Option<Secret>, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method1("secret_get", (id, label, refresh))
                .map_err(|e| reportable(py, e))?;
            if value.is_none() {
                return Ok(None);
            }
            let (id, label, content): (String, Option<String>, Bound<'_, PyAny>) =
                extract(value, "secret_get")?;
            let content = convert::entries(&content, "secret content")
                .map_err(|e| bad_return("secret_get", e))?;
            Ok(Some(Secret { id, label, content }))
        })
    }

    fn secret_owned(&mut self, id: &str) -> Result<bool, BackendError> {
        Python::attach(|py| {
            let value = self
                .object
                .bind(py)
                .call_method1("secret_owned", (id,))
                .map_err(|e| reportable(py, e))?;
            value.is_truthy().map_err(|e| bad_return("secret_owned", e))
        })
    }

    fn secret_set_content(
        &mut self,
        id: &str,
        content: &[(String, String)],
    ) -> Result<(), BackendError> {
        Python::attach(|py| {
            let content = convert::entries_to_dict(py, content).map_err(fatal)?;
            self.object
                .bind(py)
                .call_method1("secret_set_content", (id, content))
                .map_err(|e| reportable(py, e))?;
            Ok(())
        })
    }

    fn secret_grant(&mut self, id: &str, relation: RelationId) -> Result<(), BackendError> {
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method1("secret_grant", (id, relation))
                .map_err(|e| reportable(py, e))?;
            Ok(())
        })
    }

    fn secret_remove(&mut self, id: &str) -> Result<(), BackendError> {
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method1("secret_remove", (id,))
                .map_err(|e| reportable(py, e))?;
            Ok(())
        })
    }

    fn secret_remove_revision(&mut self, id: &str, revision: i32) -> Result<(), BackendError> {
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method1("secret_remove_revision", (id, revision))
                .map_err(|e| reportable(py, e))?;
            Ok(())
        })
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        Python::attach(|py| {
            let level = match level {
                LogLevel::Debug => "debug",
                LogLevel::Info => "info",
                LogLevel::Warning => "warning",
                LogLevel::Error => "error",
            };
            let object = self.object.bind(py);
            if let Err(err) = object.call_method1("log", (level, message)) {
                // The log import has no error channel; report it the way Python reports
                // exceptions it cannot raise.
                err.write_unraisable(py, Some(object));
            }
        })
    }
}
