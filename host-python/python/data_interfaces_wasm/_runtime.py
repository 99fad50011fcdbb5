"""The process-wide protocol runtime, loaded on first use.

A Juju hook is a fresh process: the native module and the component are loaded only when a
handler first needs them, then reused by every handler. The compiled component comes from the
portable artifact the wheel ships next to this module (mapped from its file: about a
millisecond), else from the cache directory (``$DATA_INTERFACES_CACHE_DIR`` or the user's cache
directory), else it is compiled (about a second) and cached.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._native import Runtime

_H = TypeVar("_H")

CACHE_DIR_ENV = "DATA_INTERFACES_CACHE_DIR"
"""The environment variable that overrides the cache directory of the precompiled component."""

_runtime: Runtime | None = None


def runtime() -> Runtime:
    """The process-wide :class:`~data_interfaces_wasm._native.Runtime`, loaded on first use."""
    global _runtime  # noqa: PLW0603 (one runtime per process, by design)
    if _runtime is None:
        from ._native import Runtime

        _runtime = Runtime(
            os.environ.get(CACHE_DIR_ENV) or None, precompiled_dir=os.path.dirname(__file__)
        )
    return _runtime


def gen_salt() -> str:
    """A fresh salt for a request (16 characters)."""
    return runtime().gen_salt()


def gen_hash(resource_name: str, salt: str) -> str:
    """The request id of a resource and a salt."""
    return runtime().gen_hash(resource_name, salt)


def held(owner: object, config: dict[str, Any], make: Callable[[dict[str, Any]], _H]) -> _H:
    """The component's handler for a configuration, kept on ``owner`` while it lives.

    ``make`` (a :class:`~data_interfaces_wasm._native.Runtime` factory such as
    ``runtime().requirer``) runs once per distinct configuration, which the component checks
    then; later calls with an equal configuration reuse the handler, so a charm that changes
    its requests gets a handler for the new ones.
    """
    cache: dict[str, Any] = owner.__dict__.setdefault("_held_handlers", {})
    key = json.dumps(config, sort_keys=True)
    handler = cache.get(key)
    if handler is None:
        handler = cache[key] = make(config)
    return handler
