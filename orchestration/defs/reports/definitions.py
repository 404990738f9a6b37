import dagster as dg

from orchestration.defs.reports.assets import parquet_exports

defs = dg.Definitions(assets=[parquet_exports])
