"""The resolved annotations of a model class, as ``typing.get_type_hints`` gives them.

This module owns one question: what does each annotation of a model class (and of its bases)
mean? The answer is what ``typing.get_type_hints(cls, include_extras=True)`` returns, looked
up in the same namespaces. It is computed without ``get_type_hints`` where that is cheap and
exact. Why not call it every time: ``get_type_hints`` compiles every annotation string of
every class of the MRO again on each call (a new ``ForwardRef`` each time), and the models
declare theirs as strings (``from __future__ import annotations``). That was half of the first
model's cost in a hook.

The fast path evaluates each annotation of a model's fields as ``get_type_hints`` does (the
same ``eval`` in the same namespaces), compiling each text once a process, and keeps the
result only where ``get_type_hints`` would return that very object: it holds no forward
reference (which ``get_type_hints`` would go on to resolve) and is no form it would reject.
A class's own annotations are kept on the class once read, unless they were read in the
local namespace of a function that defined a subclass. Any other annotation sends the whole
class through ``get_type_hints`` as before.
"""

from __future__ import annotations

import contextlib
import sys
import types
import typing
from typing import Any

_CACHE = "__resolved_annotations__"
_NOT_FAST = object()
_CODE: dict[str, Any] = {}
_SPECIAL_FORM = type(typing.ClassVar)
# The special forms get_type_hints accepts bare in a class annotation (where they exist).
_BARE_FORM_NAMES = ("Any", "LiteralString", "NoReturn", "Never", "Self", "TypeAlias", "ClassVar")
_BARE_FORMS = [getattr(typing, n) for n in (*_BARE_FORM_NAMES, "Final") if hasattr(typing, n)]


def own_annotations(cls: type) -> dict[str, Any]:
    """The annotations a class body declares itself."""
    annotations = cls.__dict__.get("__annotations__")
    if annotations is None and "__annotate__" in cls.__dict__:  # Python 3.14: lazy
        annotations = getattr(cls, "__annotations__", None)
    return dict(annotations or {})


def resolved_hints(cls: type) -> dict[str, Any]:
    """The class's resolved annotations (with their metadata); unresolvable ones as written.

    The fast path reads only the annotations that can be fields (no private names, no
    ``ClassVar``), as the class reading in :mod:`._fields` collects them.
    """
    localns: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        localns.update(klass.__dict__.get("__parent_locals__", {}))
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        own = _fast_own_hints(klass, localns)
        if own is None:
            return _typing_hints(cls, localns)
        hints.update(own)
    return hints


def _fast_own_hints(klass: type, localns: dict[str, Any]) -> dict[str, Any] | None:
    """The class's own field annotations resolved by the fast path, else ``None``."""
    if not localns:
        cached = klass.__dict__.get(_CACHE)
        if cached is not None:
            return None if cached is _NOT_FAST else cached
    annotations = {
        name: hint
        for name, hint in own_annotations(klass).items()
        if not name.startswith("_") and not is_classvar(hint)
    }
    if not annotations:
        return {}
    module = sys.modules.get(klass.__module__)
    module_ns: dict[str, Any] = getattr(module, "__dict__", {})
    hints: dict[str, Any] | None = {}
    scopes: tuple[dict[str, Any], Any] | None = None
    for name, value in annotations.items():
        if isinstance(value, str):
            if scopes is None:
                # As get_type_hints evaluates: in a function's locals, else the module's names
                # first and the class's next (its globals and locals swapped).
                scopes = (module_ns, localns) if localns else (dict(vars(klass)), module_ns)
            value = _evaluate(value, scopes)
        resolved = _checked(value)
        if resolved is _NOT_FAST:
            hints = None
            break
        hints[name] = resolved  # type: ignore[index]
    if not localns:
        with contextlib.suppress(TypeError, AttributeError):  # a class that refuses attributes
            type.__setattr__(klass, _CACHE, _NOT_FAST if hints is None else hints)
    return hints


def _evaluate(text: str, scopes: tuple[dict[str, Any], Any]) -> Any:
    """``eval`` of an annotation's text, compiled once a process; ``_NOT_FAST`` if it fails."""
    code = _CODE.get(text)
    try:
        if code is None:
            code = _CODE[text] = compile(text, "<annotation>", "eval")
        return eval(code, *scopes)  # as get_type_hints does
    except Exception:
        return _NOT_FAST


def _checked(value: Any) -> Any:
    """The annotation as ``get_type_hints`` returns it, or ``_NOT_FAST`` where it would differ.

    ``None`` stands for its type; a bare special form, a tuple or a forward reference left
    inside is for ``get_type_hints`` to accept, resolve or reject.
    """
    if value is None:
        return type(None)
    if value is _NOT_FAST or isinstance(value, tuple):
        return _NOT_FAST
    if isinstance(value, _SPECIAL_FORM) and value not in _BARE_FORMS:
        return _NOT_FAST
    if getattr(value, "__origin__", None) in (typing.Generic, typing.Protocol):
        return _NOT_FAST
    return value if _is_resolved(value) else _NOT_FAST


def is_classvar(hint: Any) -> bool:
    """Whether an annotation (as written, text or not) declares a class variable."""
    if isinstance(hint, str):
        return hint.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    return hint is typing.ClassVar or typing.get_origin(hint) is typing.ClassVar


def _is_resolved(value: Any, in_builtin_generic: bool = False) -> bool:
    """Whether a type holds no forward reference (nothing left for ``get_type_hints``).

    A string is one only as an argument of a builtin generic (``list["Foo"]``); elsewhere it
    is a value (``Literal["USER"]``) that ``get_type_hints`` leaves as it is.
    """
    if isinstance(value, typing.ForwardRef):
        return False
    if isinstance(value, str):
        return not in_builtin_generic
    builtin_generic = isinstance(value, types.GenericAlias)  # before `type`: 3.10 says both
    if value is None or (isinstance(value, type) and not builtin_generic):
        return True
    origin = getattr(value, "__origin__", None)
    if origin is not None and not _is_resolved(origin):
        return False
    args = getattr(value, "__args__", None)
    if not isinstance(args, tuple):
        return True
    return all(
        arg is Ellipsis or isinstance(arg, list) or _is_resolved(arg, builtin_generic)
        for arg in args
    )


def _typing_hints(cls: type, localns: dict[str, Any]) -> dict[str, Any]:
    """``get_type_hints``; where it fails, each annotation evaluated alone (or left as text)."""
    try:
        return typing.get_type_hints(cls, localns=localns or None, include_extras=True)
    except Exception:
        hints: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            module = sys.modules.get(klass.__module__)
            namespace = dict(vars(module)) if module else {}
            for name, hint in own_annotations(klass).items():
                if isinstance(hint, str):
                    with contextlib.suppress(Exception):
                        hint = eval(hint, namespace, {**localns, **vars(klass)})
                hints[name] = hint
        return hints
