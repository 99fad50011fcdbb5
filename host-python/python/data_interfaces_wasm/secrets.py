"""A charm-side cache of Juju secrets, by label: the ``secrets`` attribute of every repository.

``dpcharmlibs.interfaces`` gives each repository a ``secrets`` cache (:class:`SecretCache` of
:class:`CachedSecret`), and charms reach through it to the ops :class:`~ops.Secret`
(``repository.secrets.get(label=...).meta.get_info().revision``). This module offers the same
objects over ops. It decides nothing about the protocol: the caller names the label (and, for a
secret another application owns, its URI); which secret holds which field, and when it gets a
new revision, is decided by the protocol component when a repository writes.

The content read through a :class:`CachedSecret` is cached for the life of the object, as the
library does; the protocol component reads secrets afresh, so a repository's writes are seen by
a new :meth:`SecretCache.get` (or by ``meta``, which is the live ops object).
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, ClassVar

from ops.model import ModelError, SecretNotFoundError

from .errors import SecretAlreadyExistsError, SecretsUnavailableError

if TYPE_CHECKING:
    from ops import Model, Relation, Secret, SecretInfo
    from ops.model import Application, Unit

logger = logging.getLogger(__name__)

MODEL_ERRORS = {
    "not_leader": "this unit is not the leader",
    "no_label_and_uri": "ERROR either URI or label should be used for getting an owned secret "
    "but not both",
    "owner_no_refresh": "ERROR secret owner cannot use --refresh",
    "permission_denied": "ERROR permission denied",
}
"""Juju's error messages about secrets that the library recognises, by name."""


def _known(error: ModelError) -> bool:
    return any(message in str(error) for message in CachedSecret.KNOWN_MODEL_ERRORS)


class CachedSecret:
    """One secret, found by its label (or, failing that, by its URI, then labelled).

    Args:
        model: the charm's model.
        component: the application or unit that owns (or would own) the secret.
        label: the secret's label.
        secret_uri: the secret's URI, when known (a secret another application owns).
    """

    KNOWN_MODEL_ERRORS: ClassVar[list[str]] = [
        MODEL_ERRORS["no_label_and_uri"],
        MODEL_ERRORS["owner_no_refresh"],
        MODEL_ERRORS["permission_denied"],
    ]
    """Juju errors a lookup tolerates ("ask the other way", "not yours"): the next way of
    finding the secret is tried, or the lookup gives up."""

    def __init__(
        self,
        model: Model,
        component: Application | Unit,
        label: str,
        secret_uri: str | None = None,
    ) -> None:
        self._model = model
        self.component = component
        self.label = label
        self.current_label: str | None = None
        self._secret_uri = secret_uri
        self._secret_meta: Secret | None = None
        self._secret_content: dict[str, str] = {}

    @property
    def meta(self) -> Secret | None:
        """The ops secret: looked up by label, else by URI (and given the label); ``None``."""
        if self._secret_meta is not None:
            return self._secret_meta
        if not (self._secret_uri or self.label):
            return None
        try:
            self._secret_meta = self._model.get_secret(label=self.label)
        except SecretNotFoundError:
            logger.debug("Secret with label %s not found", self.label)
        except ModelError as error:
            if not _known(error):
                raise
        if self._secret_meta is None and self._secret_uri:
            try:
                self._secret_meta = self._model.get_secret(id=self._secret_uri, label=self.label)
            except ModelError as error:  # SecretNotFoundError is a ModelError
                if not isinstance(error, SecretNotFoundError) and not _known(error):
                    raise
        return self._secret_meta

    def add_secret(
        self,
        content: dict[str, str],
        relation: Relation | None = None,
        label: str | None = None,
    ) -> Secret:
        """Create the secret (owned by ``component``), granted to ``relation`` unless a peer one.

        Raises:
            SecretAlreadyExistsError: when this object already names a secret.
        """
        if self._secret_uri:
            raise SecretAlreadyExistsError(
                f"Secret is already defined with uri {self._secret_uri}"
            )
        secret = self.component.add_secret(content, label=label or self.label)
        if relation is not None and relation.app != self._model.app:
            secret.grant(relation)
        self._secret_uri = secret.id
        self._secret_meta = secret
        self._secret_content = dict(content)
        return secret

    def get_content(self) -> dict[str, str]:
        """The secret's content (the latest revision for a consumer), cached after one read."""
        if not self._secret_content and self.meta is not None:
            try:
                self._secret_content = self.meta.get_content(refresh=True)
            except (ValueError, ModelError) as error:
                # An owner may not refresh (ops raises ValueError, Juju a ModelError).
                if isinstance(error, ModelError) and not _known(error):
                    raise
                self._secret_content = self.meta.get_content()
        return self._secret_content

    def set_content(self, content: dict[str, str]) -> None:
        """Set the content (a new revision only when it differs); empty removes every revision."""
        if self.meta is None or content == self.get_content():
            return
        if content:
            self.meta.set_content(content)
            self._secret_content = dict(content)
        else:
            self.meta.remove_all_revisions()

    def get_info(self) -> SecretInfo | None:
        """The secret's information (owner only), or ``None`` when there is no secret."""
        return self.meta.get_info() if self.meta is not None else None

    def remove(self) -> None:
        """Remove every revision of the secret and forget it.

        Raises:
            SecretsUnavailableError: when there is no such secret.
        """
        if self.meta is None:
            raise SecretsUnavailableError("Non-existent secret was attempted to be removed.")
        with contextlib.suppress(SecretNotFoundError):
            self.meta.remove_all_revisions()
        self._secret_content = {}
        self._secret_meta = None
        self._secret_uri = None


class SecretCache:
    """The secrets of one owner (application or unit), by label, looked up once each.

    Args:
        model: the charm's model.
        component: the application or unit the secrets belong to.
    """

    def __init__(self, model: Model, component: Application | Unit) -> None:
        self._model = model
        self.component = component
        self._secrets: dict[str, CachedSecret] = {}

    def get(self, label: str, uri: str | None = None) -> CachedSecret | None:
        """The secret with this label (or this URI, then labelled), if it exists."""
        if label not in self._secrets:
            secret = CachedSecret(self._model, self.component, label, uri)
            if secret.meta is not None:
                self._secrets[label] = secret
        return self._secrets.get(label)

    def add(self, label: str, content: dict[str, str], relation: Relation) -> CachedSecret:
        """Create a secret with this label and content, granted to ``relation`` (not a peer).

        Raises:
            SecretAlreadyExistsError: when this cache already holds the label.
        """
        if label in self._secrets:
            raise SecretAlreadyExistsError(f"Secret {label} already exists")
        secret = CachedSecret(self._model, self.component, label)
        secret.add_secret(content, relation)
        self._secrets[label] = secret
        return secret

    def remove(self, label: str) -> None:
        """Remove the secret with this label, if there is one (logged at debug otherwise)."""
        secret = self.get(label)
        if secret is not None:
            try:
                secret.remove()
            except SecretsUnavailableError:
                pass
            else:
                self._secrets.pop(label, None)
                return
        logger.debug("Non-existing Juju Secret was attempted to be removed %s", label)
