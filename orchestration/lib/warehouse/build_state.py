"""What the dbt build file holds: the loads it has built, and what it has not published yet.

A daily build does the day's work (dbt_project/macros/incremental.sql): dbt is given the
succeeded load batches the build has not built yet, as a set (a pull interrupted and
resumed can finish after later loads), and recomputes only the trials they touched.
The build file records, in schema ``build_state`` (never published):

- ``run_batches``: the batches the build under way builds (absent on a full rebuild and
  between builds). dbt reads them from here rather than from ``--vars``, which would
  change dbt's parse on every run and cost it a whole parse of the project;
- ``builds``: one row per complete build, with the batches it built, whether it rebuilt
  whole, the dbt project's fingerprint, and whether it has been published;
- ``unpublished``: the keys (``nct_id``, ``site_id``, ``mesh_id``) the builds not yet
  published recomputed, so that publishing compares only their rows;
- ``written``: the incremental models (``schema.table``) whose rows those builds changed,
  as each strategy notes it (macros/incremental.sql, ``record_written``), so that
  publishing leaves the others alone.

The build is rebuilt whole when asked, when there is no build or no record of it, when
the dbt project changed since (an upgrade must not mix old and new logic), or when the
landing no longer holds a batch the build has (the landing was replaced).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from orchestration.lib.common.settings import DBT_PROJECT_DIR

SCHEMA = "build_state"
# The key columns a build records touched keys for, with the model that holds them: the
# project's var ``touched_keys``, which its `touched` strategy reads too.
TOUCHED = {
    column: f"intermediate.{model}"
    for column, model in yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"][
        "touched_keys"
    ].items()
}
BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The unit tests test the project, not the data: CI runs them (tests/defs/warehouse/
# test_dbt_unit_tests.py), no pipeline build does, as dbt advises for production.
PROJECT_TESTS = ("resource_type:unit_test",)
# Tests a daily build leaves to the full rebuilds (weekly, and whenever the project
# changes): enum findings are recorded at landing too (load_issues); relationships and
# value lists read whole tables, as do the tests tagged ``weekly``. Primary keys, which
# catch a merge gone wrong, and the other singular tests stay.
WEEKLY_TAG = "weekly"
WEEKLY_TEST_NAMES = ("accepted_enum", "accepted_values", "relationships", "not_null")
WEEKLY_TESTS = (f"tag:{WEEKLY_TAG}", *(f"test_name:{name}" for name in WEEKLY_TEST_NAMES))
# The models a daily build leaves as the last full build created them: AACT's views (one
# per AACT table) hold no rows, they read the marts just built, and their queries change
# only with the project, which makes the next build a full one. Creating them costs a
# daily build seconds.
VIEW_FOLDER = "aact"
FULL_BUILD_ONLY = (f"path:models/{VIEW_FOLDER}",)


def runs_in_every_build(manifest: Mapping[str, Any], test_id: str) -> bool:
    """Whether a daily build runs this data test, as the selectors above say (a test
    agrees with ``dbt ls``): not weekly, and on no model a daily build leaves alone.
    Only such a test can gate every publish; the others gate the full rebuilds."""
    test = manifest["nodes"][test_id]
    if WEEKLY_TAG in test.get("tags", []):
        return False
    if (test.get("test_metadata") or {}).get("name") in WEEKLY_TEST_NAMES:
        return False
    views = f"models/{VIEW_FOLDER}/"
    parents = (manifest["nodes"].get(parent, {}) for parent in test["depends_on"]["nodes"])
    return not any(parent.get("original_file_path", "").startswith(views) for parent in parents)


_TABLES = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.builds (
    run_id varchar not null,
    built_at timestamp with time zone not null default current_timestamp,
    full_refresh boolean not null,
    project_hash varchar not null,
    batch_ids varchar[] not null,
    published boolean not null default false
);
create table if not exists {SCHEMA}.unpublished (key_column varchar not null, key varchar not null);
"""
# Made before dbt runs too: a daily build's strategies note into it.
_WRITTEN = f"create table if not exists {SCHEMA}.written (model varchar not null)"


@dataclass(frozen=True)
class BuildPlan:
    """What the next dbt build does: everything, or the batches listed."""

    full_refresh: bool
    reason: str
    batches: tuple[str, ...] = ()

    def dbt_args(self) -> list[str]:
        if self.full_refresh:
            return ["--full-refresh", "--exclude", " ".join(PROJECT_TESTS)]
        return ["--exclude", " ".join(PROJECT_TESTS + WEEKLY_TESTS + FULL_BUILD_ONLY)]

    def describe(self) -> str:
        if self.full_refresh:
            return f"full rebuild: {self.reason}"
        return f"incremental build of {len(self.batches)} new load(s): {', '.join(self.batches)}"


def project_hash(project_dir: Path) -> str:
    """A fingerprint of everything that decides what dbt builds (models, macros, seeds)."""
    digest = hashlib.sha256()
    parts = ("dbt_project.yml", "models", "macros", "seeds", "tests")
    paths = [p for part in parts for p in [project_dir / part, *(project_dir / part).rglob("*")]]
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def incremental_tables(manifest: Path) -> set[str]:
    """The incremental models (``schema.table``): their rows change only for the keys a
    build recomputes, so publishing may compare those keys alone."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        f"{node['schema']}.{node['alias']}"
        for node in nodes
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }


def succeeded_batches(landing: Path) -> set[str]:
    with duckdb.connect(str(landing), read_only=True) as con:
        rows = con.execute("select batch_id from load_batches where status = 'succeeded'")
        return {batch for (batch,) in rows.fetchall()}


def plan_build(landing: Path, build: Path, project: str, full_refresh: bool) -> BuildPlan:
    """Decide whether the next build is whole or incremental, and over which batches."""
    if full_refresh:
        return BuildPlan(True, "asked for")
    if not build.exists():
        return BuildPlan(True, "no build yet")
    with duckdb.connect(str(build), read_only=True) as con:
        if not _has_state(con):
            return BuildPlan(True, "the build has no record of the loads it holds")
        last_project, built = con.execute(
            f"select arg_max(project_hash, built_at), flatten(list(batch_ids)) from {SCHEMA}.builds"
        ).fetchall()[0]
    if last_project is None:
        return BuildPlan(True, "the build has no record of the loads it holds")
    if last_project != project:
        return BuildPlan(True, "the dbt project changed since the last build")
    succeeded, built = succeeded_batches(landing), set(built)
    if built - succeeded:
        gone = ", ".join(sorted(built - succeeded)[:3])
        return BuildPlan(True, f"the landing no longer holds loads the build has ({gone})")
    pending = tuple(sorted(succeeded - built))
    invalid = [batch for batch in pending if not BATCH_ID.fullmatch(batch)]
    if invalid:
        raise ValueError(f"not a batch id: {invalid[0]!r}")
    return BuildPlan(False, "new loads", pending)


def start_build(build: Path, plan: BuildPlan) -> None:
    """Before dbt runs: list the batches an incremental build builds (``run_batches``)."""
    with duckdb.connect(str(build)) as con:
        con.execute(f"create schema if not exists {SCHEMA}")
        con.execute(_WRITTEN)
        con.execute(f"drop table if exists {SCHEMA}.run_batches")
        if not plan.full_refresh:
            con.execute(f"create table {SCHEMA}.run_batches (batch_id varchar not null)")
            con.executemany(
                f"insert into {SCHEMA}.run_batches values (?)", [[b] for b in plan.batches]
            )


def record_build(build: Path, run_id: str, plan: BuildPlan, project: str, landing: Path) -> None:
    """After a complete build: the batches it built, and the keys it left to publish."""
    batches = sorted(succeeded_batches(landing)) if plan.full_refresh else list(plan.batches)
    with duckdb.connect(str(build)) as con:
        con.execute(_TABLES)
        con.execute(_WRITTEN)
        con.execute("begin transaction")
        if plan.full_refresh:
            # Everything is rebuilt: what the build held before no longer counts.
            con.execute(f"delete from {SCHEMA}.builds")
            con.execute(f"delete from {SCHEMA}.unpublished")
            con.execute(f"delete from {SCHEMA}.written")
        else:
            for column, model in TOUCHED.items():
                con.execute(
                    f"insert into {SCHEMA}.unpublished select ?, {column} from {model}",
                    [column],
                )
        con.execute(
            f"insert into {SCHEMA}.builds (run_id, full_refresh, project_hash, batch_ids)"
            " values (?, ?, ?, ?)",
            [run_id, plan.full_refresh, project, batches],
        )
        # Built: a dbt run by hand from here on builds every batch, as without Dagster.
        con.execute(f"drop table if exists {SCHEMA}.run_batches")
        con.execute("commit")
        con.execute("checkpoint")


def publish_whole(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    """Whether publishing must compare every row (a full rebuild not yet published, or
    no record of the builds); if not, only the rows of the ``unpublished`` keys."""
    if not _has_state(con, database):
        return True
    (whole,) = con.execute(
        f"select coalesce(bool_or(full_refresh), false) from {database}.{SCHEMA}.builds"
        " where not published"
    ).fetchall()[0]
    return bool(whole)


def written_models(con: duckdb.DuckDBPyConnection, database: str) -> set[str] | None:
    """The incremental models (``schema.table``) the builds not yet published changed;
    None when the build does not say (made before builds noted them)."""
    if not _has_state(con, database, table="written"):
        return None
    rows = con.execute(f"select distinct model from {database}.{SCHEMA}.written").fetchall()
    return {model for (model,) in rows}


def mark_published(build: Path) -> None:
    """The lake now equals the build: nothing is left to publish."""
    with duckdb.connect(str(build)) as con:
        if _has_state(con):
            con.execute("begin transaction")
            con.execute(f"update {SCHEMA}.builds set published = true where not published")
            con.execute(f"delete from {SCHEMA}.unpublished")
            con.execute(f"delete from {SCHEMA}.written")
            con.execute("commit")


def _has_state(
    con: duckdb.DuckDBPyConnection, database: str | None = None, table: str = "builds"
) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?"
        " and (database_name = ? or ? is null)",
        [SCHEMA, table, database, database],
    ).fetchall()[0][0]
    return found > 0
