"""The requirer and provider handlers: ops hooks in, protocol component in the middle, events out.

A handler observes its endpoint's relation-created, -changed and -broken hooks and the charm's
secret-changed and secret-remove hooks, hands each to the protocol component (with an ops
backend for databags and secrets), and emits the events the component returns, plain and,
with relation aliases, aliased. Every protocol decision is the component's.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ops import Object, RelationEvent

from ._ops_backend import OpsBackend
from ._runtime import held, runtime
from .errors import SecretError
from .events import (
    REQUIRER_EVENT_TYPES,
    STATUS_FIELD,
    ResourceCreatedEvent,
    ResourceEndpointsChangedEvent,
    ResourceEntityCreatedEvent,
    ResourcePrefixResourcesChangedEvent,
    ResourceProvidesEvents,
    ResourceReadOnlyEndpointsChangedEvent,
    ResourceRequiresEvents,
)
from .models import (
    DataContractV0,
    DataContractV1,
    RelationStatus,
    RequirerCommonModel,
    RequirerDataContractV0,
    RequirerDataContractV1,
    ResourceProviderModel,
)
from .types import OptionalPathLike, RelationStatusDict, SecretGroup
from .utils import gen_hash, get_encoded_dict

if TYPE_CHECKING:
    from ops import Application, CharmBase, EventBase, Relation, Unit
    from ops.charm import SecretChangedEvent, SecretRemoveEvent

    from ._native import Provider, Requirer
    from .diff import Diff
    from .repository import AbstractRepository
    from .repository_interfaces import OpsRelationRepositoryInterface, RepositoryInterface

# The names this module re-exports from the repository and diff modules, as the library's
# handlers module does: loaded on first access, so that a hook that never touches a
# repository does not import them (see _LAZY in the package's __init__).
_ON_DEMAND = {
    "AbstractRepository": "repository",
    "OpsRelationRepository": "repository",
    "OpsRelationRepositoryInterface": "repository_interfaces",
    "RepositoryInterface": "repository_interfaces",
    "build_model": "repository_interfaces",
    "write_model": "repository_interfaces",
    "Diff": "diff",
    "diff": "diff",
    "resource_added": "diff",
    "store_new_data": "diff",
}


def __getattr__(name: str) -> Any:
    module = _ON_DEMAND.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __package__), name)


logger = logging.getLogger(__name__)

TRequirerCommonModel = TypeVar("TRequirerCommonModel", bound=RequirerCommonModel)
TResourceProviderModel = TypeVar("TResourceProviderModel", bound=ResourceProviderModel)

# The names the library's handlers module offers (its own, and those it imports from the rest
# of the package, which charms import from here too).
__all__ = [  # noqa: F822 (the repository and diff names come from __getattr__)
    "STATUS_FIELD",
    "AbstractRepository",
    "DataContractV0",
    "DataContractV1",
    "Diff",
    "EventHandlers",
    "OpsRelationRepository",
    "OpsRelationRepositoryInterface",
    "OptionalPathLike",
    "RelationStatus",
    "RelationStatusDict",
    "RepositoryInterface",
    "RequirerCommonModel",
    "RequirerDataContractV0",
    "RequirerDataContractV1",
    "ResourceCreatedEvent",
    "ResourceEndpointsChangedEvent",
    "ResourceEntityCreatedEvent",
    "ResourcePrefixResourcesChangedEvent",
    "ResourceProviderEventHandler",
    "ResourceProviderModel",
    "ResourceProvidesEvents",
    "ResourceReadOnlyEndpointsChangedEvent",
    "ResourceRequirerEventHandler",
    "ResourceRequiresEvents",
    "SecretError",
    "SecretGroup",
    "TRequirerCommonModel",
    "TResourceProviderModel",
    "build_model",
    "diff",
    "gen_hash",
    "get_encoded_dict",
    "resource_added",
    "store_new_data",
    "write_model",
]


def _relation_hook(kind: str, event: RelationEvent) -> dict[str, Any]:
    return {
        "kind": kind,
        "relation_id": event.relation.id,
        "app": event.app.name if event.app is not None else None,
        "unit": event.unit.name if event.unit is not None else None,
    }


def _secret_hook(kind: str, event: SecretChangedEvent | SecretRemoveEvent) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": event.secret.id or "",
        "label": event.secret.label,
        "revision": getattr(event, "revision", None),
    }


@functools.cache
def _status_code_not_defined() -> type[Exception]:
    """The error of a status code the schema does not define.

    A ``ProtocolError`` (the component's ``invalid-model``) that is also the ``KeyError`` the
    library raises.
    """
    from ._native import ProtocolError

    class StatusCodeNotDefinedError(ProtocolError, KeyError):
        """A status code that the provider's status schema does not define."""

    return StatusCodeNotDefinedError


class EventHandlers(Object):
    """What both handlers share: the hooks they observe and how they call the component.

    Attributes:
        charm: the charm.
        relation_name: the endpoint.
        component: whose bag holds the handler's cache: the application (provider) or this
            unit (requirer).
        interface: the repositories of the endpoint's relations and their models.
    """

    component: Application | Unit
    _interface_model: Any = None

    def __init__(self, charm: CharmBase, relation_name: str, unique_key: str = "") -> None:
        super().__init__(charm, unique_key or relation_name)
        self.charm = charm
        self.relation_name = relation_name
        # The backend of the hook being handled, while its events are emitted (provider).
        self._window: OpsBackend | None = None
        on = charm.on[relation_name]
        self.framework.observe(on.relation_created, self._on_relation_created_event)
        self.framework.observe(on.relation_changed, self._on_relation_changed_event)
        self.framework.observe(on.relation_broken, self._on_relation_broken_event)
        self.framework.observe(charm.on.secret_changed, self._on_secret_changed_event)
        self.framework.observe(charm.on.secret_remove, self._on_secret_remove_event)

    @property
    def interface(self) -> RepositoryInterface:
        """The repositories of the endpoint's relations and their models.

        An :class:`~.repository_interfaces.OpsRelationRepositoryInterface` for the local
        application's bags: the provider's reads requests (its model is the request model),
        the requirer's responses (``DataContractV1[response model]``). Made on first use.
        """
        interface = self.__dict__.get("_interface")
        if interface is None:
            from .repository_interfaces import OpsRelationRepositoryInterface

            interface = OpsRelationRepositoryInterface(
                self.model, self.relation_name, self._interface_model
            )
            self.__dict__["_interface"] = interface
        return interface

    @interface.setter
    def interface(self, interface: RepositoryInterface) -> None:
        self.__dict__["_interface"] = interface

    @property
    def relations(self) -> list[Relation]:
        """The relations of this handler's endpoint."""
        return list(self.model.relations[self.relation_name])

    def get_remote_unit(self, relation: Relation) -> Unit | None:
        """A unit of the relation's other application, if it has any."""
        for unit in relation.units:
            if unit.app != self.charm.app:
                return unit
        return None

    def compute_diff(
        self,
        relation: Relation,
        request: RequirerCommonModel | ResourceProviderModel,
        repository: AbstractRepository | None = None,
        store: bool = True,
    ) -> Diff:
        """The keys of ``request`` added, changed and deleted since this handler cached it.

        The cache is the ``data`` key of :attr:`component`'s bag (the entry of the request id,
        when the request has one); with ``store`` the request's dump replaces it there, as
        the library does. ``repository`` is accepted for compatibility: the protocol component
        finds the relation's encryption key itself.
        """
        new_data = request.model_dump(
            mode="json", exclude={"data"}, exclude_none=True, exclude_defaults=True
        )
        added, changed, deleted = runtime().compute_diff(
            self._backend(relation),
            self.relation_name,
            relation.id,
            "local-app" if self.component == self.charm.app else "local-unit",
            [(key, json.dumps(value)) for key, value in new_data.items()],
            request.request_id or None,
            store,
        )
        from .diff import Diff

        return Diff(set(added), set(changed), set(deleted))

    def _backend(self, relation: Relation | None = None) -> OpsBackend:
        """The backend of the component's next call: the hook's own while one is handled."""
        if self._window is not None:
            self._window.know(relation)
            return self._window
        return OpsBackend(self.model, self.relation_name, relation)

    def _relation(self, relation_id: int, event: EventBase) -> Relation:
        hook_relation = getattr(event, "relation", None)
        if hook_relation is not None and hook_relation.id == relation_id:
            return hook_relation
        relation = self.model.get_relation(self.relation_name, relation_id)
        if relation is None:  # pragma: no cover (the component only names known relations)
            raise ValueError(f"Missing relation {relation_id}.")
        return relation

    def _handle(self, hook: dict[str, Any], event: EventBase) -> None:
        raise NotImplementedError

    def _status_records(self, relation_id: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    def get_statuses(self, relation_id: int) -> dict[int, RelationStatus]:
        """The statuses raised on a relation, by code.

        On the provider, its own (leader only); on the requirer, those the provider raised.

        Raises:
            ProtocolError: ``missing-relation`` for an unknown relation, ``not-leader`` for a
                provider that is not the leader.
        """
        return {r["code"]: RelationStatus(**r) for r in self._status_records(relation_id)}

    def _emit_rejections(
        self, rejections: list[dict[str, Any]], event: EventBase, kind: str
    ) -> None:
        """Emit one rejection event per entry the component rejected (it logged each).

        With the relation's alias (requirer handlers with aliases), ``<alias>_<kind>`` too.
        """
        app = getattr(event, "app", None)
        unit = getattr(event, "unit", None)
        for rejection in rejections:
            names = [kind]
            if rejection.get("alias"):
                names.append(f"{rejection['alias']}_{kind}")
            for name in names:
                getattr(self.on, name).emit(
                    self._relation(rejection["relation_id"], event),
                    app=app,
                    unit=unit,
                    request_id=rejection["request_id"],
                    error=rejection["error"],
                )

    def _on_relation_created_event(self, event: RelationEvent) -> None:
        self._handle(_relation_hook("relation-created", event), event)

    def _on_relation_changed_event(self, event: RelationEvent) -> None:
        self._handle(_relation_hook("relation-changed", event), event)

    def _on_relation_broken_event(self, event: RelationEvent) -> None:
        self._handle(_relation_hook("relation-broken", event), event)

    def _on_secret_changed_event(self, event: SecretChangedEvent) -> None:
        self._handle(_secret_hook("secret-changed", event), event)

    def _on_secret_remove_event(self, event: SecretRemoveEvent) -> None:
        self._handle(_secret_hook("secret-remove", event), event)


class ResourceProviderEventHandler(EventHandlers, Generic[TRequirerCommonModel]):
    """The provider side of the relation (a database, Kafka, ...).

    Args:
        charm: the charm.
        relation_name: the provided endpoint.
        request_model: the request model the requirers use.
        unique_key: a key for this object, if several handlers share an endpoint name.
        mtls_enabled: whether the workload supports mTLS (emit ``mtls_cert_updated``).
        bulk_event: emit one ``bulk_resources_requested`` with all requests (v1 requirers).
        status_schema_path: a JSON file whose ``statuses`` list defines the status codes.
        resource_aliases: extra request keys that count as a resource.

    While the events of one hook are emitted, :meth:`set_response` collects the answers and
    the handler writes them when the last event has been handled (or before any other call of
    this handler), with one component call per relation: answering ``n`` requests one by one
    costs ``O(n)`` instead of ``n`` rewrites of the whole ``requests`` list. The bytes and
    secrets written are those of the calls made in turn; an error of the write (not leader,
    an invalid response) is raised then, from the hook. Every databag write of the hook (the
    requests' cache ``data``, the answers, statuses) reaches Juju at its end, one
    ``relation-set`` per bag; until then the handler's own calls see them, and ops'
    ``relation.data`` does not (a deliberate difference: the library writes ``data`` before
    emitting the events).
    """

    on = ResourceProvidesEvents()  # type: ignore[reportAssignmentType]

    def __init__(
        self,
        charm: CharmBase,
        relation_name: str,
        request_model: type[TRequirerCommonModel],
        unique_key: str = "",
        mtls_enabled: bool = False,
        bulk_event: bool = False,
        status_schema_path: OptionalPathLike = None,
        resource_aliases: list[str] | None = None,
    ) -> None:
        super().__init__(charm, relation_name, unique_key)
        self.component = self.charm.app
        self.request_model = request_model
        self._interface_model = request_model
        self.mtls_enabled = mtls_enabled
        self.bulk_event = bulk_event
        self._resource_aliases = list(resource_aliases or [])
        self._status_schema = self._load_status_schema(status_schema_path)
        # The answers set_response collected while a hook's events are emitted, in call order;
        # None outside that window (set_response then writes at once).
        self._answers: list[tuple[int, type[ResourceProviderModel], dict[str, Any]]] | None = None

    @staticmethod
    def _load_status_schema(path: OptionalPathLike) -> list[dict[str, Any]]:
        if not path:
            return []
        schema_path = Path(path)
        if not schema_path.exists():
            raise FileNotFoundError(f"Can't locate status schema file: {schema_path}")
        content = json.loads(schema_path.read_text())
        return [RelationStatus(**status).model_dump() for status in content.get("statuses", [])]

    def _config(self, response_model: type[ResourceProviderModel] | None = None) -> dict[str, Any]:
        return {
            "endpoint": self.relation_name,
            "request_fields": self.request_model.field_specs(),
            "response_fields": (response_model or ResourceProviderModel).field_specs(),
            "mtls_enabled": self.mtls_enabled,
            "bulk_event": self.bulk_event,
            "status_schema": self._status_schema,
            "resource_aliases": self._resource_aliases,
        }

    def _provider(self, response_model: type[ResourceProviderModel] | None = None) -> Provider:
        """The component's provider handler for a response model."""
        return held(self, self._config(response_model), runtime().provider)

    def _handle(self, hook: dict[str, Any], event: EventBase) -> None:
        relation = getattr(event, "relation", None)
        if self._answers is not None:  # a hook handled while another's events are emitted
            events, rejections = self._provider().handle(self._backend(relation), hook)
            for emitted in events:
                self._emit(emitted, event)
            self._emit_rejections(rejections, event, "request_rejected")
            return
        # One backend for the whole hook: its databag writes (the requests' cache, then the
        # answers) are held and written at the end, one relation-set per bag.
        backend = self._backend(relation)
        backend.hold()
        self._window = backend
        self._answers = []
        try:
            events, rejections = self._provider().handle(backend, hook)
            for emitted in events:
                self._emit(emitted, event)
            self._emit_rejections(rejections, event, "request_rejected")
            self._write_answers()
            backend.flush()
        finally:
            self._answers = None
            self._window = None

    def _write_answers(self) -> None:
        """Write the collected answers: one call per run of the same relation and model."""
        if not self._answers:
            return
        answers, self._answers = self._answers, []
        start = 0
        while start < len(answers):
            relation_id, model, _ = answers[start]
            end = start + 1
            while end < len(answers) and answers[end][:2] == (relation_id, model):
                end += 1
            self._provider(model).set_response_each(
                self._backend(),
                relation_id,
                [record for _, _, record in answers[start:end]],
            )
            start = end

    def _emit(self, emitted: dict[str, Any], event: EventBase) -> None:
        kind = emitted["kind"]
        relation = self._relation(emitted["relation_id"], event)
        app = self.model.get_app(emitted["app"]) if emitted["app"] else None
        unit = self.model.get_unit(emitted["unit"]) if emitted["unit"] else None
        requests = [self.request_model._from_wit(r) for r in emitted["requests"]]
        source = getattr(self.on, kind)
        if kind == "bulk_resources_requested":
            source.emit(relation, app=app, unit=unit, requests=requests)
        elif kind == "mtls_cert_updated":
            source.emit(
                relation,
                app=app,
                unit=unit,
                request=requests[0],
                old_mtls_cert=emitted["old_mtls_cert"],
            )
        else:
            source.emit(relation, app=app, unit=unit, request=requests[0])

    # --- charm-facing API ----------------------------------------------------------------

    def set_response(self, relation_id: int, response: ResourceProviderModel) -> None:
        """Write a response on a relation (merged with the one with the same request id).

        While this handler's events are emitted, the response is written when they have all
        been handled (see the class documentation).
        """
        if self._answers is not None:
            self._answers.append((relation_id, type(response), response._to_wit()))
            return
        self._provider(type(response)).set_response(
            self._backend(), relation_id, response._to_wit()
        )

    def set_responses(self, relation_id: int, responses: list[ResourceProviderModel]) -> None:
        """Write several responses on a relation at once."""
        self._write_answers()
        provider = self._provider(type(responses[0]) if responses else None)
        provider.set_responses(self._backend(), relation_id, [r._to_wit() for r in responses])

    def requests(self, relation: Relation) -> Sequence[TRequirerCommonModel]:
        """The requests on a relation."""
        self._write_answers()
        records = self._provider().requests(self._backend(relation), relation.id)
        return [self.request_model._from_wit(r) for r in records]

    def responses(
        self, relation: Relation, model: type[TResourceProviderModel]
    ) -> list[TResourceProviderModel]:
        """This provider's responses on a relation, read into ``model``.

        The responses written on a v1 relation, or the flat answer of a v0 one, with their
        secret fields filled from this application's own secrets.
        """
        self._write_answers()
        records = self._provider(model).responses(self._backend(relation), relation.id)
        return [model._from_wit(r) for r in records]

    # --- status --------------------------------------------------------------------------

    def raise_status(
        self, relation_id: int, status: RelationStatus | RelationStatusDict | int
    ) -> None:
        """Raise a status on a relation: a code of the status schema, a dict or a status."""
        self._write_answers()
        backend, provider = self._backend(), self._provider()
        if isinstance(status, bool) or not isinstance(status, (int, dict, RelationStatus)):
            raise ValueError(f"Invalid status: {status!r}")
        if isinstance(status, int):
            from ._native import ProtocolError

            try:
                provider.raise_status_code(backend, relation_id, status)
            except ProtocolError as error:
                if error.kind == "invalid-model":  # the only refusal of a code: not defined
                    raise _status_code_not_defined()(
                        str(error), error.kind, error.reason, error.relation_id, None, None
                    ) from error
                raise
            return
        record = status.model_dump() if isinstance(status, RelationStatus) else dict(status)
        provider.raise_status(backend, relation_id, record)

    def resolve_status(self, relation_id: int, status_code: int) -> None:
        """Resolve the status with this code on a relation."""
        self._write_answers()
        self._provider().resolve_status(self._backend(), relation_id, status_code)

    def clear_statuses(self, relation_id: int) -> None:
        """Clear every status raised on a relation."""
        self._write_answers()
        self._provider().clear_statuses(self._backend(), relation_id)

    def _status_records(self, relation_id: int) -> list[dict[str, Any]]:
        self._write_answers()
        return self._provider().statuses(self._backend(), relation_id)


class ResourceRequirerEventHandler(EventHandlers, Generic[TResourceProviderModel]):
    """The requirer side of the relation (an application asking for databases, topics...).

    Args:
        charm: the charm.
        relation_name: the required endpoint.
        requests: the requests to make on every relation of the endpoint.
        response_model: the response model the provider answers with.
        unique_key: a key for this object, if several handlers share an endpoint name.
        relation_aliases: one alias per allowed relation (as many as the endpoint's
            ``limit``); each adds ``<alias>_<event>`` events to this handler.
    """

    on = ResourceRequiresEvents()  # type: ignore[reportAssignmentType]

    def __init__(
        self,
        charm: CharmBase,
        relation_name: str,
        requests: list[RequirerCommonModel],
        response_model: type[TResourceProviderModel] = ResourceProviderModel,  # type: ignore[assignment]
        unique_key: str = "",
        relation_aliases: list[str] | None = None,
    ) -> None:
        super().__init__(charm, relation_name, unique_key)
        self.component = self.charm.unit
        self._requests = list(requests)
        self._response_item = response_model
        self.response_model = DataContractV1[response_model]  # type: ignore[valid-type]
        self._interface_model = self.response_model
        self._request_model = type(requests[0]) if requests else RequirerCommonModel
        self.relation_aliases = list(relation_aliases or [])
        self._relation_limit: int | None = self.charm.meta.requires[relation_name].limit
        if self.relation_aliases:
            self._check_aliases()
            self.on = self._aliased_events(self.relation_aliases)  # type: ignore[misc]

    def _check_aliases(self) -> None:
        """Has the component check the aliases now, as the library does at construction.

        The component refuses aliases that are not as many as the endpoint's relation limit
        (``invalid-model``), raised here as the library's ``ValueError``. Only the aliases are
        given, so that refusal is the only one possible: the requests are checked when the
        handler is first used, as for a handler without aliases.
        """
        from ._native import ProtocolError

        aliases_only = {
            "endpoint": self.relation_name,
            "requests": [],
            "relation_aliases": self.relation_aliases,
            "relation_limit": self._relation_limit,
        }
        try:
            runtime().requirer(aliases_only)
        except ProtocolError as error:
            if error.kind != "invalid-model":
                raise
            raise ValueError(error.reason) from None

    def _aliased_events(self, aliases: list[str]) -> ResourceRequiresEvents:
        """This handler's own events object, with ``<alias>_<event>`` for every event."""
        events_type = type(
            "ResourceRequiresEvents", (ResourceRequiresEvents,), {"__module__": __name__}
        )
        for alias in aliases:
            for name, event_type in REQUIRER_EVENT_TYPES.items():
                events_type.define_event(f"{alias}_{name}", event_type)
        return events_type(self)

    # --- the library's alias helpers (private there too) ---------------------------------

    def _assign_relation_alias(self, relation_id: int) -> None:
        """Give the relation an alias, if it has none (the component picks the first free)."""
        self._requirer().assign_alias(self._backend(), relation_id)

    def _get_relation_alias(self, relation_id: int) -> str | None:
        """The alias this unit's bag records for the relation."""
        return self._requirer().relation_alias(self._backend(), relation_id)

    def _emit_aliased_event(self, event: Any, event_name: str, response: Any) -> None:
        """Emit ``<alias>_<event_name>`` for the event's relation, when it has an alias."""
        alias = self._get_relation_alias(event.relation.id)
        if alias:
            getattr(self.on, f"{alias}_{event_name}").emit(
                event.relation, app=event.app, unit=event.unit, response=response
            )

    def _config(self) -> dict[str, Any]:
        return {
            "endpoint": self.relation_name,
            "requests": [r._to_wit() for r in self._requests],
            "request_fields": self._request_model.field_specs(),
            "response_fields": self._response_item.field_specs(),
            "relation_aliases": self.relation_aliases,
            "relation_limit": self._relation_limit,
        }

    def _requirer(self) -> Requirer:
        """The component's requirer handler for the current requests."""
        return held(self, self._config(), runtime().requirer)

    def _handle(self, hook: dict[str, Any], event: EventBase) -> None:
        relation = getattr(event, "relation", None)
        events, rejections = self._requirer().handle(self._backend(relation), hook)
        for emitted in events:
            self._emit(emitted, event)
        self._emit_rejections(rejections, event, "response_rejected")

    def _emit(self, emitted: dict[str, Any], event: EventBase) -> None:
        kind = emitted["kind"]
        relation = self._relation(emitted["relation_id"], event)
        app = self.model.get_app(emitted["app"]) if emitted["app"] else None
        unit = self.model.get_unit(emitted["unit"]) if emitted["unit"] else None
        names = [kind]
        if emitted["alias"]:
            names.append(f"{emitted['alias']}_{kind}")
        if kind in ("status_raised", "status_resolved"):
            status = RelationStatus(**emitted["status"])
            active = list(
                {r["code"]: RelationStatus(**r) for r in emitted["active_statuses"]}.values()
            )
            for name in names:
                getattr(self.on, name).emit(
                    relation, status=status, app=app, unit=unit, active_statuses=active
                )
            return
        for name in names:
            response = self._response_item._from_wit(emitted["response"])
            getattr(self.on, name).emit(relation, app=app, unit=unit, response=response)

    # --- charm-facing API ----------------------------------------------------------------

    def responses(self, relation_id: int) -> list[TResourceProviderModel]:
        """The responses on a relation, with their secret fields filled in."""
        records = self._requirer().responses(self._backend(), relation_id)
        return [self._response_item._from_wit(r) for r in records]

    def is_resource_created(self, rel_id: int, request_id: str, model: Any = None) -> bool:
        """Whether the response to a request carries credentials.

        ``model`` is accepted for compatibility and ignored.
        """
        return self._requirer().is_resource_created(self._backend(), rel_id, request_id)

    def are_all_resources_created(self, rel_id: int) -> bool:
        """Whether every response on a relation carries credentials (true with none)."""
        return self._requirer().are_all_resources_created(self._backend(), rel_id)

    def is_postgresql_plugin_enabled(self, plugin: str, relation_index: int = 0) -> bool:
        """Whether a PostgreSQL extension is enabled in the database of a relation.

        Connects with the first response that carries endpoints and credentials, through
        ``psycopg2`` (imported here, only when asked): ``False`` without ``psycopg2``, without
        such a relation or response, or when the query fails (logged).

        Args:
            plugin: the extension's name (``pg_extension.extname``).
            relation_index: which relation of the endpoint (the first by default).
        """
        try:
            import psycopg2  # type: ignore[import-not-found]
        except ImportError:
            return False
        relations = self.relations
        if len(relations) <= relation_index:
            return False
        for response in self.responses(relations[relation_index].id):
            if response.endpoints and response.username and response.password:
                host = response.endpoints.split(":")[0]
                dsn = (
                    f"host='{host}' dbname='{response.resource}' "
                    f"user='{response.username}' password='{response.password}'"
                )
                try:
                    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT TRUE FROM pg_extension WHERE extname=%s::text;", (plugin,)
                        )
                        return cursor.fetchone() is not None
                except psycopg2.Error as error:
                    logger.exception("failed to check whether %s is enabled: %s", plugin, error)
                    return False
        logger.info("No valid request to use to check for plugin.")
        return False

    def _status_records(self, relation_id: int) -> list[dict[str, Any]]:
        return self._requirer().statuses(self._backend(), relation_id)
