"""The README's aliased example: two clusters on one endpoint, ``cluster1_*`` and ``cluster2_*``.

The example charm (``readme_aliases_*.py``) runs with each library against two provider
relations built by :mod:`data_interfaces_wasm.testing` (our provider answering).
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from data_interfaces_wasm import RequirerCommonModel, ResourceProviderModel
from data_interfaces_wasm.testing import RelationState, requirer_relation
from ops import testing

import readme_aliases_ours
import readme_aliases_reference

CHARMS = {"ours": readme_aliases_ours, "reference": readme_aliases_reference}
META = {
    "name": "application",
    "requires": {"database": {"interface": "database_client", "limit": 2}},
}


def cluster(relation_id: int, provider: str) -> RelationState:
    return requirer_relation(
        [RequirerCommonModel(resource="clientdb"), RequirerCommonModel(resource="clientbis")],
        responses=[
            ResourceProviderModel(username=f"{provider}-u1", password="p1", endpoints=provider),
            ResourceProviderModel(username=f"{provider}-u2", password="p2", endpoints=provider),
        ],
        relation_id=relation_id,
        remote_app_name=provider,
        app_name="application",
    )


def forget_reference_aliases() -> None:
    """Undo the reference library's alias events, which it defines on the shared class.

    A second aliased charm in one process would fail; under Juju every hook is a new process.
    """
    from dpcharmlibs.interfaces import ResourceRequiresEvents

    for name in list(vars(ResourceRequiresEvents)):
        if name.startswith(("cluster1_", "cluster2_")):
            delattr(ResourceRequiresEvents, name)


@pytest.fixture(autouse=True)
def _clean_reference_aliases() -> Any:
    forget_reference_aliases()
    yield
    forget_reference_aliases()


def kinds(ctx: testing.Context) -> list[str]:
    return [e.handle.kind for e in ctx.emitted_events if not type(e).__module__.startswith("ops.")]


@pytest.mark.parametrize("lib", list(CHARMS))
def test_each_cluster_gets_its_own_aliased_events(lib: str) -> None:
    charm: Any = CHARMS[lib].ApplicationCharm
    charm.rendered = []
    first, second = cluster(1, "pg-one"), cluster(2, "pg-two")
    state = second.add_to(first.add_to(testing.State(leader=True)))
    ctx = testing.Context(charm, meta=META, app_name="application", unit_id=0)

    seen: dict[int, list[str]] = {}
    for related in (first, second):
        relation = state.get_relation(related.relation.id)
        forget_reference_aliases()
        state = ctx.run(ctx.on.relation_created(relation), state)
        ctx.emitted_events.clear()
        relation = state.get_relation(related.relation.id)
        forget_reference_aliases()
        state = ctx.run(ctx.on.relation_changed(relation, remote_unit=0), state)
        seen[related.relation.id] = kinds(ctx)
        ctx.emitted_events.clear()

    assert seen[1].count("cluster1_resource_created") == 2
    assert "cluster2_resource_created" not in seen[1]
    assert seen[2].count("cluster2_resource_created") == 2
    assert "cluster1_resource_created" not in seen[2]
    assert seen[1].count("resource_created") == 2
    assert sorted(charm.rendered) == [
        ("pg-one-u1", "p1", "pg-one"),
        ("pg-one-u2", "p2", "pg-one"),
        ("pg-two-u1", "p1", "pg-two"),
        ("pg-two-u2", "p2", "pg-two"),
    ]
    aliases = {r.id: r.local_unit_data.get("alias") for r in state.relations}
    assert aliases == {1: "cluster1", 2: "cluster2"}


def test_the_two_example_files_differ_only_in_the_import_line() -> None:
    here = pathlib.Path(__file__).parent
    ours = (here / "readme_aliases_ours.py").read_text().splitlines()
    theirs = (here / "readme_aliases_reference.py").read_text().splitlines()
    different = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    assert different == [
        ("from data_interfaces_wasm import (", "from dpcharmlibs.interfaces import (")
    ]
