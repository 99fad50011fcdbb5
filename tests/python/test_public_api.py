"""Every public name of ``dpcharmlibs.interfaces`` is ours too, with the library's behaviour."""

from __future__ import annotations

import json
import logging
from typing import Any

import data_interfaces_wasm as ours
import pytest
from data_interfaces_wasm import (
    AbstractRepository,
    Diff,
    ExtraSecretStr,
    OpsPeerRepository,
    OpsPeerRepositoryInterface,
    OpsRepository,
    PeerModel,
    RequirerCommonModel,
    RequirerDataContractType,
    RequirerDataContractV0,
    RequirerDataContractV1,
    build_model,
    diff,
    ensure_leader_for_app,
    write_model,
)
from dpcharmlibs import interfaces as reference
from ops import CharmBase, testing


def test_every_public_name_of_the_library_is_ours() -> None:
    assert set(reference.__all__) - set(dir(ours)) == set()


def test_our_all_lists_only_names_we_have() -> None:
    assert set(ours.__all__) <= set(dir(ours))


def test_exceptions_follow_the_library_hierarchy() -> None:
    assert issubclass(ours.SecretError, ours.DataInterfacesError)
    assert issubclass(ours.SecretAlreadyExistsError, ours.SecretError)
    assert issubclass(ours.SecretsUnavailableError, ours.SecretError)
    assert issubclass(ours.IllegalOperationError, ours.DataInterfacesError)
    assert issubclass(ours.DataInterfacesError, Exception)
    assert issubclass(ours.ProtocolError, ValueError)
    assert issubclass(ours.SandboxError, RuntimeError)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, {}),
        (None, {"a": "1"}),
        ({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "x", "d": "4"}),
        ({"a": "1"}, {}),
    ],
)
def test_diff_matches_the_library(old: dict[str, str] | None, new: dict[str, str]) -> None:
    got = diff(old, new)
    assert isinstance(got, Diff)
    assert tuple(got) == tuple(reference.diff(old, new))


def test_diff_fields_are_named() -> None:
    got = diff({"a": "1", "b": "2"}, {"b": "3", "c": "4"})
    assert (got.added, got.changed, got.deleted) == ({"c"}, {"b"}, {"a"})


class Charm(CharmBase):
    pass


PEERS = "database-peers"
META = {"name": "postgresql", "peers": {PEERS: {"interface": "pg_peers"}}}


def in_hook(body: Any, leader: bool = True, **relation: Any) -> tuple[Any, testing.State]:
    ctx = testing.Context(Charm, meta=META, app_name="postgresql", unit_id=0)
    state = testing.State(
        leader=leader, relations={testing.PeerRelation(PEERS, "pg_peers", id=3, **relation)}
    )
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm)
        out = manager.run()
    return result, out


@pytest.mark.parametrize("module", [ours, reference], ids=["ours", "reference"])
def test_get_encoded_dict(module: Any, caplog: pytest.LogCaptureFixture) -> None:
    bag = {"obj": json.dumps({"x": 1}), "list": "[1]"}

    def body(charm: CharmBase) -> tuple[Any, Any, Any]:
        relation = charm.model.get_relation(PEERS)
        assert relation is not None
        app = charm.app
        return (
            module.get_encoded_dict(relation, app, "obj"),
            module.get_encoded_dict(relation, app, "absent"),
            module.get_encoded_dict(relation, app, "list"),
        )

    with caplog.at_level(logging.ERROR):
        (obj, absent, listed), _ = in_hook(body, local_app_data=bag)
    assert (obj, absent, listed) == ({"x": 1}, {}, None)
    assert "instead of dict" in caplog.text


class Guarded:
    def __init__(self, charm: CharmBase) -> None:
        self.model = charm.model
        self.component = charm.app

    @ensure_leader_for_app
    def work(self) -> str:
        return "done"


@pytest.mark.parametrize("leader", [True, False])
def test_ensure_leader_for_app(leader: bool, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        result, _ = in_hook(lambda charm: Guarded(charm).work(), leader=leader)
    assert result == ("done" if leader else None)
    assert ("only be performed by the leader" in caplog.text) is not leader
    assert Guarded.work.__name__ == "work"


def test_ensure_leader_for_app_lets_unit_data_through_for_a_follower() -> None:
    def body(charm: CharmBase) -> str:
        guarded = Guarded(charm)
        guarded.component = charm.unit
        return guarded.work()

    result, _ = in_hook(body, leader=False)
    assert result == "done"


class ClusterData(PeerModel):
    leader_address: str | None = None
    admin_password: ExtraSecretStr = None


def test_build_model_and_write_model_functions_round_trip_through_a_repository() -> None:
    def write(charm: CharmBase) -> None:
        relation = charm.model.get_relation(PEERS)
        assert relation is not None
        repository = OpsPeerRepository(charm.model, relation, charm.app)
        write_model(repository, ClusterData(leader_address="10.0.0.9", admin_password="pw"))

    _, state = in_hook(write)
    bag = state.get_relation(3).local_app_data
    assert bag["leader-address"] == "10.0.0.9"
    assert "pw" not in json.dumps(bag)

    def read(charm: CharmBase) -> ClusterData:
        relation = charm.model.get_relation(PEERS)
        assert relation is not None
        return build_model(OpsPeerRepository(charm.model, relation, charm.app), ClusterData)

    ctx = testing.Context(Charm, meta=META, app_name="postgresql", unit_id=0)
    with ctx(ctx.on.update_status(), state) as manager:
        data = read(manager.charm)
        manager.run()
    assert (data.leader_address, data.admin_password) == ("10.0.0.9", "pw")


def test_the_interface_and_the_functions_agree() -> None:
    def body(charm: CharmBase) -> ClusterData:
        interface = OpsPeerRepositoryInterface(charm.model, PEERS, ClusterData)
        interface.write_model(3, ClusterData(leader_address="a"))
        return build_model(interface.repository(3), ClusterData)

    data, _ = in_hook(body)
    assert data.leader_address == "a"


def test_repository_classes_are_arranged_as_in_the_library() -> None:
    assert issubclass(OpsPeerRepository, OpsRepository)
    assert issubclass(OpsRepository, AbstractRepository)
    with pytest.raises(TypeError):
        AbstractRepository()  # type: ignore[abstract]


def test_v0_contract_is_a_flat_request_and_the_type_covers_both_versions() -> None:
    request = RequirerDataContractV0(database="clientdb")
    assert isinstance(request, RequirerCommonModel)
    assert request.resource == "clientdb"
    assert set(RequirerDataContractType.__args__) == {
        RequirerDataContractV0,
        RequirerDataContractV1,
    }
