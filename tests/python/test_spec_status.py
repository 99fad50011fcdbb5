"""The status behaviours of the library's ``test_status.py`` (spec section 11), on our package.

The library runs them for a ``database_client`` and a ``kafka_client`` provider; so do we.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from data_interfaces_wasm import (
    KafkaRequestModel,
    ProtocolError,
    RelationStatus,
    RequirerCommonModel,
    ResourceProviderEventHandler,
    StatusRaisedEvent,
)
from ops import CharmBase, testing

import spec_support as s

RELATION_ID = 9
INTERFACES = {"database_client": RequirerCommonModel, "kafka_client": KafkaRequestModel}
interfaces = pytest.mark.parametrize("interface", list(INTERFACES))


def provider_in_hook(interface: str, body: Callable[[Any], Any]) -> tuple[Any, testing.State]:
    """``body(handler)`` inside a hook of a leader provider with one related requirer."""

    class Provider(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            self.provider = ResourceProviderEventHandler(self, s.ENDPOINT, INTERFACES[interface])

    meta = {"name": s.PROVIDER_APP, "provides": {s.ENDPOINT: {"interface": interface}}}
    ctx = testing.Context(Provider, meta=meta, app_name=s.PROVIDER_APP)
    relation = testing.Relation(s.ENDPOINT, interface, id=RELATION_ID)
    state = testing.State(leader=True, relations={relation})
    with ctx(ctx.on.update_status(), state) as manager:
        result = body(manager.charm.provider)
        out = manager.run()
    return result, out


def raised_codes(state: testing.State) -> list[int]:
    bag = s.relation(state, RELATION_ID).local_app_data
    return [status["code"] for status in json.loads(bag.get("status", "[]"))]


@interfaces
def test_a_status_is_raised_from_a_dict_or_a_status_and_not_from_a_bare_code_or_a_string(
    interface: str,
) -> None:
    def body(handler: Any) -> list[str]:
        refused = []
        handler.raise_status(
            RELATION_ID, {"code": 1001, "message": "Dict status", "resolution": "Wait"}
        )
        handler.raise_status(
            RELATION_ID, RelationStatus(code=4001, message="Model status", resolution="Fix")
        )
        # Without a status schema, a code alone names no status: a KeyError, as the library
        # raises, that is also the component's typed error.
        for status, error in ((1002, KeyError), (1002, ProtocolError), ("1002", ValueError)):
            with pytest.raises(error):
                handler.raise_status(RELATION_ID, status)
            refused.append(type(status).__name__)
        return refused

    refused, out = provider_in_hook(interface, body)
    assert refused == ["int", "int", "str"]
    statuses = json.loads(s.relation(out, RELATION_ID).local_app_data["status"])
    assert statuses == [
        {"code": 1001, "message": "Dict status", "resolution": "Wait"},
        {"code": 4001, "message": "Model status", "resolution": "Fix"},
    ]


def status(code: int) -> RelationStatus:
    return RelationStatus(code=code, message=f"status {code}", resolution="wait")


@interfaces
def test_a_resolved_status_goes_and_clear_removes_them_all(interface: str) -> None:
    def body(handler: Any) -> list[list[int]]:
        seen = []
        for code in (1002, 4000, 4001):
            handler.raise_status(RELATION_ID, status(code))
        handler.resolve_status(RELATION_ID, 4000)
        seen.append(sorted(handler.get_statuses(RELATION_ID)))
        handler.raise_status(RELATION_ID, status(1001))
        seen.append(sorted(handler.get_statuses(RELATION_ID)))
        handler.clear_statuses(RELATION_ID)
        seen.append(sorted(handler.get_statuses(RELATION_ID)))
        return seen

    seen, out = provider_in_hook(interface, body)
    assert seen == [[1002, 4001], [1001, 1002, 4001], []]
    assert raised_codes(out) == []


@interfaces
def test_a_status_raised_by_the_provider_fires_status_raised_on_the_requirer(
    interface: str,
) -> None:
    ctx = testing.Context(
        s.requirer_charm([]),
        meta={"name": s.REQUIRER_APP, "requires": {s.ENDPOINT: {"interface": interface}}},
        app_name=s.REQUIRER_APP,
    )
    raised = {"code": 1003, "message": "Resource busy", "resolution": "Try later"}
    request_id = s.v1_request("data_platform", s.DATA_PLATFORM_SALT)["request-id"]
    provider_bag = s.v1_bag(s.v1_request("data_platform", s.DATA_PLATFORM_SALT)) | {
        "status": json.dumps([raised]),
        "data": json.dumps({request_id: {}}),
    }
    relation = testing.Relation(
        s.ENDPOINT, interface, id=RELATION_ID, remote_app_data=provider_bag
    )
    events, _ = s.run(
        ctx,
        ctx.on.relation_changed(relation, remote_unit=0),
        testing.State(leader=True, relations={relation}),
    )
    (event,) = [e for e in events if type(e) is StatusRaisedEvent]
    assert (event.status.code, event.status.message, event.status.resolution) == (
        1003,
        "Resource busy",
        "Try later",
    )
    assert [s.code for s in event.active_statuses] == [1003]
