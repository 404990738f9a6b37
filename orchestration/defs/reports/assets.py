"""What analysts take away: the marts as Parquet files, and the weekly report."""

import dagster as dg

from orchestration.defs.site.resources import SiteResource
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.exports import export_marts
from orchestration.lib.report_facts import gather, last_load
from orchestration.lib.report_output import find_chromium, previous_report, write_report
from orchestration.lib.settings import paths


@dg.asset(
    deps=[published_warehouse],
    group_name="reports",
    kinds={"parquet"},
    description="Every mart as data/exports/<table>.parquet, for BI tools.",
)
def parquet_exports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    folder = paths().data_dir / "exports"
    counts = export_marts(paths().warehouse, folder)
    context.log.info(f"exported {len(counts)} tables to {folder}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(folder)),
            **{f"rows.{table}": count for table, count in counts.items()},
        }
    )


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
def weekly_report(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    warehouse, reports = paths().warehouse, paths().reports
    as_of = last_load(warehouse)
    facts = gather(warehouse, as_of, previous_report(reports, as_of))
    chromium = find_chromium()
    if chromium is None:
        context.log.warning(
            "no Chromium found (set TRIALWATCH_CHROMIUM): the report is written without its PDF"
        )
    files = write_report(facts, reports, site.settings().base_url, chromium)
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
    "write_weekly_report", selection=[weekly_report], description="Write this week's report."
)
weekly_report_schedule = dg.ScheduleDefinition(
    job=weekly_report_job,
    cron_schedule="0 8 * * 1",  # Mondays, after the daily update
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
