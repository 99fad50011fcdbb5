"""The report's parts on hook-tool calls and on many requests in one hook (issue 14).

``report.py`` writes ``docs/benchmarks.md``; this module turns the figures of
``floor_scale.py`` (``floor_scale`` in ``python.json``) and of ``many_requests.py``
(``many_requests``) into its target rows and its two sections.
"""

from __future__ import annotations

from typing import Any

HOOKS = {
    "provider_new": "provider relation-changed, n new requests",
    "provider_again": "provider relation-changed, nothing new",
    "requirer": "requirer relation-changed, n responses",
}
ALLOWANCE = {
    "provider_new": "floor + 2n + 2",
    "provider_again": "floor (0 beyond its reads)",
    "requirer": "floor + n + 2",
}
VARIANTS = {
    "ours": "ours",
    "theirs": "dpcharmlibs",
    "reads": "floor: reads",
    "byhand": "floor: by hand",
}
LOG_TOOL = "juju-log"
GROWTH_TARGET = 1.05


def verdict(ok: bool) -> str:
    """A target's verdict, in bold."""
    return "**met**" if ok else "**missed**"


def by_tool(calls: dict[str, int]) -> str:
    """``relation-get 2, relation-set 1, ...``: a hook's calls, ``juju-log`` last."""
    tools = sorted(calls, key=lambda tool: (tool == LOG_TOOL, tool))
    return ", ".join(f"{tool} {calls[tool]}" for tool in tools)


def beyond(ours: dict[str, int], floor: dict[str, int]) -> str:
    """The tools ours calls more often than a floor, and by how much (``-`` if none)."""
    extra = {tool: count - floor.get(tool, 0) for tool, count in ours.items()}
    return by_tool({tool: more for tool, more in extra.items() if more > 0}) or "-"


def _rows(py: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = py["floor_scale"]["rows"]
    return rows


def _targets(py: dict[str, Any], hook: str) -> list[dict[str, Any]]:
    return [t for row in _rows(py) for t in row["targets"] if t["hook"] == hook]


def _exponent(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f}"


def seconds(row: dict[str, Any], variant: str) -> str:
    """A variant's time at a row of ``many_requests``, or that it did not finish."""
    value = row[f"{variant}_s"]
    return (
        f"{value:.2f} s"
        if value is not None
        else f"did not finish in {row['timeout_s']:.0f} s"
    )


def request_fits(py: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    """The growth series of the provider's hook under ``ops.main``, for the plot."""
    rows = _rows(py)
    return {
        "requests, ours (Python, ops.main over the double)": [
            (r["n"], r["provider_new"]["ours"]["ms"]) for r in rows
        ],
        "requests, by hand without a library (ops.main over the double)": [
            (r["n"], r["provider_new"]["byhand"]["ms"]) for r in rows
        ],
    }


def target_rows(py: dict[str, Any]) -> list[str]:
    """The rows of the report's targets table."""
    lines = []
    for hook, label in HOOKS.items():
        targets = _targets(py, hook)
        ns = ", ".join(str(t["n"]) for t in targets)
        every = ", ".join(
            f"{t['n']}: {t['ours']} vs {t['floor'] + t['allowed_beyond_floor']}"
            for t in targets
        )
        without = ", ".join(
            f"{t['n']}: {t['ours_without_log']} vs "
            f"{t['floor_without_log'] + t['allowed_beyond_floor']}"
            for t in targets
        )
        lines.append(
            f"| {label}: at most {ALLOWANCE[hook]} hook-tool calls (ops.main, n = {ns}) | "
            f"ours vs allowed, all calls: {every}; without `juju-log`: {without} | "
            f"{verdict(all(t['met'] for t in targets))} (all calls); "
            f"{verdict(all(t['met_without_log'] for t in targets))} (without `juju-log`) |"
        )
    growth = py["floor_scale"]["growth"]
    ours = growth["ours"]
    lines.append(
        f"| provider hook under ops.main grows linearly: exponent ≤ {GROWTH_TARGET} from 100 "
        f"to 1000 requests | ours {_exponent(ours)} (floor by hand "
        f"{_exponent(growth['byhand'])}); less the time in the double's tools: ours "
        f"{_exponent(growth['ours_without_tools'])} (floor by hand "
        f"{_exponent(growth['byhand_without_tools'])}) | "
        + (verdict(ours <= GROWTH_TARGET) if ours is not None else "not measured")
        + " |"
    )
    many = py["many_requests"]
    row = next((r for r in many["rows"] if r["n"] == many["target_n"]), None)
    if row is not None:
        ratio = row.get("ratio")
        lines.append(
            f"| {many['target_n']} requests in one provider hook under ops.testing within "
            f"{many['target']}x of the floor (the hook by hand through ops) | ours "
            f"{seconds(row, 'ours')} vs {seconds(row, 'byhand')}"
            + (f" ({ratio:.2f}x)" if ratio is not None else "")
            + f" | {verdict(ratio is not None and ratio <= many['target'])} |"
        )
    return lines


def floor_section(py: dict[str, Any]) -> list[str]:
    """The section "Hook-tool calls at the floor"."""
    rows = _rows(py)
    tools = sorted(
        {
            tool
            for row in rows
            for hook in HOOKS
            for figures in row[hook].values()
            for tool in figures["calls"]
        },
        key=lambda tool: (tool == LOG_TOOL, tool),
    )
    lines = [
        "## Hook-tool calls at the floor",
        "",
        "`bench/floor_scale.py`: ops.main over the hook-tool double, as above. Our README",
        "requirer with n requests runs relation-created; then each hook below runs from the",
        "same snapshot of the model and of ops' state, for ours and for two charms without a",
        "library (`bench/floor_charms.py`): **reads** makes only the reads the protocol needs",
        "in that hook (the provider: the remote application bag and its own; the requirer: the",
        "remote application bag and its own unit bag), the floor the targets count from;",
        "**by hand** does the protocol through ops alone (the provider: one secret added and",
        "granted per new request, its answers in one `relation-set`; the requirer: each",
        "response's user secret read once by URI, one write to its unit bag). dpcharmlibs runs",
        "up to 10 requests (its calls grow quadratically). The requirer observes",
        "`resource_created`, as the README's does.",
        "",
        "`juju-log` is ops' logging, not the library's calls: ops writes one line when it",
        "starts, one per Juju event, two more on a unit's first hook (its local storage), and",
        "one per custom event a charm observes (`Emitting custom event ...`), so a hook of ours",
        "that emits one event per request logs n lines more than a floor that emits none. The",
        "totals are given with and without it. ops also asks `is-leader` again when its",
        "30-second leadership lease has run out during a hook, which only the slow hooks over",
        "the double reach.",
        "",
        "| n | hook | charm | "
        + " | ".join(f"`{tool}`" for tool in tools)
        + " | total | without `juju-log` | ms | of which in hook tools |",
        "|---|---|---|" + "---|" * len(tools) + "---|---|---|---|",
    ]
    for row in rows:
        for hook, label in HOOKS.items():
            for variant, name in VARIANTS.items():
                figures = row[hook].get(variant)
                if figures is None:
                    continue
                counts = " | ".join(str(figures["calls"].get(t, 0)) for t in tools)
                lines.append(
                    f"| {row['n']} | {label} | {name} | {counts} | {figures['total']} | "
                    f"{figures['without_log']} | {figures['ms']:.0f} | "
                    f"{figures['tools_ms']:.0f} |"
                )
    lines += [
        "",
        "Targets, counted from the reads floor (all calls, and without `juju-log`). The last",
        "column names the calls ours makes beyond the by-hand floor, which does the same",
        "protocol work through ops alone: what stands between a missed target and the floor.",
        "",
        "| n | hook | allowed | ours | floor | verdict | ours without `juju-log` "
        "| floor without `juju-log` | verdict | ours beyond the by-hand floor |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for t in row["targets"]:
            allowed = t["allowed_beyond_floor"]
            hook = row[t["hook"]]
            lines.append(
                f"| {t['n']} | {HOOKS[t['hook']]} | floor + {allowed} | {t['ours']} | "
                f"{t['floor']} | {verdict(t['met'])} | {t['ours_without_log']} | "
                f"{t['floor_without_log']} | {verdict(t['met_without_log'])} | "
                f"{beyond(hook['ours']['calls'], hook['byhand']['calls'])} |"
            )
    growth = py["floor_scale"]["growth"]
    lines += [
        "",
        "Growth of the provider's hook with new requests, from 100 to 1000 requests",
        "(log(t1000/t100)/log 10; 1 is linear). Every call of the double loads and saves its",
        "whole JSON state, so its calls get dearer as the model grows (secrets, bags): the",
        "same exponents less the time the charm's process waited for its hook tools show the",
        "charm's own growth.",
        "",
        "| series | exponent, wall time | less the time in hook tools |",
        "|---|---|---|",
    ]
    for variant in ("ours", "byhand", "reads"):
        lines.append(
            f"| {VARIANTS[variant]} | {_exponent(growth[variant])} | "
            f"{_exponent(growth[f'{variant}_without_tools'])} |"
        )
    lines += [
        f"| the double, one `is-leader` call | {_exponent(growth['double_call'])} | |",
        "",
        "| n | one call of the double (`is-leader`, after the provider answered) "
        "| mean call inside ours' provider hook |",
        "|---|---|---|",
    ]
    for row in rows:
        ours = row["provider_new"]["ours"]
        lines.append(
            f"| {row['n']} | {row['double_call_ms']:.1f} ms | "
            f"{ours['tools_ms'] / ours['total']:.1f} ms |"
        )
    lines += [
        "",
        "A call of the double costs a Python start plus reading and writing its whole",
        "`state.json` (every bag and secret of the model, indented and sorted), and ops'",
        "`juju-log` lines are still appended to it. A double that saved only after the tools",
        "that change the model, kept its log lines beside its calls (`calls.jsonl`), and kept",
        "each bag and secret in a file of its own (or SQLite), so that a call reads and writes",
        "only what it touches, would cost the same per call at any n; the wall exponents",
        "would then be the charm's.",
    ]
    return lines


def many_requests_section(py: dict[str, Any]) -> list[str]:
    """The section on thousands of requests in one provider hook."""
    many = py["many_requests"]
    lines = [
        "## Thousands of requests in one provider hook (ops.testing)",
        "",
        "`bench/many_requests.py`: one relation-changed on a provider whose requirer asks for",
        "n databases (the bag our requirer writes, made by running it once under ops.testing).",
        "Ours is the README's `SampleCharm` (one `set_response` per request); the floor is the",
        "same hook by hand through ops (`floor_charms.ByhandProvider`: one secret added and",
        "granted per request, one write). Each hook runs in a child process, which times",
        f"`ctx.run` alone; a hook that does not finish in {many['rows'][0]['timeout_s']:.0f} s",
        f"is stopped. Target: ours within {many['target']}x of the floor at "
        f"{many['target_n']} requests.",
        "",
        "| n requests | ours | floor (by hand) | ours/floor |",
        "|---|---|---|---|",
    ]
    for row in many["rows"]:
        ratio = row.get("ratio")
        lines.append(
            f"| {row['n']} | {seconds(row, 'ours')} | {seconds(row, 'byhand')} | "
            + (f"{ratio:.2f} |" if ratio is not None else "|")
        )
    return lines
