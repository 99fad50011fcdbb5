"""A JSON schema of a model, in pydantic's layout, without pydantic.

This module owns :func:`model_json_schema`, behind ``Model.model_json_schema``, the
deprecated ``schema``/``schema_json`` and the contract adapters' ``json_schema``: titles,
``anyOf``, ``$defs`` and ``$ref``, ``required``, defaults, descriptions, the constraints of
``Annotated`` metadata and ``additionalProperties`` from ``extra``, with keys sorted as
pydantic sorts them. It follows pydantic's layout but is not promised byte for byte.

It is imported by the first call that asks for a schema, not with the package: a hook (a fresh
process) that builds no schema does not pay for it (``DESIGN.md``: nothing heavy at import).
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Literal, Union

from ._serialization import Options, dump_value
from ._validation import constraints_of, is_field_info, is_undefined


def _title(name: str) -> str:
    return name.replace("_", " ").title()


class _SchemaBuilder:
    """pydantic's JSON schema layout for the types the models use."""

    def __init__(self, by_alias: bool, ref_template: str, mode: str) -> None:
        self.by_alias = by_alias
        self.ref_template = ref_template
        self.mode = mode
        self.defs: dict[str, Any] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": self.ref_template.format(model=name)}

    def model(self, cls: Any) -> dict[str, Any]:
        table = cls._table()
        properties: dict[str, Any] = {}
        required = []
        for name, info in table.fields.items():
            if self.mode == "serialization" and info.exclude is True:
                continue
            key = self.key(table, name, info)
            schema = self.annotated(info.annotation, info.metadata)
            if "$ref" not in schema:
                schema["title"] = info.title or _title(key)
            if info.description:
                schema["description"] = info.description
            if info.is_required():
                required.append(key)
            elif info.default_factory is None:
                schema["default"] = _plain(info._default)
            properties[key] = schema
        out: dict[str, Any] = {"properties": properties, "title": cls.__name__, "type": "object"}
        doc = cls.__dict__.get("__doc__")
        if doc:
            out["description"] = inspect.cleandoc(doc)
        if required:
            out["required"] = required
        if table.config.get("extra") == "allow":
            out["additionalProperties"] = True
        elif table.config.get("extra") == "forbid":
            out["additionalProperties"] = False
        return out

    def key(self, table: Any, name: str, info: Any) -> str:
        """A property's name: the field's alias for this mode, or its name."""
        if not self.by_alias:
            return name
        if self.mode == "serialization":
            return info.serialization_alias or info.alias or name  # type: ignore[no-any-return]
        paths = table.alias_paths[name]
        return paths[0][0] if paths and isinstance(paths[0][0], str) else name  # type: ignore[no-any-return]

    def annotated(self, tp: Any, metadata: list[Any]) -> dict[str, Any]:
        schema = self.type(tp)
        for item in metadata:
            if isinstance(item, str):
                continue
            if is_field_info(item):
                schema = self.annotated_info(schema, item)
                continue
            for key, value in constraints_of(item).items():
                name = {
                    "gt": "exclusiveMinimum",
                    "ge": "minimum",
                    "lt": "exclusiveMaximum",
                    "le": "maximum",
                    "multiple_of": "multipleOf",
                    "min_length": "minItems" if schema.get("type") == "array" else "minLength",
                    "max_length": "maxItems" if schema.get("type") == "array" else "maxLength",
                    "pattern": "pattern",
                }.get(key)
                if name is not None:
                    schema[name] = getattr(value, "pattern", value)
        return schema

    def annotated_info(self, schema: dict[str, Any], info: Any) -> dict[str, Any]:
        schema = self.annotated_meta(schema, list(info.metadata))
        default = info._attributes_set.get("default")
        if "default" in info._attributes_set and not is_undefined(default):
            schema["default"] = _plain(default)
        return schema

    def annotated_meta(self, schema: dict[str, Any], metadata: list[Any]) -> dict[str, Any]:
        for item in metadata:
            pattern = getattr(item, "pattern", None)
            if isinstance(pattern, str):
                schema["pattern"] = pattern
        return schema

    def type(self, tp: Any) -> dict[str, Any]:  # noqa: PLR0911 (one branch per kind of type)
        simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
        if tp in simple:
            return {"type": simple[tp]}
        if tp is None or tp is type(None):
            return {"type": "null"}
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Annotated:
            return self.annotated(args[0], list(tp.__metadata__))
        if origin is Union or type(tp).__name__ == "UnionType":
            return {"anyOf": [self.type(a) for a in args]}
        if origin is Literal:
            values = list(args)
            kind = {str: "string", int: "integer", bool: "boolean"}.get(type(values[0]))
            schema: dict[str, Any] = {"const": values[0]} if len(values) == 1 else {"enum": values}
            if kind is not None:
                schema["type"] = kind
            return schema
        if origin in (list, set, frozenset, tuple) or tp in (list, set, frozenset, tuple):
            schema = {"items": self.type(args[0]) if args else {}, "type": "array"}
            if (origin or tp) in (set, frozenset):
                schema["uniqueItems"] = True
            return schema
        if origin is dict or tp is dict:
            return {"additionalProperties": self.type(args[1]) if args else {}, "type": "object"}
        if isinstance(tp, typing.TypeVar):
            return self.type(tp.__bound__) if tp.__bound__ is not None else {}
        if isinstance(tp, type) and hasattr(tp, "_table"):
            if tp.__name__ not in self.defs:
                self.defs[tp.__name__] = {}
                self.defs[tp.__name__] = self.model(tp)
            return self.ref(tp.__name__)
        return {}


def _plain(value: Any) -> Any:
    return dump_value(value, Options(mode="json"))


def model_json_schema(
    cls: Any, by_alias: bool | None, ref_template: str, mode: str = "validation"
) -> dict[str, Any]:
    """A JSON schema of a model, in pydantic's layout (``by_alias`` unless it is ``False``)."""
    builder = _SchemaBuilder(by_alias is not False, ref_template, mode)
    schema = builder.model(cls)
    if builder.defs:
        schema["$defs"] = builder.defs
    return _sorted(schema)  # type: ignore[no-any-return]


def _sorted(value: Any, parent: str | None = None) -> Any:
    """Keys sorted, as pydantic sorts them (not a model's properties, nor values)."""
    if isinstance(value, dict):
        items = value.items() if parent in ("properties", "default") else sorted(value.items())
        return {k: v if parent == "default" else _sorted(v, k) for k, v in items}
    if isinstance(value, list) and parent not in ("default", "enum", "required"):
        return [_sorted(item) for item in value]
    return value
