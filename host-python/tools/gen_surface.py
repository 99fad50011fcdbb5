"""The public surface of ``dpcharmlibs.interfaces`` 1.2.2, and the check that ours offers it.

``data_interfaces_wasm`` is a drop-in replacement: a charm switches by changing only its import
line. This tool describes what such a charm can reach in the real package, attribute by
attribute, into ``tests/python/surface_reference.json`` (committed, so the test does not
depend on how the reference happens to import), and checks ``data_interfaces_wasm`` against
that description. ``tests/python/test_surface.py`` runs one case per item; the accepted gaps,
each with its reason, are in ``tests/python/surface_exceptions.toml``::

    .venv/bin/python host-python/tools/gen_surface.py --write  # regenerate the description
    .venv/bin/python host-python/tools/gen_surface.py --check  # fail if it is not current
    .venv/bin/python host-python/tools/gen_surface.py --gaps   # list what ours lacks today

Describe the reference in a fresh interpreter: a handler built with ``relation_aliases``
defines its aliased events on the library's ``ResourceRequiresEvents`` class itself, so a
process that has run charms describes more than the package offers. The test runs ``--check``
in a subprocess for that reason.

What the surface is (and so what the description holds and each case checks) is the docstring
of the ``surface`` package next to this file, which does the work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from surface.describe import generate, load_reference
from surface.gaps import load_gaps, report
from surface.layout import OUTPUT


def main() -> int:
    """Write, check, or report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the reference file")
    group.add_argument("--check", action="store_true", help="fail if it is not current")
    group.add_argument("--gaps", action="store_true", help="list what ours lacks today")
    args = parser.parse_args()
    if args.gaps:
        for line in report(load_reference(), load_gaps()):
            print(line)
        return 0
    text = generate()
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is not current: run {Path(__file__).name} --write", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
