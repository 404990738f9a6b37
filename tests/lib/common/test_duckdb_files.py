"""Readers cap DuckDB's cache, and spill a sort larger than the cap instead of failing."""

from pathlib import Path

import duckdb

from orchestration.lib.common.duckdb_files import READ_MEMORY, open_read_only
from orchestration.lib.common.settings import Settings


def _setting(limit: str) -> str:
    """How DuckDB reports a memory limit given as ``limit``."""
    with duckdb.connect(config={"memory_limit": limit}) as con:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_a_reader_sorts_more_than_its_cap(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select i, md5(i::varchar) as h from range(3000000) t(i)")
        expected = con.execute("select i from t order by h").fetchall()
    with open_read_only(path, "64MB") as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == _setting(
            "64MB"
        )
        # Streamed, as the site feed reads: only the sort may exceed the cap, and spills.
        result = con.execute("select i from t order by h")
        streamed = []
        while batch := result.fetchmany(10_000):
            streamed.extend(batch)
        assert streamed == expected
    with open_read_only(path) as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    # The default is the setting's: one value, written once.
    assert limit == _setting(READ_MEMORY) == _setting(Settings().read_memory)
