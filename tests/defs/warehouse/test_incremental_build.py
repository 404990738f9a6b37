"""The daily build does the day's work, and agrees with a full rebuild row for row; the
daily site build agrees with a site built whole, file for file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse.build_state import SCHEMA
from tests.support.dated_dumps import DAYS
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


def test_the_trend_marts_recompute_only_what_the_last_daily_build_changed(
    dated_history: tuple[dict, Settings],
) -> None:
    _, current = dated_history
    with duckdb.connect(str(current.build_warehouse), read_only=True) as con:
        (batches,) = con.execute(
            f"select batch_ids from {SCHEMA}.builds order by built_at desc limit 1"
        ).fetchone()
        (earliest_load,) = con.execute(
            "select min(as_of) from main.load_batches"
            " where status = 'succeeded' and list_contains(?, batch_id)",
            [batches],
        ).fetchone()
        recruiting_windows, first_window = con.execute(
            "select count(*), min(window_start) from intermediate.int_recruiting_changes"
            " where period = 'day'"
        ).fetchone()
        (recruiting_segments,) = con.execute(
            "select count(distinct (dimension, segment)) from main.recruiting_activity"
        ).fetchone()
        (yearly_windows,) = con.execute(
            "select count(*) from intermediate.int_yearly_changes"
        ).fetchone()
        (yearly_segments,) = con.execute(
            "select count(distinct (dimension, segment)) from main.trial_activity_by_year"
        ).fetchone()
        ledgers = con.execute(
            "select distinct ledger from intermediate.int_recruiting_events"
            " union select distinct ledger from intermediate.int_trial_years"
        ).fetchall()
    # The last build's loads changed some segments, from their own days on: the marts
    # recomputed those, not every segment from the first day.
    assert earliest_load == DAYS[1]
    assert 0 < recruiting_windows < recruiting_segments / 2
    assert first_window >= earliest_load
    assert 0 < yearly_windows < yearly_segments / 2
    # Each mart counted its ledger's changes and acknowledged them.
    assert ledgers == [("seen",)]


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
