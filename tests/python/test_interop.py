"""Wire compatibility with dpcharmlibs.interfaces 1.2.2, in both directions.

The README's charms run on one side with the reference library and on the other with ours
(``charms_reference.py`` / ``charms_ours.py``: the same code, only the import line differs).
The first test runs the reference library on both sides: it is the control for the harness.
"""

from __future__ import annotations

import pytest

import charms_ours
import charms_reference
from charms_ours import DatabaseHelper
from harness import RelationPair

ENDPOINTS = "10.0.0.1:5432"

PAIRINGS = {
    "reference-requirer/reference-provider": (charms_reference, charms_reference),
    "our-requirer/reference-provider": (charms_ours, charms_reference),
    "reference-requirer/our-provider": (charms_reference, charms_ours),
}


@pytest.fixture(params=list(PAIRINGS), ids=list(PAIRINGS))
def pair(request: pytest.FixtureRequest) -> RelationPair:
    requirer, provider = PAIRINGS[request.param]
    return RelationPair(requirer.ClientCharm, provider.SampleCharm)


def named(events: list, name: str) -> list:
    return [e for e in events if type(e).__name__ == name]


def test_provider_sees_one_resource_requested_per_named_resource(pair: RelationPair) -> None:
    pair.run("requirer", "created")
    events = pair.run("provider", "changed")
    requested = named(events, "ResourceRequestedEvent")
    assert sorted(e.request.resource for e in requested) == ["clientbis", "clientdb"]
    for event in requested:
        assert event.request.request_id
        assert event.request.salt


def test_requirer_sees_resource_created_with_the_providers_credentials(
    pair: RelationPair,
) -> None:
    pair.run("requirer", "created")
    requested = named(pair.run("provider", "changed"), "ResourceRequestedEvent")
    created = named(pair.run("requirer", "changed"), "ResourceCreatedEvent")
    helper = DatabaseHelper()
    assert sorted(e.response.resource for e in created) == ["clientbis", "clientdb"]
    asked = {e.request.resource: e.request.request_id for e in requested}
    for event in created:
        response = event.response
        assert response.request_id == asked[response.resource]
        assert response.username == helper.generate_user(response.request_id)
        assert response.password == helper.generate_password(response.request_id)
        assert response.endpoints == ENDPOINTS
        assert response.secret_user and response.secret_user.startswith("secret:")


def test_a_second_relation_changed_fires_nothing_new(pair: RelationPair) -> None:
    pair.run("requirer", "created")
    pair.run("provider", "changed")
    pair.run("requirer", "changed")
    assert named(pair.run("provider", "changed"), "ResourceRequestedEvent") == []
    assert named(pair.run("requirer", "changed"), "ResourceCreatedEvent") == []
