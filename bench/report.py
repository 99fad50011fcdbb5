"""Writes ``docs/benchmarks.md`` and ``docs/benchmarks.png`` from the figures of one ``make bench``.

Usage: ``python bench/report.py RUST_JSON PYTHON_JSON WHEEL_DIR``
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import math
import os
import pathlib
import platform
import re
import subprocess
import sys
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import report_calls  # noqa: E402 (bench/, this file's directory)
from report_calls import verdict  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMPONENT = ROOT / "target/component/wasm32-wasip2/component/data_interfaces_core.wasm"


def cpu_model() -> str:
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def locked(crate: str) -> str:
    lock = (ROOT / "Cargo.lock").read_text()
    match = re.search(rf'name = "{crate}"\nversion = "([^"]+)"', lock)
    return match.group(1) if match else "?"


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) against log(work): the growth exponent."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main() -> None:
    rust: dict[str, Any] = json.loads(pathlib.Path(sys.argv[1]).read_text())
    py: dict[str, Any] = json.loads(pathlib.Path(sys.argv[2]).read_text())
    wheels = sorted(pathlib.Path(sys.argv[3]).glob("*.whl"))
    wheel_bytes = wheels[-1].stat().st_size if wheels else 0
    load1, load5, load15 = os.getloadavg()
    rustc = subprocess.run(
        ["rustc", "--version"], capture_output=True, text=True
    ).stdout.strip()

    # Growth exponents.
    req = py["scale"]["requests"]
    rel = py["scale"]["relations"]
    rreq = rust["scale_requests"]
    fits = {
        "requests, ours (Python)": [(r["n"], r["ours_ms"]) for r in req],
        "requests, theirs (Python)": [
            (r["n"], r["theirs_ms"]) for r in req if "theirs_ms" in r
        ],
        "requests, component (Rust host)": [
            (r["n"], r["component_us"] / 1e3) for r in rreq
        ],
        "requests, native core": [(r["n"], r["native_us"] / 1e3) for r in rreq],
        "requests answered one by one, component (Rust host)": [
            (r["n"], r["component_answered_us"] / 1e3)
            for r in rreq
            if r.get("component_answered_us")
        ],
        "requests answered one by one, native core": [
            (r["n"], r["native_answered_us"] / 1e3)
            for r in rreq
            if r.get("native_answered_us")
        ],
        **report_calls.request_fits(py),
        "relations, ours (Python)": [(r["n"], r["ours_ms"]) for r in rel],
        "relations, theirs (Python)": [(r["n"], r["theirs_ms"]) for r in rel],
    }
    exponents = {k: (slope(v), slope(v[-2:])) for k, v in fits.items()}

    # The plot.
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for name, points in fits.items():
        ax = axes[0] if name.startswith("requests") else axes[1]
        xs, ys = zip(*points)
        ax.plot(xs, ys, marker="o", label=f"{name}: exponent {exponents[name][0]:.2f}")
    for ax, title, xlabel in (
        (axes[0], "provider relation-changed, n requests", "requests in the hook"),
        (
            axes[1],
            "provider relation-changed, n relations",
            "relations of the provider",
        ),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("ms per hook (median)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    DOCS.mkdir(exist_ok=True)
    fig.savefig(DOCS / "benchmarks.png", dpi=100)

    # Targets.
    pr, pt = py["process_provider_ours_ms"], py["process_provider_theirs_ms"]
    qr, qt = py["process_requirer_ours_ms"], py["process_requirer_theirs_ms"]
    bare = (py["process_provider_bare_ms"] + py["process_requirer_bare_ms"]) / 2
    import_ours = py["import_ours_ops_excluded_ms"]
    warm_ms = rust["load_warm_deserialize_us"] / 1e3
    thousand = next(r for r in rreq if r["n"] == 1000)["component_us"] / 1e3
    comp_exp = exponents["requests, component (Rust host)"][1]
    ratio = max(rust["hook_provider_ratio"], rust["hook_requirer_ratio"])

    def guest(side: str) -> float:
        """The guest's part of a hook: neither making the handler nor the world's answers."""
        return (
            rust[f"hook_{side}_component_us"]
            - rust[f"hook_{side}_create_us"]
            - rust[f"hook_{side}_world_us"]
        )

    # The same hooks under ops.main over the hook-tool double (no ops.testing): the verdict is
    # on the raw whole-process times; the share above the no-library floor is shown too.
    tool_ms = py["dispatch_tool_call_ms"]

    def dispatch(side: str, variant: str) -> float:
        return py[f"dispatch_{side}_{variant}_ms"]

    def above_floor(side: str, variant: str) -> float:
        return dispatch(side, variant) - dispatch(side, "bare")

    dq = dispatch("requirer", "ours") / dispatch("requirer", "theirs")
    dp = dispatch("provider", "ours") / dispatch("provider", "theirs")
    realistic = max(dq, dp)

    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/: `python_bench.py`, `hook_once.py`,",
        "`hook_dispatch.py`, `floor_scale.py`, `many_requests.py`, the `data-interfaces-bench`",
        "crate, `report.py`). Medians; do not edit by hand.",
        "",
        "| | |",
        "|---|---|",
        f"| date | {datetime.datetime.now().astimezone().isoformat(timespec='seconds')} |",
        f"| machine | {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()} |",
        f"| load average (1/5/15 min, at the end) | {load1:.2f} / {load5:.2f} / {load15:.2f} |",
        f"| Python | {platform.python_version()} |",
        f"| ops / ops-scenario | {version('ops')} / {version('ops-scenario')} |",
        f"| dpcharmlibs-interfaces / pydantic | {version('dpcharmlibs-interfaces')} / "
        f"{version('pydantic')} |",
        f"| data-interfaces-wasm | {version('data-interfaces-wasm')} |",
        f"| rustc / wasmtime | {rustc} / {locked('wasmtime')} |",
        "",
        "## Targets",
        "",
        "| target | figure | verdict |",
        "|---|---|---|",
        f"| whole-process hook, ours ≤ 1/2 of dpcharmlibs', as Juju runs it (ops.main over the "
        f"hook-tool double) | requirer {dispatch('requirer', 'ours'):.0f} vs "
        f"{dispatch('requirer', 'theirs'):.0f} ms ({dq:.2f}); provider "
        f"{dispatch('provider', 'ours'):.0f} vs {dispatch('provider', 'theirs'):.0f} ms "
        f"({dp:.2f}) | {verdict(realistic <= 0.5)} |",
        f"| the same under ops.testing (its floor of {py['process_provider_bare_ms']:.0f} ms is "
        f"not in a real hook) | requirer {qr:.1f} vs {qt:.1f} ms "
        f"({qr / qt:.2f}); provider {pr:.1f} vs {pt:.1f} ms ({pr / pt:.2f}) | "
        f"{verdict(max(qr / qt, pr / pt) <= 0.5)} |",
        f"| our import (ops excluded) < 20 ms | {import_ours:.1f} ms | {verdict(import_ours < 20)} |",
        f"| warm component load < 5 ms | {warm_ms:.2f} ms | {verdict(warm_ms < 5)} |",
        f"| 1000 requests in one hook < 100 ms through the component, linear | {thousand:.1f} ms, "
        f"exponent {comp_exp:.2f} (100→1000) | {verdict(thousand < 100 and comp_exp < 1.2)} |",
        f"| component within 2x of native per hook | provider "
        f"{rust['hook_provider_ratio']:.2f}x, requirer {rust['hook_requirer_ratio']:.2f}x | "
        f"{verdict(ratio <= 2)} |",
        *report_calls.target_rows(py),
        "",
        "## Python: ours against dpcharmlibs.interfaces (the README charms, ops.testing)",
        "",
        "| figure | ours | theirs | ours/theirs |",
        "|---|---|---|---|",
    ]

    def row(label: str, ours: float, theirs: float, unit: str = "ms") -> None:
        lines.append(
            f"| {label} | {ours:.2f} {unit} | {theirs:.2f} {unit} | {ours / theirs:.2f} |"
        )

    row("whole process, requirer relation-changed", qr, qt)
    row("whole process, provider relation-changed", pr, pt)
    row(
        "whole process, mean of both, minus the no-library floor",
        (qr + pr) / 2 - bare,
        (qt + pt) / 2 - bare,
    )
    row(
        "peak RSS, requirer process",
        py["rss_requirer_ours_mib"],
        py["rss_requirer_theirs_mib"],
        "MiB",
    )
    row(
        "peak RSS, provider process",
        py["rss_provider_ours_mib"],
        py["rss_provider_theirs_mib"],
        "MiB",
    )
    row(
        "in-process, requirer relation-changed",
        py["hook_requirer_ours_ms"],
        py["hook_requirer_theirs_ms"],
    )
    row(
        "in-process, provider relation-changed",
        py["hook_provider_ours_ms"],
        py["hook_provider_theirs_ms"],
    )
    row(
        "import, ops excluded",
        py["import_ours_ops_excluded_ms"],
        py["import_theirs_ops_excluded_ms"],
    )
    row(
        "import, ops included",
        py["import_ours_ops_included_ms"],
        py["import_theirs_ops_included_ms"],
    )
    lines += [
        "",
        f"Floors: `python -c pass` {py['process_python_pass_ms']:.1f} ms; the same hook with a "
        f"charm that uses no library (Python + ops + ops.testing) {bare:.1f} ms, "
        f"{py['rss_provider_bare_mib']:.1f} MiB; `import ops` {py['import_ops_ms']:.1f} ms.",
        "The whole-process figures include ops.testing (not present in a real hook), so the",
        "floor is subtracted in the third row.",
        "",
        "## Whole process as Juju runs it: ops.main over the hook-tool double (no ops.testing)",
        "",
        "`bench/hook_dispatch.py`: each hook a fresh `python bench/dispatch_charm.py` under",
        "`ops.main`, its hook tools played by `tests/hooktools/fake_juju.py` (one Python process",
        f"per call: {tool_ms:.1f} ms median for `is-leader` here, more for calls that move",
        "secrets or big bags; Juju's own hook tools are cheaper). The floor is a charm that",
        "uses no library under the same dispatch; the tool calls are what each hook made.",
        "",
        "| hook | ours | theirs | no library (floor) | ours/theirs |",
        "|---|---|---|---|---|",
    ]
    for side in ("requirer", "provider"):
        lines.append(
            f"| {side} relation-changed | {dispatch(side, 'ours'):.1f} ms | "
            f"{dispatch(side, 'theirs'):.1f} ms | {dispatch(side, 'bare'):.1f} ms | "
            f"{dispatch(side, 'ours') / dispatch(side, 'theirs'):.2f} |"
        )
        lines.append(
            f"| {side}: hook-tool calls | {py[f'dispatch_{side}_ours_tool_calls']} | "
            f"{py[f'dispatch_{side}_theirs_tool_calls']} | "
            f"{py[f'dispatch_{side}_bare_tool_calls']} | |"
        )
        lines.append(
            f"| {side}: calls by tool | "
            + " | ".join(
                report_calls.by_tool(py[f"dispatch_{side}_{v}_calls_by_tool"])
                for v in ("ours", "theirs", "bare")
            )
            + " | |"
        )
        lines.append(
            f"| {side}: above the floor | {above_floor(side, 'ours'):.1f} ms | "
            f"{above_floor(side, 'theirs'):.1f} ms | | "
            f"{above_floor(side, 'ours') / above_floor(side, 'theirs'):.2f} |"
        )
        lines.append(
            f"| {side}: peak RSS | {py[f'dispatch_rss_{side}_ours_mib']:.1f} MiB | "
            f"{py[f'dispatch_rss_{side}_theirs_mib']:.1f} MiB | "
            f"{py[f'dispatch_rss_{side}_bare_mib']:.1f} MiB | "
            f"{py[f'dispatch_rss_{side}_ours_mib'] / py[f'dispatch_rss_{side}_theirs_mib']:.2f} |"
        )
    lines += ["", *report_calls.floor_section(py)]
    lines += ["", *report_calls.many_requests_section(py)]
    lines += [
        "",
        "## Scale (in-process, provider relation-changed; the charm answers every request)",
        "",
        "The Python columns run the README charm (one `set_response` per request) under",
        "ops.testing. Our handler coalesces the answers given while a hook's events are emitted",
        "into one `set-response-each` call per relation (one databag write); what still grows",
        "faster than linearly there is ops.testing's secret lookup, a scan of every secret in",
        "the state per `secret-get`/`secret-info-get`/`secret-grant` (not in a real hook: see",
        "the ops.main figures above). The Rust host columns time `handle` alone, and `handle`",
        "plus one `set-response` call per request (each rewrites the whole `requests` list:",
        "quadratic, which is why the Python host coalesces).",
        "",
        "| n requests | ours (Python) | theirs (Python) | component: handle | native: handle "
        "| component: handle + set-response each | native: handle + set-response each |",
        "|---|---|---|---|---|---|---|",
    ]
    for p, r in zip(req, rreq):
        lines.append(
            f"| {p['n']} | {p['ours_ms']:.2f} ms | "
            + (f"{p['theirs_ms']:.2f} ms" if "theirs_ms" in p else "not run (minutes)")
            + " | "
            f"{r['component_us'] / 1e3:.3f} ms | {r['native_us'] / 1e3:.3f} ms | "
            + (
                f"{r['component_answered_us'] / 1e3:.2f} ms | "
                f"{r['native_answered_us'] / 1e3:.2f} ms |"
                if r.get("component_answered_us")
                else "not run (quadratic) | not run |"
            )
        )
    lines += ["", "| n relations | ours (Python) | theirs (Python) |", "|---|---|---|"]
    for p in rel:
        lines.append(f"| {p['n']} | {p['ours_ms']:.2f} ms | {p['theirs_ms']:.2f} ms |")
    lines += [
        "",
        "Growth exponents (slope of log time against log work; 1 is linear):",
        "",
        "| series | all points | last decade |",
        "|---|---|---|",
    ]
    for name, (whole, last) in exponents.items():
        lines.append(f"| {name} | {whole:.2f} | {last:.2f} |")
    lines += [
        "",
        "![time against work, log-log](benchmarks.png)",
        "",
        "## Rust host",
        "",
        "| figure | value |",
        "|---|---|",
        f"| load cold (compile, no cache) | {rust['load_cold_compile_us'] / 1e3:.1f} ms |",
        f"| load cold (compile and write the cache) | "
        f"{rust['load_cold_compile_and_cache_us'] / 1e3:.1f} ms |",
        f"| load warm (deserialize the cache) | {warm_ms:.2f} ms |",
        f"| first load from the wheel (map the portable precompiled copy, no cache) | "
        f"{rust['load_portable_precompiled_us'] / 1e3:.2f} ms |",
        f"| precompile the portable copy (done once, when the wheel is built) | "
        f"{rust['precompile_portable_us'] / 1e3:.0f} ms |",
        f"| requirer / provider relation-changed, portable (baseline CPU) code | "
        f"{rust['hook_requirer_portable_us']:.1f} / {rust['hook_provider_portable_us']:.1f} µs |",
        f"| instantiate (a session) | {rust['instantiate_us']:.1f} µs |",
        f"| requirer relation-changed, component / native | {rust['hook_requirer_component_us']:.1f}"
        f" / {rust['hook_requirer_native_us']:.1f} µs ({rust['hook_requirer_ratio']:.2f}x) |",
        f"| provider relation-changed, component / native | {rust['hook_provider_component_us']:.1f}"
        f" / {rust['hook_provider_native_us']:.1f} µs ({rust['hook_provider_ratio']:.2f}x) |",
        f"| whole process: `true` (spawn floor) | {rust['process_true_us'] / 1e3:.2f} ms |",
        f"| whole process: one hook (load warm, instantiate, requirer relation-created) | "
        f"{rust['process_one_hook_us'] / 1e3:.2f} ms |",
    ]
    if "process_demo_us" in rust:
        lines.append(
            f"| whole process: `data-interfaces demo` (the whole handshake, printed) | "
            f"{rust['process_demo_us'] / 1e3:.2f} ms |"
        )
    lines += [
        "",
        "Where the component's time per hook goes (this run, the demo's two requests). A hook",
        "makes its handler (the configuration crosses into the guest and is checked) and",
        "handles; the imports it makes are answered by the host's world (the in-memory Juju",
        "behind the host's checks, metered by a wrapper backend); the rest is the guest's own",
        "code and the crossings of the boundary (lowering and lifting every record and string).",
        "",
        "| | provider | requirer |",
        "|---|---|---|",
        f"| hook through the component | {rust['hook_provider_component_us']:.1f} µs | "
        f"{rust['hook_requirer_component_us']:.1f} µs |",
        f"| of which making the handler | {rust['hook_provider_create_us']:.1f} µs | "
        f"{rust['hook_requirer_create_us']:.1f} µs |",
        f"| imports made by `handle` | {rust['hook_provider_imports']} | "
        f"{rust['hook_requirer_imports']} |",
        f"| of which the world answering them | {rust['hook_provider_world_us']:.1f} µs | "
        f"{rust['hook_requirer_world_us']:.1f} µs |",
        f"| the guest's code and the crossings | {guest('provider'):.1f} µs | "
        f"{guest('requirer'):.1f} µs |",
        f"| the same core natively (over an in-memory `Env`) | "
        f"{rust['hook_provider_native_us']:.1f} µs | {rust['hook_requirer_native_us']:.1f} µs |",
        "",
        f"One export call with two short strings in and one out (`util.gen-hash`) costs "
        f"{rust['export_call_us']:.2f} µs, against {rust['export_call_native_us']:.2f} µs for the",
        "same hash natively: the boundary's fixed cost per call.",
        "",
        "### What stands between the component and 2x native",
        "",
        "Every Juju hook is a new process, so every hook runs on a new instance. Its first calls",
        "pay what a warm native process has already paid: the guest's allocator grows its heap",
        "from nothing (the host grows the linear memory), and each page the guest touches for",
        "the first time faults in (copy-on-write pages of its data, zero pages of its stack and",
        "heap). The same calls again on the same instance, and the same hook again on that",
        "instance over an identical model, show the guest's code and the crossings alone:",
        "",
        "| | fresh instance | same instance again | natively |",
        "|---|---|---|---|",
        f"| `util.gen-hash` (first call / again) | {rust['first_call_fresh_instance_us']:.1f} µs | "
        f"{rust['first_call_again_us']:.1f} µs | {rust['export_call_native_us']:.2f} µs |",
        f"| making the requirer's handler (after one call / again) | "
        f"{rust['create_requirer_after_first_call_us']:.1f} µs | "
        f"{rust['create_requirer_again_us']:.1f} µs | {rust['create_requirer_native_us']:.1f} µs |",
        f"| provider relation-changed (handler and handle) | "
        f"{rust['hook_provider_fresh_instance_us']:.1f} µs | "
        f"{rust['hook_provider_warm_instance_us']:.1f} µs "
        f"({rust['hook_provider_warm_instance_us'] / rust['hook_provider_native_us']:.2f}x) | "
        f"{rust['hook_provider_native_us']:.1f} µs |",
        f"| requirer relation-changed (handler and handle) | "
        f"{rust['hook_requirer_fresh_instance_us']:.1f} µs | "
        f"{rust['hook_requirer_warm_instance_us']:.1f} µs "
        f"({rust['hook_requirer_warm_instance_us'] / rust['hook_requirer_native_us']:.2f}x) | "
        f"{rust['hook_requirer_native_us']:.1f} µs |",
        "",
        "A profile of a fresh instance's first call (`perf record` over",
        "`DATA_INTERFACES_PERFMAP=1 BENCH_COMPONENT=<unstripped build> data-interfaces-bench",
        "profile component batch 2 N`, 2026-12-07) puts it in `cabi_realloc`: the allocator's",
        "first `malloc` grows the memory and faults its pages in. Tried and measured, no gain:",
        "a larger initial memory (`--initial-memory=8 MiB`: the allocator still grows), eager",
        "table initialisation (slower), and data copied in at instantiation rather than mapped",
        "copy-on-write (the first call gets faster by 10 µs, instantiation slower by more).",
        "Found and kept: instances are made from a `DataInterfacesPre`, so the exports are",
        "looked up and type-checked once at load rather than at every instantiation.",
        "On a warm instance the ratio falls to the one in brackets. Making the handler again,",
        "which is mostly the guest's own checking, is about 1.5x native: the guest's code under",
        "wasm (bounds checks, and fuel metering, about 5%, see below) costs that much. What is",
        "left above it is the crossings: a requirer's relation-changed lifts whole responses",
        "out of the guest in its events (every field a string copied and checked), and both",
        "sides lower their configuration in. Fewer crossings (one call returning what a hook",
        "needs, lighter events) is the way below 2x that remains; a charm pays the",
        "fresh-instance cost once per hook per handler, which the Python host's held handlers",
        "keep to one per configuration.",
        "",
        "Tried by hand on 2026-12-07 (`data-interfaces-bench profile component batch 2 3000`,",
        "alternated, not regenerated by `make bench`): epoch interruption in place of fuel took",
        "the provider's hook from 126-133 to 121-126 µs and the requirer's from 177-184 to",
        "167-175 µs (about 5%). Fuel stays: its bound is deterministic (the same work fails the",
        "same way on every machine, which the sandbox tests rely on), and 5% does not reach 2x.",
        'Earlier (2026-11-22): the guest at opt-level 3 rather than "s" is 18-20% faster.',
        "",
        "## Sizes",
        "",
        "| artifact | bytes |",
        "|---|---|",
        f"| component (`{COMPONENT.relative_to(ROOT)}`) | "
        f"{COMPONENT.stat().st_size if COMPONENT.exists() else rust['component_bytes']:,} |",
        f"| component embedded in the host | {rust['component_bytes']:,} |",
        f"| precompiled cache file (.cwasm) | {rust['cache_file_bytes']:,} |",
        f"| wheel (`maturin build --release`) | {wheel_bytes:,} |",
        "",
    ]
    (DOCS / "benchmarks.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
