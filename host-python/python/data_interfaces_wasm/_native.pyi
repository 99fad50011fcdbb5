"""The native module: the protocol component under wasmtime (see ``host-python/src``).

Dict keys are the contract's (WIT) field names with underscores. A request dict has
``resource, request_id, salt, extra_user_roles, extra_group_roles, external_node_connectivity,
entity_type ("USER" | "GROUP" | None), entity_permissions (list of {resource_name,
resource_type, privileges} or None), secret_mtls, mtls_cert, secret_requested_entity,
entity_name, entity_password, prefix_matching, extra ({wire-key: JSON text})``; a response
dict has ``resource, request_id, salt, endpoints, read_only_endpoints, secret_user, secret_tls,
secret_extra, secret_entity, username, password, uris, read_only_uris, tls (bool | None),
tls_ca, entity_name, entity_password, version, prefix_resources, extra``, and, in the
responses a charm writes, an optional ``cleared`` (list of the wire keys of the fields the
charm set to ``None``).

A hook dict is ``{"kind": "relation-created" | "relation-changed" | "relation-broken",
"relation_id", "app", "unit"}`` or ``{"kind": "secret-changed" | "secret-remove", "id",
"label", "revision"}``. A requirer config is ``{endpoint, requests, request_fields,
response_fields, relation_aliases}``; a provider config is ``{endpoint, request_fields,
response_fields, mtls_enabled, bulk_event, status_schema, resource_aliases}``; a field spec is
``{key, secret_group}``, a status ``{code, message, resolution}``. A peer config is
``{endpoint, fields}`` (field specs); a peer scope is ``"app"``, ``"unit"`` or
``"other-unit"`` (with ``unit``, the other unit's name).

Requirer events come back as ``{kind, relation_id, app, unit, alias, response, status}`` and
provider events as ``{kind, relation_id, app, unit, requests, old_mtls_cert}``, ``kind`` being
the ops event name (``resource_created``, ``resource_requested``, ...).

The backend object implements ``relations(endpoint)``, ``read(relation_id, bag, unit)``,
``apply(relation_id, bag, unit, set, delete)``, ``is_leader()``, ``local_app()``,
``local_unit()``, ``model_uuid()``, ``secret_add(owner, label, content)``,
``secret_get(id, label, refresh)``, ``secret_owned(id)``, ``secret_set_content(id, content)``,
``secret_grant(id, relation_id)``, ``secret_remove(id)``,
``secret_remove_revision(id, revision)`` and ``log(level, message)``; see
``data_interfaces_wasm._ops_backend.OpsBackend``.
"""

import os
import pathlib
from typing import Any, Literal

class Runtime:
    """The protocol component, loaded; one per process, used from the thread that made it."""

    def __init__(self, cache_dir: str | None = None, precompiled_dir: str | None = None) -> None:
        """Load the component: from the portable artifact in ``precompiled_dir`` when wasmtime
        accepts it, else through the cache (``None``: the default cache directory, ``""``: no
        cache)."""
    @property
    def load_source(self) -> Literal["precompiled", "cache", "compiled-and-cached", "compiled"]:
        """Where the component came from on this load."""
    @property
    def load_time_ms(self) -> float:
        """How long the load took, in milliseconds."""
    def requirer_handle(
        self, backend: object, config: dict[str, Any], hook: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Handle a hook on the requirer side; the events to emit and the rejected responses
        (``relation_id``, ``request_id``, ``alias``: the relation's alias or ``None``,
        ``error``: a :class:`ProtocolError`)."""
    def requirer_responses(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> list[dict[str, Any]]:
        """The responses on a relation, with their secret fields filled in."""
    def requirer_is_resource_created(
        self, backend: object, config: dict[str, Any], relation_id: int, request_id: str
    ) -> bool:
        """Whether the response to a request carries credentials."""
    def provider_handle(
        self, backend: object, config: dict[str, Any], hook: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Handle a hook on the provider side; the events to emit and the rejected requests
        (``relation_id``, ``request_id``, ``alias``: always ``None``, ``error``: a
        :class:`ProtocolError`)."""
    def provider_set_response(
        self, backend: object, config: dict[str, Any], relation_id: int, response: dict[str, Any]
    ) -> None:
        """Write (or merge) a response on a relation."""
    def provider_set_response_each(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        responses: list[dict[str, Any]],
    ) -> None:
        """Write responses as ``provider_set_response`` once for each, in one read and write."""
    def provider_set_responses(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        responses: list[dict[str, Any]],
    ) -> None:
        """Write several responses on a relation at once."""
    def provider_requests(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> list[dict[str, Any]]:
        """The requests on a relation."""
    def provider_responses(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> list[dict[str, Any]]:
        """The provider's own responses on a relation, secret fields filled from its secrets."""
    def peer_read(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["app", "unit", "other-unit"],
        unit: str | None = None,
    ) -> list[tuple[str, str]]:
        """A peer scope's data as ``(wire key, JSON text)`` pairs (declared fields first)."""
    def peer_write(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["app", "unit", "other-unit"],
        values: list[tuple[str, str | None]],
        unit: str | None = None,
    ) -> None:
        """Set (JSON text) or delete (``None``) peer fields of a scope."""
    def peer_delete(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["app", "unit", "other-unit"],
        keys: list[str],
        unit: str | None = None,
    ) -> None:
        """Delete peer fields of a scope, by wire key."""
    def relation_data_read(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["local-app", "local-unit", "remote-app", "remote-unit"],
        unit: str | None = None,
    ) -> dict[str, list[tuple[str, str, str]]]:
        """A relation bag and its declared secret fields: ``{"bag": [...], "secrets": [...]}``,
        each ``(key, raw string, JSON text)``."""
    def relation_data_write(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["local-app", "local-unit", "remote-app", "remote-unit"],
        values: list[tuple[str, str | None]],
        unit: str | None = None,
    ) -> None:
        """Set (a string) or delete (``None``) keys of a relation's local bag."""
    def relation_data_delete(
        self,
        backend: object,
        config: dict[str, Any],
        relation_id: int,
        scope: Literal["local-app", "local-unit", "remote-app", "remote-unit"],
        keys: list[str],
        unit: str | None = None,
    ) -> None:
        """Delete keys of a relation's local bag."""
    def requirer_are_all_resources_created(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> bool:
        """Whether every response with a request id carries credentials (true with none)."""
    def requirer_relation_alias(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> str | None:
        """The alias this unit's bag records for a relation (``None``: none, or no relation)."""
    def requirer_assign_alias(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> str | None:
        """Give a relation an alias as relation-created does, and return it (``None`` without
        aliases, for an unknown relation, or when every alias is taken)."""
    def requirer_statuses(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> list[dict[str, Any]]:
        """The statuses the provider raises on a relation, as the requirer sees them."""
    def provider_raise_status(
        self, backend: object, config: dict[str, Any], relation_id: int, status: dict[str, Any]
    ) -> None:
        """Raise a status (``{code, message, resolution}``) on a relation."""
    def provider_raise_status_code(
        self, backend: object, config: dict[str, Any], relation_id: int, code: int
    ) -> None:
        """Raise the status the status schema defines for a code."""
    def provider_resolve_status(
        self, backend: object, config: dict[str, Any], relation_id: int, code: int
    ) -> None:
        """Resolve a raised status."""
    def provider_clear_statuses(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> None:
        """Clear every status of a relation."""
    def provider_statuses(
        self, backend: object, config: dict[str, Any], relation_id: int
    ) -> list[dict[str, Any]]:
        """The statuses raised on a relation."""
    def gen_salt(self) -> str:
        """A fresh salt."""
    def gen_hash(self, resource: str, salt: str) -> str:
        """The request id of a resource and a salt."""
    def relation_secret_label(
        self, endpoint: str, relation_id: int, short_uuid: str | None, group: str
    ) -> str:
        """A relation secret's label: ``{endpoint}.{relation_id}.{short_uuid}.{group}.secret``,
        without the short uuid when it is ``None`` or empty."""
    def peer_secret_label(
        self, backend: object, endpoint: str, scope: Literal["app", "unit"], group: str
    ) -> str:
        """A peer secret's label: ``{endpoint}.{local app}.{scope}``, then ``.{group}`` unless
        the group is ``extra``."""
    def is_cross_model(self, backend: object, endpoint: str, relation_id: int) -> bool:
        """Whether a relation of the endpoint crosses models (``missing-relation`` if unknown)."""
    def compute_diff(
        self,
        backend: object,
        endpoint: str,
        relation_id: int,
        cache_bag: Literal["local-app", "local-unit"],
        new_data: list[tuple[str, str]],
        short_uuid: str | None,
        store: bool,
    ) -> tuple[list[str], list[str], list[str]]:
        """``compute_diff`` of a dumped model (``(key, JSON text)`` pairs) against the cache of
        ``cache_bag`` (provider: ``local-app``, requirer: ``local-unit``), written back with
        ``store``; ``(added, changed, deleted)``."""
    def store_new_data(
        self,
        backend: object,
        cached: str | None,
        new_data: list[tuple[str, str]],
        short_uuid: str | None,
        global_data: list[tuple[str, str]],
        encryption_key: str | None,
    ) -> str:
        """``store_new_data`` as a function of a bag's ``data`` text: the new text, with the
        ``(key, JSON text)`` pairs under ``short_uuid`` (flat when ``None`` or empty), after
        the truthy global data; the caller writes it. ``backend`` needs only ``log``."""
    def resource_aliases(self) -> list[str]:
        """The keys naming a request's resource besides ``resource`` (``RESOURCE_ALIASES``)."""
    def resource_added(
        self,
        added: list[str],
        changed: list[str],
        deleted: list[str],
        extra_aliases: list[str],
    ) -> bool:
        """Whether the diff added ``resource``, a ``RESOURCE_ALIASES`` key or an extra alias."""

class HostError(Exception):
    """Raised by a backend to report a host error to the component."""

    kind: str
    message: str
    def __init__(self, kind: str, message: str = "") -> None: ...

class ProtocolError(ValueError):
    """The component returned an error."""

    kind: str
    relation_id: int | None
    bag: str | None
    key: str | None
    reason: str
    def __init__(
        self,
        message: str,
        kind: str,
        reason: str,
        relation_id: int | None = None,
        bag: str | None = None,
        key: str | None = None,
    ) -> None: ...

class SandboxError(RuntimeError):
    """Out of fuel, over the memory cap, or a trap."""

class LoadError(RuntimeError):
    """The component could not be loaded."""

def precompile(out_dir: str | os.PathLike[str], target: str | None = None) -> pathlib.Path:
    """Precompile the component for the baseline CPU of ``target`` (a target triple, by default
    this machine's architecture on Linux) into ``out_dir``; the artifact's path."""
