"""The requirer behaviours of the library's unit suite (spec section 11), on our package.

The library's requirer classes ask for ``data_platform`` (salt ``kkkkkkkk``) and an entity-only
USER (salt ``xxxxxxxx``) with the relation alias ``cluster1``; the provider's side is written
by hand, as a provider would have written it (its responses, its ``data`` cache and the
secrets it granted).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from data_interfaces_wasm import (
    AuthenticationUpdatedEvent,
    KafkaRequestModel,
    RequirerCommonModel,
    ResourceCreatedEvent,
    ResourceEndpointsChangedEvent,
    ResourceEntityCreatedEvent,
    ResourceProviderModel,
    ResourceReadOnlyEndpointsChangedEvent,
    ResourceRequirerEventHandler,
    gen_hash,
)
from dpcharmlibs import interfaces as reference
from ops import CharmBase, testing

import spec_support as s

RELATION_ID = 3
DATA_PLATFORM_ID = gen_hash("data_platform", s.DATA_PLATFORM_SALT)
ENTITY_ID = gen_hash("", s.ENTITY_SALT)


def requirer_ctx(
    aliases: list[str] | None = None,
    limit: int = 1,
    response_model: type[ResourceProviderModel] = ResourceProviderModel,
) -> testing.Context:
    charm = s.requirer_charm(["cluster1"] if aliases is None else aliases, response_model)
    return testing.Context(charm, meta=s.requirer_meta(limit), app_name=s.REQUIRER_APP)


def database_relation(
    relation_id: int = RELATION_ID,
    remote_app_data: dict[str, str] | None = None,
    alias: str | None = None,
) -> testing.Relation:
    """The relation; with ``alias``, this unit took that alias at relation-created."""
    return testing.Relation(
        s.ENDPOINT,
        "database_client",
        id=relation_id,
        remote_app_name=s.PROVIDER_APP,
        remote_app_data=remote_app_data or {},
        remote_units_data={0: {}, 1: {}},
        local_unit_data={"alias": alias} if alias else {},
    )


def user_secret(username: str = "test-username", password: str = "test-password") -> Any:
    """A provider-owned user secret granted to this application (seen as a consumer)."""
    return testing.Secret({"username": username, "password": password})


def response(
    resource: str = "data_platform", salt: str = s.DATA_PLATFORM_SALT, **fields: Any
) -> dict[str, Any]:
    return s.v1_request(resource, salt, **fields)


def provider_bag(*responses: dict[str, Any], **extra: str) -> dict[str, str]:
    """The provider's app bag: its responses and its cache of the requests it saw."""
    request_keys = ("resource", "request-id", "salt", "entity-type")
    data = {r["request-id"]: {key: r[key] for key in request_keys if key in r} for r in responses}
    return s.v1_bag(*responses) | {"data": json.dumps(data)} | extra


def answered(
    ctx: testing.Context,
    bag: dict[str, str],
    secrets: tuple[Any, ...] = (),
    leader: bool = True,
    alias: str | None = "cluster1",
) -> tuple[list[Any], testing.State]:
    """relation-changed on a requirer whose relation now holds the provider's ``bag``."""
    relation = database_relation(remote_app_data=bag, alias=alias)
    state = testing.State(leader=leader, relations={relation}, secrets=set(secrets))
    return s.run(ctx, ctx.on.relation_changed(relation, remote_unit=0), state)


def again(
    ctx: testing.Context,
    state: testing.State,
    bag: dict[str, str],
    secrets: tuple[Any, ...] = (),
    unit: bool = True,
) -> tuple[list[Any], testing.State]:
    """relation-changed again, after the provider rewrote its ``bag``."""
    state = s.change_remote(state, RELATION_ID, app=bag)
    state = dataclasses.replace(state, secrets={*state.secrets, *secrets})
    relation = s.relation(state, RELATION_ID)
    event = (
        ctx.on.relation_changed(relation, remote_unit=0)
        if unit
        else ctx.on.relation_changed(relation)
    )
    return s.run(ctx, event, state)


# --- the requirer's own databag ------------------------------------------------------------


def test_relation_created_writes_the_alias_the_version_and_the_requests() -> None:
    ctx = requirer_ctx()
    relation = database_relation()
    _, out = s.run(
        ctx, ctx.on.relation_created(relation), testing.State(leader=True, relations={relation})
    )
    bag = s.relation(out, RELATION_ID).local_app_data
    assert (bag["alias"], bag["version"]) == ("cluster1", "v1")
    requests = json.loads(bag["requests"])
    assert [(r["request-id"], r["resource"], r["salt"]) for r in requests] == [
        ("c759221a6c14c72a", "data_platform", "kkkkkkkk"),
        ("9ecfabfbb5258f88", "", "xxxxxxxx"),
    ]
    assert (requests[1]["entity-type"], requests[0]["external-node-connectivity"]) == (
        "USER",
        False,
    )


class ReferenceRequirer(CharmBase):
    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        requests = [
            reference.RequirerCommonModel(
                resource="data_platform", salt=s.DATA_PLATFORM_SALT, extra_user_roles="CREATEDB"
            ),
            reference.RequirerCommonModel(resource="", salt=s.ENTITY_SALT, entity_type="USER"),
        ]
        self.requirer = reference.ResourceRequirerEventHandler(
            self,
            s.ENDPOINT,
            requests,
            reference.ResourceProviderModel,
            relation_aliases=["cluster1"],
        )


def test_relation_created_writes_the_same_bag_as_the_library() -> None:
    bags = []
    for charm in (s.requirer_charm(["cluster1"]), ReferenceRequirer):
        ctx = testing.Context(charm, meta=s.requirer_meta(1), app_name=s.REQUIRER_APP)
        relation = database_relation()
        state = testing.State(leader=True, relations={relation})
        out = ctx.run(ctx.on.relation_created(relation), state)
        bags.append(dict(s.relation(out, RELATION_ID).local_app_data))
    assert bags[0] == bags[1]


@pytest.mark.parametrize(
    "request_model",
    [
        # Built without validation (the constructor refuses them, as the library's does): the
        # component refuses them too.
        RequirerCommonModel.model_construct(resource="db", entity_type="INVALID"),
        RequirerCommonModel.model_construct(
            resource="db", entity_type="USER", extra_group_roles="readers"
        ),
        RequirerCommonModel.model_construct(
            resource="db", entity_type="GROUP", extra_user_roles="admin"
        ),
        KafkaRequestModel.model_construct(resource="topic", consumer_group_prefix="*"),
    ],
    ids=["invalid-entity-type", "user-with-group-roles", "group-with-user-roles", "kafka-star"],
)
def test_an_inconsistent_request_fails_relation_created_with_a_value_error(
    request_model: RequirerCommonModel,
) -> None:
    class Requirer(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            self.requirer = ResourceRequirerEventHandler(self, s.ENDPOINT, [request_model])

    ctx = testing.Context(Requirer, meta=s.requirer_meta(1), app_name=s.REQUIRER_APP)
    relation = database_relation()
    with pytest.raises(testing.errors.UncaughtCharmError) as raised:
        ctx.run(
            ctx.on.relation_created(relation), testing.State(leader=True, relations={relation})
        )
    assert isinstance(raised.value.__cause__, ValueError)


# --- events ------------------------------------------------------------------------------------


def test_resource_created_fires_plain_then_aliased_and_a_broken_relation_is_hidden() -> None:
    ctx = requirer_ctx()
    secret = user_secret()
    events, out = answered(ctx, provider_bag(response(**{"secret-user": secret.id})), (secret,))
    assert s.kinds(events) == ["resource_created", "cluster1_resource_created"]

    ctx.emitted_events.clear()
    with ctx(ctx.on.relation_broken(s.relation(out, RELATION_ID)), out) as manager:
        handler = manager.charm.requirer
        relations = handler.relations
        manager.run()
    assert relations == []
    assert s.library_events(ctx) == []


def test_resource_created_carries_the_credentials_on_each_relation() -> None:
    ctx = requirer_ctx(aliases=["cluster1", "cluster2"], limit=2)
    first, second = user_secret(password="pw-1"), user_secret(password="pw-2")
    relations = {
        database_relation(1, provider_bag(response(**{"secret-user": first.id}))),
        database_relation(2, provider_bag(response(**{"secret-user": second.id}))),
    }
    state = testing.State(leader=True, relations=relations, secrets={first, second})
    for relation_id, secret in ((1, first), (2, second)):
        relation = s.relation(state, relation_id)
        with ctx(ctx.on.relation_changed(relation, remote_unit=0), state) as manager:
            ctx.emitted_events.clear()
            state = manager.run()
            handler = manager.charm.requirer
            created_flags = (
                handler.is_resource_created(relation_id, DATA_PLATFORM_ID),
                handler.are_all_resources_created(relation_id),
            )
        created = [e for e in s.library_events(ctx) if type(e) is ResourceCreatedEvent]
        assert created
        assert {(e.response.secret_user, e.response.username) for e in created} == {
            (secret.id, "test-username")
        }
        assert {e.response.password for e in created} == {secret.latest_content["password"]}
        assert created_flags == (True, True)


def test_resource_entity_created_carries_the_entity_name_and_password() -> None:
    ctx = requirer_ctx()
    user = testing.Secret({"entity-name": "test-user", "entity-password": "test-pw"})
    entity = response("", s.ENTITY_SALT, **{"entity-type": "USER", "secret-entity": user.id})
    events, _ = answered(ctx, provider_bag(entity), (user,))
    created = [e for e in events if type(e) is ResourceEntityCreatedEvent]
    assert {(e.response.entity_name, e.response.entity_password) for e in created} == {
        ("test-user", "test-pw")
    }

    group = testing.Secret({"entity-name": "test-group"})
    entity = response("", s.ENTITY_SALT, **{"entity-type": "GROUP", "secret-entity": group.id})
    events, _ = answered(ctx, provider_bag(entity), (group,))
    created = [e for e in events if type(e) is ResourceEntityCreatedEvent]
    assert {(e.response.entity_name, e.response.entity_password) for e in created} == {
        ("test-group", None)
    }


def test_responses_expose_the_plain_fields_and_the_secret_fields() -> None:
    ctx = requirer_ctx()
    secret = user_secret()
    bag = provider_bag(response(**{"secret-user": secret.id, "endpoints": "host1:port"}))
    relation = database_relation(remote_app_data=bag)
    state = testing.State(leader=True, relations={relation}, secrets={secret})
    with ctx(ctx.on.update_status(), state) as manager:
        responses = manager.charm.requirer.responses(RELATION_ID)
        manager.run()
    assert [(r.request_id, r.endpoints, r.password) for r in responses] == [
        (DATA_PLATFORM_ID, "host1:port", "test-password")
    ]


@pytest.mark.parametrize(
    ("key", "event_type"),
    [
        ("endpoints", ResourceEndpointsChangedEvent),
        ("read-only-endpoints", ResourceReadOnlyEndpointsChangedEvent),
    ],
)
def test_an_endpoints_change_fires_once_per_new_value(key: str, event_type: type) -> None:
    ctx = requirer_ctx(aliases=[])
    secret = user_secret()
    base = response(**{"secret-user": secret.id})
    _, state = answered(ctx, provider_bag(base), (secret,), alias=None)

    def fired(value: str) -> int:
        nonlocal state
        events, state = again(ctx, state, provider_bag(base | {key: value}))
        return len([e for e in events if type(e) is event_type])

    assert [fired("host1:port"), fired("host1:port"), fired("host2:port")] == [1, 0, 1]


def test_additional_fields_of_the_secrets_and_the_response_are_accessible() -> None:
    ctx = requirer_ctx(aliases=[])
    user = testing.Secret(
        {"username": "u", "password": "p", "uris": "postgresql://u:p@host1:5432/data_platform"}
    )
    tls = testing.Secret({"tls": "true", "tls-ca": "Canonical"})
    fields = {"secret-user": user.id, "secret-tls": tls.id, "version": "1.0"}
    events, _ = answered(ctx, provider_bag(response(**fields)), (user, tls), alias=None)
    (created,) = [e for e in events if type(e) is ResourceCreatedEvent]
    got = created.response
    assert got.tls is True
    assert (got.tls_ca, got.uris, got.version) == (
        "Canonical",
        "postgresql://u:p@host1:5432/data_platform",
        "1.0",
    )


def test_aliases_are_assigned_first_free_and_kept() -> None:
    ctx = requirer_ctx(aliases=["cluster1", "cluster2"], limit=2)
    state = testing.State(leader=True, relations={database_relation(1), database_relation(2)})
    for relation_id in (1, 2):
        _, state = s.run(ctx, ctx.on.relation_created(s.relation(state, relation_id)), state)
    aliases = [s.relation(state, i).local_unit_data["alias"] for i in (1, 2)]
    assert aliases == ["cluster1", "cluster2"]
    _, state = s.run(ctx, ctx.on.relation_created(s.relation(state, 2)), state)
    assert s.relation(state, 2).local_unit_data["alias"] == "cluster2"


@pytest.mark.parametrize("leader", [True, False], ids=["leader", "non-leader"])
def test_each_response_change_fires_one_event_plain_and_aliased(leader: bool) -> None:
    ctx = requirer_ctx()
    secret = user_secret()
    base = response(**{"secret-user": secret.id, "endpoints": "host1:port"})
    events, state = answered(ctx, provider_bag(base), (secret,), leader=leader)
    assert [type(e) for e in events] == [ResourceCreatedEvent] * 2

    both = base | {"endpoints": "host2:port", "read-only-endpoints": "host3:port"}
    events, state = again(ctx, state, provider_bag(both), unit=False)
    assert s.kinds(events) == ["endpoints_changed", "cluster1_endpoints_changed"]

    read_only = both | {"read-only-endpoints": "host4:port"}
    events, _ = again(ctx, state, provider_bag(read_only), unit=True)
    assert s.kinds(events) == [
        "read_only_endpoints_changed",
        "cluster1_read_only_endpoints_changed",
    ]
    assert all(type(e) is not AuthenticationUpdatedEvent for e in events)
