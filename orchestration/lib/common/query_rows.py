"""Query results as dicts keyed by column name, for code that builds documents from them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import duckdb

Parameters = Sequence[Any] | Mapping[str, Any] | None


def stream_rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: Parameters = None, batch: int = 10_000
) -> Iterator[dict[str, Any]]:
    """Each row of ``sql`` as a dict, fetched ``batch`` rows at a time: memory holds a batch."""
    cursor = con.execute(sql, params or [])
    columns = [column[0] for column in cursor.description]
    while fetched := cursor.fetchmany(batch):
        for values in fetched:
            yield dict(zip(columns, values, strict=True))


def rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: Parameters = None
) -> list[dict[str, Any]]:
    return list(stream_rows(con, sql, params))
