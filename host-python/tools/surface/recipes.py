"""Instances: built the same way for both libraries, in an ops.testing (Scenario) context.

A recipe builds an instance of a kind of class with the library's own arguments; a probe
builds the wanted classes of one library and reads their attributes. The description probes
the library (every instance attribute it found must be on a real instance); ``Ours`` probes ours.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from surface.layout import REFERENCE, module_path, split_key

META = {
    "name": "surface",
    "provides": {"database": {"interface": "database_client"}},
    "requires": {"db-client": {"interface": "database_client"}},
    "peers": {"peers": {"interface": "surface_peers"}},
}


@dataclass
class World:
    """What a recipe builds with: the library's package and a live ops model."""

    lib: Any
    charm: Any
    relation: Any
    peers: Any
    other_unit: Any

    def handle(self, cls: type) -> Any:
        """A fresh event handle."""
        import ops

        return ops.Handle(self.charm, cls.__name__, "surface")


def _request(w: World) -> Any:
    return w.lib.RequirerCommonModel(resource="db")


def _response(w: World) -> Any:
    return w.lib.ResourceProviderModel(resource="db")


def _status(w: World) -> Any:
    return w.lib.RelationStatus(code=4001, message="waiting", resolution="wait")


RECIPES: dict[str, Callable[[World, Any], Any]] = {
    "provider-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, _request(w)),
    "bulk-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, [_request(w)]),
    "requirer-event": lambda w, c: c(w.handle(c), w.relation, w.relation.app, None, _response(w)),
    "status-event": lambda w, c: c(w.handle(c), w.relation, _status(w), app=w.relation.app),
    "object-events": lambda w, c: c(w.charm, "surface"),
    "event-handlers": lambda w, c: c(w.charm, "database"),
    "provider-handler": lambda w, c: c(w.charm, "database", w.lib.RequirerCommonModel),
    "requirer-handler": lambda w, c: c(
        w.charm, "db-client", [_request(w)], w.lib.ResourceProviderModel
    ),
    "relation-repository": lambda w, c: c(w.charm.model, w.relation, w.charm.app),
    "peer-app-repository": lambda w, c: c(w.charm.model, w.peers, w.charm.app),
    "peer-unit-repository": lambda w, c: c(w.charm.model, w.peers, w.charm.unit),
    "other-peer-unit-repository": lambda w, c: c(w.charm.model, w.peers, w.other_unit),
    "repository-interface": lambda w, c: c(
        w.charm.model, "peers", w.charm.app, w.lib.OpsPeerRepository, w.lib.PeerModel
    ),
    "relation-repository-interface": lambda w, c: c(
        w.charm.model, "database", w.lib.RequirerCommonModel
    ),
    "peer-repository-interface": lambda w, c: c(w.charm.model, "peers", w.lib.PeerModel),
    "other-peer-unit-repository-interface": lambda w, c: c(
        w.charm.model, "peers", w.other_unit, w.lib.PeerModel
    ),
    "cached-secret": lambda w, c: c(w.charm.model, w.charm.app, "surface.secret"),
    "secret-cache": lambda w, c: c(w.charm.model, w.charm.app),
    "model": lambda w, c: c(),
    "entity-permission-model": lambda w, c: c(
        resource_name="db", resource_type="table", privileges=["SELECT"]
    ),
    "relation-status": lambda w, c: c(code=4001, message="waiting", resolution="wait"),
}
"""How to build an instance of each kind of class, with the library's own arguments."""

CLASS_RECIPES = {
    "events.BulkResourcesRequestedEvent": "bulk-event",
    "events.ResourceProvidesEvents": "object-events",
    "events.ResourceRequiresEvents": "object-events",
    "events.StatusEventBase": "status-event",
    "events.StatusRaisedEvent": "status-event",
    "events.StatusResolvedEvent": "status-event",
    "handlers.EventHandlers": "event-handlers",
    "handlers.ResourceProviderEventHandler": "provider-handler",
    "handlers.ResourceRequirerEventHandler": "requirer-handler",
    "repository.OpsRelationRepository": "relation-repository",
    "repository.OpsPeerRepository": "peer-app-repository",
    "repository.OpsPeerUnitRepository": "peer-unit-repository",
    "repository.OpsOtherPeerUnitRepository": "other-peer-unit-repository",
    "repository_interfaces.RepositoryInterface": "repository-interface",
    "repository_interfaces.OpsRelationRepositoryInterface": "relation-repository-interface",
    "repository_interfaces.OpsPeerRepositoryInterface": "peer-repository-interface",
    "repository_interfaces.OpsPeerUnitRepositoryInterface": "peer-repository-interface",
    "repository_interfaces.OpsOtherPeerUnitRepositoryInterface": (
        "other-peer-unit-repository-interface"
    ),
    "secrets.CachedSecret": "cached-secret",
    "secrets.SecretCache": "secret-cache",
    "models.EntityPermissionModel": "entity-permission-model",
    "models.RelationStatus": "relation-status",
}
"""The recipe of each class of the reference that has instance attributes."""


def recipe_for(key: str, cls: type) -> str | None:
    """The recipe that builds a class of the reference."""
    if key in CLASS_RECIPES:
        return CLASS_RECIPES[key]
    names = {klass.__name__ for klass in cls.__mro__}
    if "ResourceProviderEvent" in names:
        return "provider-event"
    if "ResourceRequirerEvent" in names:
        return "requirer-event"
    if "BaseModel" in names:
        return "model"
    return None


@dataclass
class Probe:
    """What building one class's instance gave: an error, or each attribute's outcome."""

    error: str | None = None
    attributes: dict[str, str | None] = field(default_factory=dict)


def probe(lib_name: str, wanted: dict[str, tuple[Any, str, list[str]]]) -> dict[str, Probe]:
    """Build each wanted class (``key -> (class, recipe, attribute names)``) and read them.

    Everything happens inside one ops.testing context, so that properties that read the
    model work; an attribute's outcome is ``None`` when it reads, else why it does not.
    """
    import ops
    from ops import testing

    class SurfaceCharm(ops.CharmBase):
        pass

    ctx = testing.Context(SurfaceCharm, meta=META, app_name="surface", unit_id=0)
    state = testing.State(
        leader=True,
        relations={
            testing.Relation("database", "database_client", remote_app_name="client", id=1),
            testing.Relation("db-client", "database_client", remote_app_name="server", id=2),
            testing.PeerRelation("peers", "surface_peers", id=3, peers_data={1: {}}),
        },
    )
    results: dict[str, Probe] = {}
    with ctx(ctx.on.update_status(), state) as manager:
        charm = manager.charm
        world = World(
            lib=importlib.import_module(lib_name),
            charm=charm,
            relation=charm.model.get_relation("database", 1),
            peers=charm.model.get_relation("peers", 3),
            other_unit=charm.model.get_unit("surface/1"),
        )
        for key, (cls, recipe, attributes) in wanted.items():
            try:
                instance = RECIPES[recipe](world, cls)
            except Exception as e:
                results[key] = Probe(error=f"{type(e).__name__}: {e}")
                continue
            outcome: dict[str, str | None] = {}
            for name in attributes:
                try:
                    getattr(instance, name)
                except AttributeError:
                    outcome[name] = "not set"
                except Exception as e:
                    outcome[name] = f"reading it raises {type(e).__name__}: {e}"
                else:
                    outcome[name] = None
            results[key] = Probe(attributes=outcome)
        manager.run()
    return results


def verify_instances(description: dict[str, Any]) -> None:
    """Every instance attribute found in the source is on a real instance of the library."""
    wanted = {}
    for key, entry in description["classes"].items():
        if entry.get("recipe"):
            rel, name = split_key(key)
            cls = getattr(importlib.import_module(module_path(REFERENCE, rel)), name)
            wanted[key] = (cls, entry["recipe"], list(entry["instance_attributes"]))
    problems = []
    for key, result in probe(REFERENCE, wanted).items():
        if result.error:
            problems.append(f"{key}: the recipe fails on the library: {result.error}")
        problems += [f"{key}().{a}: {why}" for a, why in result.attributes.items() if why]
    if problems:
        raise SystemExit("instance attributes not on a real instance:\n" + "\n".join(problems))
