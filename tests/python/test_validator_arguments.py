"""How many positional parameters a charm's function requires, as ``inspect`` counts them."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from data_interfaces_wasm._validation import required_positional


def plain(value: Any, info: Any) -> Any:
    return value


def with_default(value: Any, info: Any = None) -> Any:
    return value


def only_keywords(*, value: Any) -> Any:
    return value


class Holder:
    @classmethod
    def validate(cls, value: Any, info: Any) -> Any:
        return value

    @staticmethod
    def static(value: Any) -> Any:
        return value

    def __call__(self, value: Any, handler: Any, info: Any) -> Any:
        return value


@functools.wraps(plain)
def wrapped(*args: Any) -> Any:
    return plain(*args)


CASES: dict[str, Callable[..., Any]] = {
    "plain function": plain,
    "a parameter with a default": with_default,
    "keyword-only parameters": only_keywords,
    "a bound classmethod": Holder.validate,
    "a staticmethod": Holder.static,
    "a callable object": Holder(),
    "a partial": functools.partial(plain, 1),
    "a wrapped function": wrapped,
    "a lambda": lambda value: value,
}


def inspected(func: Callable[..., Any]) -> int:
    parameters = inspect.signature(func).parameters.values()
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return len([p for p in parameters if p.kind in kinds and p.default is p.empty])


@pytest.mark.parametrize("func", CASES.values(), ids=CASES.keys())
def test_the_count_is_inspects(func: Callable[..., Any]) -> None:
    assert required_positional(func) == inspected(func)


def test_a_callable_without_a_readable_signature_has_no_count() -> None:
    class Opaque:
        __signature__ = "not a signature"

        def __call__(self, value: Any) -> Any:
            return value

    assert required_positional(Opaque()) is None
