"""Every name and member that real charms use of the data-interfaces library is ours.

The inventory is ``real_charm_usage.toml``: for each charm repository and commit read, the
names it imports from ``dpcharmlibs.interfaces`` or from the vendored single-file lib
``charms.data_platform_libs.v1.data_interfaces``, and what it uses of each. Every entry becomes
cases here, with the import path rewritten to ``data_interfaces_wasm``, so that a charm can
switch by changing its import line:

* the name is importable from the rewritten path;
* each member is there: an attribute of the class, a declared field (an annotation or a
  pydantic model field), or a constructor parameter;
* ``returns``: the attribute is on what the method is annotated to return;
* ``instance``: the attribute chain resolves on a live handler built in ``ops.testing``;
* the charm's constructor call (its positional count and keywords) binds to the signature;
* the name can be subscripted with the model the charm uses, and subclassed.

A failing case names the charm, its commit and the places in it that would break.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ops
import pytest
from ops import testing

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before Python 3.11
    import tomli as tomllib

INVENTORY = Path(__file__).with_name("real_charm_usage.toml")

# The import paths charms use, and ours.
REWRITES = {
    "charms.data_platform_libs.v1.data_interfaces": "data_interfaces_wasm",
    "dpcharmlibs.interfaces": "data_interfaces_wasm",
}

# The handlers whose instance attributes charms use, as the live check builds them.
PROVIDER_HANDLER = "ResourceProviderEventHandler"
REQUIRER_HANDLER = "ResourceRequirerEventHandler"
LIVE_META = {
    "name": "real-charm-usage",
    "provides": {"provided": {"interface": "database_client"}},
    "requires": {"required": {"interface": "database_client"}},
}


def ours(import_path: str) -> str:
    """The module a charm imports from, rewritten to ours."""
    for prefix, target in REWRITES.items():
        if import_path == prefix or import_path.startswith(prefix + "."):
            return target + import_path[len(prefix) :]
    raise ValueError(f"no rewrite for {import_path!r}")


@dataclasses.dataclass(frozen=True)
class Case:
    """One thing a charm uses: a name, or something of it."""

    repo: str
    commit: str
    import_path: str
    name: str
    kind: str
    """One of ``name``, ``member``, ``returns``, ``instance``, ``signature``, ``generic``,
    ``subclass``."""
    detail: str
    at: tuple[str, ...]

    @property
    def id(self) -> str:
        charm = self.repo.split("/", 1)[1]
        label = {
            "name": self.name,
            "member": f"{self.name}.{self.detail}",
            "returns": f"{self.name}.{self.detail}",
            "instance": f"{self.name}().{self.detail}",
            "signature": f"{self.name}{self.detail}",
            "generic": f"{self.name}[{self.detail}]",
            "subclass": f"{self.name} subclassed",
        }[self.kind]
        return f"{charm}:{label}"

    def where(self) -> str:
        return f"{self.repo}@{self.commit[:12]} ({', '.join(self.at)})"


def _signature_label(args: int, kwargs: list[str]) -> str:
    return "(" + ", ".join([*(["_"] * args), *(f"{k}=" for k in kwargs)]) + ")"


def load_cases(path: Path = INVENTORY) -> list[Case]:
    """The inventory's cases, in file order."""
    with path.open("rb") as file:
        inventory = tomllib.load(file)
    cases: list[Case] = []
    for charm in inventory["charm"]:
        base = {
            "repo": charm["repo"],
            "commit": charm["commit"],
            "import_path": charm["import_path"],
        }
        for use in charm.get("use", []):
            name, at = use["name"], tuple(use["at"])
            cases.append(Case(**base, name=name, kind="name", detail="", at=at))
            for kind in ("members", "returns", "instance"):
                for item in use.get(kind, []):
                    cases.append(
                        Case(
                            **base,
                            name=name,
                            kind=kind.removesuffix("s") if kind == "members" else kind,
                            detail=item["name"],
                            at=tuple(item["at"]),
                        )
                    )
            if "init_args" in use or "init_kwargs" in use:
                label = _signature_label(use.get("init_args", 0), use.get("init_kwargs", []))
                cases.append(Case(**base, name=name, kind="signature", detail=label, at=at))
            if "generic" in use:
                cases.append(Case(**base, name=name, kind="generic", detail=use["generic"], at=at))
            if "subclassed" in use:
                cases.append(
                    Case(**base, name=name, kind="subclass", detail=use["subclassed"], at=at)
                )
    return cases


CASES = load_cases()


def declared(obj: Any, member: str) -> bool:
    """Whether ``obj`` has ``member``.

    An attribute, a declared field (an annotation or a pydantic model field), or a constructor
    parameter all count.
    """
    if hasattr(obj, member):
        return True
    fields = getattr(obj, "model_fields", None)
    if isinstance(fields, dict) and member in fields:
        return True
    if inspect.isclass(obj) and any(
        member in vars(klass).get("__annotations__", {}) for klass in inspect.getmro(obj)
    ):
        return True
    try:
        parameters = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return False
    return member in parameters


def _return_classes(method: Callable[..., Any]) -> list[Any]:
    """The classes a method is annotated to return (``X | None`` gives ``[X]``)."""
    returned = typing.get_type_hints(method).get("return")
    arguments = [a for a in typing.get_args(returned) if a is not type(None)]
    return arguments or [returned]


def check(case: Case, module_of: Callable[[str], str], live: dict[tuple[str, str], str]) -> None:
    """Assert that what ``case`` describes is there, in the module ``module_of`` gives."""
    module_name = module_of(case.import_path)
    module = importlib.import_module(module_name)
    where = case.where()
    assert hasattr(module, case.name), f"{module_name} has no {case.name}; used by {where}"
    obj = getattr(module, case.name)
    if case.kind == "member":
        assert declared(obj, case.detail), f"{case.name} has no {case.detail}; used by {where}"
    elif case.kind == "returns":
        method_name, attribute = case.detail.split("().", 1)
        assert hasattr(obj, method_name), f"{case.name} has no {method_name}; used by {where}"
        returned = _return_classes(getattr(obj, method_name))
        assert any(inspect.isclass(c) and declared(c, attribute) for c in returned), (
            f"{case.name}.{method_name}() returns {returned}, without {attribute}; used by {where}"
        )
    elif case.kind == "instance":
        problem = live[(case.name, case.detail)]
        assert not problem, f"{problem}; used by {where}"
    elif case.kind == "signature":
        use = _signature_use(case)
        try:
            inspect.signature(obj).bind(*([None] * use[0]), **dict.fromkeys(use[1]))
        except TypeError as error:
            pytest.fail(f"{case.name}{case.detail} does not bind: {error}; used by {where}")
    elif case.kind == "generic":
        argument = getattr(module, case.detail)
        try:
            obj[argument]
        except TypeError as error:
            pytest.fail(f"{case.name}[{case.detail}] fails: {error}; used by {where}")
    elif case.kind == "subclass":
        assert inspect.isclass(obj), f"{case.name} is not a class; subclassed by {where}"
        types.new_class(f"Charm{case.name}", (obj,))


def _signature_use(case: Case) -> tuple[int, list[str]]:
    """The positional count and keywords of a ``signature`` case's label."""
    parts = [p.strip() for p in case.detail.strip("()").split(",") if p.strip()]
    return sum(p == "_" for p in parts), [p.rstrip("=") for p in parts if p != "_"]


def live_chains(module_name: str, chains: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Resolve each ``(handler, "a.b")`` chain on handlers built by a charm in ``ops.testing``.

    Returns, for each chain, ``""`` when it resolves, else what went wrong.
    """
    module = importlib.import_module(module_name)
    built: dict[str, Any] = {}
    problems: dict[str, str] = {}

    class UsageCharm(ops.CharmBase):
        def __init__(self, framework: ops.Framework) -> None:
            super().__init__(framework)
            builders = {
                PROVIDER_HANDLER: lambda: module.ResourceProviderEventHandler(
                    self, "provided", module.RequirerCommonModel
                ),
                REQUIRER_HANDLER: lambda: module.ResourceRequirerEventHandler(
                    self,
                    "required",
                    [module.RequirerCommonModel(resource="usage")],
                    response_model=module.ResourceProviderModel,
                ),
            }
            for name, build in builders.items():
                try:
                    built[name] = build()
                except Exception as error:  # reported on each chain of this handler
                    problems[name] = f"building {name} failed: {error!r}"

    results: dict[tuple[str, str], str] = {}
    ctx = testing.Context(UsageCharm, meta=LIVE_META)
    with ctx(ctx.on.update_status(), testing.State(leader=True)) as manager:
        for handler, chain in sorted(chains):
            if handler not in built:
                results[handler, chain] = problems.get(handler, f"no live {handler}")
                continue
            obj = built[handler]
            results[handler, chain] = ""
            for part in chain.split("."):
                if not hasattr(obj, part):
                    results[handler, chain] = f"{handler}().{chain}: no {part} on {obj!r}"
                    break
                obj = getattr(obj, part)
        manager.run()
    return results


@pytest.fixture(scope="module")
def live() -> dict[tuple[str, str], str]:
    """Our handlers' instance attribute chains that charms use, resolved on live handlers."""
    chains = {(c.name, c.detail) for c in CASES if c.kind == "instance"}
    return live_chains("data_interfaces_wasm", chains)


def test_the_inventory_only_names_handlers_the_live_check_builds() -> None:
    handlers = {c.name for c in CASES if c.kind == "instance"}
    assert handlers <= {PROVIDER_HANDLER, REQUIRER_HANDLER}


def test_every_import_path_of_the_inventory_has_a_rewrite() -> None:
    for case in CASES:
        assert ours(case.import_path).startswith("data_interfaces_wasm")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_real_charm_finds_what_it_uses(case: Case, request: pytest.FixtureRequest) -> None:
    chains = request.getfixturevalue("live") if case.kind == "instance" else {}
    check(case, ours, chains)
