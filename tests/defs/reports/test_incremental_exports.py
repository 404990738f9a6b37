"""The public exports rescrub only the rows the lake's commits moved since they were
written (a newly stored detail or name included), and equal an export made whole."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.reports.assets import parquet_exports
from orchestration.defs.reports.resources import ReportsResource
from orchestration.lib.common.change_feed import Cursor, since
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.output_versions import EXPORTS
from orchestration.lib.common.privacy import DETAILS_MASK, NAME_MASK
from orchestration.lib.common.settings import Settings
from orchestration.lib.reports.exports import STATE, Moved, export_marts
from tests.support.lakes import counted_rows
from tests.support.pipeline import data_copy, query
from tests.support.stored_details import store_a_detail_and_a_name


def _rows(path: Path) -> Counter:
    with duckdb.connect() as con:
        return counted_rows(con, f"select * from read_parquet('{path}')")


def _summary(folder: Path, nct_id: str) -> str:
    with duckdb.connect() as con:
        return con.execute(
            "select brief_summary from read_parquet(?) where nct_id = ?",
            [str(folder / "public" / "trials.parquet"), nct_id],
        ).fetchall()[0][0]


def _cursor(exports: Path) -> Cursor:
    """Where the exports stand, as they recorded it."""
    state = json.loads((exports / STATE).read_text())
    assert state["version"] == str(EXPORTS)
    return Cursor(state["snapshot"], state["version"])


def test_a_daily_export_rescrubs_what_moved_and_equals_a_whole_export(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        files = sorted(current.exports.rglob("*.parquet"))
        holder, number, storer, named, name = store_a_detail_and_a_name(Lake.of(current))
        assert number in _summary(current.exports, holder)
        with Lake.of(current).connect() as con:
            moved = Moved.of(since(con, _cursor(current.exports), str(EXPORTS)))
            # Rescrubbed: the trials whose contacts changed, and the one whose text holds
            # the number now stored.
            assert moved.trials(con, "trials") == {holder, named, storer}
            assert moved.trials(con, "conditions") is None  # no trial column: whole

        assert dg.materialize([parquet_exports], resources={"reports": ReportsResource()}).success

        assert number not in _summary(current.exports, holder)
        assert DETAILS_MASK in _summary(current.exports, holder)
        assert name not in _summary(current.exports, named)
        assert NAME_MASK in _summary(current.exports, named)
        whole = tmp_path / "whole"
        export_marts(Lake.of(current), whole)
        for path in files:
            relative = path.relative_to(current.exports)
            assert _rows(path) == _rows(whole / relative), relative


def test_rows_about_no_trial_are_exported_again_when_they_move(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    # A table whose key can be NULL (as subscriptions_by_topic's condition topics): its
    # rows about no trial move together, as one trial's do.
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        lake = Lake.of(current)
        (trial,) = query(current, "select min(nct_id) from main.trials")[0]
        with lake.connect(read_only=False) as con:
            con.execute("create table main.followed (topic varchar, nct_id varchar, n integer)")
            con.execute(
                "insert into main.followed values (?, ?, 1), ('condition:a', null, 2),"
                " ('condition:b', null, 3)",
                [f"trial:{trial}", trial],
            )
        export_marts(lake, current.exports)
        with lake.connect(read_only=False) as con:
            con.execute("begin")
            con.execute("update main.followed set n = 7 where topic = 'condition:a'")
            con.execute("delete from main.followed where topic = 'condition:b'")
            con.execute("insert into main.followed values ('condition:c', null, 1)")
            con.execute("commit")
        with lake.connect() as con:
            moved = Moved.of(since(con, _cursor(current.exports), str(EXPORTS)))
            assert moved.trials(con, "followed") == {None}
        export_marts(lake, current.exports)

        exported = current.exports / "public" / "followed.parquet"
        assert _rows(exported) == Counter(
            {
                (f"trial:{trial}", trial, 1): 1,
                ("condition:a", None, 7): 1,
                ("condition:c", None, 1): 1,
            }
        )
        whole = tmp_path / "whole"
        export_marts(lake, whole)
        assert _rows(exported) == _rows(whole / "public" / "followed.parquet")
