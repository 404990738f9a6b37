"""One pipeline run at a time on a data folder.

Runs that Dagster launches wait in its queue (``dagster.yaml``: one at a time); a run
started from the command line takes this lock on the data folder, and refuses to start
while another holds it, or while Dagster has a run of this instance in progress.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = ".pipeline.lock"


class RunInProgress(RuntimeError):
    """Another pipeline run is using this data folder."""


@contextmanager
def pipeline_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's pipeline lock for the block; refuse if another run has it.

    The lock is the operating system's (flock): it goes with the process that holds it,
    so a run that is killed leaves no stale lock behind.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text().strip() or "another process"
            raise RunInProgress(
                f"another pipeline run is using {data_dir} ({holder}); "
                "wait for it to finish, then run again"
            ) from None
        os.ftruncate(handle, 0)
        os.write(
            handle, f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode()
        )
        yield
    finally:
        os.close(handle)  # closing releases the lock
