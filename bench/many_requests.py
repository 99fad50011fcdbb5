"""Thousands of requests in one provider hook under ops.testing, against the by-hand floor.

One ``database-relation-changed`` on a provider whose requirer's application bag carries
``n`` v1 requests (1000, 2000 and 5000; ``--quick``: 200). The bag is the one our requirer
writes: our README requirer with ``n`` requests (``dispatch_charm.scaled_client``) runs its
relation-created once under ops.testing (``tests/python/harness.py``), and the provider's
state is what that leaves on the other side. Two charms answer it from that same state:

* ours: the README's ``SampleCharm`` (``tests/python/charms_ours.py``), one ``set_response``
  per request;
* the floor: ``floor_charms.ByhandProvider``, which adds and grants one secret per request
  through ops alone and writes its answers once.

Each hook runs in a child process (``--run VARIANT STATE_FILE``) that times ``ctx.run`` alone
and checks that every request was answered; a child that does not finish within the timeout
is stopped and reported as such (``make bench`` cannot hang on it). Target (issue 14): ours
within 1.5x of the floor at 5000 requests.

Usage: ``python bench/many_requests.py [--json FILE] [--quick] [--timeout SECONDS]``;
``python_bench.py`` calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from ops import testing

BENCH = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests" / "python"))
sys.path.insert(0, str(BENCH))
from report_calls import seconds  # noqa: E402 (bench/, once on the path)

RELATION_ID = 7
"""The relation's id in ``harness.RelationPair``."""
VARIANTS = ("ours", "byhand")
TARGET_RATIO = 1.5
TARGET_N = 5000
TIMEOUT_SECONDS = 180.0
META = {"name": "sample", "provides": {"database": {"interface": "database_client"}}}


def provider_state(n: int) -> testing.State:
    """The provider's state once our requirer with ``n`` requests has written its bag."""
    import charms_ours
    import dispatch_charm
    from harness import RelationPair

    pair = RelationPair(
        dispatch_charm.scaled_client("ours", n), charms_ours.SampleCharm
    )
    pair.run("requirer", "created")
    return pair.state("provider")


def run_hook(variant: str, state_file: pathlib.Path) -> dict[str, Any]:
    """One relation-changed of ``variant`` over the pickled state: seconds, answers."""
    if variant == "ours":
        import charms_ours

        charm: type = charms_ours.SampleCharm
    else:
        import floor_charms

        charm = floor_charms.ByhandProvider
    state: testing.State = pickle.loads(state_file.read_bytes())
    ctx = testing.Context(charm, meta=META, app_name="sample", unit_id=0)
    event = ctx.on.relation_changed(state.get_relation(RELATION_ID), remote_unit=0)
    start = time.perf_counter()
    out = ctx.run(event, state)
    seconds = time.perf_counter() - start
    answers = json.loads(
        out.get_relation(RELATION_ID).local_app_data.get("requests", "[]")
    )
    return {"seconds": seconds, "answered": len(answers)}


def _child(
    variant: str, state_file: pathlib.Path, n: int, timeout: float
) -> float | None:
    """Seconds of one hook in a child process; ``None`` if it did not finish in time."""
    argv = [sys.executable, __file__, "--run", variant, str(state_file)]
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise RuntimeError(f"{variant} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.splitlines()[-1])
    if result["answered"] != n:
        raise RuntimeError(f"{variant} answered {result['answered']} of {n} requests")
    return float(result["seconds"])


def measure(ns: tuple[int, ...], timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """Ours and the floor at each ``n`` (``many_requests`` key), and the ratio."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns:
            state_file = pathlib.Path(tmp) / f"provider-{n}.pickle"
            state_file.write_bytes(pickle.dumps(provider_state(n)))
            rounds = 3 if n <= 1000 else 1
            samples: dict[str, list[float | None]] = {v: [] for v in VARIANTS}
            for _ in range(rounds):
                for variant in VARIANTS:
                    samples[variant].append(_child(variant, state_file, n, timeout))
            row: dict[str, Any] = {"n": n, "timeout_s": timeout}
            for variant in VARIANTS:
                done = [s for s in samples[variant] if s is not None]
                # A hook that timed out once is reported as not finishing.
                finished = len(done) == rounds
                row[f"{variant}_s"] = statistics.median(done) if finished else None
            if row["ours_s"] is not None and row["byhand_s"] is not None:
                row["ratio"] = row["ours_s"] / row["byhand_s"]
            print(describe(row), flush=True)
            rows.append(row)
    return {
        "many_requests": {"rows": rows, "target_n": TARGET_N, "target": TARGET_RATIO}
    }


def describe(row: dict[str, Any]) -> str:
    """One line: ours, the floor, the ratio."""
    ratio = f"{row['ratio']:.2f}x" if "ratio" in row else "no ratio"
    return (
        f"  ops.testing, provider, {row['n']:>5} requests: ours {seconds(row, 'ours')}, "
        f"floor (by hand) {seconds(row, 'byhand')}, {ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument("--quick", action="store_true", help="200 requests only")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS)
    parser.add_argument("--n", type=int, nargs="+", help="numbers of requests")
    parser.add_argument(
        "--run", nargs=2, metavar=("VARIANT", "STATE_FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_hook(args.run[0], pathlib.Path(args.run[1]))))
        return
    ns = tuple(args.n) if args.n else (200,) if args.quick else (1000, 2000, TARGET_N)
    figures = measure(ns, args.timeout)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
