"""Exceptions of the package.

The names and the hierarchy are those of ``dpcharmlibs.interfaces``. Failures reported by the
protocol component itself are :class:`data_interfaces_wasm.ProtocolError` (a ``ValueError``),
sandbox failures :class:`data_interfaces_wasm.SandboxError`; both come from the native module.
"""


class DataInterfacesError(Exception):
    """Common ancestor of the exceptions of this package."""


class SecretError(DataInterfacesError):
    """Common ancestor of the secret-related exceptions."""


class SecretAlreadyExistsError(SecretError):
    """A secret that was to be added already exists."""


class SecretsUnavailableError(SecretError):
    """Secrets are not available (Juju older than 3)."""


class IllegalOperationError(DataInterfacesError):
    """An operation that is not allowed."""
