"""Type aliases for model fields.

A model field is *secret* when its annotation is ``Annotated[str | None, "<group>"]`` (or
``bool | None``): exactly one string in the metadata, naming the secret group. Its value never
travels in a databag; the protocol component keeps it in the group's Juju secret and puts the
secret's URI in ``secret-<group>``. Other metadata (for example a ``pydantic.Field``) is
ignored, so annotations written for ``dpcharmlibs.interfaces`` keep working.
"""

from __future__ import annotations

from enum import Enum
from os import PathLike
from typing import Annotated, NewType, TypedDict, Union

SecretGroup = NewType("SecretGroup", str)
"""The name of a secret group (``user``, ``tls``, ``extra``, ...)."""

SecretString = str
"""A secret URI (``secret:...``)."""

OptionalSecretStr = Union[str, None]  # noqa: UP007 (a runtime alias, usable in Annotated)
OptionalSecretBool = Union[bool, None]  # noqa: UP007
OptionalSecrets = (OptionalSecretStr, OptionalSecretBool)
OptionalPathLike = Union[PathLike, str, None]  # noqa: UP007

UserSecretStr = Annotated[OptionalSecretStr, "user"]
TlsSecretStr = Annotated[OptionalSecretStr, "tls"]
TlsSecretBool = Annotated[OptionalSecretBool, "tls"]
MtlsSecretStr = Annotated[OptionalSecretStr, "mtls"]
ExtraSecretStr = Annotated[OptionalSecretStr, "extra"]
EntitySecretStr = Annotated[OptionalSecretStr, "entity"]
RequestedEntitySecretStr = Annotated[OptionalSecretStr, "requested-entity"]


class Scope(Enum):
    """Peer relation scope."""

    APP = "app"
    UNIT = "unit"


class RelationStatusDict(TypedDict):
    """A relation status, as a dict."""

    code: int
    message: str
    resolution: str
