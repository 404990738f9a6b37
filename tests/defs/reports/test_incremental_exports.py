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
from orchestration.lib.common.lake import Lake, current_snapshot
from orchestration.lib.common.privacy import DETAILS_MASK, NAME_MASK
from orchestration.lib.common.settings import Settings
from orchestration.lib.reports.exports import STATE, Moved, export_marts
from tests.support.lakes import counted_rows
from tests.support.pipeline import data_copy
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


def test_a_daily_export_rescrubs_what_moved_and_equals_a_whole_export(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        files = sorted(current.exports.rglob("*.parquet"))
        holder, number, storer, named, name = store_a_detail_and_a_name(Lake.of(current))
        assert number in _summary(current.exports, holder)
        with Lake.of(current).connect() as con:
            since = json.loads((current.exports / STATE).read_text())["snapshot"]
            moved = Moved.since(con, since, current_snapshot(con))
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
