"""Python side by side: ``data_interfaces_wasm`` (ours) against ``dpcharmlibs.interfaces`` (theirs).

The same README charms (``tests/python/charms_ours.py`` and ``charms_reference.py``) run
through ``ops.testing``, the two packages alternating sample by sample:

* whole process: a fresh ``python bench/hook_once.py`` per sample runs one relation-changed
  (requirer and provider) from a pickled state, imports included; its peak RSS (``VmHWM``);
  a charm using no library (``bare``) gives the floor of Python, ops and ops.testing;
* in-process: the same hooks repeated in this process, per hook;
* import time of each package in fresh processes, with ops imported before (excluded) or not;
* scale: a provider's relation-changed with 1, 10, 100, 1000 requests, and with 1, 10, 100
  relations;
* the same whole-process hooks without ops.testing, as Juju runs them: ``ops.main`` over the
  hook-tool double (``hook_dispatch.py``);
* the hook-tool calls of our hooks, by tool, against charms without a library, for 1, 10,
  100 and 1000 requests, under ``ops.main`` over the double (``floor_scale.py``);
* a provider hook with 1000, 2000 and 5000 requests under ops.testing, against the same hook
  done by hand through ops (``many_requests.py``).

Usage: ``python bench/python_bench.py [--json FILE] [--quick]``. Figures are printed; ``--json``
also writes them for ``bench/report.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import pathlib
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "python"))

import floor_scale  # noqa: E402 (bench/, this file's directory)
import hook_dispatch  # noqa: E402
import many_requests  # noqa: E402

import charms_ours  # noqa: E402
import charms_reference  # noqa: E402
from harness import RelationPair  # noqa: E402
from ops import CharmBase, testing  # noqa: E402

PACKAGES = {"ours": charms_ours, "theirs": charms_reference}
MODULES = {"ours": "data_interfaces_wasm", "theirs": "dpcharmlibs.interfaces"}
NAMES = (
    "RequirerCommonModel, RequirerDataContractV1, ResourceCreatedEvent, "
    "ResourceEntityCreatedEvent, ResourceProviderEventHandler, ResourceProviderModel, "
    "ResourceRequestedEvent, ResourceRequirerEventHandler"
)
HOOK_ONCE = ROOT / "bench" / "hook_once.py"


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def run_process(argv: list[str]) -> tuple[float, int]:
    """Wall seconds of one child process, and the integer it printed last (its peak RSS in
    KiB for ``hook_once.py``: ``VmHWM``, since ``ru_maxrss`` from ``wait4`` counts the image
    forked from this process before the exec)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed: {proc.stderr}")
    last = proc.stdout.split()[-1:] or ["0"]
    return elapsed, int(last[0])


def handshake(package: str) -> tuple[RelationPair, testing.State, testing.State]:
    """The README handshake up to the two states we time: the provider about to see the
    requests, and the requirer about to see the responses."""
    charms = PACKAGES[package]
    pair = RelationPair(charms.ClientCharm, charms.SampleCharm)
    pair.run("requirer", "created")
    provider_state = pair.state("provider")
    pair.run("provider", "changed")
    requirer_state = pair.state("requirer")
    return pair, provider_state, requirer_state


def time_hook(
    ctx: testing.Context, state: testing.State, relation_id: int = 7
) -> float:
    relation = state.get_relation(relation_id)
    event = ctx.on.relation_changed(relation, remote_unit=0)
    ctx.emitted_events.clear()
    start = time.perf_counter()
    ctx.run(event, state)
    return time.perf_counter() - start


def whole_process(rounds: int, tmp: pathlib.Path) -> dict[str, Any]:
    files: dict[tuple[str, str], pathlib.Path] = {}
    for package in PACKAGES:
        _, provider_state, requirer_state = handshake(package)
        for side, state in (("provider", provider_state), ("requirer", requirer_state)):
            path = tmp / f"{package}-{side}.pickle"
            path.write_bytes(pickle.dumps(state))
            files[package, side] = path
    files["bare", "provider"] = files["theirs", "provider"]
    files["bare", "requirer"] = files["theirs", "requirer"]
    result: dict[str, Any] = {}
    variants = ("ours", "theirs", "bare")
    for side in ("requirer", "provider"):
        times: dict[str, list[float]] = {v: [] for v in variants}
        rss: dict[str, list[int]] = {v: [] for v in variants}
        for (
            variant
        ) in variants:  # warm-up: bytecode and the precompiled component cache
            run_process(
                [
                    sys.executable,
                    str(HOOK_ONCE),
                    variant,
                    side,
                    str(files[variant, side]),
                ]
            )
        for _ in range(rounds):
            for variant in variants:
                argv = [
                    sys.executable,
                    str(HOOK_ONCE),
                    variant,
                    side,
                    str(files[variant, side]),
                ]
                seconds, kib = run_process(argv)
                times[variant].append(seconds)
                rss[variant].append(kib)
        for variant in variants:
            result[f"process_{side}_{variant}_ms"] = median(times[variant]) * 1e3
            result[f"rss_{side}_{variant}_mib"] = median(rss[variant]) / 1024
    floor = [run_process([sys.executable, "-c", "pass"])[0] for _ in range(rounds)]
    result["process_python_pass_ms"] = median(floor) * 1e3
    return result


def in_process(rounds: int) -> dict[str, Any]:
    setups = {}
    for package in PACKAGES:
        pair, provider_state, requirer_state = handshake(package)
        setups[package] = {
            "provider": (pair.units["provider"].ctx, provider_state),
            "requirer": (pair.units["requirer"].ctx, requirer_state),
        }
    result: dict[str, Any] = {}
    for side in ("requirer", "provider"):
        samples: dict[str, list[float]] = {p: [] for p in PACKAGES}
        for _ in range(rounds):
            for package in PACKAGES:
                ctx, state = setups[package][side]
                samples[package].append(time_hook(ctx, state))
        for package in PACKAGES:
            result[f"hook_{side}_{package}_ms"] = median(samples[package]) * 1e3
    return result


def imports(rounds: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        for package, module in MODULES.items():
            for ops_first in (True, False):
                prelude = "import ops\n" if ops_first else ""
                code = (
                    f"{prelude}import time\nt = time.perf_counter()\n"
                    f"from {module} import {NAMES}\n"
                    "print(time.perf_counter() - t)"
                )
                out = subprocess.run(
                    [sys.executable, "-c", code],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                key = f"import_{package}_{'ops_excluded' if ops_first else 'ops_included'}"
                samples.setdefault(key, []).append(float(out))
        code = "import time\nt = time.perf_counter()\nimport ops\nprint(time.perf_counter() - t)"
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True
        )
        samples.setdefault("import_ops", []).append(float(out.stdout))
    for key, values in samples.items():
        result[f"{key}_ms"] = median(values) * 1e3
    return result


def scaled_client(package: str, n: int) -> type:
    """The README's requirer with ``n`` requests."""
    lib = importlib.import_module(MODULES[package])

    class ScaledClient(CharmBase):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            requests = [lib.RequirerCommonModel(resource=f"db{i}") for i in range(n)]
            self.database = lib.ResourceRequirerEventHandler(
                self, "database", requests, response_model=lib.ResourceProviderModel
            )

    ScaledClient.__name__ = f"ScaledClient{n}"
    return ScaledClient


def scale(quick: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"requests": [], "relations": []}
    for n in (1, 10, 100, 1000):
        reps = {1: 15, 10: 9, 100: 5, 1000: 3}[n]
        if quick:
            reps = min(reps, 3)
        row: dict[str, Any] = {"n": n}
        setups = {}
        # dpcharmlibs grows quadratically (2 s at 100 requests): 1000 would take minutes.
        packages = ("ours",) if n == 1000 else tuple(PACKAGES)
        if n == 1000:
            reps = 1
        for package in packages:
            pair = RelationPair(
                scaled_client(package, n), PACKAGES[package].SampleCharm
            )
            pair.run("requirer", "created")
            setups[package] = (pair.units["provider"].ctx, pair.state("provider"))
        samples: dict[str, list[float]] = {p: [] for p in packages}
        for _ in range(reps):
            for package in packages:
                samples[package].append(time_hook(*setups[package]))
        for package in packages:
            row[f"{package}_ms"] = median(samples[package]) * 1e3
        print(f"  provider, {n:>4} requests: {row}", flush=True)
        result["requests"].append(row)
    for n in (1, 10, 100):
        reps = {1: 15, 10: 9, 100: 5}[n]
        if quick:
            reps = min(reps, 3)
        row = {"n": n}
        setups = {}
        for package in PACKAGES:
            pair = RelationPair(
                PACKAGES[package].ClientCharm, PACKAGES[package].SampleCharm
            )
            pair.run("requirer", "created")
            state = pair.state("provider")
            template = state.get_relation(7)
            relations = {template} | {
                dataclasses.replace(template, id=1000 + i) for i in range(n - 1)
            }
            state = dataclasses.replace(state, relations=relations)
            setups[package] = (pair.units["provider"].ctx, state)
        samples = {p: [] for p in PACKAGES}
        for _ in range(reps):
            for package in PACKAGES:
                samples[package].append(time_hook(*setups[package]))
        for package in PACKAGES:
            row[f"{package}_ms"] = median(samples[package]) * 1e3
        print(f"  provider, {n:>4} relations: {row}", flush=True)
        result["relations"].append(row)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument(
        "--quick", action="store_true", help="few samples (a smoke run)"
    )
    args = parser.parse_args()
    rounds = 3 if args.quick else 11
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("whole process (fresh python per hook) ...", flush=True)
        figures.update(whole_process(rounds, pathlib.Path(tmp)))
    print("in-process hooks ...", flush=True)
    figures.update(in_process(rounds * 4))
    print("imports ...", flush=True)
    figures.update(imports(rounds))
    print("scale ...", flush=True)
    figures["scale"] = scale(args.quick)
    print("whole process under ops.main over the hook-tool double ...", flush=True)
    figures.update(hook_dispatch.measure(3 if args.quick else 5))
    print("hook-tool calls at the floor (ops.main over the double) ...", flush=True)
    figures.update(floor_scale.measure((1, 10) if args.quick else (1, 10, 100, 1000)))
    print("many requests in one provider hook (ops.testing) ...", flush=True)
    figures.update(
        many_requests.measure(
            (200,) if args.quick else (1000, 2000, many_requests.TARGET_N)
        )
    )
    for key, value in figures.items():
        if not isinstance(value, dict):
            print(f"{key:<44} {value:10.2f}")
    for side in ("requirer", "provider"):
        for kind in ("process", "hook"):
            ours, theirs = (
                figures[f"{kind}_{side}_ours_ms"],
                figures[f"{kind}_{side}_theirs_ms"],
            )
            print(f"ratio ours/theirs {kind} {side:<10} {ours / theirs:6.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
