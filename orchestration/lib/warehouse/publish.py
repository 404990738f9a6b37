"""Publish a finished build into the lake: each run one snapshot, written in one transaction.

dbt builds in its private file; publishing makes the lake's tables equal to the build's,
table by table, inside one transaction, and records the run in ``main.runs``. Readers
in other processes go on reading the previous snapshot until the commit, then the new
one, never a mixture; a run that fails before the commit leaves the lake as it was.

A table is brought level with its build by its difference, not by a copy: the rows the
lake holds that the build no longer has are deleted, the build's rows the lake lacks
are inserted. A snapshot then holds what the run changed, ``table_changes`` between two
snapshots lists it, and the files a run adds grow with the change. A table whose columns
changed is replaced whole.

After incremental builds (lib/warehouse/build_state.py) only the keys they recomputed
can differ: an incremental table no such build wrote is left alone, and one keyed by
trial, site or MeSH term is compared on those keys' rows alone, so publishing costs what
the day changed. After a full rebuild every row is compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.common.duckdb_files import base_tables
from orchestration.lib.common.lake import NAME, Lake, sql_literal
from orchestration.lib.warehouse.build_state import (
    SCHEMA,
    TOUCHED,
    mark_published,
    publish_whole,
    written_models,
)

RUNS = "runs"  # in schema main: one row per published snapshot
# The schema whose views are published, over the lake's tables (AACT's names: models/aact).
VIEWS = "aact"
# Its columns: name, type, and what the data dictionary says of each.
RUNS_COLUMNS = [
    ("snapshot_id", "bigint", "the snapshot this run published: `AT (VERSION => snapshot_id)`"),
    ("run_id", "varchar", "the Dagster run that published it"),
    ("published_at", "timestamp with time zone", "when the snapshot was committed"),
    (
        "load_dates",
        "date[]",
        "the dates of the loads this run brought in (a dump's as-of date, else its load day)",
    ),
    ("batch_ids", "varchar[]", "those loads' batches (`load_batches.batch_id`)"),
    ("sources", "varchar[]", "the dumps or registry pulls they read"),
    ("records_read", "bigint", "records those loads read"),
    ("versions_new", "bigint", "new versions of trials those loads landed"),
    ("quarantined", "bigint", "records those loads quarantined"),
    ("tables_changed", "varchar[]", "the tables (`schema.table`) in which this run changed rows"),
]
RUNS_DESCRIPTION = (
    "One row per run that published: the lake's snapshot it committed and what it loaded."
    " Every table reads as it was after that run with `AT (VERSION => snapshot_id)`."
)


@dataclass
class Published:
    """What one publish did: its snapshot, and the rows it deleted and inserted per table."""

    snapshot_id: int
    changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Incremental tables no build since the last publish wrote: not compared.
    left_alone: list[str] = field(default_factory=list)

    @property
    def tables_changed(self) -> list[str]:
        return sorted(
            name for name, (deleted, inserted) in self.changes.items() if deleted or inserted
        )


def publish(
    build: Path,
    lake: Lake,
    run_id: str,
    leave_out: Iterable[str] = (),
    incremental: Iterable[str] = (),
) -> Published:
    """Make the lake equal the build (but ``leave_out``, as ``schema.table``), in one snapshot.

    The ``incremental`` tables (``schema.table``) are compared on the keys the unpublished
    builds recomputed, unless one of them was a full rebuild.
    """
    if not build.exists():
        raise FileNotFoundError(f"no build to publish at {build}")
    # Fold any write-ahead log into the build file, so that it is complete on its own.
    duckdb.connect(str(build)).close()
    if build.with_name(build.name + ".wal").exists():
        raise RuntimeError(f"{build} still has a write-ahead log; is a build still running?")
    skipped, narrowable = set(leave_out), set(incremental)
    with lake.connect(read_only=False) as con:
        con.execute(f"attach {sql_literal(str(build))} as build (read_only)")
        con.execute("begin transaction")
        # Rows go to Parquet files, not into the catalog: rows kept inline there are read
        # back by every query of their table, and a run's change is seldom a handful.
        con.execute(f"call {NAME}.set_option('data_inlining_row_limit', 0)")
        # One run at a time (run_lock): the commit becomes the snapshot after this one.
        snapshot = con.execute(f"select id + 1 from {NAME}.current_snapshot()").fetchall()[0][0]
        published = Published(snapshot)
        tables = [
            (schema, table)
            for schema, table in _tables(con, "build")
            if f"{schema}.{table}" not in skipped and schema != SCHEMA
        ]
        # Read once: each read of duckdb_columns() lists every table of both catalogs.
        built, lake = _all_columns(con, "build"), _all_columns(con, NAME)
        new_batches = _new_batches(con, ("main", "load_batches") in lake)
        whole = publish_whole(con, "build")
        written = None if whole else written_models(con, "build")
        for schema, table in tables:
            con.execute(f'create schema if not exists {NAME}."{schema}"')
            narrow = not whole and f"{schema}.{table}" in narrowable
            columns = built[schema, table], lake.get((schema, table), [])
            unwritten = written is not None and f"{schema}.{table}" not in written
            if narrow and unwritten and columns[0] == columns[1]:
                published.left_alone.append(f"{schema}.{table}")
                continue
            published.changes[f"{schema}.{table}"] = _level(con, schema, table, columns, narrow)
        for schema, table in set(_tables(con, NAME)) - set(tables) - {("main", RUNS)}:
            con.execute(f'drop table {NAME}."{schema}"."{table}"')
        _copy_macros(con)
        _copy_views(con)
        _record_run(con, published, run_id, new_batches)
        con.execute(
            f"call {NAME}.set_commit_message('trialwatch', ?, extra_info => ?)",
            [f"run {run_id}", json.dumps({"run_id": run_id})],
        )
        con.execute("commit")
    # The lake now holds what the builds recorded as unpublished.
    mark_published(build)
    return published


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables()"
        " where database_name = ? order by schema_name, table_name",
        [database],
    ).fetchall()


def _all_columns(
    con: duckdb.DuckDBPyConnection, database: str
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each table's columns (name, type) in order, by (schema, table)."""
    rows = con.execute(
        "select schema_name, table_name, list((column_name, data_type) order by column_index)"
        " from duckdb_columns() where database_name = ? group by all",
        [database],
    ).fetchall()
    return {(schema, table): columns for schema, table, columns in rows}


def _level(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: tuple[list[tuple[str, str]], list[tuple[str, str]]],
    narrow: bool,
) -> tuple[int, int]:
    """Make the lake's table equal the build's, given the ``columns`` of each (the lake's
    empty when it has no such table); return (rows deleted, rows inserted).

    When ``narrow``, a table with a key column of ``TOUCHED`` is compared only on the
    rows of the keys the unpublished builds recomputed: its other rows did not change.
    """
    built, name = f'build."{schema}"."{table}"', f'{NAME}."{schema}"."{table}"'
    columns, published = columns
    if published != columns:
        # New, or its columns changed: the whole table is replaced.
        deleted = 0
        if published:
            deleted = con.execute(f"select count(*) from {name}").fetchall()[0][0]
            con.execute(f"drop table {name}")
        con.execute(f"create table {name} as from {built}")
        return deleted, con.execute(f"select count(*) from {name}").fetchall()[0][0]
    names = [column for column, _ in columns]
    key = next((k for k in TOUCHED if k in names), None) if narrow else None
    only = lake_only = "true"
    if key:
        keys = f"(select key from build.{SCHEMA}.unpublished where key_column = {sql_literal(key)})"
        only, lake_only = f'"{key}" in {keys}', f'lake_row."{key}" in {keys}'
    # A lake row stays when the build has a row equal to it in every column (nulls equal).
    same = " and ".join(f'lake_row."{c}" is not distinct from build_row."{c}"' for c in names)
    deleted = con.execute(
        f"delete from {name} where rowid in (select lake_row.rowid from {name} as lake_row"
        f" anti join (from {built} where {only}) as build_row on {same} where {lake_only})"
    ).fetchall()[0][0]
    inserted = con.execute(
        f"insert into {name} select * from"
        f" (from {built} where {only} except all from {name} where {only})"
    ).fetchall()[0][0]
    return deleted, inserted


def _copy_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The build's table macros (``trial_status_on``...), recreated when they changed, each
    after the macros its body calls."""
    definitions = (
        "select schema_name, function_name, parameters, macro_definition from duckdb_functions()"
        " where function_type = 'table_macro' and database_name = ? order by function_name"
    )
    found = {tuple(row[:2]): row for row in con.execute(definitions, [NAME]).fetchall()}
    pending = {tuple(row[:2]): row for row in con.execute(definitions, ["build"]).fetchall()}
    while pending:
        ready = [
            key
            for key, (_, function, _, body) in pending.items()
            if not any(f"{other}(" in body for _, other in pending if other != function)
        ]
        if not ready:
            raise RuntimeError(f"table macros that call each other: {sorted(pending)}")
        for key in ready:
            schema, function, parameters, body = pending.pop(key)
            if found.get(key) != (schema, function, parameters, body):
                # Bound with the lake as the default database, as readers call them.
                con.execute(
                    f'create or replace macro {NAME}."{schema}"."{function}"'
                    f"({', '.join(parameters)}) as table {body}"
                )


def _views(con: duckdb.DuckDBPyConnection, database: str) -> dict[tuple[str, str], str]:
    """Each view of ``database``'s published schema of views by (schema, name): its query."""
    rows = con.execute(
        "select schema_name, view_name, sql from duckdb_views()"
        " where database_name = ? and schema_name = ?",
        [database, VIEWS],
    ).fetchall()
    # DuckDB keeps a view as "CREATE VIEW schema.name AS <query>;"
    return {
        (schema, view): re.sub(r"(?is)^create view .+? as ", "", sql, count=1).rstrip(";")
        for schema, view, sql in rows
    }


def _copy_views(con: duckdb.DuckDBPyConnection) -> None:
    """The build's views, recreated in the lake when they changed. Their queries name
    tables without a database, so in the lake they read the lake's tables."""
    found, built = _views(con, NAME), _views(con, "build")
    for schema, view in set(found) - set(built):
        con.execute(f'drop view {NAME}."{schema}"."{view}"')
    for (schema, view), query in built.items():
        if found.get((schema, view)) != query:
            con.execute(f'create schema if not exists {NAME}."{schema}"')
            con.execute(f'create or replace view {NAME}."{schema}"."{view}" as {query}')


def _new_batches(con: duckdb.DuckDBPyConnection, published_before: bool) -> dict:
    """The load batches this run brings into the lake (``published_before``: whether it
    has a table of them yet): what it loaded."""
    if not published_before:
        previous = "select null::varchar as batch_id where false"
    else:
        previous = f"select batch_id from {NAME}.main.load_batches"
    row = con.execute(
        f"""
        select
            list_sort(list(distinct coalesce(as_of, started_at::date))),
            list(batch_id order by started_at),
            list_sort(list(distinct dump_source)),
            sum(records_read)::bigint, sum(versions_new)::bigint, sum(quarantined)::bigint
        from build.main.load_batches
        where batch_id not in ({previous})
        """
    ).fetchall()[0]
    keys = ("load_dates", "batch_ids", "sources", "records_read", "versions_new", "quarantined")
    return dict(zip(keys, row, strict=True))


def _record_run(
    con: duckdb.DuckDBPyConnection, published: Published, run_id: str, batches: dict
) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind, _ in RUNS_COLUMNS)
    con.execute(f"create table if not exists {NAME}.main.{RUNS} ({columns})")
    con.execute(
        f"insert into {NAME}.main.{RUNS} values"
        " ($snapshot, $run, now(), $load_dates, $batch_ids, $sources,"
        " $records_read, $versions_new, $quarantined, $tables)",
        {
            "snapshot": published.snapshot_id,
            "run": run_id,
            "tables": published.tables_changed,
            **batches,
        },
    )


def table_counts(con: duckdb.DuckDBPyConnection, schema: str = "main") -> dict[str, int]:
    """Row counts of every table in a schema of the lake's latest snapshot."""
    return {
        table: con.execute(f'select count(*) from {NAME}."{schema}"."{table}"').fetchall()[0][0]
        for table in base_tables(con, schema)
    }
