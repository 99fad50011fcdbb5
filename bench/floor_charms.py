"""Charms that use no library: the floors a data-interfaces hook is measured against.

Both run under ``ops.main`` (``bench/dispatch_charm.py``, over the hook-tool double) and under
``ops.testing`` (``bench/many_requests.py``). Written from the protocol, not from any
library: a v1 requirer lists its requests as JSON in its application bag under ``requests``
(each with ``resource``, ``request-id`` and ``salt``); the provider answers in its own
application bag, under the same key, with one response per answered request, the user's
credentials in a secret named by ``secret-user``.

* ``reads``: only the reads the protocol needs in the hook, nothing else. A provider's
  relation-changed reads the remote application bag (the requests) and its own application bag
  (its answers; it is the leader); a requirer's relation-changed reads the remote application
  bag (the responses) and its own unit bag (what it has taken in). A requirer's
  relation-created reads its own application bag (where its requests go).
* ``byhand``: the provider's and the requirer's jobs done by hand with ops alone. The provider
  adds one application secret per request it has not answered yet, grants it on the relation,
  and writes all its answers in one ``relation-set``; the requirer reads each new response's
  ``secret-user`` secret once, by URI, and records what it took in with one write to its unit
  bag.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import ops

ENDPOINT = "database"
REQUESTS_KEY = "requests"
SEEN_KEY = "seen"
"""Where the by-hand requirer records the secrets it has read (its own unit bag)."""


def _json_list(bag: ops.RelationDataContent, key: str) -> list[dict[str, Any]]:
    """The JSON list under ``key`` in a bag (empty when absent)."""
    return json.loads(bag.get(key) or "[]")


class ReadsProvider(ops.CharmBase):
    """A provider that reads the requests and its answers, and does nothing else."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on[ENDPOINT].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        assert event.app is not None
        dict(event.relation.data[event.app])
        dict(event.relation.data[self.app])


class ReadsRequirer(ops.CharmBase):
    """A requirer that reads what the protocol needs, and does nothing else."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on[ENDPOINT].relation_created, self._on_created)
        framework.observe(self.on[ENDPOINT].relation_changed, self._on_changed)

    def _on_created(self, event: ops.RelationCreatedEvent) -> None:
        dict(event.relation.data[self.app])

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        assert event.app is not None
        dict(event.relation.data[event.app])
        dict(event.relation.data[self.unit])


class ByhandProvider(ops.CharmBase):
    """A provider that answers every new request by hand: a secret, a grant, one write."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on[ENDPOINT].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        assert event.app is not None
        relation = event.relation
        requests = _json_list(relation.data[event.app], REQUESTS_KEY)
        ours = relation.data[self.app]
        answers = _json_list(ours, REQUESTS_KEY)
        answered = {answer["request-id"] for answer in answers}
        new = [r for r in requests if r["request-id"] not in answered]
        for request in new:
            answers.append(self._answer(relation, request))
        if new:
            ours.update({REQUESTS_KEY: json.dumps(answers), "version": "v1"})

    def _answer(
        self, relation: ops.Relation, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Adds and grants the request's credentials; the response that names them."""
        request_id = request["request-id"]
        password = hashlib.sha256(
            f"{request_id}:{request.get('salt')}".encode()
        ).hexdigest()
        secret = self.app.add_secret(
            {"username": f"user_{request_id}", "password": password[:24]},
            label=f"byhand.{relation.id}.{request_id}.user",
        )
        secret.grant(relation)
        return {
            "request-id": request_id,
            "resource": request.get("resource", ""),
            "salt": request.get("salt", ""),
            "secret-user": secret.id,
        }


class ByhandRequirer(ops.CharmBase):
    """A requirer that reads each new response's user secret once, and records it once."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on[ENDPOINT].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        assert event.app is not None
        relation = event.relation
        responses = _json_list(relation.data[event.app], REQUESTS_KEY)
        unit_bag = relation.data[self.unit]
        seen: dict[str, str] = json.loads(unit_bag.get(SEEN_KEY) or "{}")
        new = [
            r
            for r in responses
            if r.get("secret-user") and seen.get(r["request-id"]) != r["secret-user"]
        ]
        for response in new:
            content = self.model.get_secret(id=response["secret-user"]).get_content()
            assert content["username"]
            seen[response["request-id"]] = response["secret-user"]
        if new:
            unit_bag.update({SEEN_KEY: json.dumps(seen, sort_keys=True)})


CHARMS: dict[str, dict[str, type[ops.CharmBase]]] = {
    "reads": {"provider": ReadsProvider, "requirer": ReadsRequirer},
    "byhand": {"provider": ByhandProvider, "requirer": ByhandRequirer},
}
"""The floor charms by variant and side."""
