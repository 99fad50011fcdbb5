"""Relations in a given protocol state, for ``ops.testing`` tests of a charm.

A charm's own tests start from a relation in some state of the protocol: "the requirer has
asked for a database", "the provider has answered with these credentials". This module builds
those :class:`ops.testing.Relation` objects, and the :class:`ops.testing.Secret` objects that
go with them, by running the protocol component on both sides of the relation (two throwaway
charms in ``ops.testing``): the databags and secrets are exactly what a peer charm would have
written, so a test never spells out a wire format. Needs ``ops[testing]``.

Testing a provider charm::

    from ops import testing
    from data_interfaces_wasm import RequirerCommonModel
    from data_interfaces_wasm.testing import provider_relation

    def test_creates_the_database():
        related = provider_relation([RequirerCommonModel(resource="appdb")])
        ctx = testing.Context(MyDatabaseCharm)
        state = related.add_to(testing.State(leader=True))
        out = ctx.run(ctx.on.relation_changed(related.relation, remote_unit=0), state)
        ...

Testing a requirer charm (the provider has answered; the requirer has not seen it yet)::

    related = requirer_relation(
        [RequirerCommonModel(resource="appdb")],
        responses=[ResourceProviderModel(username="u", password="p", endpoints="db:5432")],
    )
    out = ctx.run(ctx.on.relation_changed(related.relation, remote_unit=0), related.add_to(state))

A response without a ``request_id`` answers the request at the same position (its
``request_id``, ``salt`` and ``resource`` are copied from that request).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Union

from ops import CharmBase, testing

from .handlers import ResourceProviderEventHandler, ResourceRequirerEventHandler
from .models import RelationStatus, RequirerCommonModel, ResourceProviderModel

__all__ = ["RelationState", "Responder", "provider_relation", "requirer_relation"]

Responder = Callable[[RequirerCommonModel], Union[ResourceProviderModel, None]]  # noqa: UP007
"""Builds the response to one request (``None``: leave that request unanswered)."""

_Side = Literal["requirer", "provider"]
_UNIT = 0


@dataclasses.dataclass(frozen=True)
class RelationState:
    """A relation as the charm under test sees it, and the secrets it can see.

    Attributes:
        relation: the relation, with the remote application's (and unit 0's) databags and,
            when this side has already written something, its own.
        secrets: the secrets this side owns (``owner="app"``) and the remote side's secrets
            granted to it (``owner=None``, with ``latest_content``).
    """

    relation: testing.Relation
    secrets: tuple[testing.Secret, ...] = ()

    def add_to(self, state: testing.State) -> testing.State:
        """``state`` with this relation and these secrets added."""
        return dataclasses.replace(
            state,
            relations={*state.relations, self.relation},
            secrets={*state.secrets, *self.secrets},
        )


def provider_relation(
    requests: Sequence[RequirerCommonModel],
    *,
    responses: Sequence[ResourceProviderModel] | Responder | None = None,
    statuses: Iterable[RelationStatus] = (),
    endpoint: str = "database",
    interface: str = "database_client",
    relation_id: int | None = None,
    remote_app_name: str = "requirer",
    app_name: str = "provider",
) -> RelationState:
    """A relation as a provider charm sees it: a requirer has made ``requests``.

    Without ``responses`` (the "requested" state), the provider has not handled the requests
    yet: a ``relation_changed`` on the result fires ``resource_requested`` (or
    ``resource_entity_requested``). With ``responses`` (the "answered" state), the provider has
    already answered: its responses are in its own databag and secrets, and ``statuses`` are
    raised.

    Args:
        requests: the requirer's requests, in order.
        responses: the provider's responses, or a function from a request to its response.
        statuses: statuses the provider has raised on the relation.
        endpoint: the endpoint name, on both sides.
        interface: the interface name.
        relation_id: the relation's id (``ops.testing``'s next id when ``None``).
        remote_app_name: the requirer application's name.
        app_name: the provider application's name.
    """
    pair = _Pair(
        requests,
        endpoint,
        interface,
        relation_id,
        requirer_app=remote_app_name,
        provider_app=app_name,
    )
    pair.requirer_writes()
    if responses is not None or statuses:
        pair.provider_answers(responses, list(statuses))
    return pair.view("provider")


def requirer_relation(
    requests: Sequence[RequirerCommonModel],
    *,
    responses: Sequence[ResourceProviderModel] | Responder | None = None,
    statuses: Iterable[RelationStatus] = (),
    endpoint: str = "database",
    interface: str = "database_client",
    relation_id: int | None = None,
    remote_app_name: str = "provider",
    app_name: str = "requirer",
) -> RelationState:
    """A relation as a requirer charm sees it, after it has written ``requests``.

    Without ``responses`` (the "requested" state) the provider has not answered. With
    ``responses`` (the "answered" state) the provider's responses, and its secrets granted on
    the relation, are there, and ``statuses`` are raised; the requirer has not handled them
    yet, so a ``relation_changed`` on the result fires ``resource_created`` (and the other
    requirer events) as the first time round.

    The charm under test must make the same ``requests`` (its handler rewrites them otherwise).

    Args:
        requests: the requirer's requests, in order.
        responses: the provider's responses, or a function from a request to its response.
        statuses: statuses the provider has raised on the relation.
        endpoint: the endpoint name, on both sides.
        interface: the interface name.
        relation_id: the relation's id (``ops.testing``'s next id when ``None``).
        remote_app_name: the provider application's name.
        app_name: the requirer application's name.
    """
    pair = _Pair(
        requests,
        endpoint,
        interface,
        relation_id,
        requirer_app=app_name,
        provider_app=remote_app_name,
    )
    pair.requirer_writes()
    if responses is not None or statuses:
        pair.provider_answers(responses, list(statuses))
    return pair.view("requirer")


class _Pair:
    """Two throwaway charms, one on each side of one relation, in the same model."""

    def __init__(
        self,
        requests: Sequence[RequirerCommonModel],
        endpoint: str,
        interface: str,
        relation_id: int | None,
        *,
        requirer_app: str,
        provider_app: str,
    ) -> None:
        self.endpoint = endpoint
        ids = {} if relation_id is None else {"id": relation_id}
        first = testing.Relation(endpoint, interface, remote_app_name=provider_app, **ids)
        self.relation_id = first.id
        model = testing.Model()
        request_list = list(requests)
        request_model = type(request_list[0]) if request_list else RequirerCommonModel

        class _Requirer(CharmBase):
            def __init__(self, framework: Any) -> None:
                super().__init__(framework)
                self.handler = ResourceRequirerEventHandler(self, endpoint, request_list)

        class _Provider(CharmBase):
            def __init__(self, framework: Any) -> None:
                super().__init__(framework)
                self.handler = ResourceProviderEventHandler(self, endpoint, request_model)

        self.ctx: dict[_Side, testing.Context] = {
            "requirer": testing.Context(
                _Requirer,
                meta={"name": requirer_app, "requires": {endpoint: {"interface": interface}}},
                app_name=requirer_app,
                unit_id=_UNIT,
            ),
            "provider": testing.Context(
                _Provider,
                meta={"name": provider_app, "provides": {endpoint: {"interface": interface}}},
                app_name=provider_app,
                unit_id=_UNIT,
            ),
        }
        self.state: dict[_Side, testing.State] = {
            "requirer": testing.State(
                leader=True,
                model=model,
                relations={dataclasses.replace(first, remote_units_data={_UNIT: {}})},
            ),
            "provider": testing.State(
                leader=True,
                model=model,
                relations={
                    testing.Relation(
                        endpoint,
                        interface,
                        id=self.relation_id,
                        remote_app_name=requirer_app,
                        remote_units_data={_UNIT: {}},
                    )
                },
            ),
        }

    def relation(self, side: _Side) -> testing.Relation:
        relation = self.state[side].get_relation(self.relation_id)
        assert isinstance(relation, testing.Relation)
        return relation

    def requirer_writes(self) -> None:
        ctx = self.ctx["requirer"]
        self.state["requirer"] = ctx.run(
            ctx.on.relation_created(self.relation("requirer")), self.state["requirer"]
        )
        self._carry("requirer")

    def provider_answers(
        self,
        responses: Sequence[ResourceProviderModel] | Responder | None,
        statuses: list[RelationStatus],
    ) -> None:
        ctx = self.ctx["provider"]
        # The provider handles the requests first (nobody observes its events), as a real
        # provider does; then it answers, in a hook its handler does not react to.
        relation = self.relation("provider")
        self.state["provider"] = ctx.run(
            ctx.on.relation_changed(relation, remote_unit=_UNIT), self.state["provider"]
        )
        with ctx(ctx.on.update_status(), self.state["provider"]) as manager:
            handler: ResourceProviderEventHandler[Any] = manager.charm.handler
            relation = manager.charm.model.get_relation(self.endpoint, self.relation_id)
            assert relation is not None
            requests = list(handler.requests(relation))
            answers = _answers(requests, responses)
            if answers:
                handler.set_responses(self.relation_id, answers)
            for status in statuses:
                handler.raise_status(self.relation_id, status)
            self.state["provider"] = manager.run()
        self._carry("provider")

    def view(self, side: _Side) -> RelationState:
        state = self.state[side]
        return RelationState(self.relation(side), tuple(state.secrets))

    def _carry(self, side: _Side) -> None:
        """Give the other side this side's databags and the secrets it granted."""
        other: _Side = "provider" if side == "requirer" else "requirer"
        wrote = self.relation(side)
        sees = self.relation(other)
        updated = dataclasses.replace(
            sees,
            remote_app_data=dict(wrote.local_app_data),
            remote_units_data={_UNIT: dict(wrote.local_unit_data)},
        )
        granted = [
            testing.Secret(
                secret.latest_content,
                latest_content=secret.latest_content,
                id=secret.id,
            )
            for secret in self.state[side].secrets
            if secret.owner is not None and self.relation_id in secret.remote_grants
        ]
        granted_ids = {secret.id for secret in granted}
        target = self.state[other]
        kept = {s for s in target.secrets if s.id not in granted_ids}
        self.state[other] = dataclasses.replace(
            target,
            relations=(set(target.relations) - {sees}) | {updated},
            secrets=kept | set(granted),
        )


def _answers(
    requests: list[RequirerCommonModel],
    responses: Sequence[ResourceProviderModel] | Responder | None,
) -> list[ResourceProviderModel]:
    if responses is None:
        return []
    if callable(responses):
        built = [(request, responses(request)) for request in requests]
        pairs = [(request, response) for request, response in built if response is not None]
    else:
        if len(responses) > len(requests):
            raise ValueError(f"{len(responses)} responses for {len(requests)} requests")
        pairs = list(zip(requests[: len(responses)], responses, strict=True))
    answers = []
    for request, given in pairs:
        response = copy.deepcopy(given)
        if response.request_id is None:
            response.request_id = request.request_id
            response.salt = request.salt
            if not response.resource:
                response.resource = request.resource
        answers.append(response)
    return answers
