"""The peer repositories' Python API beyond the conformance vectors: names, errors, values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import data_interfaces_wasm
import pytest
from data_interfaces_wasm import (
    ExtraSecretStr,
    OpsOtherPeerUnitRepositoryInterface,
    OpsPeerRepositoryInterface,
    OpsPeerUnitRepositoryInterface,
    PeerModel,
)
from dpcharmlibs import interfaces as reference
from ops import CharmBase, testing

ENDPOINT = "database-peers"


class ClusterData(PeerModel):
    leader_address: str | None = None
    members: list[str] | None = None
    admin_password: ExtraSecretStr = None


class PeerCharm(CharmBase):
    pass


def run(
    body: Callable[[CharmBase], Any], leader: bool = True, **relation: Any
) -> tuple[Any, testing.State]:
    """Run ``body(charm)`` inside a hook of ``postgresql/0`` with a peer ``postgresql/1``."""
    ctx = testing.Context(
        PeerCharm,
        meta={"name": "postgresql", "peers": {ENDPOINT: {"interface": "pg_peers"}}},
        app_name="postgresql",
        unit_id=0,
    )
    peer = testing.PeerRelation(ENDPOINT, "pg_peers", id=3, **relation)
    state = testing.State(leader=leader, relations={peer})
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm)
        out = manager.run()
    return result, out


def test_the_peer_names_of_the_library_are_exported() -> None:
    names = {
        "PeerModel",
        "RepositoryInterface",
        "OpsPeerRepository",
        "OpsPeerUnitRepository",
        "OpsOtherPeerUnitRepository",
        "OpsPeerRepositoryInterface",
        "OpsPeerUnitRepositoryInterface",
        "OpsOtherPeerUnitRepositoryInterface",
    }
    assert names <= set(data_interfaces_wasm.__all__)
    assert names <= set(reference.__all__)


def test_a_model_round_trips_with_json_values_and_a_secret_field() -> None:
    def body(charm: CharmBase) -> ClusterData:
        interface = OpsPeerRepositoryInterface(charm.model, ENDPOINT, ClusterData)
        written = ClusterData(leader_address="10.0.0.1", members=["a", "b"], admin_password="pw")
        interface.write_model(3, written)
        return interface.build_model(3)

    read, out = run(body)
    assert (read.leader_address, read.members, read.admin_password) == (
        "10.0.0.1",
        ["a", "b"],
        "pw",
    )
    bag = dict(out.get_relation(3).local_app_data)
    assert bag == {"leader-address": "10.0.0.1", "members": '["a", "b"]'}


def test_unit_repository_fields_and_secret_fields() -> None:
    def body(charm: CharmBase) -> tuple[Any, ...]:
        repository = OpsPeerUnitRepositoryInterface(charm.model, ENDPOINT).repository(3)
        repository.write_fields({"state": "ready", "gone": None})
        repository.write_secret_field("tls-key", "k1", "mygroup")
        return (
            repository.get_field("state"),
            repository.get_fields("state", "missing"),
            repository.get_secret_field("tls-key", "mygroup"),
            repository.get_data(),
        )

    (state, fields, secret, data), out = run(body)
    assert (state, fields, secret) == ("ready", {"state": "ready"}, "k1")
    assert data["state"] == "ready"
    assert "gone" not in data
    labels = {s.label for s in out.secrets}
    assert labels == {"database-peers.postgresql.unit.mygroup"}


def test_another_units_repository_refuses_the_local_unit() -> None:
    def body(charm: CharmBase) -> None:
        interface = OpsOtherPeerUnitRepositoryInterface(charm.model, ENDPOINT, charm.unit)
        interface.repository(3)

    with pytest.raises(ValueError, match="local unit"):
        run(body)


def test_writing_another_units_data_is_not_implemented() -> None:
    def body(charm: CharmBase) -> None:
        unit = charm.model.get_unit("postgresql/1")
        repository = OpsOtherPeerUnitRepositoryInterface(charm.model, ENDPOINT, unit).repository(3)
        repository.delete_fields("state")

    with pytest.raises(NotImplementedError, match="not possible to update data of another unit"):
        run(body, peers_data={1: {"state": "ready"}})


def test_build_model_needs_a_model_and_an_existing_relation() -> None:
    def no_model(charm: CharmBase) -> None:
        OpsPeerRepositoryInterface(charm.model, ENDPOINT).build_model(3)

    def no_relation(charm: CharmBase) -> None:
        OpsPeerRepositoryInterface(charm.model, ENDPOINT, ClusterData).build_model(99)

    with pytest.raises(ValueError, match="Missing model"):
        run(no_model)
    with pytest.raises(ValueError, match="99"):
        run(no_relation)


def test_a_peer_repository_refuses_a_relation_to_another_application() -> None:
    # Why OpsRelationRepository is not offered over the peer export (tests/python/README.md).
    class Charm(CharmBase):
        pass

    ctx = testing.Context(
        Charm,
        meta={"name": "postgresql", "provides": {"database": {"interface": "database_client"}}},
        app_name="postgresql",
    )
    relation = testing.Relation("database", "database_client", id=4, remote_app_name="client")
    state = testing.State(leader=True, relations={relation})
    with ctx(ctx.on.update_status(), state) as manager:
        interface = OpsPeerRepositoryInterface(manager.charm.model, "database")
        with pytest.raises(data_interfaces_wasm.ProtocolError) as raised:
            interface.repository(4).write_field("key", "value")
        manager.run()
    assert raised.value.kind == "invalid-model"
    assert "not a peer relation" in raised.value.reason


def test_the_component_refuses_a_write_to_another_units_data_as_read_only() -> None:
    def body(charm: CharmBase) -> None:
        unit = charm.model.get_unit("postgresql/1")
        repository = OpsOtherPeerUnitRepositoryInterface(charm.model, ENDPOINT, unit).repository(3)
        repository.write_field("state", "done")

    with pytest.raises(NotImplementedError) as raised:
        run(body, peers_data={1: {"state": "ready"}})
    cause = raised.value.__context__
    assert isinstance(cause, data_interfaces_wasm.ProtocolError)
    assert cause.kind == "read-only"
    assert str(raised.value) == cause.reason
