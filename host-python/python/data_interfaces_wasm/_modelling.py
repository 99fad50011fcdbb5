"""The base of the models: pydantic ``BaseModel``'s API, without pydantic.

This module owns :class:`Model`, the class every model of the package derives from, and
what its instances do: construction and ``model_validate``/``model_validate_json`` (through
:mod:`._validation`, with the field table of :mod:`._fields`), ``model_dump``/
``model_dump_json`` (through :mod:`._serialization`), ``model_copy``, ``model_construct``,
``model_fields``, ``model_fields_set``, ``model_extra``, generic parametrization
(``Contract[Item]``), equality, ``repr`` (secret values masked), and
``__get_pydantic_core_schema__`` so that a charm's own pydantic models and
``pydantic.TypeAdapter`` accept these classes.

Why by hand: a Juju hook is a fresh process and importing pydantic costs it about 145 ms
(``DESIGN.md``: 285 ms for ``dpcharmlibs.interfaces`` against 140 ms for ``ops`` alone),
more than the whole protocol costs. The behaviour is pydantic's for the same declarations
(checked against ``dpcharmlibs.interfaces`` by ``tests/python/test_model_api.py``). Fields
whose default factory needs the protocol runtime (the salt) are generated on first read rather
than at construction.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ._compat import DeprecatedModelAPI, model_json_schema
from ._fields import FieldInfo, Table, build_table, capture_defaults
from ._serialization import Options, dump_model, to_json
from ._validation import Invalid, LineError, State, ValidationInfo, call_user, validation_error

if TYPE_CHECKING:
    from typing_extensions import Self

_Config = dict[str, Any]
_MISSING: Any = object()
_MASK = "**********"
"""What ``repr`` shows instead of a secret value."""


class _FieldsAttribute:
    """``Model.model_fields``: the field table, read from the class (or an instance)."""

    def __get__(self, obj: object | None, owner: type[Model]) -> dict[str, FieldInfo]:
        return owner._fields_info()


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


def _default_copy(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return copy.deepcopy(value)
    return value


def is_pydantic_class(cls: type) -> bool:
    """Whether ``cls`` is a pydantic model class (a charm mixing pydantic into a model)."""
    return type(cls).__name__ == "ModelMetaclass"


class Model(DeprecatedModelAPI):
    """A data model with pydantic ``BaseModel``'s API (see the module docstring).

    No ``__slots__``: a charm may mix a pydantic ``BaseModel`` into a subclass, and then
    pydantic's machinery runs that subclass (its fields are read from pydantic's table).
    """

    model_config: ClassVar[_Config] = {}
    """The model's configuration (pydantic's ``ConfigDict`` keys), merged from its bases."""
    model_computed_fields: ClassVar[_Config] = {}
    """No computed fields."""
    model_fields = _FieldsAttribute()
    """The fields, by name (a class attribute, as in pydantic). There is no
    ``__pydantic_fields__``: pydantic reads that name on the bases of a class it builds, and a
    charm may mix a pydantic model into a subclass of these."""

    _lazy_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields with a default factory that runs on first read instead of at construction."""
    _hybrid_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields whose secret group sits in the first member of their union annotation."""

    if TYPE_CHECKING:  # instance state, in the instance's __dict__
        _extra: _Config
        _fields_set: set[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if is_pydantic_class(cls):
            return  # pydantic's metaclass reads this class
        capture_defaults(cls)
        # A class defined in a function may name the function's locals in its annotations (as
        # pydantic, keep them to resolve the annotations later).
        frame = sys._getframe(1)
        if (
            frame.f_locals is not frame.f_globals
            and "__qualname__" not in frame.f_locals
            and frame.f_globals.get("__name__") != __name__
        ):
            type.__setattr__(cls, "__parent_locals__", dict(frame.f_locals))
        config: dict[str, Any] = {}
        for base in reversed(cls.__mro__[1:]):
            config.update(base.__dict__.get("model_config") or {})
        config.update(cls.__dict__.get("model_config") or {})
        type.__setattr__(cls, "model_config", config)

    # --- the field table -------------------------------------------------------------------

    @classmethod
    def _table(cls) -> Table:
        table = cls.__dict__.get("__table__")
        if table is None:
            table = build_table(cls)
            type.__setattr__(cls, "__table__", table)
        return table

    @classmethod
    def _fields_info(cls) -> dict[str, FieldInfo]:
        """The fields of the model, by attribute name."""
        return cls._table().fields

    @classmethod
    def _standard_fields(cls) -> frozenset[str]:
        """The fields the contract's record has a typed slot for (none by default)."""
        return frozenset()

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """Read the class again (after a forward reference became resolvable)."""
        if "__table__" in cls.__dict__:
            if not force:
                return None
            type.__delattr__(cls, "__table__")
        cls._table()
        return True

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = None,
        ref_template: str = "#/$defs/{model}",
        schema_generator: Any = None,
        mode: str = "validation",
        *,
        union_format: str = "any_of",
    ) -> dict[str, Any]:
        """A JSON schema of the model, in pydantic's layout (not promised byte for byte)."""
        return model_json_schema(cls, by_alias, ref_template, mode)

    # --- validation --------------------------------------------------------------------------

    def __init__(self, /, **data: Any) -> None:
        type(self)._validate_top(data, State(), self)

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
                    values[name] = _default_copy(default)
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
        if type(obj).model_post_init is not Model.model_post_init:
            obj.model_post_init(state.context)
        return obj  # type: ignore[return-value]

    def model_post_init(self, context: Any, /) -> None:
        """Called after validation (override it, as in pydantic)."""

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        """A model from trusted values, without validation (pydantic's rules for keys)."""
        table = cls._table()
        obj = cls.__new__(cls)
        fields_values: dict[str, Any] = {}
        fields_set: set[str] = set()
        for name, info in table.fields.items():
            keys = [info.alias] if info.alias is not None else []
            keys += [path[0] for path in table.alias_paths[name] if len(path) == 1]
            for key in [*keys, name]:
                if key in values:
                    fields_values[name] = values.pop(key)
                    fields_set.add(name)
                    break
            else:
                if name in table.lazy:
                    continue
                if not info.is_required():
                    fields_values[name] = info.get_default(
                        call_default_factory=True, validated_data=fields_values
                    )
                    if info.default_factory is None:
                        fields_values[name] = _default_copy(info._default)
        object.__setattr__(obj, "__dict__", fields_values)
        object.__setattr__(obj, "_extra", values if table.config.get("extra") == "allow" else {})
        object.__setattr__(obj, "_fields_set", set(_fields_set) if _fields_set else fields_set)
        if cls.model_post_init is not Model.model_post_init:
            obj.model_post_init(None)
        return obj

    # --- serialization -----------------------------------------------------------------------

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Any = None,
        exclude: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Any = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
    ) -> dict[str, Any]:
        """The model as a dict, as pydantic dumps it (keys by alias when the model says so).

        Fields declared with ``exclude=True`` (the secret fields) are left out.
        """
        options = Options(
            mode=mode,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            round_trip=round_trip,
            context=context,
            fallback=fallback,
            serialize_as_any=serialize_as_any,
        )
        return dump_model(self, options, include, exclude)  # type: ignore[no-any-return]

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        include: Any = None,
        exclude: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Any = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
    ) -> str:
        """The model as pydantic's JSON text (compact unless ``indent`` is given)."""
        data = self.model_dump(
            mode="json",
            include=include,
            exclude=exclude,
            context=context,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            round_trip=round_trip,
            fallback=fallback,
        )
        return to_json(data, indent=indent, ensure_ascii=ensure_ascii)

    # --- copies ------------------------------------------------------------------------------

    def _materialize(self) -> None:
        """Generate the lazy fields not read yet (a copy must hold the same values)."""
        for name in type(self)._table().lazy:
            getattr(self, name)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` (by field name) applied without validation."""
        copied = self.__deepcopy__({}) if deep else self.__copy__()
        if update:
            fields = type(self)._fields_info()
            allow = type(self).model_config.get("extra") == "allow"
            for key, value in update.items():
                if key in fields or not allow:
                    copied.__dict__[key] = value
                else:
                    copied._extra[key] = value
            copied._fields_set.update(update.keys())
        return copied

    def __copy__(self) -> Self:
        self._materialize()
        cls = type(self)
        new = cls.__new__(cls)
        object.__setattr__(new, "__dict__", dict(self.__dict__))
        object.__setattr__(new, "_extra", dict(self._extra))
        object.__setattr__(new, "_fields_set", set(self._fields_set))
        return new

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        self._materialize()
        cls = type(self)
        new = cls.__new__(cls)
        object.__setattr__(new, "__dict__", copy.deepcopy(self.__dict__, memo))
        object.__setattr__(new, "_extra", copy.deepcopy(self._extra, memo))
        object.__setattr__(new, "_fields_set", set(self._fields_set))
        return new

    def __getstate__(self) -> dict[str, Any]:
        self._materialize()
        return {"dict": self.__dict__, "extra": self._extra, "fields_set": self._fields_set}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", state["dict"])
        object.__setattr__(self, "_extra", state["extra"])
        object.__setattr__(self, "_fields_set", state["fields_set"])

    # --- attributes ----------------------------------------------------------------------------

    @property
    def model_fields_set(self) -> set[str]:
        """The fields given explicitly (at construction, by assignment), extra keys included."""
        return self._fields_set

    @property
    def model_extra(self) -> dict[str, Any] | None:
        """The extra (undeclared) fields, by key (``None`` when the model keeps none)."""
        if type(self).model_config.get("extra") != "allow":
            return None
        return self._extra

    @property
    def __pydantic_extra__(self) -> dict[str, Any] | None:
        return self.model_extra

    @property
    def __pydantic_fields_set__(self) -> set[str]:
        return self._fields_set

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_extra", "_fields_set"):
            raise AttributeError(name)
        cls = type(self)
        table = cls._table()
        if name in table.lazy and name in table.fields:
            value = table.fields[name].get_default(call_default_factory=True)
            self.__dict__[name] = value
            return value
        try:
            extra = object.__getattribute__(self, "_extra")
        except AttributeError:
            extra = {}
        if name in extra:
            return extra[name]
        raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        cls = type(self)
        table = cls._table()
        if name in table.fields:
            if table.config.get("validate_assignment"):
                value = cls._validate_assignment(name, value)
            self.__dict__[name] = value
            self._fields_set.add(name)
            return
        if name.startswith("_") or hasattr(getattr(cls, name, None), "__set__"):
            object.__setattr__(self, name, value)
            return
        if table.config.get("extra") == "allow":
            self._extra[name] = value
            self._fields_set.add(name)
            return
        raise ValueError(f'"{cls.__name__}" object has no field "{name}"')

    @classmethod
    def _validate_assignment(cls, name: str, value: Any) -> Any:
        state = State()
        state.config, state.field_name = cls.model_config, name
        try:
            return cls._table().validators[name](value, state)
        except Invalid as exc:
            raise cls._error([e.at(name) for e in exc.errors], state) from None

    def __delattr__(self, name: str) -> None:
        table = type(self)._table()
        if name in table.fields:
            if name not in self.__dict__ and name not in table.lazy:
                raise AttributeError(name)
            self.__dict__.pop(name, None)
        elif name in self._extra:
            del self._extra[name]
        else:
            object.__delattr__(self, name)

    # --- comparison and display ----------------------------------------------------------------

    def _field_values(self) -> dict[str, Any]:
        if "_fields_set" not in self.__dict__:
            return {}
        self._materialize()
        return {name: self.__dict__[name] for name in self._fields_info() if name in self.__dict__}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        if type(self) is not type(other):
            return False
        return self._field_values() == other._field_values() and self._extra == other._extra

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self._field_values().items()
        yield from self._extra.items()

    def __repr_args__(self) -> Iterator[tuple[str, Any]]:
        """The ``name=value`` pairs of ``repr``, secret values masked."""
        fields = self._fields_info()
        for name, value in self._field_values().items():
            info = fields[name]
            if info.repr is False:
                continue
            if info.secret_group is not None and value is not None:
                value = _MASK
            yield name, value
        yield from getattr(self, "_extra", {}).items()

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.__repr_args__())
        return f"{type(self).__name__}({args})"

    def __str__(self) -> str:
        return " ".join(f"{name}={value!r}" for name, value in self.__repr_args__())

    # --- generics ------------------------------------------------------------------------------

    def __class_getitem__(cls, params: Any) -> Any:
        parameters = cls.__dict__.get("__parameters__") or getattr(cls, "__parameters__", ())
        if not parameters:
            raise TypeError(
                f"{cls} cannot be parametrized because it does not inherit from typing.Generic"
            )
        if not isinstance(params, tuple):
            params = (params,)
        if len(params) != len(parameters):
            raise TypeError(
                f"Too {'many' if len(params) > len(parameters) else 'few'} parameters for {cls}; "
                f"actual {len(params)}, expected {len(parameters)}"
            )
        if all(isinstance(p, TypeVar) for p in params):
            return cls
        cache: dict[Any, type] = cls.__dict__.get("__generic_cache__") or {}
        if "__generic_cache__" not in cls.__dict__:
            type.__setattr__(cls, "__generic_cache__", cache)
        try:
            return cache[params]
        except KeyError:
            pass
        name = cls.model_parametrized_name(params)
        namespace = {
            "__module__": cls.__module__,
            "__qualname__": name,
            "_typevar_map": dict(zip(parameters, params, strict=True)),
            "_item_model": params[0] if len(params) == 1 else None,
            "__pydantic_generic_metadata__": {"origin": cls, "args": params, "parameters": ()},
        }
        sub = type(cls)(name, (cls,), namespace)
        cache[params] = sub
        return sub

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """The name of ``cls[params]`` (``DataContractV1[ResourceProviderModel]``)."""
        names = [p.__name__ if isinstance(p, type) else repr(p) for p in params]
        return f"{cls.__name__}[{', '.join(names)}]"

    # --- pydantic interoperability ---------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """The schema pydantic uses for this class inside a charm's pydantic models.

        Validation and serialization run here (the charm imported pydantic, so pydantic-core
        is loaded; nothing is imported otherwise).
        """
        from pydantic_core import core_schema

        target: type[Model] = (
            source if isinstance(source, type) and issubclass(source, Model) else cls
        )

        def validate(value: Any, info: Any) -> Any:
            state = State(json=getattr(info, "mode", "python") == "json", context=info.context)
            try:
                return target._validate_value(value, state)
            except Invalid as exc:
                raise target._error(exc.errors, state) from None

        def serialize(value: Any, info: Any) -> Any:
            if not isinstance(value, Model):
                return value
            return value.model_dump(
                mode="json" if info.mode_is_json() else "python",
                by_alias=info.by_alias,
                include=info.include,
                exclude=info.exclude,
                exclude_unset=info.exclude_unset,
                exclude_defaults=info.exclude_defaults,
                exclude_none=info.exclude_none,
                round_trip=info.round_trip,
                context=info.context,
            )

        return core_schema.with_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                serialize, info_arg=True
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        """A JSON schema for this class inside a charm's pydantic models: an object."""
        return {"title": cls.__name__, "type": "object"}


def _before(func: Any, inner: Any, state: State) -> Any:
    from ._validation import takes_info

    info = takes_info(func, "before")

    def run(value: Any) -> Any:
        args = (value, ValidationInfo(state)) if info else (value,)
        return inner(call_user(func, args, value))

    return run


def _after(func: Any, inner: Any, state: State) -> Any:
    from ._validation import takes_info

    info = takes_info(func, "after")

    def run(value: Any) -> Any:
        instance = inner(value)
        args = (instance, ValidationInfo(state)) if info else (instance,)
        result = call_user(func, args, value)
        return instance if result is None else result

    return run


def _wrap(func: Any, inner: Any, state: State, title: str) -> Any:
    from ._validation import raise_as_validation_error, takes_info

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
