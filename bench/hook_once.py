"""One relation-changed hook in a fresh process: the whole-process sample of ``python_bench.py``.

Usage: ``python bench/hook_once.py {ours,theirs,bare} {requirer,provider} STATE_FILE``

Imports ops.testing and the charm module (for ``bare``: a charm that uses no library), reads the
pickled :class:`ops.testing.State` of that side, and runs one ``database-relation-changed``
from the remote unit 0, as ``tests/python/harness.py`` does; prints its peak RSS (KiB).
"""

from __future__ import annotations

import pathlib
import pickle
import sys

from ops import testing

RELATION_ID = 7


def main() -> None:
    package, side, state_file = sys.argv[1:4]
    sys.path.insert(
        0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "python")
    )
    if package == "ours":
        import charms_ours as charms
    elif package == "theirs":
        import charms_reference as charms
    else:
        charms = None
    if charms is None:
        from ops import CharmBase

        charm_type: type = CharmBase
    else:
        charm_type = charms.ClientCharm if side == "requirer" else charms.SampleCharm
    app, role = ("client", "requires") if side == "requirer" else ("sample", "provides")
    meta = {"name": app, role: {"database": {"interface": "database_client"}}}
    ctx = testing.Context(charm_type, meta=meta, app_name=app, unit_id=0)
    state = pickle.loads(pathlib.Path(state_file).read_bytes())
    relation = state.get_relation(RELATION_ID)
    ctx.run(ctx.on.relation_changed(relation, remote_unit=0), state)
    # Peak RSS of this process since exec (ru_maxrss would count the parent's forked image).
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(line.split()[1])


if __name__ == "__main__":
    main()
