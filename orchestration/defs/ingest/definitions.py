import dagster as dg

from orchestration.defs.ingest.assets import ctgov_landing
from orchestration.defs.ingest.checks import last_load_quarantined_nothing, registry_data_is_fresh
from orchestration.defs.ingest.resources import LandingResource, RegistryResource
from orchestration.defs.ingest.sensors import inbox_sensor
from orchestration.defs.settings_resource import TRIALWATCH

defs = dg.Definitions(
    assets=[ctgov_landing],
    asset_checks=[last_load_quarantined_nothing, registry_data_is_fresh],
    sensors=[inbox_sensor],
    resources={
        "landing": LandingResource(trialwatch=TRIALWATCH),
        "registry": RegistryResource(trialwatch=TRIALWATCH),
    },
)
