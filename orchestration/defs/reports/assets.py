"""What analysts take away: the marts as Parquet files."""

import dagster as dg

from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.exports import export_marts
from orchestration.lib.settings import paths


@dg.asset(
    deps=[published_warehouse],
    group_name="reports",
    kinds={"parquet"},
    description="Every mart as data/exports/<table>.parquet, for BI tools.",
)
def parquet_exports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    folder = paths().data_dir / "exports"
    counts = export_marts(paths().warehouse, folder)
    context.log.info(f"exported {len(counts)} tables to {folder}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(folder)),
            **{f"rows.{table}": count for table, count in counts.items()},
        }
    )
