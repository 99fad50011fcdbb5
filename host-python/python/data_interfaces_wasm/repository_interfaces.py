"""Repository interfaces: the repositories of an endpoint's relations, and their models.

The names and signatures are those of ``dpcharmlibs.interfaces.repository_interfaces``::

    interface = OpsPeerRepositoryInterface(self.model, "database-peers", ClusterData)
    data = interface.build_model(relation.id)
    data.admin_password = "s3cr3t"
    interface.write_model(relation.id, data)

Every handler has one (``handler.interface``): the provider's reads the requirers' requests
(its model is the request model), the requirer's reads the provider's responses (its model is
``DataContractV1[response model]``).

:func:`build_model` reads one bag into a model and :func:`write_model` writes a model into one,
through a repository (so through the protocol component): a peer model's secret fields come
from the scope's secrets; a relation model's from its groups' secrets; a contract
(``DataContractV1[...]``, ``RequirerDataContractV1[...]``) is read entry by entry, each entry's
secret fields from the secrets its request id labels or its ``secret-{group}`` URI names.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._compat import ContractAdapter
from ._ops_backend import OpsBackend
from ._runtime import runtime
from .models import (
    CROSS_MODEL_RELATION_CONSUMER_SECRETS,
    BaseCommonModel,
    DataContractV1,
    PeerModel,
    RequirerCommonModel,
    RequirerDataContractV1,
    ResourceProviderModel,
)
from .repository import (
    AbstractRepository,
    OpsOtherPeerUnitRepository,
    OpsPeerRepository,
    OpsPeerUnitRepository,
    OpsRelationRepository,
    OpsRepository,
)
from .types import SecretGroup

if TYPE_CHECKING:
    from ops import Application, Model, Relation, Unit

TRepository = TypeVar("TRepository", bound=OpsRepository)
"""A repository type."""
TCommon = TypeVar("TCommon")
"""The model an interface reads by default."""
TPeerCommon = TypeVar("TPeerCommon", bound=PeerModel)
"""The peer model a peer interface reads by default."""
TCommonBis = TypeVar("TCommonBis")
"""Another model, given to one call."""

__all__ = [
    "CROSS_MODEL_RELATION_CONSUMER_SECRETS",
    "AbstractRepository",
    "OpsOtherPeerUnitRepository",
    "OpsOtherPeerUnitRepositoryInterface",
    "OpsPeerRepository",
    "OpsPeerRepositoryInterface",
    "OpsPeerUnitRepository",
    "OpsPeerUnitRepositoryInterface",
    "OpsRelationRepository",
    "OpsRelationRepositoryInterface",
    "OpsRepository",
    "PeerModel",
    "RepositoryInterface",
    "SecretGroup",
    "TCommon",
    "TCommonBis",
    "TPeerCommon",
    "TRepository",
    "build_model",
    "write_model",
]

_CONTRACTS: tuple[type, ...] = (DataContractV1, RequirerDataContractV1)


def _contract_item(model: type) -> type[BaseCommonModel] | None:
    """The entry model of a contract class (``DataContractV1[X]`` gives ``X``), else ``None``."""
    if not (isinstance(model, type) and issubclass(model, _CONTRACTS)):
        return None
    item = getattr(model, "_item_model", None)
    if item is not None:
        return item
    return ResourceProviderModel if issubclass(model, DataContractV1) else RequirerCommonModel


def build_model(repository: AbstractRepository, model: Any) -> Any:
    """The data of a repository's bag read into ``model`` (a model class, or a TypeAdapter).

    Raises:
        TypeError: for a repository this package did not make.
    """
    if isinstance(model, ContractAdapter):  # DataContract / RequirerDataContract
        model = model._choose(_bag_data(repository))
    elif not isinstance(model, type) and hasattr(model, "validate_python"):
        return model.validate_python(_bag_data(repository))  # pydantic's own TypeAdapter
    item = _contract_item(model)
    if item is not None:
        return _build_contract(repository, model, item)
    if isinstance(repository, (OpsPeerRepository, OpsRelationRepository)):
        return repository._build(model)
    raise TypeError(f"build_model needs a repository of this package, not {type(repository)}")


def _bag_data(repository: AbstractRepository) -> dict[str, Any]:
    data = repository.get_data() or {}
    data.pop("data", None)
    return data


def _build_contract(
    repository: AbstractRepository, model: type, item: type[BaseCommonModel]
) -> Any:
    """A contract: the bag's keys, and each entry of ``requests`` with its secret fields."""
    data = _bag_data(repository)
    entries = data.get("requests")
    if isinstance(entries, list) and isinstance(repository, OpsRelationRepository):
        data["requests"] = [
            _with_secrets(repository, item, entry) if isinstance(entry, dict) else entry
            for entry in entries
        ]
    return model.model_validate(data)


def _with_secrets(
    repository: OpsRelationRepository, item: type[BaseCommonModel], entry: dict[str, Any]
) -> dict[str, Any]:
    """One contract entry, with its secret fields read from the secrets it names."""
    specs = [
        {"key": info.key, "secret_group": info.secret_group}
        for info in item._fields_info().values()
        if info.secret_group is not None
    ]
    if not specs:
        return entry
    groups = {spec["secret_group"] for spec in specs}
    # The entry's URI keys, named by the repository (the one place that spells them).
    uris = {
        group: uri
        for group in groups
        if isinstance(uri := entry.get(repository.secret_field(SecretGroup(group))), str)
    }
    short_uuid = entry.get("request-id")
    if not uris and not short_uuid:
        return entry
    config = repository._config(specs, short_uuid if isinstance(short_uuid, str) else None, uris)
    found = repository._read("build_model", config)
    if not found:
        return entry
    values = dict(entry)
    values.update({key: json.loads(text) for key, _raw, text in found["secrets"]})
    return values


def write_model(
    repository: AbstractRepository, model: Any, context: dict[str, str] | None = None
) -> None:
    """Write every field of ``model`` through ``repository``; an unset field is deleted.

    A contract of responses (``DataContractV1``) is written as the provider writes responses
    (each entry's secret fields to its own secrets). ``context`` is accepted for
    compatibility: the protocol component decides what the library decided from it.

    Raises:
        TypeError: for a repository this package did not make, or a requirer contract (the
            requirer handler writes its requests itself).
    """
    if isinstance(model, DataContractV1) and isinstance(repository, OpsRelationRepository):
        _write_responses(repository, model)
        return
    if isinstance(model, RequirerDataContractV1):
        raise TypeError(
            "write_model cannot write a RequirerDataContractV1: the requirer handler writes "
            "its requests when the relation is created"
        )
    if isinstance(repository, (OpsPeerRepository, OpsRelationRepository)):
        repository._write_model(model)
        return
    raise TypeError(f"write_model needs a repository of this package, not {type(repository)}")


def _write_responses(repository: OpsRelationRepository, contract: DataContractV1) -> None:
    relation = repository._relation()
    requests = list(contract.requests)
    item = type(requests[0]) if requests else ResourceProviderModel
    config = {
        "endpoint": relation.name,
        "request_fields": [],
        "response_fields": item.field_specs(),
        "mtls_enabled": False,
        "bulk_event": False,
        "status_schema": [],
        "resource_aliases": [],
    }
    backend = OpsBackend(repository.model, relation.name, relation)
    runtime().provider(config).set_responses(
        backend, relation.id, [response._to_wit() for response in requests]
    )


class RepositoryInterface(Generic[TRepository, TCommon]):
    """Builds the repositories of an endpoint's relations for one bag, and reads their models.

    Args:
        model: the charm's model.
        relation_name: the endpoint.
        component: whose bag (the application, this unit or another unit).
        repository_type: the repository class for that bag.
        data_model: the model the data is read into by default.
    """

    def __init__(
        self,
        model: Model,
        relation_name: str,
        component: Unit | Application,
        repository_type: type[TRepository],
        data_model: Any,
    ) -> None:
        self._model = model
        self.repository_type = repository_type
        self.relation_name = relation_name
        self.model = data_model
        self.component = component

    @property
    def relations(self) -> list[Relation]:
        """The relations of the endpoint."""
        return list(self._model.relations[self.relation_name])

    def repository(
        self, relation_id: int, component: Unit | Application | None = None
    ) -> TRepository:
        """The repository of a relation (for ``component``, or this interface's bag).

        Raises:
            ValueError: when the relation does not exist.
        """
        relation = self._model.get_relation(self.relation_name, relation_id)
        if not relation:
            raise ValueError("Missing relation.")
        return self.repository_type(self._model, relation, component or self.component)

    def build_model(
        self,
        relation_id: int,
        model: Any = None,
        component: Unit | Application | None = None,
    ) -> Any:
        """The data of a relation read into ``model`` (or the interface's model).

        Raises:
            ValueError: without a model, or when the relation does not exist.
        """
        data_model = model or self.model
        if not data_model:
            raise ValueError("Missing model to specialise data")
        return build_model(self.repository(relation_id, component), data_model)

    def write_model(
        self, relation_id: int, model: Any, context: dict[str, str] | None = None
    ) -> None:
        """Write ``model`` in this interface's bag of a relation (see :func:`write_model`)."""
        write_model(self.repository(relation_id), model, context=context)


class OpsRelationRepositoryInterface(RepositoryInterface[OpsRelationRepository, TCommon]):
    """The bags of an endpoint's relations, by default the local application's."""

    def __init__(self, model: Model, relation_name: str, data_model: Any = None) -> None:
        super().__init__(model, relation_name, model.app, OpsRelationRepository, data_model)


class OpsPeerRepositoryInterface(RepositoryInterface[OpsPeerRepository, TPeerCommon]):
    """The application's data of a peer endpoint's relations (writes need leadership)."""

    def __init__(self, model: Model, relation_name: str, data_model: Any = None) -> None:
        super().__init__(model, relation_name, model.app, OpsPeerRepository, data_model)


class OpsPeerUnitRepositoryInterface(RepositoryInterface[OpsPeerUnitRepository, TPeerCommon]):
    """This unit's data of a peer endpoint's relations."""

    def __init__(self, model: Model, relation_name: str, data_model: Any = None) -> None:
        super().__init__(model, relation_name, model.unit, OpsPeerUnitRepository, data_model)


class OpsOtherPeerUnitRepositoryInterface(
    RepositoryInterface[OpsOtherPeerUnitRepository, TPeerCommon]
):
    """Another unit's data of a peer endpoint's relations; read only.

    Its repositories raise ``ValueError`` when ``unit`` is the local unit, as the library's do;
    writes raise ``NotImplementedError``.
    """

    def __init__(
        self, model: Model, relation_name: str, unit: Unit, data_model: Any = None
    ) -> None:
        super().__init__(model, relation_name, unit, OpsOtherPeerUnitRepository, data_model)
