"""The library's ``test_version.py`` and ``test_version_in_charm.py`` (spec section 11)."""

from __future__ import annotations

from typing import Any

import data_interfaces_wasm
from ops import CharmBase, testing


def test_the_package_has_a_version_string() -> None:
    assert isinstance(data_interfaces_wasm.__version__, str)
    assert data_interfaces_wasm.__version__


class VersionCharm(CharmBase):
    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        import data_interfaces_wasm as package

        self.version = package.__version__


def test_the_package_is_importable_inside_a_charm_run_by_ops_testing() -> None:
    ctx = testing.Context(VersionCharm, meta={"name": "versioned"})
    with ctx(ctx.on.install(), testing.State()) as manager:
        version = manager.charm.version
        manager.run()
    assert version == data_interfaces_wasm.__version__
