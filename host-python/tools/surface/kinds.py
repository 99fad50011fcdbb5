"""What a name or a class member is, seen from a charm, and which values JSON keeps as they are.

The description records these kinds for the library; the cases compare ours with them.
"""

from __future__ import annotations

import enum
import inspect
import json
import types
import typing
from typing import Any


def jsonable(value: Any) -> bool:
    """Whether a value is plain data that JSON keeps as it is (tuples become lists)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return not isinstance(value, enum.Enum)
    if isinstance(value, (list, tuple)):
        return all(jsonable(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and jsonable(v) for k, v in value.items())
    return False


def plain(value: Any) -> Any:
    """A JSON-able value as JSON gives it back (tuples as lists)."""
    return json.loads(json.dumps(value))


def static_lookup(cls: type, name: str) -> tuple[Any, type] | None:
    """The raw attribute ``name`` of ``cls`` and the class that defines it, without calling it.

    Walks the MRO's ``__dict__`` (not ``object``'s), then the metaclass's (a class-level
    property defined on a metaclass counts).
    """
    for klass in cls.__mro__:
        if klass is object:
            continue
        if name in vars(klass):
            return vars(klass)[name], klass
    for klass in type(cls).__mro__:
        if klass in (type, object):
            continue
        raw = vars(klass).get(name)
        if isinstance(raw, property):
            return raw, klass
    return None


def member_kind(raw: Any, cls: type, name: str) -> str:  # noqa: PLR0911
    """What a raw class attribute is, seen from a charm."""
    if isinstance(raw, enum.Enum):
        return "enum-member"
    if isinstance(raw, staticmethod):
        return "staticmethod"
    if isinstance(raw, classmethod):
        return "class-property" if isinstance(raw.__func__, property) else "classmethod"
    if inspect.isfunction(raw) or (inspect.ismethoddescriptor(raw) and callable(raw)):
        return "method"
    if isinstance(raw, (property, types.DynamicClassAttribute)) or (
        type(raw).__name__ == "cached_property"
    ):
        return "property"
    descriptor = type(raw)
    if hasattr(descriptor, "__get__") and not callable(raw):
        if hasattr(descriptor, "__set__") or hasattr(descriptor, "__delete__"):
            return "property"
        # A non-data descriptor: one that gives a value on the class too is a class-property
        # (pydantic's `model_fields`); one that gives itself (ops' `EventSource`, the
        # `on` of a handler) is an attribute bound per instance.
        try:
            value = getattr(cls, name)
        except Exception:
            return "property"
        return "attribute" if value is raw else "class-property"
    return "attribute"


# Kinds of ours that a charm cannot tell from the library's kind.
COMPATIBLE_KINDS = {
    "method": {"method"},
    "classmethod": {"classmethod"},
    "staticmethod": {"staticmethod"},
    "property": {"property", "class-property"},
    "class-property": {"class-property", "attribute"},
    "attribute": {"attribute", "class-property"},
    "enum-member": {"enum-member"},
}


def is_type_form(value: Any) -> bool:
    """Whether a value is a typing construct used as an annotation (an alias)."""
    if typing.get_origin(value) is not None or isinstance(value, types.UnionType):
        return True
    if type(value).__name__ == "TypeAliasType":
        return True
    return (
        isinstance(value, tuple)
        and bool(value)
        and all(is_type_form(item) or isinstance(item, type) for item in value)
    )


def secret_groups(value: Any) -> list[str]:
    """The string metadata of an ``Annotated`` alias (a secret field's group)."""
    if typing.get_origin(value) is typing.Annotated:
        return [m for m in value.__metadata__ if isinstance(m, str)]
    return []


def name_kind(value: Any) -> str:  # noqa: PLR0911
    """The kind of a module-level name."""
    if inspect.isclass(value):
        return "class"
    if isinstance(value, typing.TypeVar):
        return "typevar"
    if isinstance(value, typing.NewType):
        return "newtype"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "function"
    if jsonable(value):
        return "constant"
    if is_type_form(value):
        return "alias"
    return "object"
