"""Repositories: one databag of a relation, with its secret fields, as the library offers them.

The names, signatures and layout are those of ``dpcharmlibs.interfaces.repository``::

    repository = OpsRelationRepository(self.model, relation, self.app)
    repository.write_field("endpoints", "10.0.0.1:5432")
    repository.write_secret_field("password", "s3cr3t", "user")

A repository reads and writes one bag: the local application's, this unit's, or (read only)
the remote application's or a remote unit's. :class:`OpsRelationRepository` works on a
relation between two applications, over the component's ``relation-data`` export: a secret
field lives in its group's secret, labelled ``{endpoint}.{relation id}[.{short uuid}].{group}
.secret`` and granted to the relation, its URI under ``secret-{group}``. The peer repositories
(:class:`OpsPeerRepository`, :class:`OpsPeerUnitRepository`, :class:`OpsOtherPeerUnitRepository`)
work on a peer relation, over the ``peer`` export: a secret field lives in the scope's secret of
its group. Every decision (what goes where, which secret, when a revision is made, what needs
leadership) is the component's; this module turns values into ``(key, JSON text)`` pairs and
back, and gives the library's names to the component's answers.

Each repository also has the library's ``secrets`` attribute (:class:`~.secrets.SecretCache`),
for charms that reach the ops secret behind a label.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

from ops import Application, Unit
from ops.model import RelationDataTypeError

from ._ops_backend import OpsBackend
from ._runtime import held, runtime
from .errors import SecretError
from .secrets import CachedSecret, SecretCache
from .types import Scope, SecretGroup
from .utils import ensure_leader_for_app

if TYPE_CHECKING:
    from collections.abc import Callable

    from ops import Model, Relation

    from .models import BaseCommonModel, PeerModel

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_Bag = Literal["local-app", "local-unit", "remote-app", "remote-unit"]
_Data = dict[str, list[tuple[str, str, str]]]


def _as_json(value: Any) -> str | None:
    """A value as the JSON text the component takes; ``None`` for a deletion."""
    return None if value is None else json.dumps(value)


def _as_text(value: Any) -> str | None:
    """A model value as the library dumps it: a string as it is, anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _stored(field: str, value: Any) -> str | None:
    """A value as the string Juju holds; ``None`` (a deletion) for ``None``.

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


def _spec(field: str, group: str) -> list[dict[str, Any]]:
    return [{"key": field, "secret_group": str(group)}]


class AbstractRepository(ABC):
    """What a repository offers: the plain and secret fields of one databag, and its data."""

    @abstractmethod
    def get_data(self) -> dict[str, Any] | None:
        """The whole databag, each value JSON-decoded when it is JSON."""

    @abstractmethod
    def get_field(self, field: str) -> str | None:
        """One databag value, as Juju holds it."""

    @abstractmethod
    def get_fields(self, *fields: str) -> dict[str, str]:
        """The values of the keys that are present."""

    @abstractmethod
    def write_field(self, field: str, value: Any) -> None:
        """Write one value; ``None`` or ``""`` deletes the key."""

    @abstractmethod
    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write several values; ``None`` or ``""`` deletes a key."""

    @abstractmethod
    def delete_field(self, field: str) -> None:
        """Delete one key."""

    @abstractmethod
    def delete_fields(self, *fields: str) -> None:
        """Delete keys."""

    @abstractmethod
    def get_secret(
        self, secret_group: SecretGroup, secret_uri: str | None, short_uuid: str | None = None
    ) -> CachedSecret | None:
        """A group's secret, by its label or its URI."""

    @abstractmethod
    def get_secret_field(
        self, field: str, secret_group: SecretGroup, short_uuid: str | None = None
    ) -> Any:
        """A field of a secret group."""

    @abstractmethod
    def write_secret_field(self, field: str, value: Any, group: SecretGroup) -> Any:
        """Set a field of a secret group."""

    @abstractmethod
    def add_secret(
        self, field: str, value: Any, secret_group: SecretGroup, short_uuid: str | None = None
    ) -> CachedSecret | None:
        """Create a group's secret holding one field."""

    @abstractmethod
    def delete_secret(self, label: str) -> None:
        """Remove a secret by its label."""

    @abstractmethod
    def register_secret(self, secret_group: SecretGroup, short_uuid: str | None = None) -> None:
        """Give a secret another application shared the label this repository finds it by."""

    @abstractmethod
    def delete_secret_field(self, field: str, secret_group: SecretGroup) -> None:
        """Delete a field of a secret group."""

    @abstractmethod
    def secret_field(self, secret_group: SecretGroup, field: str | None = None) -> str:
        """The databag key that holds a secret group's URI (or a peer field's)."""

    @property
    @abstractmethod
    def is_cross_model_relation(self) -> bool:
        """Whether the relation crosses models."""


class OpsRepository(AbstractRepository):
    """A repository over the ops model: one bag of one relation.

    Args:
        model: the charm's model.
        relation: the relation.
        component: whose bag: the local application, this unit, or another application or
            unit of the relation (read only).
    """

    SECRET_FIELD_NAME: str = "secret"
    """The prefix of the databag keys that hold secret URIs."""

    uri_to_databag: bool = True
    """Whether secret URIs are written to (and read from) the databag."""

    def __init__(
        self, model: Model, relation: Relation | None, component: Unit | Application
    ) -> None:
        self._local_app = model.app
        self._local_unit = model.unit
        self.relation = relation
        self.component = component
        self.model = model
        self.secrets = SecretCache(model, component)

    def _relation(self) -> Relation:
        if self.relation is None:
            raise ValueError("Missing relation.")
        return self.relation

    def _backend(self) -> OpsBackend:
        relation = self._relation()
        return OpsBackend(self.model, relation.name, addressed=relation)

    def get_field(self, field: str) -> str | None:
        """The bag's value of one key, as Juju holds it; ``None`` when absent."""
        return self._fields("get_field", (field,)).get(field)

    def get_fields(self, *fields: str) -> dict[str, str]:
        """The bag's values of the keys that are present, as Juju holds them."""
        return self._fields("get_fields", fields)

    @abstractmethod
    def _fields(self, name: str, fields: tuple[str, ...]) -> dict[str, str]: ...

    @abstractmethod
    def get_secret_field(
        self,
        field: str,
        secret_group: SecretGroup,
        uri: str | None = None,
        short_uuid: str | None = None,
    ) -> Any:
        """A field of the group's secret (found by label, else through ``uri``)."""

    @abstractmethod
    def write_secret_field(self, field: str, value: Any, secret_group: SecretGroup) -> Any:
        """Set a field of the group's secret."""

    def write_field(self, field: str, value: Any) -> None:
        """Write one key; ``None`` or an empty string deletes it."""
        self.write_fields({field: value})

    def delete_field(self, field: str) -> None:
        """Delete one key."""
        self.delete_fields(field)

    @property
    def is_cross_model_relation(self) -> bool:
        """Whether the remote application is in another model (the component decides)."""
        relation = self.relation
        if relation is None:
            return False
        return runtime().is_cross_model(self._backend(), relation.name, relation.id)

    def get_secret(
        self, secret_group: SecretGroup, secret_uri: str | None, short_uuid: str | None = None
    ) -> CachedSecret | None:
        """The group's secret (by its label, else by ``secret_uri``), from :attr:`secrets`."""
        if self.relation is None:
            logger.info("No relation to get value from")
            return None
        return self.secrets.get(label=self._secret_label(secret_group, short_uuid), uri=secret_uri)

    @ensure_leader_for_app
    def add_secret(
        self, field: str, value: Any, secret_group: SecretGroup, short_uuid: str | None = None
    ) -> CachedSecret | None:
        """Create the group's secret (its label from the component) holding ``{field: value}``.

        On a relation between two applications the secret is granted to the relation. Unlike
        :meth:`write_secret_field`, nothing is written to the databag. The application's
        secrets are the leader's only (another unit gets ``None`` and an error log).

        Raises:
            SecretAlreadyExistsError: when :attr:`secrets` already holds that label.
            SecretError: when Juju gave the new secret no id.
        """
        if self.relation is None:
            logger.info("No relation to get value from")
            return None
        label = self._secret_label(secret_group, short_uuid)
        secret = self.secrets.add(label, {field: value}, self.relation)
        if secret.meta is None or not secret.meta.id:
            raise SecretError("Secret added but is missing Secret ID")
        return secret

    @ensure_leader_for_app
    def delete_secret(self, label: str) -> None:
        """Remove the secret with this label (every revision)."""
        self.secrets.remove(label)

    @ensure_leader_for_app
    def register_secret(  # type: ignore[override]
        self, uri: str, secret_group: SecretGroup, short_uuid: str | None = None
    ) -> None:
        """Give the secret at ``uri`` (another application's) the label this repository uses.

        Juju keeps a label a consumer gives a secret, so later events about it (such as
        ``secret-changed``) carry the label, which names the relation and the request.

        Raises:
            ValueError: without a relation.
        """
        if self.relation is None:
            raise ValueError("Cannot register without relation.")
        label = self._secret_label(secret_group, short_uuid)
        CachedSecret(self.model, self.component, label, uri).meta  # noqa: B018 (labels it)

    @abstractmethod
    def _secret_label(self, secret_group: SecretGroup, short_uuid: str | None = None) -> str: ...


class OpsRelationRepository(OpsRepository):
    """One bag of a relation between two applications, through the ``relation-data`` export.

    The local application's bag is the leader's only: for another unit a call logs an error
    and returns ``None`` (``{}`` for :meth:`get_fields`), as the library's
    ``ensure_leader_for_app`` does.
    """

    SECRET_FIELD_NAME: str = "secret"
    """The prefix of the databag keys holding secret URIs (``secret-{group}``)."""

    uri_to_databag: bool = True
    """Secret URIs are written to (and read from) the databag."""

    @property
    def _bag(self) -> tuple[_Bag, str | None]:
        if isinstance(self.component, Application):
            if self.component.name == self.model.app.name:
                return "local-app", None
            return "remote-app", None
        if isinstance(self.component, Unit):
            if self.component.name == self.model.unit.name:
                return "local-unit", None
            return "remote-unit", self.component.name
        raise ValueError("Invalid component, neither a Unit nor an Application")

    def _config(
        self,
        fields: list[dict[str, Any]],
        short_uuid: str | None = None,
        uris: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return {
            "endpoint": self._relation().name,
            "fields": fields,
            "short_uuid": short_uuid,
            "secret_uris": uris or {},
        }

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

    def _read(self, name: str, config: dict[str, Any]) -> _Data | None:
        scope, unit = self._bag
        relation_id = self._relation().id
        return self._leader_only(
            name,
            lambda: held(self, config, runtime().relation_data).read(
                self._backend(), relation_id, scope, unit
            ),
        )

    def _write(
        self, name: str, config: dict[str, Any], values: list[tuple[str, str | None]]
    ) -> None:
        scope, unit = self._bag
        relation_id = self._relation().id
        self._leader_only(
            name,
            lambda: held(self, config, runtime().relation_data).write(
                self._backend(), relation_id, scope, values, unit
            ),
        )

    def _delete(self, name: str, config: dict[str, Any], keys: list[str]) -> None:
        scope, unit = self._bag
        relation_id = self._relation().id
        self._leader_only(
            name,
            lambda: held(self, config, runtime().relation_data).delete(
                self._backend(), relation_id, scope, keys, unit
            ),
        )

    # --- plain keys --------------------------------------------------------------------------

    def get_data(self) -> dict[str, Any] | None:
        """The whole bag, each value JSON-decoded when it is JSON.

        ``None`` for the application's bag on a non-leader unit.
        """
        data = self._read("get_data", self._config([]))
        if data is None:
            return None
        return {key: json.loads(text) for key, _raw, text in data["bag"]}

    def _fields(self, name: str, fields: tuple[str, ...]) -> dict[str, str]:
        data = self._read(name, self._config([]))
        if data is None:
            return {}
        raw = {key: value for key, value, _text in data["bag"]}
        return {field: raw[field] for field in fields if field in raw}

    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write keys (strings) at once; ``None`` or an empty string deletes a key."""
        values = [(field, _stored(field, value)) for field, value in mapping.items()]
        self._write("write_fields", self._config([]), values)

    def delete_fields(self, *fields: str) -> None:
        """Delete keys."""
        self._delete("delete_fields", self._config([]), list(fields))

    # --- secret fields ---------------------------------------------------------------------

    def secret_field(self, secret_group: SecretGroup, field: str | None = None) -> str:
        """The bag key holding the URI of a group's secret: ``secret-{group}``."""
        return f"{self.SECRET_FIELD_NAME}-{secret_group}"

    def _secret_label(self, secret_group: SecretGroup, short_uuid: str | None = None) -> str:
        relation = self._relation()
        return runtime().relation_secret_label(
            relation.name, relation.id, short_uuid, secret_group
        )

    def get_secret_field(
        self,
        field: str,
        secret_group: SecretGroup,
        uri: str | None = None,
        short_uuid: str | None = None,
    ) -> Any:
        """A field of the group's secret, JSON-decoded when it is JSON.

        The secret is found by its label, else through ``uri`` or the bag's ``secret-{group}``
        (a remote side's only through the URI). ``None`` when there is no such secret or field.
        """
        uris = {str(secret_group): uri} if uri else None
        config = self._config(_spec(field, secret_group), short_uuid, uris)
        data = self._read("get_secret_field", config)
        if data is None:
            return None
        for key, _raw, text in data["secrets"]:
            if key == field:
                return json.loads(text)
        return None

    def write_secret_field(self, field: str, value: Any, secret_group: SecretGroup) -> None:
        """Set a field of the group's secret.

        The secret is created on the first value (granted to the relation, its URI written
        under ``secret-{group}``), and gets a new revision only when its content changes.
        """
        config = self._config(_spec(field, secret_group))
        self._write("write_secret_field", config, [(field, _stored(field, value))])

    def delete_secret_field(self, field: str, secret_group: SecretGroup) -> None:
        """Delete a field of the group's secret; the secret and its URI key go when it empties."""
        self._delete("delete_secret_field", self._config(_spec(field, secret_group)), [field])

    # --- models ----------------------------------------------------------------------------

    def _build(self, model: type[BaseCommonModel]) -> BaseCommonModel:
        specs = [
            {"key": info.key, "secret_group": info.secret_group}
            for info in model._fields_info().values()
            if info.secret_group is not None
        ]
        data = self._read("build_model", self._config(specs)) or {"bag": [], "secrets": []}
        values = {key: json.loads(text) for key, _raw, text in data["bag"]}
        values.pop("data", None)
        values.update({key: json.loads(text) for key, _raw, text in data["secrets"]})
        return model.model_validate(values)

    def _write_model(self, model: BaseCommonModel) -> None:
        specs: list[dict[str, Any]] = []
        values: list[tuple[str, str | None]] = []
        for name, info in type(model)._fields_info().items():
            if info.secret_group is not None:
                specs.append({"key": info.key, "secret_group": info.secret_group})
            values.append((info.key, _as_text(getattr(model, name, None))))
        values.extend((key, _as_text(value)) for key, value in model.model_extra.items())
        self._write("write_model", self._config(specs), values)


class OpsPeerRepository(OpsRepository):
    """The data of one scope of a peer relation (the application's, or a unit's), over ``peer``.

    Writing the application's data needs leadership (a typed ``not-leader`` error otherwise).
    """

    SECRET_FIELD_NAME: str = "internal_secret"
    """The name the library gives peer secret URIs (peer URIs never go to the databag)."""

    uri_to_databag: bool = False
    """Peer secrets are found by label; their URIs are not written to the databag."""

    @property
    def scope(self) -> Scope:
        """Whose data: :attr:`Scope.APP` or :attr:`Scope.UNIT`."""
        if isinstance(self.component, Application):
            return Scope.APP
        if isinstance(self.component, Unit):
            return Scope.UNIT
        raise ValueError("Invalid component, neither a Unit nor an Application")

    @property
    def _peer_scope(self) -> tuple[str, str | None]:
        if isinstance(self.component, Application):
            return "app", None
        if isinstance(self.component, Unit):
            if self.component.name == self.model.unit.name:
                return "unit", None
            return "other-unit", self.component.name
        raise ValueError("Invalid component, neither a Unit nor an Application")

    def _config(self, fields: list[dict[str, Any]]) -> dict[str, Any]:
        return {"endpoint": self._relation().name, "fields": fields}

    def _read(self, fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
        scope, unit = self._peer_scope
        relation = self._relation()
        peer = held(self, self._config(fields), runtime().peer)
        return peer.read(self._backend(), relation.id, scope, unit)

    def _write(self, fields: list[dict[str, Any]], values: list[tuple[str, str | None]]) -> None:
        scope, unit = self._peer_scope
        relation = self._relation()
        peer = held(self, self._config(fields), runtime().peer)
        peer.write(self._backend(), relation.id, scope, values, unit)

    def _delete(self, fields: list[dict[str, Any]], keys: list[str]) -> None:
        scope, unit = self._peer_scope
        relation = self._relation()
        peer = held(self, self._config(fields), runtime().peer)
        peer.delete(self._backend(), relation.id, scope, keys, unit)

    # --- plain fields ----------------------------------------------------------------------

    def get_data(self) -> dict[str, Any] | None:
        """The whole databag of the scope, each value JSON-decoded when it is JSON."""
        return {key: json.loads(text) for key, text in self._read([])}

    def _fields(self, name: str, fields: tuple[str, ...]) -> dict[str, str]:
        data = dict(self._read([]))
        found: dict[str, str] = {}
        for field in fields:
            text = data.get(field)
            if text is None:
                continue
            value = json.loads(text)
            found[field] = value if isinstance(value, str) else text
        return found

    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Write databag keys at once; ``None`` or an empty string deletes a key."""
        self._write([], [(field, _as_json(value)) for field, value in mapping.items()])

    def delete_fields(self, *fields: str) -> None:
        """Delete databag keys."""
        self._delete([], list(fields))

    # --- secret fields ---------------------------------------------------------------------

    def secret_field(self, secret_group: SecretGroup, field: str | None = None) -> str:
        """The library's name for a peer secret field: ``{field}@{group}``.

        Raises:
            ValueError: without a field.
        """
        if not field:
            raise ValueError("Must have a field.")
        return f"{field}@{secret_group}"

    def _secret_label(self, secret_group: SecretGroup, short_uuid: str | None = None) -> str:
        relation = self._relation()
        return runtime().peer_secret_label(
            self._backend(), relation.name, self.scope.value, secret_group
        )

    def get_secret_field(
        self,
        field: str,
        secret_group: SecretGroup,
        uri: str | None = None,
        short_uuid: str | None = None,
    ) -> Any:
        """A field of the scope's secret of a group, JSON-decoded when it is JSON.

        ``None`` when the secret or the field does not exist (and for another unit's secrets,
        which belong to that unit). A peer secret is found by its label: ``uri`` and
        ``short_uuid`` are accepted as the library accepts them, and not needed.
        """
        for key, text in self._read(_spec(field, secret_group)):
            if key == field:
                value = json.loads(text)
                if not isinstance(value, str):
                    return value
                try:
                    return json.loads(value)
                except json.JSONDecodeError:
                    return value
        return None

    def write_secret_field(self, field: str, value: Any, secret_group: SecretGroup) -> None:
        """Set a field of the scope's secret of a group (created on its first value)."""
        self._write(_spec(field, secret_group), [(field, _as_json(value))])

    def delete_secret_field(self, field: str, secret_group: SecretGroup) -> None:
        """Delete a field of the scope's secret of a group (the secret goes when empty)."""
        self._delete(_spec(field, secret_group), [field])

    # --- models ----------------------------------------------------------------------------

    def _build(self, model: type[PeerModel]) -> PeerModel:
        values = {key: json.loads(text) for key, text in self._read(model.field_specs())}
        return model.model_validate(values)

    def _write_model(self, model: PeerModel) -> None:
        values = [(key, _as_json(value)) for key, value in model._peer_values()]
        self._write(type(model).field_specs(), values)


class OpsPeerUnitRepository(OpsPeerRepository):
    """This unit's data in a peer relation."""

    def __init__(self, model: Model, relation: Relation | None, component: Unit) -> None:
        super().__init__(model, relation, component)


class OpsOtherPeerUnitRepository(OpsPeerRepository):
    """Another unit's data in a peer relation; read only.

    Raises:
        ValueError: when built with the local unit.
    """

    def __init__(self, model: Model, relation: Relation | None, component: Unit) -> None:
        if component == model.unit:
            raise ValueError(f"Can't instantiate {type(self).__name__} with local unit.")
        super().__init__(model, relation, component)

    def _refuse_write(self) -> NoReturn:
        """Hands the write to the component, which refuses it: another unit's data is read only.

        The refusal (a ``read-only`` protocol error, in the library's words) is raised as the
        library raises it, a ``NotImplementedError``. The component decides before it reads
        anything, so this works without a relation as well.
        """
        from ._native import ProtocolError

        relation = self.relation
        endpoint = relation.name if relation is not None else ""
        backend = OpsBackend(self.model, endpoint, addressed=relation)
        peer = held(self, {"endpoint": endpoint, "fields": []}, runtime().peer)
        try:
            peer.write(
                backend,
                -1 if relation is None else relation.id,
                "other-unit",
                [],
                self.component.name,
            )
        except ProtocolError as error:
            if error.kind == "read-only":
                raise NotImplementedError(error.reason) from None
            raise
        raise RuntimeError("the component wrote another unit's peer data")

    def write_field(self, field: str, value: Any) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def write_fields(self, mapping: dict[str, Any]) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def write_secret_field(self, field: str, value: Any, secret_group: SecretGroup) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def delete_field(self, field: str) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def delete_fields(self, *fields: str) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def delete_secret_field(self, field: str, secret_group: SecretGroup) -> None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def add_secret(
        self, field: str, value: Any, secret_group: SecretGroup, short_uuid: str | None = None
    ) -> CachedSecret | None:
        """Not possible: raises ``NotImplementedError``."""
        self._refuse_write()

    def _write_model(self, model: PeerModel) -> None:
        self._refuse_write()
