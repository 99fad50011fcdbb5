"""``OpsRelationRepository`` and ``OpsRelationRepositoryInterface`` (spec section 9).

The library's relation repository, on our package and on the library itself where they agree.

``postgresql/0`` is related to ``client`` on the ``database`` endpoint. A test parametrized
with ``module`` runs the same calls on ``dpcharmlibs.interfaces`` (the authority) and on ours.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

import data_interfaces_wasm as ours
import pytest
from data_interfaces_wasm import ProtocolError
from dpcharmlibs import interfaces as reference
from ops import CharmBase, testing
from ops.model import ModelError

ENDPOINT = "database"
RELATION_ID = 7
LABEL = f"{ENDPOINT}.{RELATION_ID}.user.secret"
META = {"name": "postgresql", "provides": {ENDPOINT: {"interface": "postgresql_client"}}}

modules = pytest.mark.parametrize("module", [ours, reference], ids=["ours", "reference"])


class Charm(CharmBase):
    pass


def in_hook(
    body: Callable[[CharmBase], Any],
    leader: bool = True,
    secrets: frozenset[testing.Secret] = frozenset(),
    **relation: Any,
) -> tuple[Any, testing.State, testing.Relation]:
    """``body(charm)`` inside a hook of ``postgresql/0``.

    Returns the result, the output state and the relation as it is after the hook.
    """
    ctx = testing.Context(Charm, meta=META, app_name="postgresql", unit_id=0)
    relation.setdefault("remote_app_name", "client")
    rel = testing.Relation(ENDPOINT, "postgresql_client", id=RELATION_ID, **relation)
    state = testing.State(leader=leader, relations={rel}, secrets=set(secrets))
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm)
        out = manager.run()
    return result, out, out.get_relation(RELATION_ID)


def repository(charm: CharmBase, module: Any, component: str = "app") -> Any:
    interface = module.OpsRelationRepositoryInterface(charm.model, ENDPOINT)
    relation = charm.model.get_relation(ENDPOINT, RELATION_ID)
    assert relation is not None
    owners: dict[str, Any] = {
        "app": None,
        "unit": charm.unit,
        "remote-app": relation.app,
        "remote-unit": next(iter(relation.units), None),
    }
    return interface.repository(RELATION_ID, owners[component])


def owned_secret(state: testing.State, label: str) -> testing.Secret | None:
    return next((s for s in state.secrets if s.label == label), None)


@modules
def test_plain_fields_are_written_as_strings_and_read_back(module: Any) -> None:
    def body(charm: CharmBase) -> Any:
        repo = repository(charm, module)
        repo.write_fields({"endpoints": "10.0.0.1:5432", "data": '{"a": 1}'})
        return repo.get_field("endpoints"), repo.get_fields("data", "absent"), repo.get_data()

    result, _, rel = in_hook(body)
    assert result == (
        "10.0.0.1:5432",
        {"data": '{"a": 1}'},
        {"endpoints": "10.0.0.1:5432", "data": {"a": 1}},
    )
    assert rel.local_app_data == {"endpoints": "10.0.0.1:5432", "data": '{"a": 1}'}


@modules
def test_writing_none_or_an_empty_string_deletes_the_key(module: Any) -> None:
    def body(charm: CharmBase) -> None:
        repo = repository(charm, module, "unit")
        repo.write_field("a", None)
        repo.write_field("b", "")

    _, _, rel = in_hook(body, local_unit_data={"a": "1", "b": "2", "c": "3"})
    assert {key: rel.local_unit_data.get(key) for key in "abc"} == {"a": None, "b": None, "c": "3"}


@modules
def test_delete_fields_removes_the_given_keys(module: Any) -> None:
    def body(charm: CharmBase) -> None:
        repository(charm, module).delete_fields("a", "b")

    _, _, rel = in_hook(body, local_app_data={"a": "1", "b": "2", "c": "3"})
    assert rel.local_app_data == {"c": "3"}


@modules
def test_a_secret_field_goes_to_the_group_secret_labelled_by_relation_and_granted(
    module: Any,
) -> None:
    def body(charm: CharmBase) -> None:
        repo = repository(charm, module)
        repo.write_secret_field("username", "u", "user")
        repo.write_secret_field("password", "p", "user")

    _, out, _ = in_hook(body)
    secret = owned_secret(out, LABEL)
    assert secret is not None
    assert secret.latest_content == {"username": "u", "password": "p"}
    assert secret.remote_grants == {RELATION_ID: frozenset({"client"})}


def test_a_new_secret_has_its_uri_under_secret_group_in_the_bag() -> None:
    """Deliberate difference 29: the library leaves the URI out of the bag here."""

    def body(charm: CharmBase) -> None:
        repository(charm, ours).write_secret_field("password", "p", "user")

    _, out, rel = in_hook(body)
    secret = owned_secret(out, LABEL)
    assert secret is not None
    assert rel.local_app_data == {"secret-user": secret.id}


@modules
def test_the_same_secret_value_makes_no_revision(module: Any) -> None:
    existing = testing.Secret({"password": "p"}, label=LABEL, owner="app")

    def body(charm: CharmBase) -> None:
        repository(charm, module).write_secret_field("password", "p", "user")

    _, out, _ = in_hook(body, secrets=frozenset({existing}))
    secret = owned_secret(out, LABEL)
    assert secret is not None
    assert secret.latest_content == {"password": "p"}
    assert secret.tracked_content == secret.latest_content


@modules
def test_a_local_secret_field_reads_from_the_labelled_secret(module: Any) -> None:
    existing = testing.Secret({"password": '["p"]'}, label=LABEL, owner="app")

    def body(charm: CharmBase) -> Any:
        return repository(charm, module).get_secret_field("password", "user")

    result, _, _ = in_hook(
        body, secrets=frozenset({existing}), local_app_data={"secret-user": existing.id}
    )
    assert result == ["p"]


@modules
def test_the_short_uuid_picks_the_secret_label(module: Any) -> None:
    label = f"{ENDPOINT}.{RELATION_ID}.0123456789abcdef.user.secret"
    existing = testing.Secret({"password": "p"}, label=label, owner="app")

    def body(charm: CharmBase) -> Any:
        return repository(charm, module).get_secret_field(
            "password", "user", short_uuid="0123456789abcdef"
        )

    result, _, _ = in_hook(
        body, secrets=frozenset({existing}), local_app_data={"secret-user": existing.id}
    )
    assert result == "p"


@modules
def test_a_remote_secret_field_reads_through_the_uri_in_the_remote_bag(module: Any) -> None:
    remote = testing.Secret({"username": "u", "password": "p"})

    def body(charm: CharmBase) -> Any:
        repo = repository(charm, module, "remote-app")
        return repo.get_secret_field("password", "user"), repo.get_data()

    result, _, _ = in_hook(
        body, secrets=frozenset({remote}), remote_app_data={"secret-user": remote.id}
    )
    assert result == ("p", {"secret-user": remote.id})


@modules
def test_a_uri_given_by_the_caller_reads_a_remote_secret(module: Any) -> None:
    remote = testing.Secret({"password": "given"})

    def body(charm: CharmBase) -> Any:
        repo = repository(charm, module, "remote-unit")
        return repo.get_secret_field("password", "user", uri=remote.id)

    result, _, _ = in_hook(body, secrets=frozenset({remote}))
    assert result == "given"


@modules
def test_a_remote_group_without_a_uri_reads_none(module: Any) -> None:
    def body(charm: CharmBase) -> Any:
        return repository(charm, module, "remote-app").get_secret_field("password", "user")

    result, _, _ = in_hook(body)
    assert result is None


@modules
def test_deleting_a_secret_field_keeps_the_others(module: Any) -> None:
    existing = testing.Secret({"username": "u", "password": "p"}, label=LABEL, owner="app")

    def body(charm: CharmBase) -> None:
        repository(charm, module).delete_secret_field("password", "user")

    _, out, _ = in_hook(
        body, secrets=frozenset({existing}), local_app_data={"secret-user": existing.id}
    )
    secret = owned_secret(out, LABEL)
    assert secret is not None
    assert secret.latest_content == {"username": "u"}


def test_deleting_the_last_secret_field_removes_the_secret_and_its_uri_key() -> None:
    """Deliberate difference 29: the library removes the secret and leaves its URI key."""
    existing = testing.Secret({"password": "p"}, label=LABEL, owner="app")

    def body(charm: CharmBase) -> None:
        repository(charm, ours).delete_secret_field("password", "user")

    _, out, rel = in_hook(
        body,
        secrets=frozenset({existing}),
        local_app_data={"secret-user": existing.id, "endpoints": "h:1"},
    )
    assert owned_secret(out, LABEL) is None
    assert rel.local_app_data == {"endpoints": "h:1"}


@modules
def test_a_non_leader_gets_none_for_the_application_data_and_an_error_log(
    module: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def body(charm: CharmBase) -> Any:
        repo = repository(charm, module)
        return repo.get_data(), repo.get_secret_field("password", "user")

    with caplog.at_level(logging.ERROR):
        result, _, _ = in_hook(body, leader=False, local_app_data={"a": "1"})
    assert result == (None, None)
    assert "can only be performed by the leader unit" in caplog.text


@modules
def test_a_non_leader_writes_nothing_to_the_application_data(module: Any) -> None:
    def body(charm: CharmBase) -> None:
        repository(charm, module).write_field("a", "2")

    _, _, rel = in_hook(body, leader=False, local_app_data={"a": "1"})
    assert rel.local_app_data == {"a": "1"}


@modules
def test_a_non_leader_reads_the_remote_application_data(module: Any) -> None:
    def body(charm: CharmBase) -> Any:
        return repository(charm, module, "remote-app").get_field("endpoints")

    result, _, _ = in_hook(body, leader=False, remote_app_data={"endpoints": "h:1"})
    assert result == "h:1"


def test_the_remote_data_cannot_be_written() -> None:
    """Deliberate difference 30: the library's write changes nothing and says nothing."""

    def body(charm: CharmBase) -> None:
        repository(charm, ours, "remote-unit").write_field("a", "1")

    with pytest.raises(ProtocolError, match="read only"):
        in_hook(body)


def test_a_value_that_is_not_a_string_is_refused_as_ops_refuses_it() -> None:
    def body(charm: CharmBase) -> None:
        repository(charm, ours).write_field("a", 1)

    with pytest.raises(ModelError):
        in_hook(body)


@modules
def test_the_secret_uri_key_is_secret_dash_group(module: Any) -> None:
    def body(charm: CharmBase) -> Any:
        return repository(charm, module).secret_field("tls")

    result, _, _ = in_hook(body)
    assert result == "secret-tls"


class OperatorModel(ours.ResourceProviderModel):
    operator_password: Annotated[str | None, "operator"] = None


def test_build_and_write_model_round_trip_plain_and_secret_fields() -> None:
    def body(charm: CharmBase) -> Any:
        interface = ours.OpsRelationRepositoryInterface(charm.model, ENDPOINT, OperatorModel)
        model = OperatorModel(resource="db", salt="0123456789abcdef", operator_password="op")
        interface.write_model(RELATION_ID, model)
        return interface.build_model(RELATION_ID)

    result, out, rel = in_hook(body)
    assert result.resource == "db"
    assert result.operator_password == "op"
    secret = owned_secret(out, f"{ENDPOINT}.{RELATION_ID}.operator.secret")
    assert secret is not None
    assert rel.local_app_data["secret-operator"] == secret.id
    assert "op" not in rel.local_app_data.values()


class BrokenReader(CharmBase):
    """Reads its own bag of the relation being broken, in its relation-broken hook."""

    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        self.seen: Any = None
        framework.observe(self.on[ENDPOINT].relation_broken, self._on_broken)

    def _on_broken(self, event: Any) -> None:
        module = ours if self.config.get("module") == "ours" else reference
        interface = module.OpsRelationRepositoryInterface(self.model, ENDPOINT)
        self.seen = (len(interface.relations), interface.repository(event.relation.id).get_data())


@modules
def test_a_repository_reads_its_relation_during_that_relations_broken_hook(module: Any) -> None:
    meta = {**META, "name": "postgresql"}
    config = {"options": {"module": {"type": "string", "default": ""}}}
    ctx = testing.Context(BrokenReader, meta=meta, config=config, app_name="postgresql")
    rel = testing.Relation(
        ENDPOINT, "postgresql_client", id=RELATION_ID, local_app_data={"endpoints": "h:1"}
    )
    name = "ours" if module is ours else "reference"
    state = testing.State(leader=True, relations={rel}, config={"module": name})
    with ctx(ctx.on.relation_broken(rel), state) as manager:
        manager.run()
        assert manager.charm.seen == (0, {"endpoints": "h:1"})


@modules
def test_a_response_contract_is_read_with_each_entrys_secret_fields(module: Any) -> None:
    # The requirer's view: the provider's `requests` entries name their secrets by URI.
    user = testing.Secret({"username": "u", "password": "p"}, owner=None)
    tls = testing.Secret({"tls": "true", "tls-ca": "CA"}, owner=None)
    entries = [
        {"request-id": "r1", "salt": "s1", "resource": "db1", "secret-user": user.id},
        {"request-id": "r2", "salt": "s2", "resource": "db2", "secret-tls": tls.id},
    ]

    def body(charm: CharmBase) -> Any:
        interface = module.OpsRelationRepositoryInterface(charm.model, ENDPOINT)
        relation = charm.model.get_relation(ENDPOINT, RELATION_ID)
        assert relation is not None
        contract = module.DataContractV1[module.ResourceProviderModel]
        model = interface.build_model(RELATION_ID, contract, component=relation.app)
        return [
            (r.request_id, r.resource, r.username, r.password, r.tls, r.tls_ca)
            for r in model.requests
        ]

    result, _, _ = in_hook(
        body,
        secrets=frozenset({user, tls}),
        remote_app_data={"version": "v1", "requests": json.dumps(entries)},
    )
    assert result == [
        ("r1", "db1", "u", "p", None, None),
        ("r2", "db2", None, None, True, "CA"),
    ]


def test_writing_a_requirer_contract_through_an_interface_is_a_type_error() -> None:
    def body(charm: CharmBase) -> None:
        interface = ours.OpsRelationRepositoryInterface(charm.model, ENDPOINT)
        contract = ours.RequirerDataContractV1(requests=[ours.RequirerCommonModel(resource="db")])
        with pytest.raises(TypeError, match="requirer handler writes its requests"):
            interface.write_model(RELATION_ID, contract)

    in_hook(body)


@modules
@pytest.mark.parametrize("other_model", [False, True], ids=["same-model", "cross-model"])
def test_a_repository_knows_whether_its_relation_crosses_models(
    module: Any, other_model: bool
) -> None:
    def body(charm: CharmBase) -> bool:
        return repository(charm, module).is_cross_model_relation

    extra = {"remote_model_uuid": "00000000-0000-4000-8000-000000000042"} if other_model else {}
    result, _, _ = in_hook(body, **extra)
    assert result is other_model


@modules
def test_the_library_type_adapter_reads_a_contract_with_its_secrets(module: Any) -> None:
    user = testing.Secret({"username": "u", "password": "p"}, owner=None)
    entries = [{"request-id": "r1", "salt": "s1", "resource": "db1", "secret-user": user.id}]

    def body(charm: CharmBase) -> Any:
        relation = charm.model.get_relation(ENDPOINT, RELATION_ID)
        assert relation is not None
        interface = module.OpsRelationRepositoryInterface(charm.model, ENDPOINT)
        repo = interface.repository(RELATION_ID, relation.app)
        model = module.build_model(repo, module.DataContract)
        return [(r.request_id, r.username, r.password) for r in model.requests]

    result, _, _ = in_hook(
        body,
        secrets=frozenset({user}),
        remote_app_data={"version": "v1", "requests": json.dumps(entries)},
    )
    assert result == [("r1", "u", "p")]
