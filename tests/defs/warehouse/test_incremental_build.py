"""The daily build does the day's work, and agrees with a full rebuild row for row; the
daily site build agrees with a site built whole, file for file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse.build_state import SCHEMA
from tests.support.pipeline import data_dir, query
from tests.support.rebuild import disagreements
from tests.support.seed_runs import DailyRuns
from tests.support.sites import live_site_built_whole, site_differences


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


def test_the_dated_dumps_daily_site_agrees_with_a_site_built_whole(
    dated_history: tuple[dict, Settings], tmp_path: Path
) -> None:
    _, current = dated_history
    # Two builds: whole on the third day, then daily over three loads (a trial gone
    # from a dump, sites added and removed, a new contact phone, a reverted status).
    assert not live_site_built_whole(current)
    with data_dir(current.data_dir):
        assert site_differences(current, tmp_path) == {}


def test_the_seed_trials_daily_runs_agree_with_a_full_rebuild(
    seed_daily_runs: DailyRuns, tmp_path: Path
) -> None:
    current = seed_daily_runs.current
    assert builds(current) == [(True, 1), (False, 1), (False, 1), (False, 1)]
    assert disagreements(current, tmp_path) == {}
    assert not live_site_built_whole(current)
    with data_dir(current.data_dir):
        assert site_differences(current, tmp_path / "site") == {}
