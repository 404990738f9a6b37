"""The daily build does the day's work: each day's loads, built incrementally, the trend
marts recomputing only what moved, a killed build made good by the next. (That what it
builds equals a full rebuild: tests/defs/test_incremental_equals_full.py.)"""

from __future__ import annotations

import copy
import subprocess
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.common.settings import DBT_PROJECT_DIR, Settings
from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.warehouse.build_state import SCHEMA, BuildPlan, start_build
from orchestration.testing.change_patterns import posted_on, write_jsonl
from tests.support.dated_dumps import DAYS, current, overall_status
from tests.support.pipeline import WAREHOUSE, data_copy, query, run_everything
from tests.support.rebuild import DBT, disagreements
from tests.support.seed_runs import DailyRuns

# About 100 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=100)


def builds(current: Settings) -> list[tuple[bool, int]]:
    """(rebuilt whole, batches built) of each build the build file records, in order."""
    with duckdb.connect(str(current.build_warehouse), read_only=True) as con:
        return con.execute(
            f"select full_refresh, len(batch_ids) from {SCHEMA}.builds order by built_at"
        ).fetchall()


def test_dated_dumps_out_of_order_are_built_day_by_day(
    dated_history: tuple[dict, Settings],
) -> None:
    _, current = dated_history
    # The third day, then the first (backdated), then four loads at once: the fourth
    # day, its reload, a dump quarantined whole, and the second day.
    assert builds(current) == [(True, 1), (False, 1), (False, 4)]
    assert query(current, "select count(*) from main.quarantine") == [(1,)]


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


def test_a_build_killed_between_the_trend_ledgers_and_marts_is_made_good_by_the_next(
    dated_history: tuple[dict, Settings], tmp_path: Path
) -> None:
    series, built = dated_history
    records = [copy.deepcopy(current(days)) for days in series.values()]
    recruiting = [r for r in records if overall_status(r) == "RECRUITING"][:3]
    day = DAYS[-1] + timedelta(days=1)
    for record in recruiting:
        posted_on(record, day)["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    dump = write_jsonl(tmp_path / "dump.jsonl", records)
    with data_copy(built, tmp_path / "data") as copied:
        land_dump(copied.landing, dump, as_of=day)
        (batch,) = query(
            copied.landing, "select batch_id from load_batches order by started_at desc limit 1"
        )[0]
        # The build dies after the ledgers: they hold the change, the marts have not
        # counted it, and the batch is not recorded as built.
        start_build(copied.build_warehouse, BuildPlan(False, "new loads", (batch,)))
        command = [DBT, "run", "--quiet", "--profiles-dir", ".", "--target-path"]
        command += [
            str(tmp_path / "target"),
            "--select",
            "+int_recruiting_events",
            "+int_trial_years",
        ]
        subprocess.run(command, cwd=DBT_PROJECT_DIR, env=copied.dbt_env(), check=True)
        ledger = "select distinct ledger from intermediate.int_recruiting_events"
        assert {"new", "retired"} <= {state for (state,) in query(copied.build_warehouse, ledger)}
        # The next run builds that batch again with the next day's.
        next_day = (day + timedelta(days=1)).isoformat()
        assert run_everything(dump, as_of=next_day, up_to=WAREHOUSE).success
        closed = (
            "select sum(trials_closed) from main.recruiting_activity"
            " where period = 'day' and dimension = 'all' and period_start = ?"
        )
        assert query(copied, closed, [day]) == [(len(recruiting),)]
        assert disagreements(copied, tmp_path / "rebuilt") == {}


def test_the_seed_trials_days_are_each_built_incrementally(seed_daily_runs: DailyRuns) -> None:
    assert builds(seed_daily_runs.current) == [(True, 1), (False, 1), (False, 1), (False, 1)]
