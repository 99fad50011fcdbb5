"""Small helpers ``dpcharmlibs.interfaces`` exports next to its handlers.

They work on plain mappings and ops objects only; none of them decides anything about the
protocol (the component does that).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from ops import Application, Relation, Unit

logger = logging.getLogger("data_interfaces_wasm")

_F = TypeVar("_F", bound=Callable[..., Any])


class Diff(NamedTuple):
    """The keys that differ between two mappings.

    Attributes:
        added: keys only in the new mapping.
        changed: keys in both, with different values.
        deleted: keys only in the old mapping.
    """

    added: set[str]
    changed: set[str]
    deleted: set[str]


def diff(old_data: dict[str, str] | None, new_data: dict[str, str]) -> Diff:
    """The keys added, changed and deleted from ``old_data`` (``None``: empty) to ``new_data``."""
    old = old_data or {}
    return Diff(
        added=set(new_data) - set(old),
        changed={key for key in set(old) & set(new_data) if old[key] != new_data[key]},
        deleted=set(old) - set(new_data),
    )


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
