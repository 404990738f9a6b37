"""A process that holds a data folder's pipeline lock, as a running pipeline does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOLD = """
import sys, time
from pathlib import Path
from orchestration.lib.common.run_lock import pipeline_lock
with pipeline_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def hold_lock(data: Path) -> subprocess.Popen:
    """Another process holding the data folder's lock, as a running pipeline does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder
