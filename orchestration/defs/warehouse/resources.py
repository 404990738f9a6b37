"""The warehouse as a Dagster resource: where dbt builds it and where analysts open it."""

import os

import dagster as dg

from orchestration.lib.publish import publish, table_counts
from orchestration.lib.settings import Paths, paths


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse: built in ``<warehouse dir>/.build``, published by atomic rename."""

    def paths(self) -> Paths:
        return paths()

    def prepare_build(self) -> None:
        """Point dbt (a subprocess that inherits this environment) at the landing and build file."""
        current = self.paths()
        current.build_dir.mkdir(parents=True, exist_ok=True)
        os.environ.update(current.dbt_env())

    def publish(self) -> dict[str, int]:
        current = self.paths()
        publish(current.build_warehouse, current.warehouse)
        return table_counts(current.warehouse)
