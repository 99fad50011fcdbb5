"""The fields of a model class: what pydantic's metaclass would collect, collected by hand.

This module owns the field table of a model class: one :class:`FieldInfo` per field (with
pydantic ``FieldInfo``'s attributes, plus what the protocol host needs: wire key, secret
group, whether the contract record has a typed slot for it), the validators of each field and
of the model, and the serializers a charm's subclass declares. It reads the class as pydantic
would: annotations (``Annotated`` metadata included), class defaults, ``Field(...)`` as a
default or in ``Annotated`` metadata, ``model_config`` (alias generator, ``extra``, alias
use), and the decorators of ``field_validator``, ``model_validator``, ``field_serializer`` and
``model_serializer`` (pydantic's, duck-typed, or this package's own).

Why by hand: importing pydantic costs a hook about 145 ms (see :mod:`._modelling`); a charm
that uses pydantic itself still gets its ``Field``, validators and serializers honoured, read
from pydantic's objects without importing pydantic here. The table is built on first use of a
class, not at import.
"""

from __future__ import annotations

import contextlib
import sys
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from ._annotations import is_classvar, own_annotations, resolved_hints
from ._validation import (
    apply_metadata,
    compile_type,
    is_field_info,
    is_undefined,
    required_positional,
    with_function,
)
from ._validators import Validator


class _UndefinedType:
    """No default (pydantic's ``PydanticUndefined``, for when pydantic is not imported)."""

    _instance: ClassVar[_UndefinedType | None] = None

    def __new__(cls) -> _UndefinedType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "PydanticUndefined"

    def __copy__(self) -> _UndefinedType:
        return self

    def __deepcopy__(self, memo: Any) -> _UndefinedType:
        return self

    def __reduce__(self) -> str:
        return "Undefined"


Undefined: Any = _UndefinedType()
"""The marker of a field without a default."""


def _public_undefined(value: Any) -> Any:
    """Our marker as pydantic's own ``PydanticUndefined`` once pydantic-core is imported."""
    if value is Undefined:
        core = sys.modules.get("pydantic_core")
        if core is not None:
            return core.PydanticUndefined
    return value


class AliasChoices:
    """Several keys a field may be read from, tried in order (pydantic's ``AliasChoices``)."""

    __slots__ = ("choices",)

    def __init__(self, choice: str, *choices: str) -> None:
        self.choices: list[Any] = [choice, *choices]

    def __eq__(self, other: object) -> bool:
        return type(other).__name__ == "AliasChoices" and self.choices == other.choices  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AliasChoices(choices={self.choices!r})"


_ATTRIBUTES = (
    "annotation",
    "default",
    "default_factory",
    "alias",
    "alias_priority",
    "validation_alias",
    "serialization_alias",
    "title",
    "description",
    "examples",
    "exclude",
    "exclude_if",
    "discriminator",
    "deprecated",
    "json_schema_extra",
    "frozen",
    "validate_default",
    "repr",
    "init",
    "init_var",
    "kw_only",
)

_UNSET = {name: True if name == "repr" else None for name in _ATTRIBUTES if name != "default"}
"""The value of each attribute (but ``default``) that a declaration leaves out."""


class FieldInfo:
    """One field of a model: pydantic ``FieldInfo``'s attributes, and the host's.

    The pydantic attributes (``annotation``, ``default``, ``default_factory``, ``alias``,
    ``validation_alias``, ``serialization_alias``, ``exclude``, ``metadata``, ``description``,
    ...) have pydantic's values for the same declaration. The host reads ``name``, ``key``
    (the wire key: the alias), ``secret_group`` and ``standard``.
    """

    # pydantic's attributes live in the instance dict when a declaration sets them, and read
    # their class-level value (below) otherwise: a field costs two entries, not twenty-five.
    __slots__ = (
        "__dict__",
        "_attributes_set",
        "_default",
        "_standard_fields",
        "key",
        "metadata",
        "name",
        "secret_group",
    )

    def __init__(self, **attributes: Any) -> None:
        self._attributes_set: dict[str, Any] = dict(attributes)
        self.metadata: list[Any] = list(attributes.pop("metadata", ()))
        self._default = attributes.pop("default", Undefined)
        self.__dict__.update((name, v) for name, v in attributes.items() if name in _UNSET)
        self.name = ""
        """The attribute name."""
        self.key = ""
        """The wire key (the alias, else the name)."""
        self.secret_group: str | None = None
        """The secret group of a secret field."""
        self._standard_fields: Callable[[], frozenset[str]] = frozenset
        """The typed fields of the model's record (its class's ``_standard_fields``)."""

    @property
    def standard(self) -> bool:
        """Whether the contract's record has a typed field for it.

        Asked of the model class when first read, not when its table is built: the record's
        fields come from the native module, which validating a model does not load.
        """
        return self.name in self._standard_fields()

    @property
    def default(self) -> Any:
        """The default value (``PydanticUndefined`` when there is none)."""
        return _public_undefined(self._default)

    def is_required(self) -> bool:
        """Whether the field has neither a default nor a default factory."""
        return is_undefined(self._default) and self.default_factory is None

    def get_default(
        self, *, call_default_factory: bool = False, validated_data: dict[str, Any] | None = None
    ) -> Any:
        """The default value, calling the factory when asked to."""
        if self.default_factory is None:
            return self.default
        if not call_default_factory:
            return None
        if required_positional(self.default_factory) == 1:
            return self.default_factory(validated_data or {})
        return self.default_factory()

    def __repr__(self) -> str:
        annotation = _display(self.annotation)
        parts = [f"annotation={annotation}", f"required={self.is_required()}"]
        if not is_undefined(self._default):
            parts.append(f"default={self._default!r}")
        if self.default_factory is not None:
            parts.append(f"default_factory={getattr(self.default_factory, '__name__', '?')}")
        for name in ("alias", "alias_priority", "validation_alias", "serialization_alias"):
            value = getattr(self, name)
            if value is not None and not (
                name in ("validation_alias", "serialization_alias") and value == self.alias
            ):
                parts.append(f"{name}={value!r}")
        for name in ("title", "description", "exclude"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        if self.metadata:
            parts.append(f"metadata={self.metadata!r}")
        return f"FieldInfo({', '.join(parts)})"


for _name, _unset in _UNSET.items():
    setattr(FieldInfo, _name, _unset)
del _name, _unset


def Field(  # noqa: N802 (pydantic's name)
    default: Any = Undefined,
    *,
    default_factory: Callable[[], Any] | None = None,
    alias: str | None = None,
    validation_alias: Any = None,
    serialization_alias: str | None = None,
    description: str | None = None,
    exclude: bool | None = None,
    pattern: str | None = None,
) -> Any:
    """A field specification, as pydantic's ``Field`` (the part the models use)."""
    attributes: dict[str, Any] = {}
    if default is not Undefined:
        attributes["default"] = default
    if default_factory is not None:
        attributes["default_factory"] = default_factory
    if alias is not None:
        attributes.update(alias=alias, alias_priority=2)
        validation_alias = validation_alias or alias
        serialization_alias = serialization_alias or alias
    if validation_alias is not None:
        attributes["validation_alias"] = validation_alias
        attributes.setdefault("alias_priority", 2)
    if serialization_alias is not None:
        attributes["serialization_alias"] = serialization_alias
        attributes.setdefault("alias_priority", 2)
    if description is not None:
        attributes["description"] = description
    if exclude is not None:
        attributes["exclude"] = exclude
    if pattern is not None:
        attributes["metadata"] = [_Pattern(pattern)]
    return FieldInfo(**attributes)


class _Pattern:
    """A string pattern constraint (pydantic's ``Field(pattern=...)``)."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"_PydanticGeneralMetadata(pattern={self.pattern!r})"

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        """The pattern, applied when a pydantic model uses this package's ``SecretString``."""
        schema = handler(source)
        schema["pattern"] = self.pattern
        return schema


class AfterValidator:
    """A validator run after the type's, in ``Annotated`` metadata (pydantic's)."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __repr__(self) -> str:
        return f"AfterValidator(func={self.func!r})"


# --- decorators ------------------------------------------------------------------------------


class _DecoratorInfo:
    __slots__ = ("fields", "kind", "mode", "when_used")

    def __init__(self, kind: str, mode: str, fields: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.mode = mode
        self.fields = fields
        self.when_used = "always"


class _Decorated:
    """A decorated method: transparent as a descriptor, found by the field table."""

    def __init__(self, wrapped: Any, info: _DecoratorInfo) -> None:
        self.wrapped = wrapped
        self.decorator_info = info

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        try:
            return self.wrapped.__get__(obj, owner)
        except AttributeError:
            return self.wrapped


def model_validator(*, mode: str) -> Callable[[Any], Any]:
    """This package's ``model_validator`` (pydantic's rules: before, after or wrap)."""

    def decorate(func: Any) -> Any:
        return _Decorated(func, _DecoratorInfo("model", mode))

    return decorate


def field_validator(field: str, *fields: str, mode: str = "after") -> Callable[[Any], Any]:
    """This package's ``field_validator`` (pydantic's rules)."""

    def decorate(func: Any) -> Any:
        if not isinstance(func, (classmethod, staticmethod)):
            func = classmethod(func)
        return _Decorated(func, _DecoratorInfo("field", mode, (field, *fields)))

    return decorate


_KINDS = {
    "FieldValidatorDecoratorInfo": "field",
    "ModelValidatorDecoratorInfo": "model",
    "FieldSerializerDecoratorInfo": "field_serializer",
    "ModelSerializerDecoratorInfo": "model_serializer",
}


def _decorator_kind(info: Any) -> str | None:
    if isinstance(info, _DecoratorInfo):
        return info.kind
    return _KINDS.get(type(info).__name__)


# --- class reading -------------------------------------------------------------------------


def _display(tp: Any) -> str:
    """A type as pydantic shows it in a ``FieldInfo`` repr."""
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def capture_defaults(cls: type) -> None:
    """Move the class defaults of a model's own fields off the class, into ``__own_fields__``.

    As with pydantic, ``Model.field`` is then no attribute of the class; instances hold the
    values. Runs when the class is created: no annotation is evaluated here.
    """
    defaults: dict[str, Any] = {}
    namespace = cls.__dict__
    for name, hint in own_annotations(cls).items():
        if name.startswith("_") or is_classvar(hint):
            continue
        if name in namespace:
            defaults[name] = namespace[name]
            try:  # noqa: SIM105 (contextlib.suppress would add ~2 us a field to the import)
                delattr(cls, name)
            except (AttributeError, TypeError):
                pass
        else:
            defaults[name] = Undefined
    type.__setattr__(cls, "__own_fields__", defaults)
    decorators: dict[str, tuple[str, Any, Any, Any]] = {}
    for name, value in list(cls.__dict__.items()):
        info = getattr(value, "decorator_info", None)
        kind = _decorator_kind(info) if info is not None else None
        if kind is not None:
            decorators[name] = (kind, info, value.wrapped, getattr(value, "shim", None))
            type.__setattr__(cls, name, value.wrapped)  # as pydantic leaves it: the method
    type.__setattr__(cls, "__own_decorators__", decorators)


def _substitute(tp: Any, mapping: dict[Any, Any]) -> Any:
    """``tp`` with the type variables of a parametrized generic model replaced."""
    if not mapping:
        return tp
    if isinstance(tp, TypeVar):
        return mapping.get(tp, tp)
    parameters = getattr(tp, "__parameters__", ())
    if parameters and not isinstance(tp, type):
        with contextlib.suppress(TypeError):
            return tp[tuple(mapping.get(p, p) for p in parameters)]
    return tp


def _merge(name: str, hint: Any, default: Any) -> FieldInfo:
    """A field from its annotation and class default, merging field specifications in order."""
    annotation = hint
    metadata: list[Any] = []
    specs: list[Any] = []
    if typing.get_origin(hint) is typing.Annotated:
        annotation = typing.get_args(hint)[0]
        for item in hint.__metadata__:
            if is_field_info(item):
                specs.append(item)
            else:
                metadata.append(item)
    if is_field_info(default):
        specs.append(default)
    elif not is_undefined(default):
        specs.append(FieldInfo(default=default))
    attributes: dict[str, Any] = {}
    constraints: list[Any] = []
    for spec in specs:
        for key, value in spec._attributes_set.items():
            if key not in ("annotation", "metadata"):
                attributes[key] = value
        if spec.alias_priority is not None:
            attributes["alias_priority"] = spec.alias_priority
        constraints.extend(spec.metadata)
    if is_undefined(attributes.get("default", Undefined)):
        attributes.pop("default", None)
    if attributes.get("default") is Ellipsis:
        del attributes["default"]
    info = FieldInfo(annotation=annotation, metadata=[*metadata, *constraints], **attributes)
    info.name = name
    return info


def _apply_alias_generator(info: FieldInfo, generator: Any) -> None:
    """Pydantic's rules for an alias generator (``_apply_alias_generator_to_field_info``)."""
    if not (
        info.alias_priority is None
        or info.alias_priority <= 1
        or info.alias is None
        or info.validation_alias is None
        or info.serialization_alias is None
    ):
        return
    alias = validation_alias = serialization_alias = None
    if hasattr(generator, "generate_aliases"):
        alias, validation_alias, serialization_alias = generator.generate_aliases(info.name)
    elif callable(generator):
        alias = generator(info.name)
        if not isinstance(alias, str):
            raise TypeError(f"alias_generator {generator} must return str, not {alias.__class__}")
    if info.alias_priority is None or info.alias_priority <= 1:
        info.alias_priority = 1
    if info.alias_priority == 1:
        info.serialization_alias = serialization_alias or alias
        info.validation_alias = validation_alias or alias
        info.alias = alias
    if info.alias is None:
        info.alias = alias
    if info.serialization_alias is None:
        info.serialization_alias = serialization_alias or alias
    if info.validation_alias is None:
        info.validation_alias = validation_alias or alias


def lookup_paths(info: FieldInfo) -> list[tuple[Any, ...]]:
    """The keys (or paths) a field's value is read from by alias, in order."""
    alias = info.validation_alias if info.validation_alias is not None else info.alias
    if alias is None:
        return [(info.name,)]
    if isinstance(alias, str):
        return [(alias,)]
    choices = getattr(alias, "choices", None)
    items = choices if choices is not None else [alias]
    paths = []
    for item in items:
        if isinstance(item, str):
            paths.append((item,))
        elif getattr(item, "path", None) is not None:
            paths.append(tuple(item.path))
    return paths


class Table:
    """Everything a model class knows about its fields, built once per class."""

    __slots__ = (
        "alias_paths",
        "config",
        "field_serializers",
        "fields",
        "hybrid",
        "lazy",
        "model_serializer",
        "model_validators",
        "validators",
    )

    def __init__(self) -> None:
        self.fields: dict[str, FieldInfo] = {}
        self.validators: dict[str, Validator] = {}
        self.alias_paths: dict[str, list[tuple[Any, ...]]] = {}
        self.model_validators: list[tuple[str, Any]] = []
        self.field_serializers: dict[str, tuple[str, str, Any]] = {}
        self.model_serializer: tuple[str, Any] | None = None
        self.config: dict[str, Any] = {}
        self.lazy: frozenset[str] = frozenset()
        self.hybrid: frozenset[str] = frozenset()


def build_table(cls: Any) -> Table:
    """Read a model class as pydantic's metaclass would (see the module docstring)."""
    table = Table()
    table.config = dict(getattr(cls, "model_config", {}))
    table.lazy = frozenset(getattr(cls, "_lazy_fields", ()))
    table.hybrid = frozenset(getattr(cls, "_hybrid_fields", ()))
    standard = cls._standard_fields
    if type(cls).__name__ == "ModelMetaclass":  # a charm mixed pydantic in: pydantic's fields
        _read_pydantic_fields(cls, table, standard)
        return table
    hints = resolved_hints(cls)
    mapping: dict[Any, Any] = {}
    for klass in reversed(cls.__mro__):
        mapping.update(klass.__dict__.get("_typevar_map", {}))
    generator = table.config.get("alias_generator")
    for klass in reversed(cls.__mro__):
        for name, default in klass.__dict__.get("__own_fields__", {}).items():
            hint = _substitute(hints.get(name, Any), mapping)
            if is_classvar(hint):
                continue
            info = _merge(name, hint, default)
            if generator is not None:
                _apply_alias_generator(info, generator)
            info.key = info.alias or name
            info.secret_group = _secret_group(info, name in table.hybrid)
            info._standard_fields = standard
            table.fields[name] = info
    decorators = _decorators(cls)
    for name, info in table.fields.items():
        table.alias_paths[name] = lookup_paths(info)
        validator = apply_metadata(compile_type(info.annotation), info.metadata)
        for fields, mode, func in decorators["field"]:
            if name in fields or "*" in fields:
                validator = with_function(validator, mode, func)
        table.validators[name] = validator
    table.model_validators = [(mode, func) for _, mode, func in decorators["model"]]
    for fields, mode, func, when_used in decorators["field_serializer"]:
        for name in fields:
            table.field_serializers[name] = (mode, when_used, func)
    if decorators["model_serializer"]:
        table.model_serializer = decorators["model_serializer"][-1]
    return table


def _read_pydantic_fields(cls: Any, table: Table, standard: Callable[[], frozenset[str]]) -> None:
    """The host's view of the fields of a pydantic model class (pydantic validates them)."""
    for name, field in cls.__pydantic_fields__.items():
        attributes = {
            a: v
            for a, v in field._attributes_set.items()
            if a in _ATTRIBUTES and a != "annotation"
        }
        info = FieldInfo(annotation=field.annotation, metadata=list(field.metadata), **attributes)
        info.alias, info.name = field.alias, name
        info.validation_alias = field.validation_alias
        info.serialization_alias = field.serialization_alias
        info.key = field.alias or name
        info.secret_group = _secret_group(info, name in table.hybrid)
        info._standard_fields = standard
        table.fields[name] = info
        table.alias_paths[name] = lookup_paths(info)


def _secret_group(info: FieldInfo, hybrid: bool) -> str | None:
    """The secret group: the one string of the metadata, or of a hybrid field's first member.

    A hybrid field (``MtlsSecretStr | str``) is a secret whose group pydantic's annotation
    keeps only inside the union's first member, as ``dpcharmlibs.interfaces`` reads it.
    """
    groups = [m for m in info.metadata if isinstance(m, str)]
    if len(groups) == 1:
        return groups[0]
    if hybrid:
        args = typing.get_args(info.annotation)
        if args and typing.get_origin(args[0]) is typing.Annotated:
            inner = [m for m in args[0].__metadata__ if isinstance(m, str)]
            if len(inner) == 1:
                return inner[0]
    return None


def _decorators(cls: type) -> dict[str, list[Any]]:
    """The decorated methods of the class and its bases, by kind, bound as pydantic binds them.

    A method redefined by a subclass replaces its base's in place (pydantic's order).
    """
    found: dict[str, tuple[str, Any, Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        found.update(klass.__dict__.get("__own_decorators__", {}))
    out: dict[str, list[Any]] = {
        "field": [],
        "model": [],
        "field_serializer": [],
        "model_serializer": [],
    }
    for kind, info, wrapped, shim in found.values():
        mode = getattr(info, "mode", "after")
        if kind == "field_serializer":
            when = getattr(info, "when_used", "always")
            out[kind].append((tuple(info.fields), mode, wrapped, when))
            continue
        if kind == "model_serializer":
            out[kind].append((mode, wrapped))
            continue
        try:
            func = wrapped.__get__(None, cls)
        except AttributeError:
            func = wrapped
        if shim is not None:
            func = shim(func)
        if kind == "field":
            out["field"].append((tuple(info.fields), mode, func))
        else:
            out["model"].append((None, mode, func))
    return out
