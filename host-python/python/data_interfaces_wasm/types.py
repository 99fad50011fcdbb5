"""Type aliases for model fields.

A model field is *secret* when its annotation is ``Annotated[str | None, ..., "<group>"]`` (or
``bool | None``): exactly one string in the metadata, naming the secret group. Its value never
travels in a databag; the protocol component keeps it in the group's Juju secret and puts the
secret's URI in ``secret-<group>``. The aliases below also carry ``Field(exclude=True,
default=None)`` as ``dpcharmlibs.interfaces``' do, so a secret field is left out of
``model_dump``; a ``pydantic.Field`` in the metadata is honoured the same way.
``SecretString`` is a secret URI: a string matching ``secret:.*``.
"""

from __future__ import annotations

from enum import Enum
from os import PathLike
from typing import Annotated, NewType, TypedDict, Union

from ._fields import Field

SecretGroup = NewType("SecretGroup", str)
"""The name of a secret group (``user``, ``tls``, ``extra``, ...)."""

SecretString = Annotated[str, Field(pattern="secret:.*")]
"""A secret URI (a string matching ``secret:.*``)."""

OptionalSecretStr = Union[str, None]  # noqa: UP007 (a runtime alias, usable in Annotated)
OptionalSecretBool = Union[bool, None]  # noqa: UP007
OptionalSecrets = (OptionalSecretStr, OptionalSecretBool)
OptionalPathLike = Union[PathLike, str, None]  # noqa: UP007

UserSecretStr = Annotated[OptionalSecretStr, Field(exclude=True, default=None), "user"]
TlsSecretStr = Annotated[OptionalSecretStr, Field(exclude=True, default=None), "tls"]
TlsSecretBool = Annotated[OptionalSecretBool, Field(exclude=True, default=None), "tls"]
MtlsSecretStr = Annotated[OptionalSecretStr, Field(exclude=True, default=None), "mtls"]
ExtraSecretStr = Annotated[OptionalSecretStr, Field(exclude=True, default=None), "extra"]
EntitySecretStr = Annotated[OptionalSecretStr, Field(exclude=True, default=None), "entity"]
RequestedEntitySecretStr = Annotated[
    OptionalSecretStr, Field(exclude=True, default=None), "requested-entity"
]


class Scope(Enum):
    """Peer relation scope."""

    APP = "app"
    UNIT = "unit"


class RelationStatusDict(TypedDict):
    """A relation status, as a dict."""

    code: int
    message: str
    resolution: str
