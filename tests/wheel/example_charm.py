"""The example charm, installed as charmcraft's charm plugin would, dispatched under ops.main.

Usage: ``example_charm.py WHEEL_DIR``

1. A wheelhouse as an offline build sees it: our wheel, and the example's other requirements
   as sdists (``pip download --no-binary=:all:`` from PyPI).
2. The charm's venv, built the way the charm plugin builds it, offline: ``pip install
   --no-index --find-links WHEELHOUSE --no-binary=:all:
   --only-binary=data-interfaces-wasm -r requirements.txt``. ops and its dependencies build
   from source; our package must come from its wheel. (The build backends those sdists need
   are preinstalled from PyPI and used with ``--no-build-isolation``: the charm plugin's build
   environment has them, and bootstrapping them offline from sdists is not what is tested.)
3. Hooks as Juju runs them, each a fresh process of that venv's Python under ``ops.main``,
   with the hook tools played by ``tests/hooktools/fake_juju.py``: the example's install and
   database-relation-created, the README provider's relation-changed, the example's
   relation-changed. The example must end active, naming the database it was given.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "python-charm"
sys.path.insert(0, str(ROOT / "tests" / "hooktools"))
import double  # noqa: E402 (tests/hooktools, once on the path)

BACKENDS = ("setuptools", "wheel", "hatchling", "flit_core", "setuptools_scm")
PROVIDER = (
    "import sys, ops; sys.path.insert(0, {tests!r}); import charms_ours; "
    "ops.main(charms_ours.SampleCharm)"
)


def run(*argv: str, **kwargs: object) -> str:
    done = subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    return str(done.stdout).strip()


def build_venv(work: pathlib.Path, wheel_dir: pathlib.Path) -> pathlib.Path:
    house = work / "wheelhouse"
    house.mkdir()
    for wheel in wheel_dir.glob("*.whl"):
        shutil.copy2(wheel, house)
    requirements = EXAMPLE / "requirements.txt"
    others = [
        r
        for r in requirements.read_text().split()
        if not r.startswith("data-interfaces")
    ]
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run(*pip, "download", "--no-binary=:all:", "--dest", str(house), *others)
    venv = work / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    vpip = [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run(*vpip, "install", *BACKENDS)
    run(
        *vpip, "install", "--no-index", "--find-links", str(house), "--no-build-isolation",
        "--no-binary=:all:", "--only-binary=data-interfaces-wasm", "-r", str(requirements),
    )  # fmt: skip
    return python


class Model:
    """The double's model, the two charms' directories, and one hook run in a fresh process."""

    def __init__(self, work: pathlib.Path, python: pathlib.Path) -> None:
        self.python = python
        self.tools, self.state = work / "tools", work / "state"
        self.state.mkdir()
        double.install(self.tools)
        self.example = work / "example"
        shutil.copytree(EXAMPLE, self.example)
        # What charmcraft pack writes from charmcraft.yaml: the name and the endpoint.
        (self.example / "metadata.yaml").write_text(
            "name: example\nrequires:\n  database:\n    interface: postgresql_client\n"
        )
        self.provider = work / "provider"
        self.provider.mkdir()
        (self.provider / "metadata.yaml").write_text(
            "name: sample\nprovides:\n  database:\n    interface: postgresql_client\n"
        )
        self.admin("init")
        self.admin("deploy", "example", "1")
        self.admin("deploy", "sample", "1")
        self.relation = self.admin(
            "relate", "example", "database", "sample", "database"
        )

    def admin(self, *args: str) -> str:
        return double.admin(self.tools, self.state, *args)

    def env(self, **extra: str) -> dict[str, str]:
        home = str(self.state / "home")
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUJU_", "DATA_INT"))
        }
        return {
            **keep, "PATH": f"{self.tools}:{os.environ['PATH']}", "HOME": home,
            "XDG_CACHE_HOME": "", "FAKE_JUJU_STATE": str(self.state), **extra,
        }  # fmt: skip

    def hook(self, unit: str, hook: str, remote: str | None = None) -> None:
        app = unit.split("/")[0]
        env = {
            "JUJU_UNIT_NAME": unit, "JUJU_DISPATCH_PATH": f"hooks/{hook}",
            "JUJU_MODEL_NAME": "example", "JUJU_VERSION": "3.6.4",
            "JUJU_MODEL_UUID": "00000000-0000-4000-8000-000000000000",
        }  # fmt: skip
        if remote is not None:
            env.update(
                JUJU_RELATION="database",
                JUJU_RELATION_ID=f"database:{self.relation}",
                JUJU_REMOTE_APP=remote.split("/")[0],
            )
            if not hook.endswith("-created"):
                env["JUJU_REMOTE_UNIT"] = remote
        if app == "example":
            env["JUJU_CHARM_DIR"] = str(self.example)
            argv = [str(self.python), str(self.example / "src" / "charm.py")]
        else:
            env["JUJU_CHARM_DIR"] = str(self.provider)
            code = PROVIDER.format(tests=str(ROOT / "tests" / "python"))
            argv = [str(self.python), "-c", code]
        done = subprocess.run(argv, env=self.env(**env), capture_output=True, text=True)
        if done.returncode != 0:
            calls_file = self.state / "calls.jsonl"
            calls = calls_file.read_text().splitlines() if calls_file.exists() else []
            logged = [
                " ".join(c) for c in map(json.loads, calls) if "juju-log" in c[:2]
            ]
            raise SystemExit(
                f"{unit} {hook} failed ({done.returncode}):\n{done.stderr}\n"
                + "\n".join(logged[-5:])
            )

    def status(self, unit: str) -> list[str]:
        state = json.loads((self.state / "state.json").read_text())
        return list(state.get("status", {}).get(unit, []))


def main() -> None:
    wheel_dir = pathlib.Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        python = build_venv(work, wheel_dir)
        installed = run(
            str(python), "-c", "import data_interfaces_wasm as d; print(d.__file__)"
        )
        if "site-packages" not in installed:
            raise SystemExit(f"not installed from the wheel: {installed}")
        model = Model(work, python)
        model.hook("example/0", "install")
        if model.status("example/0")[:1] != ["waiting"]:
            raise SystemExit(f"after install: {model.status('example/0')}")
        model.hook("example/0", "database-relation-created", "sample/0")
        model.hook("sample/0", "database-relation-changed", "example/0")
        model.hook("example/0", "database-relation-changed", "sample/0")
        status = model.status("example/0")
        if status[:1] != ["active"] or "exampledb" not in status[1]:
            raise SystemExit(f"the example did not get its database: {status}")
        print(
            f"example charm (venv built offline from the wheel): {status[0]}: {status[1]}"
        )


if __name__ == "__main__":
    main()
