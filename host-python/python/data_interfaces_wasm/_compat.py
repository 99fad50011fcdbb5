"""What pydantic offers around a model besides its core API, without pydantic.

This module owns two things: the pydantic 1 method names that pydantic 2 keeps, deprecated
(``dict``, ``json``, ``copy``, ``parse_obj``, ...: :class:`DeprecatedModelAPI`, a mixin of the
model base), and :class:`ContractAdapter`, the ``TypeAdapter`` methods that
``dpcharmlibs.interfaces``' ``DataContract`` and ``RequirerDataContract`` objects offer. Their
JSON schemas come from :mod:`._json_schema`, imported when one is asked for.

Why by hand: importing pydantic costs a hook about 145 ms (see :mod:`._modelling`). The
deprecation warnings are pydantic's (``PydanticDeprecatedSince20`` when pydantic is imported,
else ``DeprecationWarning``).
"""

from __future__ import annotations

import json
import sys
import typing
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

_MIGRATION = "https://errors.pydantic.dev/2.14/migration/"
_DEFS = "#/$defs/{model}"


def _deprecated(message: str) -> None:
    category: type[Warning] = DeprecationWarning
    pydantic_warnings = sys.modules.get("pydantic.warnings")
    if pydantic_warnings is not None:
        category = pydantic_warnings.PydanticDeprecatedSince20
        warnings.warn(message, category, stacklevel=3)
        return
    warnings.warn(
        f"{message} Deprecated in Pydantic V2.0 to be removed in V3.0. "
        f"See Pydantic V2 Migration Guide at {_MIGRATION}",
        category,
        stacklevel=3,
    )


class DeprecatedModelAPI:
    """pydantic 1's method names, which pydantic 2 models keep (each warns, as pydantic's)."""

    def dict(
        self,
        *,
        include: Any = None,
        exclude: Any = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> typing.Dict[str, Any]:  # noqa: UP006 (`dict` is this method's name here)
        """Deprecated: :meth:`model_dump` (by name, unless ``by_alias``)."""
        _deprecated("The `dict` method is deprecated; use `model_dump` instead.")
        return self.model_dump(  # type: ignore[attr-defined,no-any-return]
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def json(
        self,
        *,
        include: Any = None,
        exclude: Any = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        encoder: Callable[[Any], Any] | None = None,
        models_as_dict: bool | None = None,
        **dumps_kwargs: Any,
    ) -> str:
        """Deprecated: :meth:`model_dump_json` (by name, unless ``by_alias``)."""
        _deprecated("The `json` method is deprecated; use `model_dump_json` instead.")
        if encoder is not None or models_as_dict is not None or dumps_kwargs:
            raise TypeError("`encoder`, `models_as_dict` and `dumps_kwargs` are not supported.")
        return self.model_dump_json(  # type: ignore[attr-defined,no-any-return]
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    @classmethod
    def parse_obj(cls, obj: Any) -> Self:
        """Deprecated: :meth:`model_validate`."""
        _deprecated("The `parse_obj` method is deprecated; use `model_validate` instead.")
        return cls.model_validate(obj)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def parse_raw(
        cls,
        b: str | bytes,
        *,
        content_type: str | None = None,
        encoding: str = "utf8",
        proto: Any = None,
        allow_pickle: bool = False,
    ) -> Self:
        """Deprecated: :meth:`model_validate_json`."""
        _deprecated(
            "The `parse_raw` method is deprecated; if your data is JSON use "
            "`model_validate_json`, otherwise load the data then use `model_validate` instead."
        )
        if isinstance(b, bytes):
            b = b.decode(encoding)
        return cls.model_validate_json(b)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def parse_file(
        cls,
        path: Any,
        *,
        content_type: str | None = None,
        encoding: str = "utf8",
        proto: Any = None,
        allow_pickle: bool = False,
    ) -> Self:
        """Deprecated: read the file, then :meth:`model_validate_json`."""
        _deprecated(
            "The `parse_file` method is deprecated; load the data from file, then if your data "
            "is JSON use `model_validate_json`, otherwise `model_validate` instead."
        )
        with open(path, encoding=encoding) as file:
            return cls.model_validate_json(file.read())  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def from_orm(cls, obj: Any) -> Self:
        """Deprecated: :meth:`model_validate` with ``from_attributes=True``."""
        _deprecated(
            "The `from_orm` method is deprecated; set `model_config['from_attributes']=True` "
            "and use `model_validate` instead."
        )
        if not cls.model_config.get("from_attributes"):  # type: ignore[attr-defined]
            raise TypeError(
                "You must set the config attribute `from_attributes=True` to use from_orm"
            )
        return cls.model_validate(obj, from_attributes=True)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        """Deprecated: :meth:`model_construct`."""
        _deprecated("The `construct` method is deprecated; use `model_construct` instead.")
        return cls.model_construct(_fields_set=_fields_set, **values)  # type: ignore[attr-defined,no-any-return]

    def copy(
        self,
        *,
        include: Any = None,
        exclude: Any = None,
        update: typing.Dict[str, Any] | None = None,  # noqa: UP006
        deep: bool = False,
    ) -> Self:
        """Deprecated: :meth:`model_copy` (``include``/``exclude`` keep or drop fields)."""
        _deprecated(
            "The `copy` method is deprecated; use `model_copy` instead. See the docstring of "
            "`BaseModel.copy` for details about how to handle `include` and `exclude`."
        )
        copied = self.model_copy(update=update, deep=deep)  # type: ignore[attr-defined]
        if include is not None or exclude is not None:
            kept = set(copied.__dict__) | set(copied._extra)
            if include is not None:
                kept &= set(include)
            if exclude is not None:
                kept -= set(exclude)
            for name in list(copied._fields_info()):
                if name not in kept:
                    copied.__dict__.pop(name, None)
            for key in list(copied._extra):
                if key not in kept:
                    del copied._extra[key]
        return copied  # type: ignore[no-any-return]

    @classmethod
    def schema(cls, by_alias: bool = True, ref_template: str = _DEFS) -> typing.Dict[str, Any]:  # noqa: UP006
        """Deprecated: :meth:`model_json_schema`."""
        from ._json_schema import model_json_schema

        _deprecated("The `schema` method is deprecated; use `model_json_schema` instead.")
        return model_json_schema(cls, by_alias=by_alias, ref_template=ref_template)

    @classmethod
    def schema_json(
        cls, *, by_alias: bool = True, ref_template: str = _DEFS, **dumps_kwargs: Any
    ) -> str:
        """Deprecated: :meth:`model_json_schema`, as JSON text."""
        from ._json_schema import model_json_schema

        _deprecated(
            "The `schema_json` method is deprecated; use `model_json_schema` and json.dumps "
            "instead."
        )
        schema = model_json_schema(cls, by_alias=by_alias, ref_template=ref_template)
        return json.dumps(schema, **{"indent": 2, **dumps_kwargs})

    @classmethod
    def validate(cls, value: Any) -> Self:
        """Deprecated: :meth:`model_validate`."""
        _deprecated("The `validate` method is deprecated; use `model_validate` instead.")
        return cls.model_validate(value)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def update_forward_refs(cls, **localns: Any) -> None:
        """Deprecated: :meth:`model_rebuild`."""
        _deprecated("The `update_forward_refs` method is deprecated; use `model_rebuild` instead.")
        cls.model_rebuild()  # type: ignore[attr-defined]


# --- TypeAdapter-like contract objects -------------------------------------------------------


class ContractAdapter:
    """``pydantic.TypeAdapter``'s methods over this package's contract classes.

    Args:
        title: what pydantic would name the type.
        choose: the model class that validates a given input.
    """

    def __init__(self, title: str, choose: Callable[[Any], Any]) -> None:
        self._title = title
        self._choose = choose

    def __repr__(self) -> str:
        return f"TypeAdapter({self._title})"

    def validate_python(
        self,
        object: Any,
        /,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        experimental_allow_partial: bool | str = False,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Any:
        """Validate a Python object."""
        return self._choose(object).model_validate(
            object,
            strict=strict,
            extra=extra,
            from_attributes=from_attributes,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )

    def validate_json(
        self,
        data: str | bytes | bytearray,
        /,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        context: Any | None = None,
        experimental_allow_partial: bool | str = False,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Any:
        """Validate JSON text."""
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = None
        return self._choose(parsed).model_validate_json(
            data, strict=strict, extra=extra, context=context, by_alias=by_alias, by_name=by_name
        )

    def validate_strings(
        self,
        obj: Any,
        /,
        *,
        strict: bool | None = None,
        extra: str | None = None,
        context: Any | None = None,
        experimental_allow_partial: bool | str = False,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Any:
        """Validate an object of strings."""
        return self._choose(obj).model_validate_strings(
            obj, strict=strict, extra=extra, context=context, by_alias=by_alias, by_name=by_name
        )

    def get_default_value(self, *, strict: bool | None = None, context: Any | None = None) -> None:
        """No default (a contract has none)."""
        return None

    def dump_python(
        self,
        instance: Any,
        /,
        *,
        mode: str = "python",
        include: Any = None,
        exclude: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
        context: Any | None = None,
    ) -> Any:
        """The instance dumped (its ``model_dump``)."""
        return instance.model_dump(
            mode=mode,
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            round_trip=round_trip,
            fallback=fallback,
            context=context,
        )

    def dump_json(
        self,
        instance: Any,
        /,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        include: Any = None,
        exclude: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
        context: Any | None = None,
    ) -> bytes:
        """The instance as JSON bytes (its ``model_dump_json``, encoded)."""
        text: str = instance.model_dump_json(
            indent=indent,
            ensure_ascii=ensure_ascii,
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            round_trip=round_trip,
            fallback=fallback,
            context=context,
        )
        return text.encode("utf-8")

    def json_schema(
        self,
        *,
        by_alias: bool | None = None,
        ref_template: str = _DEFS,
        union_format: str = "any_of",
        schema_generator: Any = None,
        mode: str = "validation",
    ) -> dict[str, Any]:
        """The JSON schema of the model that validates an empty input."""
        from ._json_schema import model_json_schema

        return model_json_schema(self._choose({}), by_alias, ref_template, mode)

    @staticmethod
    def json_schemas(
        inputs: Iterable[tuple[Any, str, ContractAdapter]],
        /,
        *,
        by_alias: bool | None = None,
        title: str | None = None,
        description: str | None = None,
        ref_template: str = _DEFS,
        union_format: str = "any_of",
        schema_generator: Any = None,
    ) -> tuple[dict[tuple[Any, str], Any], dict[str, Any]]:
        """The JSON schemas of several adapters, by key and mode."""
        out = {
            (key, mode): adapter.json_schema(by_alias=by_alias, mode=mode)
            for key, mode, adapter in inputs
        }
        top: dict[str, Any] = {}
        if title:
            top["title"] = title
        if description:
            top["description"] = description
        return out, top

    def rebuild(
        self,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> None:
        """Nothing to rebuild."""
        return None
