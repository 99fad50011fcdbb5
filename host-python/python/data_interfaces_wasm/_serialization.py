"""Serialization of models: pydantic's ``model_dump`` and ``model_dump_json``, by hand.

This module owns turning a model into a dict (``mode="python"``) or into JSON-compatible
values (``mode="json"``) and JSON text, with pydantic's options: keys by alias or by name,
``include``/``exclude`` (sets or nested dicts, ``"__all__"`` for list items),
``exclude_unset``, ``exclude_defaults``, ``exclude_none``, fields declared with
``exclude=True``, and the ``field_serializer``/``model_serializer`` a charm's subclass
declares. Keys come out in pydantic's order (fields in declaration order, then extra keys in
insertion order), and the JSON text is pydantic's: compact, non-ASCII kept, ``NaN`` and
infinities as ``null``, floats as Python writes them.

Why by hand: importing pydantic costs a hook about 145 ms (see :mod:`._modelling`); the
dumps must still be byte for byte those of ``dpcharmlibs.interfaces``' pydantic models.
"""

from __future__ import annotations

import enum
import json
import math
import sys
from collections.abc import Callable, Mapping
from typing import Any

from ._fields import FieldInfo, Table
from ._validation import is_undefined, required_positional


class SerializationError(ValueError):
    """A value the JSON mode cannot write (pydantic's ``PydanticSerializationError``)."""


class Options:
    """The options of one dump."""

    __slots__ = (
        "by_alias",
        "context",
        "exclude_defaults",
        "exclude_none",
        "exclude_unset",
        "fallback",
        "json",
        "round_trip",
        "serialize_as_any",
    )

    def __init__(
        self,
        *,
        mode: str = "python",
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        context: Any = None,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
    ) -> None:
        if mode not in ("python", "json"):
            raise ValueError(f"Invalid serialization mode {mode!r}, expected 'python' or 'json'")
        self.json = mode == "json"
        self.by_alias = by_alias
        self.exclude_unset = exclude_unset
        self.exclude_defaults = exclude_defaults
        self.exclude_none = exclude_none
        self.round_trip = round_trip
        self.context = context
        self.fallback = fallback
        self.serialize_as_any = serialize_as_any


class SerializationInfo:
    """What a serializer taking ``info`` receives (pydantic's ``SerializationInfo``)."""

    __slots__ = ("_options", "exclude", "field_name", "include")

    def __init__(
        self, options: Options, include: Any, exclude: Any, field_name: str | None = None
    ) -> None:
        self._options = options
        self.include = include
        self.exclude = exclude
        self.field_name = field_name

    @property
    def mode(self) -> str:
        """``"python"`` or ``"json"``."""
        return "json" if self._options.json else "python"

    def mode_is_json(self) -> bool:
        """Whether this is a JSON dump."""
        return self._options.json

    @property
    def by_alias(self) -> bool | None:
        """Whether keys are aliases (``None``: each model's own setting)."""
        return self._options.by_alias

    @property
    def exclude_unset(self) -> bool:
        """Whether fields not given explicitly are left out."""
        return self._options.exclude_unset

    @property
    def exclude_defaults(self) -> bool:
        """Whether fields equal to their default are left out."""
        return self._options.exclude_defaults

    @property
    def exclude_none(self) -> bool:
        """Whether ``None`` values are left out."""
        return self._options.exclude_none

    @property
    def round_trip(self) -> bool:
        """Whether the dump must validate back into the same model."""
        return self._options.round_trip

    @property
    def context(self) -> Any:
        """The ``context`` given to the dump."""
        return self._options.context

    @property
    def serialize_as_any(self) -> bool:
        """Pydantic's ``serialize_as_any`` (accepted, no effect here)."""
        return self._options.serialize_as_any


# --- include / exclude -----------------------------------------------------------------------


def normalize(spec: Any) -> dict[Any, Any] | None:
    """An ``include``/``exclude`` argument as a dict (key -> ``True`` or a nested spec)."""
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        return dict(spec)
    if isinstance(spec, (set, frozenset, list, tuple)):
        return dict.fromkeys(spec, True)
    raise TypeError(f"`include` and `exclude` must be of type `dict[str, bool]`, not {spec!r}")


def _whole(value: Any) -> bool:
    return value is True or value is Ellipsis


def _select(
    key: Any, include: dict[Any, Any] | None, exclude: dict[Any, Any] | None
) -> tuple[bool, Any, Any]:
    """Whether ``key`` is dumped, and the include/exclude for its value."""
    sub_exclude = None
    if exclude is not None:
        excluded = exclude.get(key, exclude.get("__all__"))
        if excluded is not None and excluded is not False:
            if _whole(excluded):
                return False, None, None
            sub_exclude = normalize(excluded)
    sub_include = None
    if include is not None:
        included = include.get(key, include.get("__all__"))
        if included is None or included is False:
            return False, None, None
        if not _whole(included):
            sub_include = normalize(included)
    return True, sub_include, sub_exclude


# --- models ----------------------------------------------------------------------------------


def _positional(func: Callable[..., Any]) -> int:
    count = required_positional(func)
    return 1 if count is None else count


def dump_model(obj: Any, options: Options, include: Any = None, exclude: Any = None) -> Any:
    """A model as a dict, or what its ``model_serializer`` makes of it."""
    table: Table = type(obj)._table()
    include, exclude = normalize(include), normalize(exclude)
    if table.model_serializer is None:
        return _fields_dict(obj, table, options, include, exclude)
    mode, proxy = table.model_serializer
    func = proxy.__get__(obj, type(obj))
    info = SerializationInfo(options, include, exclude)
    if mode == "wrap":

        def handler(model: Any) -> Any:
            return _fields_dict(model, type(model)._table(), options, include, exclude)

        args: tuple[Any, ...] = (handler, info) if _positional(func) == 2 else (handler,)
    else:
        args = (info,) if _positional(func) == 1 else ()
    return dump_value(func(*args), options)


def _is_default(info: FieldInfo, value: Any, lazy: frozenset[str]) -> bool:
    if info.default_factory is not None:
        if info.name in lazy:
            return False  # a fresh salt never equals the one held
        return bool(value == info.get_default(call_default_factory=True))
    return not is_undefined(info._default) and bool(value == info._default)


_DELETED: Any = object()


def _field_value(obj: Any, values: dict[str, Any], name: str, table: Table) -> Any:
    """A field's value; a lazy field is generated; one deleted with ``del`` is ``_DELETED``."""
    if name in values:
        return values[name]
    return getattr(obj, name) if name in table.lazy else _DELETED


def _left_out(info: FieldInfo, value: Any, options: Options, table: Table) -> bool:
    """Whether ``exclude_none``, ``exclude_defaults`` or ``exclude_if`` leave a value out."""
    if value is None and options.exclude_none:
        return True
    if options.exclude_defaults and _is_default(info, value, table.lazy):
        return True
    return info.exclude_if is not None and bool(info.exclude_if(value))


def _fields_dict(
    obj: Any, table: Table, options: Options, include: Any, exclude: Any
) -> dict[str, Any]:
    by_alias = options.by_alias
    if by_alias is None:
        by_alias = bool(table.config.get("serialize_by_alias", False))
    values = obj.__dict__
    fields_set = obj._fields_set
    out: dict[str, Any] = {}
    for name, info in table.fields.items():
        if info.exclude is True:
            continue
        keep, sub_include, sub_exclude = _select(name, include, exclude)
        if not keep or (options.exclude_unset and name not in fields_set):
            continue
        value = _field_value(obj, values, name, table)
        if value is _DELETED or _left_out(info, value, options, table):
            continue
        key = (info.serialization_alias or name) if by_alias else name
        serializer = table.field_serializers.get(name)
        if serializer is None:
            out[key] = dump_value(value, options, sub_include, sub_exclude)
        else:
            out[key] = _serialize_field(obj, name, value, serializer, options, sub_include)
    for key, value in obj._extra.items():
        keep, sub_include, sub_exclude = _select(key, include, exclude)
        if not keep or (value is None and options.exclude_none):
            continue
        out[key] = dump_value(value, options, sub_include, sub_exclude)
    return out


def _serialize_field(
    obj: Any,
    name: str,
    value: Any,
    serializer: tuple[str, str, Any],
    options: Options,
    include: Any,
) -> Any:
    mode, when_used, proxy = serializer
    if (when_used in ("unless-none", "json-unless-none") and value is None) or (
        when_used.startswith("json") and not options.json
    ):
        return dump_value(value, options, include)
    func = proxy.__get__(obj, type(obj))
    info = SerializationInfo(options, include, None, name)
    count = _positional(func)
    if mode == "wrap":

        def handler(item: Any) -> Any:
            return dump_value(item, options, include)

        args: tuple[Any, ...] = (value, handler, info) if count == 3 else (value, handler)
    else:
        args = (value, info) if count == 2 else (value,)
    return dump_value(func(*args), options)


# --- values ----------------------------------------------------------------------------------


def _key(key: Any, options: Options) -> Any:
    if not options.json or isinstance(key, str):
        return key
    if isinstance(key, enum.Enum):
        return _key(key.value, options)
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def dump_value(value: Any, options: Options, include: Any = None, exclude: Any = None) -> Any:  # noqa: PLR0911, PLR0912 (one branch per kind of value)
    """A value as pydantic dumps it (by inference from its runtime type)."""
    if value is None or value is True or value is False:
        return value
    kind = type(value)
    if kind is str or kind is int:
        return value
    if kind is float:
        return _float(value, options)
    if hasattr(kind, "_validate_value") and type(kind).__name__ != "ModelMetaclass":
        return dump_model(value, options, include, exclude)
    if isinstance(value, dict):
        include, exclude = normalize(include), normalize(exclude)
        out = {}
        for k, v in value.items():
            keep, sub_include, sub_exclude = _select(k, include, exclude)
            if keep:
                out[_key(k, options)] = dump_value(v, options, sub_include, sub_exclude)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        include, exclude = normalize(include), normalize(exclude)
        items = []
        for index, item in enumerate(value):
            keep, sub_include, sub_exclude = _select(index, include, exclude)
            if keep:
                items.append(dump_value(item, options, sub_include, sub_exclude))
        if options.json or isinstance(value, list):
            return items
        return type(value)(items) if type(value) in (tuple, set, frozenset) else items
    if isinstance(value, enum.Enum):
        return dump_value(value.value, options) if options.json else value
    if isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return _float(value, options)
    if hasattr(value, "__pydantic_serializer__") and hasattr(value, "model_dump"):
        return value.model_dump(
            mode="json" if options.json else "python",
            by_alias=options.by_alias,
            include=include,
            exclude=exclude,
            exclude_unset=options.exclude_unset,
            exclude_defaults=options.exclude_defaults,
            exclude_none=options.exclude_none,
            round_trip=options.round_trip,
            context=options.context,
        )
    dataclasses = sys.modules.get("dataclasses")  # loaded if the value is a dataclass
    if dataclasses and dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return dump_value(fields, options, include, exclude)
    if not options.json:
        return value
    return _json_scalar(value, options)


def _float(value: float, options: Options) -> float | None:
    if options.json and not math.isfinite(value):
        return None
    return value


def _json_scalar(value: Any, options: Options) -> Any:  # noqa: PLR0911 (one branch per type)
    """A value of a non-JSON type in JSON mode, as pydantic writes it."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    datetime = sys.modules.get("datetime")
    if datetime is not None:
        if isinstance(value, datetime.datetime):
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        if isinstance(value, datetime.timedelta):
            return _duration(value)
    for module, names in (
        ("decimal", ("Decimal",)),
        ("uuid", ("UUID",)),
        ("pathlib", ("PurePath",)),
        ("ipaddress", ("IPv4Address", "IPv6Address", "IPv4Network", "IPv6Network")),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(value, tuple(getattr(loaded, n) for n in names)):
            return str(value)
    pattern = getattr(value, "pattern", None)
    if type(value).__name__ == "Pattern" and isinstance(pattern, str):
        return pattern
    if options.fallback is not None:
        return dump_value(options.fallback(value), options)
    message = f"Unable to serialize unknown type: {type(value)}"
    core = sys.modules.get("pydantic_core")
    if core is not None:
        raise core.PydanticSerializationError(message)
    raise SerializationError(message)


def _duration(value: Any) -> str:
    """A ``timedelta`` as an ISO 8601 duration (pydantic's ``ser_json_timedelta='iso8601'``)."""
    sign = "-" if value.days < 0 else ""
    if sign:
        value = -value
    days, seconds, micros = value.days, value.seconds, value.microseconds
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if seconds or micros or not days:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if secs or micros or not (hours or minutes):
            text += f"{secs}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    return text


def to_json(data: Any, *, indent: int | None = None, ensure_ascii: bool = False) -> str:
    """JSON-mode values as pydantic's JSON text (compact unless ``indent`` is given)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(data, ensure_ascii=ensure_ascii, separators=separators, indent=indent)
