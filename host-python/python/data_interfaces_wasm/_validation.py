"""Validation of model fields: from an annotation to a validator, as pydantic builds one.

This module owns the annotation compiler (:func:`compile_type`): it resolves an annotation
(``Annotated``, unions, ``Optional``, ``Literal``, collections, type variables, ``NewType``,
aliases, enums, nested models) into the validators of :mod:`._validators`, applies what
``Annotated`` metadata adds (constraints, field specifications, ``AfterValidator`` and the
rest: :func:`apply_metadata`), and runs the validator functions charms write (those and the
``field_validator`` decorators the field table adds: :func:`with_function`), with
pydantic's ``ValidationInfo`` and its rule for turning what they raise into errors, and
pydantic's rule for what to pass them (:func:`required_positional`: read from a function's
code object, as ``inspect.signature``, which costs about 40 us a call, would count it). It also
tells, without importing pydantic, field specifications, the no-default marker and constraint
metadata (pydantic's or ours) apart from other objects, for the field table and the JSON schema.

Why by hand: a Juju hook is a fresh process, and importing pydantic costs it about 145 ms
(``DESIGN.md``: 285 ms for ``dpcharmlibs.interfaces``, 140 ms for ``ops`` alone); the models
must validate like the library's pydantic models without it. Types other than the ones the
models use (str, int, bool, float, bytes, None, Literal, unions, lists, tuples, sets, dicts,
enums, models) are validated by pydantic itself when the charm has imported it
(``TypeAdapter``), else by an ``isinstance`` check.
"""

from __future__ import annotations

import collections
import contextlib
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

from ._errors import Invalid, LineError, errors_of, validation_error
from ._validators import (
    ANY,
    State,
    Validator,
    collection,
    constrained,
    dict_of,
    enum_of,
    external,
    instance_of,
    literal,
    nested_model,
    nullable,
    scalar,
    tuple_of,
    union,
)

# --- info, and calling validators written by charms ------------------------------------------


class ValidationInfo:
    """What a validator taking ``info`` receives (pydantic's ``ValidationInfo``)."""

    __slots__ = ("config", "context", "data", "field_name", "mode")

    def __init__(self, state: State) -> None:
        self.context = state.context
        self.config = state.config
        self.mode: Literal["python", "json"] = "json" if state.json else "python"
        self.data = state.data
        self.field_name = state.field_name

    def __repr__(self) -> str:
        return (
            f"ValidationInfo(config={self.config!r}, context={self.context!r}, "
            f"data={self.data!r}, field_name={self.field_name!r})"
        )


_COUNTED: dict[Any, int | None] = {}


def required_positional(func: Callable[..., Any]) -> int | None:
    """The positional parameters of ``func`` that have no default; ``None`` if unreadable."""
    target: Any = func
    bound = 0
    if isinstance(func, types.MethodType):
        target, bound = func.__func__, 1
    if (
        isinstance(target, types.FunctionType)
        and "__wrapped__" not in target.__dict__
        and "__signature__" not in target.__dict__
    ):
        code = target.__code__
        return max(code.co_argcount - len(target.__defaults__ or ()) - bound, 0)
    with contextlib.suppress(KeyError, TypeError):
        return _COUNTED[func]
    count = _inspected(func)
    with contextlib.suppress(TypeError):  # an unhashable callable: not kept
        _COUNTED[func] = count
    return count


def _inspected(func: Callable[..., Any]) -> int | None:
    import inspect

    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return None
    return len(
        [
            p
            for p in parameters
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
    )


def takes_info(func: Callable[..., Any], mode: str) -> bool:
    """Whether a validator takes ``info`` (pydantic's rule: count the positional parameters)."""
    return required_positional(func) == (3 if mode == "wrap" else 2)


def call_user(func: Callable[..., Any], args: tuple[Any, ...], input_value: Any) -> Any:
    """Call a charm's validator, turning what it raises into line errors as pydantic does."""
    try:
        return func(*args)
    except Invalid:
        raise
    except AssertionError as exc:
        raise Invalid([LineError("assertion_error", input_value, {"error": exc})]) from None
    except ValueError as exc:
        raise Invalid(_value_error(exc, input_value)) from None


def _value_error(exc: ValueError, input_value: Any) -> list[LineError]:
    nested = errors_of(exc)
    if nested is not None:
        return nested
    kind = type(exc).__name__
    if kind == "PydanticCustomError":
        error_type = exc.type  # type: ignore[attr-defined]
        return [LineError(error_type, input_value, exc.context, custom=exc)]  # type: ignore[attr-defined]
    if kind == "PydanticKnownError":
        return [LineError(exc.type, input_value, exc.context)]  # type: ignore[attr-defined]
    return [LineError("value_error", input_value, {"error": exc})]


def raise_as_validation_error(errors: list[LineError], title: str = "ValidatorCallable") -> None:
    """Raise ``errors`` as a validation error (the handler of a wrap validator does)."""
    raise validation_error(title, errors)


# --- annotations -----------------------------------------------------------------------------


def is_field_info(value: Any) -> bool:
    """Whether ``value`` is a field specification (pydantic's ``FieldInfo`` or ours)."""
    return type(value).__name__ == "FieldInfo" and hasattr(value, "_attributes_set")


def is_undefined(value: Any) -> bool:
    """Whether ``value`` is the "no default" marker (pydantic's or ours)."""
    return type(value).__name__ in ("PydanticUndefinedType", "_UndefinedType")


def has_default(info: Any) -> bool:
    """Whether a field specification sets a default (a value or a factory)."""
    attributes = info._attributes_set
    if "default_factory" in attributes and attributes["default_factory"] is not None:
        return True
    return "default" in attributes and not is_undefined(attributes["default"])


_CONSTRAINTS = (
    "strict",
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
    "strip_whitespace",
    "to_lower",
    "to_upper",
)


def constraints_of(metadata: Any) -> dict[str, Any]:
    """The constraints an ``Annotated`` metadata object sets (annotated-types, pydantic, ours)."""
    found = {}
    for name in _CONSTRAINTS:
        value = getattr(metadata, name, None)
        if value is not None and not callable(value):
            found[name] = value
    return found


_FUNCTION_VALIDATORS = {
    "AfterValidator": "after",
    "BeforeValidator": "before",
    "PlainValidator": "plain",
    "WrapValidator": "wrap",
}


def with_function(inner: Validator, mode: str, func: Callable[..., Any]) -> Validator:
    """``inner`` with a charm's validator function around it, in pydantic's ``mode``."""
    info = takes_info(func, mode)
    name = getattr(func, "__name__", type(func).__name__)

    def call(value: Any, state: State, *extra: Any) -> Any:
        args = (value, *extra, ValidationInfo(state)) if info else (value, *extra)
        return call_user(func, args, value)

    if mode == "after":

        def validate(value: Any, state: State) -> Any:
            return call(inner(value, state), state)

    elif mode == "before":

        def validate(value: Any, state: State) -> Any:
            return inner(call(value, state), state)

    elif mode == "plain":

        def validate(value: Any, state: State) -> Any:
            return call(value, state)

    else:

        def validate(value: Any, state: State) -> Any:
            def handler(item: Any) -> Any:
                try:
                    return inner(item, state)
                except Invalid as exc:
                    raise_as_validation_error(exc.errors)

            return call(value, state, handler)

    label = f"function-{mode}[{name}()" + ("]" if mode == "plain" else f", {inner.label}]")
    return Validator(validate, label)


def apply_metadata(inner: Validator, metadata: list[Any]) -> Validator:
    """``inner`` with what ``Annotated`` metadata adds: constraints and validator functions.

    Strings (secret groups) and unknown objects are left alone; a field specification
    contributes its own constraint metadata.
    """
    validator = inner
    for item in metadata:
        if isinstance(item, str):
            continue
        if is_field_info(item):
            validator = apply_metadata(validator, list(item.metadata))
            if has_default(item):
                validator = Validator(validator.fn, f"default[{validator.label}]")
            continue
        mode = _FUNCTION_VALIDATORS.get(type(item).__name__)
        if mode is not None and callable(getattr(item, "func", None)):
            validator = with_function(validator, mode, item.func)
            continue
        found = constraints_of(item)
        if found:
            validator = constrained(validator, found)
    return validator


# --- the compiler ------------------------------------------------------------------------------


_CACHE: dict[Any, Validator] = {}


def compile_type(tp: Any) -> Validator:
    """The validator of an annotation (resolved; an unresolved one validates anything)."""
    try:
        return _CACHE[tp]
    except (KeyError, TypeError):
        pass
    validator = _compile(tp)
    with contextlib.suppress(TypeError):  # an unhashable annotation: not cached
        _CACHE[tp] = validator
    return validator


def _compile(tp: Any) -> Validator:  # noqa: PLR0911 (one branch per kind of type)
    simple = scalar(tp)
    if simple is not None:
        return simple
    if isinstance(tp, (str, typing.ForwardRef)):
        return ANY
    if isinstance(tp, typing.TypeVar):
        if tp.__bound__ is not None:
            return compile_type(tp.__bound__)
        if tp.__constraints__:
            return union([compile_type(c) for c in tp.__constraints__])
        return ANY
    if hasattr(tp, "__supertype__"):  # NewType
        return compile_type(tp.__supertype__)
    if type(tp).__name__ == "TypeAliasType":
        return compile_type(tp.__value__)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return apply_metadata(compile_type(args[0]), list(tp.__metadata__))
    if origin is Union or origin is types.UnionType:
        return _compile_union(args)
    if origin is Literal:
        return literal(args)
    if origin is typing.ClassVar or origin is typing.Final:
        return compile_type(args[0]) if args else ANY
    if origin is not None:
        return _compile_generic(tp, origin, args)
    return _compile_class(tp)


def _compile_union(args: tuple[Any, ...]) -> Validator:
    members = [a for a in args if a is not type(None)]
    inner = (
        compile_type(members[0])
        if len(members) == 1
        else union([compile_type(m) for m in members])
    )
    return nullable(inner) if len(members) < len(args) else inner


def _compile_generic(tp: Any, origin: Any, args: tuple[Any, ...]) -> Validator:  # noqa: PLR0911 (one branch per kind)
    item = compile_type(args[0]) if args else ANY
    abc = collections.abc
    if origin in (list, abc.Sequence, abc.MutableSequence, abc.Iterable, abc.Collection):
        return collection(item, list, "list_type", "list")
    if origin in (set, abc.Set, abc.MutableSet):
        return collection(item, set, "set_type", "set")
    if origin is frozenset:
        return collection(item, frozenset, "frozen_set_type", "frozenset")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple_of(None, item)
        if args == ((),):
            return tuple_of((), None)
        return tuple_of(tuple(compile_type(a) for a in args), None)
    if origin in (dict, abc.Mapping, abc.MutableMapping):
        value = compile_type(args[1]) if len(args) > 1 else ANY
        return dict_of(item, value)
    if origin is type:
        return instance_of(type)
    if isinstance(origin, type) and hasattr(origin, "_validate_value"):
        return nested_model(tp)
    return _compile_class(origin) if isinstance(origin, type) else ANY


def _compile_class(tp: Any) -> Validator:  # noqa: PLR0911 (one branch per kind of class)
    if not isinstance(tp, type):
        return ANY
    if hasattr(tp, "_validate_value") and type(tp).__name__ != "ModelMetaclass":
        return nested_model(tp)  # a model of this package (not one a charm mixed pydantic into)
    if issubclass(tp, enum.Enum):
        return enum_of(tp)
    bare = {
        list: ("list_type", "list"),
        set: ("set_type", "set"),
        frozenset: ("frozen_set_type", "frozenset"),
    }
    if tp in bare:
        error_type, name = bare[tp]
        return collection(ANY, tp, error_type, name)
    if tp is tuple:
        return tuple_of(None, ANY)
    if tp is dict:
        return dict_of(ANY, ANY)
    if typing.is_typeddict(tp):
        return dict_of(ANY, ANY)
    return external(tp, tp.__name__)
