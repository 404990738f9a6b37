"""Jobs and schedules that span the whole graph: `make run`'s job, the daily update, the
weekly reconcile, the history backfill's slices and the full rebuild.

A daily update builds only the loads not yet built and the trials they touched; the
weekly reconcile and `make rebuild` rebuild every model from the whole landing, with
every test, and publish whatever differs (nothing, when the daily builds were right)."""

import dagster as dg

from orchestration.defs.run_log import LOGGER_CONFIG
from orchestration.lib.common.settings import settings

everything_job = dg.define_asset_job(
    "everything",
    selection=dg.AssetSelection.all(),
    description="Land a dump (or pull the registry), then build, test and publish everything.",
    config={"loggers": LOGGER_CONFIG},
)


WEEKLY = dg.AssetSelection.tag("cadence", "weekly")
FULL_REFRESH = {
    "warehouse_models": {"config": {"full_refresh": True}},
    "site_feed": {"config": {"full_refresh": True}},
}


def _registry_job(
    name: str, pull: str, description: str, full_refresh: bool = False, **load: object
):
    # Reports that come out weekly have their own schedule, not one per load.
    ops = {"ctgov_landing": {"config": {"source": "registry", "pull": pull, **load}}}
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.all() - WEEKLY,
        description=description,
        config={"ops": {**ops, **(FULL_REFRESH if full_refresh else {})}, "loggers": LOGGER_CONFIG},
    )


daily_update_job = _registry_job(
    "daily_update",
    "auto",
    "Pull the studies the registry changed since the last pull, then rebuild downstream.",
)
weekly_reconcile_job = _registry_job(
    "weekly_reconcile",
    "download",
    "Load the registry's bulk download, mark studies it no longer holds, rebuild every model"
    " whole with every test.",
    full_refresh=True,
)
backfill_job = _registry_job(
    "backfill",
    "history",
    "Fill in the history of every landed trial from the registry's record history, for one"
    " slice (TRIALWATCH_BACKFILL_MINUTES), then build and publish what it landed.",
    minutes=settings().backfill_minutes,
)
rebuild_job = dg.define_asset_job(
    "rebuild",
    # Nothing is loaded, and no digest goes out: a rebuild republishes what was landed.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("ingest", "alerts") - WEEKLY,
    description="Rebuild every model from the whole landing (make rebuild), publish what"
    " differs, rebuild the site and the exports.",
    config={"ops": FULL_REFRESH, "loggers": LOGGER_CONFIG},
)

# Schedules reach the live registry, so they run only where an operator says so.
_SCHEDULE_STATUS = (
    dg.DefaultScheduleStatus.RUNNING
    if settings().schedules == "on"
    else dg.DefaultScheduleStatus.STOPPED
)
daily_update_schedule = dg.ScheduleDefinition(
    job=daily_update_job,
    cron_schedule="0 7 * * *",  # after the registry's overnight refresh (US Eastern)
    execution_timezone="UTC",
    default_status=_SCHEDULE_STATUS,
)
weekly_reconcile_schedule = dg.ScheduleDefinition(
    job=weekly_reconcile_job,
    cron_schedule="0 4 * * 0",
    execution_timezone="UTC",
    default_status=_SCHEDULE_STATUS,
)

# Slices between the daily runs: with one run at a time, a slice waits for the daily
# update and the daily update for a slice.
backfill_schedule = dg.ScheduleDefinition(
    job=backfill_job,
    cron_schedule="30 */2 * * *",
    execution_timezone="UTC",
    default_status=_SCHEDULE_STATUS,
)

JOBS = [everything_job, daily_update_job, weekly_reconcile_job, backfill_job, rebuild_job]
SCHEDULES = [daily_update_schedule, weekly_reconcile_schedule, backfill_schedule]
