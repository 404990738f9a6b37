"""Everything Dagster loads: one Definitions per area under orchestration/defs/."""

import dagster as dg

# Modules, not their `defs`: Dagster allows one Definitions object at module scope.
from orchestration.defs.ingest import definitions as ingest
from orchestration.defs.warehouse import definitions as warehouse

# `make run` and the UI's "materialize all": land a dump, then rebuild and publish.
everything_job = dg.define_asset_job(
    "everything",
    selection=dg.AssetSelection.all(),
    description="Land a dump, then build, test and publish the whole warehouse.",
)

defs = dg.Definitions.merge(
    ingest.defs,
    warehouse.defs,
    dg.Definitions(jobs=[everything_job]),
)
