"""Parquet copies of the marts, for BI tools that do not read DuckDB."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.lib.common.duckdb_files import base_tables, open_read_only


def export_marts(warehouse: Path, folder: Path) -> dict[str, int]:
    """Write each table of schema main as ``<table>.parquet``; return its row counts.

    Each file is written beside its final name and renamed over it, so a reader never
    opens half a file; tables that no longer exist lose their file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    with open_read_only(warehouse) as con:
        for table in base_tables(con):
            target = folder / f"{table}.parquet"
            partial = folder / f".{table}.parquet.tmp"
            # Table names come from the catalog, not from input; quoted all the same.
            con.execute(f"copy main.\"{table}\" to '{partial}' (format parquet, compression zstd)")
            os.replace(partial, target)
            (counts[table],) = con.execute(f'select count(*) from main."{table}"').fetchone()
    for stale in folder.glob("*.parquet"):
        if stale.stem not in counts:
            stale.unlink()
    return counts
