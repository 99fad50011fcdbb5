"""Ours offers the public surface of ``dpcharmlibs.interfaces`` 1.2.2, attribute by attribute.

One case per item of ``surface_reference.json`` (generated from the real package by
``host-python/tools/gen_surface.py``; the docstring of its package, ``host-python/tools/surface``,
says what the surface is). A case is named by the path a charm would use with ours:

* ``import data_interfaces_wasm.repository``: the module imports;
* ``data_interfaces_wasm.handlers.STATUS_FIELD``: the name is there (same kind, value, object);
* ``issubclass(data_interfaces_wasm.events.StatusEventBase, ops.charm.RelationEvent)``;
* ``data_interfaces_wasm.handlers.ResourceProviderEventHandler.compute_diff``: the member is
  there, of the same kind;
* ``data_interfaces_wasm.utils.gen_hash()``, ``...ResourceProviderEventHandler()``: ours
  accepts every call the library's accepts;
* ``data_interfaces_wasm.handlers.ResourceProviderEventHandler().interface``: an instance built
  the library's way has the attribute.

The accepted gaps are in ``surface_exceptions.toml``; a listed gap that ours now offers fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# The generator's package, ``surface``, lives next to it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "host-python" / "tools"))

from surface.cases import Case, cases
from surface.describe import load_reference
from surface.gaps import Gap, load_gaps
from surface.layout import ROOT
from surface.ours import Ours
from surface.recipes import RECIPES
from surface.signatures import incompatibilities

GENERATOR = ROOT / "host-python" / "tools" / "gen_surface.py"
REFERENCE: dict[str, Any] = load_reference()
GAPS = load_gaps()
CASES = cases(REFERENCE)
OPEN = [case for case in CASES if not any(gap.covers(case.id) for gap in GAPS)]


@pytest.fixture(scope="module")
def ours() -> Ours:
    """``data_interfaces_wasm`` with every module imported, and its instances built once."""
    return Ours(REFERENCE)


@pytest.mark.parametrize("case", OPEN, ids=[case.id for case in OPEN])
def test_ours_offers(case: Case, ours: Ours) -> None:
    problem = case.check(ours)
    assert problem is None, f"{case.id}: {problem}"


def test_every_listed_gap_has_a_reason_and_is_still_a_gap(ours: Ours) -> None:
    stale = []
    for gap in GAPS:
        assert gap.reason.strip(), f"{gap.path}: give the reason"
        covered = [case for case in CASES if gap.covers(case.id)]
        assert covered, f"{gap.path} names nothing of the surface: fix or remove the entry"
        if all(case.check(ours) is None for case in covered):
            stale.append(f"{gap.path} ({len(covered)} case(s) pass)")
    assert not stale, f"no longer gaps, remove them from surface_exceptions.toml: {stale}"


def test_every_case_has_a_distinct_id_and_every_class_with_attributes_a_recipe() -> None:
    assert len({case.id for case in CASES}) == len(CASES)
    for key, entry in REFERENCE["classes"].items():
        if entry["instance_attributes"] and not entry["abstract"]:
            assert entry.get("recipe") in RECIPES, key


def test_the_library_itself_passes_every_case() -> None:
    # The check has no false alarms: run against dpcharmlibs.interfaces, nothing is missing.
    library = "dpcharmlibs.interfaces"
    reference = Ours(REFERENCE, package=library)
    failing = {
        case.id: problem
        for case in cases(REFERENCE, package=library)
        if (problem := case.check(reference)) is not None
    }
    assert failing == {}


@pytest.mark.parametrize(
    ("path", "case_id", "covered"),
    [
        ("p.m.C", "p.m.C", True),
        ("p.m.C", "p.m.C.x", True),
        ("p.m.C", "p.m.C()", True),
        ("p.m.C", "p.m.C().x", True),
        ("p.m.C", "p.m.Cx", False),
        ("p.m.*.x", "p.m.C.x", True),
        ("p.m.*.x", "p.m.C.x()", True),
        ("p.m.*.x", "p.m.C.y", False),
    ],
)
def test_a_gap_covers_its_path_and_what_is_below_it(
    path: str, case_id: str, covered: bool
) -> None:
    assert Gap(path=path, reason="r").covers(case_id) is covered


def test_the_reference_description_is_current() -> None:
    # In a fresh interpreter: charms run by other tests add aliased events to the library's
    # ResourceRequiresEvents class, which this process would then describe.
    result = subprocess.run(
        [sys.executable, "-W", "ignore", str(GENERATOR), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        "tests/python/surface_reference.json is not current: "
        f"run .venv/bin/python host-python/tools/gen_surface.py --write\n{result.stderr}"
    )


@pytest.mark.parametrize(
    ("reference", "mine", "problems"),
    [
        (["a", "b="], ["a", "b=", "c="], []),
        (["a", "b="], ["*args", "**kwargs"], []),
        (["a", "b="], ["a", "b"], ["'b' must be optional"]),
        (["a", "b"], ["b", "a"], ["positional parameter 1 is 'b'", "positional parameter 2"]),
        (["a"], ["a", "c"], ["requires 'c'"]),
        (["*", "x="], ["x="], []),
        (["*", "x="], ["y="], ["does not accept the keyword 'x'"]),
        (["x", "/"], ["y"], []),
        (["*fields"], ["field"], ["extra positional arguments", "requires 'field'"]),
        (["*", "_private="], [], []),
    ],
)
def test_signatures_are_compared_for_compatibility(
    reference: list[str], mine: list[str], problems: list[str]
) -> None:
    found = incompatibilities(reference, mine)
    assert len(found) == len(problems), found
    for expected, got in zip(problems, found, strict=True):
        assert expected in got
