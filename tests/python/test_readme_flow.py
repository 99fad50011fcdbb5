"""The README's ClientCharm and SampleCharm, on data_interfaces_wasm, one hook at a time.

The charms are the README's code with only the import line changed (``charms_ours.py``).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from data_interfaces_wasm import (
    ProtocolError,
    ResourceCreatedEvent,
    ResourceEntityRequestedEvent,
    ResourceProviderModel,
    ResourceRequestedEvent,
)
from ops import testing

import charms_ours
from charms_ours import DatabaseHelper
from harness import RelationPair

ENDPOINTS = "10.0.0.1:5432"


def requests_written(pair: RelationPair) -> list[dict]:
    return json.loads(pair.relation("requirer").local_app_data["requests"])


def run_to_provider(pair: RelationPair) -> list:
    pair.run("requirer", "created")
    return pair.run("provider", "changed")


def run_to_requirer(pair: RelationPair) -> list:
    run_to_provider(pair)
    return pair.run("requirer", "changed")


def test_requirer_writes_version_and_its_three_requests_on_relation_created(
    ours_both_sides: RelationPair,
) -> None:
    ours_both_sides.run("requirer", "created")
    bag = ours_both_sides.relation("requirer").local_app_data
    assert bag["version"] == "v1"
    requests = requests_written(ours_both_sides)
    assert [r["resource"] for r in requests] == ["clientdb", "clientbis", ""]
    assert requests[2]["entity-type"] == "USER"
    assert all(r["request-id"] and r["salt"] for r in requests)


def test_provider_gets_one_resource_requested_per_named_resource(
    ours_both_sides: RelationPair,
) -> None:
    events = run_to_provider(ours_both_sides)
    requested = [e for e in events if isinstance(e, ResourceRequestedEvent)]
    written = {r["resource"]: r for r in requests_written(ours_both_sides)}
    assert sorted(e.request.resource for e in requested) == ["clientbis", "clientdb"]
    for event in requested:
        assert event.request.request_id == written[event.request.resource]["request-id"]
        assert event.request.salt == written[event.request.resource]["salt"]
        assert event.relation.id == ours_both_sides.relation_id
        assert event.app is not None
        assert event.app.name == "client"
        assert event.unit is not None
        assert event.unit.name == "client/0"


def test_provider_gets_resource_entity_requested_for_the_entity_only_request(
    ours_both_sides: RelationPair,
) -> None:
    # dpcharmlibs.interfaces never fires this one (spec section 15, item 4); we do.
    events = run_to_provider(ours_both_sides)
    entity = [e for e in events if isinstance(e, ResourceEntityRequestedEvent)]
    assert len(entity) == 1
    assert entity[0].request.entity_type == "USER"
    assert entity[0].request.resource == ""


def test_provider_answers_with_secret_uris_not_credentials(
    ours_both_sides: RelationPair,
) -> None:
    run_to_provider(ours_both_sides)
    responses = json.loads(ours_both_sides.relation("provider").local_app_data["requests"])
    assert sorted(r["resource"] for r in responses) == ["clientbis", "clientdb"]
    for response in responses:
        assert response["secret-user"].startswith("secret:")
        assert response["endpoints"] == ENDPOINTS


def test_requirer_gets_resource_created_with_the_credentials_the_provider_made(
    ours_both_sides: RelationPair,
) -> None:
    events = run_to_requirer(ours_both_sides)
    created = [e for e in events if isinstance(e, ResourceCreatedEvent)]
    assert sorted(e.response.resource for e in created) == ["clientbis", "clientdb"]
    helper = DatabaseHelper()
    for event in created:
        response = event.response
        assert isinstance(response, ResourceProviderModel)
        assert response.username == helper.generate_user(response.request_id)
        assert response.password == helper.generate_password(response.request_id)
        assert response.endpoints == ENDPOINTS
        assert event.relation.id == ours_both_sides.relation_id
        assert event.app is not None
        assert event.app.name == "sample"
        assert event.unit is not None
        assert event.unit.name == "sample/0"


def test_secret_values_never_reach_a_databag(ours_both_sides: RelationPair) -> None:
    run_to_requirer(ours_both_sides)
    helper = DatabaseHelper()
    secrets = set()
    for request in requests_written(ours_both_sides):
        secrets.add(helper.generate_password(request["request-id"]))
    for side in ("requirer", "provider"):
        relation = ours_both_sides.relation(side)
        bags = [relation.local_app_data, relation.local_unit_data]
        text = json.dumps(bags)
        assert not any(secret in text for secret in secrets), side


def test_requirer_knows_which_resources_are_created(ours_both_sides: RelationPair) -> None:
    run_to_requirer(ours_both_sides)
    unit = ours_both_sides.units["requirer"]
    ids = {r["resource"]: r["request-id"] for r in requests_written(ours_both_sides)}
    with unit.ctx(unit.ctx.on.update_status(), unit.state) as manager:
        handler = manager.charm.database
        rel = ours_both_sides.relation_id
        assert handler.is_resource_created(rel, ids["clientdb"])
        assert handler.is_resource_created(rel, ids["clientbis"])
        assert not handler.is_resource_created(rel, ids[""])
        manager.run()


def test_a_deferred_resource_created_keeps_its_relation_app_unit_and_response(
    ours_both_sides: RelationPair,
) -> None:
    seen: list[ResourceCreatedEvent] = []

    class DeferringClient(charms_ours.ClientCharm):
        defer = True

        def _on_resource_created(self, event: ResourceCreatedEvent) -> None:
            if DeferringClient.defer:
                event.defer()
            else:
                seen.append(event)

    pair = RelationPair(DeferringClient, charms_ours.SampleCharm)
    run_to_requirer(pair)
    state = pair.state("requirer")
    assert len(state.deferred) == 2
    DeferringClient.defer = False
    unit = pair.units["requirer"]
    unit.ctx.run(unit.ctx.on.update_status(), state)
    assert sorted(e.response.resource for e in seen) == ["clientbis", "clientdb"]
    for event in seen:
        assert event.relation.id == pair.relation_id
        assert event.app is not None
        assert event.app.name == "sample"
        assert event.unit is not None
        assert event.unit.name == "sample/0"
        assert event.response.password == DatabaseHelper().generate_password(
            event.response.request_id
        )


def test_the_reference_and_our_charm_files_differ_only_in_the_import_line() -> None:
    import ast
    import pathlib

    here = pathlib.Path(__file__).parent

    def code(name: str) -> list[str]:
        tree = ast.parse((here / name).read_text())
        tree.body = tree.body[1:]  # the module docstring
        return ast.unparse(tree).splitlines()

    ours, reference = code("charms_ours.py"), code("charms_reference.py")
    assert len(ours) == len(reference)
    differing = [(a, b) for a, b in zip(ours, reference, strict=True) if a != b]
    assert len(differing) == 1
    assert "data_interfaces_wasm" in differing[0][0]
    assert "dpcharmlibs.interfaces" in differing[0][1]


def test_nothing_is_written_on_a_non_leader_requirer() -> None:
    pair = RelationPair(charms_ours.ClientCharm, charms_ours.SampleCharm)
    unit = pair.units["requirer"]
    unit.state = testing.State(
        leader=False, relations=unit.state.relations, model=unit.state.model
    )
    pair.run("requirer", "created")
    assert "requests" not in pair.relation("requirer").local_app_data


def test_provider_lists_the_requests_it_got(ours_both_sides: RelationPair) -> None:
    run_to_provider(ours_both_sides)
    unit = ours_both_sides.units["provider"]
    with unit.ctx(unit.ctx.on.update_status(), unit.state) as manager:
        relation = manager.charm.model.get_relation("database", ours_both_sides.relation_id)
        requests = manager.charm.provided_database.requests(relation)
        manager.run()
    assert [r.resource for r in requests] == ["clientdb", "clientbis", ""]
    assert requests[2].entity_type == "USER"


def test_requirer_sees_all_answered_resources_created(ours_both_sides: RelationPair) -> None:
    run_to_requirer(ours_both_sides)
    unit = ours_both_sides.units["requirer"]
    with unit.ctx(unit.ctx.on.update_status(), unit.state) as manager:
        assert manager.charm.database.are_all_resources_created(ours_both_sides.relation_id)
        manager.run()


def test_set_response_on_a_non_leader_provider_raises_not_leader_and_writes_nothing(
    ours_both_sides: RelationPair,
) -> None:
    # A deliberate difference (docs/differences.md, row 15): dpcharmlibs.interfaces returns
    # silently; asking a non-leader for a leader-only write is a typed error here.
    pair = ours_both_sides
    pair.run("requirer", "created")
    unit = pair.units["provider"]
    unit.state = dataclasses.replace(unit.state, leader=False)

    def answer(charm: charms_ours.SampleCharm) -> None:
        charm.provided_database.set_response(
            pair.relation_id,
            ResourceProviderModel(resource="clientdb", request_id="x", salt="s", password="p"),
        )

    with pytest.raises(ProtocolError) as raised:
        pair.run_with("provider", unit.ctx.on.update_status(), answer)
    assert raised.value.kind == "not-leader"
    assert "leader" in str(raised.value)
    assert "requests" not in pair.relation("provider").local_app_data
