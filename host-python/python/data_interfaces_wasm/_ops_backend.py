"""The component's world over ops: databags, secrets, leadership and the log.

The native module calls these methods while the protocol component runs. They move bytes and
make no protocol decision. Failures the component may handle are raised as
:class:`~data_interfaces_wasm._native.HostError` with a kind; any other exception aborts the
call and reaches the charm unchanged.

Under Juju every hook tool is a process, so the backend asks each thing once:

- each databag read from ops once (``relation.data``), and one ``relation-set`` per write
  (ops' ``RelationDataContent.update``);
- the secrets it added or found, and whether this unit leads, kept for the backend's life (no
  ``secret-get`` before a grant);
- a consumer's read of the latest revision as one ``secret-get --refresh``.

A handler may hold its writes for a whole hook (:meth:`OpsBackend.hold`), so that each bag it
changes gets one ``relation-set``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ops.model import (
    ModelError,
    RelationDataAccessError,
    RelationDataTypeError,
    SecretNotFoundError,
)

if TYPE_CHECKING:
    from ops import Model, Relation, Secret
    from ops.model import Application, Unit

logger = logging.getLogger("data_interfaces_wasm")

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}

# Juju's answers that only mean "try it the other way" or "not for you".
_BOTH_ID_AND_LABEL = "either URI or label should be used"
_OWNER_REFRESH = "secret owner cannot use --refresh"
_PERMISSION_DENIED = "permission denied"


def _apply(content: dict[str, str], changes: dict[str, str]) -> None:
    """Changes to a bag's content, as Juju applies them: an empty value deletes the key."""
    for key, value in changes.items():
        if value:
            content[key] = value
        else:
            content.pop(key, None)


class _TwoCallsError(Exception):
    """The one-call form of a read does not apply: read as ops' public API reads."""


def _host_error(kind: str, message: str) -> Exception:
    from ._native import HostError

    return HostError(kind, message)


class OpsBackend:
    """The Python backend the native module drives, over an ops :class:`~ops.Model`.

    Args:
        model: the charm's model.
        endpoint: the handler's relation endpoint, used to look relations up by id.
        relation: the relation of the hook being handled, if any (it may be gone from
            ``model.relations`` during relation-broken).
        addressed: the relation a repository works on: listed among the endpoint's relations
            during its own relation-broken, when ops leaves it out of ``model.relations`` (a
            charm may still read its bags then, as with the library). ops knows which relation
            is breaking only through ``model.relations._broken_relation_id``; any other id ops
            does not list stays unknown (a ``missing-relation`` error).
    """

    def __init__(
        self,
        model: Model,
        endpoint: str,
        relation: Relation | None = None,
        addressed: Relation | None = None,
    ) -> None:
        self._model = model
        self._endpoint = endpoint
        self._relations: dict[int, Relation] = {}
        self._addressed = addressed
        for known in (relation, addressed):
            if known is not None:
                self._relations[known.id] = known
        self._secrets: dict[str, Secret] = {}
        self._leader: bool | None = None
        self._bags: dict[tuple[int, str, str | None], dict[str, str]] = {}
        # While held: each bag's changes (an empty value deletes), written by flush().
        self._held: dict[tuple[int, str, str | None], dict[str, str]] | None = None

    def know(self, relation: Relation | None) -> None:
        """Also address ``relation`` by id (a hook's relation, when ops lists it no more)."""
        if relation is not None:
            self._relations.setdefault(relation.id, relation)

    def hold(self) -> None:
        """Keep the databag writes from now on until :meth:`flush` (reads see them)."""
        if self._held is None:
            self._held = {}

    def flush(self) -> None:
        """Write the held changes, one ``relation-set`` per bag, and stop holding."""
        held, self._held = self._held, None
        for (relation_id, bag, unit), changes in (held or {}).items():
            self._write(relation_id, bag, unit, changes)

    # --- relations and databags ----------------------------------------------------------

    def _relation(self, relation_id: int) -> Relation:
        relation = self._relations.get(relation_id)
        if relation is None:
            try:
                relation = self._model.get_relation(self._endpoint, relation_id)
            except ModelError as e:
                raise _host_error("not-found", f"relation {relation_id}: {e}") from None
            if relation is None:
                raise _host_error("not-found", f"no relation {relation_id} on {self._endpoint}")
            self._relations[relation_id] = relation
        return relation

    def relations(self, endpoint: str) -> list[dict[str, Any]]:
        """The relations of an endpoint."""
        out = []
        listed = list(self._model.relations.get(endpoint, ()))
        addressed = self._addressed
        broken = getattr(self._model.relations, "_broken_relation_id", None)
        if (
            addressed is not None
            and addressed.name == endpoint
            and addressed.id == broken
            and all(relation.id != addressed.id for relation in listed)
        ):
            listed.append(addressed)
        for relation in listed:
            if relation.name == self._endpoint:
                self._relations.setdefault(relation.id, relation)
            out.append(
                {
                    "id": relation.id,
                    "endpoint": relation.name,
                    "remote_app": relation.app.name if relation.app else None,
                    "remote_units": sorted(unit.name for unit in relation.units),
                }
            )
        return out

    def remote_model_uuid(self, relation_id: int) -> str | None:
        """The model uuid of a relation's remote application; ``None`` when unknown."""
        try:  # ops >= 2.20 and Juju >= 3.6.2 only (ops asks relation-model-get once)
            return self._relation(relation_id).remote_model.uuid
        except Exception:
            return None

    def _entity(self, relation: Relation, bag: str, unit: str | None) -> Application | Unit:
        if bag == "local-app":
            return self._model.app
        if bag == "local-unit":
            return self._model.unit
        if bag == "remote-app":
            if relation.app is None:
                raise _host_error("not-found", f"relation {relation.id} has no remote app")
            return relation.app
        if bag == "remote-unit" and unit:
            for remote in relation.units:
                if remote.name == unit:
                    return remote
            raise _host_error("not-found", f"unit {unit} is not in relation {relation.id}")
        raise _host_error("invalid-argument", f"unknown bag {bag!r}")

    def read(self, relation_id: int, bag: str, unit: str | None) -> list[tuple[str, str]]:
        """A whole databag (with the changes held for it)."""
        items = dict(self._content(relation_id, bag, unit))
        _apply(items, (self._held or {}).get((relation_id, bag, unit), {}))
        return list(items.items())

    def _content(self, relation_id: int, bag: str, unit: str | None) -> dict[str, str]:
        """A bag as this backend read it first (and then wrote it).

        ops reads a bag once per hook, but checks leadership again on each access once its
        30-second lease has run out, which costs an ``is-leader`` in a long hook; the backend
        reads each bag from ops once.
        """
        key = (relation_id, bag, unit)
        content = self._bags.get(key)
        if content is None:
            relation = self._relation(relation_id)
            entity = self._entity(relation, bag, unit)
            try:
                content = dict(relation.data[entity].items())
            except RelationDataAccessError as e:
                raise _host_error("permission-denied", str(e)) from None
            except KeyError:
                raise _host_error("not-found", f"no {bag} bag in relation {relation_id}") from None
            except ModelError as e:
                raise _host_error("backend", str(e)) from None
            self._bags[key] = content
        return content

    def apply(
        self,
        relation_id: int,
        bag: str,
        unit: str | None,
        set: list[tuple[str, str]],
        delete: list[str],
    ) -> None:
        """Set and delete keys of one of this unit's bags (an empty value deletes)."""
        changes = dict(set)
        changes.update((key, "") for key in delete)
        if self._held is not None:
            self._entity(self._relation(relation_id), bag, unit)  # an unknown bag fails now
            self._held.setdefault((relation_id, bag, unit), {}).update(changes)
            return
        self._write(relation_id, bag, unit, changes)

    def _write(
        self, relation_id: int, bag: str, unit: str | None, changes: dict[str, str]
    ) -> None:
        """One ``relation-set`` (none when nothing changes: ops compares with its cache)."""
        relation = self._relation(relation_id)
        entity = self._entity(relation, bag, unit)
        try:
            relation.data[entity].update(changes)
        except RelationDataTypeError as e:
            raise _host_error("invalid-argument", str(e)) from None
        except RelationDataAccessError as e:
            raise _host_error("permission-denied", str(e)) from None
        except ModelError as e:
            raise _host_error("backend", str(e)) from None
        content = self._bags.get((relation_id, bag, unit))
        if content is not None:
            _apply(content, changes)

    def is_leader(self) -> bool:
        """Whether this unit is the leader: asked once in the backend's life.

        ops asks Juju again once its 30-second lease has run out; a hook answering thousands
        of requests outlasts it, and the component asks at each call, so the answer is kept
        (a unit that lost the lead meanwhile has its writes refused by Juju, and the hook
        runs again).
        """
        if self._leader is None:
            self._leader = self._model.unit.is_leader()
        return self._leader

    def local_app(self) -> str:
        """This application's name."""
        return self._model.app.name

    def local_unit(self) -> str:
        """This unit's name."""
        return self._model.unit.name

    def model_uuid(self) -> str:
        """This model's uuid."""
        return self._model.uuid

    # --- secrets -------------------------------------------------------------------------

    def _secret(self, secret_id: str) -> Secret:
        secret = self._secrets.get(secret_id)
        if secret is not None:
            return secret
        try:
            secret = self._model.get_secret(id=secret_id)
        except SecretNotFoundError:
            raise _host_error("not-found", f"secret {secret_id} not found") from None
        except ModelError as e:
            raise self._model_error(e) from None
        self._secrets[secret_id] = secret
        return secret

    @staticmethod
    def _model_error(e: ModelError) -> Exception:
        message = str(e)
        if _PERMISSION_DENIED in message:
            return _host_error("permission-denied", message)
        return _host_error("backend", message)

    def secret_add(self, owner: str, label: str | None, content: dict[str, str]) -> str:
        """Create a secret owned by this application or unit; returns its URI."""
        component = self._model.app if owner == "application" else self._model.unit
        try:
            secret = component.add_secret(dict(content), label=label)
        except (TypeError, ValueError) as e:
            raise _host_error("invalid-argument", str(e)) from None
        except ModelError as e:
            raise self._model_error(e) from None
        if secret.id is None:  # pragma: no cover (Juju always returns the URI)
            return secret.get_info().id
        self._secrets[secret.id] = secret
        return secret.id

    def _lookup(self, secret_id: str | None, label: str | None) -> Secret | None:
        try:
            return self._model.get_secret(id=secret_id, label=label)
        except SecretNotFoundError:
            return None
        except ModelError as e:
            if secret_id and label and _BOTH_ID_AND_LABEL in str(e):
                # An owner cannot attach a label by URI: look it up by URI alone.
                return self._lookup(secret_id, None)
            raise self._model_error(e) from None

    def _latest(
        self, secret_id: str, label: str | None
    ) -> tuple[str, str | None, dict[str, str]] | None:
        """A consumer's read of the latest revision, attaching ``label``: one ``secret-get``.

        ops reads a secret in two calls (``get_secret`` reads the tracked revision, then
        ``get_content(refresh=True)`` the latest); its hook-tool backend does it in one. The
        backend's ``secret_get`` is ops' own (ops.main's and ops.testing's alike), private, so
        where it is missing, or Juju refuses the form (an owner cannot refresh, nor attach a
        label by URI), the two-call path answers. ``None`` when the secret cannot be seen.
        """
        backend = getattr(self._model, "_backend", None)
        get = getattr(backend, "secret_get", None)
        if get is None:
            raise _TwoCallsError
        from ops import Secret

        canonical = Secret._canonicalize_id(secret_id, self._model.uuid)
        try:
            return canonical, label, get(id=canonical, label=label, refresh=True)
        except SecretNotFoundError:
            return None
        except ValueError:  # a testing backend's refusal of the form
            raise _TwoCallsError from None
        except ModelError as e:
            if _OWNER_REFRESH in str(e) or _BOTH_ID_AND_LABEL in str(e):
                raise _TwoCallsError from None
            raise self._model_error(e) from None

    def secret_get(
        self, id: str | None, label: str | None, refresh: bool
    ) -> tuple[str, str | None, dict[str, str]] | None:
        """Look a secret up by URI and/or label; ``None`` when it cannot be seen."""
        if refresh and id:
            try:
                return self._latest(id, label)
            except _TwoCallsError:
                pass
        return self._read(id, label, refresh)

    def _read(
        self, id: str | None, label: str | None, refresh: bool
    ) -> tuple[str, str | None, dict[str, str]] | None:
        """:meth:`secret_get` through ops' public API."""
        secret = self._lookup(id, label)
        if secret is None:
            return None
        try:
            if refresh:
                try:
                    content = secret.get_content(refresh=True)
                except ValueError:
                    content = secret.get_content()
                except ModelError as e:
                    if _OWNER_REFRESH not in str(e):
                        raise
                    content = secret.get_content()
            else:
                content = secret.get_content()
        except SecretNotFoundError:
            return None
        except ModelError as e:
            raise self._model_error(e) from None
        secret_id = secret.id
        if secret_id is None:
            try:
                secret_id = secret.get_info().id
            except ModelError:  # a consumer looking up by label only
                secret_id = id or ""
        self._secrets.setdefault(secret_id, secret)
        return secret_id, secret.label if secret.label is not None else label, content

    def secret_owned(self, id: str) -> bool:
        """Whether this application or unit owns the secret."""
        try:
            self._model.get_secret(id=id).get_info()
        except ModelError:  # SecretNotFoundError included: not the owner, or gone
            return False
        return True

    def secret_set_content(self, id: str, content: dict[str, str]) -> None:
        """Replace a secret's content."""
        secret = self._secret(id)
        try:
            secret.set_content(dict(content))
        except (TypeError, ValueError) as e:
            raise _host_error("invalid-argument", str(e)) from None
        except ModelError as e:
            raise self._model_error(e) from None

    def secret_grant(self, id: str, relation_id: int) -> None:
        """Grant a secret to a relation's remote application."""
        secret = self._secret(id)
        relation = self._relation(relation_id)
        try:
            secret.grant(relation)
        except ModelError as e:
            raise self._model_error(e) from None

    def secret_remove(self, id: str) -> None:
        """Remove all revisions of a secret."""
        secret = self._secret(id)
        self._secrets.pop(id, None)
        try:
            secret.remove_all_revisions()
        except SecretNotFoundError:
            pass
        except ModelError as e:
            raise self._model_error(e) from None

    def secret_remove_revision(self, id: str, revision: int) -> None:
        """Remove one revision of a secret."""
        secret = self._secret(id)
        try:
            secret.remove_revision(revision)
        except ModelError as e:
            raise self._model_error(e) from None

    # --- log -----------------------------------------------------------------------------

    def log(self, level: str, message: str) -> None:
        """Write a log line (the component never puts a secret value in one)."""
        logger.log(_LEVELS.get(level, logging.INFO), message)


class LogBackend:
    """A backend for the component's pure calls: its log lines only (no bag, no secret)."""

    def log(self, level: str, message: str) -> None:
        """Write a log line (the component never puts a secret value in one)."""
        logger.log(_LEVELS.get(level, logging.INFO), message)
