"""The native module: the protocol component under wasmtime (see ``host-python/src``).

Records cross as dicts keyed by the contract's (WIT) field names with underscores, converted
by the records' own types: every field is in a dict this module returns; a field a dict given
to it lacks (or sets to ``None``) takes its type's empty value (``None``, ``""``, ``False``,
``[]``) or, for a number, a record or an enum, is a missing field; a wrong one raises
``TypeError`` or ``ValueError`` naming the record and the field (``response.tls: ...``).
Requests and responses are the WIT's ``request`` and ``response`` records: their fields are the
wire fields, whose one source is the WIT (:func:`record_fields` reads them), so they are typed
as :data:`RequestRecord` and :data:`ResponseRecord` here rather than listed a second time. An
``entity_type`` is ``"USER"``, ``"GROUP"`` or ``None``; ``extra`` maps a subclass field's wire
key to its JSON text; ``cleared`` lists the wire keys of the fields a charm set to ``None`` in
a response it writes (empty in those this module returns).

The handlers (:class:`Requirer`, :class:`Provider`, :class:`Peer`, :class:`RelationData`) are
made by the :class:`Runtime` from a configuration, which the component checks then, and hold
one of the component's handler resources for as long as Python keeps them. Each call takes the
:class:`Backend` it runs over.
"""

import os
import pathlib
from typing import Any, Literal, NotRequired, Protocol, TypeAlias, TypedDict

RequestRecord: TypeAlias = dict[str, Any]
"""The WIT ``request`` record (``resource``, ``request_id``, ``salt``, ...)."""
ResponseRecord: TypeAlias = dict[str, Any]
"""The WIT ``response`` record (``resource``, ``request_id``, ``salt``, ``endpoints``, ...)."""

class FieldSpec(TypedDict):
    """A field a model subclass adds: its wire key and secret group (``None``: plain)."""

    key: str
    secret_group: str | None

class StatusRecord(TypedDict):
    """A relation status."""

    code: int
    message: str
    resolution: str

class RequirerConfig(TypedDict):
    """How a requirer handler is configured."""

    endpoint: str
    requests: list[RequestRecord]
    request_fields: NotRequired[list[FieldSpec]]
    response_fields: NotRequired[list[FieldSpec]]
    relation_aliases: NotRequired[list[str]]
    relation_limit: NotRequired[int | None]

class ProviderConfig(TypedDict):
    """How a provider handler is configured (its response fields: one response model's)."""

    endpoint: str
    request_fields: NotRequired[list[FieldSpec]]
    response_fields: NotRequired[list[FieldSpec]]
    mtls_enabled: NotRequired[bool]
    bulk_event: NotRequired[bool]
    status_schema: NotRequired[list[StatusRecord]]
    resource_aliases: NotRequired[list[str]]

class PeerConfig(TypedDict):
    """How a peer relation's data is laid out."""

    endpoint: str
    fields: list[FieldSpec]

class RelationDataConfig(TypedDict):
    """How a relation's data is addressed: secret fields, label short uuid, known URIs."""

    endpoint: str
    fields: list[FieldSpec]
    short_uuid: str | None
    secret_uris: dict[str, str]

class RelationHook(TypedDict):
    """A relation hook."""

    kind: Literal["relation-created", "relation-changed", "relation-broken"]
    relation_id: int
    app: str | None
    unit: str | None

class SecretHook(TypedDict):
    """A secret hook."""

    kind: Literal["secret-changed", "secret-remove"]
    id: str
    label: str | None
    revision: int | None

Hook: TypeAlias = RelationHook | SecretHook

class RequirerEvent(TypedDict):
    """An event for the requirer charm (``kind``: the ops event name)."""

    kind: str
    relation_id: int
    app: str | None
    unit: str | None
    alias: str | None
    response: ResponseRecord | None
    status: StatusRecord | None
    active_statuses: list[StatusRecord]

class ProviderEvent(TypedDict):
    """An event for the provider charm (``kind``: the ops event name)."""

    kind: str
    relation_id: int
    app: str | None
    unit: str | None
    requests: list[RequestRecord]
    old_mtls_cert: str | None

class Rejection(TypedDict):
    """An entry a hook could not handle, while it handled the others."""

    relation_id: int
    request_id: str | None
    alias: str | None
    error: ProtocolError

class RelationInfo(TypedDict):
    """A relation as the local unit sees it (what :meth:`Backend.relations` returns)."""

    id: int
    endpoint: str
    remote_app: str | None
    remote_units: list[str]

class SecretRecord(TypedDict):
    """A secret as :meth:`Backend.secret_get` returns it."""

    id: str
    label: str | None
    content: dict[str, str]

Bag = Literal["local-app", "local-unit", "remote-app", "remote-unit"]
PeerScope = Literal["app", "unit", "other-unit"]

class Backend(Protocol):
    """The world a call runs over (``data_interfaces_wasm._ops_backend.OpsBackend`` is the ops
    one). A method raises :class:`HostError` for a failure the component may handle; any
    other exception aborts the call and reaches the caller unchanged."""

    def relations(self, endpoint: str) -> list[RelationInfo]: ...
    def remote_model_uuid(self, relation_id: int) -> str | None: ...
    def read(self, relation_id: int, bag: Bag, unit: str | None) -> list[tuple[str, str]]: ...
    def apply(
        self,
        relation_id: int,
        bag: Bag,
        unit: str | None,
        set: list[tuple[str, str]],
        delete: list[str],
    ) -> None: ...
    def is_leader(self) -> bool: ...
    def local_app(self) -> str: ...
    def local_unit(self) -> str: ...
    def model_uuid(self) -> str: ...
    def secret_add(
        self, owner: Literal["application", "unit"], label: str | None, content: dict[str, str]
    ) -> str: ...
    def secret_get(
        self, id: str | None, label: str | None, refresh: bool
    ) -> SecretRecord | None: ...
    def secret_owned(self, id: str) -> bool: ...
    def secret_set_content(self, id: str, content: dict[str, str]) -> None: ...
    def secret_grant(self, id: str, relation_id: int) -> None: ...
    def secret_remove(self, id: str) -> None: ...
    def secret_remove_revision(self, id: str, revision: int) -> None: ...
    def log(self, level: Literal["debug", "info", "warning", "error"], message: str) -> None: ...

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
    def requirer(self, config: RequirerConfig) -> Requirer:
        """A requirer handler (an invalid configured request is a :class:`ProtocolError`)."""
    def provider(self, config: ProviderConfig) -> Provider:
        """A provider handler."""
    def peer(self, config: PeerConfig) -> Peer:
        """A peer-data handler."""
    def relation_data(self, config: RelationDataConfig) -> RelationData:
        """A relation-data handler."""
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
        self, backend: Backend, endpoint: str, scope: Literal["app", "unit"], group: str
    ) -> str:
        """A peer secret's label: ``{endpoint}.{local app}.{scope}``, then ``.{group}`` unless
        the group is ``extra``."""
    def is_cross_model(self, backend: Backend, endpoint: str, relation_id: int) -> bool:
        """Whether a relation of the endpoint crosses models (``missing-relation`` if unknown)."""
    def compute_diff(
        self,
        backend: Backend,
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
        backend: Backend,
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

class Requirer:
    """The component's requirer handler of an endpoint, held while Python keeps it."""

    def handle(self, backend: Backend, hook: Hook) -> tuple[list[RequirerEvent], list[Rejection]]:
        """Handle a hook: the events to emit and the rejected responses."""
    def responses(self, backend: Backend, relation_id: int) -> list[ResponseRecord]:
        """The responses on a relation, with their secret fields filled in."""
    def is_resource_created(self, backend: Backend, relation_id: int, request_id: str) -> bool:
        """Whether the response to a request carries credentials."""
    def are_all_resources_created(self, backend: Backend, relation_id: int) -> bool:
        """Whether every response with a request id carries credentials (true with none)."""
    def statuses(self, backend: Backend, relation_id: int) -> list[StatusRecord]:
        """The statuses the provider raises on a relation."""
    def relation_alias(self, backend: Backend, relation_id: int) -> str | None:
        """The alias this unit's bag records for a relation (``None``: none, or no relation)."""
    def assign_alias(self, backend: Backend, relation_id: int) -> str | None:
        """Give a relation an alias as relation-created does, and return it (``None`` without
        aliases, for an unknown relation, or when every alias is taken)."""

class Provider:
    """The component's provider handler of an endpoint, for one response model."""

    def handle(self, backend: Backend, hook: Hook) -> tuple[list[ProviderEvent], list[Rejection]]:
        """Handle a hook: the events to emit and the rejected requests."""
    def set_response(self, backend: Backend, relation_id: int, response: ResponseRecord) -> None:
        """Write (or merge) a response on a relation."""
    def set_response_each(
        self, backend: Backend, relation_id: int, responses: list[ResponseRecord]
    ) -> None:
        """Write responses as ``set_response`` once for each, in one read and write."""
    def set_responses(
        self, backend: Backend, relation_id: int, responses: list[ResponseRecord]
    ) -> None:
        """Write several responses on a relation at once."""
    def requests(self, backend: Backend, relation_id: int) -> list[RequestRecord]:
        """The requests on a relation."""
    def responses(self, backend: Backend, relation_id: int) -> list[ResponseRecord]:
        """The provider's own responses on a relation, secret fields filled from its secrets."""
    def raise_status(self, backend: Backend, relation_id: int, status: StatusRecord) -> None:
        """Raise a status on a relation."""
    def raise_status_code(self, backend: Backend, relation_id: int, code: int) -> None:
        """Raise the status the status schema defines for a code."""
    def resolve_status(self, backend: Backend, relation_id: int, code: int) -> None:
        """Resolve a raised status."""
    def clear_statuses(self, backend: Backend, relation_id: int) -> None:
        """Clear every status of a relation."""
    def statuses(self, backend: Backend, relation_id: int) -> list[StatusRecord]:
        """The statuses raised on a relation."""

class Peer:
    """The component's peer-data handler for a peer model's layout."""

    def read(
        self, backend: Backend, relation_id: int, scope: PeerScope, unit: str | None = None
    ) -> list[tuple[str, str]]:
        """A scope's data as ``(wire key, JSON text)`` pairs (declared fields first)."""
    def write(
        self,
        backend: Backend,
        relation_id: int,
        scope: PeerScope,
        values: list[tuple[str, str | None]],
        unit: str | None = None,
    ) -> None:
        """Set (JSON text) or delete (``None``) fields of a scope."""
    def delete(
        self,
        backend: Backend,
        relation_id: int,
        scope: PeerScope,
        keys: list[str],
        unit: str | None = None,
    ) -> None:
        """Delete fields of a scope, by wire key."""

class RelationData:
    """The component's relation-data handler for an endpoint's secret fields and label."""

    def read(
        self, backend: Backend, relation_id: int, scope: Bag, unit: str | None = None
    ) -> dict[str, list[tuple[str, str, str]]]:
        """A relation bag and its declared secret fields: ``{"bag": [...], "secrets": [...]}``,
        each ``(key, raw string, JSON text)``."""
    def write(
        self,
        backend: Backend,
        relation_id: int,
        scope: Bag,
        values: list[tuple[str, str | None]],
        unit: str | None = None,
    ) -> None:
        """Set (a string) or delete (``None``) keys of a relation's local bag."""
    def delete(
        self,
        backend: Backend,
        relation_id: int,
        scope: Bag,
        keys: list[str],
        unit: str | None = None,
    ) -> None:
        """Delete keys of a relation's local bag."""

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

def record_fields(record: Literal["request", "response"]) -> list[str]:
    """The field names of a contract record, as the dicts key them, in the WIT's order (read
    from the record's type: no component is loaded)."""

def precompile(out_dir: str | os.PathLike[str], target: str | None = None) -> pathlib.Path:
    """Precompile the component for the baseline CPU of ``target`` (a target triple, by default
    this machine's architecture on Linux) into ``out_dir``; the artifact's path."""
