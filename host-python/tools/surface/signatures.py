"""Signatures: a Python-like notation in the JSON, and the rule that ours accepts every call.

A notation is a list of items: ``a``, ``b=`` (has a default), ``/``, ``*``, ``*args``,
``**kwargs``. ``incompatibilities`` says why a call the library's signature accepts would fail
on ours.
"""

from __future__ import annotations

import contextlib
import inspect
from dataclasses import dataclass
from typing import Any


def unwrap(function: Any, name: str) -> Any:
    """The function a decorator wraps: ``__wrapped__``, else the closure's function ``name``."""
    seen = 0
    while seen < 10:
        seen += 1
        wrapped = getattr(function, "__wrapped__", None)
        if wrapped is not None:
            function = wrapped
            continue
        closure = getattr(function, "__closure__", None) or ()
        if getattr(function, "__name__", name) != name and closure:
            inner = []
            for cell in closure:
                with contextlib.suppress(ValueError):
                    content = cell.cell_contents
                    if inspect.isfunction(content) and content.__name__ == name:
                        inner.append(content)
            if len(inner) == 1:
                function = inner[0]
                continue
        break
    return function


@dataclass(frozen=True)
class Param:
    """One parameter of a signature."""

    name: str
    kind: inspect._ParameterKind
    optional: bool


def notation(signature: inspect.Signature, *, bound: bool) -> list[str]:
    """A signature as a list of Python-like items: ``a``, ``b=``, ``/``, ``*``, ``*args``."""
    params = list(signature.parameters.values())
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if bound and params and params[0].kind in positional:
        params = params[1:]
    items: list[str] = []
    star = False
    for i, param in enumerate(params):
        if param.kind is param.VAR_POSITIONAL:
            items.append(f"*{param.name}")
            star = True
        elif param.kind is param.VAR_KEYWORD:
            items.append(f"**{param.name}")
        else:
            if param.kind is param.KEYWORD_ONLY and not star:
                items.append("*")
                star = True
            items.append(param.name + ("=" if param.default is not param.empty else ""))
        following = params[i + 1] if i + 1 < len(params) else None
        if param.kind is param.POSITIONAL_ONLY and (
            following is None or following.kind is not param.POSITIONAL_ONLY
        ):
            items.append("/")
    return items


def parse_notation(items: list[str]) -> list[Param]:
    """The parameters a notation describes."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params: list[Param] = []
    if "/" in items:
        kind = inspect.Parameter.POSITIONAL_ONLY
    for item in items:
        if item == "/":
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        elif item == "*":
            kind = inspect.Parameter.KEYWORD_ONLY
        elif item.startswith("**"):
            params.append(Param(item[2:], inspect.Parameter.VAR_KEYWORD, True))
        elif item.startswith("*"):
            params.append(Param(item[1:], inspect.Parameter.VAR_POSITIONAL, True))
            kind = inspect.Parameter.KEYWORD_ONLY
        else:
            params.append(Param(item.rstrip("="), kind, item.endswith("=")))
    return params


def incompatibilities(reference: list[str], ours: list[str]) -> list[str]:  # noqa: PLR0912
    """Why a call the library's signature accepts would fail on ours (empty: none)."""
    real = [p for p in parse_notation(reference) if not p.name.startswith("_")]
    mine = parse_notation(ours)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    by_name = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    mine_positional = [p for p in mine if p.kind in positional]
    mine_named = {p.name: p for p in mine if p.kind in by_name}
    var_positional = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in mine)
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in mine)
    problems: list[str] = []
    matched: set[str] = set()
    for i, param in enumerate(p for p in real if p.kind in positional):
        if i < len(mine_positional):
            other = mine_positional[i]
            matched.add(other.name)
            if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and other.name != param.name:
                problems.append(
                    f"positional parameter {i + 1} is {other.name!r}, the library's is "
                    f"{param.name!r}"
                )
            elif param.optional and not other.optional:
                problems.append(f"{param.name!r} must be optional")
        elif not var_positional:
            problems.append(f"does not accept {param.name!r} as positional parameter {i + 1}")
    for param in real:
        if param.kind not in by_name:
            continue
        other = mine_named.get(param.name)
        if other is not None:
            matched.add(other.name)
            if param.optional and not other.optional and param.kind not in positional:
                problems.append(f"{param.name!r} must be optional")
        elif not var_keyword:
            problems.append(f"does not accept the keyword {param.name!r}")
    kinds = {p.kind for p in real}
    if inspect.Parameter.VAR_POSITIONAL in kinds and not var_positional:
        problems.append("does not accept extra positional arguments (*args)")
    if inspect.Parameter.VAR_KEYWORD in kinds and not var_keyword:
        problems.append("does not accept extra keyword arguments (**kwargs)")
    for param in mine:
        named = param.kind in (*positional, inspect.Parameter.KEYWORD_ONLY)
        if named and not param.optional and param.name not in matched:
            problems.append(f"requires {param.name!r}, which the library does not")
    return list(dict.fromkeys(problems))


def callable_notation(raw: Any, name: str) -> list[str] | None:
    """The notation of a raw class attribute that is a callable (``None`` if it has none)."""
    bound = True
    if isinstance(raw, staticmethod):
        target, bound = raw.__func__, False
    elif isinstance(raw, classmethod):
        target = raw.__func__
    else:
        target = raw
    try:
        signature = inspect.signature(unwrap(target, name))
    except (TypeError, ValueError):
        return None
    return notation(signature, bound=bound)


def function_notation(function: Any, name: str) -> list[str] | None:
    """The notation of a module-level callable."""
    try:
        return notation(inspect.signature(unwrap(function, name)), bound=False)
    except (TypeError, ValueError):
        return None
