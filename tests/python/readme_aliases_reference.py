"""The README's aliased-cluster example (``cluster1``/``cluster2``), on data_interfaces_wasm.

The README's text does not run as printed; the least change that makes it run, the same on
both libraries: a comma after ``relation_name="database"``, ``relations_aliases`` spelt
``relation_aliases`` (the handler's argument), ``requests=requests`` where the value is left
out, and ``response_model=ResourceProviderModel`` (required by ``dpcharmlibs.interfaces``).
``_render_app_config_file``, which the README leaves to the charm, records its arguments.
``readme_aliases_reference.py`` is this file with only the import line changed.
"""

from dpcharmlibs.interfaces import (
    RequirerCommonModel,
    RequirerDataContractV1,  # noqa: F401 (imported by the README)
    ResourceCreatedEvent,
    ResourceEntityCreatedEvent,  # noqa: F401 (imported by the README)
    ResourceProviderModel,
    ResourceRequirerEventHandler,
)
from ops import CharmBase


class ApplicationCharm(CharmBase):
    # Application charm that connects to database charms.

    def __init__(self, *args):
        super().__init__(*args)

        requests = [
            RequirerCommonModel(
                resource="clientdb",
            ),
            RequirerCommonModel(
                resource="clientbis",
            ),
        ]
        # Define the cluster aliases and one handler for each cluster database created event.
        self.database = ResourceRequirerEventHandler(
            self,
            relation_name="database",
            relation_aliases=["cluster1", "cluster2"],
            requests=requests,
            response_model=ResourceProviderModel,
        )
        self.framework.observe(
            self.database.on.cluster1_resource_created, self._on_cluster1_resource_created
        )
        self.framework.observe(
            self.database.on.cluster2_resource_created, self._on_cluster2_resource_created
        )

    def _on_cluster1_resource_created(self, event: ResourceCreatedEvent) -> None:
        # Handle the created database on the cluster named cluster1

        # Create configuration file for app
        config_file = self._render_app_config_file(  # noqa: F841
            event.response.username,
            event.response.password,
            event.response.endpoints,
        )
        ...

    def _on_cluster2_resource_created(self, event: ResourceCreatedEvent) -> None:
        # Handle the created database on the cluster named cluster2

        # Create configuration file for app
        config_file = self._render_app_config_file(  # noqa: F841
            event.response.username,
            event.response.password,
            event.response.endpoints,
        )
        ...

    rendered: list = []  # noqa: RUF012 (the test's record, not the README's)

    def _render_app_config_file(self, username, password, endpoints):
        self.rendered.append((username, password, endpoints))
        return f"{username}:{password}@{endpoints}"
