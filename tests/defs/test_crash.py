"""Runs killed at random moments (SIGKILL to the process group, as a power cut, the OOM
killer or a container restart would), each followed by a plain `make run`: over the
sample and the seed trial's dumps with sign-ups, the warehouse ends equal to a clean
run's, table by table, and every digest is sent exactly once. `make test-crash` runs it
(about 12 minutes); TRIALWATCH_CRASH_SEED plays the same kills again."""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import SAMPLE_DUMP, Settings, environment
from tests.support.histories import dagster_home, killed
from tests.support.lakes import MAIN_TABLES, counted_rows
from tests.support.pipeline import data_dir
from tests.support.seed_runs import SEED, SIGNUPS, UNSUBSCRIBES, received

pytestmark = pytest.mark.deep
STEPS = [(SAMPLE_DUMP, "2026-06-23")] + [
    (SEED / f"NCT06529731.{day}.json", day) for day in ("2026-06-24", "2026-06-27", "2026-06-28")
]
# What says which run did a thing, not what the thing is: the run log and its ids.
RUN_LOG = {"load_batches"}
RUN_COLUMNS = ("batch_id", "loaded_at", "started_at", "finished_at", "landed_at")


def _signed_up(current: Settings) -> None:
    folder = current.data_dir / "subscriptions"
    folder.mkdir(parents=True)
    (folder / "signups.csv").write_text(SIGNUPS)
    (folder / "unsubscribes.csv").write_text(UNSUBSCRIBES)


def _args(source: Path, day: str) -> list[str]:
    return ["run", "--source", str(source), "--as-of", day]


def _tables(current: Settings) -> dict[str, Counter]:
    with open_lake(current) as con:
        tables = [t for (t,) in con.execute(MAIN_TABLES).fetchall() if t not in RUN_LOG]
        found = {}
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'lake'"
                    " and schema_name = 'main' and table_name = ?",
                    [table],
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            found[table] = counted_rows(con, f'select {quoted} from main."{table}"')
        return found


def _digests(current: Settings) -> dict[str, Counter]:
    """Each recipient's digest lines, counted: the same in every order of sending."""
    return {to: Counter(lines) for to, lines in received(current.outbox).items()}


def test_runs_killed_at_random_end_as_a_clean_run(tmp_path: Path) -> None:
    seed = int(os.environ.get("TRIALWATCH_CRASH_SEED") or time.time())
    chance = random.Random(seed)
    took = []
    with (
        data_dir(tmp_path / "clean" / "data") as clean,
        environment(dagster_home(tmp_path / "clean")),
    ):
        _signed_up(clean)
        for source, day in STEPS:
            started = time.monotonic()
            assert main(_args(source, day)) == EVERYTHING_DONE
            took.append(time.monotonic() - started)
        expected, digests = _tables(clean), _digests(clean)

    kills = 0
    home = dagster_home(tmp_path / "crashed")
    with data_dir(tmp_path / "crashed" / "data") as crashed, environment(home):
        _signed_up(crashed)
        for (source, day), seconds in zip(STEPS, took, strict=True):
            for _ in range(chance.randint(1, 2)):
                killed(_args(source, day), chance.uniform(1, seconds + 10))
                kills += 1
            assert main(_args(source, day)) == EVERYTHING_DONE, f"seed {seed}"
        assert _tables(crashed) == expected, f"seed {seed}, {kills} kills"
        assert _digests(crashed) == digests, f"seed {seed}, {kills} kills"
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
            assert runs == [], f"seed {seed}: runs left started: {[r.run_id for r in runs]}"
