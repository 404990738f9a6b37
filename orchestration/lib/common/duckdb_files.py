"""Opening DuckDB files with a bounded cache, so a step's memory does not grow with the data.

DuckDB caches blocks and sorts in memory up to 80% of the machine by default. Reading a
600,000-trial warehouse (the site feed sorts its tables by trial; publishing reads the
whole build) would fill that with cache; bounded, it spills to a temporary folder
instead and runs in about the same time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# A reader's share of the 4 GB a run may use (the default of TRIALWATCH_READ_MEMORY): dbt's
# DuckDB has its own 2 GB, and never runs at the same time as a reader.
READ_MEMORY = "1GB"


def base_tables(con: duckdb.DuckDBPyConnection, schema: str = "main") -> list[str]:
    """The tables of ``schema`` in the connection's own database, by name."""
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = ? and table_catalog = current_database()"
            " and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
    ]


def open_read_only(path: Path, memory: str = READ_MEMORY) -> duckdb.DuckDBPyConnection:
    """``path`` opened read-only, with the bounded cache."""
    return duckdb.connect(str(path), read_only=True, config={"memory_limit": memory})
