"""``_native.pyi`` describes the compiled module exactly."""

from __future__ import annotations

import ast
import inspect
import pathlib

import data_interfaces_wasm
import pytest
from data_interfaces_wasm import _native

STUB = pathlib.Path(data_interfaces_wasm.__file__).parent / "_native.pyi"


TYPING_ONLY_BASES = {"TypedDict", "Protocol"}
"""Classes the stub declares for typing only (record shapes, the backend's protocol)."""


def stub_classes() -> dict[str, ast.ClassDef]:
    """The classes of the compiled module, as the stub declares them."""
    tree = ast.parse(STUB.read_text())
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and not {ast.unparse(b) for b in node.bases} & TYPING_ONLY_BASES
    }


def handler_classes() -> list[str]:
    """The classes with methods: the runtime and the handlers it makes."""
    return [name for name, node in stub_classes().items() if not node.bases]


def stub_members(node: ast.ClassDef) -> dict[str, ast.FunctionDef | None]:
    members: dict[str, ast.FunctionDef | None] = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and (
            not item.name.startswith("_") or item.name == "__init__"
        ):
            members[item.name] = item
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            members[item.target.id] = None
    return members


def stub_functions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(STUB.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_public_name_of_the_module_is_in_the_stub_and_back() -> None:
    compiled = {name for name in vars(_native) if not name.startswith("_")}
    assert compiled == set(stub_classes()) | set(stub_functions())


def test_every_function_takes_the_stubs_parameters() -> None:
    for name, node in stub_functions().items():
        written = [a.arg for a in [*node.args.args, *node.args.kwonlyargs]]
        assert list(inspect.signature(getattr(_native, name)).parameters) == written, name


def test_every_class_has_the_stubs_bases() -> None:
    for name, node in stub_classes().items():
        bases = [ast.unparse(b) for b in node.bases] or ["object"]
        assert [b.__name__ for b in getattr(_native, name).__bases__] == bases, name


@pytest.mark.parametrize("name", handler_classes())
def test_a_class_has_exactly_the_stubs_methods_and_properties(name: str) -> None:
    cls = getattr(_native, name)
    members = stub_members(stub_classes()[name])
    members.pop("__init__", None)
    compiled = {n for n in vars(cls) if not n.startswith("_")}
    assert compiled == set(members)
    for member, node in members.items():
        attribute = inspect.getattr_static(cls, member)
        is_property = node is not None and any(
            ast.unparse(d) == "property" for d in node.decorator_list
        )
        assert is_property == (not callable(attribute)), member


@pytest.mark.parametrize("name", handler_classes())
def test_a_classs_methods_take_the_stubs_parameters(name: str) -> None:
    cls = getattr(_native, name)
    for member, node in stub_members(stub_classes()[name]).items():
        if node is None or any(ast.unparse(d) == "property" for d in node.decorator_list):
            continue
        wanted = [a.arg for a in node.args.args][1:]
        target = cls if member == "__init__" else getattr(cls, member)
        got = [p for p in inspect.signature(target).parameters if p != "self"]
        assert got == wanted, member


def test_exceptions_carry_the_stubs_attributes() -> None:
    host = _native.HostError("not-found", "gone")
    assert (host.kind, host.message) == ("not-found", "gone")
    protocol = _native.ProtocolError("m", "invalid-databag", "bad json", 3, "remote-app", "data")
    for attribute in stub_members(stub_classes()["ProtocolError"]):
        if attribute != "__init__":
            assert hasattr(protocol, attribute), attribute
    assert (protocol.relation_id, protocol.bag, protocol.key) == (3, "remote-app", "data")
