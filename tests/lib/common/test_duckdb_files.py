"""Readers cap DuckDB's cache, and spill a sort larger than the cap instead of failing."""

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.common.duckdb_files import open_read_only
from orchestration.lib.common.settings import Settings

READ_MEMORY = Settings.model_fields["read_memory"].default


def _setting(limit: str) -> str:
    """How DuckDB reports a memory limit given as ``limit``."""
    with duckdb.connect(config={"memory_limit": limit}) as con:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_a_reader_sorts_more_than_its_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select i, md5(i::varchar) as h from range(3000000) t(i)")
        expected = con.execute("select i from t order by h").fetchall()
    monkeypatch.setenv("TRIALWATCH_READ_MEMORY", "64MB")
    with open_read_only(path) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == _setting(
            "64MB"
        )
        # Streamed, as the site feed reads: only the sort may exceed the cap, and spills.
        result = con.execute("select i from t order by h")
        streamed = []
        while batch := result.fetchmany(10_000):
            streamed.extend(batch)
        assert streamed == expected
    monkeypatch.delenv("TRIALWATCH_READ_MEMORY")
    with open_read_only(path) as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == _setting(READ_MEMORY)
