"""Peer relation data: repositories and their builders, over the component's ``peer`` export.

The names and signatures are those of ``dpcharmlibs.interfaces`` (specification section 9)::

    class ClusterData(PeerModel):
        leader_address: str | None = None
        admin_password: ExtraSecretStr = None

    interface = OpsPeerRepositoryInterface(self.model, "database-peers", ClusterData)
    data = interface.build_model(relation.id)
    data.admin_password = "s3cr3t"
    interface.write_model(relation.id, data)

A scope is the application's data (:class:`OpsPeerRepositoryInterface`; writing needs
leadership), this unit's (:class:`OpsPeerUnitRepositoryInterface`) or another unit's, read
only (:class:`OpsOtherPeerUnitRepositoryInterface`). Plain fields live in the peer databag
under their wire key; secret fields in one Juju secret per (relation, scope, group), found by
label. Every decision (what goes where, which secret, when a revision is made) is the
component's: this module only turns models and values into ``(wire key, JSON text)`` pairs
and back.
"""

from __future__ import annotations

import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ops import Application, Unit

from ._ops_backend import OpsBackend
from ._runtime import runtime
from .models import PeerModel

if TYPE_CHECKING:
    from ops import Model, Relation

TPeerModel = TypeVar("TPeerModel", bound=PeerModel)
TOtherPeerModel = TypeVar("TOtherPeerModel", bound=PeerModel)

OTHER_UNIT_READ_ONLY = "It's not possible to update data of another unit."
"""What writing another unit's data raises (as ``NotImplementedError``)."""

_ScopeName = Literal["app", "unit", "other-unit"]


def _field_specs(model: type[PeerModel] | None) -> list[dict[str, Any]]:
    return model.field_specs() if model is not None else []


def _as_json(value: Any) -> str | None:
    """A value as the JSON text the component takes; ``None`` for a deletion."""
    return None if value is None else json.dumps(value)


class AbstractRepository(ABC):
    """What a repository offers: plain and secret fields of one databag, and the whole data."""

    @abstractmethod
    def get_data(self) -> dict[str, Any] | None:
        """The whole databag."""

    @abstractmethod
    def get_field(self, field: str) -> str | None:
        """One databag value."""

    @abstractmethod
    def get_fields(self, *fields: str) -> dict[str, str]:
        """Several databag values."""

    @abstractmethod
    def write_field(self, field: str, value: Any) -> None:
        """Write one databag value (``None`` or ``""`` deletes it)."""

    @abstractmethod
    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write several databag values."""

    @abstractmethod
    def delete_field(self, field: str) -> None:
        """Delete one databag key."""

    @abstractmethod
    def delete_fields(self, *fields: str) -> None:
        """Delete databag keys."""

    @abstractmethod
    def get_secret_field(self, field: str, group: str) -> Any:
        """A field of a secret group."""

    @abstractmethod
    def write_secret_field(self, field: str, value: Any, group: str) -> None:
        """Set a field of a secret group."""

    @abstractmethod
    def delete_secret_field(self, field: str, group: str) -> None:
        """Delete a field of a secret group."""


class OpsRepository(AbstractRepository):
    """A repository over the ops model, backed by the component's ``peer`` export.

    Args:
        model: the charm's model.
        relation: the peer relation.
        component: whose data: the local application, the local unit, or (for
            :class:`OpsOtherPeerUnitRepository`) another unit of the application.
    """

    def __init__(self, model: Model, relation: Relation, component: Unit | Application) -> None:
        self.model = model
        self.relation = relation
        self.component = component
        self._local_app = model.app
        self._local_unit = model.unit

    # --- the component's view of this scope ------------------------------------------------

    @property
    def _scope(self) -> tuple[_ScopeName, str | None]:
        if isinstance(self.component, Application):
            return "app", None
        if isinstance(self.component, Unit):
            if self.component.name == self.model.unit.name:
                return "unit", None
            return "other-unit", self.component.name
        raise ValueError("Invalid component, neither a Unit nor an Application")

    def _config(self, fields: list[dict[str, Any]]) -> dict[str, Any]:
        return {"endpoint": self.relation.name, "fields": fields}

    def _backend(self) -> OpsBackend:
        return OpsBackend(self.model, self.relation.name, self.relation)

    def _read(self, fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
        scope, unit = self._scope
        return runtime().peer_read(
            self._backend(), self._config(fields), self.relation.id, scope, unit
        )

    def _write(self, fields: list[dict[str, Any]], values: list[tuple[str, str | None]]) -> None:
        scope, unit = self._scope
        runtime().peer_write(
            self._backend(), self._config(fields), self.relation.id, scope, values, unit
        )

    def _delete(self, fields: list[dict[str, Any]], keys: list[str]) -> None:
        scope, unit = self._scope
        runtime().peer_delete(
            self._backend(), self._config(fields), self.relation.id, scope, keys, unit
        )

    # --- plain fields ----------------------------------------------------------------------

    def get_data(self) -> dict[str, Any] | None:
        """The whole databag of the scope, each value JSON-decoded when it is JSON."""
        return {key: json.loads(text) for key, text in self._read([])}

    def get_field(self, field: str) -> str | None:
        """The databag value of one key, as Juju holds it; ``None`` when absent."""
        return self.get_fields(field).get(field)

    def get_fields(self, *fields: str) -> dict[str, str]:
        """The databag values of the keys that are present, as Juju holds them."""
        data = dict(self._read([]))
        found: dict[str, str] = {}
        for field in fields:
            text = data.get(field)
            if text is None:
                continue
            value = json.loads(text)
            found[field] = value if isinstance(value, str) else text
        return found

    def write_field(self, field: str, value: Any) -> None:
        """Write one databag key; ``None`` or an empty string deletes it."""
        self.write_fields({field: value})

    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write databag keys at once; ``None`` or an empty string deletes a key."""
        self._write([], [(field, _as_json(value)) for field, value in mapping.items()])

    def delete_field(self, field: str) -> None:
        """Delete one databag key."""
        self.delete_fields(field)

    def delete_fields(self, *fields: str) -> None:
        """Delete databag keys."""
        self._delete([], list(fields))

    # --- secret fields ---------------------------------------------------------------------

    def get_secret_field(self, field: str, group: str) -> Any:
        """A field of the scope's secret of a group, JSON-decoded when it is JSON.

        ``None`` when the secret or the field does not exist (and for another unit's secrets,
        which belong to that unit).
        """
        for key, text in self._read([{"key": field, "secret_group": str(group)}]):
            if key == field:
                value = json.loads(text)
                if not isinstance(value, str):
                    return value
                try:
                    return json.loads(value)
                except json.JSONDecodeError:
                    return value
        return None

    def write_secret_field(self, field: str, value: Any, group: str) -> None:
        """Set a field of the scope's secret of a group (created on its first value)."""
        spec = [{"key": field, "secret_group": str(group)}]
        self._write(spec, [(field, _as_json(value))])

    def delete_secret_field(self, field: str, group: str) -> None:
        """Delete a field of the scope's secret of a group (the secret goes when empty)."""
        self._delete([{"key": field, "secret_group": str(group)}], [field])

    # --- models ----------------------------------------------------------------------------

    def _build(self, model: type[TPeerModel]) -> TPeerModel:
        values = {key: json.loads(text) for key, text in self._read(_field_specs(model))}
        return model(**values)

    def _write_model(self, model: PeerModel) -> None:
        values = [(key, _as_json(value)) for key, value in model._peer_values()]
        self._write(_field_specs(type(model)), values)


class OpsPeerRepository(OpsRepository):
    """The data of one scope of a peer relation: the application's, or a unit's."""


class OpsPeerUnitRepository(OpsPeerRepository):
    """The data of this unit in a peer relation."""


class OpsOtherPeerUnitRepository(OpsPeerRepository):
    """The data of another unit of the application in a peer relation; read only.

    Raises:
        ValueError: when built with the local unit.
    """

    def __init__(self, model: Model, relation: Relation, component: Unit) -> None:
        if isinstance(component, Unit) and component.name == model.unit.name:
            raise ValueError(f"Can't instantiate {type(self).__name__} with local unit.")
        super().__init__(model, relation, component)

    def _write(self, fields: list[dict[str, Any]], values: list[tuple[str, str | None]]) -> None:
        with _read_only():
            super()._write(fields, values)

    def _delete(self, fields: list[dict[str, Any]], keys: list[str]) -> None:
        with _read_only():
            super()._delete(fields, keys)


@contextlib.contextmanager
def _read_only() -> Iterator[None]:
    """The component's refusal to write another unit's data, as the library raises it."""
    from ._native import ProtocolError

    try:
        yield
    except ProtocolError as error:
        if error.kind == "invalid-model" and error.reason == OTHER_UNIT_READ_ONLY:
            raise NotImplementedError(OTHER_UNIT_READ_ONLY) from error
        raise


TRepository = TypeVar("TRepository", bound=OpsRepository)


def build_model(repository: OpsRepository, model: type[TPeerModel]) -> TPeerModel:
    """The data of a repository's scope read into ``model``."""
    return repository._build(model)


def write_model(
    repository: OpsRepository, model: PeerModel, context: dict[str, str] | None = None
) -> None:
    """Write every field of ``model`` (an unset field is deleted) through ``repository``.

    ``context`` is accepted for compatibility and unused.
    """
    repository._write_model(model)


class RepositoryInterface(Generic[TRepository, TPeerModel]):
    """Builds the repositories of an endpoint's relations for one scope, and their models.

    Args:
        model: the charm's model.
        relation_name: the peer endpoint.
        component: whose data (the application, this unit or another unit).
        repository_type: the repository class for that scope.
        data_model: the peer model the data is read into by default.
    """

    def __init__(
        self,
        model: Model,
        relation_name: str,
        component: Unit | Application,
        repository_type: type[TRepository],
        data_model: type[TPeerModel] | None,
    ) -> None:
        self._model = model
        self.relation_name = relation_name
        self.component = component
        self.repository_type = repository_type
        self.model = data_model

    @property
    def relations(self) -> list[Relation]:
        """The relations of the endpoint."""
        return list(self._model.relations[self.relation_name])

    def _relation(self, relation_id: int) -> Relation:
        relation = self._model.get_relation(self.relation_name, relation_id)
        if not relation:
            raise ValueError("Missing relation.")
        return relation

    def repository(
        self, relation_id: int, component: Unit | Application | None = None
    ) -> TRepository:
        """The repository of a relation (for ``component``, or this interface's scope)."""
        relation = self._relation(relation_id)
        return self.repository_type(self._model, relation, component or self.component)

    def build_model(
        self,
        relation_id: int,
        model: type[TOtherPeerModel] | None = None,
        component: Unit | Application | None = None,
    ) -> TPeerModel | TOtherPeerModel:
        """The data of a relation read into ``model`` (or the interface's model).

        Raises:
            ValueError: without a model, or when the relation does not exist.
        """
        data_model = model or self.model
        if data_model is None:
            raise ValueError("Missing model to specialise data")
        return self.repository(relation_id, component)._build(data_model)

    def write_model(
        self, relation_id: int, model: PeerModel, context: dict[str, str] | None = None
    ) -> None:
        """Write every field of ``model`` (an unset field is deleted) in this scope.

        ``context`` is accepted for compatibility and unused.
        """
        self.repository(relation_id)._write_model(model)


class OpsPeerRepositoryInterface(RepositoryInterface[OpsPeerRepository, TPeerModel]):
    """The application's data of a peer endpoint's relations (writes need leadership)."""

    def __init__(
        self, model: Model, relation_name: str, data_model: type[TPeerModel] | None = None
    ) -> None:
        super().__init__(model, relation_name, model.app, OpsPeerRepository, data_model)


class OpsPeerUnitRepositoryInterface(RepositoryInterface[OpsPeerUnitRepository, TPeerModel]):
    """This unit's data of a peer endpoint's relations."""

    def __init__(
        self, model: Model, relation_name: str, data_model: type[TPeerModel] | None = None
    ) -> None:
        super().__init__(model, relation_name, model.unit, OpsPeerUnitRepository, data_model)


class OpsOtherPeerUnitRepositoryInterface(
    RepositoryInterface[OpsOtherPeerUnitRepository, TPeerModel]
):
    """Another unit's data of a peer endpoint's relations; read only.

    Its repositories (and so ``build_model`` and ``write_model``) raise ``ValueError`` when
    ``unit`` is the local unit, as the library's do; writes raise ``NotImplementedError``.
    """

    def __init__(
        self,
        model: Model,
        relation_name: str,
        unit: Unit,
        data_model: type[TPeerModel] | None = None,
    ) -> None:
        super().__init__(model, relation_name, unit, OpsOtherPeerUnitRepository, data_model)
