"""Charms and one-hook runners for the ``test_spec_*`` suites (spec section 11).

The Python library's unit suites drive one charm at a time with hand-written databags of the
other side; these helpers do the same over ``ops.testing`` with our package: a provider charm
whose answer is chosen by the test, a requirer charm with the requests of the library's suite,
and a runner that returns the package's events (not ops' own) and the state after the hook.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any, ClassVar

from data_interfaces_wasm import (
    RequirerCommonModel,
    ResourceProviderEventHandler,
    ResourceProviderModel,
    ResourceRequirerEventHandler,
    gen_hash,
)
from ops import CharmBase, testing

ENDPOINT = "database"
PROVIDER_APP = "database"
REQUIRER_APP = "application"

PROVIDER_META = {
    "name": PROVIDER_APP,
    "provides": {ENDPOINT: {"interface": "database_client"}},
}


def requirer_meta(limit: int = 1) -> dict[str, Any]:
    """The requirer's metadata: one ``database`` endpoint with that ``limit``."""
    return {
        "name": REQUIRER_APP,
        "requires": {ENDPOINT: {"interface": "database_client", "limit": limit}},
    }


Answer = Callable[[Any, Any], None]


class ProviderCharm(CharmBase):
    """A provider whose answer to each request event is ``ProviderCharm.answer`` (or none)."""

    answer: ClassVar[Answer | None] = None
    handler_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        self.provider = ResourceProviderEventHandler(
            self, ENDPOINT, RequirerCommonModel, **self.handler_options
        )
        self.framework.observe(self.provider.on.resource_requested, self._answer)
        self.framework.observe(self.provider.on.resource_entity_requested, self._answer)

    def _answer(self, event: Any) -> None:
        if type(self).answer is not None:
            type(self).answer(self, event)


def provider_charm(answer: Answer | None = None, **options: Any) -> type[ProviderCharm]:
    """A provider charm class answering with ``answer(charm, event)``."""
    return type(
        "Provider",
        (ProviderCharm,),
        {"answer": staticmethod(answer) if answer else None, "handler_options": options},
    )


# The requests of the library's requirer suite: a database with a fixed salt, and an
# entity-only USER request.
DATA_PLATFORM_SALT = "kkkkkkkk"
ENTITY_SALT = "xxxxxxxx"


def suite_requests() -> list[RequirerCommonModel]:
    """The two requests of the library's requirer suite, with its salts."""
    return [
        RequirerCommonModel(
            resource="data_platform", salt=DATA_PLATFORM_SALT, extra_user_roles="CREATEDB"
        ),
        RequirerCommonModel(resource="", salt=ENTITY_SALT, entity_type="USER"),
    ]


class RequirerCharm(CharmBase):
    """A requirer with the suite's requests and the relation alias ``cluster1``."""

    aliases: ClassVar[list[str]] = ["cluster1"]
    response_model: ClassVar[type[ResourceProviderModel]] = ResourceProviderModel

    def __init__(self, framework: Any) -> None:
        super().__init__(framework)
        self.requirer = ResourceRequirerEventHandler(
            self,
            ENDPOINT,
            suite_requests(),
            response_model=self.response_model,
            relation_aliases=list(self.aliases),
        )


def requirer_charm(
    aliases: list[str], response_model: type[ResourceProviderModel] = ResourceProviderModel
) -> type[RequirerCharm]:
    """A requirer charm class with these aliases and response model."""
    return type(
        "Requirer",
        (RequirerCharm,),
        {"aliases": list(aliases), "response_model": response_model},
    )


def library_events(ctx: testing.Context) -> list[Any]:
    """The events the package emitted in the last run (not ops' own hook events)."""
    return [e for e in ctx.emitted_events if not type(e).__module__.startswith("ops.")]


def kinds(events: list[Any]) -> list[str]:
    """The handle kinds of events, in order (``cluster1_resource_created``, ...)."""
    return [e.handle.kind for e in events]


def run(ctx: testing.Context, event: Any, state: testing.State) -> tuple[list[Any], testing.State]:
    """Run one event; return the package's events and the state after it."""
    ctx.emitted_events.clear()
    out = ctx.run(event, state)
    return library_events(ctx), out


def relation(state: testing.State, relation_id: int) -> testing.Relation:
    """A (non-peer) relation of a state, by id."""
    found = state.get_relation(relation_id)
    assert isinstance(found, testing.Relation)
    return found


def with_relation(state: testing.State, updated: testing.Relation) -> testing.State:
    """``state`` with one relation replaced (same id)."""
    others = {r for r in state.relations if r.id != updated.id}
    return dataclasses.replace(state, relations={*others, updated})


def change_remote(
    state: testing.State,
    relation_id: int,
    app: dict[str, str] | None = None,
    unit: dict[str, str] | None = None,
    local_app: dict[str, str] | None = None,
) -> testing.State:
    """``state`` with the remote app bag, remote unit 0's bag or the local app bag replaced."""
    current = relation(state, relation_id)
    changes: dict[str, Any] = {}
    if app is not None:
        changes["remote_app_data"] = app
    if unit is not None:
        changes["remote_units_data"] = {0: unit}
    if local_app is not None:
        changes["local_app_data"] = local_app
    return with_relation(state, dataclasses.replace(current, **changes))


def v1_request(resource: str, salt: str, **fields: Any) -> dict[str, Any]:
    """One request object as a v1 requirer writes it (wire keys)."""
    return {"resource": resource, "request-id": gen_hash(resource, salt), "salt": salt} | fields


def v1_bag(*requests: dict[str, Any]) -> dict[str, str]:
    """A v1 requirer's app databag with these requests."""
    return {"version": "v1", "requests": json.dumps(list(requests))}


def secret_content(state: testing.State, uri: str) -> dict[str, str]:
    """The newest content of a secret of a state, by URI."""
    secret = next(s for s in state.secrets if s.id == uri)
    return dict(secret.latest_content)
