"""The warehouse as a Dagster resource: where dbt builds it and the lake it is published to."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from orchestration.defs.settings_resource import AreaResource
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.settings import DBT_PROJECT_DIR, environment
from orchestration.lib.warehouse import build_state
from orchestration.lib.warehouse.build_state import BuildPlan
from orchestration.lib.warehouse.maintenance import Maintained, maintain
from orchestration.lib.warehouse.publish import Published, publish, table_counts

# Tables dbt needs to build from but analysts do not get: every staging table reads
# its module from this one, which holds each new record's JSON again; the touched keys,
# the trend marts' ledgers and what a build changes in them are a build's bookkeeping
# (dbt_project/macros/trends.sql).
UNPUBLISHED = (
    "staging.stg_ctgov__study_modules",
    "intermediate.int_touched_trials",
    "intermediate.int_touched_sites",
    "intermediate.int_touched_conditions",
    "intermediate.int_renamed_conditions",
    "intermediate.int_recruiting_events",
    "intermediate.int_recruiting_changes",
    "intermediate.int_trial_years",
    "intermediate.int_yearly_changes",
)
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


class WarehouseResource(AreaResource):
    """The DuckDB build in ``<data dir>/.build``, published into the lake as one snapshot."""

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point a dbt subprocess started inside this block at the landing and the build file.

        dagster-dbt passes its own environment to dbt, so the variables are set only while
        the subprocess starts, and restored after: the settings stay a function of the
        environment the process was given. Nothing inside may read the settings: the
        landing's variable holds dbt's form of its path (from ``~``, Settings.dbt_env).
        """
        with environment(self.settings().dbt_env()):
            yield

    def plan_build(self, full_refresh: bool) -> BuildPlan:
        """Whole or incremental, over which loads (lib/warehouse/build_state.py)."""
        current = self.settings()
        project = build_state.project_hash(DBT_PROJECT_DIR)
        return build_state.plan_build(
            current.landing, current.build_warehouse, project, full_refresh
        )

    def start_build(self, plan: BuildPlan) -> Path:
        """List the plan's batches for dbt; return where dbt keeps this build's artifacts."""
        current = self.settings()
        current.build_dir.mkdir(parents=True, exist_ok=True)
        build_state.start_build(current.build_warehouse, plan)
        return current.dbt_target

    def record_build(self, run_id: str, plan: BuildPlan) -> None:
        current = self.settings()
        build_state.record_build(
            current.build_warehouse,
            run_id,
            plan,
            build_state.project_hash(DBT_PROJECT_DIR),
            current.landing,
        )

    def open_lake(self) -> Lake:
        return Lake.of(self.settings())

    def publish(self, run_id: str) -> tuple[Published, dict[str, int]]:
        """Publish the build as one snapshot; return it and the row counts of ``main``."""
        lake, build = self.open_lake(), self.settings().build_warehouse
        incremental = build_state.incremental_tables(MANIFEST)
        published = publish(build, lake, run_id, UNPUBLISHED, incremental)
        with lake.connect() as con:
            return published, table_counts(con)

    def maintain(self) -> Maintained:
        days = self.settings().lake_retention_days
        return maintain(self.open_lake(), None if days is None else timedelta(days=days))
