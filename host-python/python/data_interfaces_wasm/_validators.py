"""The validators of the standard types, written to behave as pydantic's lax (and strict) mode.

This module owns what a validator is (:class:`Validator`: a value and the :class:`State` of
the validation in, the value out or :class:`~._errors.Invalid` raised) and the validators the
annotation compiler (:mod:`._validation`) assembles: the scalar coercions of pydantic's lax
mode (``"yes"`` is ``True``, ``"12"`` is ``12``, bytes are text), ``Literal``, enums, unions
(smart mode, errors located by member), optional values, lists, sets, tuples and dicts, nested
models, the constraints of ``Annotated`` metadata (pattern, lengths, bounds), an ``isinstance``
check, and the types left to pydantic itself when the charm has imported it. Errors carry
pydantic-core's error types (see :mod:`._errors`).

Why by hand: importing pydantic costs a hook about 145 ms (see :mod:`._validation`); these
accept, coerce and refuse what pydantic-core's validators do, with the same errors.
"""

from __future__ import annotations

import collections
import enum
import math
import re
import sys
from collections.abc import Callable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from ._errors import Invalid, LineError, errors_of

# --- the settings of a validation, and a validator ---------------------------------------------


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


class Validator:
    """A compiled validator: ``validator(value, state)`` returns the value or raises Invalid."""

    __slots__ = ("fn", "label")

    def __init__(self, fn: Callable[[Any, State], Any], label: str) -> None:
        self.fn = fn
        self.label = label
        """The name pydantic gives this schema in the location of a union member's errors."""

    def __call__(self, value: Any, state: State) -> Any:
        return self.fn(value, state)


# --- scalars -------------------------------------------------------------------------------


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


_INT_TEXT = r"[+-]?[0-9](?:_?[0-9])*(?:\.0*)?"
"""An integer as text (compiled on first use, by ``re``'s cache: not at import)."""


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
        if re.fullmatch(_INT_TEXT, text, re.ASCII):
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

ANY = _SCALARS[Any]
"""The validator of ``Any`` (and of what cannot be resolved): the value as it is."""


def scalar(tp: Any) -> Validator | None:
    """The validator of a scalar type (``str``, ``int``, ``None``, ``Any``, ...), else ``None``."""
    try:
        return _SCALARS.get(tp)
    except TypeError:
        return None


# --- collections, choices and classes ------------------------------------------------------


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


def collection(item: Validator, kind: type, error_type: str, name: str) -> Validator:
    """A list, set or frozenset (``kind``) of items, errors located by index."""

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


def tuple_of(items: tuple[Validator, ...] | None, rest: Validator | None) -> Validator:
    """A tuple: one validator per position (``items``), then ``rest`` for any further ones."""

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


def dict_of(key: Validator, item: Validator) -> Validator:
    """A dict, its keys and values validated (a key's errors located under ``[key]``)."""

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


def literal(values: tuple[Any, ...]) -> Validator:
    """One of ``values`` (``True`` is not ``1``), as the value given in the ``Literal``."""
    expected = _expected(list(values))

    def validate(value: Any, state: State) -> Any:
        for candidate in values:
            if value == candidate and isinstance(value, bool) == isinstance(candidate, bool):
                return candidate
        raise _fail("literal_error", value, {"expected": expected})

    return Validator(validate, f"literal[{','.join(repr(v) for v in values)}]")


def enum_of(cls: type[enum.Enum]) -> Validator:
    """A member of ``cls``, or (not strict from Python) a value of one."""
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


def nullable(inner: Validator) -> Validator:
    """``None``, or what ``inner`` accepts."""

    def validate(value: Any, state: State) -> Any:
        return None if value is None else inner(value, state)

    return Validator(validate, f"nullable[{inner.label}]")


def union(members: list[Validator]) -> Validator:
    """A smart union (pydantic's): the first member to accept the value strictly, else laxly."""

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


def instance_of(cls: type) -> Validator:
    """An instance of ``cls``, as it is."""

    def validate(value: Any, state: State) -> Any:
        if isinstance(value, cls):
            return value
        raise _fail("is_instance_of", value, {"class": cls.__name__})

    return Validator(validate, f"is-instance[{cls.__name__}]")


def external(tp: Any, label: str) -> Validator:
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
            return instance_of(tp)(value, state) if isinstance(tp, type) else value
        try:
            return adapter[0].validate_python(value, strict=state.strict, context=state.context)
        except ValueError as exc:
            nested = errors_of(exc)
            if nested is None:
                raise
            raise Invalid(nested) from None

    return Validator(validate, label)


def nested_model(cls: Any) -> Validator:
    """An instance of a model of this package (``cls`` validates a mapping into one)."""

    def validate(value: Any, state: State) -> Any:
        return cls._validate_value(value, state)

    return Validator(validate, cls.__name__)


# --- constraints -----------------------------------------------------------------------------


_SIZED_NAMES = {
    list: "List",
    tuple: "Tuple",
    set: "Set",
    frozenset: "Frozenset",
    dict: "Dictionary",
}


def constrained(inner: Validator, found: dict[str, Any]) -> Validator:
    """``inner`` under the constraints ``found``: strictness, case, lengths, pattern, bounds."""
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
