import dagster as dg

from orchestration.defs.ingest.assets import ctgov_landing
from orchestration.defs.ingest.checks import last_load_quarantined_nothing
from orchestration.defs.ingest.resources import LandingResource

defs = dg.Definitions(
    assets=[ctgov_landing],
    asset_checks=[last_load_quarantined_nothing],
    resources={"landing": LandingResource()},
)
