"""The daily build does the day's work, and agrees with a full rebuild row for row."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse.build_state import SCHEMA
from tests.support.pipeline import query
from tests.support.rebuild import disagreements
from tests.support.seed_runs import DailyRuns


def builds(current: Settings) -> list[tuple[bool, int]]:
    """(rebuilt whole, batches built) of each build the build file records, in order."""
    with duckdb.connect(str(current.build_warehouse), read_only=True) as con:
        return con.execute(
            f"select full_refresh, len(batch_ids) from {SCHEMA}.builds order by built_at"
        ).fetchall()


def test_dated_dumps_built_day_by_day_out_of_order_agree_with_a_full_rebuild(
    dated_history: tuple[dict, Settings], tmp_path: Path
) -> None:
    _, current = dated_history
    # The third day, then the first (backdated), then four loads at once: the fourth
    # day, its reload, a dump quarantined whole, and the second day.
    assert builds(current) == [(True, 1), (False, 1), (False, 4)]
    assert query(current, "select count(*) from main.quarantine") == [(1,)]
    assert disagreements(current, tmp_path) == {}


def test_the_seed_trials_daily_runs_agree_with_a_full_rebuild(
    seed_daily_runs: DailyRuns, tmp_path: Path
) -> None:
    current = seed_daily_runs.current
    assert builds(current) == [(True, 1), (False, 1), (False, 1), (False, 1)]
    assert disagreements(current, tmp_path) == {}
