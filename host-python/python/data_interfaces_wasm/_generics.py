"""Generic models: ``DataContractV1[ResourceProviderModel]``, as pydantic parametrizes them.

This module owns :func:`parametrize`, behind ``Model.__class_getitem__``: for a model declared
with ``typing.Generic``, ``Contract[Item]`` is a subclass named by
``Contract.model_parametrized_name`` (``Contract[Item]``), made once per argument tuple and
cached on the class, whose field table (:mod:`._fields`) reads its annotations with the type
variables replaced (``_typevar_map``); pydantic's ``__pydantic_generic_metadata__`` names its
origin and arguments. Subscripting with type variables only gives the class back.

It is imported by the first subscription, not with the package: a hook (a fresh process) that
parametrizes no model does not pay for it (``DESIGN.md``: nothing heavy at import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._modelling import Model


def parametrize(cls: type[Model], params: Any) -> Any:
    """``cls[params]``: the parametrized subclass (or ``cls`` for type variables only)."""
    parameters = cls.__dict__.get("__parameters__") or getattr(cls, "__parameters__", ())
    if not parameters:
        raise TypeError(
            f"{cls} cannot be parametrized because it does not inherit from typing.Generic"
        )
    if not isinstance(params, tuple):
        params = (params,)
    if len(params) != len(parameters):
        raise TypeError(
            f"Too {'many' if len(params) > len(parameters) else 'few'} parameters for {cls}; "
            f"actual {len(params)}, expected {len(parameters)}"
        )
    if all(isinstance(p, TypeVar) for p in params):
        return cls
    cache: dict[Any, type] = cls.__dict__.get("__generic_cache__") or {}
    if "__generic_cache__" not in cls.__dict__:
        type.__setattr__(cls, "__generic_cache__", cache)
    try:
        return cache[params]
    except KeyError:
        pass
    name = cls.model_parametrized_name(params)
    namespace = {
        "__module__": cls.__module__,
        "__qualname__": name,
        "_typevar_map": dict(zip(parameters, params, strict=True)),
        "_item_model": params[0] if len(params) == 1 else None,
        "__pydantic_generic_metadata__": {"origin": cls, "args": params, "parameters": ()},
    }
    sub = type(cls)(name, (cls,), namespace)
    cache[params] = sub
    return sub
