"""One pipeline run at a time: a second run is refused with a clear message, and a killed
run leaves no stale lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.common.run_lock import RunInProgress, pipeline_lock
from tests.support.locks import hold_lock


def test_a_second_run_is_refused_and_a_killed_one_leaves_no_lock(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(RunInProgress, match=f"pid {holder.pid}"), pipeline_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with pipeline_lock(tmp_path):  # the killed holder's lock went with it
        pass
