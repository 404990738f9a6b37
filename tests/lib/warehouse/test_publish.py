"""Publishing into the lake, on one machine (SQLite catalog, a folder) and for a team
(PostgreSQL catalog, S3-compatible storage): each publish one whole snapshot, equal to
its build row for row, readable by other processes throughout, undone by a failure.

The builds are copies of the real ones the session fixtures made: the sample's, and the
dated dumps' (the same trials four days later, some changed). Copies, because publishing
opens a build to fold its log, and other workers' tests read the originals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.warehouse.resources import UNPUBLISHED
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse import publish as publishing
from orchestration.lib.warehouse.maintenance import maintain
from orchestration.lib.warehouse.publish import publish
from tests.support.lakes import (
    MAIN_TABLES,
    ONLY_IN_EACH,
    counted_rows,
    differences,
    postgres_server,
    s3_objects,
    s3_server,
)

# About 300 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=300)

BUCKET = "trialwatch-lake"


@pytest.fixture(scope="module")
def team_servers() -> Iterator[tuple]:
    with postgres_server() as postgres, s3_server(BUCKET) as endpoint:
        yield postgres, endpoint


@pytest.fixture(scope="module")
def builds(
    tmp_path_factory: pytest.TempPathFactory,
    sample_warehouse: Settings,
    dated_history: tuple[dict, Settings],
) -> tuple[Path, Path]:
    """The sample's build and the dated dumps' build, copied."""
    folder = tmp_path_factory.mktemp("builds")
    sample, dated = folder / "sample.duckdb", folder / "dated.duckdb"
    shutil.copyfile(sample_warehouse.build_warehouse, sample)
    shutil.copyfile(dated_history[1].build_warehouse, dated)
    return sample, dated


@pytest.fixture(params=["one machine", "team"])
def lake(request: pytest.FixtureRequest, tmp_path: Path) -> Lake:
    """An empty lake: SQLite and a folder, or PostgreSQL and an S3 bucket."""
    if request.param == "one machine":
        return Lake(f"sqlite:{tmp_path / 'catalog.sqlite'}", f"{tmp_path / 'files'}/", tmp_path)
    postgres, _ = request.getfixturevalue("team_servers")
    name = request.node.name.split("[")[0][:40].replace("-", "_")
    return Lake(f"postgres:{postgres.database(name)}", f"s3://{BUCKET}/{name}/", tmp_path)


def _files(lake: Lake) -> list[str]:
    """Every data file the lake has, in its folder or its bucket."""
    if lake.data_path.startswith("s3://"):
        prefix = lake.data_path.removeprefix(f"s3://{BUCKET}/")
        return s3_objects(os.environ["AWS_ENDPOINT_URL"], BUCKET, prefix)
    return sorted(str(p) for p in Path(lake.data_path).rglob("*") if p.is_file())


def _main_counts(con, at: str = "") -> dict[str, int]:
    tables = [t for (t,) in con.execute(MAIN_TABLES).fetchall()]
    return {
        t: con.execute(f'select count(*) from main."{t}" {at}').fetchall()[0][0] for t in tables
    }


def test_each_publish_is_one_snapshot_equal_to_its_build_and_upkeep_keeps_them(
    lake: Lake, builds: tuple[Path, Path]
) -> None:
    sample, dated = builds

    first = publish(sample, lake, "run-sample", UNPUBLISHED)
    with lake.connect() as con:
        assert differences(con, sample, UNPUBLISHED) == {}
        sample_counts = _main_counts(con)
        trials_before = counted_rows(con, "from main.trials")

    second = publish(dated, lake, "run-dated", UNPUBLISHED)
    with lake.connect() as con:
        assert differences(con, dated, UNPUBLISHED) == {}
        trials_after = counted_rows(con, "from main.trials")
        # Each publish is one snapshot, named in main.runs and in the snapshot's message.
        snapshots = con.execute(
            "select snapshot_id, commit_message from lake.snapshots() where commit_message"
            " is not null order by 1"
        ).fetchall()
        assert snapshots == [
            (first.snapshot_id, "run run-sample"),
            (second.snapshot_id, "run run-dated"),
        ]
        assert second.snapshot_id == first.snapshot_id + 1
        runs = con.execute(
            "select snapshot_id, run_id, tables_changed from main.runs order by 1"
        ).fetchall()
        assert [r[:2] for r in runs] == [
            (first.snapshot_id, "run-sample"),
            (second.snapshot_id, "run-dated"),
        ]
        assert runs[1][2] == second.tables_changed and "main.trial_versions" in runs[1][2]
        # The dated dumps' loads, by their dates.
        (loaded,) = con.execute(
            "select load_dates from main.runs where run_id = 'run-dated'"
        ).fetchall()[0]
        assert [d.isoformat() for d in loaded] == [
            "2026-07-01",
            "2026-07-02",
            "2026-07-03",
            "2026-07-06",
        ]

        # The first run is one clause away, and the snapshot holds only what changed.
        assert _main_counts(con, f"at (version => {first.snapshot_id})") == sample_counts
        changes = con.execute(
            "select change_type, count(*) from lake.table_changes('trials', ?, ?) group by 1",
            [second.snapshot_id, second.snapshot_id],
        ).fetchall()
        removed, added = trials_before - trials_after, trials_after - trials_before
        assert sum(removed.values()) > 0
        assert dict(changes).get("delete", 0) + dict(changes).get("update_preimage", 0) == sum(
            removed.values()
        )
        assert dict(changes).get("insert", 0) + dict(changes).get("update_postimage", 0) == sum(
            added.values()
        )

    # The same build again changes nothing but the runs table.
    third = publish(dated, lake, "run-again", UNPUBLISHED)
    assert third.snapshot_id == second.snapshot_id + 1 and third.tables_changed == []

    # Upkeep merges files and drops no snapshot: the first run reads as it was.
    done = maintain(lake)
    assert done.files_after < done.files_before and done.snapshots_expired == 0
    with lake.connect() as con:
        assert _main_counts(con, f"at (version => {first.snapshot_id})") == sample_counts
        assert differences(con, dated, UNPUBLISHED) == {}
    # Past a retention, older snapshots go; the latest stays whole.
    assert maintain(lake, retention=timedelta(0)).snapshots_expired > 0
    with lake.connect() as con:
        assert differences(con, dated, UNPUBLISHED) == {}
        with pytest.raises(duckdb.Error, match=r"(?i)snapshot"):
            con.execute(
                f"select count(*) from main.trials at (version => {first.snapshot_id})"
            ).fetchall()


READER = """
import json, sys
from pathlib import Path
from orchestration.lib.common.lake import Lake
catalog, data_path, extensions = sys.argv[1:4]
con = Lake(catalog, data_path, Path(extensions)).connect()
while not Path(sys.argv[4]).exists():
    print(json.dumps(con.execute(sys.argv[5]).fetchall()[0]), flush=True)
"""
# One query: the run it belongs to, and what that run's tables hold.
STATE = """
    select
        (select max(snapshot_id) from main.runs),
        (select count(*) from main.trial_versions),
        (select count(*) from main.trial_changes),
        (select count(*) from main.recruiting_activity)
"""


def test_a_reader_in_another_process_sees_one_whole_snapshot_at_a_time(
    lake: Lake, builds: tuple[Path, Path], tmp_path: Path
) -> None:
    expected: dict[int, tuple] = {}

    def publish_and_note(number: int) -> None:
        publish(builds[number % 2], lake, f"run-{number}", UNPUBLISHED)
        with lake.connect() as con:
            state = con.execute(STATE).fetchall()[0]
        expected[state[0]] = state[1:]

    publish_and_note(0)
    stop = tmp_path / "stop"
    where = [lake.catalog, lake.data_path, str(lake.extensions)]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, *where, str(stop), STATE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[tuple] = []
    collector = threading.Thread(
        target=lambda: seen.extend(tuple(json.loads(line)) for line in reader.stdout)
    )
    collector.start()
    try:
        # Three publishes, back and forth between the builds, while the reader queries on.
        for number in range(1, 4):
            publish_and_note(number)
        stop.touch()
        assert reader.wait(timeout=120) == 0, reader.stderr.read()
    finally:
        reader.kill()
        collector.join()
    first, second = sorted(expected)[:2]
    assert expected[first] != expected[second], "the builds must differ for the test to mean much"
    # Every answer is one snapshot's, whole: its rows all belong to the run it names.
    assert len({row[0] for row in seen}) >= 2, Counter(row[0] for row in seen)
    assert all(row[1:] == expected[row[0]] for row in seen), Counter(seen)


def test_a_publish_that_fails_leaves_the_lake_as_it_was(
    lake: Lake, builds: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, dated = builds
    publish(sample, lake, "run-good", UNPUBLISHED)
    with lake.connect() as con:
        snapshots = con.execute("select snapshot_id from lake.snapshots()").fetchall()
    files = _files(lake)

    def killed(*args, **kwargs) -> None:
        raise RuntimeError("killed after every table was written")

    monkeypatch.setattr(publishing, "_record_run", killed)
    with pytest.raises(RuntimeError, match="killed after every table"):
        publish(dated, lake, "run-killed", UNPUBLISHED)

    with lake.connect() as con:
        assert con.execute("select snapshot_id from lake.snapshots()").fetchall() == snapshots
        assert differences(con, sample, UNPUBLISHED) == {}
        assert con.execute("select run_id from main.runs").fetchall() == [("run-good",)]
    # The files the failed transaction wrote are gone again.
    assert _files(lake) == files


def test_nothing_is_published_without_a_build(tmp_path: Path) -> None:
    lake = Lake(f"sqlite:{tmp_path / 'catalog.sqlite'}", f"{tmp_path / 'files'}/", tmp_path)
    with pytest.raises(FileNotFoundError, match="no build to publish"):
        publish(tmp_path / "missing.duckdb", lake, "run")
    assert not lake.exists()


def test_the_comparison_counts_rows_as_except_all_does() -> None:
    """``differences`` (tests/support/lakes.py) counts the rows only on each side as
    multisets, nulls equal, lists and all: what every publish test's equality rests on."""
    con = duckdb.connect()
    rows = "(1, 'x', [1, 2]), (1, 'x', [1, 2]), (2, null, null), (3, 'z', [])"
    con.execute(f"create table one as from (values {rows}) t(i, s, l)")
    con.execute(
        "create table other as from (values (1, 'x', [1, 2]), (2, null, null),"
        " (3, 'z', [3]), (4, 'w', null)) t(i, s, l)"
    )
    counted = [
        con.execute(ONLY_IN_EACH.format(one=a, other=b)).fetchall()[0]
        for a, b in (("one", "other"), ("one", "one"), ("other", "one"))
    ]
    except_all = [
        tuple(
            con.execute(f"select count(*) from (from {x} except all from {y})").fetchall()[0][0]
            for x, y in ((a, b), (b, a))
        )
        for a, b in (("one", "other"), ("one", "one"), ("other", "one"))
    ]
    assert counted == except_all == [(2, 2), (0, 0), (2, 2)]
