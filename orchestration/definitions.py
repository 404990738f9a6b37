"""Everything Dagster loads: one Definitions per area under orchestration/defs/, and the
jobs and schedules that span them."""

import dagster as dg

# Modules, not their `defs`: Dagster allows one Definitions object at module scope.
from orchestration.defs import jobs, run_log
from orchestration.defs.alerts import definitions as alerts
from orchestration.defs.ingest import definitions as ingest
from orchestration.defs.reports import definitions as reports
from orchestration.defs.settings_resource import TRIALWATCH
from orchestration.defs.site import definitions as site
from orchestration.defs.warehouse import definitions as warehouse
from orchestration.lib.common.settings import settings

# Settings are checked when the definitions load: a bad TRIALWATCH_* value stops here,
# with every bad variable named, before any run starts.
settings()

defs = dg.Definitions.merge(
    ingest.defs,
    warehouse.defs,
    site.defs,
    alerts.defs,
    reports.defs,
    dg.Definitions(
        jobs=jobs.JOBS,
        schedules=jobs.SCHEDULES,
        loggers=run_log.LOGGERS,
        # Every setting, the one resource a deployment configures (defs/settings_resource.py).
        resources={"trialwatch": TRIALWATCH},
    ),
)
