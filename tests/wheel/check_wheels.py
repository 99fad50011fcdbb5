"""Check the wheels `make wheels` built: manylinux_2_17 by auditwheel, each with its component.

Usage: ``check_wheels.py AUDITWHEEL DIST``

For each wheel in ``DIST``: ``auditwheel show`` must find it consistent with manylinux_2_17
(glibc 2.17: nothing newer is linked), its file name must carry that tag, and it must hold the
native module and one precompiled component. Prints each wheel's size. Exits non-zero naming
the first wheel that fails. The sdist must carry the prebuilt component and the WIT (it builds
without the ``wasm32-wasip2`` target).
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tarfile
import zipfile

ARCHES = ("x86_64", "aarch64")


def check(auditwheel: str, wheel: pathlib.Path) -> str:
    """What is wrong with one wheel (empty when nothing is)."""
    shown = subprocess.run(
        [auditwheel, "show", str(wheel)], capture_output=True, text=True, check=False
    )
    text = " ".join(shown.stdout.split())
    found = re.search(
        r'consistent with the following platform tag: "(manylinux_2_(\d+)_\w+)"', text
    )
    if shown.returncode != 0 or not found:
        return f"auditwheel show failed: {shown.stdout}{shown.stderr}"
    if int(found.group(2)) > 17:
        return f"needs {found.group(1)}: a glibc newer than 2.17"
    if "manylinux_2_17" not in wheel.name:
        return f"not tagged manylinux_2_17: {wheel.name}"
    names = zipfile.ZipFile(wheel).namelist()
    if not any(re.fullmatch(r"data_interfaces_wasm/_native\..*so", n) for n in names):
        return "no native module"
    artifacts = [n for n in names if n.endswith(".cwasm")]
    if len(artifacts) != 1:
        return f"expected one precompiled component, found {artifacts}"
    return ""


def main() -> None:
    auditwheel, dist = sys.argv[1], pathlib.Path(sys.argv[2])
    wheels = sorted(dist.glob("*.whl"))
    arches = sorted(
        arch for arch in ARCHES for w in wheels if w.name.endswith(f"_{arch}.whl")
    )
    if arches != sorted(ARCHES):
        raise SystemExit(f"expected one wheel for each of {ARCHES} in {dist}: {wheels}")
    for wheel in wheels:
        problem = check(auditwheel, wheel)
        if problem:
            raise SystemExit(f"{wheel.name}: {problem}")
        print(f"{wheel.name}: manylinux_2_17, {wheel.stat().st_size / 2**20:.1f} MiB")
    sdists = sorted(dist.glob("*.tar.gz"))
    if len(sdists) != 1:
        raise SystemExit(f"expected one sdist in {dist}: {sdists}")
    with tarfile.open(sdists[0]) as sdist:
        names = {name.split("/", 1)[-1] for name in sdist.getnames()}
    for needed in (
        "host-rust/prebuilt/data_interfaces.wasm",
        "host-rust/wit/data-interfaces.wit",
    ):
        if needed not in names:
            raise SystemExit(
                f"{sdists[0].name}: no {needed} (it would need wasm32-wasip2)"
            )
    print(
        f"{sdists[0].name}: the prebuilt component, {sdists[0].stat().st_size / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
