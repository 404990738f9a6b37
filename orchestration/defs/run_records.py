"""Dagster's record of the pipeline's runs: which one holds the pipeline, and which were
killed in the command line's process and must not hold it for ever.

A run started from the command line (`make run`) executes in that process, under the
data folder's lock (``lib/common/run_lock.py``), and is tagged with the folder. Killed
(SIGKILL, the OOM killer, a power cut), it stays "started" in Dagster's record, but its
lock went with its process: so a command-line run of this folder that is still "in
progress" while another holds the lock is dead, and is recorded as failed with the
reason. A run the daemon launched (a schedule's, the inbox sensor's) is left to Dagster's
run monitoring (``dagster.yaml``).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dagster as dg

# Runs that hold the pipeline: started, or about to be.
IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
DATA_DIR_TAG = "trialwatch/data_dir"
PROCESS_TAG = "trialwatch/process"


def command_line_tags(data_dir: Path) -> dict[str, str]:
    """The tags of a run the command line executes in its own process."""
    return {
        DATA_DIR_TAG: str(data_dir.resolve()),
        PROCESS_TAG: f"pid {os.getpid()} on {socket.gethostname()}",
    }


def run_in_progress(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    """A run of this instance that is going or queued, if any: one runs at a time."""
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS), limit=1)
    return runs[0] if runs else None


def fail_dead_runs(instance: dg.DagsterInstance, data_dir: Path) -> list[dg.DagsterRun]:
    """Record as failed every command-line run of ``data_dir`` still in progress; the caller
    holds the folder's pipeline lock, which a live one would hold. The runs it failed."""
    tags = {DATA_DIR_TAG: str(data_dir.resolve())}
    dead = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS, tags=tags))
    for run in dead:
        instance.report_run_failed(
            run,
            f"Its process ({run.tags.get(PROCESS_TAG, 'unknown')}) ended without finishing"
            " the run (killed, or the machine stopped): recorded as failed by the next run"
            f" of {data_dir}.",
        )
    return list(dead)
