"""Everything Dagster loads: one Definitions per area under orchestration/defs/."""

import dagster as dg

# Modules, not their `defs`: Dagster allows one Definitions object at module scope.
from orchestration.defs.alerts import definitions as alerts
from orchestration.defs.ingest import definitions as ingest
from orchestration.defs.reports import definitions as reports
from orchestration.defs.site import definitions as site
from orchestration.defs.warehouse import definitions as warehouse

defs = dg.Definitions.merge(ingest.defs, warehouse.defs, site.defs, alerts.defs, reports.defs)
