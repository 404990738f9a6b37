"""The warehouse as a Dagster resource: where dbt builds it and where analysts open it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from orchestration.lib.publish import publish, table_counts
from orchestration.lib.settings import Paths, paths


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse: built in ``<warehouse dir>/.build``, published by atomic rename."""

    def paths(self) -> Paths:
        return paths()

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point a dbt subprocess started inside this block at the landing and the build file.

        dagster-dbt passes its own environment to dbt, so the variables are set only while
        the subprocess starts, and restored after: the settings stay a function of the
        environment the process was given.
        """
        current = self.paths()
        current.build_dir.mkdir(parents=True, exist_ok=True)
        saved = {name: os.environ.get(name) for name in current.dbt_env()}
        os.environ.update(current.dbt_env())
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def publish(self) -> dict[str, int]:
        current = self.paths()
        publish(current.build_warehouse, current.warehouse)
        return table_counts(current.warehouse)
