"""The warehouse as a Dagster resource: where dbt builds it and where analysts open it."""

from collections.abc import Iterator
from contextlib import contextmanager

from orchestration.defs.settings_resource import SettingsResource, setting
from orchestration.lib.common.settings import environment
from orchestration.lib.warehouse.publish import publish, table_counts

# Tables dbt needs to build from but analysts do not get: every staging table reads
# its module from this one, which holds each landed record's JSON again.
UNPUBLISHED = ("staging.stg_ctgov__study_modules",)


class WarehouseResource(SettingsResource):
    """The DuckDB warehouse: built in ``<warehouse dir>/.build``, published by atomic rename."""

    dbt_memory: str | None = setting("dbt_memory")

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point a dbt subprocess started inside this block at the landing and the build file.

        dagster-dbt passes its own environment to dbt, so the variables are set only while
        the subprocess starts, and restored after: the settings stay a function of the
        environment the process was given.
        """
        current = self.settings()
        current.build_dir.mkdir(parents=True, exist_ok=True)
        with environment(current.dbt_env()):
            yield

    def publish(self) -> dict[str, int]:
        current = self.settings()
        publish(current.build_warehouse, current.warehouse, leave_out=UNPUBLISHED)
        return table_counts(current.warehouse)
