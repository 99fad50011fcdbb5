"""Request and response models, with pydantic's model API and without pydantic.

These are the models of ``dpcharmlibs.interfaces`` 1.2.2, declared as it declares them (same
fields, aliases, defaults, secret groups and validators), on :class:`._modelling.Model`,
which offers pydantic ``BaseModel``'s API (``model_validate``, ``model_dump``,
``model_dump_json``, ``model_copy``, ``model_fields``, ...) with the same results. Construct
a model with keywords, by field name or by wire key (``request_id=...`` or
``**{"request-id": ...}``); read fields as attributes or dict-style by wire key
(``model["request-id"]``). Unknown keys are kept as extra fields (``extra="allow"``).

Subclasses add fields with annotations, with pydantic's ``Field``, validators and
serializers when the charm uses pydantic, or without them::

    class KafkaLikeRequest(RequirerCommonModel):
        consumer_group_prefix: str | None = None
        operator_password: ExtraSecretStr = None

The wire key of a field is its alias (its name with ``_`` replaced by ``-``); an
``Annotated[..., "<group>"]`` annotation (see :mod:`data_interfaces_wasm.types`) makes it a
secret field of that group. The models make no protocol decision: what is written where, which
secret holds what and which values are valid on the wire is decided by the protocol component,
to which a model travels as the contract's record (standard fields) plus ``extra`` fields as
JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, TypeVar, Union

from ._compat import ContractAdapter
from ._errors import ValidationError
from ._fields import AfterValidator, AliasChoices, Field, FieldInfo, model_validator
from ._modelling import Model
from ._runtime import gen_hash, gen_salt
from ._serialization import Options, dump_value
from .errors import SecretError, SecretsUnavailableError
from .types import (
    EntitySecretStr,
    ExtraSecretStr,
    MtlsSecretStr,
    OptionalSecretBool,
    OptionalSecrets,
    RequestedEntitySecretStr,
    SecretGroup,
    SecretString,
    TlsSecretBool,
    TlsSecretStr,
    UserSecretStr,
)

if TYPE_CHECKING:
    from typing_extensions import Self

# The names of the library's models module (its re-exports included), and `ValidationError`.
__all__ = [
    "CROSS_MODEL_RELATION_CONSUMER_SECRETS",
    "RESOURCE_ALIASES",
    "SECRET_PREFIX",
    "BaseCommonModel",
    "CommonModel",
    "DataContract",
    "DataContractV0",
    "DataContractV1",
    "EntityPermissionModel",
    "FieldInfo",
    "KafkaRequestModel",
    "KafkaResponseModel",
    "OptionalSecretBool",
    "OptionalSecrets",
    "PeerModel",
    "ProviderCommonModel",
    "RelationStatus",
    "RequirerCommonModel",
    "RequirerDataContract",
    "RequirerDataContractType",
    "RequirerDataContractV0",
    "RequirerDataContractV1",
    "ResourceProviderModel",
    "SecretError",
    "SecretsUnavailableError",
    "TCommonModel",
    "TRequirerCommonModel",
    "TResourceProviderModel",
    "ValidationError",
    "ValkeyResponseModel",
    "discriminate_on_version",
    "is_topic_value_acceptable",
]

SECRET_PREFIX = "secret-"
"""Prefix of the databag keys that hold secret URIs."""

CROSS_MODEL_RELATION_CONSUMER_SECRETS = ["mtls-cert", "entity-name", "entity-password", "password"]
"""Request keys that are encrypted (or nulled) on the wire, see the specification section 1.7."""

SEND_CLEARED = True
"""Whether ``_to_wit`` sends the wire keys of the fields explicitly set to ``None``."""

RESOURCE_ALIASES = ["database", "subject", "topic", "index", "plugin-url", "prefix"]
"""The request keys that name the resource (the component's ``resource_aliases()`` holds the
same list; a test checks they agree). Here so that validating a request needs no runtime."""
_RESOURCE_ALIASES = tuple(RESOURCE_ALIASES)

# The contract's record fields that are no model field: the record's list of the model's other
# fields (as JSON text) and, in a response, the keys a charm set to none.
_RECORD_PLUMBING = frozenset({"extra", "cleared"})
# The standard fields of the contract's `request` and `response` records, by record (host
# plumbing: these travel as typed record fields, everything else as `extra`), read from the
# native module's record types when a model class first needs them.
_STANDARD: dict[str, frozenset[str]] = {}


def _record_fields(record: str) -> frozenset[str]:
    """The typed fields of the contract's ``record`` (``"request"`` or ``"response"``)."""
    fields = _STANDARD.get(record)
    if fields is None:
        from ._native import record_fields

        fields = _STANDARD[record] = frozenset(record_fields(record)) - _RECORD_PLUMBING
    return fields


_PYTHON = Options()
_JSON = Options(mode="json")


def _dashed(name: str) -> str:
    """The alias generator of the models: ``request_id`` -> ``request-id``."""
    return name.replace("_", "-")


def _common_config() -> dict[str, Any]:
    return {
        "validate_by_name": True,
        "validate_by_alias": True,
        "populate_by_name": True,
        "serialize_by_alias": True,
        "alias_generator": _dashed,
        "extra": "allow",
    }


class BaseCommonModel(Model):
    """Base of the request and response models: aliases by dashes, extra keys kept."""

    model_config = _common_config()

    _wit_kind: ClassVar[str | None] = None
    _hybrid_fields = frozenset(k.replace("-", "_") for k in CROSS_MODEL_RELATION_CONSUMER_SECRETS)

    # --- host plumbing ---------------------------------------------------------------------

    @classmethod
    def _standard_fields(cls) -> frozenset[str]:
        return _record_fields(cls._wit_kind) if cls._wit_kind else frozenset()

    @classmethod
    def _name_of(cls, key: str) -> str | None:
        """The field read from a key (wire key, alias or name), else ``None``."""
        names: dict[str, str] | None = cls.__dict__.get("__key_names__")
        if names is None:
            names = {}
            table = cls._table()
            for name, info in table.fields.items():
                names.setdefault(name, name)
                names.setdefault(info.key, name)
                for path in table.alias_paths[name]:
                    if len(path) == 1 and isinstance(path[0], str):
                        names.setdefault(path[0], name)
            type.__setattr__(cls, "__key_names__", names)
        return names.get(key)

    @classmethod
    def field_specs(cls) -> list[dict[str, Any]]:
        """The fields this model adds to the contract's record: wire key and secret group."""
        return [
            {"key": info.key, "secret_group": info.secret_group}
            for info in cls._fields_info().values()
            if not info.standard
        ]

    @classmethod
    def _from_wit(cls, record: dict[str, Any]) -> Self:
        """A model from the contract's record (as the native module gives it), validated.

        A field is set when the record gives it a value; extra keys are kept as they come.
        """
        data: dict[str, Any] = {}
        for name, info in cls._fields_info().items():
            if info.standard and record.get(name) is not None:
                data[name] = record[name]
        for key, text in (record.get("extra") or {}).items():
            value = json.loads(text)
            name = cls._name_of(key)
            if name is None:
                data[key] = value
            elif value is not None:
                data[name] = value
        return cls.model_validate(data, by_name=True)

    def _value(self, name: str) -> Any:
        """A field's value (``None`` for a field deleted with ``del``)."""
        if name in self.__dict__:
            return self.__dict__[name]
        return getattr(self, name) if name in self._table().lazy else None

    def _extra_items(self) -> list[tuple[str, Any]]:
        return list((self.model_extra or {}).items())

    def _to_wit(self) -> dict[str, Any]:
        """The contract's record for this model (standard fields, and ``extra`` as JSON).

        ``cleared`` lists the wire keys of the fields explicitly set to ``None``.
        """
        record: dict[str, Any] = {}
        extra: dict[str, str] = {}
        cleared: list[str] = []
        for name, info in self._fields_info().items():
            value = self._value(name)
            if info.standard:
                record[name] = dump_value(value, _PYTHON)
            else:
                extra[info.key] = json.dumps(dump_value(value, _JSON))
            if value is None and name in self.model_fields_set:
                cleared.append(info.key)
        for key, value in self._extra_items():
            extra[key] = json.dumps(dump_value(value, _JSON))
            if value is None:
                cleared.append(key)
        record["extra"] = extra
        if SEND_CLEARED:
            record["cleared"] = cleared
        return record

    # --- the library's API -----------------------------------------------------------------

    def update(self, model: BaseCommonModel) -> Self:
        """Copy the fields explicitly set on ``model``, except ``salt`` and ``request_id``."""
        for item in model.model_fields_set:
            if item not in ("salt", "request_id"):
                setattr(self, item, getattr(model, item))
        return self

    @classmethod
    def _get_secret_field(cls, field: str) -> SecretGroup | None:
        """The group of a ``secret-<group>`` key declared as a secret URI field, else ``None``."""
        if not field.startswith(SECRET_PREFIX):
            return None
        info = cls._fields_info().get(field.replace("-", "_"))
        if info is not None and SecretString in _union_members(info.annotation):
            return SecretGroup(field.split("-")[1])
        return None

    @property
    def short_uuid(self) -> str | None:
        """The request id (none for this model)."""
        return None

    def extract_secrets(self, info: Any = None) -> Self:
        """The library's after-validator that read secret fields through a repository.

        A no-op here: secret fields reach a model through the protocol component.
        """
        return self

    def serialize_model(self, handler: Callable[[Any], Any], info: Any = None) -> Any:
        """The library's model serializer, for a subclass that overrides it and calls it.

        The dump itself: secret fields reach their secrets through the protocol component,
        not through the dump's ``context``.
        """
        return handler(self)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if not name.startswith("__"):
                extra = object.__getattribute__(self, "_extra")
                dashed = name.replace("_", "-")
                if dashed in extra:
                    return extra[dashed]
            raise

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key.replace("-", "_"))
        except AttributeError:
            raise KeyError(f"{key} is not present in the model") from None

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key.replace("-", "_"), value)

    def __delitem__(self, key: str) -> None:
        name = key.replace("-", "_")
        extra = self.model_extra or {}
        try:
            if name not in self._fields_info() and key in extra:
                del extra[key]
            else:
                delattr(self, name)
        except AttributeError:
            raise KeyError(f"{key} is not present in the model.") from None


def _union_members(annotation: Any) -> tuple[Any, ...]:
    from typing import get_args

    return get_args(annotation) or (annotation,)


class CommonModel(BaseCommonModel):
    """Fields shared by requests and responses.

    ``salt`` defaults to a fresh salt, generated by the protocol component on first read (not
    at construction, which needs no runtime).
    """

    model_config = _common_config()
    _lazy_fields = frozenset({"salt"})

    resource: str = Field(validation_alias=AliasChoices(*_RESOURCE_ALIASES), default="")
    request_id: str | None = Field(default=None)
    salt: str = Field(
        description="This salt is used to create unique hashes even when other fields map 1-1",
        default_factory=gen_salt,
    )

    @property
    def short_uuid(self) -> str | None:
        """The request id, or the hash of resource and salt when there is none."""
        return self.request_id or gen_hash(self.resource, self.salt)


class EntityPermissionModel(Model):
    """One permission of a requested entity (keys stay underscored on the wire)."""

    resource_name: str
    resource_type: str
    privileges: list

    def __init__(self, /, *args: Any, **data: Any) -> None:
        """Build from keywords (or, unlike pydantic, positionally in field order)."""
        data.update(zip(("resource_name", "resource_type", "privileges"), args, strict=False))
        super().__init__(**data)


class RequirerCommonModel(CommonModel):
    """A request, as a requirer makes it.

    ``extra_user_roles`` asks for more roles for the user; ``external_node_connectivity`` for
    a URI usable from outside the cluster.
    """

    _wit_kind: ClassVar[str | None] = "request"

    extra_user_roles: str | None = Field(default=None)
    extra_group_roles: str | None = Field(default=None)
    external_node_connectivity: bool = Field(default=False)
    entity_type: Literal["USER", "GROUP"] | None = Field(default=None)
    entity_permissions: list[EntityPermissionModel] | None = Field(default=None)
    secret_mtls: SecretString | None = Field(default=None)
    mtls_cert: MtlsSecretStr | str = Field(default=None)
    secret_requested_entity: SecretString | None = Field(
        default=None,
        validation_alias=AliasChoices("requested-entity-secret", "secret-requested-entity"),
    )
    entity_name: RequestedEntitySecretStr | str = Field(default=None)
    entity_password: RequestedEntitySecretStr | str = Field(
        default=None, serialization_alias="password"
    )
    prefix_matching: Literal["all", "only-existing"] | None = Field(default=None)

    @model_validator(mode="after")
    def validate_fields(self) -> Self:
        """Refuse an inconsistent request (the library's messages)."""
        if self.entity_type and self.entity_type not in ["USER", "GROUP"]:
            raise ValueError("Invalid entity-type. Possible values are USER and GROUP")
        if self.entity_type == "USER" and self.extra_group_roles:
            raise ValueError("Inconsistent entity information. Use extra_user_roles instead")
        if self.entity_type == "GROUP" and self.extra_user_roles:
            raise ValueError("Inconsistent entity information. Use extra_group_roles instead")
        if self.entity_password and not self.entity_name:
            raise ValueError("Unable to set entity password without an entity name")
        return self


class ProviderCommonModel(CommonModel):
    """The plain fields of a response: endpoints and the URIs of the secrets."""

    _wit_kind: ClassVar[str | None] = "response"

    endpoints: str | None = Field(default=None)
    read_only_endpoints: str | None = Field(default=None)
    secret_user: SecretString | None = Field(default=None)
    secret_tls: SecretString | None = Field(default=None)
    secret_extra: SecretString | None = Field(default=None)
    secret_entity: SecretString | None = Field(default=None)


class ResourceProviderModel(ProviderCommonModel):
    """A response, as a provider writes it and a requirer reads it (secret fields included)."""

    username: UserSecretStr = Field(default=None)
    password: UserSecretStr = Field(default=None)
    uris: UserSecretStr = Field(default=None)
    read_only_uris: UserSecretStr = Field(default=None)
    tls: TlsSecretBool = Field(default=None)
    tls_ca: TlsSecretStr = Field(default=None)
    entity_name: EntitySecretStr = Field(default=None)
    entity_password: EntitySecretStr = Field(default=None)
    version: str | None = Field(default=None)
    prefix_resources: str | None = Field(default=None)


class PeerModel(BaseCommonModel):
    """Base of the data models of peer relations (no fields of its own).

    Subclasses declare their fields with annotations: a plain field lives in the peer databag
    under its wire key, a secret field (``ExtraSecretStr``, or ``Annotated[str | None,
    "<group>"]``) in the scope's secret of its group. Undeclared keys are kept as extra
    fields. See :mod:`data_interfaces_wasm.repository`.
    """

    model_config = _common_config()

    def _peer_values(self) -> list[tuple[str, Any]]:
        """Every field by wire key (``None`` when unset), then the extra fields."""
        values = [(info.key, self._value(name)) for name, info in self._fields_info().items()]
        values.extend(self._extra_items())
        return values


def is_topic_value_acceptable(value: str | None) -> str | None:
    """Refuse a Kafka topic value with a wildcard in its first three characters."""
    if value and "*" in value[:3]:
        raise ValueError(f"Error on topic '{value}',, unacceptable value.")
    return value


class KafkaRequestModel(RequirerCommonModel):
    """A Kafka request (``consumer_group_prefix`` may not start with a wildcard)."""

    consumer_group_prefix: Annotated[str | None, AfterValidator(is_topic_value_acceptable)] = (
        Field(default=None)
    )


class KafkaResponseModel(ResourceProviderModel):
    """A Kafka response."""

    consumer_group_prefix: ExtraSecretStr = Field(default=None)
    zookeeper_uris: ExtraSecretStr = Field(default=None)


class ValkeyResponseModel(ResourceProviderModel):
    """A Valkey response."""

    sentinel_endpoints: str | None = Field(default=None)
    mode: str | None = Field(default=None)


class RelationStatus(Model):
    """A status a provider raises on a relation."""

    code: int
    message: str
    resolution: str

    def __init__(self, /, *args: Any, **data: Any) -> None:
        """Build from keywords (or, unlike pydantic, positionally in field order)."""
        data.update(zip(("code", "message", "resolution"), args, strict=False))
        super().__init__(**data)

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


class RequirerDataContractV0(RequirerCommonModel):
    """A v0 (flat) request: the requirer's whole application databag read as one request.

    ``original_field`` records which of the resource's keys (``database``, ``topic``, ...) the
    requirer used.
    """

    version: Literal["v0"] = Field(default="v0")
    encryption_secret: str | None = Field(default=None)
    original_field: str = Field(exclude=True, default="")

    @model_validator(mode="before")
    @classmethod
    def ensure_original_field(cls, data: Any) -> Any:
        """Record the resource key the data used (the input mapping is not changed)."""
        if isinstance(data, dict):
            for alias in _RESOURCE_ALIASES:
                if data.get(alias) is not None:
                    return {**data, "original_field": alias}
        return data


TResourceProviderModel = TypeVar("TResourceProviderModel", bound=ResourceProviderModel)
TRequirerCommonModel = TypeVar("TRequirerCommonModel", bound=RequirerCommonModel)


class RequirerDataContractV1(Model, Generic[TRequirerCommonModel]):
    """A requirer's application databag in v1: the contract version and the requests.

    ``RequirerDataContractV1[Model]`` validates each request as ``Model``.
    """

    version: Literal["v1"] = Field(default="v1")
    requests: list[TRequirerCommonModel] = Field(default_factory=list)
    encryption_secret: str | None = Field(default=None)


RequirerDataContractType = Union[RequirerDataContractV0, RequirerDataContractV1]  # noqa: UP007
"""A requirer's application databag, in either version."""


def discriminate_on_version(payload: Any) -> str:
    """The contract version of a requirer's databag (``v0`` when it names none)."""
    if isinstance(payload, dict):
        return payload.get("version", "v0")  # type: ignore[no-any-return]
    return getattr(payload, "version", "v0")  # type: ignore[no-any-return]


RequirerDataContract = ContractAdapter(
    "RequirerDataContractType",
    lambda data: RequirerDataContractV1
    if discriminate_on_version(data) == "v1"
    else RequirerDataContractV0,
)
"""Reads a requirer's databag as the contract of its version (``TypeAdapter``'s methods)."""


class DataContractV0(ResourceProviderModel):
    """A v0 (flat) response."""


class DataContractV1(Model, Generic[TResourceProviderModel]):
    """A provider's application databag in v1: the contract version and the responses.

    ``DataContractV1[Model]`` validates each response as ``Model``.
    """

    version: Literal["v1"] = Field(default="v1")
    requests: list[TResourceProviderModel] = Field(default_factory=list)
    encryption_secret: str | None = Field(default=None)


DataContract = ContractAdapter(
    "DataContractV1[ResourceProviderModel]", lambda data: DataContractV1[ResourceProviderModel]
)
"""Reads a provider's v1 databag (``TypeAdapter``'s methods)."""

TCommonModel = TypeVar("TCommonModel", bound=CommonModel)


def __getattr__(name: str) -> Any:
    # The library's models module re-exports the repository base; imported on first use (the
    # repository module imports this one).
    if name == "AbstractRepository":
        from .repository import AbstractRepository

        return AbstractRepository
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
