"""One Juju hook as Juju runs it: ``ops.main`` over the hook tools on ``PATH`` (no ops.testing).

Usage: ``python bench/dispatch_charm.py VARIANT {requirer,provider}``, with the hook's context
in the ``JUJU_*`` variables (``bench/hook_dispatch.py`` sets them, over the hook-tool double
``tests/hooktools/fake_juju.py``). Then prints its peak RSS (KiB). The variants:

* ``ours``, ``theirs``: the README charm of that package and side; with ``BENCH_REQUESTS=n``,
  the requirer asks for ``n`` databases instead of the README's requests;
* ``bare``: a charm that observes nothing (ops alone);
* ``reads``, ``byhand``: the no-library floors of ``bench/floor_charms.py`` (only the
  protocol's reads; the protocol done by hand through ops).
"""

from __future__ import annotations

import importlib
import os
import pathlib
import subprocess
import sys
import time
from typing import Any

import ops

MODULES = {"ours": "data_interfaces_wasm", "theirs": "dpcharmlibs.interfaces"}
VARIANTS = ("ours", "theirs", "bare", "reads", "byhand")


def scaled_client(package: str, n: int) -> type[ops.CharmBase]:
    """The README's requirer with ``n`` requests (it observes ``resource_created`` too)."""
    lib = importlib.import_module(MODULES[package])

    class ScaledClient(ops.CharmBase):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            requests = [lib.RequirerCommonModel(resource=f"db{i}") for i in range(n)]
            self.database = lib.ResourceRequirerEventHandler(
                self, "database", requests, response_model=lib.ResourceProviderModel
            )
            self.framework.observe(
                self.database.on.resource_created, self._on_resource_created
            )

        def _on_resource_created(self, event: Any) -> None:
            """The README's handler reads the credentials; so does this one."""
            assert event.response.username and event.response.password

    return ScaledClient


class ToolClock:
    """The wall time this process spends in ``subprocess.run``: its hook-tool calls."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._run = subprocess.run

    def install(self) -> None:
        """Times every ``subprocess.run`` from now on (ops runs each hook tool with it)."""
        subprocess.run = self._timed  # type: ignore[assignment]

    def _timed(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self._run(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def charm_type(variant: str, side: str) -> type[ops.CharmBase]:
    """The charm class a variant runs on a side."""
    if variant == "bare":
        return ops.CharmBase
    if variant not in MODULES:
        import floor_charms  # bench/, this file's directory

        return floor_charms.CHARMS[variant][side]
    tests = pathlib.Path(__file__).resolve().parent.parent / "tests" / "python"
    sys.path.insert(0, str(tests))
    charms = importlib.import_module(
        "charms_ours" if variant == "ours" else "charms_reference"
    )
    n = os.environ.get("BENCH_REQUESTS")
    if side == "requirer":
        return scaled_client(variant, int(n)) if n else charms.ClientCharm
    return charms.SampleCharm


def main() -> None:
    variant, side = sys.argv[1:3]
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    clock = ToolClock()
    clock.install()
    ops.main(charm_type(variant, side))
    print(f"tool-seconds {clock.seconds}")
    # Peak RSS of this process since exec.
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(line.split()[1])


if __name__ == "__main__":
    main()
