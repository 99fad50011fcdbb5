"""The errors of a failed validation, in pydantic's shape, and the exception raised for them.

This module owns the error records (:class:`LineError`: ``type``, ``loc``, ``input``, ``ctx``,
rendered with pydantic-core's message templates), this package's :class:`ValidationError`
(a ``ValueError`` with pydantic's ``errors()``, ``error_count()`` and text), and the choice of
exception (:func:`validation_error`): ``pydantic_core.ValidationError``, built from the same
records, when the charm has imported pydantic-core, so its ``except pydantic.ValidationError``
catches it; else ours. Nothing here imports pydantic (see :mod:`._validation` for why).
"""

from __future__ import annotations

import sys
from typing import Any, Literal

ERRORS_URL = "https://errors.pydantic.dev/2.14/v/"
"""Where pydantic documents an error type (the pydantic release this API mirrors)."""

# pydantic-core's messages, by error type: one text, or (python input, JSON input).
_TEMPLATES: dict[str, str | tuple[str, str]] = {
    "missing": "Field required",
    "extra_forbidden": "Extra inputs are not permitted",
    "string_type": "Input should be a valid string",
    "string_unicode": (
        "Input should be a valid string, unable to parse raw data as a unicode string"
    ),
    "string_pattern_mismatch": "String should match pattern '{pattern}'",
    "string_too_short": "String should have at least {min_length} character{_s_min}",
    "string_too_long": "String should have at most {max_length} character{_s_max}",
    "bool_type": "Input should be a valid boolean",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
    "int_type": "Input should be a valid integer",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "finite_number": "Input should be a finite number",
    "float_type": "Input should be a valid number",
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "bytes_type": "Input should be a valid bytes",
    "none_required": ("Input should be None", "Input should be null"),
    "literal_error": "Input should be {expected}",
    "enum": "Input should be {expected}",
    "list_type": ("Input should be a valid list", "Input should be a valid array"),
    "tuple_type": ("Input should be a valid tuple", "Input should be a valid array"),
    "set_type": ("Input should be a valid set", "Input should be a valid array"),
    "frozen_set_type": ("Input should be a valid frozenset", "Input should be a valid array"),
    "dict_type": ("Input should be a valid dictionary", "Input should be an object"),
    "model_type": (
        "Input should be a valid dictionary or instance of {class_name}",
        "Input should be an object",
    ),
    "is_instance_of": "Input should be an instance of {class}",
    "value_error": "Value error, {error}",
    "assertion_error": "Assertion failed, {error}",
    "json_invalid": "Invalid JSON: {error}",
    "json_type": "JSON input should be string, bytes or bytearray",
    "too_short": "{field_type} should have at least {min_length} item{_s_min} after validation, "
    "not {actual_length}",
    "too_long": "{field_type} should have at most {max_length} item{_s_max} after validation, "
    "not {actual_length}",
    "greater_than": "Input should be greater than {gt}",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than": "Input should be less than {lt}",
    "less_than_equal": "Input should be less than or equal to {le}",
    "multiple_of": "Input should be a multiple of {multiple_of}",
    "frozen_instance": "Instance is frozen",
    "no_such_attribute": "Object has no attribute '{attribute}'",
}


class LineError:
    """One error of a failed validation, with its location relative to the validated value."""

    __slots__ = ("ctx", "custom", "input", "loc", "message", "secret", "type")

    def __init__(
        self,
        type: str,
        input: Any,
        ctx: dict[str, Any] | None = None,
        loc: tuple[str | int, ...] = (),
        message: str | None = None,
        custom: Any = None,
    ) -> None:
        self.type = type
        self.input = input
        self.ctx = ctx
        self.loc = loc
        self.message = message
        """The rendered message of an error whose type pydantic-core does not know."""
        self.custom = custom
        """A ``PydanticCustomError`` a validator raised, kept to raise it again as it was."""
        self.secret = False
        """Whether the input is (or holds) a secret value: then no input is printed."""

    def at(self, *prefix: str | int) -> LineError:
        """The same error, located under ``prefix``."""
        error = LineError(
            self.type, self.input, self.ctx, (*prefix, *self.loc), self.message, self.custom
        )
        error.secret = self.secret
        return error

    def msg(self, json_input: bool = False) -> str:
        """The error's message, as pydantic-core renders it."""
        if self.message is not None:
            return self.message
        template = _TEMPLATES.get(self.type, self.type)
        if isinstance(template, tuple):
            template = template[1] if json_input else template[0]
        ctx = dict(self.ctx or {})
        ctx["_s_min"] = "" if ctx.get("min_length") == 1 else "s"
        ctx["_s_max"] = "" if ctx.get("max_length") == 1 else "s"
        return template.format_map(_Rendered(ctx))

    def known(self) -> bool:
        """Whether pydantic-core knows this error type (and renders it itself)."""
        return self.message is None and self.custom is None and self.type in _TEMPLATES


class _Rendered(dict):  # type: ignore[type-arg]
    """Context values as pydantic-core prints them in a message."""

    def __getitem__(self, key: str) -> str:
        return str(super().__getitem__(key))

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Invalid(Exception):  # noqa: N818 (internal signal, never reaches a charm)
    """Internal: a value failed validation; carries its line errors."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(errors)
        self.errors = errors


def _truncate(text: str) -> str:
    """pydantic-core's cut of a long input repr: 25 bytes, ``...``, the last 24 bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= 50:
        return text
    head = raw[:25].decode("utf-8", "ignore")
    tail = raw[-24:].decode("utf-8", "ignore")
    return f"{head}...{tail}"


class ValidationError(ValueError):
    """Input that does not fit a model, raised when the charm has not imported pydantic.

    The same records as ``pydantic_core.ValidationError`` (which is raised instead when
    ``pydantic_core`` is imported): ``errors()`` gives one dict per error with ``type``,
    ``loc``, ``msg``, ``input``, ``ctx`` (when the type has one) and ``url``.

    Attributes:
        title: the model (or type) that was validated.
    """

    def __init__(
        self,
        title: str,
        line_errors: list[LineError],
        *,
        input_type: Literal["python", "json"] = "python",
        hide_input: bool = False,
    ) -> None:
        self.title = title
        self._line_errors = list(line_errors)
        self._json_input = input_type == "json"
        self._hide_input = hide_input
        super().__init__(self._render())

    def error_count(self) -> int:
        """How many errors."""
        return len(self._line_errors)

    def errors(
        self,
        *,
        include_url: bool = True,
        include_context: bool = True,
        include_input: bool = True,
    ) -> list[dict[str, Any]]:
        """The errors, each as pydantic's dict."""
        out = []
        for error in self._line_errors:
            item: dict[str, Any] = {
                "type": error.type,
                "loc": error.loc,
                "msg": error.msg(self._json_input),
            }
            if include_input:
                item["input"] = error.input
            if include_context and error.ctx:
                item["ctx"] = dict(error.ctx)
            if include_url and error.custom is None and error.message is None:
                item["url"] = ERRORS_URL + error.type
            out.append(item)
        return out

    def json(
        self,
        *,
        indent: int | None = None,
        include_url: bool = True,
        include_context: bool = True,
        include_input: bool = True,
    ) -> str:
        """The errors as JSON text (values JSON cannot hold are written as their ``str``)."""
        import json

        errors = self.errors(
            include_url=include_url, include_context=include_context, include_input=include_input
        )
        separators = (",", ":") if indent is None else None
        return json.dumps(errors, indent=indent, separators=separators, default=str)

    def _render(self) -> str:
        count = len(self._line_errors)
        lines = [f"{count} validation error{'' if count == 1 else 's'} for {self.title}"]
        for error in self._line_errors:
            if error.loc:
                lines.append(".".join(str(part) for part in error.loc))
            detail = f"type={error.type}"
            if not self._hide_input:
                detail += (
                    f", input_value={_truncate(repr(error.input))}, "
                    f"input_type={type(error.input).__name__}"
                )
            lines.append(f"  {error.msg(self._json_input)} [{detail}]")
            if error.custom is None and error.message is None:
                lines.append(f"    For further information visit {ERRORS_URL}{error.type}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()

    def __repr__(self) -> str:
        return self._render()


def validation_error(
    title: str,
    errors: list[LineError],
    *,
    json_input: bool = False,
    hide_input: bool = False,
) -> ValueError:
    """The exception for ``errors``: pydantic-core's when it is imported, else ours."""
    core = sys.modules.get("pydantic_core")
    input_type: Literal["python", "json"] = "json" if json_input else "python"
    if core is None:
        return ValidationError(title, errors, input_type=input_type, hide_input=hide_input)
    line_errors: list[Any] = []
    for error in errors:
        item: dict[str, Any] = {"loc": error.loc, "input": error.input}
        if error.known():
            item["type"] = error.type
            if error.ctx:
                item["ctx"] = error.ctx
        elif error.custom is not None:
            item["type"] = error.custom
        else:
            message = error.msg(json_input).replace("{", "{{").replace("}", "}}")
            item["type"] = core.PydanticCustomError(error.type, message)
        line_errors.append(item)
    return core.ValidationError.from_exception_data(
        title, line_errors, input_type=input_type, hide_input=hide_input
    )


def errors_of(exc: BaseException) -> list[LineError] | None:
    """The line errors of a validation error (pydantic's or ours), else ``None``."""
    if isinstance(exc, ValidationError):
        return list(exc._line_errors)
    if type(exc).__name__ != "ValidationError" or not callable(getattr(exc, "errors", None)):
        return None
    out = []
    for item in exc.errors():  # type: ignore[attr-defined]
        error = LineError(item["type"], item.get("input"), item.get("ctx"), tuple(item["loc"]))
        if not error.known():
            error.message = item["msg"]
        out.append(error)
    return out
