"""The published lake through the whole pipeline: one snapshot per run, equal to the build,
any earlier run one clause away, and `make sql` as the analyst's way in."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from pathlib import Path

from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.seed_runs import DAYS, DailyRuns, lake_state


def _sql(current: Settings, statements: str) -> str:
    """What `make -s sql` prints for ``statements`` piped in, in ``current``'s data dir."""
    done = subprocess.run(
        ["make", "-s", "sql"],
        input=statements,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "TRIALWATCH_DATA_DIR": str(current.data_dir)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_sql_opens_the_lake_with_its_macros(sample_warehouse: Settings) -> None:
    out = _sql(
        sample_warehouse,
        "select count(*) as trials from trials;\n"
        "select count(*) as statuses from trial_status_on(current_date);\n",
    )
    counts = [int(n) for n in re.findall(r"│\s+(\d+)\s+│", out)]
    assert counts == [909, 909], out


def test_each_run_is_a_snapshot_and_every_earlier_run_comes_back(
    seed_daily_runs: DailyRuns,
) -> None:
    current, states, _, moments, _ = seed_daily_runs
    # Each run differs from the one before, if only by its load batch (the rerun).
    assert all(before != after for before, after in itertools.pairwise(states))
    with open_lake(current) as con:
        runs = con.execute(
            "select snapshot_id, load_dates::varchar[] from main.runs order by snapshot_id"
        ).fetchall()
        assert [dates for _, dates in runs] == [[day] for day in DAYS]
        for (snapshot, _), state, moment in zip(runs, states, moments, strict=True):
            assert lake_state(con, f"at (version => {snapshot})") == state
            assert (
                lake_state(con, f"at (timestamp => '{moment.isoformat()}'::timestamptz)") == state
            )


def test_readme_query_gives_the_warehouse_after_a_load(seed_daily_runs: DailyRuns) -> None:
    current, _, trials, _, _ = seed_daily_runs
    guide = (REPO_ROOT / "docs" / "analysts.md").read_text()
    (example,) = re.findall(
        r"```sql\n(-- The warehouse as it was after the 27 June load.*?)```", guide, re.S
    )
    with open_lake(current) as con:
        *setup, last = [s for s in example.split(";") if s.strip()]
        for statement in setup:
            con.execute(statement)
        found = con.execute(last).fetchall()
    assert found == trials[1] != trials[0]


def test_a_run_records_the_tables_it_changed(seed_daily_runs: DailyRuns) -> None:
    current, states, _, _, _ = seed_daily_runs
    with open_lake(current) as con:
        changed = [
            t
            for (t,) in con.execute(
                "select tables_changed from main.runs order by snapshot_id"
            ).fetchall()
        ]
    for before, after, tables in zip(states[:-1], states[1:], changed[1:], strict=True):
        differing = {f"main.{t}" for t in after if after[t] != before[t]}
        assert {t for t in tables if t.startswith("main.")} == differing
        # 28 June repeats 27 June's record: the run changes little, but its load is news.
        assert "main.load_batches" in differing


def test_no_lake_yet_is_a_clear_message(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "sql"],
        input="select 1;",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "TRIALWATCH_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode != 0
    assert "no warehouse published yet" in done.stderr and "make run" in done.stderr
