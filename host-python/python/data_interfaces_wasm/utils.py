"""Small helpers ``dpcharmlibs.interfaces.utils`` exports next to its handlers.

They work on plain mappings and ops objects only. What is protocol (the request id of a
resource and a salt, the resource aliases) comes from the component: ``RESOURCE_ALIASES`` is
read from it on first access, so importing this module loads nothing.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ops import Application, Relation, Unit

from ._runtime import gen_hash, gen_salt

logger = logging.getLogger("data_interfaces_wasm")

__all__ = [  # noqa: F822 (RESOURCE_ALIASES comes from __getattr__)
    "RESOURCE_ALIASES",
    "ensure_leader_for_app",
    "gen_hash",
    "gen_salt",
    "get_encoded_dict",
]


def __getattr__(name: str) -> Any:
    # RESOURCE_ALIASES: the request keys that name the resource, as the component knows them.
    if name == "RESOURCE_ALIASES":
        from ._runtime import runtime

        return runtime().resource_aliases()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_F = TypeVar("_F", bound=Callable[..., Any])


def get_encoded_dict(
    relation: Relation, member: Unit | Application, field: str
) -> dict[str, Any] | None:
    """A databag field holding a JSON object, decoded (``{}`` when absent).

    Returns ``None``, and logs an error, when the field holds JSON that is not an object.

    Raises:
        json.JSONDecodeError: when the field is not JSON.
    """
    data = json.loads(relation.data[member].get(field, "{}"))
    if isinstance(data, dict):
        return data
    logger.error("Unexpected datatype for %s instead of dict.", type(data).__name__)
    return None


def ensure_leader_for_app(f: _F) -> _F:
    """Decorate a repository method so that, for the application's data, only the leader runs it.

    The decorated method's object needs ``component`` and either ``_local_app`` and
    ``_local_unit`` (as the repositories have) or ``model`` (an ``ops.Model``). When
    ``component`` is the local application and this unit is not the leader, the method logs an
    error and returns ``None`` instead of running.
    """

    @functools.wraps(f)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        local_app = getattr(self, "_local_app", None) or self.model.app
        local_unit = getattr(self, "_local_unit", None) or self.model.unit
        if self.component == local_app and not local_unit.is_leader():
            logger.error(
                "This operation (%s) can only be performed by the leader unit", f.__name__
            )
            return None
        return f(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
