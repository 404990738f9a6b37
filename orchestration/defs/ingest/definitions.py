import dagster as dg

from orchestration.defs.ingest.assets import ctgov_landing
from orchestration.defs.ingest.automation import (
    daily_update_job,
    daily_update_schedule,
    everything_job,
    inbox_sensor,
    weekly_reconcile_job,
    weekly_reconcile_schedule,
)
from orchestration.defs.ingest.checks import last_load_quarantined_nothing, registry_data_is_fresh
from orchestration.defs.ingest.resources import LandingResource, RegistryResource

defs = dg.Definitions(
    assets=[ctgov_landing],
    asset_checks=[last_load_quarantined_nothing, registry_data_is_fresh],
    jobs=[everything_job, daily_update_job, weekly_reconcile_job],
    schedules=[daily_update_schedule, weekly_reconcile_schedule],
    sensors=[inbox_sensor],
    resources={"landing": LandingResource(), "registry": RegistryResource()},
)
