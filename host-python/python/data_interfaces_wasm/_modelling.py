"""The base of the models: pydantic ``BaseModel``'s API, without pydantic.

This module owns :class:`Model`, the class every model of the package derives from, and
what its instances do: the field table of the class (:mod:`._fields`, built on first use) and
``model_config`` merged from the bases, construction (validated by
:class:`~._model_validation.ModelValidation`, a mixin of this class), ``model_construct``,
``model_dump``/``model_dump_json`` (through :mod:`._serialization`), ``model_copy``, copies
and pickling, ``model_fields``, ``model_fields_set``, ``model_extra``, attribute access (lazy
fields, extra keys, validated assignment), equality, ``repr`` (secret values masked), and the
entry points of what lives apart, each module imported by its first call: generic
parametrization (``Contract[Item]``: :mod:`._generics`), ``model_json_schema``
(:mod:`._json_schema`) and ``__get_pydantic_core_schema__`` (:mod:`._pydantic_schema`).
pydantic 1's deprecated names come from :mod:`._compat`'s mixin.

Why by hand: a Juju hook is a fresh process and importing pydantic costs it about 145 ms
(``DESIGN.md``: 285 ms for ``dpcharmlibs.interfaces`` against 140 ms for ``ops`` alone),
more than the whole protocol costs. The behaviour is pydantic's for the same declarations
(checked against ``dpcharmlibs.interfaces`` by ``tests/python/test_model_api.py``). Fields
whose default factory needs the protocol runtime (the salt) are generated on first read rather
than at construction.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._compat import DeprecatedModelAPI
from ._fields import FieldInfo, Table, build_table, capture_defaults
from ._model_validation import ModelValidation, default_copy
from ._serialization import Options, dump_model, to_json
from ._validators import State

if TYPE_CHECKING:
    from typing_extensions import Self

_Config = dict[str, Any]
_MASK = "**********"
"""What ``repr`` shows instead of a secret value."""


class _FieldsAttribute:
    """``Model.model_fields``: the field table, read from the class (or an instance)."""

    def __get__(self, obj: object | None, owner: type[Model]) -> dict[str, FieldInfo]:
        return owner._fields_info()


def is_pydantic_class(cls: type) -> bool:
    """Whether ``cls`` is a pydantic model class (a charm mixing pydantic into a model)."""
    return type(cls).__name__ == "ModelMetaclass"


class Model(ModelValidation, DeprecatedModelAPI):
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
        # pydantic, keep them to resolve the annotations later); not one made by parametrizing
        # a generic model (its annotations are its origin's).
        frame = sys._getframe(1)
        if (
            frame.f_locals is not frame.f_globals
            and "__qualname__" not in frame.f_locals
            and "__pydantic_generic_metadata__" not in cls.__dict__
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
        from ._json_schema import model_json_schema

        return model_json_schema(cls, by_alias, ref_template, mode)

    # --- construction ------------------------------------------------------------------------

    def __init__(self, /, **data: Any) -> None:
        type(self)._validate_top(data, State(), self)

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
                        fields_values[name] = default_copy(info._default)
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
        from ._generics import parametrize

        return parametrize(cls, params)

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """The name of ``cls[params]`` (``DataContractV1[ResourceProviderModel]``)."""
        names = [p.__name__ if isinstance(p, type) else repr(p) for p in params]
        return f"{cls.__name__}[{', '.join(names)}]"

    # --- pydantic interoperability ---------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """The schema pydantic uses for this class inside a charm's pydantic models.

        Validation and serialization run through this package (:mod:`._pydantic_schema`,
        imported by this call, which only pydantic makes).
        """
        from ._pydantic_schema import core_schema_of

        return core_schema_of(cls, source)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        """A JSON schema for this class inside a charm's pydantic models: an object."""
        return {"title": cls.__name__, "type": "object"}
