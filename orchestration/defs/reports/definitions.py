import dagster as dg

from orchestration.defs.reports.assets import (
    parquet_exports,
    weekly_report,
    weekly_report_job,
    weekly_report_schedule,
)
from orchestration.defs.reports.resources import ReportsResource
from orchestration.defs.settings_resource import TRIALWATCH

defs = dg.Definitions(
    assets=[parquet_exports, weekly_report],
    jobs=[weekly_report_job],
    schedules=[weekly_report_schedule],
    resources={"reports": ReportsResource(trialwatch=TRIALWATCH)},
)
