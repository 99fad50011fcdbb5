"""The README handshake against the installed wheel, as a charm gets it (``make wheel-test``).

Run by an interpreter whose environment has only ``ops[testing]`` and the wheel (a fresh venv;
for the aarch64 wheel, Debian's arm64 Python under qemu-user), with no cache directory: the
component must come from the precompiled artifact inside the wheel. Prints the first load's
source and time.
"""

from __future__ import annotations

import pathlib
import sys

import data_interfaces_wasm
from data_interfaces_wasm import _runtime

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "python"))

import charms_ours  # noqa: E402 (from tests/python, after the path is set)
from harness import RelationPair  # noqa: E402


def main() -> None:
    installed = pathlib.Path(data_interfaces_wasm.__file__).resolve().parent
    source = pathlib.Path(__file__).resolve().parent.parent.parent / "host-python"
    if installed.is_relative_to(source):
        raise SystemExit(f"not an installed wheel: {installed}")
    pair = RelationPair(charms_ours.ClientCharm, charms_ours.SampleCharm)
    pair.run("requirer", "created")
    requested = [type(e).__name__ for e in pair.run("provider", "changed")]
    created = [type(e).__name__ for e in pair.run("requirer", "changed")]
    if (
        "ResourceRequestedEvent" not in requested
        or "ResourceCreatedEvent" not in created
    ):
        raise SystemExit(
            f"handshake failed: provider saw {requested}, requirer {created}"
        )
    runtime = _runtime.runtime()
    if runtime.load_source != "precompiled":
        raise SystemExit(f"the component was not the wheel's: {runtime.load_source}")
    print(
        f"wheel handshake ({sys.platform}, {installed}): component {runtime.load_source}, "
        f"first load {runtime.load_time_ms:.1f} ms; requirer saw {created}"
    )


if __name__ == "__main__":
    main()
