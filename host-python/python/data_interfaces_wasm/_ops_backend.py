"""The component's world over ops: databags, secrets, leadership and the log.

The native module calls these methods while the protocol component runs. They move bytes and
make no protocol decision. Failures the component may handle are raised as
:class:`~data_interfaces_wasm._native.HostError` with a kind; any other exception aborts the
call and reaches the charm unchanged.
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
                    "remote_model_uuid": self._remote_model_uuid(relation),
                }
            )
        return out

    @staticmethod
    def _remote_model_uuid(relation: Relation) -> str | None:
        try:  # ops >= 2.20 and Juju >= 3.6.2 only
            return relation.remote_model.uuid
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
        """A whole databag."""
        relation = self._relation(relation_id)
        entity = self._entity(relation, bag, unit)
        try:
            return list(relation.data[entity].items())
        except RelationDataAccessError as e:
            raise _host_error("permission-denied", str(e)) from None
        except KeyError:
            raise _host_error("not-found", f"no {bag} bag in relation {relation_id}") from None
        except ModelError as e:
            raise _host_error("backend", str(e)) from None

    def apply(
        self,
        relation_id: int,
        bag: str,
        unit: str | None,
        set: list[tuple[str, str]],
        delete: list[str],
    ) -> None:
        """Set and delete keys of one of this unit's bags (an empty value deletes)."""
        relation = self._relation(relation_id)
        entity = self._entity(relation, bag, unit)
        try:
            content = relation.data[entity]
            for key, value in set:
                content[key] = value
            for key in delete:
                if key in content:
                    del content[key]
        except RelationDataTypeError as e:
            raise _host_error("invalid-argument", str(e)) from None
        except RelationDataAccessError as e:
            raise _host_error("permission-denied", str(e)) from None
        except ModelError as e:
            raise _host_error("backend", str(e)) from None

    def is_leader(self) -> bool:
        """Whether this unit is the leader."""
        return self._model.unit.is_leader()

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
        try:
            return self._model.get_secret(id=secret_id)
        except SecretNotFoundError:
            raise _host_error("not-found", f"secret {secret_id} not found") from None
        except ModelError as e:
            raise self._model_error(e) from None

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

    def secret_get(
        self, id: str | None, label: str | None, refresh: bool
    ) -> tuple[str, str | None, dict[str, str]] | None:
        """Look a secret up by URI and/or label; ``None`` when it cannot be seen."""
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
