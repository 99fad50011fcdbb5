//! The module's exception classes, and the mapping of host errors to them.
//!
//! Under the limited API (abi3) a `#[pyclass]` cannot extend `Exception`, so the classes are
//! defined by a few lines of Python run once when the module is imported; they carry
//! structured attributes (`kind`, `relation_id`, `bag`, `key`, `reason`) like ops' exceptions.

use data_interfaces_host::error::{describe, ErrorParts};
use data_interfaces_host::wit;
use data_interfaces_host::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyType};

const SOURCE: &std::ffi::CStr = cr#"
class HostError(Exception):
    """Raised by a Python backend to report a host error to the component.

    ``kind`` is one of ``not-found``, ``permission-denied``, ``not-leader``, ``too-large``,
    ``invalid-argument`` or ``backend``. Any other exception raised by a backend aborts the
    call and reaches the caller unchanged.
    """

    def __init__(self, kind, message=''):
        super().__init__(kind, message)
        self.kind = kind
        self.message = message

    def __str__(self):
        return f'{self.kind}: {self.message}'


class ProtocolError(ValueError):
    """The component refused a call: a malformed databag, an invalid model, not the leader...

    ``kind`` is one of ``invalid-databag``, ``invalid-model``, ``not-leader``,
    ``missing-relation``, ``read-only``, ``secret`` or ``host``; ``relation_id``, ``bag`` and ``key`` say
    where, when the component knows; ``reason`` says why.
    """

    def __init__(self, message, kind, reason, relation_id=None, bag=None, key=None):
        super().__init__(message)
        self.kind = kind
        self.reason = reason
        self.relation_id = relation_id
        self.bag = bag
        self.key = key

    def __reduce__(self):
        return (
            type(self),
            (str(self), self.kind, self.reason, self.relation_id, self.bag, self.key),
        )


class SandboxError(RuntimeError):
    """The component was stopped: out of fuel, over its memory cap, or trapped."""


class LoadError(RuntimeError):
    """The component could not be compiled, deserialized or instantiated."""
"#;

static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    CLASSES
        .get_or_try_init(py, || {
            let globals = PyDict::new(py);
            globals.set_item("__name__", "data_interfaces_wasm._native")?;
            py.run(SOURCE, Some(&globals), None)?;
            Ok(globals.unbind())
        })
        .map(|d| d.bind(py))
}

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    let classes = classes(py)?;
    let class = classes
        .get_item(name)?
        .ok_or_else(|| pyo3::exceptions::PySystemError::new_err(format!("missing class {name}")))?;
    Ok(class.cast_into::<PyType>()?)
}

/// The `HostError` class.
pub fn host_error_type(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    class(py, "HostError")
}

/// Add the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    for name in ["HostError", "ProtocolError", "SandboxError", "LoadError"] {
        module.add(name, class(py, name)?)?;
    }
    Ok(())
}

/// The `ProtocolError` exception for a protocol error (with its structured attributes).
pub fn protocol_error(py: Python<'_>, error: &wit::Error) -> PyResult<PyErr> {
    let message = describe(error);
    let parts = ErrorParts::of(error);
    let class = class(py, "ProtocolError")?;
    let value = class.call1((
        message,
        parts.kind,
        parts.reason,
        parts.relation_id,
        parts.bag,
        parts.key,
    ))?;
    Ok(PyErr::from_value(value))
}

fn simple(py: Python<'_>, name: &str, message: String) -> PyResult<PyErr> {
    let value = class(py, name)?.call1((message,))?;
    Ok(PyErr::from_value(value))
}

/// A host error as a Python exception. A backend failure that carries a Python exception is
/// given back unchanged.
pub fn to_py(py: Python<'_>, error: Error) -> PyErr {
    let result = match error {
        Error::Protocol(e) => protocol_error(py, &e),
        Error::Backend(boxed) => match boxed.downcast::<PyErr>() {
            Ok(err) => return *err,
            Err(other) => simple(py, "SandboxError", format!("backend aborted: {other}")),
        },
        e @ (Error::OutOfFuel { .. } | Error::MemoryCap { .. } | Error::Trap { .. }) => {
            simple(py, "SandboxError", e.to_string())
        }
        e @ (Error::Load(_) | Error::Cache { .. }) => simple(py, "LoadError", e.to_string()),
        #[allow(unreachable_patterns)]
        e => simple(py, "SandboxError", e.to_string()),
    };
    result.unwrap_or_else(|e| e)
}
