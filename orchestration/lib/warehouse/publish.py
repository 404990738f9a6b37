"""Publish a finished build as the warehouse analysts open, atomically.

The build file is the working copy dbt writes into; it keeps the free blocks of every
table dbt dropped and rebuilt, a third of the file or more. Publishing writes a fresh,
compact copy beside the published file, table by table, and renames it over the
published one: a reader that has the old file open keeps reading the old build, a new
reader gets the new one, and nobody ever sees a half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.lib.common.duckdb_files import base_tables, memory_limit, open_read_only


def publish(build: Path, published: Path, leave_out: Iterable[str] = ()) -> None:
    """Copy ``build`` to ``published`` without its free blocks or the tables in ``leave_out``.

    ``leave_out`` names tables as ``schema.table``: working tables dbt needs that
    analysts do not, and that would only make every published copy bigger.
    """
    if not build.exists():
        raise FileNotFoundError(f"no build to publish at {build}")
    # Fold any write-ahead log into the build file, so that it is complete on its own.
    duckdb.connect(str(build)).close()
    if build.with_name(build.name + ".wal").exists():
        raise RuntimeError(f"{build} still has a write-ahead log; is a build still running?")
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.publishing")
    staging.unlink(missing_ok=True)
    staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    skipped = set(leave_out)
    spill = published.with_name(f".{published.name}.publishing.tmp")
    with duckdb.connect(
        config={"memory_limit": memory_limit(), "temp_directory": str(spill)}
    ) as con:
        con.execute("attach ? as build (read_only)", [str(build)])
        con.execute("attach ? as target", [str(staging)])
        # Schemas, tables (with their constraints) and macros first, then the rows.
        con.execute("copy from database build to target (schema)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = 'target' order by schema_name, table_name"
        ).fetchall()
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            if f"{schema}.{table}" in skipped:
                con.execute(f"drop table target.{name}")
            else:
                con.execute(f"insert into target.{name} select * from build.{name}")
        # Detaching checkpoints the copy into its file, which is then complete on its own.
        con.execute("detach target")
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, published)


def table_counts(warehouse: Path, schema: str = "main") -> dict[str, int]:
    """Row counts of every table in a schema of a published warehouse, opened read-only."""
    with open_read_only(warehouse) as con:
        return {
            table: con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            for table in base_tables(con, schema)
        }
