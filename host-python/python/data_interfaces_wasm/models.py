"""Request and response models: typed, lightweight, no pydantic.

A model is a plain class whose fields are its annotations. Construct it with keywords, by
field name or by wire key (``request_id=...`` or ``**{"request-id": ...}``); read fields as
attributes or dict-style by wire key (``model["request-id"]``). Unknown keywords are kept as
extra fields, like ``extra="allow"`` in ``dpcharmlibs.interfaces``.

Subclasses add fields with annotations::

    class KafkaLikeRequest(RequirerCommonModel):
        consumer_group_prefix: str | None = None
        operator_password: ExtraSecretStr = None

The wire key of a field is its name with ``_`` replaced by ``-``; an ``Annotated[..., "<group>"]``
annotation (see :mod:`data_interfaces_wasm.types`) makes it a secret field of that group.
The models make no protocol decision: what is written where, which secret holds what and
which values are valid is decided by the protocol component, to which a model travels as the
contract's record (standard fields) plus ``extra`` fields as JSON text.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, TypeVar, Union

from ._runtime import gen_hash, gen_salt
from .types import (
    EntitySecretStr,
    ExtraSecretStr,
    MtlsSecretStr,
    RequestedEntitySecretStr,
    SecretString,
    TlsSecretBool,
    TlsSecretStr,
    UserSecretStr,
)

if TYPE_CHECKING:
    from typing_extensions import Self

SECRET_PREFIX = "secret-"
"""Prefix of the databag keys that hold secret URIs."""

CROSS_MODEL_RELATION_CONSUMER_SECRETS = ["mtls-cert", "entity-name", "entity-password", "password"]
"""Request keys that are encrypted (or nulled) on the wire, see the specification section 1.7."""

# The standard fields of the contract's `request` and `response` records (host plumbing: these
# travel as typed record fields, everything else as `extra`).
_REQUEST_FIELDS = (
    "resource",
    "request_id",
    "salt",
    "extra_user_roles",
    "extra_group_roles",
    "external_node_connectivity",
    "entity_type",
    "entity_permissions",
    "secret_mtls",
    "mtls_cert",
    "secret_requested_entity",
    "entity_name",
    "entity_password",
    "prefix_matching",
)
_RESPONSE_FIELDS = (
    "resource",
    "request_id",
    "salt",
    "endpoints",
    "read_only_endpoints",
    "secret_user",
    "secret_tls",
    "secret_extra",
    "secret_entity",
    "username",
    "password",
    "uris",
    "read_only_uris",
    "tls",
    "tls_ca",
    "entity_name",
    "entity_password",
    "version",
    "prefix_resources",
)
_STANDARD = {"request": frozenset(_REQUEST_FIELDS), "response": frozenset(_RESPONSE_FIELDS)}

_MISSING: Any = object()
_MASK = "**********"


@dataclass(frozen=True)
class FieldInfo:
    """What the host knows about a model field."""

    name: str
    """The attribute name."""
    key: str
    """The wire key (dashed)."""
    secret_group: str | None
    """The secret group, for a secret field."""
    default: Any
    """The default value (copied for each instance when mutable)."""
    standard: bool
    """Whether the field is one of the contract record's typed fields."""


def _secret_group(hint: Any) -> str | None:
    """The secret group named by an ``Annotated`` hint, if any."""
    if typing.get_origin(hint) is Annotated:
        groups = [m for m in hint.__metadata__ if isinstance(m, str)]
        if len(groups) == 1:
            return groups[0]
    return None


def _default_of(value: Any) -> Any:
    """A class attribute as a default; a pydantic ``FieldInfo`` gives its own default."""
    if type(value).__name__ == "FieldInfo" and hasattr(value, "default"):
        factory = getattr(value, "default_factory", None)
        if callable(factory):
            return factory()
        default = value.default
        return None if type(default).__name__ == "PydanticUndefinedType" else default
    return value


def _hints(cls: type) -> dict[str, Any]:
    """The class's resolved annotations; unresolvable ones stay as written."""
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except Exception:  # a forward reference that cannot be resolved: resolve what can be
        hints: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            module = sys.modules.get(klass.__module__)
            namespace = dict(vars(module)) if module else {}
            for name, hint in klass.__dict__.get("__annotations__", {}).items():
                if isinstance(hint, str):
                    with contextlib.suppress(Exception):  # kept as written
                        hint = eval(hint, namespace, dict(vars(klass)))
                hints[name] = hint
        return hints


def _is_classvar(hint: Any) -> bool:
    if isinstance(hint, str):
        return hint.startswith(("ClassVar", "typing.ClassVar"))
    return hint is ClassVar or typing.get_origin(hint) is ClassVar


class BaseCommonModel:
    """Base of the request and response models: fields from annotations, dict-style access."""

    _wit_kind: ClassVar[str | None] = None
    _key_aliases: ClassVar[dict[str, str]] = {}
    _generated: ClassVar[frozenset[str]] = frozenset()
    """Fields without a class default whose value is generated on first read."""

    # Per-instance state (set in __init__ / _from_wit).
    _extra: dict[str, Any]
    _fields_set: set[str]

    # --- class-level field table ---------------------------------------------------------

    @classmethod
    def model_fields(cls) -> dict[str, FieldInfo]:
        """The fields of the model, by attribute name."""
        cached = cls.__dict__.get("_field_table")
        if cached is not None:
            return cached
        standard = _STANDARD.get(cls._wit_kind or "", frozenset())
        fields: dict[str, FieldInfo] = {}
        hints = _hints(cls)
        for klass in reversed(cls.__mro__):
            for name in klass.__dict__.get("__annotations__", {}):
                if name.startswith("_"):
                    continue
                hint = hints.get(name)
                if _is_classvar(hint):
                    continue
                if hasattr(cls, name):
                    default = _default_of(getattr(cls, name))
                else:
                    default = _MISSING if name in cls._generated else None
                fields[name] = FieldInfo(
                    name=name,
                    key=name.replace("_", "-"),
                    secret_group=_secret_group(hint),
                    default=default,
                    standard=name in standard,
                )
        cls._field_table = fields  # type: ignore[attr-defined]
        keys = {f.key: f.name for f in fields.values()}
        keys.update(cls._key_aliases)
        cls._key_table = keys  # type: ignore[attr-defined]
        cls._extra_specs = [  # type: ignore[attr-defined]
            {"key": f.key, "secret_group": f.secret_group}
            for f in fields.values()
            if not f.standard
        ]
        return fields

    @classmethod
    def _name_of(cls, key: str) -> str | None:
        cls.model_fields()
        name = cls.__dict__["_key_table"].get(key)
        if name is None and key in cls.__dict__["_field_table"]:
            name = key
        return name

    @classmethod
    def field_specs(cls) -> list[dict[str, Any]]:
        """The fields this model adds to the contract's record: wire key and secret group."""
        cls.model_fields()
        return [dict(spec) for spec in cls.__dict__["_extra_specs"]]

    # --- construction ----------------------------------------------------------------------

    def __init__(self, **data: Any) -> None:
        fields = type(self).model_fields()
        object.__setattr__(self, "_extra", {})
        object.__setattr__(self, "_fields_set", set())
        given: dict[str, Any] = {}
        for key, value in data.items():
            name = type(self)._name_of(key)
            if name is None:
                self._extra[key] = value
            else:
                given[name] = value
        for name, info in fields.items():
            if name in given:
                object.__setattr__(self, name, self._coerce(name, given[name]))
                self._fields_set.add(name)
            else:
                self._set_default(info)

    def _set_default(self, info: FieldInfo) -> None:
        default = info.default
        if default is _MISSING:
            return  # generated on first read (the salt)
        if isinstance(default, (list, dict, set)):
            default = copy.deepcopy(default)
        object.__setattr__(self, info.name, default)

    def _coerce(self, name: str, value: Any) -> Any:
        """Hook for subclasses: turn an input value into the field's type."""
        return value

    @classmethod
    def _from_wit(cls, record: dict[str, Any]) -> Self:
        """A model from the contract's record (as the native module gives it)."""
        fields = cls.model_fields()
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_extra", {})
        object.__setattr__(obj, "_fields_set", set())
        for name, info in fields.items():
            if info.standard and name in record:
                value = record[name]
                object.__setattr__(obj, name, obj._coerce(name, value))
                if value is not None:
                    obj._fields_set.add(name)
            else:
                obj._set_default(info)
        for key, text in (record.get("extra") or {}).items():
            value = json.loads(text)
            name = cls._name_of(key)
            if name is not None:
                object.__setattr__(obj, name, obj._coerce(name, value))
                if value is not None:
                    obj._fields_set.add(name)
            else:
                obj._extra[key] = value
        return obj

    def _to_wit(self) -> dict[str, Any]:
        """The contract's record for this model (standard fields, and ``extra`` as JSON)."""
        fields = type(self).model_fields()
        record: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for name, info in fields.items():
            value = getattr(self, name)
            if info.standard:
                record[name] = self._plain(value)
            else:
                extra[info.key] = json.dumps(self._plain(value))
        for key, value in self._extra.items():
            extra[key] = json.dumps(self._plain(value))
        record["extra"] = extra
        return record

    @staticmethod
    def _plain(value: Any) -> Any:
        if isinstance(value, list):
            return [BaseCommonModel._plain(v) for v in value]
        if hasattr(value, "model_dump"):
            return value.model_dump()
        return value

    # --- attribute and dict-style access ---------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_extra", "_fields_set"):
            raise AttributeError(name)
        extra = self.__dict__.get("_extra", {})
        for key in (name, name.replace("_", "-")):
            if key in extra:
                return extra[key]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        fields = type(self).model_fields()
        if name in fields:
            object.__setattr__(self, name, self._coerce(name, value))
            self._fields_set.add(name)
        elif name.startswith("_") or hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            self._extra[name] = value

    def __delattr__(self, name: str) -> None:
        fields = type(self).model_fields()
        if name in fields:
            self._set_default(fields[name])
            self._fields_set.discard(name)
        elif name in self._extra:
            del self._extra[name]
        else:
            object.__delattr__(self, name)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key.replace("-", "_"))
        except AttributeError:
            raise KeyError(f"{key} is not present in the model") from None

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key.replace("-", "_"), value)

    def __delitem__(self, key: str) -> None:
        try:
            delattr(self, key.replace("-", "_"))
        except AttributeError:
            raise KeyError(f"{key} is not present in the model.") from None

    # --- helpers -----------------------------------------------------------------------------

    @property
    def model_fields_set(self) -> set[str]:
        """The fields that were given explicitly (at construction or by assignment)."""
        return set(self._fields_set)

    @property
    def model_extra(self) -> dict[str, Any]:
        """The extra (undeclared) fields, by key."""
        return dict(self._extra)

    def update(self, model: BaseCommonModel) -> Self:
        """Copy the fields explicitly set on ``model``, except ``salt`` and ``request_id``."""
        for name in model.model_fields_set:
            if name not in ("salt", "request_id"):
                setattr(self, name, getattr(model, name))
        return self

    def model_dump(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The model as a dict by field name; secret fields are left out, as in the wire dump."""
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields().items():
            if info.secret_group is not None:
                continue
            value = self._plain(getattr(self, name))
            if value is None and exclude_none:
                continue
            out[name] = value
        for key, value in self._extra.items():
            if value is None and exclude_none:
                continue
            out[key] = self._plain(value)
        return out

    def _items(self) -> Iterator[tuple[str, Any]]:
        for name in type(self).model_fields():
            yield name, getattr(self, name)
        yield from self._extra.items()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, BaseCommonModel)
        return list(self._items()) == list(other._items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = type(self).model_fields()
        parts = []
        for name, value in self._items():
            info = fields.get(name)
            if info is not None and info.secret_group is not None and value is not None:
                value = _MASK  # secret values never reach debug output
            parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class CommonModel(BaseCommonModel):
    """Fields shared by requests and responses.

    ``salt`` defaults to a fresh salt, generated by the protocol component on first read.
    """

    _generated: ClassVar[frozenset[str]] = frozenset({"salt"})

    resource: str = ""
    request_id: str | None = None
    salt: str

    def __getattr__(self, name: str) -> Any:
        if name == "salt":
            salt = gen_salt()
            object.__setattr__(self, "salt", salt)
            return salt
        return super().__getattr__(name)

    @property
    def short_uuid(self) -> str | None:
        """The request id, or the hash of resource and salt when there is none."""
        if self.request_id:
            return self.request_id
        return gen_hash(self.resource, self.salt)


class EntityPermissionModel:
    """One permission of a requested entity (keys stay underscored on the wire)."""

    def __init__(self, resource_name: str, resource_type: str, privileges: list[Any]) -> None:
        self.resource_name = resource_name
        self.resource_type = resource_type
        self.privileges = list(privileges)

    def model_dump(self) -> dict[str, Any]:
        """The permission as a dict."""
        return {
            "resource_name": self.resource_name,
            "resource_type": self.resource_type,
            "privileges": list(self.privileges),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntityPermissionModel):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"EntityPermissionModel(resource_name={self.resource_name!r}, "
            f"resource_type={self.resource_type!r}, privileges={self.privileges!r})"
        )


class RequirerCommonModel(CommonModel):
    """A request, as a requirer makes it."""

    _wit_kind: ClassVar[str | None] = "request"
    _key_aliases: ClassVar[dict[str, str]] = {
        "requested-entity-secret": "secret_requested_entity",
        "database": "resource",
        "subject": "resource",
        "topic": "resource",
        "index": "resource",
        "plugin-url": "resource",
        "prefix": "resource",
    }

    extra_user_roles: str | None = None
    extra_group_roles: str | None = None
    external_node_connectivity: bool = False
    entity_type: Literal["USER", "GROUP"] | None = None
    entity_permissions: list[EntityPermissionModel] | None = None
    secret_mtls: SecretString | None = None
    mtls_cert: MtlsSecretStr = None
    secret_requested_entity: SecretString | None = None
    entity_name: RequestedEntitySecretStr = None
    entity_password: RequestedEntitySecretStr = None
    prefix_matching: Literal["all", "only-existing"] | None = None

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "entity_permissions" and value is not None:
            return [EntityPermissionModel(**p) if isinstance(p, dict) else p for p in value]
        return value


class ProviderCommonModel(CommonModel):
    """The plain fields of a response."""

    _wit_kind: ClassVar[str | None] = "response"

    endpoints: str | None = None
    read_only_endpoints: str | None = None
    secret_user: SecretString | None = None
    secret_tls: SecretString | None = None
    secret_extra: SecretString | None = None
    secret_entity: SecretString | None = None


class ResourceProviderModel(ProviderCommonModel):
    """A response, as a provider writes it and a requirer reads it."""

    username: UserSecretStr = None
    password: UserSecretStr = None
    uris: UserSecretStr = None
    read_only_uris: UserSecretStr = None
    tls: TlsSecretBool = None
    tls_ca: TlsSecretStr = None
    entity_name: EntitySecretStr = None
    entity_password: EntitySecretStr = None
    version: str | None = None
    prefix_resources: str | None = None


class PeerModel(BaseCommonModel):
    """Base of the data models of peer relations (no fields of its own).

    Subclasses declare their fields with annotations: a plain field lives in the peer databag
    under its wire key, a secret field (``ExtraSecretStr``, or ``Annotated[str | None,
    "<group>"]``) in the scope's secret of its group. Undeclared keys are kept as extra
    fields. See :mod:`data_interfaces_wasm.peers`.
    """

    def _peer_values(self) -> list[tuple[str, Any]]:
        """Every field by wire key (``None`` when unset), then the extra fields."""
        values = [(info.key, getattr(self, name)) for name, info in self.model_fields().items()]
        values.extend(self._extra.items())
        return values


class KafkaRequestModel(RequirerCommonModel):
    """A Kafka request."""

    consumer_group_prefix: str | None = None


class KafkaResponseModel(ResourceProviderModel):
    """A Kafka response."""

    consumer_group_prefix: ExtraSecretStr = None
    zookeeper_uris: ExtraSecretStr = None


class ValkeyResponseModel(ResourceProviderModel):
    """A Valkey response."""

    sentinel_endpoints: str | None = None
    mode: str | None = None


DataContractV0 = ResourceProviderModel
"""A v0 (flat) response."""

TRequest = TypeVar("TRequest", bound=RequirerCommonModel)
TResponse = TypeVar("TResponse", bound=ResourceProviderModel)


class RequirerDataContractV1(Generic[TRequest]):
    """A requirer's application databag in v1: the contract version and the requests."""

    def __init__(self, requests: list[TRequest] | None = None, version: str = "v1") -> None:
        self.version = version
        self.requests: list[TRequest] = list(requests or [])


RequirerDataContractV0 = RequirerCommonModel
"""A v0 (flat) request: the requirer's whole application databag read as one request."""

RequirerDataContractType = Union[RequirerDataContractV0, RequirerDataContractV1]  # noqa: UP007
"""A requirer's application databag, in either version."""


class DataContractV1(Generic[TResponse]):
    """A provider's application databag in v1: the contract version and the responses."""

    def __init__(self, requests: list[TResponse] | None = None, version: str = "v1") -> None:
        self.version = version
        self.requests: list[TResponse] = list(requests or [])


class RelationStatus:
    """A status a provider raises on a relation."""

    def __init__(self, code: int, message: str, resolution: str) -> None:
        self.code = int(code)
        self.message = message
        self.resolution = resolution

    @property
    def is_informational(self) -> bool:
        """Whether this is an informational status (1xxx)."""
        return self.code // 1000 == 1

    @property
    def is_transitory(self) -> bool:
        """Whether this is a transitory status (4xxx)."""
        return self.code // 1000 == 4

    @property
    def is_fatal(self) -> bool:
        """Whether this is a fatal status (5xxx), requiring the relation to be removed."""
        return self.code // 1000 == 5

    def model_dump(self) -> dict[str, Any]:
        """The status as a dict."""
        return {"code": self.code, "message": self.message, "resolution": self.resolution}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RelationStatus):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"RelationStatus(code={self.code!r}, message={self.message!r}, "
            f"resolution={self.resolution!r})"
        )
