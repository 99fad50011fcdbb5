#!/usr/bin/env python3
"""An application charm that asks a database charm for a database (data_interfaces V1)."""

from __future__ import annotations

import ops

from data_interfaces_wasm import (
    RequirerCommonModel,
    ResourceCreatedEvent,
    ResourceProviderModel,
    ResourceRequirerEventHandler,
)


class ExampleCharm(ops.CharmBase):
    """Asks for the database ``exampledb``; active once its credentials have arrived."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.database = ResourceRequirerEventHandler(
            self,
            "database",
            [RequirerCommonModel(resource="exampledb")],
            response_model=ResourceProviderModel,
        )
        framework.observe(self.database.on.resource_created, self._on_resource_created)
        framework.observe(self.on.install, self._on_install)

    def _on_install(self, _: ops.InstallEvent) -> None:
        self.unit.status = ops.WaitingStatus("waiting for a database")

    def _on_resource_created(self, event: ResourceCreatedEvent) -> None:
        response = event.response
        if response.username and response.password:  # from the secret; never shown
            self.unit.status = ops.ActiveStatus(
                f"{response.resource} at {response.endpoints}"
            )


if __name__ == "__main__":
    ops.main(ExampleCharm)
