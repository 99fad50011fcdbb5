"""Validation of model fields, hand-written to behave as pydantic's lax (and strict) mode.

This module owns turning an annotation into a validator (:func:`compile_type`): the scalar
coercions of pydantic's lax mode (``"yes"`` is ``True``, ``"12"`` is ``12``, bytes are text),
``Literal``, unions (smart mode, errors located by member), collections, enums, nested models,
``Annotated`` constraints (pattern, lengths, bounds) and validator functions
(``AfterValidator`` and the rest, and the ``field_validator`` decorators the field table
adds), with pydantic-core's error types (see :mod:`._errors`).

Why by hand: a Juju hook is a fresh process, and importing pydantic costs it about 145 ms
(``DESIGN.md``: 285 ms for ``dpcharmlibs.interfaces``, 140 ms for ``ops`` alone); the models
must validate like the library's pydantic models without it.

Types other than the ones the models use (str, int, bool, float, bytes, None, Literal,
unions, lists, tuples, sets, dicts, enums, models) are validated by pydantic itself when the
charm has imported it (``TypeAdapter``), else by an ``isinstance`` check.
"""

from __future__ import annotations

import collections
import contextlib
import enum
import math
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Literal, Union

from ._errors import Invalid, LineError, errors_of, validation_error

# --- state and info ------------------------------------------------------------------------


class State:
    """The settings of one validation: strictness, input kind, context, alias use."""

    __slots__ = (
        "by_alias",
        "by_name",
        "config",
        "context",
        "data",
        "extra",
        "field_name",
        "json",
        "strict",
    )

    def __init__(
        self,
        *,
        strict: bool = False,
        json: bool = False,
        context: Any = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> None:
        self.strict = strict
        self.json = json
        self.context = context
        self.by_alias = by_alias
        self.by_name = by_name
        self.config: dict[str, Any] = {}
        self.data: dict[str, Any] = {}
        self.field_name: str | None = None
        self.extra: str | None = None

    def with_strict(self, strict: bool) -> State:
        """The same settings, with ``strict`` as given."""
        if strict == self.strict:
            return self
        other = State(
            strict=strict,
            json=self.json,
            context=self.context,
            by_alias=self.by_alias,
            by_name=self.by_name,
        )
        other.config, other.data, other.field_name = self.config, self.data, self.field_name
        other.extra = self.extra
        return other


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


# --- calling validators written by charms ----------------------------------------------------

_TAKES_INFO: dict[Any, bool] = {}


def takes_info(func: Callable[..., Any], mode: str) -> bool:
    """Whether a validator takes ``info`` (pydantic's rule: count the positional parameters)."""
    key = getattr(func, "__func__", func)
    try:
        return _TAKES_INFO[(key, mode)]
    except (KeyError, TypeError):
        pass
    import inspect

    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        result = False
    else:
        positional = [
            p
            for p in parameters
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
        result = len(positional) == (3 if mode == "wrap" else 2)
    with contextlib.suppress(TypeError):  # an unhashable callable: not cached
        _TAKES_INFO[(key, mode)] = result
    return result


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


# --- validators ----------------------------------------------------------------------------


class Validator:
    """A compiled validator: ``validator(value, state)`` returns the value or raises Invalid."""

    __slots__ = ("fn", "label")

    def __init__(self, fn: Callable[[Any, State], Any], label: str) -> None:
        self.fn = fn
        self.label = label
        """The name pydantic gives this schema in the location of a union member's errors."""

    def __call__(self, value: Any, state: State) -> Any:
        return self.fn(value, state)


def _fail(error_type: str, value: Any, ctx: dict[str, Any] | None = None) -> Invalid:
    return Invalid([LineError(error_type, value, ctx)])


def _any(value: Any, state: State) -> Any:
    return value


def _none(value: Any, state: State) -> None:
    if value is None:
        return None
    raise _fail("none_required", value)


def _str(value: Any, state: State) -> str:
    if type(value) is str:
        return value
    if isinstance(value, enum.Enum) and not state.json:
        if isinstance(value.value, str):
            return value.value
        if isinstance(value, int) and not state.strict:
            return str(int(value))
        raise _fail("string_type", value)
    if isinstance(value, str):
        return str.__str__(value)
    if not state.strict and not state.json and isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("string_unicode", value) from None
    raise _fail("string_type", value)


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _decimal(value: Any) -> bool:
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(value, decimal.Decimal)


def _bool(value: Any, state: State) -> bool:
    if value is True or value is False:
        return value
    if state.strict:
        raise _fail("bool_type", value)
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise _fail("bool_parsing", value)
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
        raise _fail("bool_parsing", value)
    if (isinstance(value, float) or _decimal(value)) and value in (0, 1):
        return bool(value)
    raise _fail("bool_type", value)


_INT_TEXT = re.compile(r"[+-]?[0-9](?:_?[0-9])*(?:\.0*)?", re.ASCII)


def _int(value: Any, state: State) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool):
        if state.strict:
            raise _fail("int_type", value)
        return int(value)
    if isinstance(value, int):
        return int(value)
    if state.strict:
        raise _fail("int_type", value)
    if isinstance(value, float) or _decimal(value):
        if not math.isfinite(value):
            raise _fail("finite_number", value)
        if value != int(value):
            raise _fail("int_from_float", value)
        return int(value)
    if isinstance(value, (str, bytes, bytearray)):
        text = value if isinstance(value, str) else bytes(value).decode("utf-8", "replace")
        text = text.strip()
        if _INT_TEXT.fullmatch(text):
            return int(text.split(".")[0])
        raise _fail("int_parsing", value)
    raise _fail("int_type", value)


def _float(value: Any, state: State) -> float:
    if type(value) is float:
        return value
    if isinstance(value, bool):
        if state.strict:
            raise _fail("float_type", value)
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if state.strict:
        raise _fail("float_type", value)
    if _decimal(value):
        return float(value)
    if isinstance(value, (str, bytes, bytearray)):
        text = value if isinstance(value, str) else bytes(value).decode("utf-8", "replace")
        try:
            return float(text.strip())
        except ValueError:
            raise _fail("float_parsing", value) from None
    raise _fail("float_type", value)


def _bytes(value: Any, state: State) -> bytes:
    if isinstance(value, bytes):
        return value
    if not state.strict and isinstance(value, str):
        return value.encode("utf-8")
    if not state.strict and isinstance(value, bytearray):
        return bytes(value)
    raise _fail("bytes_type", value)


_SCALARS: dict[Any, Validator] = {
    Any: Validator(_any, "any"),
    object: Validator(_any, "any"),
    None: Validator(_none, "none"),
    type(None): Validator(_none, "none"),
    str: Validator(_str, "str"),
    bool: Validator(_bool, "bool"),
    int: Validator(_int, "int"),
    float: Validator(_float, "float"),
    bytes: Validator(_bytes, "bytes"),
}

_SEQUENCE_INPUTS = (tuple, set, frozenset, collections.deque, KeysView, ValuesView, range)


def _items_of(value: Any, state: State, error_type: str, exact: type) -> list[Any]:
    """The items of a collection input, as pydantic's lax (or strict) mode accepts them."""
    if isinstance(value, exact):
        return list(value)
    if state.strict or state.json:
        raise _fail(error_type, value)
    if isinstance(value, (*_SEQUENCE_INPUTS, list)) or (
        isinstance(value, Iterator) and not isinstance(value, (str, bytes, Mapping))
    ):
        return list(value)
    raise _fail(error_type, value)


def _collection(item: Validator, kind: type, error_type: str, name: str) -> Validator:
    def validate(value: Any, state: State) -> Any:
        items = _items_of(value, state, error_type, kind)
        out: list[Any] = []
        errors: list[LineError] = []
        for index, element in enumerate(items):
            try:
                out.append(item(element, state))
            except Invalid as exc:
                errors.extend(e.at(index) for e in exc.errors)
        if errors:
            raise Invalid(errors)
        return out if kind is list else kind(out)

    return Validator(validate, f"{name}[{item.label}]")


def _tuple(items: tuple[Validator, ...] | None, rest: Validator | None) -> Validator:
    def validate(value: Any, state: State) -> tuple[Any, ...]:
        elements = _items_of(value, state, "tuple_type", tuple)
        out: list[Any] = []
        errors: list[LineError] = []
        for index, element in enumerate(elements):
            if items is not None and index < len(items):
                validator = items[index]
            elif rest is not None:
                validator = rest
            else:
                ctx = {
                    "field_type": "Tuple",
                    "max_length": len(items or ()),
                    "actual_length": len(elements),
                }
                raise _fail("too_long", value, ctx)
            try:
                out.append(validator(element, state))
            except Invalid as exc:
                errors.extend(e.at(index) for e in exc.errors)
        if items is not None and len(elements) < len(items):
            for index in range(len(elements), len(items)):
                errors.append(LineError("missing", value, None, (index,)))
        if errors:
            raise Invalid(errors)
        return tuple(out)

    labels = ", ".join(v.label for v in items or ())
    if rest is not None:
        labels = f"{rest.label}, ..."
    return Validator(validate, f"tuple[{labels}]")


def _dict(key: Validator, item: Validator) -> Validator:
    def validate(value: Any, state: State) -> dict[Any, Any]:
        if not isinstance(value, dict) and (state.strict or not isinstance(value, Mapping)):
            raise _fail("dict_type", value)
        out: dict[Any, Any] = {}
        errors: list[LineError] = []
        for k, v in value.items():
            try:
                new_key = key(k, state)
            except Invalid as exc:
                errors.extend(e.at(k, "[key]") for e in exc.errors)
                continue
            try:
                out[new_key] = item(v, state)
            except Invalid as exc:
                errors.extend(e.at(k) for e in exc.errors)
        if errors:
            raise Invalid(errors)
        return out

    return Validator(validate, f"dict[{key.label},{item.label}]")


def _expected(values: list[Any]) -> str:
    texts = [repr(v.value if isinstance(v, enum.Enum) else v) for v in values]
    if len(texts) == 1:
        return texts[0]
    return f"{', '.join(texts[:-1])} or {texts[-1]}"


def _literal(values: tuple[Any, ...]) -> Validator:
    expected = _expected(list(values))

    def validate(value: Any, state: State) -> Any:
        for candidate in values:
            if value == candidate and isinstance(value, bool) == isinstance(candidate, bool):
                return candidate
        raise _fail("literal_error", value, {"expected": expected})

    return Validator(validate, f"literal[{','.join(repr(v) for v in values)}]")


def _enum(cls: type[enum.Enum]) -> Validator:
    expected = _expected(list(cls))

    def validate(value: Any, state: State) -> enum.Enum:
        if isinstance(value, cls):
            return value
        if not (state.strict and not state.json):
            try:
                return cls(value)
            except (ValueError, TypeError):
                pass
        raise _fail("enum", value, {"expected": expected})

    return Validator(validate, f"enum[{cls.__name__}]")


def _nullable(inner: Validator) -> Validator:
    def validate(value: Any, state: State) -> Any:
        return None if value is None else inner(value, state)

    return Validator(validate, f"nullable[{inner.label}]")


def _union(members: list[Validator]) -> Validator:
    def validate(value: Any, state: State) -> Any:
        if not state.strict:
            strict = state.with_strict(True)
            for member in members:
                try:
                    return member(value, strict)
                except Invalid:
                    continue
        errors: list[LineError] = []
        for member in members:
            try:
                return member(value, state)
            except Invalid as exc:
                errors.extend(e.at(member.label) for e in exc.errors)
        raise Invalid(errors)

    return Validator(validate, f"union[{','.join(m.label for m in members)}]")


def _instance(cls: type) -> Validator:
    def validate(value: Any, state: State) -> Any:
        if isinstance(value, cls):
            return value
        raise _fail("is_instance_of", value, {"class": cls.__name__})

    return Validator(validate, f"is-instance[{cls.__name__}]")


def _external(tp: Any, label: str) -> Validator:
    """A type pydantic knows and this module does not: pydantic validates it (when imported).

    Without pydantic, or for a type pydantic cannot build a schema for, an instance check.
    """
    adapter: list[Any] = []

    def validate(value: Any, state: State) -> Any:
        pydantic = sys.modules.get("pydantic")
        if not adapter and pydantic is not None:
            try:
                adapter.append(pydantic.TypeAdapter(tp))
            except Exception:
                adapter.append(None)
        if not adapter or adapter[0] is None:
            return _instance(tp)(value, state) if isinstance(tp, type) else value
        try:
            return adapter[0].validate_python(value, strict=state.strict, context=state.context)
        except ValueError as exc:
            nested = errors_of(exc)
            if nested is None:
                raise
            raise Invalid(nested) from None

    return Validator(validate, label)


def _model(cls: Any) -> Validator:
    def validate(value: Any, state: State) -> Any:
        return cls._validate_value(value, state)

    return Validator(validate, cls.__name__)


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


_SIZED_NAMES = {
    list: "List",
    tuple: "Tuple",
    set: "Set",
    frozenset: "Frozenset",
    dict: "Dictionary",
}


def _constrained(inner: Validator, found: dict[str, Any]) -> Validator:
    strict = found.get("strict")
    pattern = found.get("pattern")
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern

    def validate(raw: Any, state: State) -> Any:
        value = inner(raw, state.with_strict(True) if strict else state)
        if isinstance(value, str):
            if found.get("strip_whitespace"):
                value = value.strip()
            if found.get("to_lower"):
                value = value.lower()
            if found.get("to_upper"):
                value = value.upper()
            _check_length(raw, len(value), found, None)
            if compiled is not None and not compiled.search(value):
                raise _fail("string_pattern_mismatch", raw, {"pattern": compiled.pattern})
        elif isinstance(value, (list, tuple, set, frozenset, dict)):
            _check_length(raw, len(value), found, _SIZED_NAMES.get(type(value), "Value"))
        elif (isinstance(value, (int, float)) and not isinstance(value, bool)) or _decimal(value):
            _check_number(raw, value, found)
        return value

    label = "constrained-str" if inner.label == "str" else inner.label
    return Validator(validate, label)


def _check_length(raw: Any, length: int, found: dict[str, Any], field_type: str | None) -> None:
    low, high = found.get("min_length"), found.get("max_length")
    if low is not None and length < low:
        if field_type is None:
            raise _fail("string_too_short", raw, {"min_length": low})
        ctx = {"field_type": field_type, "min_length": low, "actual_length": length}
        raise _fail("too_short", raw, ctx)
    if high is not None and length > high:
        if field_type is None:
            raise _fail("string_too_long", raw, {"max_length": high})
        ctx = {"field_type": field_type, "max_length": high, "actual_length": length}
        raise _fail("too_long", raw, ctx)


def _check_number(raw: Any, value: Any, found: dict[str, Any]) -> None:
    checks = (
        ("gt", "greater_than", lambda v, b: v > b),
        ("ge", "greater_than_equal", lambda v, b: v >= b),
        ("lt", "less_than", lambda v, b: v < b),
        ("le", "less_than_equal", lambda v, b: v <= b),
        ("multiple_of", "multiple_of", lambda v, b: v % b == 0),
    )
    for key, error_type, ok in checks:
        bound = found.get(key)
        if bound is not None and not ok(value, bound):
            raise _fail(error_type, raw, {key: bound})


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
            validator = _constrained(validator, found)
    return validator


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
    scalar = _scalar(tp)
    if scalar is not None:
        return scalar
    if isinstance(tp, (str, typing.ForwardRef)):
        return _SCALARS[Any]
    if isinstance(tp, typing.TypeVar):
        if tp.__bound__ is not None:
            return compile_type(tp.__bound__)
        if tp.__constraints__:
            return _union([compile_type(c) for c in tp.__constraints__])
        return _SCALARS[Any]
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
        return _literal(args)
    if origin is typing.ClassVar or origin is typing.Final:
        return compile_type(args[0]) if args else _SCALARS[Any]
    if origin is not None:
        return _compile_generic(tp, origin, args)
    return _compile_class(tp)


def _scalar(tp: Any) -> Validator | None:
    try:
        return _SCALARS.get(tp)
    except TypeError:
        return None


def _compile_union(args: tuple[Any, ...]) -> Validator:
    members = [a for a in args if a is not type(None)]
    inner = (
        compile_type(members[0])
        if len(members) == 1
        else _union([compile_type(m) for m in members])
    )
    return _nullable(inner) if len(members) < len(args) else inner


def _compile_generic(tp: Any, origin: Any, args: tuple[Any, ...]) -> Validator:  # noqa: PLR0911 (one branch per kind)
    item = compile_type(args[0]) if args else _SCALARS[Any]
    abc = collections.abc
    if origin in (list, abc.Sequence, abc.MutableSequence, abc.Iterable, abc.Collection):
        return _collection(item, list, "list_type", "list")
    if origin in (set, abc.Set, abc.MutableSet):
        return _collection(item, set, "set_type", "set")
    if origin is frozenset:
        return _collection(item, frozenset, "frozen_set_type", "frozenset")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _tuple(None, item)
        if args == ((),):
            return _tuple((), None)
        return _tuple(tuple(compile_type(a) for a in args), None)
    if origin in (dict, abc.Mapping, abc.MutableMapping):
        value = compile_type(args[1]) if len(args) > 1 else _SCALARS[Any]
        return _dict(item, value)
    if origin is type:
        return _instance(type)
    if isinstance(origin, type) and hasattr(origin, "_validate_value"):
        return _model(tp)
    return _compile_class(origin) if isinstance(origin, type) else _SCALARS[Any]


def _compile_class(tp: Any) -> Validator:  # noqa: PLR0911 (one branch per kind of class)
    if not isinstance(tp, type):
        return _SCALARS[Any]
    if hasattr(tp, "_validate_value") and type(tp).__name__ != "ModelMetaclass":
        return _model(tp)  # a model of this package (not one a charm mixed pydantic into)
    if issubclass(tp, enum.Enum):
        return _enum(tp)
    bare = {
        list: ("list_type", "list"),
        set: ("set_type", "set"),
        frozenset: ("frozen_set_type", "frozenset"),
    }
    if tp in bare:
        error_type, name = bare[tp]
        return _collection(_SCALARS[Any], tp, error_type, name)
    if tp is tuple:
        return _tuple(None, _SCALARS[Any])
    if tp is dict:
        return _dict(_SCALARS[Any], _SCALARS[Any])
    if typing.is_typeddict(tp):
        return _dict(_SCALARS[Any], _SCALARS[Any])
    return _external(tp, tp.__name__)
