"""The native module's diff-cache, label and cross-model exports against the library.

``Runtime.compute_diff``, ``store_new_data``, ``resource_aliases``, ``resource_added``,
``relation_secret_label``, ``peer_secret_label`` and ``is_cross_model`` are the protocol pieces
behind the library's lower-level API (``EventHandlers.compute_diff``, ``diff.py``,
``utils.RESOURCE_ALIASES``, the repositories' labels). Each test runs the same calls on
``dpcharmlibs.interfaces`` 1.2.2 (the authority) and on the native module, in identical
``ops.testing`` states, and compares the answers and the bytes written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.fernet import Fernet
from data_interfaces_wasm._native import ProtocolError
from data_interfaces_wasm._ops_backend import OpsBackend
from data_interfaces_wasm._runtime import runtime
from data_interfaces_wasm.diff import store_new_data as ours_store_new_data
from dpcharmlibs.interfaces import (
    RequirerCommonModel,
    ResourceProviderEventHandler,
    ResourceProviderModel,
    ResourceRequirerEventHandler,
    SecretGroup,
)
from dpcharmlibs.interfaces.diff import store_new_data
from dpcharmlibs.interfaces.repository import OpsPeerRepository, OpsRelationRepository
from dpcharmlibs.interfaces.utils import RESOURCE_ALIASES
from ops import CharmBase, testing

ENDPOINT = "database"
PEERS = "database-peers"
RELATION_ID = 7
STATUSES = [
    {"code": 4, "message": "m4", "resolution": "r4"},
    {"code": 1, "message": "m1", "resolution": "r1"},
]
PROVIDER_META = {
    "name": "postgresql",
    "provides": {ENDPOINT: {"interface": "postgresql_client"}},
    "peers": {PEERS: {"interface": "peers"}},
}
REQUIRER_META = {"name": "client", "requires": {ENDPOINT: {"interface": "postgresql_client"}}}


class Provider(CharmBase):
    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        self.handler = ResourceProviderEventHandler(self, ENDPOINT, RequirerCommonModel)


class Requirer(CharmBase):
    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        self.handler = ResourceRequirerEventHandler(
            self, ENDPOINT, [RequirerCommonModel(resource="db")], ResourceProviderModel
        )


def in_hook(
    charm: type[CharmBase], body: Callable[[CharmBase], Any], **relation: Any
) -> tuple[Any, testing.Relation]:
    """``body(charm)`` inside a hook of the charm's unit 0 (the leader)."""
    meta = PROVIDER_META if charm is Provider else REQUIRER_META
    ctx = testing.Context(charm, meta=meta, app_name=meta["name"], unit_id=0)
    rel = testing.Relation(ENDPOINT, "postgresql_client", id=RELATION_ID, **relation)
    peers = testing.PeerRelation(PEERS, id=RELATION_ID + 1) if charm is Provider else None
    state = testing.State(leader=True, relations={rel} | ({peers} if peers else set()))
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm)
        out = manager.run()
    return result, out.get_relation(RELATION_ID)


def pairs(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    return [(key, json.dumps(value)) for key, value in (data or {}).items()]


def dumped(model: ResourceProviderModel) -> dict[str, Any]:
    """What the library's ``compute_diff`` compares (``request.model_dump(...)``)."""
    return model.model_dump(
        mode="json", exclude={"data"}, exclude_none=True, exclude_defaults=True
    )


MODELS = [
    {"resource": "blah", "request-id": "", "secret-user": "secret://deabeef", "salt": "aaaa"},
    {"resource": "blah", "request-id": "abc", "salt": "xyz", "endpoints": "h:1"},
    {"resource": "bluh", "request-id": "abc", "salt": "xyz", "endpoints": "h:1"},
    {"resource": "bluh", "request-id": "abc", "salt": "xyz"},
    {"resource": "x", "request-id": "d", "salt": "xyz", "extra": {"k": [1, 2.5, "\u00e9"]}},
]


@pytest.mark.parametrize("charm", [Provider, Requirer], ids=["provider", "requirer"])
def test_compute_diff_answers_and_writes_what_the_library_does(charm: type[CharmBase]) -> None:
    # The statuses the library stores: the provider's own app bag, the requirer's remote one.
    side = "local_app_data" if charm is Provider else "remote_app_data"
    statuses = {side: {"status": json.dumps(STATUSES)}}

    def reference(c: CharmBase) -> list[Any]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        seen = []
        for raw in MODELS:
            for store in (False, True):
                diff = c.handler.compute_diff(  # type: ignore[attr-defined]
                    relation, request=ResourceProviderModel.model_validate(raw), store=store
                )
                seen.append((diff.added, diff.changed, diff.deleted))
        return seen

    def ours(c: CharmBase) -> list[Any]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        cache_bag = "local-app" if charm is Provider else "local-unit"
        seen = []
        for raw in MODELS:
            model = ResourceProviderModel.model_validate(raw)
            for store in (False, True):
                added, changed, deleted = runtime().compute_diff(
                    OpsBackend(c.model, ENDPOINT, relation),
                    ENDPOINT,
                    RELATION_ID,
                    cache_bag,
                    pairs(dumped(model)),
                    model.request_id,
                    store,
                )
                seen.append((set(added), set(changed), set(deleted)))
        return seen

    wanted, wanted_rel = in_hook(charm, reference, **statuses)
    got, got_rel = in_hook(charm, ours, **statuses)
    assert got == wanted
    cache = "local_app_data" if charm is Provider else "local_unit_data"
    assert getattr(got_rel, cache)["data"] == getattr(wanted_rel, cache)["data"]


STORES: list[tuple[dict[str, Any], str | None, dict[str, Any] | None]] = [
    (
        {"resource": "db", "password": "pw", "mtls-cert": "C", "x": 1},
        None,
        {"status": {}, "a": 0, "b": [], "c": "v", "d": None, "e": False, "f": {"k": 1}},
    ),
    (
        {"resource": "db2", "entity-name": "n"},
        "u1",
        {"c": "w", "status": {"1": {"code": 1, "message": "m", "resolution": "r"}}},
    ),
    ({"resource": "db3"}, "u2", None),
    ({"resource": "db4"}, "u1", {"c": "z"}),
    ({"resource": "db5", "n": 1e16, "password": "p"}, "u3", {"g": 0.0}),
    ({"resource": "db6"}, "", None),
]


@pytest.mark.parametrize("bag", ["local-app", "local-unit"])
def test_store_new_data_writes_what_the_library_writes(bag: str) -> None:
    def reference(c: CharmBase) -> list[str]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        assert relation is not None
        component = c.app if bag == "local-app" else c.unit
        written = []
        for new, uuid, global_data in STORES:
            store_new_data(
                relation, component, dict(new), short_uuid=uuid, global_data=global_data
            )
            written.append(relation.data[component]["data"])
        return written

    def ours(c: CharmBase) -> list[str]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        assert relation is not None
        component = c.app if bag == "local-app" else c.unit
        written = []
        for new, uuid, global_data in STORES:
            ours_store_new_data(
                relation, component, dict(new), short_uuid=uuid, global_data=global_data
            )
            written.append(relation.data[component]["data"])
        return written

    wanted, _ = in_hook(Provider, reference)
    got, _ = in_hook(Provider, ours)
    assert got == wanted


def test_an_encryption_key_encrypts_the_sensitive_values() -> None:
    key = Fernet.generate_key().decode()

    def ours(c: CharmBase) -> dict[str, Any]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        assert relation is not None
        new = {"resource": "db", "password": "pw", "mtls-cert": "C", "entity-name": 5}
        ours_store_new_data(relation, c.app, new, short_uuid="u", encryption_key=key)
        return json.loads(relation.data[c.app]["data"])["u"]

    entry, _ = in_hook(Provider, ours)
    fernet = Fernet(key.encode())
    assert fernet.decrypt(entry["password"].encode()) == b"pw"
    assert fernet.decrypt(entry["mtls-cert"].encode()) == b"C"
    # Not a string: the library cannot encrypt it and blanks it.
    assert (entry["resource"], entry["entity-name"]) == ("db", "")


def test_a_bag_that_is_not_the_units_own_is_refused() -> None:
    def ours(c: CharmBase) -> ProtocolError:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        backend = OpsBackend(c.model, ENDPOINT, relation)
        with pytest.raises(ProtocolError) as caught:
            runtime().compute_diff(backend, ENDPOINT, RELATION_ID, "remote-app", [], None, True)
        return caught.value

    error, _ = in_hook(Provider, ours)
    assert error.kind == "invalid-model"


def test_resource_aliases_and_resource_added_are_the_librarys() -> None:
    assert runtime().resource_aliases() == RESOURCE_ALIASES
    assert runtime().resource_added(["topic"], [], [], [])
    assert not runtime().resource_added(["foo"], ["resource"], [], [])
    assert runtime().resource_added(["foo"], [], [], ["foo"])


def test_labels_and_cross_model_are_the_librarys() -> None:
    def both(c: CharmBase) -> tuple[list[str], list[str], bool, bool]:
        relation = c.model.get_relation(ENDPOINT, RELATION_ID)
        peers = c.model.get_relation(PEERS)
        assert relation is not None and peers is not None
        repo = OpsRelationRepository(c.model, relation, component=relation.app)
        wanted, got = [], []
        for uuid in (None, "", "abc"):
            for group in ("user", "tls", "extra", "mygroup"):
                wanted.append(repo._generate_secret_label(relation, SecretGroup(group), uuid))
                got.append(runtime().relation_secret_label(ENDPOINT, RELATION_ID, uuid, group))
        for scope, component in (("app", c.app), ("unit", c.unit)):
            peer_repo = OpsPeerRepository(c.model, peers, component=component)
            for group in ("extra", "user", "mygroup"):
                wanted.append(peer_repo._generate_secret_label(peers, SecretGroup(group)))
                got.append(
                    runtime().peer_secret_label(OpsBackend(c.model, PEERS), PEERS, scope, group)
                )
        backend = OpsBackend(c.model, ENDPOINT, relation)
        ours = runtime().is_cross_model(backend, ENDPOINT, RELATION_ID)
        return wanted, got, repo.is_cross_model_relation, ours

    wanted, got, reference_cross, ours_cross = in_hook(Provider, both)[0]
    assert got == wanted
    assert ours_cross is reference_cross is False

    def missing(c: CharmBase) -> str:
        with pytest.raises(ProtocolError) as caught:
            runtime().is_cross_model(OpsBackend(c.model, ENDPOINT), ENDPOINT, 99)
        return caught.value.kind

    assert in_hook(Provider, missing)[0] == "missing-relation"
