"""The API documentation: ``docs/python-api.md`` is current; every public name has a docstring."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import data_interfaces_wasm
import pytest
from data_interfaces_wasm import testing as testing_helper

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "host-python" / "tools" / "gen_api_docs.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_documentation_is_generated_from_the_current_docstrings() -> None:
    docs = generator()
    assert docs.OUTPUT.read_text() == docs.generate(), (
        "docs/python-api.md is not current: run .venv/bin/python host-python/tools/gen_api_docs.py"
    )


def test_the_api_documentation_names_every_public_name() -> None:
    text = generator().OUTPUT.read_text()
    names = [*data_interfaces_wasm.__all__, *testing_helper.__all__]
    assert [name for name in names if f"### `{name}" not in text] == []


def test_the_readme_links_the_api_documentation() -> None:
    assert "docs/python-api.md" in (ROOT / "README.md").read_text()


def public_objects() -> list[tuple[str, Any]]:
    found = [(name, getattr(data_interfaces_wasm, name)) for name in data_interfaces_wasm.__all__]
    found += [
        (f"testing.{name}", getattr(testing_helper, name)) for name in testing_helper.__all__
    ]
    return [
        (name, obj)
        for name, obj in found
        if (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__.startswith("data_interfaces_wasm")
    ]


PUBLIC = public_objects()


@pytest.mark.parametrize(("name", "obj"), PUBLIC, ids=[name for name, _ in PUBLIC])
def test_every_public_class_and_function_has_its_own_docstring(name: str, obj: Any) -> None:
    own = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    assert (own or "").strip(), f"{name} has no docstring"


def test_every_public_method_and_property_has_a_docstring() -> None:
    missing = []
    for name, cls in PUBLIC:
        if not inspect.isclass(cls):
            continue
        for member_name, member in cls.__dict__.items():
            if member_name.startswith("_"):
                continue
            target = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if (inspect.isfunction(target) or isinstance(target, property)) and not (
                target.__doc__ or ""
            ).strip():
                missing.append(f"{name}.{member_name}")
    assert missing == []
