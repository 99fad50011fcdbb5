"""A model's validation: pydantic's model schema, run by hand.

This module owns :class:`ModelValidation`, the mixin of the model base
(:class:`~._modelling.Model`) that turns input into an instance: ``model_validate``,
``model_validate_json`` and ``model_validate_strings`` with pydantic's options (``strict``,
``extra``, ``context``, ``by_alias``/``by_name``, ``from_attributes``), the reading of each
field by alias (or path) or by name through its validator from the field table
(:mod:`._fields`), defaults, extra keys kept, dropped or refused, the model validators
(``before`` around the fields, ``after`` and ``wrap`` around the instance),
``model_post_init``, validation on assignment, and the exception raised (pydantic-core's when
it is imported, else this package's), which prints no input when one would show a secret.

Why by hand: importing pydantic costs a hook about 145 ms (see :mod:`._modelling`).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._errors import Invalid, LineError, validation_error
from ._validation import ValidationInfo, call_user, raise_as_validation_error, takes_info
from ._validators import State

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._fields import Table
    from ._modelling import Model

_MISSING: Any = object()


def _user_error(message: str, code: str) -> Exception:
    pydantic_errors = sys.modules.get("pydantic.errors")
    if pydantic_errors is not None:
        return pydantic_errors.PydanticUserError(message, code=code)  # type: ignore[no-any-return]
    return TypeError(message)


def _lookup(data: Mapping[str, Any], path: tuple[Any, ...]) -> Any:
    value: Any = data
    for part in path:
        if isinstance(value, Mapping) and isinstance(part, str):
            value = value.get(part, _MISSING)
        elif (
            isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value)
        ):
            value = value[part]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _find(
    data: Mapping[str, Any], paths: list[tuple[Any, ...]], name: str | None
) -> tuple[Any, tuple[Any, ...]]:
    """A field's value in the input and where it was (its aliases first, then its name)."""
    for path in paths:
        value = _lookup(data, path)
        if value is not _MISSING:
            return value, path
    if name is not None and name in data:
        return data[name], (name,)
    return _MISSING, (name,)


def _extra_keys(
    data: Mapping[str, Any], used: set[Any], mode: str, errors: list[LineError]
) -> dict[str, Any]:
    """The keys no field read: kept (``allow``), refused (``forbid``) or dropped."""
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in used:
            continue
        if mode == "allow":
            extra[key] = value
        elif mode == "forbid":
            errors.append(LineError("extra_forbidden", value, None, (key,)))
    return extra


def default_copy(value: Any) -> Any:
    """A default for one instance: a deep copy of an unhashable (mutable) value, else itself."""
    try:
        hash(value)
    except TypeError:
        return copy.deepcopy(value)
    return value


class ModelValidation:
    """The validation half of the model base: input in, an instance (or an error) out."""

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate ``obj`` (a mapping, or an instance) into a model, as pydantic does.

        Raises:
            ValidationError: ``pydantic_core.ValidationError`` when pydantic-core is imported,
                else this package's (both ``ValueError``).
        """
        state = cls._state(strict, context, by_alias, by_name, extra)
        if from_attributes and not isinstance(obj, (Mapping, cls)):
            obj = {name: getattr(obj, name) for name in cls._fields_info() if hasattr(obj, name)}
        return cls._validate_top(obj, state, None)

    @classmethod
    def model_validate_strings(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate an object whose values are strings (lax parsing, as pydantic's)."""
        state = cls._state(strict, context, by_alias, by_name, extra)
        return cls._validate_top(obj, state, None)

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON text into a model, as pydantic does.

        Raises:
            ValidationError: as :meth:`model_validate`; invalid JSON is a ``json_invalid`` error.
        """
        state = cls._state(strict, context, by_alias, by_name, extra)
        state.json = True
        if not isinstance(json_data, (str, bytes, bytearray)):
            raise cls._error([LineError("json_type", json_data)], state)
        try:
            data = json.loads(json_data)
        except ValueError as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
            text = f"{getattr(exc, 'msg', exc)}{where}"
            raise cls._error(
                [LineError("json_invalid", json_data, {"error": text})], state
            ) from None
        return cls._validate_top(data, state, None)

    @classmethod
    def _state(
        cls,
        strict: bool | None,
        context: Any,
        by_alias: bool | None,
        by_name: bool | None,
        extra: str | None,
    ) -> State:
        if by_alias is False and by_name is not True:
            raise _user_error(
                "At least one of `by_alias` or `by_name` must be set to True.",
                "validate-by-alias-and-name-false",
            )
        if strict is None:
            strict = bool(cls.model_config.get("strict", False))
        state = State(strict=strict, context=context, by_alias=by_alias, by_name=by_name)
        state.extra = extra
        return state

    @classmethod
    def _validate_top(cls, data: Any, state: State, target: Model | None) -> Self:
        try:
            return cls._run(data, state, target)
        except Invalid as exc:
            raise cls._error(exc.errors, state) from None

    @classmethod
    def _error(cls, errors: list[LineError], state: State) -> ValueError:
        return validation_error(
            cls.__name__, errors, json_input=state.json, hide_input=cls._hides_input(errors)
        )

    @classmethod
    def _hides_input(cls, errors: list[LineError]) -> bool:
        """Whether an error would print a secret value (then no input is printed)."""
        return any(error.secret for error in errors)

    @classmethod
    def _secret_keys(cls) -> frozenset[Any]:
        """The keys a secret field is read from (names, aliases)."""
        keys = cls.__dict__.get("__secret_keys__")
        if keys is None:
            table = cls._table()
            found: set[Any] = set()
            for name, info in table.fields.items():
                if info.secret_group is not None:
                    found.update({name, info.key})
                    found.update(path[0] for path in table.alias_paths[name])
            keys = frozenset(found)
            type.__setattr__(cls, "__secret_keys__", keys)
        return keys

    @classmethod
    def _mark_secrets(cls, errors: list[LineError]) -> None:
        """Mark the errors whose input is this model's data holding a secret value."""
        keys = cls._secret_keys()
        if not keys:
            return
        for error in errors:
            data = error.input
            if isinstance(data, Mapping) and any(data.get(key) is not None for key in keys):
                error.secret = True

    @classmethod
    def _validate_value(cls, value: Any, state: State) -> Self:
        """Validate a value into an instance (a field of this type, or a top-level call)."""
        return cls._run(value, state, None)

    @classmethod
    def _run(cls, data: Any, state: State, target: Model | None) -> Self:
        """Validate as pydantic's model schema does.

        After and wrap validators run around the instance, before ones around the fields.
        """
        table = cls._table()
        validators = table.model_validators

        def fields(value: Any) -> Any:
            return cls._build(value, state, table, target)

        inner = fields
        for mode, func in validators:
            if mode == "before":
                inner = _before(func, inner, state)

        def model(value: Any) -> Any:
            if target is None and isinstance(value, cls):
                return value
            return inner(value)

        outer = model
        for mode, func in validators:
            if mode == "after":
                outer = _after(func, outer, state)
            elif mode == "wrap":
                outer = _wrap(func, outer, state, cls.__name__)
        try:
            return outer(data)  # type: ignore[no-any-return]
        except Invalid as exc:
            cls._mark_secrets(exc.errors)
            raise

    @classmethod
    def _build(cls, data: Any, state: State, table: Table, target: Model | None) -> Self:
        """Validate a mapping's fields and extra keys into an instance."""
        if not isinstance(data, Mapping):
            raise Invalid([LineError("model_type", data, {"class_name": cls.__name__})])
        config = table.config
        by_alias = state.by_alias
        if by_alias is None:
            by_alias = bool(config.get("validate_by_alias", True))
        by_name = state.by_name
        if by_name is None:
            by_name = bool(config.get("validate_by_name") or config.get("populate_by_name"))
        used: set[Any] = set()
        values: dict[str, Any] = {}
        fields_set: set[str] = set()
        errors: list[LineError] = []
        field_state = State(
            strict=state.strict, json=state.json, context=state.context,
            by_alias=state.by_alias, by_name=state.by_name,
        )  # fmt: skip
        field_state.config, field_state.data = config, values
        for name, info in table.fields.items():
            paths = table.alias_paths[name] if by_alias else []
            value, loc = _find(data, paths, name if by_name else None)
            if value is _MISSING:
                if name in table.lazy:
                    continue
                if not info.is_required():
                    default = info.get_default(call_default_factory=True, validated_data=values)
                    values[name] = default_copy(default)
                else:
                    errors.append(LineError("missing", data, None, paths[0] if paths else loc))
                continue
            used.add(loc[0])
            field_state.field_name = name
            try:
                values[name] = table.validators[name](value, field_state)
            except Invalid as exc:
                for error in exc.errors:
                    error.secret = error.secret or info.secret_group is not None
                    errors.append(error.at(*loc))
            fields_set.add(name)
        extra = _extra_keys(data, used, state.extra or config.get("extra", "ignore"), errors)
        if errors:
            raise Invalid(errors)
        fields_set.update(extra)
        obj = target if target is not None else cls.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "_extra", extra)
        object.__setattr__(obj, "_fields_set", fields_set)
        if type(obj).model_post_init is not ModelValidation.model_post_init:
            obj.model_post_init(state.context)
        return obj  # type: ignore[return-value]

    def model_post_init(self, context: Any, /) -> None:
        """Called after validation (override it, as in pydantic)."""

    @classmethod
    def _validate_assignment(cls, name: str, value: Any) -> Any:
        state = State()
        state.config, state.field_name = cls.model_config, name
        try:
            return cls._table().validators[name](value, state)
        except Invalid as exc:
            raise cls._error([e.at(name) for e in exc.errors], state) from None


def _before(func: Any, inner: Any, state: State) -> Any:
    info = takes_info(func, "before")

    def run(value: Any) -> Any:
        args = (value, ValidationInfo(state)) if info else (value,)
        return inner(call_user(func, args, value))

    return run


def _after(func: Any, inner: Any, state: State) -> Any:
    info = takes_info(func, "after")

    def run(value: Any) -> Any:
        instance = inner(value)
        args = (instance, ValidationInfo(state)) if info else (instance,)
        result = call_user(func, args, value)
        return instance if result is None else result

    return run


def _wrap(func: Any, inner: Any, state: State, title: str) -> Any:
    info = takes_info(func, "wrap")

    def run(value: Any) -> Any:
        def handler(item: Any) -> Any:
            try:
                return inner(item)
            except Invalid as exc:
                raise_as_validation_error(exc.errors, title)

        args = (value, handler, ValidationInfo(state)) if info else (value, handler)
        return call_user(func, args, value)

    return run
