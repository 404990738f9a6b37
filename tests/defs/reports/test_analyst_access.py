"""Analyst access: Parquet copies of every mart, and a data dictionary that names them all."""

from __future__ import annotations

import json

import polars as pl

from orchestration.lib.common.settings import Settings
from orchestration.lib.warehouse.data_dictionary import DICTIONARY, MANIFEST, render
from tests.support.pipeline import query

MAIN_COLUMNS = """
    select table_name, column_name from information_schema.columns
    where table_schema = 'main' order by table_name, ordinal_position
"""


def test_every_mart_is_exported_as_parquet_with_all_its_rows(sample_warehouse: Settings) -> None:
    exports = sample_warehouse.data_dir / "exports"
    tables = {t for t, _ in query(sample_warehouse.warehouse, MAIN_COLUMNS)}
    assert {p.stem for p in exports.glob("*.parquet")} == tables
    for table in tables:
        frame = pl.read_parquet(exports / f"{table}.parquet")
        [(rows,)] = query(sample_warehouse.warehouse, f'select count(*) from main."{table}"')
        assert frame.height == rows, table
        columns = [c for t, c in query(sample_warehouse.warehouse, MAIN_COLUMNS) if t == table]
        assert frame.columns == columns, table
    trials = pl.read_parquet(exports / "trials.parquet")
    assert trials.height == 909 and trials["nct_id"].n_unique() == 909


def test_the_data_dictionary_is_current_and_names_every_mart_column(
    sample_warehouse: Settings,
) -> None:
    assert DICTIONARY.read_text() == render(json.loads(MANIFEST.read_text())), (
        "docs/data-dictionary.md is stale: "
        "run python -m orchestration.lib.warehouse.data_dictionary"
    )
    sections = {part.split("`", 1)[0]: part for part in DICTIONARY.read_text().split("### `")[1:]}
    for table, column in query(sample_warehouse.warehouse, MAIN_COLUMNS):
        assert f"| `{column}` |" in sections[table], (table, column)
