"""One Juju hook as Juju runs it: ``ops.main`` over the hook tools on ``PATH`` (no ops.testing).

Usage: ``python bench/dispatch_charm.py {ours,theirs,bare} {requirer,provider}``, with the
hook's context in the ``JUJU_*`` variables (``bench/hook_dispatch.py`` sets them, over the
hook-tool double ``tests/hooktools/fake_juju.py``). Runs the README charm of that package and
side (``bare``: a charm that uses no library), then prints its peak RSS (KiB). With
``BENCH_REQUESTS=n``, the requirer asks for ``n`` databases instead of the README's one.
"""

from __future__ import annotations

import importlib
import os
import pathlib
import sys
from typing import Any

import ops

MODULES = {"ours": "data_interfaces_wasm", "theirs": "dpcharmlibs.interfaces"}


def scaled_client(package: str, n: int) -> type[ops.CharmBase]:
    """The README's requirer with ``n`` requests."""
    lib = importlib.import_module(MODULES[package])

    class ScaledClient(ops.CharmBase):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            requests = [lib.RequirerCommonModel(resource=f"db{i}") for i in range(n)]
            self.database = lib.ResourceRequirerEventHandler(
                self, "database", requests, response_model=lib.ResourceProviderModel
            )

    return ScaledClient


def main() -> None:
    package, side = sys.argv[1:3]
    sys.path.insert(
        0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "python")
    )
    if package == "ours":
        import charms_ours as charms
    elif package == "theirs":
        import charms_reference as charms
    else:
        charms = None
    n = os.environ.get("BENCH_REQUESTS")
    if charms is not None and n and side == "requirer":
        charm_type: type[ops.CharmBase] = scaled_client(package, int(n))
    elif charms is None:
        charm_type = ops.CharmBase
    else:
        charm_type = charms.ClientCharm if side == "requirer" else charms.SampleCharm
    ops.main(charm_type)
    # Peak RSS of this process since exec.
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(line.split()[1])


if __name__ == "__main__":
    main()
