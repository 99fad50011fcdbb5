"""The README's example charms, as written there, on ``data_interfaces_wasm``.

``charms_reference.py`` is this file with only the import line changed (a test checks it).
"""

import hashlib

from data_interfaces_wasm import (
    RequirerCommonModel,
    RequirerDataContractV1,  # noqa: F401 (imported by the README)
    ResourceCreatedEvent,
    ResourceEntityCreatedEvent,  # noqa: F401 (imported by the README)
    ResourceProviderEventHandler,
    ResourceProviderModel,
    ResourceRequestedEvent,
    ResourceRequirerEventHandler,
)
from ops import CharmBase


class DatabaseHelper:
    """A fake database: deterministic credentials per request."""

    def generate_user(self, request_id: str) -> str:
        return f"relation_{request_id}"

    def generate_password(self, request_id: str) -> str:
        return hashlib.sha256(f"password:{request_id}".encode()).hexdigest()[:24]


class ClientCharm(CharmBase):
    # Database charm that accepts connections from application charms.
    def __init__(self, *args) -> None:
        super().__init__(*args)

        requests = [
            RequirerCommonModel(
                resource="clientdb",
            ),
            RequirerCommonModel(
                resource="clientbis",
            ),
            RequirerCommonModel(
                entity_type="USER",
            ),
        ]
        self.database = ResourceRequirerEventHandler(
            self, "database", requests, response_model=ResourceProviderModel
        )
        self.framework.observe(self.database.on.resource_created, self._on_resource_created)
        self.framework.observe(self.database.on.resource_entity_created, self._on_entity_created)

    def _on_resource_created(self, event: ResourceCreatedEvent) -> None:
        # Event triggered when a new database is created.
        relation_id = event.relation.id  # noqa: F841
        response = event.response  # noqa: F841 # This is the response model

        username = event.response.username  # noqa: F841
        password = event.response.password  # noqa: F841
        ...

    def _on_entity_created(self, event: ResourceCreatedEvent) -> None:
        # Event triggered when a new entity is created.
        ...


class SampleCharm(CharmBase):
    def __init__(self, *args):
        super().__init__(*args)
        # Charm events defined in the database provides charm library.
        self.provided_database = ResourceProviderEventHandler(
            self, "database", RequirerCommonModel
        )
        self.framework.observe(
            self.provided_database.on.resource_requested, self._on_resource_requested
        )
        # Database generic helper
        self.database = DatabaseHelper()

    def _on_resource_requested(self, event: ResourceRequestedEvent) -> None:
        # Handle the event triggered by a new database requested in the relation
        # Retrieve the database name using the charm library.
        db_name = event.request.resource
        # generate a new user credential
        username = self.database.generate_user(event.request.request_id)
        password = self.database.generate_password(event.request.request_id)
        # set the credentials for the relation
        response = ResourceProviderModel(
            salt=event.request.salt,
            request_id=event.request.request_id,
            resource=db_name,
            username=username,
            password=password,
            endpoints="10.0.0.1:5432",
        )
        self.provided_database.set_response(event.relation.id, response)
