"""The schema pydantic uses for a model of this package inside a charm's pydantic models.

This module owns :func:`core_schema_of`, behind ``Model.__get_pydantic_core_schema__``: when a
charm puts one of these models in a field of its own pydantic model, or in a
``pydantic.TypeAdapter``, pydantic-core calls back into this package's validation and
serialization (a plain validator and a plain serializer with info), so the value is validated
and dumped as ``model_validate`` and ``model_dump`` do.

Only that hook imports this module, and pydantic calls it, so pydantic-core is loaded by then;
a hook (a fresh process) that never uses pydantic imports neither.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import core_schema

from ._errors import Invalid
from ._modelling import Model
from ._validators import State


def core_schema_of(cls: type[Model], source: Any) -> Any:
    """A core schema validating and dumping through this package's model API.

    The model is ``source`` when it is a model class of this package, else ``cls``.
    """
    target: type[Model] = source if isinstance(source, type) and issubclass(source, Model) else cls

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
        serialization=core_schema.plain_serializer_function_ser_schema(serialize, info_arg=True),
    )
