"""The hook-tool double on ``PATH``, for the Python drivers (``bench/``, ``tests/wheel/``).

:func:`install` writes one wrapper per tool of ``fake_juju.py`` into a directory that a hook's
``PATH`` then starts with; :func:`admin` runs the double's own administration (``init``,
``deploy``, ``relate``) on a model kept in a state directory.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

DOUBLE = pathlib.Path(__file__).with_name("fake_juju.py")
"""The double itself."""

TOOLS = (
    "relation-ids relation-list relation-model-get relation-get relation-set is-leader "
    "status-set secret-add secret-get secret-info-get secret-set secret-grant secret-remove "
    "juju-log fake-juju"
).split()
"""The tools it plays (and ``fake-juju``, its administration)."""


def install(tools: pathlib.Path) -> None:
    """Write a wrapper for each tool into ``tools`` (created if missing)."""
    tools.mkdir(parents=True, exist_ok=True)
    for name in TOOLS:
        wrapper = tools / name
        wrapper.write_text(
            f'#!/bin/sh\nexec {sys.executable} -S {DOUBLE} {name} "$@"\n'
        )
        wrapper.chmod(0o755)


def admin(tools: pathlib.Path, state: pathlib.Path, *args: str) -> str:
    """Run ``fake-juju ARGS`` on the model in ``state``; what it printed."""
    env = {**os.environ, "FAKE_JUJU_STATE": str(state)}
    done = subprocess.run(
        [str(tools / "fake-juju"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()
