"""The accepted gaps (``surface_exceptions.toml``) and the report of what ours lacks today."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surface.cases import cases
from surface.layout import EXCEPTIONS
from surface.ours import Ours

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib

CATEGORIES = {
    "module": "missing modules",
    "name": "missing names (or wrong kind, value, identity)",
    "hierarchy": "missing base classes",
    "member": "missing attributes (or wrong kind, value)",
    "signature": "signature mismatches",
    "instance": "missing instance attributes",
}


@dataclass(frozen=True)
class Gap:
    """An accepted gap: a case id, or a pattern (``*``), and why ours does not offer it."""

    path: str
    reason: str

    def covers(self, case_id: str) -> bool:
        """Whether the gap covers a case: the path itself, or anything below it."""
        return any(
            fnmatch.fnmatchcase(case_id, pattern)
            for pattern in (self.path, f"{self.path}.*", f"{self.path}(*")
        )


def load_gaps(path: Path = EXCEPTIONS) -> list[Gap]:
    """The accepted gaps of ``surface_exceptions.toml``."""
    data = tomllib.loads(path.read_text())
    unknown = set(data) - {"gap"}
    if unknown:
        raise ValueError(f"{path.name}: unknown tables {sorted(unknown)}")
    gaps = []
    for item in data.get("gap", []):
        if set(item) != {"path", "reason"}:
            raise ValueError(f"{path.name}: a [[gap]] has exactly `path` and `reason`: {item}")
        gaps.append(Gap(path=item["path"], reason=item["reason"]))
    return gaps


DERIVED = ("the class is missing", "the object is missing")
"""Problems that only repeat that a class or object is missing (reported once, as a name)."""


def report(reference: dict[str, Any], gaps: list[Gap]) -> Iterator[str]:
    """The gaps of ours today, grouped by category (accepted ones marked).

    A case that fails only because its class or object is missing, or a signature case of a
    missing callable, is counted but not listed: the name or member case says it.
    """
    ours = Ours(reference)
    failing: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    derived = 0
    for case in cases(reference):
        problem = case.check(ours)
        if problem is None:
            continue
        if problem in DERIVED or (case.category == "signature" and problem == "missing"):
            derived += 1
            continue
        accepted = [gap for gap in gaps if gap.covers(case.id)]
        mark = f"  [accepted: {accepted[0].path}]" if accepted else ""
        failing[case.category].append(f"  {case.id}: {problem}{mark}")
    for category, lines in failing.items():
        yield f"{CATEGORIES[category]} ({len(lines)}):"
        yield from lines
    yield f"(and {derived} failing cases that only follow from a missing class, object or method)"
