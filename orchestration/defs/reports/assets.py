"""What analysts take away: the marts as Parquet files, and the weekly report."""

import dagster as dg

from orchestration.defs.metadata import tables_written
from orchestration.defs.reports.resources import ReportsResource
from orchestration.defs.run_log import LOGGER_CONFIG
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.common.lake import Lake
from orchestration.lib.reports.exports import export_marts
from orchestration.lib.reports.facts import gather, last_load
from orchestration.lib.reports.output import previous_report, write_report


@dg.asset(
    deps=[published_warehouse],
    group_name="reports",
    kinds={"parquet"},
    description=(
        "Every mart as Parquet for BI tools: data/exports/public/ (scrubbed, publishable)"
        " and data/exports/analysts/ (people's tables, quarantine, subscriptions_by_topic)."
    ),
)
def parquet_exports(
    context: dg.AssetExecutionContext, reports: ReportsResource
) -> dg.MaterializeResult:
    current = reports.settings()
    counts = export_marts(Lake.of(current), current.exports)
    context.log.info(f"exported {len(counts)} tables to {current.exports}")
    return dg.MaterializeResult(metadata=tables_written(current.exports, counts))


@dg.asset(
    deps=[published_warehouse],
    group_name="reports",
    kinds={"html", "pdf"},
    tags={"cadence": "weekly"},
    description=(
        "The weekly report, data/reports/<last load>/report.html (self-contained) and "
        "report.pdf: headline figures, what changed since the last report, trends by "
        "condition and country, the newest recruiting trials, data-quality notes."
    ),
)
def weekly_report(
    context: dg.AssetExecutionContext, reports: ReportsResource
) -> dg.MaterializeResult:
    current = reports.settings()
    lake = Lake.of(current)
    as_of = last_load(lake)
    facts = gather(lake, as_of, previous_report(current.reports, as_of))
    chromium = reports.chromium_path()
    if chromium is None:
        context.log.warning(
            "no Chromium found (set TRIALWATCH_CHROMIUM): the report is written without its PDF"
        )
    files = write_report(facts, current.reports, current.site_url, chromium)
    context.log.info(f"report for {as_of} (changes since {facts.since}) in {files.folder}")
    return dg.MaterializeResult(
        metadata={
            "as_of": as_of.isoformat(),
            "since": facts.since.isoformat(),
            "html": dg.MetadataValue.path(str(files.html)),
            "pdf": dg.MetadataValue.path(str(files.pdf)) if files.pdf else "not printed",
            **{f"headline.{key}": value for key, value in facts.headline.items()},
        }
    )


weekly_report_job = dg.define_asset_job(
    "write_weekly_report",
    selection=[weekly_report],
    description="Write this week's report.",
    config={"loggers": LOGGER_CONFIG},
)
weekly_report_schedule = dg.ScheduleDefinition(
    job=weekly_report_job,
    cron_schedule="0 8 * * 1",  # Mondays, after the daily update
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
