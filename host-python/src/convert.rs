//! Python dicts <-> the contract's records.
//!
//! Dict keys are the WIT field names with underscores (`request_id`, `secret_user`, ...).
//! Nothing here is a protocol decision: values are moved, typed and checked for shape only.
//! A missing key, or `None`, stands for an absent optional field; a wrong type raises
//! `TypeError`/`ValueError` naming the field.

use data_interfaces_host::display::{provider_kind, requirer_kind};
use data_interfaces_host::wit::{
    Bag, EntityPermission, EntityType, FieldSpec, Hook, PeerConfig, PeerScope, ProviderConfig,
    ProviderEvent, Rejection, RelationData, RelationDataConfig, RelationEvent, RelationValue,
    Request, RequirerConfig, RequirerEvent, Response, SecretEvent, Status,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// A field of a dict that must be present and not `None`.
fn required<'py, T>(dict: &Bound<'py, PyDict>, what: &str, key: &str) -> PyResult<T>
where
    T: for<'a> FromPyObject<'a, 'py>,
{
    match dict.get_item(key)? {
        Some(value) if !value.is_none() => extract(&value, what, key),
        _ => Err(PyValueError::new_err(format!(
            "{what}: missing field {key:?}"
        ))),
    }
}

/// A field of a dict that may be absent or `None`.
fn optional<'py, T>(dict: &Bound<'py, PyDict>, what: &str, key: &str) -> PyResult<Option<T>>
where
    T: for<'a> FromPyObject<'a, 'py>,
{
    match dict.get_item(key)? {
        Some(value) if !value.is_none() => extract(&value, what, key).map(Some),
        _ => Ok(None),
    }
}

/// A field with a default when absent or `None`.
fn or_default<'py, T>(dict: &Bound<'py, PyDict>, what: &str, key: &str) -> PyResult<T>
where
    T: for<'a> FromPyObject<'a, 'py> + Default,
{
    Ok(optional(dict, what, key)?.unwrap_or_default())
}

fn extract<'py, T>(value: &Bound<'py, PyAny>, what: &str, key: &str) -> PyResult<T>
where
    T: for<'a> FromPyObject<'a, 'py>,
{
    value.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        PyTypeError::new_err(format!("{what}: field {key:?}: {e}"))
    })
}

/// A list of dicts, each converted by `f`.
fn dicts<'py, T>(
    dict: &Bound<'py, PyDict>,
    what: &str,
    key: &str,
    f: impl Fn(&Bound<'py, PyDict>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    let Some(value) = dict.get_item(key)? else {
        return Ok(Vec::new());
    };
    if value.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let item = item.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!("{what}: every element of {key:?} must be a dict"))
        })?;
        out.push(f(item)?);
    }
    Ok(out)
}

/// `extra`: a dict `{wire-key: JSON text}` or a list of pairs.
fn extra(dict: &Bound<'_, PyDict>, what: &str) -> PyResult<Vec<(String, String)>> {
    let Some(value) = dict.get_item("extra")? else {
        return Ok(Vec::new());
    };
    if value.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(map) = value.cast::<PyDict>() {
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map.iter() {
            out.push((extract(&k, what, "extra")?, extract(&v, what, "extra")?));
        }
        return Ok(out);
    }
    extract(&value, what, "extra")
}

/// An optional list of strings (any iterable of `str`, not a `str` itself), in its order.
fn string_list(dict: &Bound<'_, PyDict>, what: &str, key: &str) -> PyResult<Vec<String>> {
    let Some(value) = dict.get_item(key)? else {
        return Ok(Vec::new());
    };
    if value.is_none() {
        return Ok(Vec::new());
    }
    if value.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: field {key:?} must be a list of strings, not a string"
        )));
    }
    let mut out = Vec::new();
    for item in value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{what}: field {key:?} must be a list of strings"))
    })? {
        out.push(extract(&item?, what, key)?);
    }
    Ok(out)
}

fn extra_to_dict<'py>(py: Python<'py>, extra: &[(String, String)]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in extra {
        dict.set_item(k, v)?;
    }
    Ok(dict)
}

fn entity_type(value: Option<String>) -> PyResult<Option<EntityType>> {
    match value.as_deref() {
        None => Ok(None),
        Some("USER") => Ok(Some(EntityType::User)),
        Some("GROUP") => Ok(Some(EntityType::Group)),
        Some(other) => Err(PyValueError::new_err(format!(
            "entity_type must be \"USER\", \"GROUP\" or None, not {other:?}"
        ))),
    }
}

fn entity_type_name(value: Option<EntityType>) -> Option<&'static str> {
    value.map(|t| match t {
        EntityType::User => "USER",
        EntityType::Group => "GROUP",
    })
}

fn entity_permission(dict: &Bound<'_, PyDict>) -> PyResult<EntityPermission> {
    const WHAT: &str = "entity permission";
    Ok(EntityPermission {
        resource_name: required(dict, WHAT, "resource_name")?,
        resource_type: required(dict, WHAT, "resource_type")?,
        privileges: or_default(dict, WHAT, "privileges")?,
    })
}

/// A request dict to a [`Request`].
pub fn request(dict: &Bound<'_, PyDict>) -> PyResult<Request> {
    const WHAT: &str = "request";
    let entity_permissions = match dict.get_item("entity_permissions")? {
        Some(v) if !v.is_none() => {
            Some(dicts(dict, WHAT, "entity_permissions", entity_permission)?)
        }
        _ => None,
    };
    Ok(Request {
        resource: or_default(dict, WHAT, "resource")?,
        request_id: optional(dict, WHAT, "request_id")?,
        salt: or_default(dict, WHAT, "salt")?,
        extra_user_roles: optional(dict, WHAT, "extra_user_roles")?,
        extra_group_roles: optional(dict, WHAT, "extra_group_roles")?,
        external_node_connectivity: or_default(dict, WHAT, "external_node_connectivity")?,
        entity_type: entity_type(optional(dict, WHAT, "entity_type")?)?,
        entity_permissions,
        secret_mtls: optional(dict, WHAT, "secret_mtls")?,
        mtls_cert: optional(dict, WHAT, "mtls_cert")?,
        secret_requested_entity: optional(dict, WHAT, "secret_requested_entity")?,
        entity_name: optional(dict, WHAT, "entity_name")?,
        entity_password: optional(dict, WHAT, "entity_password")?,
        prefix_matching: optional(dict, WHAT, "prefix_matching")?,
        extra: extra(dict, WHAT)?,
    })
}

/// A [`Request`] to a dict.
pub fn request_to_dict<'py>(py: Python<'py>, r: &Request) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("resource", &r.resource)?;
    d.set_item("request_id", &r.request_id)?;
    d.set_item("salt", &r.salt)?;
    d.set_item("extra_user_roles", &r.extra_user_roles)?;
    d.set_item("extra_group_roles", &r.extra_group_roles)?;
    d.set_item("external_node_connectivity", r.external_node_connectivity)?;
    d.set_item("entity_type", entity_type_name(r.entity_type))?;
    match &r.entity_permissions {
        None => d.set_item("entity_permissions", py.None())?,
        Some(perms) => {
            let list = PyList::empty(py);
            for p in perms {
                let pd = PyDict::new(py);
                pd.set_item("resource_name", &p.resource_name)?;
                pd.set_item("resource_type", &p.resource_type)?;
                pd.set_item("privileges", &p.privileges)?;
                list.append(pd)?;
            }
            d.set_item("entity_permissions", list)?;
        }
    }
    d.set_item("secret_mtls", &r.secret_mtls)?;
    d.set_item("mtls_cert", &r.mtls_cert)?;
    d.set_item("secret_requested_entity", &r.secret_requested_entity)?;
    d.set_item("entity_name", &r.entity_name)?;
    d.set_item("entity_password", &r.entity_password)?;
    d.set_item("prefix_matching", &r.prefix_matching)?;
    d.set_item("extra", extra_to_dict(py, &r.extra)?)?;
    Ok(d)
}

/// A list of response dicts to [`Response`]s.
pub fn responses(items: &Bound<'_, PyAny>) -> PyResult<Vec<Response>> {
    let mut converted = Vec::new();
    for item in items.try_iter()? {
        let item = item?;
        let dict = item
            .cast::<PyDict>()
            .map_err(|_| pyo3::exceptions::PyTypeError::new_err("every response must be a dict"))?;
        converted.push(response(dict)?);
    }
    Ok(converted)
}

/// A response dict to a [`Response`]. The optional `cleared` is a list of wire keys
/// (`"password"`, `"endpoints"`, an extra field's key) of the fields the charm set to `None`,
/// in the model's field order.
pub fn response(dict: &Bound<'_, PyDict>) -> PyResult<Response> {
    const WHAT: &str = "response";
    Ok(Response {
        resource: or_default(dict, WHAT, "resource")?,
        request_id: optional(dict, WHAT, "request_id")?,
        salt: or_default(dict, WHAT, "salt")?,
        endpoints: optional(dict, WHAT, "endpoints")?,
        read_only_endpoints: optional(dict, WHAT, "read_only_endpoints")?,
        secret_user: optional(dict, WHAT, "secret_user")?,
        secret_tls: optional(dict, WHAT, "secret_tls")?,
        secret_extra: optional(dict, WHAT, "secret_extra")?,
        secret_entity: optional(dict, WHAT, "secret_entity")?,
        username: optional(dict, WHAT, "username")?,
        password: optional(dict, WHAT, "password")?,
        uris: optional(dict, WHAT, "uris")?,
        read_only_uris: optional(dict, WHAT, "read_only_uris")?,
        tls: optional(dict, WHAT, "tls")?,
        tls_ca: optional(dict, WHAT, "tls_ca")?,
        entity_name: optional(dict, WHAT, "entity_name")?,
        entity_password: optional(dict, WHAT, "entity_password")?,
        version: optional(dict, WHAT, "version")?,
        prefix_resources: optional(dict, WHAT, "prefix_resources")?,
        extra: extra(dict, WHAT)?,
        cleared: string_list(dict, WHAT, "cleared")?,
    })
}

/// A [`Response`] to a dict.
pub fn response_to_dict<'py>(py: Python<'py>, r: &Response) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("resource", &r.resource)?;
    d.set_item("request_id", &r.request_id)?;
    d.set_item("salt", &r.salt)?;
    d.set_item("endpoints", &r.endpoints)?;
    d.set_item("read_only_endpoints", &r.read_only_endpoints)?;
    d.set_item("secret_user", &r.secret_user)?;
    d.set_item("secret_tls", &r.secret_tls)?;
    d.set_item("secret_extra", &r.secret_extra)?;
    d.set_item("secret_entity", &r.secret_entity)?;
    d.set_item("username", &r.username)?;
    d.set_item("password", &r.password)?;
    d.set_item("uris", &r.uris)?;
    d.set_item("read_only_uris", &r.read_only_uris)?;
    d.set_item("tls", r.tls)?;
    d.set_item("tls_ca", &r.tls_ca)?;
    d.set_item("entity_name", &r.entity_name)?;
    d.set_item("entity_password", &r.entity_password)?;
    d.set_item("version", &r.version)?;
    d.set_item("prefix_resources", &r.prefix_resources)?;
    d.set_item("extra", extra_to_dict(py, &r.extra)?)?;
    Ok(d)
}

/// A status dict to a [`Status`].
pub fn status(dict: &Bound<'_, PyDict>) -> PyResult<Status> {
    const WHAT: &str = "status";
    Ok(Status {
        code: required(dict, WHAT, "code")?,
        message: or_default(dict, WHAT, "message")?,
        resolution: or_default(dict, WHAT, "resolution")?,
    })
}

pub fn status_to_dict<'py>(py: Python<'py>, s: &Status) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", s.code)?;
    d.set_item("message", &s.message)?;
    d.set_item("resolution", &s.resolution)?;
    Ok(d)
}

fn field_spec(dict: &Bound<'_, PyDict>) -> PyResult<FieldSpec> {
    const WHAT: &str = "field spec";
    Ok(FieldSpec {
        key: required(dict, WHAT, "key")?,
        secret_group: optional(dict, WHAT, "secret_group")?,
    })
}

/// A requirer config dict to a [`RequirerConfig`].
pub fn requirer_config(dict: &Bound<'_, PyDict>) -> PyResult<RequirerConfig> {
    const WHAT: &str = "requirer config";
    Ok(RequirerConfig {
        endpoint: required(dict, WHAT, "endpoint")?,
        requests: dicts(dict, WHAT, "requests", request)?,
        request_fields: dicts(dict, WHAT, "request_fields", field_spec)?,
        response_fields: dicts(dict, WHAT, "response_fields", field_spec)?,
        relation_aliases: or_default(dict, WHAT, "relation_aliases")?,
    })
}

/// A provider config dict to a [`ProviderConfig`].
pub fn provider_config(dict: &Bound<'_, PyDict>) -> PyResult<ProviderConfig> {
    const WHAT: &str = "provider config";
    Ok(ProviderConfig {
        endpoint: required(dict, WHAT, "endpoint")?,
        request_fields: dicts(dict, WHAT, "request_fields", field_spec)?,
        response_fields: dicts(dict, WHAT, "response_fields", field_spec)?,
        mtls_enabled: or_default(dict, WHAT, "mtls_enabled")?,
        bulk_event: or_default(dict, WHAT, "bulk_event")?,
        status_schema: dicts(dict, WHAT, "status_schema", status)?,
        resource_aliases: or_default(dict, WHAT, "resource_aliases")?,
    })
}

/// A hook dict to a [`Hook`].
/// A peer config: `{endpoint, fields}` (`fields`: field specs).
pub fn peer_config(dict: &Bound<'_, PyDict>) -> PyResult<PeerConfig> {
    const WHAT: &str = "peer config";
    Ok(PeerConfig {
        endpoint: required(dict, WHAT, "endpoint")?,
        fields: dicts(dict, WHAT, "fields", field_spec)?,
    })
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

/// Peer values to write: an iterable of `(key, JSON text or None)` pairs.
pub fn peer_values(value: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Option<String>)>> {
    let mut values = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let (key, text): (String, Option<String>) = item.extract().map_err(|_| {
            PyTypeError::new_err("peer values must be (key, JSON text or None) pairs")
        })?;
        values.push((key, text));
    }
    Ok(values)
}

/// A relation-data config: `{endpoint, fields, short_uuid, secret_uris}` (`secret_uris` a
/// dict of group to URI).
pub fn relation_data_config(dict: &Bound<'_, PyDict>) -> PyResult<RelationDataConfig> {
    const WHAT: &str = "relation-data config";
    let uris: std::collections::BTreeMap<String, String> =
        optional(dict, WHAT, "secret_uris")?.unwrap_or_default();
    Ok(RelationDataConfig {
        endpoint: required(dict, WHAT, "endpoint")?,
        fields: dicts(dict, WHAT, "fields", field_spec)?,
        short_uuid: optional(dict, WHAT, "short_uuid")?,
        secret_uris: uris.into_iter().collect(),
    })
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

pub fn hook(dict: &Bound<'_, PyDict>) -> PyResult<Hook> {
    const WHAT: &str = "hook";
    let kind: String = required(dict, WHAT, "kind")?;
    let relation = || -> PyResult<RelationEvent> {
        Ok(RelationEvent {
            relation_id: required(dict, WHAT, "relation_id")?,
            app: optional(dict, WHAT, "app")?,
            unit: optional(dict, WHAT, "unit")?,
        })
    };
    let secret = || -> PyResult<SecretEvent> {
        Ok(SecretEvent {
            id: required(dict, WHAT, "id")?,
            label: optional(dict, WHAT, "label")?,
            revision: optional(dict, WHAT, "revision")?,
        })
    };
    Ok(match kind.as_str() {
        "relation-created" => Hook::RelationCreated(relation()?),
        "relation-changed" => Hook::RelationChanged(relation()?),
        "relation-broken" => Hook::RelationBroken(relation()?),
        "secret-changed" => Hook::SecretChanged(secret()?),
        "secret-remove" => Hook::SecretRemove(secret()?),
        other => {
            return Err(PyValueError::new_err(format!(
                "hook: unknown kind {other:?} (expected relation-created, relation-changed, \
                 relation-broken, secret-changed or secret-remove)"
            )))
        }
    })
}

/// A [`RequirerEvent`] to a dict.
pub fn requirer_event<'py>(py: Python<'py>, e: &RequirerEvent) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", requirer_kind(e.kind))?;
    d.set_item("relation_id", e.relation_id)?;
    d.set_item("app", &e.app)?;
    d.set_item("unit", &e.unit)?;
    d.set_item("alias", &e.alias)?;
    match &e.response {
        Some(r) => d.set_item("response", response_to_dict(py, r)?)?,
        None => d.set_item("response", py.None())?,
    }
    match &e.status {
        Some(s) => d.set_item("status", status_to_dict(py, s)?)?,
        None => d.set_item("status", py.None())?,
    }
    let active = PyList::empty(py);
    for status in &e.active_statuses {
        active.append(status_to_dict(py, status)?)?;
    }
    d.set_item("active_statuses", active)?;
    Ok(d)
}

/// A [`ProviderEvent`] to a dict.
pub fn provider_event<'py>(py: Python<'py>, e: &ProviderEvent) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", provider_kind(e.kind))?;
    d.set_item("relation_id", e.relation_id)?;
    d.set_item("app", &e.app)?;
    d.set_item("unit", &e.unit)?;
    let requests = PyList::empty(py);
    for r in &e.requests {
        requests.append(request_to_dict(py, r)?)?;
    }
    d.set_item("requests", requests)?;
    d.set_item("old_mtls_cert", &e.old_mtls_cert)?;
    Ok(d)
}

/// Key/value pairs from a dict, or from a list of pairs.
pub fn entries(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<(String, String)>> {
    if let Ok(map) = value.cast::<PyDict>() {
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map.iter() {
            out.push((extract(&k, what, "key")?, extract(&v, what, "value")?));
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let pair = item
            .cast::<PyTuple>()
            .map_err(|_| PyTypeError::new_err(format!("{what}: expected (key, value) tuples")))?;
        out.push(
            pair.extract::<(String, String)>()
                .map_err(|e| PyTypeError::new_err(format!("{what}: {e}")))?,
        );
    }
    Ok(out)
}

/// Key/value pairs to a dict.
pub fn entries_to_dict<'py>(
    py: Python<'py>,
    entries: &[(String, String)],
) -> PyResult<Bound<'py, PyDict>> {
    extra_to_dict(py, entries)
}

/// Rejections to a list of dicts: `relation_id`, `request_id`, `alias` (the relation's alias on
/// an aliased requirer relation, else `None`) and `error` (a `ProtocolError` instance, with its
/// structured attributes).
pub fn rejections<'py>(py: Python<'py>, rejections: &[Rejection]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for rejection in rejections {
        let dict = PyDict::new(py);
        dict.set_item("relation_id", rejection.relation_id)?;
        dict.set_item("request_id", rejection.request_id.as_deref())?;
        dict.set_item("alias", rejection.alias.as_deref())?;
        dict.set_item(
            "error",
            crate::errors::protocol_error(py, &rejection.error)?.value(py),
        )?;
        list.append(dict)?;
    }
    Ok(list)
}
