"""The Juju ``data_interfaces`` V1 relation protocol, run as one WebAssembly component.

A drop-in replacement for ``dpcharmlibs.interfaces`` (1.2.2): change the import line and the
charm speaks the same wire protocol, decided by the protocol component (``core``) that every
host (Python, Rust, the command line) shares::

    from data_interfaces_wasm import (
        RequirerCommonModel,
        ResourceProviderModel,
        ResourceRequirerEventHandler,
    )

Charms that vendor the single-file charm lib ``charms.data_platform_libs.v1.data_interfaces``
(LIBPATCH 3) switch the same way: the names that file offers beyond the package (its
``LIBID``/``LIBAPI``/``LIBPATCH``/``PYDEPS``, ``STATUS_FIELD``, ``RESOURCE_ALIASES``,
``MODEL_ERRORS``, ``discriminate_on_version``, ``is_topic_value_acceptable``, its type
variables, and the ``SecretNotFoundError`` and ``BaseModel`` it imports) are here too.

The models offer pydantic's model API without importing pydantic; the native module and the
component load on first use: the component precompiled inside the wheel (mapped from its file
in about a millisecond), else a copy compiled on this machine and cached in
``$DATA_INTERFACES_CACHE_DIR`` or the user's cache directory. ``BaseModel`` and ``psycopg2``
are imported only when a charm asks this module for them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ops.model import SecretNotFoundError

from ._runtime import gen_hash, gen_salt
from .diff import Diff, diff, resource_added, store_new_data
from .errors import (
    DataInterfacesError,
    IllegalOperationError,
    SecretAlreadyExistsError,
    SecretError,
    SecretsUnavailableError,
)
from .events import (
    STATUS_FIELD,
    AuthenticationUpdatedEvent,
    BulkResourcesRequestedEvent,
    MtlsCertUpdatedEvent,
    RequestRejectedEvent,
    ResourceCreatedEvent,
    ResourceEndpointsChangedEvent,
    ResourceEntityCreatedEvent,
    ResourceEntityPermissionsChangedEvent,
    ResourceEntityRequestedEvent,
    ResourcePrefixResourcesChangedEvent,
    ResourceProviderEvent,
    ResourceProvidesEvents,
    ResourceReadOnlyEndpointsChangedEvent,
    ResourceRequestedEvent,
    ResourceRequirerEvent,
    ResourceRequiresEvents,
    ResponseRejectedEvent,
    StatusEventBase,
    StatusRaisedEvent,
    StatusResolvedEvent,
)
from .handlers import (
    EventHandlers,
    ResourceProviderEventHandler,
    ResourceRequirerEventHandler,
)
from .models import (
    CROSS_MODEL_RELATION_CONSUMER_SECRETS,
    SECRET_PREFIX,
    BaseCommonModel,
    CommonModel,
    DataContract,
    DataContractV0,
    DataContractV1,
    EntityPermissionModel,
    KafkaRequestModel,
    KafkaResponseModel,
    PeerModel,
    ProviderCommonModel,
    RelationStatus,
    RequirerCommonModel,
    RequirerDataContract,
    RequirerDataContractType,
    RequirerDataContractV0,
    RequirerDataContractV1,
    ResourceProviderModel,
    TCommonModel,
    TRequirerCommonModel,
    TResourceProviderModel,
    ValidationError,
    ValkeyResponseModel,
    discriminate_on_version,
    is_topic_value_acceptable,
)
from .types import (
    EntitySecretStr,
    ExtraSecretStr,
    MtlsSecretStr,
    OptionalPathLike,
    OptionalSecretBool,
    OptionalSecrets,
    OptionalSecretStr,
    RelationStatusDict,
    RequestedEntitySecretStr,
    Scope,
    SecretGroup,
    SecretString,
    TlsSecretBool,
    TlsSecretStr,
    UserSecretStr,
)
from .utils import ensure_leader_for_app, get_encoded_dict

if TYPE_CHECKING:
    from ._native import HostError, LoadError, ProtocolError, SandboxError
    from .repository import (
        AbstractRepository,
        OpsOtherPeerUnitRepository,
        OpsPeerRepository,
        OpsPeerUnitRepository,
        OpsRelationRepository,
        OpsRepository,
    )
    from .repository_interfaces import (
        OpsOtherPeerUnitRepositoryInterface,
        OpsPeerRepositoryInterface,
        OpsPeerUnitRepositoryInterface,
        OpsRelationRepositoryInterface,
        RepositoryInterface,
        TCommon,
        TCommonBis,
        TPeerCommon,
        TRepository,
        build_model,
        write_model,
    )
    from .secrets import MODEL_ERRORS, CachedSecret, SecretCache

__version__ = "0.1.0"

LIBID = "6c3e6b6680d64e9c89e611d1a15f65be"
"""The Charmhub id of ``charms.data_platform_libs.v1.data_interfaces``, whose API this offers."""
LIBAPI = 1
"""The single-file lib's API version this package offers."""
LIBPATCH = 3
"""The single-file lib's patch level this package offers."""
PYDEPS = ["ops>=2.20"]
"""What this package needs besides itself (the single-file lib lists pydantic too)."""

logger = logging.getLogger(__name__)
"""The package's logger (the protocol component's log lines go to it)."""

_NATIVE_EXCEPTIONS = ("HostError", "LoadError", "ProtocolError", "SandboxError")
# The repositories, their interfaces and the secret cache: imported when a charm first asks for
# one of these names (a handler's `interface` imports them too), so a hook that uses none of
# them does not pay for loading them.
_LAZY = {
    "AbstractRepository": "repository",
    "OpsOtherPeerUnitRepository": "repository",
    "OpsPeerRepository": "repository",
    "OpsPeerUnitRepository": "repository",
    "OpsRelationRepository": "repository",
    "OpsRepository": "repository",
    "OpsOtherPeerUnitRepositoryInterface": "repository_interfaces",
    "OpsPeerRepositoryInterface": "repository_interfaces",
    "OpsPeerUnitRepositoryInterface": "repository_interfaces",
    "OpsRelationRepositoryInterface": "repository_interfaces",
    "RepositoryInterface": "repository_interfaces",
    "TCommon": "repository_interfaces",
    "TCommonBis": "repository_interfaces",
    "TPeerCommon": "repository_interfaces",
    "TRepository": "repository_interfaces",
    "build_model": "repository_interfaces",
    "write_model": "repository_interfaces",
    "CachedSecret": "secrets",
    "MODEL_ERRORS": "secrets",
    "SecretCache": "secrets",
}
# Loaded when asked for: what the single-file lib imports (pydantic's BaseModel, psycopg2 or
# None) costs an import a hook that does not use it should not pay; RESOURCE_ALIASES comes
# from the protocol component.
_ON_DEMAND = ("BaseModel", "RESOURCE_ALIASES", "psycopg2")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _NATIVE_EXCEPTIONS:
        from . import _native

        return getattr(_native, name)
    if name == "BaseModel":
        from pydantic import BaseModel

        return BaseModel
    if name == "RESOURCE_ALIASES":
        from .utils import RESOURCE_ALIASES

        return RESOURCE_ALIASES
    if name == "psycopg2":
        try:
            import psycopg2  # type: ignore[import-not-found]
        except ImportError:
            return None
        return psycopg2
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NATIVE_EXCEPTIONS) | set(_ON_DEMAND) | set(_LAZY))


__all__ = [
    "CROSS_MODEL_RELATION_CONSUMER_SECRETS",
    "LIBAPI",
    "LIBID",
    "LIBPATCH",
    "MODEL_ERRORS",
    "PYDEPS",
    "SECRET_PREFIX",
    "STATUS_FIELD",
    "AbstractRepository",
    "AuthenticationUpdatedEvent",
    "BaseCommonModel",
    "BulkResourcesRequestedEvent",
    "CachedSecret",
    "CommonModel",
    "DataContract",
    "DataContractV0",
    "DataContractV1",
    "DataInterfacesError",
    "Diff",
    "EntityPermissionModel",
    "EntitySecretStr",
    "EventHandlers",
    "ExtraSecretStr",
    "HostError",
    "IllegalOperationError",
    "KafkaRequestModel",
    "KafkaResponseModel",
    "LoadError",
    "MtlsCertUpdatedEvent",
    "MtlsSecretStr",
    "OpsOtherPeerUnitRepository",
    "OpsOtherPeerUnitRepositoryInterface",
    "OpsPeerRepository",
    "OpsPeerRepositoryInterface",
    "OpsPeerUnitRepository",
    "OpsPeerUnitRepositoryInterface",
    "OpsRelationRepository",
    "OpsRelationRepositoryInterface",
    "OpsRepository",
    "OptionalPathLike",
    "OptionalSecretBool",
    "OptionalSecretStr",
    "OptionalSecrets",
    "PeerModel",
    "ProtocolError",
    "ProviderCommonModel",
    "RelationStatus",
    "RelationStatusDict",
    "RepositoryInterface",
    "RequestRejectedEvent",
    "RequestedEntitySecretStr",
    "RequirerCommonModel",
    "RequirerDataContract",
    "RequirerDataContractType",
    "RequirerDataContractV0",
    "RequirerDataContractV1",
    "ResourceCreatedEvent",
    "ResourceEndpointsChangedEvent",
    "ResourceEntityCreatedEvent",
    "ResourceEntityPermissionsChangedEvent",
    "ResourceEntityRequestedEvent",
    "ResourcePrefixResourcesChangedEvent",
    "ResourceProviderEvent",
    "ResourceProviderEventHandler",
    "ResourceProviderModel",
    "ResourceProvidesEvents",
    "ResourceReadOnlyEndpointsChangedEvent",
    "ResourceRequestedEvent",
    "ResourceRequirerEvent",
    "ResourceRequirerEventHandler",
    "ResourceRequiresEvents",
    "ResponseRejectedEvent",
    "SandboxError",
    "Scope",
    "SecretAlreadyExistsError",
    "SecretCache",
    "SecretError",
    "SecretGroup",
    "SecretNotFoundError",
    "SecretString",
    "SecretsUnavailableError",
    "StatusEventBase",
    "StatusRaisedEvent",
    "StatusResolvedEvent",
    "TCommon",
    "TCommonBis",
    "TCommonModel",
    "TPeerCommon",
    "TRepository",
    "TRequirerCommonModel",
    "TResourceProviderModel",
    "TlsSecretBool",
    "TlsSecretStr",
    "UserSecretStr",
    "ValidationError",
    "ValkeyResponseModel",
    "build_model",
    "diff",
    "discriminate_on_version",
    "ensure_leader_for_app",
    "gen_hash",
    "gen_salt",
    "get_encoded_dict",
    "is_topic_value_acceptable",
    "logger",
    "resource_added",
    "store_new_data",
    "write_model",
]
