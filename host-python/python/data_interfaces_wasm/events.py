"""The ops events the handlers emit.

Names, constructor signatures and attributes (``relation``, ``app``, ``unit``, ``request`` /
``requests`` / ``response``, ``old_mtls_cert``, ``status``) are those of
``dpcharmlibs.interfaces``. Events survive ``defer()``: the snapshot keeps the relation, the
remote app and unit, and the model (as its contract record and class), and ``restore`` gives
each back to its own attribute.

ops snapshots every event it emits and hands its observers the event restored from that
snapshot, at once. Rebuilding a model from its record validates it again, which a hook with
thousands of requests pays thousands of times, so a snapshot also carries a token naming the
model it was taken from, and a restore in the same process takes that model back (an event
deferred to a later hook, in a new process, is rebuilt from its record).
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ops import CharmEvents, EventBase, EventSource, Handle, RelationEvent

from .models import BaseCommonModel, RelationStatus, RequirerCommonModel, ResourceProviderModel

if TYPE_CHECKING:
    from ops import Application, Relation, Unit

    from ._native import ProtocolError

TRequirerCommonModel = TypeVar("TRequirerCommonModel", bound=RequirerCommonModel)
TResourceProviderModel = TypeVar("TResourceProviderModel", bound=ResourceProviderModel)

STATUS_FIELD = "status"
"""The provider's application-bag key holding the raised statuses (a JSON list), as the
library names it; the protocol component reads and writes it."""


# The models of this process's latest snapshots, by token (a token is unique across
# processes: a deferred event's snapshot, restored in a later hook, never names one of these).
_TAKEN: dict[str, BaseCommonModel] = {}
_TAKEN_MAX = 4096
_PROCESS = os.urandom(8).hex()  # not the `secrets` module: its import costs a hook ~20 ms
_COUNTER = itertools.count()


def _dump_model(model: BaseCommonModel) -> dict[str, Any]:
    cls = type(model)
    token = f"{_PROCESS}-{next(_COUNTER)}"
    if len(_TAKEN) >= _TAKEN_MAX:
        _TAKEN.clear()
    _TAKEN[token] = model
    return {
        "class": f"{cls.__module__}:{cls.__qualname__}",
        "record": model._to_wit(),
        "token": token,
    }


def _load_model(snapshot: dict[str, Any]) -> Any:
    taken = _TAKEN.get(snapshot.get("token", ""))
    if taken is not None:
        return taken
    module_name, _, qualname = snapshot["class"].partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj._from_wit(snapshot["record"])


class _RelationScopedEvent(EventBase):
    """An event about a relation, from a remote app and possibly one of its units."""

    relation: Relation
    app: Application | None
    unit: Unit | None

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None = None,
        unit: Unit | None = None,
    ) -> None:
        super().__init__(handle)
        self.relation = relation
        self.app = app
        self.unit = unit

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        snapshot: dict[str, Any] = {
            "relation_name": self.relation.name,
            "relation_id": self.relation.id,
        }
        if self.app is not None:
            snapshot["app_name"] = self.app.name
        if self.unit is not None:
            snapshot["unit_name"] = self.unit.name
        return snapshot

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        relation = self.framework.model.get_relation(
            snapshot["relation_name"], snapshot["relation_id"]
        )
        if relation is None:
            raise ValueError(
                f"cannot restore {self}: relation {snapshot['relation_name']}:"
                f"{snapshot['relation_id']} not found"
            )
        self.relation = relation
        app_name = snapshot.get("app_name")
        self.app = self.framework.model.get_app(app_name) if app_name else None
        unit_name = snapshot.get("unit_name")
        self.unit = self.framework.model.get_unit(unit_name) if unit_name else None


class _RejectionEvent(_RelationScopedEvent):
    """An entry of the remote side's databag that the handler could not handle.

    The other entries of the hook were handled; nothing was written for this one (the
    component also logged it as an error). ``request_id`` is the entry's request id when it
    could be read; ``error`` is the :class:`data_interfaces_wasm.ProtocolError` saying which
    relation, bag, key and entry, and why (never a secret value).
    """

    request_id: str | None
    error: ProtocolError

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None = None,
        unit: Unit | None = None,
        request_id: str | None = None,
        error: ProtocolError | None = None,
    ) -> None:
        super().__init__(handle, relation, app, unit)
        self.request_id = request_id
        if error is None:
            raise TypeError(f"{type(self).__name__} needs an error")
        self.error = error

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        error = self.error
        return super().snapshot() | {
            "request_id": self.request_id,
            "error": [
                str(error),
                error.kind,
                error.reason,
                error.relation_id,
                error.bag,
                error.key,
            ],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        from ._native import ProtocolError

        super().restore(snapshot)
        self.request_id = snapshot.get("request_id")
        self.error = ProtocolError(*snapshot["error"])


# --- provider side ---------------------------------------------------------------------------


class ResourceProviderEvent(_RelationScopedEvent, Generic[TRequirerCommonModel]):
    """A request to handle, on the provider side."""

    request: TRequirerCommonModel

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None,
        unit: Unit | None,
        request: TRequirerCommonModel,
    ) -> None:
        super().__init__(handle, relation, app, unit)
        self.request = request

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        return super().snapshot() | {"request": _dump_model(self.request)}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        super().restore(snapshot)
        self.request = _load_model(snapshot["request"])


class ResourceRequestedEvent(ResourceProviderEvent[TRequirerCommonModel]):
    """A resource was requested."""


class ResourceEntityRequestedEvent(ResourceProviderEvent[TRequirerCommonModel]):
    """An entity (user or group) was requested."""


class ResourceEntityPermissionsChangedEvent(ResourceProviderEvent[TRequirerCommonModel]):
    """The permissions of a requested entity changed."""


class MtlsCertUpdatedEvent(ResourceProviderEvent[TRequirerCommonModel]):
    """The requirer's mTLS certificate changed; ``old_mtls_cert`` is the previous one."""

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None,
        unit: Unit | None,
        request: TRequirerCommonModel,
        old_mtls_cert: str | None = None,
    ) -> None:
        super().__init__(handle, relation, app, unit, request)
        self.old_mtls_cert = old_mtls_cert

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        return super().snapshot() | {"old_mtls_cert": self.old_mtls_cert}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        super().restore(snapshot)
        self.old_mtls_cert = snapshot.get("old_mtls_cert")


class BulkResourcesRequestedEvent(_RelationScopedEvent, Generic[TRequirerCommonModel]):
    """All the requests of a relation at once (``bulk_event=True``)."""

    requests: list[TRequirerCommonModel]

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None,
        unit: Unit | None,
        requests: list[TRequirerCommonModel],
    ) -> None:
        super().__init__(handle, relation, app, unit)
        self.requests = requests

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        return super().snapshot() | {"requests": [_dump_model(r) for r in self.requests]}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        super().restore(snapshot)
        self.requests = [_load_model(r) for r in snapshot["requests"]]


class RequestRejectedEvent(_RejectionEvent):
    """A request the provider handler rejected, while it handled the others.

    Malformed, a duplicate request id, a change to a field that cannot change, an unreadable
    secret. Not in ``dpcharmlibs.interfaces``, which fails the whole hook instead.
    """


class ResourceProvidesEvents(CharmEvents, Generic[TRequirerCommonModel]):
    """The events of a provider handler."""

    request_rejected = EventSource(RequestRejectedEvent)

    bulk_resources_requested = EventSource(BulkResourcesRequestedEvent)
    resource_requested = EventSource(ResourceRequestedEvent)
    resource_entity_requested = EventSource(ResourceEntityRequestedEvent)
    resource_entity_permissions_changed = EventSource(ResourceEntityPermissionsChangedEvent)
    mtls_cert_updated = EventSource(MtlsCertUpdatedEvent)


# --- requirer side ---------------------------------------------------------------------------


class ResourceRequirerEvent(_RelationScopedEvent, Generic[TResourceProviderModel]):
    """A response event, on the requirer side; ``response`` has its secret fields filled in."""

    response: TResourceProviderModel

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None,
        unit: Unit | None,
        response: TResourceProviderModel,
    ) -> None:
        super().__init__(handle, relation, app, unit)
        self.response = response

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        return super().snapshot() | {"response": _dump_model(self.response)}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        super().restore(snapshot)
        self.response = _load_model(snapshot["response"])


class ResourceCreatedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The requested resource was created."""


class ResourceEntityCreatedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The requested entity was created."""


class ResourceEndpointsChangedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The read/write endpoints changed."""


class ResourceReadOnlyEndpointsChangedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The read-only endpoints changed."""


class AuthenticationUpdatedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The credentials or TLS material changed."""


class ResourcePrefixResourcesChangedEvent(ResourceRequirerEvent[TResourceProviderModel]):
    """The resources matching a requested prefix changed."""


class StatusEventBase(RelationEvent):
    """A status change on a relation, raised by the provider (a relation event, as in ops)."""

    status: RelationStatus

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        status: RelationStatus,
        app: Application | None = None,
        unit: Unit | None = None,
        active_statuses: list[RelationStatus] | None = None,
    ) -> None:
        super().__init__(handle, relation, app=app, unit=unit)
        self.status = status
        self._active_statuses = list(active_statuses or [])

    def snapshot(self) -> dict[str, Any]:
        """The event's data, for ``defer()``."""
        active = [s.model_dump() for s in self._active_statuses]
        return super().snapshot() | {
            "status": json.dumps(self.status.model_dump()),
            "active_statuses": json.dumps(active),
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the event's data from a snapshot."""
        super().restore(snapshot)
        self.status = RelationStatus(**json.loads(snapshot["status"]))
        active = json.loads(snapshot.get("active_statuses", "[]"))
        self._active_statuses = [RelationStatus(**item) for item in active]

    @property
    def active_statuses(self) -> list[RelationStatus]:
        """The statuses raised on this relation when the event was emitted.

        The component read them from the provider's databag; they survive ``defer()``.
        """
        return list(self._active_statuses)


class StatusRaisedEvent(StatusEventBase):
    """The provider raised a status."""


class StatusResolvedEvent(StatusEventBase):
    """The provider resolved a status."""


class ResponseRejectedEvent(_RejectionEvent):
    """A response the requirer handler rejected, while it handled the others.

    Malformed, answering no known request, an unreadable secret. Not in
    ``dpcharmlibs.interfaces``, which fails the whole hook instead.
    """


class ResourceRequiresEvents(CharmEvents, Generic[TResourceProviderModel]):
    """The events of a requirer handler.

    With relation aliases, each handler also has ``<alias>_<event>`` for every event here.
    """

    response_rejected = EventSource(ResponseRejectedEvent)

    resource_created = EventSource(ResourceCreatedEvent)
    resource_entity_created = EventSource(ResourceEntityCreatedEvent)
    endpoints_changed = EventSource(ResourceEndpointsChangedEvent)
    read_only_endpoints_changed = EventSource(ResourceReadOnlyEndpointsChangedEvent)
    authentication_updated = EventSource(AuthenticationUpdatedEvent)
    status_raised = EventSource(StatusRaisedEvent)
    status_resolved = EventSource(StatusResolvedEvent)
    prefix_resources_changed = EventSource(ResourcePrefixResourcesChangedEvent)


REQUIRER_EVENT_TYPES: dict[str, type[EventBase]] = {
    "resource_created": ResourceCreatedEvent,
    "resource_entity_created": ResourceEntityCreatedEvent,
    "endpoints_changed": ResourceEndpointsChangedEvent,
    "read_only_endpoints_changed": ResourceReadOnlyEndpointsChangedEvent,
    "authentication_updated": AuthenticationUpdatedEvent,
    "status_raised": StatusRaisedEvent,
    "status_resolved": StatusResolvedEvent,
    "prefix_resources_changed": ResourcePrefixResourcesChangedEvent,
    "response_rejected": ResponseRejectedEvent,
}
"""Every requirer event, by name: the kinds an alias gets its own copy of."""
