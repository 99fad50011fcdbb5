"""Whole-process hooks as Juju runs them: ``ops.main`` over the hook-tool double, no ops.testing.

The README charms of both packages (``tests/python/charms_ours.py`` and
``charms_reference.py``), and a charm that uses no library (``bare``, the floor of Python and
ops), each run one ``database-relation-changed`` per fresh process
(``bench/dispatch_charm.py``), with the hook tools on ``PATH`` played by
``tests/hooktools/fake_juju.py`` (one Python process per tool call, the model in a JSON file).
The handshake is played through the double itself (requirer relation-created, provider
relation-changed, requirer relation-changed); before each timed sample the model and the
charm's ops state are restored to the snapshot taken before that hook.

Figures: the median wall time per hook and side, the hook-tool calls each hook made (in all
and by tool), and the median cost of one tool call of the double. Usage:
``python bench/hook_dispatch.py [--json FILE] [--quick]``; ``python_bench.py`` calls
:func:`measure`. The scale table against the no-library floors is ``floor_scale.py``'s, over
the same :class:`World`; tests count a hook's calls with :func:`hook_calls`.

The double records every call: one JSON array ``[unit, tool, args...]`` per line of
``$FAKE_JUJU_STATE/calls.jsonl`` when that file exists, else in the ``calls`` list of its
``state.json``; :class:`World` reads whichever it finds.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "hooktools"))
import double  # noqa: E402 (tests/hooktools, once on the path)

CHARM = ROOT / "bench" / "dispatch_charm.py"
APPS = {"requirer": ("client", "requires"), "provider": ("sample", "provides")}
VARIANTS = ("ours", "theirs", "bare")
"""The variants of the README handshake's figures (``dispatch_charm.py`` has more)."""
CALLS_LOG = "calls.jsonl"
"""The double's append-only call log, one JSON array ``[unit, tool, args...]`` a line."""
LOG_TOOL = "juju-log"
"""The tool ops logs through (one line per custom event it emits, among others)."""


@dataclasses.dataclass(frozen=True)
class CallMark:
    """Where the double's call log stood: bytes of ``calls.jsonl``, entries of ``calls``."""

    log_bytes: int
    state_calls: int


@dataclasses.dataclass(frozen=True)
class HookRun:
    """One hook in a fresh process: its wall time, its hook-tool calls by tool, its RSS.

    ``tool_seconds`` is the part of the wall time the charm's process spent waiting for its
    hook tools (the double's processes): the rest is the charm's own (Python, ops, library).
    """

    seconds: float
    calls: collections.Counter[str]
    rss_kib: int
    tool_seconds: float


def without_log(calls: collections.Counter[str]) -> int:
    """The calls of a hook other than ``juju-log`` (what is not ops' or a charm's logging)."""
    return sum(count for tool, count in calls.items() if tool != LOG_TOOL)


class World:
    """A model in the double, the two charms' directories, and how to run a hook in them."""

    def __init__(
        self, root: pathlib.Path, package: str, n_requests: int | None = None
    ) -> None:
        self.root = root
        self.package = package
        self.tools = root / "tools"
        self.state = root / "state"
        self.cache = root / "cache"
        for path in (self.tools, self.state, self.cache):
            path.mkdir(parents=True, exist_ok=True)
        double.install(self.tools)
        self.charm_dirs: dict[str, pathlib.Path] = {}
        for side, (app, role) in APPS.items():
            charm_dir = root / "charms" / side
            charm_dir.mkdir(parents=True, exist_ok=True)
            (charm_dir / "metadata.yaml").write_text(
                f"name: {app}\n{role}:\n  database:\n    interface: database_client\n"
            )
            self.charm_dirs[side] = charm_dir
        self.n_requests = n_requests
        self.admin("init")
        self.admin("deploy", "client", "1")
        self.admin("deploy", "sample", "1")
        self.relation_id = int(
            self.admin("relate", "client", "database", "sample", "database")
        )

    def admin(self, *args: str) -> str:
        """Runs the double's administration (``fake-juju ARGS``) on this model."""
        return double.admin(self.tools, self.state, *args)

    def env(self, side: str, hook: str) -> dict[str, str]:
        """The environment Juju would give a hook of ``side`` (``created``, ``changed``)."""
        app = APPS[side][0]
        remote_app = APPS["provider" if side == "requirer" else "requirer"][0]
        env = {
            **os.environ,
            "PATH": f"{self.tools}:{os.environ.get('PATH', '')}",
            "FAKE_JUJU_STATE": str(self.state),
            "DATA_INTERFACES_CACHE_DIR": str(self.cache),
            "JUJU_CHARM_DIR": str(self.charm_dirs[side]),
            "JUJU_UNIT_NAME": f"{app}/0",
            "JUJU_DISPATCH_PATH": f"hooks/database-relation-{hook}",
            "JUJU_MODEL_NAME": "bench",
            "JUJU_MODEL_UUID": "00000000-0000-4000-8000-000000000000",
            "JUJU_VERSION": "3.6.4",
            "JUJU_RELATION": "database",
            "JUJU_RELATION_ID": f"database:{self.relation_id}",
            "JUJU_REMOTE_APP": remote_app,
        }
        if hook != "created":
            env["JUJU_REMOTE_UNIT"] = f"{remote_app}/0"
        if self.n_requests is not None:
            env["BENCH_REQUESTS"] = str(self.n_requests)
        return env

    def run(self, variant: str, side: str, hook: str) -> HookRun:
        """Runs one hook of ``variant`` (see ``dispatch_charm.py``) in a fresh process."""
        mark = self.call_mark()
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(CHARM), variant, side],
            env=self.env(side, hook),
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        calls_made = self.calls_since(mark)
        if proc.returncode != 0:
            logged = "\n".join(
                " ".join(call[4:]) for call in calls_made if call[1] == LOG_TOOL
            )
            raise RuntimeError(
                f"{variant} {side} {hook} failed:\n{proc.stderr}\nit logged:\n{logged}"
            )
        last = proc.stdout.split()[-1:] or ["0"]
        tool_seconds = next(
            float(line.split()[1])
            for line in proc.stdout.splitlines()
            if line.startswith("tool-seconds ")
        )
        calls = collections.Counter(call[1] for call in calls_made)
        return HookRun(elapsed, calls, int(last[0]), tool_seconds)

    def call_mark(self) -> CallMark:
        """Where the call log stands now."""
        log = self.state / CALLS_LOG
        return CallMark(
            log.stat().st_size if log.exists() else 0, len(self._state_calls())
        )

    def calls_since(self, mark: CallMark) -> list[list[str]]:
        """Every call recorded after ``mark``: ``[unit, tool, args...]`` each."""
        log = self.state / CALLS_LOG
        if log.exists():
            with log.open("rb") as lines:
                lines.seek(mark.log_bytes)
                return [json.loads(line) for line in lines if line.strip()]
        return self._state_calls()[mark.state_calls :]

    def _state_calls(self) -> list[list[str]]:
        path = self.state / "state.json"
        if not path.exists():
            return []
        calls: list[list[str]] = json.loads(path.read_text()).get("calls", [])
        return calls

    def snapshot(self, name: str) -> pathlib.Path:
        """Copies the model and both charms' ops state."""
        target = self.root / "snapshots" / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy2(self.state / "state.json", target / "state.json")
        for side, charm_dir in self.charm_dirs.items():
            db = charm_dir / ".unit-state.db"
            if db.exists():
                shutil.copy2(db, target / f"{side}.db")
        return target

    def restore(self, snapshot: pathlib.Path) -> None:
        """Puts the model and both charms' ops state back as ``snapshot`` took them."""
        shutil.copy2(snapshot / "state.json", self.state / "state.json")
        for side, charm_dir in self.charm_dirs.items():
            db = charm_dir / ".unit-state.db"
            db.unlink(missing_ok=True)
            if (snapshot / f"{side}.db").exists():
                shutil.copy2(snapshot / f"{side}.db", db)


def hook_calls(
    world: World, variant: str, side: str, hook: str
) -> collections.Counter[str]:
    """Runs one hook in ``world``; the hook-tool calls it made, by tool."""
    return world.run(variant, side, hook).calls


def tool_call_cost(world: World, rounds: int) -> float:
    """Median wall seconds of one call of the double (``is-leader``)."""
    env = world.env("provider", "changed")
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(
            [str(world.tools / "is-leader")], env=env, check=True, capture_output=True
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def handshake(world: World, package: str) -> dict[str, pathlib.Path]:
    """Plays the handshake with the package's charms; the snapshot before each timed hook."""
    world.run(package, "requirer", "created")
    snapshots = {"provider": world.snapshot("provider")}
    world.run(package, "provider", "changed")
    snapshots["requirer"] = world.snapshot("requirer")
    world.run(package, "requirer", "changed")
    return snapshots


def measure(rounds: int) -> dict[str, Any]:
    """Every figure of this module (``dispatch_*`` keys)."""
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        worlds = {p: World(pathlib.Path(tmp) / p, p) for p in ("ours", "theirs")}
        snapshots = {p: handshake(w, p) for p, w in worlds.items()}
        result["dispatch_tool_call_ms"] = tool_call_cost(worlds["ours"], rounds) * 1e3
        for side in ("requirer", "provider"):
            times: dict[str, list[float]] = {v: [] for v in VARIANTS}
            calls: dict[str, collections.Counter[str]] = {}
            rss: dict[str, list[int]] = {v: [] for v in VARIANTS}
            for index in range(rounds + 1):  # the first round warms up
                for variant in VARIANTS:
                    package = "theirs" if variant == "bare" else variant
                    world = worlds[package]
                    world.restore(snapshots[package][side])
                    run = world.run(variant, side, "changed")
                    if index:
                        times[variant].append(run.seconds)
                        rss[variant].append(run.rss_kib)
                        calls[variant] = run.calls
            for variant in VARIANTS:
                key = f"dispatch_{side}_{variant}"
                result[f"{key}_ms"] = statistics.median(times[variant]) * 1e3
                result[f"{key}_tool_calls"] = calls[variant].total()
                result[f"{key}_calls_by_tool"] = dict(sorted(calls[variant].items()))
                result[f"dispatch_rss_{side}_{variant}_mib"] = (
                    statistics.median(rss[variant]) / 1024
                )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument(
        "--quick", action="store_true", help="few samples (a smoke run)"
    )
    args = parser.parse_args()
    figures = measure(3 if args.quick else 5)
    for key, value in figures.items():
        if isinstance(value, dict):
            print(f"{key:<44} {value}")
        else:
            print(f"{key:<44} {value:10.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
