"""Diffs between a databag's cached data and what a hook reads, as the library computes them.

The names and signatures are those of ``dpcharmlibs.interfaces.diff``. :func:`diff` is plain
set arithmetic over two mappings; what counts as a new resource (:func:`resource_added`) and
how the cache is stored in a databag (:func:`store_new_data`: the ``data`` key, the
encryption of consumer secrets on a cross-model relation) are the protocol component's.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from ._ops_backend import LogBackend
from ._runtime import runtime
from .models import CROSS_MODEL_RELATION_CONSUMER_SECRETS

__all__ = [  # noqa: F822 (RESOURCE_ALIASES comes from __getattr__)
    "CROSS_MODEL_RELATION_CONSUMER_SECRETS",
    "RESOURCE_ALIASES",
    "Diff",
    "diff",
    "resource_added",
    "store_new_data",
]


def __getattr__(name: str) -> Any:
    # RESOURCE_ALIASES: the request keys that name the resource, as the component knows them.
    if name == "RESOURCE_ALIASES":
        return runtime().resource_aliases()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from ops import Application, Relation, Unit


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


def diff(old_data: dict[str, Any] | None, new_data: dict[str, Any]) -> Diff:
    """The keys added, changed and deleted from ``old_data`` (``None``: empty) to ``new_data``."""
    old = old_data or {}
    return Diff(
        added=set(new_data) - set(old),
        changed={key for key in set(old) & set(new_data) if old[key] != new_data[key]},
        deleted=set(old) - set(new_data),
    )


def resource_added(diff: Diff, aliases: list[str] | None = None) -> bool:
    """Whether the diff adds a resource: ``resource``, one of its aliases, or ``aliases``."""
    return runtime().resource_added(
        sorted(diff.added), sorted(diff.changed), sorted(diff.deleted), list(aliases or [])
    )


def store_new_data(
    relation: Relation,
    component: Unit | Application,
    new_data: dict[str, Any],
    short_uuid: str | None = None,
    global_data: dict[str, Any] | None = None,
    encryption_key: str | None = None,
) -> None:
    """Store ``new_data`` in ``component``'s bag as the handlers' cache (the ``data`` key).

    Without ``short_uuid`` it replaces the whole cache (v0); with one it is stored under that
    request id. ``global_data`` (its truthy values) is merged at the top. Consumer secrets are
    encrypted with ``encryption_key`` (or blanked without one), as the library does.
    """
    content = relation.data[component]
    text = runtime().store_new_data(
        LogBackend(),
        content.get("data"),
        [(key, json.dumps(value)) for key, value in new_data.items()],
        short_uuid or None,
        [(key, json.dumps(value)) for key, value in (global_data or {}).items()],
        encryption_key,
    )
    content["data"] = text
