"""Two charms on the two sides of one relation, run one hook at a time with ``ops.testing``.

Each side has its own :class:`ops.testing.Context` and :class:`ops.testing.State`. After a hook
runs on one side, what the other side would see is carried over, as Juju would:

* the databags: this side's app and unit bags become the other side's remote app bag and the
  bag of its remote unit 0;
* the secrets this side owns and has granted on the relation: the other side sees them as a
  consumer, with ``latest_content`` set to the owner's newest content and ``tracked_content``
  kept at what it tracked before (a new secret starts tracked at its newest content), and the
  label the consumer attached before.

Both sides are in the same model (same model uuid), and the relation has the same id on both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from ops import testing

Side = Literal["requirer", "provider"]
HookName = Literal["created", "changed", "broken"]

MODEL = testing.Model(name="test-model", uuid="a5d4e6a2-7c44-4f2b-9c0e-6b1f0a9d3c21")


@dataclasses.dataclass
class Unit:
    """One side of the relation: its context, its state, and who it is."""

    ctx: testing.Context
    state: testing.State
    app: str


class RelationPair:
    """A requirer unit and a provider unit related on one endpoint.

    Args:
        requirer: the requirer charm class.
        provider: the provider charm class.
        endpoint: the endpoint name on both sides.
        interface: the interface name.
        relation_id: the relation's id (the same on both sides).
        requirer_app: the requirer's application name.
        provider_app: the provider's application name.
        requirer_limit: the ``limit`` of the requirer's endpoint in its metadata.
    """

    def __init__(
        self,
        requirer: type,
        provider: type,
        *,
        endpoint: str = "database",
        interface: str = "database_client",
        relation_id: int = 7,
        requirer_app: str = "client",
        provider_app: str = "sample",
        requirer_limit: int | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.relation_id = relation_id
        self.units: dict[Side, Unit] = {
            "requirer": self._unit(
                requirer,
                requirer_app,
                provider_app,
                "requires",
                endpoint,
                interface,
                requirer_limit,
            ),
            "provider": self._unit(
                provider, provider_app, requirer_app, "provides", endpoint, interface, None
            ),
        }

    def _unit(
        self,
        charm_type: type,
        app: str,
        remote_app: str,
        role: str,
        endpoint: str,
        interface: str,
        limit: int | None,
    ) -> Unit:
        spec: dict[str, Any] = {"interface": interface}
        if limit is not None:
            spec["limit"] = limit
        meta = {"name": app, role: {endpoint: spec}}
        ctx = testing.Context(charm_type, meta=meta, app_name=app, unit_id=0)
        relation = testing.Relation(
            endpoint,
            interface,
            id=self.relation_id,
            remote_app_name=remote_app,
            remote_units_data={0: {}},
        )
        state = testing.State(leader=True, relations={relation}, model=MODEL)
        return Unit(ctx=ctx, state=state, app=app)

    @staticmethod
    def other(side: Side) -> Side:
        """The other side."""
        return "provider" if side == "requirer" else "requirer"

    def relation(self, side: Side) -> testing.Relation:
        """The relation as one side sees it now."""
        relation = self.units[side].state.get_relation(self.relation_id)
        assert isinstance(relation, testing.Relation)
        return relation

    def state(self, side: Side) -> testing.State:
        """One side's state now."""
        return self.units[side].state

    def run(self, side: Side, hook: HookName) -> list[Any]:
        """Run one relation hook on one side; return the custom events the charm saw."""
        unit = self.units[side]
        relation = self.relation(side)
        if hook == "created":
            event = unit.ctx.on.relation_created(relation)
        elif hook == "changed":
            event = unit.ctx.on.relation_changed(relation, remote_unit=0)
        else:
            event = unit.ctx.on.relation_broken(relation)
        return self._run(side, event)

    def run_event(self, side: Side, event: Any) -> list[Any]:
        """Run any ``ctx.on.*`` event on one side; return the custom events the charm saw."""
        return self._run(side, event)

    def run_with(self, side: Side, event: Any, action: Callable[[Any], None]) -> list[Any]:
        """Run an event on one side, calling ``action(charm)`` inside the hook."""
        unit = self.units[side]
        unit.ctx.emitted_events.clear()
        with unit.ctx(event, unit.state) as manager:
            action(manager.charm)
            unit.state = manager.run()
        emitted = [e for e in unit.ctx.emitted_events if not _is_hook_event(e)]
        self.carry(side)
        return emitted

    def _run(self, side: Side, event: Any) -> list[Any]:
        unit = self.units[side]
        unit.ctx.emitted_events.clear()
        unit.state = unit.ctx.run(event, unit.state)
        emitted = [e for e in unit.ctx.emitted_events if not _is_hook_event(e)]
        self.carry(side)
        return emitted

    def carry(self, side: Side) -> None:
        """Give the other side what this side wrote: databags and granted secrets."""
        source = self.units[side].state
        target_side = self.other(side)
        target = self.units[target_side].state
        wrote = self.relation(side)
        sees = self.relation(target_side)
        updated = dataclasses.replace(
            sees,
            remote_app_data=dict(wrote.local_app_data),
            remote_units_data={0: dict(wrote.local_unit_data)},
        )
        relations = (set(target.relations) - {sees}) | {updated}

        granted = {
            s.id: s
            for s in source.secrets
            if s.owner is not None and self.relation_id in s.remote_grants
        }
        secrets = set()
        for secret in target.secrets:
            if secret.owner is not None:  # the target's own secrets stay as they are
                secrets.add(secret)
            elif secret.id not in granted and not _owned_by(source, secret.id):
                secrets.add(secret)  # a secret from elsewhere
        previous = {s.id: s for s in target.secrets if s.owner is None}
        for secret_id, owned in granted.items():
            seen = previous.get(secret_id)
            secrets.add(
                testing.Secret(
                    seen.tracked_content if seen else owned.latest_content,
                    latest_content=owned.latest_content,
                    id=secret_id,
                    label=seen.label if seen else None,
                )
            )
        self.units[target_side].state = dataclasses.replace(
            target, relations=relations, secrets=secrets
        )


def _owned_by(state: testing.State, secret_id: str) -> bool:
    return any(s.id == secret_id and s.owner is not None for s in state.secrets)


def _is_hook_event(event: Any) -> bool:
    """Whether an event is one of ops' own (the hook itself), not a library's."""
    return type(event).__module__.startswith("ops.")
