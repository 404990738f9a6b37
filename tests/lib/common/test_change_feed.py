"""The change feed: what the lake's commits after a consumer's cursor changed, or
everything when the cursor cannot say (none, another version, ahead, expired)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.common.change_feed import Cursor, since
from orchestration.lib.common.lake import NAME, Lake, current_snapshot


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    made = Lake(f"sqlite:{tmp_path / 'catalog.sqlite'}", f"{tmp_path / 'files'}/", tmp_path / "ext")
    with made.connect(read_only=False) as con:
        con.execute("create table main.trials (nct_id varchar, title varchar)")
        con.execute("insert into main.trials values ('NCT1', 'a'), ('NCT2', 'b'), (null, 'c')")
    return made


def test_a_cursor_sees_the_rows_changed_after_it(lake: Lake) -> None:
    with lake.connect() as con:
        cursor = Cursor(current_snapshot(con), "v1")
        assert since(con, cursor, "v1").nothing
        assert since(con, cursor, "v1").trials(["trials"]) == set()
    with lake.connect(read_only=False) as con:
        con.execute("update main.trials set title = 'b2' where nct_id = 'NCT2'")
        con.execute("update main.trials set title = 'c2' where nct_id is null")
    with lake.connect() as con:
        changes = since(con, cursor, "v1")
        assert not changes.everything and not changes.nothing
        assert changes.trials(["trials"]) == {"NCT2"}  # a row about no trial names none
        assert changes.keys("trials", "nct_id") == {"NCT2", None}
        assert changes.trials(["no_such_table"]) is None  # the lake cannot say


def test_everything_when_the_cursor_cannot_say(lake: Lake) -> None:
    with lake.connect() as con:
        first = current_snapshot(con)
    with lake.connect(read_only=False) as con:
        con.execute("insert into main.trials values ('NCT3', 'd')")
    with lake.connect(read_only=False) as con:
        assert since(con, None, "v1").everything
        assert since(con, Cursor(first, "v0"), "v1").everything  # the consumer's version moved
        assert since(con, Cursor(current_snapshot(con) + 5, "v1"), "v1").everything  # ahead
        assert since(con, Cursor(first, "v1"), "v1").trials(["trials"]) == {"NCT3"}
        con.execute(f"call ducklake_expire_snapshots('{NAME}', versions => [{first}])")
        expired = since(con, Cursor(first, "v1"), "v1")
        assert expired.everything and expired.trials(["trials"]) is None


def test_tables_no_commit_wrote_are_quiet_without_asking(lake: Lake) -> None:
    with lake.connect(read_only=False) as con:
        # In files, as the pipeline writes them (published rows are never inlined).
        con.execute(f"call {NAME}.set_option('data_inlining_row_limit', 0)")
        con.execute("create table main.sites (nct_id varchar, city varchar)")
        con.execute("insert into main.sites values ('NCT1', 'Oslo')")
        con.execute("insert into main.sites values ('NCT2', 'Lima')")
    with lake.connect() as con:
        cursor = Cursor(current_snapshot(con), "v1")
    with lake.connect(read_only=False) as con:
        con.execute("update main.trials set title = 'a2' where nct_id = 'NCT1'")
        con.execute("create table main.later (nct_id varchar)")
        con.execute("insert into main.later values ('NCT9')")
        # Compaction rewrites the sites' two files as one; no row of them moved.
        con.execute(f"call ducklake_merge_adjacent_files('{NAME}', 'sites')")
    with lake.connect() as con:
        last = f"select changes from {NAME}.snapshots() order by snapshot_id desc limit 1"
        assert "merge_adjacent" in con.execute(last).fetchall()[0][0]
        changes = since(con, cursor, "v1")
        assert changes.quiet == {"sites"}
        assert changes.keys("sites", "nct_id") == set() and changes.wrote("sites") is False
        assert changes.wrote("trials") is True
        assert changes.keys("later", "nct_id") == {"NCT9"}  # made after the cursor: asked
        assert changes.trials(["sites", "trials"]) == {"NCT1"}
        assert changes.trials(["sites"]) == set()
