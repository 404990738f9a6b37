"""The inbox sensor: a dump dropped into data/inbox/ is loaded once per version of it."""

import time
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import everything_job
from orchestration.defs.run_records import run_in_progress
from orchestration.lib.common.settings import settings

INBOX_SETTLE_SECONDS = 30  # a file still being copied in is left for a later tick


def inbox() -> Path:
    return settings().inbox


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
    busy = run_in_progress(context.instance)
    if busy:
        # A request now would race it; the file stays and a later tick loads it.
        return dg.SkipReason(f"run {busy.run_id} is in progress; the inbox waits for it")
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
