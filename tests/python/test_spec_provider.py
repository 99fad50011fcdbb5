"""The provider behaviours of the library's unit suite (spec section 11), on our package.

One test per behaviour of ``DataProvidesBaseTests`` / ``TestDatabaseProvides``: the response
diff, the credentials and entity secrets ``set_response`` writes, and which event a requirer's
v0 or v1 databag fires. ``tests/python/README.md`` maps each row of the suite to its test.
"""

from __future__ import annotations

import json
from typing import Any

from data_interfaces_wasm import (
    EntityPermissionModel,
    ResourceEntityPermissionsChangedEvent,
    ResourceEntityRequestedEvent,
    ResourceProviderModel,
    ResourceRequestedEvent,
    diff,
    gen_hash,
)
from ops import testing

import spec_support as s

RELATION_ID = 4


def provider_state(app: dict[str, str]) -> testing.State:
    related = testing.Relation(
        s.ENDPOINT,
        "database_client",
        id=RELATION_ID,
        remote_app_name=s.REQUIRER_APP,
        remote_app_data=app,
        remote_units_data={0: {}},
    )
    return testing.State(leader=True, relations={related})


def provider_ctx(answer: s.Answer | None = None, **options: Any) -> testing.Context:
    return testing.Context(
        s.provider_charm(answer, **options), meta=s.PROVIDER_META, app_name=s.PROVIDER_APP
    )


def changed(ctx: testing.Context, state: testing.State, unit: bool = True) -> Any:
    related = s.relation(state, RELATION_ID)
    event = (
        ctx.on.relation_changed(related, remote_unit=0)
        if unit
        else ctx.on.relation_changed(related)
    )
    return s.run(ctx, event, state)


def of_type(events: list[Any], cls: type) -> list[Any]:
    return [e for e in events if type(e) is cls]


def forget_cache(state: testing.State) -> testing.State:
    """The provider's `data` cache reset to `{}`, as the library's suite does between steps."""
    bag = dict(s.relation(state, RELATION_ID).local_app_data) | {"data": "{}"}
    return s.change_remote(state, RELATION_ID, local_app=bag)


# --- diff and data ---------------------------------------------------------------------------


def test_diff_of_a_response_adds_then_nothing_then_changes_then_deletes() -> None:
    response = ResourceProviderModel(
        request_id="c759221a6c14c72a", salt="kkkkkkkk", resource="data_platform"
    )
    response.secret_user = "secret:abc"
    first = response.model_dump(exclude_none=True)
    # Keys by alias, as the library's pydantic models dump them.
    assert diff(None, first).added == {"request-id", "salt", "resource", "secret-user"}
    assert diff(first, response.model_dump(exclude_none=True)) == (set(), set(), set())
    response.resource = "other"
    second = response.model_dump(exclude_none=True)
    assert diff(first, second).changed == {"resource"}
    response.secret_user = None
    assert diff(second, response.model_dump(exclude_none=True)).deleted == {"secret-user"}


def answer_user(charm: Any, event: Any) -> None:
    request = event.request
    charm.provider.set_response(
        event.relation.id,
        ResourceProviderModel(
            salt=request.salt,
            request_id=request.request_id,
            resource=request.resource,
            username="test-username",
            password="test-password",
        ),
    )


def test_set_response_with_credentials_caches_the_request_and_puts_them_in_the_user_secret() -> (
    None
):
    request = s.v1_request("data_platform", "kkkkkkkk")
    _, out = changed(provider_ctx(answer_user), provider_state(s.v1_bag(request)))
    bag = s.relation(out, RELATION_ID).local_app_data
    assert json.loads(bag["data"]) == {
        request["request-id"]: {
            "resource": "data_platform",
            "salt": "kkkkkkkk",
            "request-id": request["request-id"],
        }
    }
    response = json.loads(bag["requests"])[0]
    assert s.secret_content(out, response["secret-user"]) == {
        "username": "test-username",
        "password": "test-password",
    }
    assert "test-password" not in json.dumps(dict(bag))


def answer_entity(charm: Any, event: Any) -> None:
    request = event.request
    charm.provider.set_response(
        event.relation.id,
        ResourceProviderModel(
            salt=request.salt,
            request_id=request.request_id,
            resource=request.resource,
            entity_name="test-entity",
            entity_password="test-entity-password",
        ),
    )


def test_set_response_with_entity_credentials_puts_them_in_the_entity_secret() -> None:
    request = s.v1_request("data_platform", "kkkkkkkk", **{"entity-type": "USER"})
    events, out = changed(provider_ctx(answer_entity), provider_state(s.v1_bag(request)))
    assert [type(e) for e in events] == [ResourceEntityRequestedEvent]
    bag = s.relation(out, RELATION_ID).local_app_data
    cached = json.loads(bag["data"])[request["request-id"]]
    assert cached["entity-type"] == "USER"
    response = json.loads(bag["requests"])[0]
    assert s.secret_content(out, response["secret-entity"]) == {
        "entity-name": "test-entity",
        "entity-password": "test-entity-password",
    }


def test_resource_requested_names_the_app_or_the_unit_whose_change_triggered_it() -> None:
    ctx = provider_ctx()
    state = provider_state(s.v1_bag(s.v1_request("data_platform", "kkkkkkkk")))
    events, out = changed(ctx, state, unit=False)
    assert [e.app.name for e in of_type(events, ResourceRequestedEvent)] == [s.REQUIRER_APP]
    events, _ = changed(ctx, forget_cache(out), unit=True)
    requested = of_type(events, ResourceRequestedEvent)
    assert [e.unit.name for e in requested] == [f"{s.REQUIRER_APP}/0"]


# --- event dispatch ----------------------------------------------------------------------------

V0_REQUEST = {
    "database": "data_platform",
    "extra-user-roles": "CREATEDB,CREATEROLE",
    "external-node-connectivity": "true",
}


def test_a_v0_request_fires_resource_requested_once_with_parsed_values() -> None:
    ctx = provider_ctx()
    events, out = changed(ctx, provider_state(V0_REQUEST))
    requested = of_type(events, ResourceRequestedEvent)
    assert [
        (e.request.resource, e.request.extra_user_roles, e.request.external_node_connectivity)
        for e in requested
    ] == [("data_platform", "CREATEDB,CREATEROLE", True)]
    later = s.change_remote(out, RELATION_ID, app=V0_REQUEST | {"entity-type": "USER"})
    events, _ = changed(ctx, later)
    assert of_type(events, ResourceRequestedEvent) == []


def test_a_v1_request_fires_resource_requested_once_with_parsed_values() -> None:
    ctx = provider_ctx()
    request = s.v1_request(
        "data_platform",
        "kkkkkkkk",
        **{"extra-user-roles": "CREATEDB,CREATEROLE", "external-node-connectivity": True},
    )
    events, out = changed(ctx, provider_state(s.v1_bag(request)))
    requested = of_type(events, ResourceRequestedEvent)
    assert [
        (e.request.resource, e.request.extra_user_roles, e.request.external_node_connectivity)
        for e in requested
    ] == [("data_platform", "CREATEDB,CREATEROLE", True)]
    later = s.change_remote(out, RELATION_ID, app=s.v1_bag(request | {"entity-type": "USER"}))
    events, _ = changed(ctx, later)
    assert of_type(events, ResourceRequestedEvent) == []


PERMISSIONS = [
    {"resource_name": "cars", "resource_type": "table", "privileges": ["SELECT"]},
]


def test_a_v0_entity_request_fires_resource_entity_requested_for_users_and_groups() -> None:
    ctx = provider_ctx()
    user = {
        "database": "data_platform",
        "entity-type": "USER",
        "entity-permissions": json.dumps(PERMISSIONS),
        "extra-user-roles": "admin",
    }
    events, out = changed(ctx, provider_state(user))
    requested = of_type(events, ResourceEntityRequestedEvent)
    assert [(e.request.entity_type, e.request.extra_user_roles) for e in requested] == [
        ("USER", "admin")
    ]
    assert requested[0].request.entity_permissions == [EntityPermissionModel(**PERMISSIONS[0])]
    group = {
        "database": "data_platform",
        "entity-type": "GROUP",
        "entity-permissions": json.dumps(PERMISSIONS),
        "extra-user-roles": "",
        "extra-group-roles": "readers",
    }
    events, _ = changed(ctx, s.change_remote(forget_cache(out), RELATION_ID, app=group))
    requested = of_type(events, ResourceEntityRequestedEvent)
    assert [(e.request.entity_type, e.request.extra_group_roles) for e in requested] == [
        ("GROUP", "readers")
    ]


def test_a_v0_json_encoded_role_string_reaches_the_charm_decoded() -> None:
    user = {
        "database": "data_platform",
        "entity-type": "USER",
        "extra-user-roles": json.dumps("admin"),
    }
    events, _ = changed(provider_ctx(), provider_state(user))
    requested = of_type(events, ResourceEntityRequestedEvent)
    assert [e.request.extra_user_roles for e in requested] == ["admin"]


def test_a_v1_entity_request_fires_resource_entity_requested_for_users_and_groups() -> None:
    ctx = provider_ctx()
    user = s.v1_request(
        "data_platform",
        "kkkkkkkk",
        **{"entity-type": "USER", "entity-permissions": PERMISSIONS, "extra-user-roles": "admin"},
    )
    events, out = changed(ctx, provider_state(s.v1_bag(user)))
    requested = of_type(events, ResourceEntityRequestedEvent)
    assert [(e.request.entity_type, e.request.extra_user_roles) for e in requested] == [
        ("USER", "admin")
    ]
    assert requested[0].request.entity_permissions == [EntityPermissionModel(**PERMISSIONS[0])]
    group = s.v1_request(
        "data_platform", "gggggggg", **{"entity-type": "GROUP", "extra-group-roles": "readers"}
    )
    later = s.change_remote(forget_cache(out), RELATION_ID, app=s.v1_bag(group))
    events, _ = changed(ctx, later)
    requested = of_type(events, ResourceEntityRequestedEvent)
    assert [(e.request.entity_type, e.request.extra_group_roles) for e in requested] == [
        ("GROUP", "readers")
    ]


def test_v0_entity_permissions_added_fire_permissions_changed_once() -> None:
    ctx = provider_ctx()
    # No permissions yet (the library's suite writes "", which Juju, and its Harness, store as
    # no key at all).
    bag = {"database": "data_platform", "entity-type": "USER"}
    events, out = changed(ctx, provider_state(bag))
    assert of_type(events, ResourceEntityPermissionsChangedEvent) == []
    with_permissions = bag | {"entity-permissions": json.dumps(PERMISSIONS)}
    events, out = changed(ctx, s.change_remote(out, RELATION_ID, app=with_permissions))
    changed_events = of_type(events, ResourceEntityPermissionsChangedEvent)
    assert [e.request.entity_permissions for e in changed_events] == [
        [EntityPermissionModel(**PERMISSIONS[0])]
    ]
    events, _ = changed(ctx, out)
    assert of_type(events, ResourceEntityPermissionsChangedEvent) == []


def test_v1_entity_permissions_added_fire_permissions_changed_once() -> None:
    ctx = provider_ctx()
    request = s.v1_request("data_platform", "kkkkkkkk", **{"entity-type": "USER"})
    events, out = changed(ctx, provider_state(s.v1_bag(request)))
    assert of_type(events, ResourceEntityPermissionsChangedEvent) == []
    with_permissions = s.v1_bag(request | {"entity-permissions": PERMISSIONS})
    events, out = changed(ctx, s.change_remote(out, RELATION_ID, app=with_permissions))
    changed_events = of_type(events, ResourceEntityPermissionsChangedEvent)
    assert [e.request.entity_permissions for e in changed_events] == [
        [EntityPermissionModel(**PERMISSIONS[0])]
    ]
    assert changed_events[0].request.request_id == gen_hash("data_platform", "kkkkkkkk")
    events, _ = changed(ctx, out)
    assert of_type(events, ResourceEntityPermissionsChangedEvent) == []
