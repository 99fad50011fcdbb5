"""The native module loads the portable precompiled component before its cache."""

from __future__ import annotations

import pathlib

import pytest
from data_interfaces_wasm import _native, _runtime


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return pathlib.Path(_native.precompile(tmp_path_factory.mktemp("precompiled")))


def test_precompile_names_the_artifact_for_the_component(artifact: pathlib.Path) -> None:
    assert artifact.name.startswith("data-interfaces-")
    assert artifact.suffix == ".cwasm"


def test_a_runtime_maps_the_artifact_in_its_precompiled_dir(artifact: pathlib.Path) -> None:
    runtime = _native.Runtime("", precompiled_dir=str(artifact.parent))
    assert runtime.load_source == "precompiled"
    assert len(runtime.gen_salt()) == 16


def test_a_damaged_artifact_is_passed_over_for_the_cache(
    artifact: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    (tmp_path / artifact.name).write_bytes(b"\x7fELF broken")
    runtime = _native.Runtime(None, precompiled_dir=str(tmp_path))
    assert runtime.load_source in ("cache", "compiled-and-cached")


def test_the_package_looks_for_the_artifact_next_to_its_native_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, object] = {}

    class Recording:
        def __init__(self, cache_dir: str | None, precompiled_dir: str | None) -> None:
            seen.update(cache_dir=cache_dir, precompiled_dir=precompiled_dir)

    monkeypatch.setattr(_native, "Runtime", Recording)
    monkeypatch.setattr(_runtime, "_runtime", None)
    monkeypatch.delenv(_runtime.CACHE_DIR_ENV, raising=False)
    _runtime.runtime()
    assert seen == {
        "cache_dir": None,
        "precompiled_dir": str(pathlib.Path(_native.__file__).parent),
    }
