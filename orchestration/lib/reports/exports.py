"""Parquet copies of the marts, for BI tools that do not read DuckDB.

``public/`` is what may be published: every mart but the analysts-only ones, each text
column through the privacy scrubber (contact details, and each trial's contact
persons' names, masked). ``analysts/`` holds the marts that are personal data or raw
input (``contacts``, ``quarantine``), as the warehouse has them, for analysts alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.lib.common.duckdb_files import base_tables
from orchestration.lib.common.lake import Lake, cursor
from orchestration.lib.common.privacy import Scrubber, people, warehouse_scrubber
from orchestration.lib.common.safe_names import inside

PUBLIC, ANALYSTS = "public", "analysts"
ANALYSTS_ONLY = frozenset({"contacts", "quarantine"})
BATCH_ROWS = 50_000


def export_marts(lake: Lake, folder: Path) -> dict[str, int]:
    """Write each table of schema main as ``<audience>/<table>.parquet``; return row counts.

    Each file is written beside its final name and renamed over it, so a reader never
    opens half a file; tables that no longer exist lose their file.
    """
    counts: dict[str, int] = {}
    written: set[Path] = set()
    with lake.connect() as con:
        scrubber = warehouse_scrubber(con)
        names = people(con, "NCT00000000", "NCT99999999")
        for table in base_tables(con):
            audience = ANALYSTS if table in ANALYSTS_ONLY else PUBLIC
            target = inside(folder, f"{audience}/{table}.parquet")
            partial = target.with_name(f".{table}.parquet.tmp")
            target.parent.mkdir(parents=True, exist_ok=True)
            if audience == ANALYSTS:
                counts[table] = _copy(con, table, partial)
            else:
                counts[table] = _write_scrubbed(con, table, partial, scrubber, names)
            os.replace(partial, target)
            written.add(target)
    for stale in folder.rglob("*.parquet"):
        if stale not in written:
            stale.unlink()
    return counts


def _copy(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    # Table names come from the catalog, not from input; quoted all the same.
    con.execute(f"copy main.\"{table}\" to '{path}' (format parquet, compression zstd)").fetchall()
    return con.execute(f'select count(*) from main."{table}"').fetchall()[0][0]


def _write_scrubbed(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    scrubber: Scrubber,
    names: dict[str, tuple[str, ...]],
) -> int:
    """Write ``table`` with every text column scrubbed, a batch of rows at a time."""
    reader = cursor(con).sql(f'select * from main."{table}"').to_arrow_reader(BATCH_ROWS)
    rows = 0
    with pq.ParquetWriter(path, reader.schema, compression="zstd") as writer:
        for batch in reader:
            trials = batch.column("nct_id").to_pylist() if "nct_id" in batch.schema.names else None
            columns = []
            for column, field in zip(batch.columns, batch.schema, strict=True):
                if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                    column = _scrubbed(column, field.type, scrubber, trials, names)
                columns.append(column)
            writer.write_batch(pa.record_batch(columns, schema=batch.schema))
            rows += batch.num_rows
    return rows


def _scrubbed(
    column: pa.Array,
    kind: pa.DataType,
    scrubber: Scrubber,
    trials: list[str] | None,
    names: dict[str, tuple[str, ...]],
) -> pa.Array:
    """A text column through the scrubber: row by row with each trial's names, or, in a
    table of no trial, each distinct value once (segments repeat by the million)."""
    if trials is None:
        encoded = column.dictionary_encode()
        values = [scrubber.text(v) if v else v for v in encoded.dictionary.to_pylist()]
        return pa.array(values, type=kind).take(encoded.indices)
    return pa.array(
        [
            scrubber.text(value, names.get(trials[i], ())) if value else value
            for i, value in enumerate(column.to_pylist())
        ],
        type=kind,
    )
