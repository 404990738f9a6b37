"""Warehouse: the dbt project as Dagster assets (tests as asset checks), then publication."""

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from pydantic import Field

from orchestration.defs.metadata import tables_written
from orchestration.defs.run_log import LOGGER_CONFIG
from orchestration.defs.warehouse.dbt_resource import DBT_PROJECT, NO_ARTIFACTS, parse_project
from orchestration.defs.warehouse.resources import WarehouseResource
from orchestration.lib.warehouse.build_state import VIEW_FOLDER, runs_in_every_build

if not DBT_PROJECT.manifest_path.exists():
    # A fresh clone has no manifest yet; `make` targets refresh it, this covers the rest.
    parse_project()


class BuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild every model from the whole landing (make rebuild, the weekly"
        " reconcile) instead of the loads not yet built.",
    )


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups models by layer (warehouse_staging, warehouse_intermediate, warehouse),
    the history marts (trial_changes, recruiting_status) as history, AACT's views as aact."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        path = [*dbt_resource_props.get("fqn", []), "", ""][1:3]
        if path == ["marts", "history"]:
            return "history"
        return {
            "staging": "warehouse_staging",
            "intermediate": "warehouse_intermediate",
            VIEW_FOLDER: VIEW_FOLDER,
        }.get(path[0], "warehouse")

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        # Blocking only where every build runs the test: one a daily build leaves to the
        # full rebuilds would otherwise be a gate passed by in silence on most runs. A
        # full rebuild still stops on any failing test (dbt build fails).
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is not None and spec.blocking and not runs_in_every_build(manifest, unique_id):
            return spec._replace(blocking=False)
        return spec


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=WarehouseTranslator(),
)
def warehouse_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: BuildConfig,
):
    """Build and test the dbt models into the build file (never the published one): the
    loads not yet built and the trials they touched, or everything on a full rebuild."""
    plan = warehouse.plan_build(config.full_refresh)
    context.log.info(plan.describe())
    target = warehouse.start_build(plan)
    with warehouse.dbt_environment():
        command = ["build", *NO_ARTIFACTS, *plan.dbt_args()]
        invocation = dbt.cli(command, context=context, target_path=target)
    yield from invocation.stream()
    if not plan.full_refresh:
        # Reported, not recreated (FULL_BUILD_ONLY): the views read the tables built now.
        groups = context.assets_def.group_names_by_key
        for key in sorted(k for k in context.selected_asset_keys if groups[k] == VIEW_FOLDER):
            yield dg.Output(
                None,
                output_name=context.assets_def.get_output_name_for_asset_key(key),
                metadata={"view": "as the last full build created it, over the tables built now"},
            )
    if not context.is_subset:
        # Only a build of every model has built those loads; a partial one is redone.
        warehouse.record_build(context.run.run_id, plan)


@dg.asset(
    deps=warehouse_models.keys,
    group_name="warehouse",
    kinds={"ducklake"},
    description=(
        "The last complete build, published into the lake as one snapshot (a reader sees"
        " the previous run or this one, never half), recorded in main.runs."
    ),
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    published, counts = warehouse.publish(context.run.run_id)
    lake = warehouse.open_lake()
    context.log.info(
        f"published snapshot {published.snapshot_id} of {lake.shown};"
        f" tables changed: {', '.join(published.tables_changed) or 'none'}"
    )
    return dg.MaterializeResult(
        metadata={
            **tables_written(lake.shown, counts),
            "snapshot_id": published.snapshot_id,
            "rows_deleted": sum(deleted for deleted, _ in published.changes.values()),
            "rows_inserted": sum(inserted for _, inserted in published.changes.values()),
            "tables_compared": len(published.changes),
            "tables_left_alone": len(published.left_alone),
        }
    )


@dg.asset(
    deps=[published_warehouse],
    group_name="warehouse",
    kinds={"ducklake"},
    tags={"cadence": "weekly"},
    description=(
        "The lake's upkeep: files mostly deleted rewritten, small ones merged (no snapshot"
        " dropped); snapshots expired only past TRIALWATCH_LAKE_RETENTION_DAYS, when set."
    ),
)
def lake_maintenance(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    done = warehouse.maintain()
    context.log.info(f"lake files {done.files_before} -> {done.files_after}")
    return dg.MaterializeResult(metadata=asdict(done))


lake_maintenance_job = dg.define_asset_job(
    "maintain_lake",
    selection=[lake_maintenance],
    description="Compact the lake's files.",
    config={"loggers": LOGGER_CONFIG},
)
lake_maintenance_schedule = dg.ScheduleDefinition(
    job=lake_maintenance_job,
    cron_schedule="0 6 * * 0",  # Sundays, after the weekly reconcile
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
