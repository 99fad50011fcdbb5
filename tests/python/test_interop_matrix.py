"""The interop matrix: our library on one side, ``dpcharmlibs.interfaces`` 1.2.2 on the other.

Each case runs in both directions (our requirer with the reference provider, the reference
requirer with our provider) through :class:`harness.RelationPair`. The charms are built from
the library module they are given, so the same charm code runs on both libraries.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import data_interfaces_wasm as ours
import pytest
from dpcharmlibs import interfaces as reference
from ops import CharmBase, testing

from harness import RelationPair

PAIRINGS = {
    "our-requirer/reference-provider": (ours, reference),
    "reference-requirer/our-provider": (reference, ours),
}
Requests = Callable[[ModuleType], list[Any]]
Respond = Callable[[ModuleType, Any], Any]


def requirer(
    lib: ModuleType, requests: Requests, response_model: str = "ResourceProviderModel"
) -> type[CharmBase]:
    class Requirer(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            self.database = lib.ResourceRequirerEventHandler(
                self, "database", requests(lib), response_model=getattr(lib, response_model)
            )

    return Requirer


def provider(
    lib: ModuleType,
    respond: Respond,
    request_model: str = "RequirerCommonModel",
    mtls_enabled: bool = False,
) -> type[CharmBase]:
    class Provider(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            self.provided = lib.ResourceProviderEventHandler(
                self, "database", getattr(lib, request_model), mtls_enabled=mtls_enabled
            )
            on = self.provided.on
            self.framework.observe(on.resource_requested, self._answer)
            self.framework.observe(on.resource_entity_requested, self._answer)

        def _answer(self, event: Any) -> None:
            response = respond(lib, event.request)
            if response is not None:
                self.provided.set_response(event.relation.id, response)

    return Provider


def make_pair(
    pairing: str,
    requests: Requests,
    respond: Respond,
    *,
    request_model: str = "RequirerCommonModel",
    response_model: str = "ResourceProviderModel",
    mtls_enabled: bool = False,
) -> RelationPair:
    req_lib, prov_lib = PAIRINGS[pairing]
    return RelationPair(
        requirer(req_lib, requests, response_model),
        provider(prov_lib, respond, request_model, mtls_enabled),
    )


def named(events: list[Any], name: str) -> list[Any]:
    return [e for e in events if type(e).__name__ == name]


def flow(pair: RelationPair) -> tuple[list[Any], list[Any]]:
    """Requirer writes, provider answers, requirer reads: the events of the last two hooks."""
    pair.run("requirer", "created")
    provider_events = pair.run("provider", "changed")
    return provider_events, pair.run("requirer", "changed")


def user_response(lib: ModuleType, request: Any, **more: Any) -> Any:
    fields = {
        "salt": request.salt,
        "request_id": request.request_id,
        "resource": request.resource,
        "username": f"user-{request.request_id}",
        "password": f"pw-{request.request_id}",
        "endpoints": "10.0.0.1:5432",
    }
    return lib.ResourceProviderModel(**(fields | more))


pairings = pytest.mark.parametrize("pairing", list(PAIRINGS))


# --- entity requests --------------------------------------------------------------------


@pairings
@pytest.mark.parametrize(
    ("entity_type", "roles"),
    [("USER", {"extra_user_roles": "admin"}), ("GROUP", {"extra_group_roles": "readers"})],
)
def test_entity_request_is_requested_and_created(
    pairing: str, entity_type: str, roles: dict[str, str]
) -> None:
    def requests(lib: ModuleType) -> list[Any]:
        return [lib.RequirerCommonModel(resource="appdb", entity_type=entity_type, **roles)]

    def respond(lib: ModuleType, request: Any) -> Any:
        password = {"entity_password": "entity-pw"} if entity_type == "USER" else {}
        return lib.ResourceProviderModel(
            salt=request.salt,
            request_id=request.request_id,
            resource=request.resource,
            entity_name=f"{entity_type.lower()}-{request.request_id}",
            **password,
        )

    pair = make_pair(pairing, requests, respond)
    provider_events, requirer_events = flow(pair)
    requested = named(provider_events, "ResourceEntityRequestedEvent")
    assert [e.request.entity_type for e in requested] == [entity_type]
    for key, value in roles.items():
        assert getattr(requested[0].request, key) == value
    created = named(requirer_events, "ResourceEntityCreatedEvent")
    assert len(created) == 1
    response = created[0].response
    assert response.entity_name == f"{entity_type.lower()}-{requested[0].request.request_id}"
    assert response.entity_password == ("entity-pw" if entity_type == "USER" else None)
    assert response.secret_entity.startswith("secret:")
    assert named(requirer_events, "ResourceCreatedEvent") == []
    bag = json.dumps(dict(pair.relation("provider").local_app_data))
    assert "entity-pw" not in bag


# --- Kafka, with a consumer-group prefix ----------------------------------------------------


@pairings
def test_kafka_topic_with_consumer_group_prefix(pairing: str) -> None:
    def requests(lib: ModuleType) -> list[Any]:
        return [
            lib.KafkaRequestModel(
                resource="orders",
                extra_user_roles="producer,consumer",
                consumer_group_prefix="orders-grp-",
            )
        ]

    def respond(lib: ModuleType, request: Any) -> Any:
        return lib.KafkaResponseModel(
            salt=request.salt,
            request_id=request.request_id,
            resource=request.resource,
            username="kafka-user",
            password="kafka-pw",
            endpoints="broker-0:9092,broker-1:9092",
            consumer_group_prefix=request.consumer_group_prefix,
            zookeeper_uris="zk-0:2181/kafka",
        )

    pair = make_pair(
        pairing,
        requests,
        respond,
        request_model="KafkaRequestModel",
        response_model="KafkaResponseModel",
    )
    provider_events, requirer_events = flow(pair)
    requested = named(provider_events, "ResourceRequestedEvent")
    assert [(e.request.resource, e.request.consumer_group_prefix) for e in requested] == [
        ("orders", "orders-grp-")
    ]
    assert requested[0].request.extra_user_roles == "producer,consumer"
    created = named(requirer_events, "ResourceCreatedEvent")
    assert len(created) == 1
    response = created[0].response
    assert (response.username, response.password) == ("kafka-user", "kafka-pw")
    assert response.consumer_group_prefix == "orders-grp-"
    assert response.zookeeper_uris == "zk-0:2181/kafka"
    assert response.secret_extra.startswith("secret:")
    assert "zk-0" not in json.dumps(dict(pair.relation("provider").local_app_data))


# --- TLS, authentication_updated, secret rotation -----------------------------------------


def one_db(lib: ModuleType) -> list[Any]:
    return [lib.RequirerCommonModel(resource="appdb")]


def answer_again(pair: RelationPair, build: Callable[[ModuleType, Any], Any]) -> None:
    """The provider rewrites its response to the first request, outside any relation hook."""
    prov_lib = PAIRINGS_BY_PAIR[id(pair)][1]

    def action(charm: Any) -> None:
        relation = charm.model.get_relation("database", pair.relation_id)
        request = charm.provided.requests(relation)[0]
        charm.provided.set_response(pair.relation_id, build(prov_lib, request))

    pair.run_with("provider", pair.units["provider"].ctx.on.update_status(), action)


PAIRINGS_BY_PAIR: dict[int, tuple[ModuleType, ModuleType]] = {}


def tracked_pair(pairing: str, requests: Requests, respond: Respond) -> RelationPair:
    pair = make_pair(pairing, requests, respond)
    PAIRINGS_BY_PAIR[id(pair)] = PAIRINGS[pairing]
    return pair


@pairings
def test_tls_added_later_fires_authentication_updated(pairing: str) -> None:
    pair = tracked_pair(pairing, one_db, user_response)
    _, requirer_events = flow(pair)
    assert len(named(requirer_events, "ResourceCreatedEvent")) == 1

    answer_again(pair, lambda lib, req: user_response(lib, req, tls=True, tls_ca="CA-1"))
    events = pair.run("requirer", "changed")
    updated = named(events, "AuthenticationUpdatedEvent")
    assert len(updated) == 1
    response = updated[0].response
    assert (response.tls, response.tls_ca) == (True, "CA-1")
    assert response.secret_tls.startswith("secret:")
    assert response.username.startswith("user-")


def rotated_secret_event(pair: RelationPair, secret_id: str) -> list[Any]:
    secret = next(s for s in pair.state("requirer").secrets if s.id == secret_id)
    requirer_ctx = pair.units["requirer"].ctx
    return pair.run_event("requirer", requirer_ctx.on.secret_changed(secret))


@pairings
def test_a_rotated_password_fires_authentication_updated(pairing: str) -> None:
    pair = tracked_pair(pairing, one_db, user_response)
    _, requirer_events = flow(pair)
    first = named(requirer_events, "ResourceCreatedEvent")[0].response

    answer_again(pair, lambda lib, req: user_response(lib, req, password="new-pw"))
    events = rotated_secret_event(pair, first.secret_user)
    updated = named(events, "AuthenticationUpdatedEvent")
    assert len(updated) == 1
    assert updated[0].response.password == "new-pw"
    assert updated[0].response.request_id == first.request_id
    assert updated[0].relation.id == pair.relation_id


@pairings
def test_a_rotated_tls_ca_fires_authentication_updated(pairing: str) -> None:
    pair = tracked_pair(
        pairing, one_db, lambda lib, req: user_response(lib, req, tls=True, tls_ca="CA-1")
    )
    _, requirer_events = flow(pair)
    first = named(requirer_events, "ResourceCreatedEvent")[0].response
    assert first.tls_ca == "CA-1"

    answer_again(pair, lambda lib, req: user_response(lib, req, tls=True, tls_ca="CA-2"))
    events = rotated_secret_event(pair, first.secret_tls)
    updated = named(events, "AuthenticationUpdatedEvent")
    assert [e.response.tls_ca for e in updated] == ["CA-2"]


# --- statuses -------------------------------------------------------------------------------


@pairings
def test_statuses_are_raised_and_resolved(pairing: str) -> None:
    pair = tracked_pair(pairing, one_db, user_response)
    flow(pair)
    prov_lib = PAIRINGS[pairing][1]
    status = prov_lib.RelationStatus(code=4001, message="Degraded", resolution="Wait")

    pair.run_with(
        "provider",
        pair.units["provider"].ctx.on.update_status(),
        lambda charm: charm.provided.raise_status(pair.relation_id, status),
    )
    raised = named(pair.run("requirer", "changed"), "StatusRaisedEvent")
    assert [(e.status.code, e.status.message, e.status.resolution) for e in raised] == [
        (4001, "Degraded", "Wait")
    ]
    assert [[s.code for s in e.active_statuses] for e in raised] == [[4001]]

    pair.run_with(
        "provider",
        pair.units["provider"].ctx.on.update_status(),
        lambda charm: charm.provided.resolve_status(pair.relation_id, 4001),
    )
    resolved = named(pair.run("requirer", "changed"), "StatusResolvedEvent")
    # The reference requirer compares with the statuses the provider cached at its last
    # relation-changed, so it misses this resolution with either provider (spec section 15;
    # checked against its own provider in test_the_provider_status_bags_are_the_same).
    expected = [4001] if PAIRINGS[pairing][0] is ours else []
    assert [e.status.code for e in resolved] == expected
    assert all(e.active_statuses == [] for e in resolved)


def test_the_provider_status_bags_are_the_same() -> None:
    bags = {}
    for lib in (ours, reference):
        pair = RelationPair(requirer(ours, one_db), provider(lib, user_response))
        flow(pair)
        status = lib.RelationStatus(code=4001, message="Degraded", resolution="Wait")
        ctx = pair.units["provider"].ctx
        pair.run_with(
            "provider",
            ctx.on.update_status(),
            lambda charm, status=status, pair=pair: charm.provided.raise_status(
                pair.relation_id, status
            ),
        )
        raised = dict(pair.relation("provider").local_app_data)["status"]
        pair.run_with(
            "provider",
            ctx.on.update_status(),
            lambda charm, pair=pair: charm.provided.resolve_status(pair.relation_id, 4001),
        )
        resolved = dict(pair.relation("provider").local_app_data)["status"]
        bags[lib.__name__] = (raised, resolved)
    assert bags[ours.__name__] == bags[reference.__name__]


# --- mTLS -----------------------------------------------------------------------------------


@pairings
def test_an_mtls_certificate_reaches_the_provider(pairing: str) -> None:
    def requests(lib: ModuleType) -> list[Any]:
        return [lib.RequirerCommonModel(resource="appdb", mtls_cert="-----CERT-----")]

    pair = make_pair(pairing, requests, lambda lib, req: None, mtls_enabled=True)
    pair.run("requirer", "created")
    assert "-----CERT-----" not in json.dumps(dict(pair.relation("requirer").local_app_data))
    events = pair.run("provider", "changed")
    updated = named(events, "MtlsCertUpdatedEvent")
    assert len(updated) == 1
    assert updated[0].request.mtls_cert == "-----CERT-----"
    assert updated[0].old_mtls_cert is None


# --- a v0 requirer ----------------------------------------------------------------------------

V0_BAG = {"database": "legacydb", "extra-user-roles": "admin"}


def test_a_v0_requirer_gets_the_same_answer_from_both_providers() -> None:
    bags = {}
    for name, lib in {"ours": ours, "reference": reference}.items():
        pair = RelationPair(requirer(ours, one_db), provider(lib, user_response))
        # A v0 requirer: a flat databag, written by hand as old charms did.
        relation = pair.relation("requirer")
        pair.units["requirer"].state = dataclasses.replace(
            pair.state("requirer"),
            relations={dataclasses.replace(relation, local_app_data=dict(V0_BAG))},
        )
        pair.carry("requirer")
        events = pair.run("provider", "changed")
        requested = named(events, "ResourceRequestedEvent")
        assert [(e.request.resource, e.request.extra_user_roles) for e in requested] == [
            ("legacydb", "admin")
        ]
        bags[name] = _without_salts_and_ids(dict(pair.relation("provider").local_app_data))
    assert bags["ours"] == bags["reference"]


def _without_salts_and_ids(bag: dict[str, str]) -> dict[str, Any]:
    """A databag with the random parts (salts, secret ids, request ids) masked."""
    salt = bag.get("salt", "")
    out: dict[str, Any] = {}
    for key, value in bag.items():
        masked = value.replace(salt, "<salt>") if salt else value
        if masked.startswith("secret:"):
            masked = "secret:<id>"
        out[key] = masked
    return out


# --- mTLS rotation: the requirer's secret changes, the provider sees the old and new cert -----


def mtls_requests(lib: ModuleType) -> list[Any]:
    return [lib.RequirerCommonModel(resource="appdb", mtls_cert="-----CERT-1-----")]


def owned_mtls_secret(pair: RelationPair) -> testing.Secret:
    return next(
        s
        for s in pair.state("requirer").secrets
        if s.owner is not None and "mtls-cert" in s.latest_content
    )


@pairings
def test_a_rotated_mtls_certificate_carries_the_old_one(pairing: str) -> None:
    pair = make_pair(pairing, mtls_requests, lambda lib, req: None, mtls_enabled=True)
    pair.run("requirer", "created")
    first = named(pair.run("provider", "changed"), "MtlsCertUpdatedEvent")
    assert [(e.request.mtls_cert, e.old_mtls_cert) for e in first] == [("-----CERT-1-----", None)]

    # The requirer charm rotates its certificate: new content in its own mtls secret.
    secret_id = owned_mtls_secret(pair).id
    pair.run_with(
        "requirer",
        pair.units["requirer"].ctx.on.update_status(),
        lambda charm: charm.model.get_secret(id=secret_id).set_content(
            {"mtls-cert": "-----CERT-2-----"}
        ),
    )
    seen = next(s for s in pair.state("provider").secrets if s.id == secret_id)
    provider_ctx = pair.units["provider"].ctx
    events = pair.run_event("provider", provider_ctx.on.secret_changed(seen))
    updated = named(events, "MtlsCertUpdatedEvent")
    assert [(e.request.mtls_cert, e.old_mtls_cert) for e in updated] == [
        ("-----CERT-2-----", "-----CERT-1-----")
    ]
    assert updated[0].relation.id == pair.relation_id
    bag = json.dumps(dict(pair.relation("requirer").local_app_data))
    assert "CERT-2" not in bag


# --- bulk events ------------------------------------------------------------------------------


def bulk_provider(lib: ModuleType) -> type[CharmBase]:
    class BulkProvider(CharmBase):
        def __init__(self, framework: Any) -> None:
            super().__init__(framework)
            self.provided = lib.ResourceProviderEventHandler(
                self, "database", lib.RequirerCommonModel, bulk_event=True
            )
            self.framework.observe(self.provided.on.bulk_resources_requested, self._answer)

        def _answer(self, event: Any) -> None:
            responses = [user_response(lib, request) for request in event.requests]
            self.provided.set_responses(event.relation.id, responses)

    return BulkProvider


def two_dbs(lib: ModuleType) -> list[Any]:
    return [lib.RequirerCommonModel(resource="orders"), lib.RequirerCommonModel(resource="users")]


@pairings
def test_a_bulk_event_carries_every_request(pairing: str) -> None:
    req_lib, prov_lib = PAIRINGS[pairing]
    pair = RelationPair(requirer(req_lib, two_dbs), bulk_provider(prov_lib))
    provider_events, requirer_events = flow(pair)
    bulk = named(provider_events, "BulkResourcesRequestedEvent")
    assert [[r.resource for r in e.requests] for e in bulk] == [["orders", "users"]]
    assert named(provider_events, "ResourceRequestedEvent") == []
    created = named(requirer_events, "ResourceCreatedEvent")
    assert sorted((e.response.resource, e.response.username) for e in created) == sorted(
        (r.resource, f"user-{r.request_id}") for r in bulk[0].requests
    )


# --- a v0 requirer, answered with TLS and extra secret fields ---------------------------------


def tls_and_extra_response(lib: ModuleType, request: Any) -> Any:
    return lib.KafkaResponseModel(
        salt=request.salt,
        request_id=request.request_id,
        resource=request.resource,
        username="legacy-user",
        password="legacy-pw",
        endpoints="10.0.0.1:5432",
        tls=True,
        tls_ca="-----CA-----",
        zookeeper_uris="zk-0:2181",
    )


def test_a_v0_requirer_gets_the_same_tls_and_extra_secrets_from_both_providers() -> None:
    answers = {}
    for name, lib in {"ours": ours, "reference": reference}.items():
        pair = RelationPair(requirer(ours, one_db), provider(lib, tls_and_extra_response))
        relation = pair.relation("requirer")
        pair.units["requirer"].state = dataclasses.replace(
            pair.state("requirer"),
            relations={dataclasses.replace(relation, local_app_data=dict(V0_BAG))},
        )
        pair.carry("requirer")
        pair.run("provider", "changed")
        bag = dict(pair.relation("provider").local_app_data)
        contents = {
            key: dict(
                next(s for s in pair.state("provider").secrets if s.id == bag[key]).latest_content
            )
            for key in ("secret-user", "secret-tls", "secret-extra")
        }
        labels = sorted(s.label for s in pair.state("provider").secrets if s.label)
        answers[name] = (_without_salts_and_ids(bag), contents, labels)
    assert answers["ours"] == answers["reference"]
    _, contents, _ = answers["ours"]
    assert contents["secret-tls"] == {"tls": "true", "tls-ca": "-----CA-----"}
    assert contents["secret-extra"] == {"zookeeper-uris": "zk-0:2181"}
