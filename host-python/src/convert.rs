//! Python objects <-> the contract's records, derived from the records' serde derives.
//!
//! Every record, variant and enum of the WIT derives `Serialize` and `Deserialize` in
//! host-rust's bindings; [`from_py`] reads one from Python objects ([`crate::pyde`]) and
//! [`to_py`] makes one into Python objects ([`crate::pyser`]). Dict keys are the records' Rust
//! field names (`request_id`, `read_only_uris`), so a field added to the WIT crosses with no
//! line here. The rules are by shape (see those modules): a field absent or `None` takes its
//! type's empty value (`""`, `False`, `[]`, `None`) or is a `missing field` error; a
//! `list<tuple<string, string>>` (`extra`, `secret_uris`, databag entries) is a dict. An error
//! is a `TypeError` (a value of the wrong type) or a `ValueError` (anything else) whose text
//! starts with the record and the path of the field at fault (`response.tls: ...`).
//!
//! Written here, because they are not a copy of a record:
//!
//! * [`hook`]: a hook dict names its case under `kind` (a WIT case name, `relation-changed`)
//!   beside the payload's fields, where the derive expects `{case: payload}`;
//! * an event's `kind` is the name a charm observes (`resource_created`), which host-rust's
//!   `display` owns, not the enum's serde name;
//! * a rejection's `error` is a `ProtocolError` instance (`errors.rs`), not a record;
//! * the peer and relation-data scopes are two call arguments (a scope string and a unit
//!   name), not a value of the `peer-scope` or `bag` variant;
//! * relation data is `(key, raw, json)` tuples, as the Python repositories unpack them.
//!
//! Nothing here is a protocol decision: values are moved, typed and checked for shape only.

use crate::pyde::De;
use crate::pyser;
use data_interfaces_host::display::{provider_kind, requirer_kind};
use data_interfaces_host::wit::{
    Bag, Hook, PeerConfig, PeerScope, ProviderConfig, ProviderEvent, Rejection, RelationData,
    RelationDataConfig, RelationValue, Request, RequirerConfig, RequirerEvent, Response, Status,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pythonize::PythonizeError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A value of a contract type read from a Python object; `what` names it in errors
/// (`"response"`, `"requirer config"`).
pub fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    serde_path_to_error::deserialize(De::new(obj)).map_err(|err| {
        let at = place(what, err.path());
        python_error(obj.py(), &at, err.into_inner())
    })
}

/// Where in `what` a path leads: `response.tls`, `requirer config.requests[0].entity_type`.
/// A variant's case is left out: the dict that holds the payload names it (a hook's `kind`).
fn place(what: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut at = what.to_owned();
    for segment in path {
        match segment {
            Segment::Seq { index } => at.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                at.push('.');
                at.push_str(key);
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => at.push_str(".?"),
        }
    }
    at
}

/// A value of a contract type as a Python object; `what` names it in errors.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    what: &str,
) -> PyResult<Bound<'py, PyAny>> {
    pyser::to_py(py, value).map_err(|err| python_error(py, what, err))
}

/// A conversion error as a Python exception whose text starts with `at`: a `TypeError` when
/// the cause is one, else a `ValueError`; the cause is chained.
fn python_error(py: Python<'_>, at: &str, err: PythonizeError) -> PyErr {
    let cause = PyErr::from(err);
    let text = cause
        .value(py)
        .str()
        .map(|text| text.to_string())
        .unwrap_or_else(|_| "an unprintable error".to_owned());
    let message = format!("{at}: {text}");
    let error = if cause.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(message)
    } else {
        PyValueError::new_err(message)
    };
    error.set_cause(py, Some(cause));
    error
}

/// A response dict to a [`Response`]. The optional `cleared` is a list of wire keys
/// (`"password"`, `"endpoints"`, an extra field's key) of the fields the charm set to `None`,
/// in the model's field order.
pub fn response(obj: &Bound<'_, PyAny>) -> PyResult<Response> {
    from_py(obj, "response")
}

/// A list of response dicts to [`Response`]s.
pub fn responses(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Response>> {
    from_py(obj, "responses")
}

/// A status dict (`code`, `message`, `resolution`) to a [`Status`].
pub fn status(obj: &Bound<'_, PyAny>) -> PyResult<Status> {
    from_py(obj, "relation status")
}

/// Requests as a list of dicts.
pub fn requests<'py>(py: Python<'py>, requests: &[Request]) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, requests, "requests")
}

/// Responses as a list of dicts.
pub fn responses_to_py<'py>(
    py: Python<'py>,
    responses: &[Response],
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, responses, "responses")
}

/// Statuses as a list of dicts.
pub fn statuses<'py>(py: Python<'py>, statuses: &[Status]) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, statuses, "statuses")
}

/// A requirer config dict to a [`RequirerConfig`].
pub fn requirer_config(obj: &Bound<'_, PyAny>) -> PyResult<RequirerConfig> {
    from_py(obj, "requirer config")
}

/// A provider config dict to a [`ProviderConfig`].
pub fn provider_config(obj: &Bound<'_, PyAny>) -> PyResult<ProviderConfig> {
    from_py(obj, "provider config")
}

/// A peer config dict (`endpoint`, `fields`) to a [`PeerConfig`].
pub fn peer_config(obj: &Bound<'_, PyAny>) -> PyResult<PeerConfig> {
    from_py(obj, "peer config")
}

/// A relation-data config dict (`endpoint`, `fields`, `short_uuid`, `secret_uris`: a dict of
/// group to URI) to a [`RelationDataConfig`].
pub fn relation_data_config(obj: &Bound<'_, PyAny>) -> PyResult<RelationDataConfig> {
    from_py(obj, "relation-data config")
}

/// A hook dict to a [`Hook`]: its case under `kind`, by its WIT name (`relation-changed`),
/// beside the fields of the case's payload.
pub fn hook(dict: &Bound<'_, PyDict>) -> PyResult<Hook> {
    const WHAT: &str = "hook";
    let kind: String = match dict.get_item("kind")? {
        Some(kind) => from_py(&kind, "hook.kind")?,
        None => return Err(PyValueError::new_err("hook: missing field `kind`")),
    };
    let cases = data_interfaces_host::shape::cases::<Hook>().unwrap_or_default();
    let Some(case) = cases.iter().find(|case| wit_name(case) == kind) else {
        let known: Vec<String> = cases.iter().map(|case| wit_name(case)).collect();
        return Err(PyValueError::new_err(format!(
            "{WHAT}: unknown kind {kind:?} (expected {})",
            known.join(", ")
        )));
    };
    let tagged = PyDict::new(dict.py());
    tagged.set_item(*case, dict)?;
    from_py(&tagged, WHAT)
}

/// The WIT name of a case from its Rust name: `RelationChanged` -> `relation-changed`.
fn wit_name(rust: &str) -> String {
    let mut out = String::with_capacity(rust.len() + 4);
    for (i, c) in rust.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Requirer events as a list of dicts, each `kind` the name a charm observes.
pub fn requirer_events<'py>(
    py: Python<'py>,
    events: &[RequirerEvent],
) -> PyResult<Bound<'py, PyAny>> {
    let list = to_py(py, events, "requirer events")?;
    for (item, event) in list.try_iter()?.zip(events) {
        item?.set_item("kind", requirer_kind(event.kind))?;
    }
    Ok(list)
}

/// Provider events as a list of dicts, each `kind` the name a charm observes.
pub fn provider_events<'py>(
    py: Python<'py>,
    events: &[ProviderEvent],
) -> PyResult<Bound<'py, PyAny>> {
    let list = to_py(py, events, "provider events")?;
    for (item, event) in list.try_iter()?.zip(events) {
        item?.set_item("kind", provider_kind(event.kind))?;
    }
    Ok(list)
}

/// Rejections as a list of dicts (`relation_id`, `request_id`, `alias`: the relation's alias
/// on an aliased requirer relation, else `None`), each `error` a `ProtocolError` instance with
/// its structured attributes.
pub fn rejections<'py>(py: Python<'py>, rejections: &[Rejection]) -> PyResult<Bound<'py, PyAny>> {
    let list = to_py(py, rejections, "rejections")?;
    for (item, rejection) in list.try_iter()?.zip(rejections) {
        let error = crate::errors::protocol_error(py, &rejection.error)?;
        item?.set_item("error", error.value(py))?;
    }
    Ok(list)
}

/// A peer scope: `"app"`, `"unit"`, or `"other-unit"` with the other unit's name.
pub fn peer_scope(scope: &str, unit: Option<String>) -> PyResult<PeerScope> {
    match (scope, unit) {
        ("app", None) => Ok(PeerScope::App),
        ("unit", None) => Ok(PeerScope::Unit),
        ("other-unit", Some(unit)) => Ok(PeerScope::OtherUnit(unit)),
        ("other-unit", None) => Err(PyValueError::new_err(
            "peer scope \"other-unit\" needs the unit's name",
        )),
        ("app" | "unit", Some(_)) => Err(PyValueError::new_err(format!(
            "peer scope {scope:?} takes no unit name"
        ))),
        _ => Err(PyValueError::new_err(format!(
            "peer scope must be \"app\", \"unit\" or \"other-unit\", not {scope:?}"
        ))),
    }
}

/// Values to write: an iterable of `(key, text or None)` pairs.
pub fn peer_values(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Option<String>)>> {
    from_py(obj, "values")
}

/// A relation-data scope: `"local-app"`, `"local-unit"`, `"remote-app"`, or `"remote-unit"`
/// with the remote unit's name.
pub fn relation_scope(scope: &str, unit: Option<String>) -> PyResult<Bag> {
    match (scope, unit) {
        ("local-app", None) => Ok(Bag::LocalApp),
        ("local-unit", None) => Ok(Bag::LocalUnit),
        ("remote-app", None) => Ok(Bag::RemoteApp),
        ("remote-unit", Some(unit)) => Ok(Bag::RemoteUnit(unit)),
        ("remote-unit", None) => Err(PyValueError::new_err(
            "relation scope \"remote-unit\" needs the unit's name",
        )),
        _ => Err(PyValueError::new_err(format!(
            "relation scope must be \"local-app\", \"local-unit\", \"remote-app\" or \"remote-unit\" (with a unit), not {scope:?}"
        ))),
    }
}

/// Relation data as a dict: `{"bag": [(key, raw, json)], "secrets": [(key, raw, json)]}`.
pub fn relation_data_to_dict<'py>(
    py: Python<'py>,
    data: &RelationData,
) -> PyResult<Bound<'py, PyDict>> {
    let triples = |values: &[RelationValue]| -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for value in values {
            list.append((value.key.as_str(), value.raw.as_str(), value.json.as_str()))?;
        }
        Ok(list)
    };
    let d = PyDict::new(py);
    d.set_item("bag", triples(&data.bag)?)?;
    d.set_item("secrets", triples(&data.secrets)?)?;
    Ok(d)
}

/// Key/value pairs from a dict, or from an iterable of pairs.
pub fn entries(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<(String, String)>> {
    from_py(obj, what)
}

/// Key/value pairs to a dict.
pub fn entries_to_dict<'py>(
    py: Python<'py>,
    entries: &[(String, String)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in entries {
        dict.set_item(key, value)?;
    }
    Ok(dict)
}

/// The field names of the contract's `request` or `response` record (by its WIT name), in the
/// WIT's order, as the dicts key them; read from the record's serde derive.
pub fn record_fields(record: &str) -> PyResult<&'static [&'static str]> {
    let fields = match record {
        "request" => data_interfaces_host::shape::record_fields::<Request>(),
        "response" => data_interfaces_host::shape::record_fields::<Response>(),
        _ => None,
    };
    fields.ok_or_else(|| {
        PyValueError::new_err(format!(
            "record_fields knows the records \"request\" and \"response\", not {record:?}"
        ))
    })
}
