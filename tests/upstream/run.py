"""The library's own unit suite, run against data_interfaces_wasm and against the library itself.

Fetches the ``dpcharmlibs-interfaces`` sdist from PyPI (pinned version and sha256), unpacks it
under ``target/upstream/``, and makes two copies of its ``tests/unit``: one as published (the
reference), one whose import lines name ``data_interfaces_wasm`` instead (submodule for
submodule; nothing else in the files changes). Each copy runs in its own pytest process, with
the sdist's own pytest configuration. Then the outcomes are compared test by test:

- every test the reference passes must pass against ours, unless ``exclusions.toml`` lists it
  with a reason (a private name, or a documented deliberate difference);
- a listed test that passes against ours is a stale entry, and fails the run too;
- the list holds at most ``MAX_EXCLUSIONS`` entries.

It prints one line with both counts, for example::

    dpcharmlibs 1.2.2 unit suite: ours 64/64, reference 64/64 (excluded: 0, listed)

The test code is fetched at run time and never copied into this repository.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "dpcharmlibs-interfaces"
VERSION = "1.2.2"
SHA256 = "9600e4c61a523abc70676b14f26eb37913d9ea98c1d2ad643bf72b778ca41e3e"
SDIST = f"dpcharmlibs_interfaces-{VERSION}.tar.gz"
MAX_EXCLUSIONS = 6

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXCLUSIONS = HERE / "exclusions.toml"

# `from dpcharmlibs.interfaces[.sub] import ...`, `import dpcharmlibs.interfaces[.sub] [as x]`
# and `from dpcharmlibs import interfaces [as x]`: the import lines of the suite.
_FROM_PACKAGE = re.compile(r"^(\s*)from dpcharmlibs\.interfaces(\.[\w.]+)? import ")
_IMPORT_PACKAGE = re.compile(
    r"^(\s*)import dpcharmlibs\.interfaces(\.[\w.]+)?(\s+as\s+\w+)?\s*$"
)
_FROM_NAMESPACE = re.compile(
    r"^(\s*)from dpcharmlibs import interfaces(\s+as\s+(\w+))?\s*$"
)


class SuiteError(Exception):
    """The suite could not be fetched, unpacked or compared."""


def rewrite_imports(source: str) -> tuple[str, int]:
    """The source with its import lines pointed at ``data_interfaces_wasm``, and their count."""
    lines = source.splitlines(keepends=True)
    count = 0
    for index, line in enumerate(lines):
        ending = line[len(line.rstrip("\r\n")) :]
        text = line.rstrip("\r\n")
        if match := _FROM_PACKAGE.match(text):
            indent, sub = match.group(1), match.group(2) or ""
            text = (
                f"{indent}from data_interfaces_wasm{sub} import {text[match.end() :]}"
            )
        elif match := _IMPORT_PACKAGE.match(text):
            indent, sub, alias = match.group(1), match.group(2) or "", match.group(3)
            if alias is None:  # `import dpcharmlibs.interfaces.x` binds `dpcharmlibs`
                raise SuiteError(
                    f"cannot rewrite an import without `as`: {text.strip()}"
                )
            text = f"{indent}import data_interfaces_wasm{sub}{alias}"
        elif match := _FROM_NAMESPACE.match(text):
            indent, alias = match.group(1), match.group(3) or "interfaces"
            text = f"{indent}import data_interfaces_wasm as {alias}"
        else:
            continue
        lines[index] = text + ending
        count += 1
    return "".join(lines), count


def fetch(work: Path) -> Path:
    """The sdist, downloaded from PyPI once and checked against its pinned sha256."""
    work.mkdir(parents=True, exist_ok=True)
    sdist = work / SDIST
    if not sdist.exists() or _sha256(sdist) != SHA256:
        sdist.unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--no-binary", ":all:", "--disable-pip-version-check",
                "--dest", str(work), f"{PACKAGE}=={VERSION}",
            ],
            check=True,
        )  # fmt: skip
    digest = _sha256(sdist)
    if digest != SHA256:
        raise SuiteError(f"{sdist.name}: sha256 {digest}, expected {SHA256}")
    return sdist


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpack(sdist: Path, work: Path) -> tuple[Path, Path]:
    """Two copies of the sdist's tree: as published, and with the suite's imports rewritten."""
    copies = []
    for name in ("reference", "ours"):
        target = work / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with tarfile.open(sdist) as archive:
            archive.extractall(target, filter="data")
        copies.append(target / f"dpcharmlibs_interfaces-{VERSION}")
    reference, ours = copies
    rewritten = 0
    for path in sorted((ours / "tests" / "unit").glob("*.py")):
        text, count = rewrite_imports(path.read_text())
        path.write_text(text)
        rewritten += count
    if rewritten == 0:
        raise SuiteError("no import line of the suite names dpcharmlibs.interfaces")
    # The reference copy must not import our package by accident, nor ours the library: each
    # tree's `src/` is left out of the path, and the library comes from the environment.
    return reference, ours


@dataclass(frozen=True)
class Outcome:
    """A test's result: ``passed``, ``failed``, ``error`` or ``skipped``, with its message."""

    result: str
    message: str = ""


def run(tree: Path, report: Path, extra: list[str]) -> dict[str, Outcome]:
    """Run the tree's unit suite with its own pytest configuration; outcomes by test id."""
    report.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable, "-m", "pytest", "tests/unit", "-q", "-p", "no:cacheprovider",
            "--rootdir", str(tree), f"--junitxml={report}", "-o", "junit_family=xunit1",
            *extra,
        ],
        cwd=tree,
        check=False,
        stdout=subprocess.DEVNULL if not extra else None,
    )  # fmt: skip
    if not report.exists():
        raise SuiteError(f"pytest wrote no report for {tree}")
    outcomes: dict[str, Outcome] = {}
    for case in ET.parse(report).iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        result, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                result = {"failure": "failed"}.get(child.tag, child.tag)
                message = (
                    (child.get("message") or "").splitlines()[0][:200]
                    if child.get("message")
                    else ""
                )
                break
        outcomes[test_id] = Outcome(result, message)
    if not outcomes:
        raise SuiteError(f"no test ran in {tree}")
    return outcomes


def load_exclusions(path: Path) -> dict[str, str]:
    """The listed tests (test id -> reason); each entry needs a reason and a kind."""
    data = tomllib.loads(path.read_text())
    entries: dict[str, str] = {}
    for entry in data.get("exclusion", []):
        test, reason, kind = entry.get("test"), entry.get("reason"), entry.get("kind")
        if (
            not test
            or not reason
            or kind not in ("private-name", "deliberate-difference")
        ):
            raise SuiteError(
                f"{path.name}: an entry needs test, reason and kind: {entry}"
            )
        entries[test] = f"{kind}: {reason}"
    if len(entries) > MAX_EXCLUSIONS:
        raise SuiteError(
            f"{path.name}: {len(entries)} entries, at most {MAX_EXCLUSIONS}"
        )
    return entries


def compare(
    ours: dict[str, Outcome], reference: dict[str, Outcome], excluded: dict[str, str]
) -> list[str]:
    """The problems: reference passes that ours fails, and stale or unknown exclusions."""
    problems = []
    for test_id, outcome in sorted(reference.items()):
        mine = ours.get(test_id, Outcome("missing"))
        if outcome.result != "passed" or mine.result == "passed":
            if test_id in excluded and mine.result == "passed":
                problems.append(
                    f"{test_id}: listed in exclusions.toml but passes: remove it"
                )
            continue
        if test_id not in excluded:
            problems.append(f"{test_id}: {mine.result} against ours: {mine.message}")
    for test_id in sorted(set(excluded) - set(reference)):
        problems.append(f"{test_id}: listed in exclusions.toml but not in the suite")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Fetch, run both, compare, print the counts; non-zero on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "upstream")
    parser.add_argument(
        "--verbose", action="store_true", help="show pytest's own output"
    )
    args = parser.parse_args(argv)
    try:
        excluded = load_exclusions(EXCLUSIONS)
        sdist = fetch(args.work)
        reference_tree, ours_tree = unpack(sdist, args.work)
        extra = ["-rfE"] if args.verbose else []
        reference = run(reference_tree, args.work / "reference.xml", extra)
        ours = run(ours_tree, args.work / "ours.xml", extra)
        problems = compare(ours, reference, excluded)
    except (
        SuiteError,
        subprocess.CalledProcessError,
        OSError,
        tomllib.TOMLDecodeError,
    ) as e:
        print(f"dpcharmlibs {VERSION} unit suite: {e}", file=sys.stderr)
        return 2

    def passed(outcomes: dict[str, Outcome]) -> int:
        return sum(1 for o in outcomes.values() if o.result == "passed")

    print(
        f"dpcharmlibs {VERSION} unit suite: ours {passed(ours)}/{len(ours)}, "
        f"reference {passed(reference)}/{len(reference)} "
        f"(excluded: {len(excluded)}, listed in tests/upstream/exclusions.toml)"
    )
    for test_id, reason in sorted(excluded.items()):
        print(
            f"  excluded {test_id} ({ours.get(test_id, Outcome('missing')).result}): {reason}"
        )
    for problem in problems:
        print(f"  FAIL {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
