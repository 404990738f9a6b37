"""Warehouse: the dbt project as Dagster assets (tests as asset checks), then publication."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.metadata import tables_written
from orchestration.defs.warehouse.resources import WarehouseResource
from orchestration.lib.common.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)
# The dbt installed beside this interpreter, whether or not its venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def dbt_cli() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


if not DBT_PROJECT.manifest_path.exists():
    # A fresh clone has no manifest yet; `make` targets refresh it, this covers the rest.
    dbt_cli().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups models by layer (warehouse_staging, warehouse_intermediate, warehouse),
    and the history marts (trial_changes, recruiting_status) as history."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        path = [*dbt_resource_props.get("fqn", []), "", ""][1:3]
        if path == ["marts", "history"]:
            return "history"
        return {"staging": "warehouse_staging", "intermediate": "warehouse_intermediate"}.get(
            path[0], "warehouse"
        )


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=WarehouseTranslator(),
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """Build and test every dbt model into the build file (never the published one)."""
    with warehouse.dbt_environment():
        invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()


@dg.asset(
    deps=warehouse_models.keys,
    group_name="warehouse",
    kinds={"duckdb"},
    description="The last complete build, published atomically where analysts open it.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    counts = warehouse.publish()
    published = warehouse.settings().warehouse
    context.log.info(f"published {published}")
    return dg.MaterializeResult(metadata=tables_written(published, counts))
