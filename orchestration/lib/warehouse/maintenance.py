"""The lake's weekly upkeep: fewer, larger files, and snapshots expired only past a retention.

Every daily run adds, per table it changed, a small file of new rows and a file marking
the rows it deleted. Upkeep rewrites the files of which a quarter or more is deleted,
then merges adjacent small files, so reads stay fast; it changes no snapshot's content,
so every earlier run stays readable. (Rewriting every file with any deletion would copy
the whole lake each week, and keep each copy for the snapshots that use it.)
Snapshots are the product and none expires by default: only an operator who sets a
retention (``TRIALWATCH_LAKE_RETENTION_DAYS``) has older ones expired and the files that
only they used deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import duckdb

from orchestration.lib.common.lake import NAME, Lake


@dataclass(frozen=True)
class Maintained:
    files_before: int
    files_after: int
    snapshots_expired: int
    files_deleted: int


# A data file is rewritten without its deleted rows once this share of them is deleted.
REWRITE_THRESHOLD = 0.25


def _files(con: duckdb.DuckDBPyConnection) -> int:
    """Data and deletion files the latest snapshot reads."""
    return con.execute(
        "select coalesce(sum(file_count + delete_file_count), 0)::bigint"
        f" from ducklake_table_info('{NAME}')"
    ).fetchall()[0][0]


def maintain(lake: Lake, retention: timedelta | None = None) -> Maintained:
    """Merge small files; expire snapshots older than ``retention`` when one is given (the
    latest snapshot is never expired)."""
    with lake.connect(read_only=False) as con:
        # Small changes sit in the catalog itself until flushed into files.
        con.execute(f"call ducklake_flush_inlined_data('{NAME}')").fetchall()
        before = _files(con)
        con.execute(
            f"call ducklake_rewrite_data_files('{NAME}', delete_threshold => ?)",
            [REWRITE_THRESHOLD],
        ).fetchall()
        con.execute(f"call ducklake_merge_adjacent_files('{NAME}')").fetchall()
        expired = deleted = 0
        if retention is not None:
            expired = len(
                con.execute(
                    f"call ducklake_expire_snapshots('{NAME}', older_than => now() - ?::interval)",
                    [retention],
                ).fetchall()
            )
            deleted = len(
                con.execute(
                    f"call ducklake_cleanup_old_files('{NAME}', cleanup_all => true)"
                ).fetchall()
            )
        return Maintained(before, _files(con), expired, deleted)
