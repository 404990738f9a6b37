"""Everything Dagster loads: one Definitions per area under orchestration/defs/."""

import dagster as dg

from orchestration.defs.ingest.definitions import defs as ingest_defs
from orchestration.defs.warehouse.definitions import defs as warehouse_defs

# `make run` and the UI's "materialize all": land a dump, then rebuild and publish.
everything_job = dg.define_asset_job(
    "everything",
    selection=dg.AssetSelection.all(),
    description="Land a dump, then build, test and publish the whole warehouse.",
)

defs = dg.Definitions.merge(
    ingest_defs,
    warehouse_defs,
    dg.Definitions(jobs=[everything_job]),
)
