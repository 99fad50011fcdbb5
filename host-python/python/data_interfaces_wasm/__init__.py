"""The Juju ``data_interfaces`` V1 relation protocol, run as one WebAssembly component.

A drop-in replacement for ``dpcharmlibs.interfaces`` (1.2.2): change the import line and the
charm speaks the same wire protocol, decided by the protocol component (``core``) that every
host (Python, Rust, the command line) shares::

    from data_interfaces_wasm import (
        RequirerCommonModel,
        ResourceProviderModel,
        ResourceRequirerEventHandler,
    )

The models are plain typed classes (no pydantic); the native module and the component load on
first use, from a precompiled cache (``$DATA_INTERFACES_CACHE_DIR`` or the user's cache
directory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._runtime import gen_hash, gen_salt
from .errors import (
    DataInterfacesError,
    IllegalOperationError,
    SecretAlreadyExistsError,
    SecretError,
    SecretsUnavailableError,
)
from .events import (
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
    DataContractV0,
    DataContractV1,
    EntityPermissionModel,
    KafkaRequestModel,
    KafkaResponseModel,
    PeerModel,
    ProviderCommonModel,
    RelationStatus,
    RequirerCommonModel,
    RequirerDataContractType,
    RequirerDataContractV0,
    RequirerDataContractV1,
    ResourceProviderModel,
    ValkeyResponseModel,
)
from .peers import (
    AbstractRepository,
    OpsOtherPeerUnitRepository,
    OpsOtherPeerUnitRepositoryInterface,
    OpsPeerRepository,
    OpsPeerRepositoryInterface,
    OpsPeerUnitRepository,
    OpsPeerUnitRepositoryInterface,
    OpsRepository,
    RepositoryInterface,
    build_model,
    write_model,
)
from .relations import OpsRelationRepository, OpsRelationRepositoryInterface
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
from .utils import Diff, diff, ensure_leader_for_app, get_encoded_dict

if TYPE_CHECKING:
    from ._native import HostError, LoadError, ProtocolError, SandboxError

__version__ = "0.1.0"

_NATIVE_EXCEPTIONS = ("HostError", "LoadError", "ProtocolError", "SandboxError")


def __getattr__(name: str) -> Any:
    # The native exceptions load the native module: only when asked for.
    if name in _NATIVE_EXCEPTIONS:
        from . import _native

        return getattr(_native, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NATIVE_EXCEPTIONS))


__all__ = [
    "CROSS_MODEL_RELATION_CONSUMER_SECRETS",
    "SECRET_PREFIX",
    "AbstractRepository",
    "AuthenticationUpdatedEvent",
    "BaseCommonModel",
    "BulkResourcesRequestedEvent",
    "CommonModel",
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
    "SecretError",
    "SecretGroup",
    "SecretString",
    "SecretsUnavailableError",
    "StatusEventBase",
    "StatusRaisedEvent",
    "StatusResolvedEvent",
    "TlsSecretBool",
    "TlsSecretStr",
    "UserSecretStr",
    "ValkeyResponseModel",
    "build_model",
    "diff",
    "ensure_leader_for_app",
    "gen_hash",
    "gen_salt",
    "get_encoded_dict",
    "write_model",
]
