"""Handler behaviour beyond the README flow: aliases, secret rotation, errors."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest
from data_interfaces_wasm import (
    AuthenticationUpdatedEvent,
    RequirerCommonModel,
    ResourceCreatedEvent,
    ResourceProviderModel,
    ResourceRequirerEventHandler,
    _native,
)

import charms_ours
from harness import RelationPair


class AliasedClient(charms_ours.ClientCharm):
    def __init__(self, *args) -> None:
        super(charms_ours.ClientCharm, self).__init__(*args)
        self.database = ResourceRequirerEventHandler(
            self,
            "database",
            [RequirerCommonModel(resource="clientdb")],
            relation_aliases=["cluster1"],
        )


def full_flow(pair: RelationPair) -> list:
    pair.run("requirer", "created")
    pair.run("provider", "changed")
    return pair.run("requirer", "changed")


def test_an_aliased_relation_fires_the_plain_and_the_aliased_event() -> None:
    pair = RelationPair(AliasedClient, charms_ours.SampleCharm, requirer_limit=1)
    events = full_flow(pair)
    created = [e for e in events if isinstance(e, ResourceCreatedEvent)]
    assert [e.handle.kind for e in created] == ["resource_created", "cluster1_resource_created"]
    assert pair.relation("requirer").local_unit_data["alias"] == "cluster1"


def test_aliased_events_belong_to_their_handler_not_to_the_class() -> None:
    pair = RelationPair(AliasedClient, charms_ours.SampleCharm, requirer_limit=1)
    full_flow(pair)  # builds an AliasedClient, defining cluster1_* on its handler
    assert not hasattr(ResourceRequirerEventHandler.on, "cluster1_resource_created")
    # And a second charm defining the same alias in the same process is fine.
    full_flow(RelationPair(AliasedClient, charms_ours.SampleCharm, requirer_limit=1))


def test_the_number_of_aliases_must_match_the_endpoint_limit() -> None:
    pair = RelationPair(AliasedClient, charms_ours.SampleCharm, requirer_limit=2)
    with pytest.raises(Exception, match="Invalid number of aliases, expected 2, received 1"):
        pair.run("requirer", "created")


def test_aliases_on_an_endpoint_without_a_limit_are_refused_as_the_library_refuses_them() -> None:
    pair = RelationPair(AliasedClient, charms_ours.SampleCharm)
    with pytest.raises(Exception, match="Invalid number of aliases, expected None, received 1"):
        pair.run("requirer", "created")


def test_a_rotated_password_reaches_the_requirer_as_authentication_updated(
    ours_both_sides: RelationPair,
) -> None:
    pair = ours_both_sides
    created = [e for e in full_flow(pair) if isinstance(e, ResourceCreatedEvent)]
    first = next(e.response for e in created if e.response.resource == "clientdb")

    def rotate(charm: charms_ours.SampleCharm) -> None:
        charm.provided_database.set_response(
            pair.relation_id,
            ResourceProviderModel(
                resource="clientdb",
                request_id=first.request_id,
                salt=first.salt,
                username=first.username,
                password="rotated-password",
            ),
        )

    unit = pair.units["provider"]
    pair.run_with("provider", unit.ctx.on.update_status(), rotate)
    requirer = pair.units["requirer"]
    secret = next(s for s in pair.state("requirer").secrets if s.id == first.secret_user)
    events = pair.run_event("requirer", requirer.ctx.on.secret_changed(secret))
    updated = [e for e in events if isinstance(e, AuthenticationUpdatedEvent)]
    assert len(updated) == 1
    assert updated[0].response.password == "rotated-password"
    assert updated[0].response.request_id == first.request_id


class BoomError(Exception):
    pass


class ExplodingBackend:
    """A backend whose first call raises an exception the component knows nothing about."""

    def __getattr__(self, name: str):
        def explode(*args, **kwargs):
            raise BoomError(name)

        return explode


def test_an_exception_in_the_backend_reaches_the_caller_unchanged() -> None:
    runtime = _native.Runtime()
    config = {"endpoint": "database", "requests": [], "request_fields": []}
    hook = {"kind": "relation-changed", "relation_id": 1, "app": "x", "unit": "x/0"}
    with pytest.raises(BoomError) as raised:
        runtime.requirer(config).handle(ExplodingBackend(), hook)
    assert type(raised.value) is BoomError


class NotFoundBackend(ExplodingBackend):
    def relations(self, endpoint: str) -> list:
        return [{"id": 1, "endpoint": endpoint, "remote_app": "x", "remote_units": ["x/0"]}]

    def read(self, relation_id: int, bag: str, unit: str | None) -> list:
        raise _native.HostError("permission-denied", "no reading here")

    def is_leader(self) -> bool:
        return True

    def local_app(self) -> str:
        return "client"

    def local_unit(self) -> str:
        return "client/0"

    def model_uuid(self) -> str:
        return "uuid"

    def log(self, level: str, message: str) -> None:
        pass


def test_a_host_error_from_the_backend_is_told_to_the_component() -> None:
    runtime = _native.Runtime()
    config = {"endpoint": "database", "requests": []}
    hook = {"kind": "relation-changed", "relation_id": 1, "app": "x", "unit": "x/0"}
    with pytest.raises(_native.ProtocolError) as raised:
        runtime.requirer(config).handle(NotFoundBackend(), hook)
    assert "no reading here" in str(raised.value)


def test_a_handler_whose_backend_aborted_a_call_serves_the_next_call() -> None:
    requirer = _native.Runtime().requirer({"endpoint": "database", "requests": []})
    hook = {"kind": "relation-changed", "relation_id": 1, "app": "x", "unit": "x/0"}
    with pytest.raises(BoomError):
        requirer.handle(ExplodingBackend(), hook)
    with pytest.raises(_native.ProtocolError) as raised:
        requirer.handle(NotFoundBackend(), hook)
    assert "no reading here" in str(raised.value)


def test_an_invalid_requirer_configuration_is_refused_when_the_handler_is_made() -> None:
    password_without_name = {"resource": "db", "entity_password": "p"}
    config = {"endpoint": "database", "requests": [password_without_name]}
    with pytest.raises(_native.ProtocolError) as raised:
        _native.Runtime().requirer(config)
    assert raised.value.kind == "invalid-model"


class ThreeDatabasesClient(charms_ours.ClientCharm):
    def __init__(self, *args) -> None:
        super(charms_ours.ClientCharm, self).__init__(*args)
        self.database = ResourceRequirerEventHandler(
            self,
            "database",
            [RequirerCommonModel(resource=name) for name in ("db1", "db2", "db3")],
            response_model=ResourceProviderModel,
        )


class ReadBackProvider(charms_ours.SampleCharm):
    """Answers each request, then reads its responses back in the same handler."""

    seen: ClassVar[list[int]] = []

    def _on_resource_requested(self, event) -> None:
        super()._on_resource_requested(event)
        responses = self.provided_database.responses(event.relation, ResourceProviderModel)
        ReadBackProvider.seen.append(len(responses))


def test_answers_given_one_by_one_in_a_hook_are_written_with_one_databag_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from data_interfaces_wasm import _ops_backend

    writes: list[list[str]] = []
    apply = _ops_backend.OpsBackend.apply

    def counting_apply(self, relation_id, bag, unit, set, delete) -> None:
        writes.append([key for key, _ in set])
        apply(self, relation_id, bag, unit, set, delete)

    pair = RelationPair(ThreeDatabasesClient, charms_ours.SampleCharm)
    pair.run("requirer", "created")
    monkeypatch.setattr(_ops_backend.OpsBackend, "apply", counting_apply)
    pair.run("provider", "changed")
    assert [keys for keys in writes if "requests" in keys] == [["version", "requests"]]
    monkeypatch.undo()
    created = [e for e in pair.run("requirer", "changed") if isinstance(e, ResourceCreatedEvent)]
    assert sorted(e.response.resource for e in created) == ["db1", "db2", "db3"]


def test_a_charm_reading_its_responses_in_the_hook_sees_the_answers_it_gave() -> None:
    ReadBackProvider.seen = []
    pair = RelationPair(ThreeDatabasesClient, ReadBackProvider)
    pair.run("requirer", "created")
    pair.run("provider", "changed")
    assert ReadBackProvider.seen == [1, 2, 3]


@pytest.fixture
def backend_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple]]:
    """The ops.testing backend's calls of the hook tools counted here, by tool."""
    from scenario import mocking

    calls: dict[str, list[tuple]] = {}
    for name in ("relation_get", "relation_set", "secret_get", "secret_info_get", "secret_add"):
        original = getattr(mocking._MockModelBackend, name)

        def counting(self, *args, __name=name, __original=original, **kwargs):
            calls.setdefault(__name, []).append((args, kwargs))
            return __original(self, *args, **kwargs)

        monkeypatch.setattr(mocking._MockModelBackend, name, counting)
    return calls


def test_a_requirer_writes_its_requests_without_looking_up_secrets_no_field_names(
    backend_calls: dict[str, list[tuple]],
) -> None:
    RelationPair(ThreeDatabasesClient, charms_ours.SampleCharm).run("requirer", "created")
    assert "secret_get" not in backend_calls
    assert len(backend_calls["relation_set"]) == 1  # version and requests, one relation-set


def test_a_provider_adds_each_new_secret_without_a_lookup_or_an_info_call(
    backend_calls: dict[str, list[tuple]],
) -> None:
    pair = RelationPair(ThreeDatabasesClient, charms_ours.SampleCharm)
    pair.run("requirer", "created")
    backend_calls.clear()
    pair.run("provider", "changed")
    assert len(backend_calls["secret_add"]) == 3
    assert "secret_get" not in backend_calls
    assert "secret_info_get" not in backend_calls


def test_a_provider_hook_writes_its_bag_once_with_the_cache_and_every_answer(
    backend_calls: dict[str, list[tuple]],
) -> None:
    pair = RelationPair(ThreeDatabasesClient, charms_ours.SampleCharm)
    pair.run("requirer", "created")
    backend_calls.clear()
    pair.run("provider", "changed")
    [(args, kwargs)] = backend_calls["relation_set"]
    written = kwargs.get("data", args[1] if len(args) > 1 else None)
    assert {"data", "requests"} <= set(written)
    assert len(json.loads(pair.relation("provider").local_app_data["requests"])) == 3


def test_a_requirer_reads_each_response_secret_in_one_secret_get(
    backend_calls: dict[str, list[tuple]],
) -> None:
    pair = RelationPair(ThreeDatabasesClient, charms_ours.SampleCharm)
    pair.run("requirer", "created")
    pair.run("provider", "changed")
    backend_calls.clear()
    created = [e for e in pair.run("requirer", "changed") if isinstance(e, ResourceCreatedEvent)]
    assert len(created) == 3
    assert len(backend_calls["secret_get"]) == 3
    assert all(kwargs.get("refresh") for _, kwargs in backend_calls["secret_get"])


def test_a_backend_asks_whether_this_unit_leads_once() -> None:
    from types import SimpleNamespace

    from data_interfaces_wasm._ops_backend import OpsBackend

    asked: list[bool] = []

    def is_leader() -> bool:
        asked.append(True)
        return True

    model = SimpleNamespace(unit=SimpleNamespace(is_leader=is_leader))
    backend = OpsBackend(model, "database")  # type: ignore[arg-type]
    assert backend.is_leader() and backend.is_leader()
    assert len(asked) == 1


class CountingBag(dict):
    """A databag as ops serves it, counting the reads."""

    reads = 0

    def items(self):  # type: ignore[override]
        CountingBag.reads += 1
        return super().items()

    def update(self, changes: dict[str, str]) -> None:  # type: ignore[override]
        for key, value in changes.items():  # an empty value deletes, as in Juju
            if value:
                self[key] = value
            else:
                self.pop(key, None)


def test_a_backend_reads_each_bag_from_ops_once_and_sees_its_own_writes() -> None:
    from types import SimpleNamespace

    from data_interfaces_wasm._ops_backend import OpsBackend

    app = "the local application"
    bag = CountingBag({"version": "v1"})
    relation = SimpleNamespace(id=7, name="database", data={app: bag})
    model = SimpleNamespace(app=app, get_relation=lambda endpoint, rid: relation)
    backend = OpsBackend(model, "database")  # type: ignore[arg-type]
    CountingBag.reads = 0
    assert backend.read(7, "local-app", None) == [("version", "v1")]
    backend.apply(7, "local-app", None, [("requests", "[]")], ["version"])
    assert backend.read(7, "local-app", None) == [("requests", "[]")]
    assert CountingBag.reads == 1
    assert bag == {"requests": "[]"}
