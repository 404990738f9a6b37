"""Publish a finished build as the warehouse analysts open, atomically.

The build file is the working copy dbt writes into. Publishing copies it beside the
published file and renames the copy over it: a reader that has the old file open
keeps reading the old build, a new reader gets the new one, and nobody ever sees a
half-written file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def publish(build: Path, published: Path) -> None:
    if not build.exists():
        raise FileNotFoundError(f"no build to publish at {build}")
    # Fold any write-ahead log into the file itself, so the copy is complete on its own.
    duckdb.connect(str(build)).close()
    if build.with_name(build.name + ".wal").exists():
        raise RuntimeError(f"{build} still has a write-ahead log; is a build still running?")
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.publishing")
    shutil.copyfile(build, staging)
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, published)


def table_counts(warehouse: Path, schema: str = "main") -> dict[str, int]:
    """Row counts of every table in a schema of a published warehouse, opened read-only."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = ? and table_catalog = current_database()"
                " order by table_name",
                [schema],
            ).fetchall()
        ]
        return {
            table: con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            for table in tables
        }
