"""Publishing writes a compact copy of the build, without its working tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.warehouse.publish import publish


def _build(path: Path) -> None:
    """A build as dbt leaves one: two schemas, a macro, and the blocks of a table it rebuilt."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging")
        con.execute(
            "create table staging.modules as"
            " select i, repeat('x', 200) || i as body from range(200000) t(i)"
        )
        con.execute("create table main.trials (nct_id varchar not null, enrollment integer)")
        con.execute(
            "insert into main.trials"
            " select 'NCT' || lpad(i::varchar, 8, '0'), i % 500 from range(50000) t(i)"
        )
        con.execute(
            "create macro main.big_trials(at_least) as table"
            " select * from main.trials where enrollment >= at_least"
        )
        # dbt replaces a table by building a new one and dropping the old: the old one's
        # blocks stay in the file, free.
        con.execute(
            "create table main.scratch as select i, md5(i::varchar) as h from range(300000) t(i)"
        )
        con.execute("checkpoint")
        con.execute("drop table main.scratch")


def test_published_copy_holds_every_kept_row_and_macro_in_a_smaller_file(tmp_path: Path) -> None:
    build, published = tmp_path / ".build/w.duckdb", tmp_path / "w.duckdb"
    build.parent.mkdir()
    _build(build)

    publish(build, published, leave_out=["staging.modules"])

    with duckdb.connect(str(build), read_only=True) as con:
        expected = con.execute("select * from main.trials order by nct_id").fetchall()
        free = con.execute("select free_blocks from pragma_database_size()").fetchone()[0]
    assert free > 0
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select * from main.trials order by nct_id").fetchall() == expected
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
        ).fetchall()
        assert tables == [("main.trials",)]
        assert con.execute("select count(*) from main.big_trials(499)").fetchone()[0] == 100
        # The NOT NULL contract comes along with the table.
        constraints = con.execute(
            "select table_name, constraint_text from duckdb_constraints()"
        ).fetchall()
        assert constraints == [("trials", "NOT NULL")]
    assert published.stat().st_size < build.stat().st_size / 2
    assert not list(tmp_path.glob(".w.duckdb.publishing*"))


def test_a_copy_left_by_a_killed_publish_is_replaced(tmp_path: Path) -> None:
    build, published = tmp_path / ".build/w.duckdb", tmp_path / "w.duckdb"
    build.parent.mkdir()
    _build(build)
    (tmp_path / ".w.duckdb.publishing").write_bytes(b"half a file")

    publish(build, published)

    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from staging.modules").fetchone()[0] == 200000


def test_nothing_is_published_without_a_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no build to publish"):
        publish(tmp_path / "missing.duckdb", tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()
