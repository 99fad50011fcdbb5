"""Relation data: the library's relation repository, over the ``relation-data`` export.

The names and signatures are those of ``dpcharmlibs.interfaces`` (specification section 9)::

    interface = OpsRelationRepositoryInterface(self.model, "database")
    repository = interface.repository(relation.id)
    repository.write_field("endpoints", "10.0.0.1:5432")
    repository.write_secret_field("password", "s3cr3t", "user")

    remote = interface.repository(relation.id, relation.app)
    password = remote.get_secret_field("password", "user")

A repository reads and writes one bag of a relation: the local application's (only the leader
may read or write it: for another unit a call logs an error and returns ``None``, as the
library's ``ensure_leader_for_app`` does), this unit's, or the remote application's or a
remote unit's (read only). Plain keys live in the bag as the strings given; a secret field
lives in the secret of its group, labelled
``{endpoint}.{relation id}[.{short uuid}].{group}.secret``, granted to the relation, its URI
under ``secret-{group}``; a remote side's secret is read through that URI. Every decision
(what goes where, which secret, when a revision is made, what needs leadership) is the
component's. This is an escape hatch: it can write the keys the handlers own (``requests``,
``data``, ``version``, ``alias``).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ops import Application, Unit
from ops.model import RelationDataTypeError

from ._ops_backend import OpsBackend
from ._runtime import runtime
from .models import BaseCommonModel
from .peers import OpsRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    from ops import Model, Relation

logger = logging.getLogger("data_interfaces_wasm")

TModel = TypeVar("TModel", bound=BaseCommonModel)
TOtherModel = TypeVar("TOtherModel", bound=BaseCommonModel)
_T = TypeVar("_T")

_Data = dict[str, list[tuple[str, str, str]]]
_BagName = Literal["local-app", "local-unit", "remote-app", "remote-unit"]


def _stored(field: str, value: Any) -> str | None:
    """A value as the string Juju holds; ``None`` (a deletion) for ``None`` or ``""``.

    Raises:
        RelationDataTypeError: for a value that is not a string, as ops raises it.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise RelationDataTypeError(
            f"relation data values must be strings, not {type(value)} (key {field!r})"
        )
    return value


def _decoded(text: str) -> Any:
    return json.loads(text)


class OpsRelationRepository(OpsRepository):
    """One bag of a relation, with its secret fields, through the ``relation-data`` export.

    Args:
        model: the charm's model.
        relation: the relation.
        component: whose bag: the local application (leader only), this unit, the remote
            application or a remote unit (read only).
    """

    SECRET_FIELD_NAME: str = "secret"
    """The prefix of the databag keys holding secret URIs (``secret-{group}``)."""

    uri_to_databag: bool = True
    """Secret URIs are written to (and read from) the databag."""

    def __init__(self, model: Model, relation: Relation, component: Unit | Application) -> None:
        super().__init__(model, relation, component)

    # --- the component's view of this bag --------------------------------------------------

    @property
    def _bag(self) -> tuple[_BagName, str | None]:
        if isinstance(self.component, Application):
            if self.component.name == self.model.app.name:
                return "local-app", None
            return "remote-app", None
        if isinstance(self.component, Unit):
            if self.component.name == self.model.unit.name:
                return "local-unit", None
            return "remote-unit", self.component.name
        raise ValueError("Invalid component, neither a Unit nor an Application")

    def _relation_config(
        self,
        fields: list[dict[str, Any]],
        short_uuid: str | None = None,
        uris: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return {
            "endpoint": self.relation.name,
            "fields": fields,
            "short_uuid": short_uuid,
            "secret_uris": uris or {},
        }

    def _backend(self) -> OpsBackend:
        return OpsBackend(self.model, self.relation.name, self.relation)

    def _leader_only(self, name: str, call: Callable[[], _T]) -> _T | None:
        """Run a component call; the component's not-leader refusal logs and gives ``None``."""
        from ._native import ProtocolError

        try:
            return call()
        except ProtocolError as error:
            if error.kind != "not-leader":
                raise
            logger.error("This operation (%s) can only be performed by the leader unit", name)
            return None

    def _relation_read(self, name: str, config: dict[str, Any]) -> _Data | None:
        scope, unit = self._bag
        return self._leader_only(
            name,
            lambda: runtime().relation_data_read(
                self._backend(), config, self.relation.id, scope, unit
            ),
        )

    def _relation_write(
        self, name: str, config: dict[str, Any], values: list[tuple[str, str | None]]
    ) -> None:
        scope, unit = self._bag
        self._leader_only(
            name,
            lambda: runtime().relation_data_write(
                self._backend(), config, self.relation.id, scope, values, unit
            ),
        )

    def _relation_delete(self, name: str, config: dict[str, Any], keys: list[str]) -> None:
        scope, unit = self._bag
        self._leader_only(
            name,
            lambda: runtime().relation_data_delete(
                self._backend(), config, self.relation.id, scope, keys, unit
            ),
        )

    # --- plain keys --------------------------------------------------------------------------

    def get_data(self) -> dict[str, Any] | None:
        """The whole bag, each value JSON-decoded when it is JSON.

        ``None`` for the application's bag on a non-leader unit.
        """
        data = self._relation_read("get_data", self._relation_config([]))
        if data is None:
            return None
        return {key: _decoded(text) for key, _raw, text in data["bag"]}

    def get_field(self, field: str) -> str | None:
        """The bag's value of one key, as Juju holds it; ``None`` when absent."""
        return self.get_fields(field).get(field)

    def get_fields(self, *fields: str) -> dict[str, str]:
        """The bag's values of the keys that are present, as Juju holds them.

        ``{}`` for the application's bag on a non-leader unit (the library returns ``None``).
        """
        data = self._relation_read("get_fields", self._relation_config([]))
        if data is None:
            return {}
        raw = {key: value for key, value, _text in data["bag"]}
        return {field: raw[field] for field in fields if field in raw}

    def write_field(self, field: str, value: Any) -> None:
        """Write one key (a string); ``None`` or an empty string deletes it."""
        self.write_fields({field: value})

    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write keys (strings) at once; ``None`` or an empty string deletes a key."""
        values = [(field, _stored(field, value)) for field, value in mapping.items()]
        self._relation_write("write_fields", self._relation_config([]), values)

    def delete_field(self, field: str) -> None:
        """Delete one key."""
        self.delete_fields(field)

    def delete_fields(self, *fields: str) -> None:
        """Delete keys."""
        self._relation_delete("delete_fields", self._relation_config([]), list(fields))

    # --- secret fields ---------------------------------------------------------------------

    def secret_field(self, secret_group: str, field: str | None = None) -> str:
        """The bag key holding the URI of a group's secret: ``secret-{group}``."""
        return f"{self.SECRET_FIELD_NAME}-{secret_group}"

    def get_secret_field(  # type: ignore[override]
        self,
        field: str,
        secret_group: str,
        uri: str | None = None,
        short_uuid: str | None = None,
    ) -> Any:
        """A field of the group's secret, JSON-decoded when it is JSON.

        The secret is found by its label, else through ``uri`` or the bag's ``secret-{group}``
        (a remote side's only through the URI). ``None`` when there is no such secret or field.
        """
        spec = [{"key": field, "secret_group": str(secret_group)}]
        uris = {str(secret_group): uri} if uri else None
        data = self._relation_read(
            "get_secret_field", self._relation_config(spec, short_uuid, uris)
        )
        if data is None:
            return None
        for key, _raw, text in data["secrets"]:
            if key == field:
                return _decoded(text)
        return None

    def write_secret_field(self, field: str, value: Any, secret_group: str) -> None:  # type: ignore[override]
        """Set a field of the group's secret.

        The secret is created on the first value (granted to the relation, its URI written
        under ``secret-{group}``), and gets a new revision only when its content changes.
        """
        spec = [{"key": field, "secret_group": str(secret_group)}]
        self._relation_write(
            "write_secret_field", self._relation_config(spec), [(field, _stored(field, value))]
        )

    def delete_secret_field(self, field: str, secret_group: str) -> None:  # type: ignore[override]
        """Delete a field of the group's secret; the secret and its URI key go when it empties."""
        spec = [{"key": field, "secret_group": str(secret_group)}]
        self._relation_delete("delete_secret_field", self._relation_config(spec), [field])

    @property
    def is_cross_model_relation(self) -> bool:
        """Whether the remote application is in another model."""
        return self.model.uuid != self.relation.remote_model.uuid

    # --- models ----------------------------------------------------------------------------

    def _build(self, model: type[TModel]) -> TModel:  # type: ignore[override]
        specs = [
            {"key": info.key, "secret_group": info.secret_group}
            for info in model.model_fields().values()
            if info.secret_group is not None
        ]
        data = self._relation_read("build_model", self._relation_config(specs)) or {
            "bag": [],
            "secrets": [],
        }
        values = {key: _decoded(text) for key, _raw, text in data["bag"]}
        values.update({key: _decoded(text) for key, _raw, text in data["secrets"]})
        return model(**values)

    def _write_model(self, model: BaseCommonModel) -> None:  # type: ignore[override]
        specs: list[dict[str, Any]] = []
        values: list[tuple[str, str | None]] = []
        for name, info in type(model).model_fields().items():
            if info.secret_group is not None:
                specs.append({"key": info.key, "secret_group": info.secret_group})
            values.append((info.key, _as_text(getattr(model, name))))
        values.extend((key, _as_text(value)) for key, value in model.model_extra.items())
        self._relation_write("write_model", self._relation_config(specs), values)


def _as_text(value: Any) -> str | None:
    """A model value as the library dumps it: a string as it is, anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value)


class OpsRelationRepositoryInterface(Generic[TModel]):
    """Builds the relation repositories of an endpoint, by default for the local application.

    Args:
        model: the charm's model.
        relation_name: the endpoint.
        data_model: the model the data is read into by default.
    """

    def __init__(
        self, model: Model, relation_name: str, data_model: type[TModel] | None = None
    ) -> None:
        self._model = model
        self.relation_name = relation_name
        self.component: Unit | Application = model.app
        self.repository_type = OpsRelationRepository
        self.model = data_model

    @property
    def relations(self) -> list[Relation]:
        """The relations of the endpoint."""
        return list(self._model.relations[self.relation_name])

    def repository(
        self, relation_id: int, component: Unit | Application | None = None
    ) -> OpsRelationRepository:
        """The repository of a relation's bag (of ``component``, or the local application).

        Raises:
            ValueError: when the relation does not exist.
        """
        relation = self._model.get_relation(self.relation_name, relation_id)
        if not relation:
            raise ValueError("Missing relation.")
        return OpsRelationRepository(self._model, relation, component or self.component)

    def build_model(
        self,
        relation_id: int,
        model: type[TOtherModel] | None = None,
        component: Unit | Application | None = None,
    ) -> TModel | TOtherModel:
        """A bag read into ``model`` (or the interface's model).

        Its keys, and the model's secret fields from their group's secret.

        Raises:
            ValueError: without a model, or when the relation does not exist.
        """
        data_model = model or self.model
        if data_model is None:
            raise ValueError("Missing model to specialise data")
        return self.repository(relation_id, component)._build(data_model)

    def write_model(
        self, relation_id: int, model: BaseCommonModel, context: dict[str, str] | None = None
    ) -> None:
        """Write every field of ``model`` in the local application's bag.

        An unset field is deleted; a secret field goes to its group's secret.

        ``context`` is accepted for compatibility and unused.
        """
        self.repository(relation_id)._write_model(model)
