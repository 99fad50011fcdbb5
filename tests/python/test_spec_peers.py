"""The peer-repository behaviours of the library's unit suite (spec section 11), on our package.

The library's ``TestDatabaseProvides`` (and ``TestDatabaseProvidesDynamicSecrets``) check its
peer repositories on a ``database-peers`` relation of the application ``database``: the
field round-trip of its helper ``verify_relation_interface_functions``, secret fields of a
``PeerModel``, secret revisions, and another unit's read-only data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pytest
from data_interfaces_wasm import (
    ExtraSecretStr,
    OpsOtherPeerUnitRepositoryInterface,
    OpsPeerRepositoryInterface,
    OpsPeerUnitRepositoryInterface,
    PeerModel,
)
from ops import CharmBase, testing

PEERS = "database-peers"
APP = "database"
RELATION_ID = 5
META = {"name": APP, "peers": {PEERS: {"interface": "database_peers"}}}

INTERFACES: dict[str, Callable[..., Any]] = {
    "app": OpsPeerRepositoryInterface,
    "unit": OpsPeerUnitRepositoryInterface,
}
scopes = pytest.mark.parametrize("scope", list(INTERFACES))


class Charm(CharmBase):
    pass


def in_hook(
    body: Callable[[CharmBase], Any],
    secrets: frozenset[testing.Secret] = frozenset(),
    **relation: Any,
) -> tuple[Any, testing.State]:
    """``body(charm)`` inside a hook of ``database/0`` (the leader), with a peer ``database/1``."""
    ctx = testing.Context(Charm, meta=META, app_name=APP, unit_id=0)
    relation.setdefault("peers_data", {1: {}})
    peer = testing.PeerRelation(PEERS, "database_peers", id=RELATION_ID, **relation)
    state = testing.State(leader=True, relations={peer}, secrets=set(secrets))
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm)
        out = manager.run()
    return result, out


def repository(charm: CharmBase, scope: str) -> Any:
    return INTERFACES[scope](charm.model, PEERS).repository(RELATION_ID)


def other_unit_repository(charm: CharmBase) -> Any:
    unit = charm.model.get_unit(f"{APP}/1")
    return OpsOtherPeerUnitRepositoryInterface(charm.model, PEERS, unit).repository(RELATION_ID)


def field_round_trip(repo: Any) -> list[Any]:
    """The library's ``verify_relation_interface_functions``: write, read, delete, read."""
    seen: list[Any] = []
    for field in ("something", "secret-field"):
        repo.write_field(field, "value")
        seen.append((repo.get_field(field), repo.get_fields(field)))
        repo.delete_field(field)
        seen.append((repo.get_field(field), repo.get_fields(field)))
    return seen


@scopes
def test_a_peer_repository_writes_reads_and_deletes_fields(scope: str) -> None:
    seen, _ = in_hook(lambda charm: field_round_trip(repository(charm, scope)))
    assert seen == [
        ("value", {"something": "value"}),
        (None, {}),
        ("value", {"secret-field": "value"}),
        (None, {}),
    ]


def test_another_units_repository_refuses_write_field_and_delete_field() -> None:
    def write(charm: CharmBase) -> None:
        other_unit_repository(charm).write_field("something", "value")

    def delete(charm: CharmBase) -> None:
        other_unit_repository(charm).delete_field("something")

    for body in (write, delete):
        with pytest.raises(NotImplementedError, match="not possible to update data of another"):
            in_hook(body, peers_data={1: {"something": "value"}})


class SecretFieldsModel(PeerModel):
    secret_field: ExtraSecretStr = None
    mysecret1: Annotated[str | None, "mygroup"] = None


@scopes
def test_peer_model_secret_fields_are_written_and_read_by_group(scope: str) -> None:
    def body(charm: CharmBase) -> tuple[Any, Any]:
        interface = INTERFACES[scope](charm.model, PEERS, SecretFieldsModel)
        model = interface.build_model(RELATION_ID)
        model.secret_field = "bla"
        model.mysecret1 = "bla-bla"
        interface.write_model(RELATION_ID, model)
        repo = interface.repository(RELATION_ID)
        return (
            repo.get_secret_field("secret-field", "extra"),
            repo.get_secret_field("mysecret1", "mygroup"),
        )

    values, out = in_hook(body)
    assert values == ("bla", "bla-bla")
    assert {secret.label for secret in out.secrets} == {
        f"{PEERS}.{APP}.{scope}",
        f"{PEERS}.{APP}.{scope}.mygroup",
    }


class OneSecretModel(PeerModel):
    secret_field: ExtraSecretStr = None


@scopes
@pytest.mark.parametrize(("value", "new_revisions"), [("initial", 0), ("changed", 1)])
def test_a_peer_secret_gets_a_revision_only_when_its_value_changes(
    scope: str, value: str, new_revisions: int
) -> None:
    existing = testing.Secret(
        {"secret-field": "initial"},
        label=f"{PEERS}.{APP}.{scope}",
        owner="app" if scope == "app" else "unit",
    )

    def body(charm: CharmBase) -> None:
        interface = INTERFACES[scope](charm.model, PEERS, OneSecretModel)
        interface.write_model(RELATION_ID, OneSecretModel(secret_field=value))

    _, out = in_hook(body, secrets=frozenset({existing}))
    after = out.get_secret(id=existing.id)
    assert after._latest_revision - existing._latest_revision == new_revisions
    assert after.latest_content == {"secret-field": value}


def test_another_units_repository_reads_that_units_fields() -> None:
    def body(charm: CharmBase) -> tuple[Any, ...]:
        repo = other_unit_repository(charm)
        return (
            repo.get_field("something"),
            repo.get_fields("something"),
            repo.get_field("missing"),
            repo.get_fields("missing"),
        )

    values, _ = in_hook(body, peers_data={1: {"something": "value"}})
    assert values == ("value", {"something": "value"}, None, {})


def test_another_units_data_is_a_dict() -> None:
    def body(charm: CharmBase) -> dict[str, Any]:
        return other_unit_repository(charm).get_data()

    data, _ = in_hook(body, peers_data={1: {"something": "value"}})
    assert isinstance(data, dict)
    assert data["something"] == "value"
    assert data.get("missing") is None
    with pytest.raises(KeyError):
        data["missing"]


@scopes
def test_a_secret_field_written_alone_creates_the_scope_secret_then_is_deleted(
    scope: str,
) -> None:
    def body(charm: CharmBase) -> tuple[Any, ...]:
        repo = repository(charm, scope)
        repo.write_secret_field("something", "else", "extra")
        written = repo.get_secret_field("something", "extra")
        by_label = charm.model.get_secret(label=f"{PEERS}.{APP}.{scope}")
        content = by_label.get_content(refresh=True)
        repo.delete_secret_field("something", "extra")
        return written, content, repo.get_secret_field("something", "extra")

    (written, content, deleted), _ = in_hook(body)
    assert written == "else"
    assert content == {"something": "else"}
    assert deleted is None
