"""Hook-tool calls at the floor: our hooks against charms without a library, ``n`` = 1 to 1000.

Under ``ops.main`` over the hook-tool double (``hook_dispatch.World``), for each ``n``: our
README requirer with ``n`` requests (``dispatch_charm.scaled_client``) runs relation-created;
then, each from the same snapshot of the model and of ops' state, three hooks are run by ours
and by the floors of ``floor_charms.py`` (``reads``: only the protocol's reads; ``byhand``:
the protocol through ops alone), and by the reference library (``theirs``, in its own model)
where it finishes in reasonable time (its calls grow quadratically: ``n <= 10``):

* ``provider_new``: the provider's relation-changed with ``n`` new requests;
* ``provider_again``: the same hook again once ours has answered them (nothing new);
* ``requirer``: the requirer's relation-changed with the ``n`` responses ours wrote.

Every hook's calls are counted by tool. The targets (issue 14) compare our calls with the
``reads`` floor's: ``provider_new`` at most ``floor + 2n + 2``, ``provider_again`` at most
``floor``, ``requirer`` at most ``floor + n + 2``; each is judged on all calls and on the
calls other than ``juju-log`` (ops logs one line per custom event it emits: that part is
ops' logging, not the library's calls). Time: the wall time per hook, the growth exponent of
ours from 100 to 1000 requests (target at most 1.05) beside the floors', and the double's own
cost per call at each ``n`` (it loads and saves its whole state per call, so its calls get
dearer as the model grows).

Usage: ``python bench/floor_scale.py [--json FILE] [--quick]`` (quick: ``n`` = 1, 10);
``python_bench.py`` calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import pathlib
import statistics
import sys
import tempfile
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from hook_dispatch import LOG_TOOL, World, tool_call_cost, without_log  # noqa: E402

HOOKS = ("provider_new", "provider_again", "requirer")
"""The three hooks of each ``n``, in the order they run."""
SIDES = {
    "provider_new": "provider",
    "provider_again": "provider",
    "requirer": "requirer",
}
FLOORS = ("reads", "byhand")
FLOOR = "reads"
"""The floor the targets are counted from: the reads the protocol needs in the hook."""
THEIRS_UP_TO = 10
"""The largest ``n`` the reference library runs at (753 calls at 10; minutes at 100)."""
GROWTH_FROM, GROWTH_TO = 100, 1000
GROWTH_TARGET = 1.05


def allowance(hook: str, n: int) -> int:
    """How many calls beyond the floor's a hook of ours may make (issue 14, item 3)."""
    return {"provider_new": 2 * n + 2, "provider_again": 0, "requirer": n + 2}[hook]


def _sample(
    world: World, snapshot: pathlib.Path, variant: str, hook: str, rounds: int
) -> dict[str, Any]:
    """Median milliseconds (in all, and in the hook tools) and the calls by tool of
    ``rounds`` runs from ``snapshot``."""
    seconds: list[float] = []
    tools: list[float] = []
    calls: collections.Counter[str] = collections.Counter()
    for _ in range(rounds):
        world.restore(snapshot)
        run = world.run(variant, SIDES[hook], "changed")
        seconds.append(run.seconds)
        tools.append(run.tool_seconds)
        calls = run.calls
    return {
        "ms": statistics.median(seconds) * 1e3,
        "tools_ms": statistics.median(tools) * 1e3,
        "own_ms": statistics.median(s - t for s, t in zip(seconds, tools)) * 1e3,
        "calls": dict(sorted(calls.items())),
        "total": calls.total(),
        "without_log": without_log(calls),
    }


def _play(
    world: World, variants: tuple[str, ...], rounds: int
) -> dict[str, dict[str, Any]]:
    """Runs the three hooks for each variant; the first variant's hooks move the model on."""
    world.run(variants[0], "requirer", "created")
    hooks: dict[str, dict[str, Any]] = {}
    snapshot = world.snapshot("provider_new")
    for hook in HOOKS:
        if hook == "provider_again":
            snapshot = world.snapshot("answered")
        # The variant that moves the model on runs last, so its run is the one kept.
        figures = {v: _sample(world, snapshot, v, hook, rounds) for v in variants[1:]}
        figures[variants[0]] = _sample(world, snapshot, variants[0], hook, rounds)
        hooks[hook] = figures
    world.restore(snapshot)
    return hooks


def _row(n: int, tmp: pathlib.Path, rounds: int) -> dict[str, Any]:
    """Every figure at ``n`` requests."""
    ours = World(tmp / f"ours-{n}", "ours", n)
    row: dict[str, Any] = {"n": n, **_play(ours, ("ours", *FLOORS), rounds)}
    row["double_call_ms"] = tool_call_cost(ours, 5) * 1e3
    if n <= THEIRS_UP_TO:
        theirs = _play(World(tmp / f"theirs-{n}", "theirs", n), ("theirs",), rounds)
        for hook in HOOKS:
            row[hook]["theirs"] = theirs[hook]["theirs"]
    row["targets"] = [_target(row, hook) for hook in HOOKS]
    return row


def _target(row: dict[str, Any], hook: str) -> dict[str, Any]:
    """Our calls against the floor's plus the allowance, with and without ``juju-log``."""
    ours, floor = row[hook]["ours"], row[hook][FLOOR]
    allowed = allowance(hook, row["n"])
    return {
        "hook": hook,
        "n": row["n"],
        "allowed_beyond_floor": allowed,
        "ours": ours["total"],
        "floor": floor["total"],
        "met": ours["total"] <= floor["total"] + allowed,
        "ours_without_log": ours["without_log"],
        "floor_without_log": floor["without_log"],
        "met_without_log": ours["without_log"] <= floor["without_log"] + allowed,
    }


def _exponent(rows: list[dict[str, Any]], value: Any) -> float | None:
    """log(v(1000) / v(100)) / log(10) for ``value(row)``, if both rows were measured."""
    by_n = {r["n"]: r for r in rows}
    if GROWTH_FROM not in by_n or GROWTH_TO not in by_n:
        return None
    low, high = value(by_n[GROWTH_FROM]), value(by_n[GROWTH_TO])
    if low <= 0 or high <= 0:
        return None
    return math.log(high / low) / math.log(GROWTH_TO / GROWTH_FROM)


def growth(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Growth exponents of the provider's hook with new requests, from 100 to 1000: the wall
    time of ours and of the floors, the same less the time in the hook tools (the double's
    processes), and the double's cost of one call."""

    def of(variant: str, figure: str) -> Any:
        return lambda row: row["provider_new"][variant][figure]

    exponents: dict[str, float | None] = {}
    for variant in ("ours", *FLOORS):
        exponents[variant] = _exponent(rows, of(variant, "ms"))
        exponents[f"{variant}_without_tools"] = _exponent(rows, of(variant, "own_ms"))
    exponents["double_call"] = _exponent(rows, lambda row: row["double_call_ms"])
    return exponents


def measure(ns: tuple[int, ...]) -> dict[str, Any]:
    """The table for each ``n`` (``floor_scale`` key), its targets and growth."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns:
            row = _row(n, pathlib.Path(tmp), 3 if n <= THEIRS_UP_TO else 1)
            print_row(row)
            rows.append(row)
    exponents = growth(rows)
    print_growth(exponents)
    return {"floor_scale": {"rows": rows, "growth": exponents}}


def tools_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every tool called in the table, ``juju-log`` last."""
    tools = {
        tool
        for row in rows
        for hook in HOOKS
        for figures in row[hook].values()
        for tool in figures["calls"]
    }
    return sorted(tools - {LOG_TOOL}) + ([LOG_TOOL] if LOG_TOOL in tools else [])


def print_row(row: dict[str, Any]) -> None:
    """One ``n``'s calls by tool, times and targets, as a plain table."""
    tools = tools_of([row])
    print(f"\nn = {row['n']} (the double: {row['double_call_ms']:.1f} ms per call)")
    print(
        f"  {'hook':<15} {'variant':<7} "
        + " ".join(f"{t:>{len(t)}}" for t in tools)
        + "  total  w/o-log        ms  in-tools"
    )
    for hook in HOOKS:
        for variant, figures in row[hook].items():
            counts = " ".join(f"{figures['calls'].get(t, 0):>{len(t)}}" for t in tools)
            print(
                f"  {hook:<15} {variant:<7} {counts}  {figures['total']:>5}"
                f"  {figures['without_log']:>7}  {figures['ms']:>8.0f}"
                f"  {figures['tools_ms']:>8.0f}"
            )
    for target in row["targets"]:
        allowed = target["allowed_beyond_floor"]
        print(
            f"  target {target['hook']}: ours {target['ours']} <= {target['floor']} + "
            f"{allowed}: {'met' if target['met'] else 'MISSED'}; without juju-log "
            f"{target['ours_without_log']} <= {target['floor_without_log']} + {allowed}: "
            f"{'met' if target['met_without_log'] else 'MISSED'}"
        )


def print_growth(exponents: dict[str, float | None]) -> None:
    """The growth exponents, 100 to 1000 requests."""
    if exponents["ours"] is None:
        return
    print(
        f"\ngrowth exponent {GROWTH_FROM}->{GROWTH_TO} requests (provider, new requests): "
        f"ours {exponents['ours']:.2f} (target <= {GROWTH_TARGET}: "
        f"{'met' if exponents['ours'] <= GROWTH_TARGET else 'MISSED'}), "
        + ", ".join(
            f"{name} {value:.2f}"
            for name, value in exponents.items()
            if name != "ours" and value is not None
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument("--quick", action="store_true", help="n = 1, 10 only")
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        help="the numbers of requests (default 1 10 100 1000)",
    )
    args = parser.parse_args()
    ns = tuple(args.n) if args.n else (1, 10) if args.quick else (1, 10, 100, 1000)
    figures = measure(ns)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
