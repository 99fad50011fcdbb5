"""``data_interfaces_wasm.testing``: relations in a protocol state, for a charm's own tests.

The README's charms (ours and the reference library's) are run from the states the helper
builds: what the helper writes is what a real peer charm would have written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from data_interfaces_wasm import (
    RelationStatus,
    RequirerCommonModel,
    ResourceProviderModel,
)
from data_interfaces_wasm.testing import RelationState, provider_relation, requirer_relation
from ops import testing

import charms_ours
import charms_reference

CHARMS = {"ours": charms_ours, "reference": charms_reference}
PROVIDER_META = {"name": "sample", "provides": {"database": {"interface": "database_client"}}}
REQUIRER_META = {"name": "client", "requires": {"database": {"interface": "database_client"}}}


def run_changed(charm: type, meta: dict[str, Any], related: RelationState) -> list[Any]:
    ctx = testing.Context(charm, meta=meta, app_name=meta["name"], unit_id=0)
    state = related.add_to(testing.State(leader=True))
    ctx.run(ctx.on.relation_changed(related.relation, remote_unit=0), state)
    return [e for e in ctx.emitted_events if not type(e).__module__.startswith("ops.")]


def readme_requests() -> list[RequirerCommonModel]:
    return [
        RequirerCommonModel(resource="clientdb"),
        RequirerCommonModel(resource="clientbis"),
        RequirerCommonModel(entity_type="USER"),
    ]


@pytest.mark.parametrize("lib", list(CHARMS))
def test_a_provider_in_the_requested_state_gets_resource_requested(lib: str) -> None:
    related = provider_relation(readme_requests(), remote_app_name="client")
    events = run_changed(CHARMS[lib].SampleCharm, PROVIDER_META, related)
    requested = [e for e in events if type(e).__name__ == "ResourceRequestedEvent"]
    assert sorted(e.request.resource for e in requested) == ["clientbis", "clientdb"]
    entity = [e for e in events if type(e).__name__ == "ResourceEntityRequestedEvent"]
    # The reference library never fires an entity-only request (spec section 15).
    assert [e.request.entity_type for e in entity] == (["USER"] if lib == "ours" else [])


def test_the_requested_state_has_the_requests_in_the_remote_bag_only() -> None:
    related = provider_relation([RequirerCommonModel(resource="appdb")], relation_id=12)
    assert related.relation.id == 12
    assert related.relation.local_app_data == {}
    requests = json.loads(related.relation.remote_app_data["requests"])
    assert [r["resource"] for r in requests] == ["appdb"]
    assert related.secrets == ()


def test_a_provider_that_has_answered_sees_nothing_new() -> None:
    related = provider_relation(
        [RequirerCommonModel(resource="appdb")],
        responses=[ResourceProviderModel(username="u", password="s3cr3t-pw", endpoints="h:1")],
    )
    assert "requests" in related.relation.local_app_data
    assert [s.owner for s in related.secrets] == ["app"]
    assert "s3cr3t-pw" not in json.dumps(dict(related.relation.local_app_data))
    events = run_changed(charms_ours.SampleCharm, PROVIDER_META, related)
    assert [type(e).__name__ for e in events] == []


@pytest.mark.parametrize("lib", list(CHARMS))
def test_a_requirer_in_the_answered_state_gets_resource_created(lib: str) -> None:
    related = requirer_relation(
        readme_requests(),
        responses=[
            ResourceProviderModel(username="alice", password="pw1", endpoints="h:1"),
            ResourceProviderModel(username="bob", password="pw2", endpoints="h:1"),
        ],
        remote_app_name="sample",
        app_name="client",
    )
    assert all(s.owner is None for s in related.secrets)
    events = run_changed(CHARMS[lib].ClientCharm, REQUIRER_META, related)
    created = [e for e in events if type(e).__name__ == "ResourceCreatedEvent"]
    got = {e.response.resource: (e.response.username, e.response.password) for e in created}
    assert got == {"clientdb": ("alice", "pw1"), "clientbis": ("bob", "pw2")}


def test_a_responder_function_answers_some_requests() -> None:
    def respond(request: RequirerCommonModel) -> ResourceProviderModel | None:
        if request.resource != "clientdb":
            return None
        return ResourceProviderModel(username="only", password="one")

    related = requirer_relation(readme_requests(), responses=respond)
    events = run_changed(charms_ours.ClientCharm, REQUIRER_META, related)
    created = [e for e in events if type(e).__name__ == "ResourceCreatedEvent"]
    assert [e.response.resource for e in created] == ["clientdb"]


def test_a_requirer_in_the_requested_state_sees_nothing() -> None:
    related = requirer_relation(readme_requests())
    assert related.relation.remote_app_data == {}
    assert json.loads(related.relation.local_app_data["requests"])
    assert run_changed(charms_ours.ClientCharm, REQUIRER_META, related) == []


def test_raised_statuses_reach_the_requirer() -> None:
    status = RelationStatus(code=4001, message="Waiting", resolution="Wait")
    related = requirer_relation([RequirerCommonModel(resource="appdb")], statuses=[status])
    ctx = testing.Context(charms_ours.ClientCharm, meta=REQUIRER_META, app_name="client")
    with ctx(ctx.on.update_status(), related.add_to(testing.State(leader=True))) as manager:
        statuses = manager.charm.database.get_statuses(related.relation.id)
        manager.run()
    assert statuses == {4001: status}


def test_more_responses_than_requests_is_an_error() -> None:
    with pytest.raises(ValueError, match="2 responses for 1 requests"):
        provider_relation(
            [RequirerCommonModel(resource="a")],
            responses=[ResourceProviderModel(), ResourceProviderModel()],
        )


def test_the_given_responses_are_not_modified() -> None:
    response = ResourceProviderModel(username="u", password="p")
    provider_relation([RequirerCommonModel(resource="a")], responses=[response])
    assert response.request_id is None
