"""A model's field annotations resolve to what ``typing.get_type_hints`` gives, cached or not."""

from __future__ import annotations

import inspect
import typing
from typing import Literal, Optional

import data_interfaces_wasm as di
import pytest
from data_interfaces_wasm import _annotations
from data_interfaces_wasm._modelling import Model

MODELS = sorted(
    (obj for obj in vars(di).values() if inspect.isclass(obj) and issubclass(obj, Model)),
    key=lambda cls: cls.__name__,
)


def same(left: object, right: object) -> bool:
    # Annotated metadata compares by identity for validator objects: compare their text too.
    return left == right or repr(left) == repr(right)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
def test_each_package_model_resolves_its_fields_as_get_type_hints(model: type) -> None:
    hints = _annotations.resolved_hints(model)
    expected = typing.get_type_hints(model, include_extras=True)
    assert set(model._table().fields) <= set(hints)
    assert all(same(hints[name], expected[name]) for name in hints)


def test_the_package_models_take_the_fast_path() -> None:
    for model in MODELS:
        _annotations.resolved_hints(model)
    slow = [
        cls.__name__
        for cls in MODELS
        if cls.__dict__.get("__resolved_annotations__") is _annotations._NOT_FAST
    ]
    assert slow == []


class ForwardHolder(di.RequirerCommonModel):
    later: list["LaterModel"] | None = None  # noqa: UP037 (the forward reference under test)


class LaterModel(di.RequirerCommonModel):
    pass


def test_a_forward_reference_inside_a_builtin_generic_is_resolved_by_get_type_hints() -> None:
    hints = _annotations.resolved_hints(ForwardHolder)
    assert hints["later"] == Optional[list[LaterModel]]  # noqa: UP045
    assert ForwardHolder.__dict__["__resolved_annotations__"] is _annotations._NOT_FAST


def test_a_string_inside_a_builtin_generic_goes_to_get_type_hints() -> None:
    assert not _annotations._is_resolved(list["LaterModel"])
    assert _annotations._is_resolved(Literal["USER"])


def test_a_class_defined_in_a_function_reads_the_function_locals() -> None:
    alias = Literal["a", "b"]

    class Local(di.RequirerCommonModel):
        choice: alias | None = None  # type: ignore[valid-type]

    assert _annotations.resolved_hints(Local)["choice"] == Optional[alias]  # noqa: UP045
    assert "__resolved_annotations__" not in Local.__dict__


def test_class_variables_and_private_names_are_not_field_annotations() -> None:
    class WithClassVar(di.RequirerCommonModel):
        kind: typing.ClassVar[str] = "x"
        _hidden: int = 0
        visible: str | None = None

    hints = _annotations.resolved_hints(WithClassVar)
    assert "visible" in hints
    assert "kind" not in hints
    assert "_hidden" not in hints
