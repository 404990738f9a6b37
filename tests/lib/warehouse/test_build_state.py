"""Which loads a build takes, and when it rebuilds whole (lib/warehouse/build_state.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.warehouse.resources import MANIFEST
from orchestration.lib.common.lake import Lake
from orchestration.lib.warehouse import build_state
from orchestration.lib.warehouse.build_state import BuildPlan, plan_build, record_build
from orchestration.lib.warehouse.publish import publish


def landing_with(path: Path, batches: dict[str, str]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table load_batches (batch_id varchar, status varchar)")
        con.executemany("insert into load_batches values (?, ?)", list(batches.items()))
    return path


def touched(build: Path, trials: list[str]) -> None:
    """What dbt's int_touched_* models would hold after an incremental build."""
    with duckdb.connect(str(build)) as con:
        con.execute("create schema if not exists intermediate")
        for model, column, keys in [
            ("int_touched_trials", "nct_id", trials),
            ("int_touched_sites", "site_id", []),
            ("int_touched_conditions", "mesh_id", []),
        ]:
            con.execute(f"create or replace table intermediate.{model} ({column} varchar)")
            for key in keys:
                con.execute(f"insert into intermediate.{model} values (?)", [key])


def test_loads_are_a_set_not_a_maximum(tmp_path: Path) -> None:
    build = tmp_path / "build.duckdb"
    landing = landing_with(tmp_path / "landing.duckdb", {"a": "succeeded", "b": "running"})
    first = plan_build(landing, build, "p1", full_refresh=False)
    assert first == BuildPlan(True, "no build yet")
    record_build(build, "run-1", first, "p1", landing)
    build_state.mark_published(build)

    # b, started before c, succeeds after it: both are built next, and only them.
    landing_with(landing, {"a": "succeeded", "b": "succeeded", "c": "succeeded", "d": "failed"})
    second = plan_build(landing, build, "p1", full_refresh=False)
    assert second == BuildPlan(False, "new loads", ("b", "c"))
    build_state.start_build(build, second)
    listed = "select batch_id from build_state.run_batches order by 1"
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute(listed).fetchall() == [("b",), ("c",)]
    touched(build, ["NCT00000001"])
    record_build(build, "run-2", second, "p1", landing)
    with duckdb.connect(str(build), read_only=True) as con:
        # Built: dbt run by hand builds every batch again.
        tables = "select table_name from duckdb_tables() where schema_name = 'build_state'"
        assert "run_batches" not in {name for (name,) in con.execute(tables).fetchall()}
    assert plan_build(landing, build, "p1", full_refresh=False).batches == ()
    with duckdb.connect(str(build), read_only=True) as con:
        # The full build was published: only the keys built since need comparing.
        assert build_state.publish_whole(con, "build") is False
        assert con.execute("select * from build_state.unpublished").fetchall() == [
            ("nct_id", "NCT00000001")
        ]
    build_state.mark_published(build)
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select count(*) from build_state.unpublished").fetchall() == [(0,)]


def test_publishing_leaves_alone_the_incremental_tables_no_build_wrote(tmp_path: Path) -> None:
    build = tmp_path / "build.duckdb"
    landing = landing_with(tmp_path / "landing.duckdb", {"a": "succeeded"})
    with duckdb.connect(str(build)) as con:
        con.execute("create table main.trials (nct_id varchar, title varchar)")
        con.execute("insert into main.trials values ('NCT1', 'a'), ('NCT2', 'b')")
        con.execute("create table main.sites (nct_id varchar, city varchar)")
        con.execute("insert into main.sites values ('NCT1', 'Oslo')")
        con.execute(
            "create table main.load_batches as select 'a' as batch_id, null::date as as_of,"
            " now() as started_at, 'dump' as dump_source, 2 as records_read,"
            " 2 as versions_new, 0 as quarantined"
        )
    record_build(build, "run-1", BuildPlan(True, "no build yet"), "p1", landing)
    lake = Lake(f"sqlite:{tmp_path / 'catalog.sqlite'}", f"{tmp_path / 'files'}/", tmp_path / "ext")
    incremental = {"main.trials", "main.sites"}
    first = publish(build, lake, "run-1", incremental=incremental)
    assert first.tables_changed == ["main.load_batches", "main.sites", "main.trials"]

    # A daily build recomputes NCT1: dbt's strategies note that it wrote the trials.
    landing_with(landing, {"a": "succeeded", "b": "succeeded"})
    daily = plan_build(landing, build, "p1", full_refresh=False)
    build_state.start_build(build, daily)
    touched(build, ["NCT1"])
    with duckdb.connect(str(build)) as con:
        con.execute("update main.trials set title = 'a2' where nct_id = 'NCT1'")
        con.execute("insert into build_state.written values ('main.trials')")
        # Not what a build does (its strategies would note it): shows the table unread.
        con.execute("update main.sites set city = 'Lima'")
    record_build(build, "run-2", daily, "p1", landing)
    # The keys' own tables (touched) are a build's bookkeeping, never published.
    bookkeeping = [f"intermediate.int_touched_{of}" for of in ("trials", "sites", "conditions")]
    second = publish(build, lake, "run-2", bookkeeping, incremental)
    assert second.tables_changed == ["main.trials"] and second.left_alone == ["main.sites"]
    with lake.connect() as con:
        assert con.execute("select title from main.trials order by nct_id").fetchall() == [
            ("a2",),
            ("b",),
        ]
        assert con.execute("select city from main.sites").fetchall() == [("Oslo",)]
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select count(*) from build_state.written").fetchall() == [(0,)]
    # A full rebuild compares every table, noted or not.
    record_build(build, "run-3", BuildPlan(True, "asked for"), "p1", landing)
    third = publish(build, lake, "run-3", bookkeeping, incremental)
    assert third.tables_changed == ["main.sites"] and third.left_alone == []


def test_every_incremental_strategy_notes_what_it_wrote() -> None:
    """Publishing trusts build_state.written: each strategy an incremental model uses
    must note it (macros/incremental.sql, record_written), or its changes would stay
    unpublished."""
    manifest = json.loads(MANIFEST.read_text())
    macros = {m["name"]: m["macro_sql"] for m in manifest["macros"].values()}
    named = {"delete+insert": "duckdb__get_incremental_delete_insert_sql"}
    strategies = {
        node["config"]["incremental_strategy"] or "delete+insert"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }
    assert {"touched", "delete+insert"} <= strategies
    for strategy in strategies:
        macro = named.get(strategy, f"get_incremental_{strategy}_sql")
        assert "record_written(" in macros[macro], strategy


@pytest.mark.parametrize(
    ("project", "landing_batches", "reason"),
    [
        ("p2", {"a": "succeeded"}, "the dbt project changed since the last build"),
        ("p1", {"z": "succeeded"}, "the landing no longer holds loads the build has (a)"),
    ],
)
def test_a_build_is_rebuilt_whole_when_it_cannot_be_trusted(
    tmp_path: Path, project: str, landing_batches: dict, reason: str
) -> None:
    build = tmp_path / "build.duckdb"
    landing = landing_with(tmp_path / "landing.duckdb", {"a": "succeeded"})
    record_build(build, "run-1", BuildPlan(True, "no build yet"), "p1", landing)
    with duckdb.connect(str(build), read_only=True) as con:
        # A full rebuild is published by comparing every row.
        assert build_state.publish_whole(con, "build") is True
    landing_with(landing, landing_batches)
    assert plan_build(landing, build, project, full_refresh=False) == BuildPlan(True, reason)
    whole = plan_build(landing, build, "p1", full_refresh=True).dbt_args()
    assert whole == ["--full-refresh", "--exclude", "resource_type:unit_test"]


def test_a_malformed_batch_id_never_reaches_dbt(tmp_path: Path) -> None:
    build = tmp_path / "build.duckdb"
    landing = landing_with(tmp_path / "landing.duckdb", {"a": "succeeded"})
    record_build(build, "run-1", BuildPlan(True, "no build yet"), "p1", landing)
    landing_with(landing, {"a": "succeeded", "b'); drop table x; --": "succeeded"})
    with pytest.raises(ValueError, match="not a batch id"):
        plan_build(landing, build, "p1", full_refresh=False)


def test_the_project_fingerprint_follows_the_models(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "trials.sql"
    model.write_text("select 1")
    before = build_state.project_hash(tmp_path)
    model.write_text("select 2")
    assert build_state.project_hash(tmp_path) != before
