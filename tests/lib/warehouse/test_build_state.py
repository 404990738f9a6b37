"""Which loads a build takes, and when it rebuilds whole (lib/warehouse/build_state.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.warehouse import build_state
from orchestration.lib.warehouse.build_state import BuildPlan, plan_build, record_build


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
