"""Jobs, schedules and the inbox sensor that keep the warehouse current on its own."""

import os
import time
from pathlib import Path

import dagster as dg

from orchestration.lib.settings import paths

INBOX_SETTLE_SECONDS = 30  # a file still being copied in is left for a later tick

everything_job = dg.define_asset_job(
    "everything",
    selection=dg.AssetSelection.all(),
    description="Land a dump (or pull the registry), then build, test and publish everything.",
)


def _registry_job(name: str, pull: str, description: str):
    # Reports that come out weekly have their own schedule, not one per load.
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.all() - dg.AssetSelection.tag("cadence", "weekly"),
        description=description,
        config={"ops": {"ctgov_landing": {"config": {"source": "registry", "pull": pull}}}},
    )


daily_update_job = _registry_job(
    "daily_update",
    "auto",
    "Pull the studies the registry changed since the last pull, then rebuild downstream.",
)
weekly_reconcile_job = _registry_job(
    "weekly_reconcile",
    "download",
    "Load the registry's bulk download, mark studies it no longer holds, rebuild downstream.",
)

# Schedules reach the live registry, so they run only where an operator says so.
_SCHEDULE_STATUS = (
    dg.DefaultScheduleStatus.RUNNING
    if os.environ.get("TRIALWATCH_SCHEDULES") == "on"
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


def inbox() -> Path:
    return paths().data_dir / "inbox"


@dg.sensor(
    job=everything_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads any dump file or folder dropped into data/inbox/, once per version of it.",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    folder = inbox()
    if not folder.is_dir():
        return dg.SkipReason(f"no inbox at {folder}")
    requests = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name.endswith((".part", ".tmp")):
            continue
        newest = max(
            (p.stat().st_mtime for p in [entry, *entry.rglob("*")] if p.exists()),
            default=entry.stat().st_mtime,
        )
        if time.time() - newest < INBOX_SETTLE_SECONDS:
            context.log.info(f"{entry.name} is still changing; waiting")
            continue
        size = sum(p.stat().st_size for p in [entry, *entry.rglob("*")] if p.is_file())
        requests.append(
            dg.RunRequest(
                run_key=f"{entry.name}:{int(newest)}:{size}",
                run_config={"ops": {"ctgov_landing": {"config": {"source": str(entry)}}}},
                tags={"trialwatch/inbox": entry.name},
            )
        )
    return requests or dg.SkipReason(f"nothing new in {folder}")
