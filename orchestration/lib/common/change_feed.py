"""What changed in the published warehouse since a consumer last read it: the one feed
every consumer of the lake asks.

The lake records each commit as a snapshot and, for every table, the rows each snapshot
inserted and deleted (DuckLake's ``table_changes``). A consumer keeps a :class:`Cursor`,
the snapshot it last consumed and the version of what it made from it, and asks
:func:`since` what the commits after it changed; it maps those table changes to its own
keys (the site to trial and condition documents, the exports to each file's trials).
The answer is "everything" when there is no cursor, when the cursor's version is not
the consumer's own (its output changed, lib/common/output_versions.py), when the cursor
is ahead of the lake (a lake made anew) or when its snapshot is gone (expired); and a
table the lake cannot say about is "everything" for that table. Which tables the window
wrote at all comes from the snapshots' own lists of changes, in one query, so a table no
commit wrote costs nothing to ask about.

Consumers of another output, not of the lake, follow that output's own record of what
it wrote: the site's pages and search index follow the documents' build, the bucket
follows the site's build (lib/site/builds.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import duckdb

from orchestration.lib.common.lake import NAME, current_snapshot
from orchestration.lib.common.privacy import Scrubber, changed_details

# Compaction rewrites a table's files, not its rows: table_changes shows nothing of it.
REWRITES = frozenset({"merge_adjacent", "rewrite_delete"})


@dataclass(frozen=True)
class Cursor:
    """Where a consumer stands: the lake snapshot it last consumed, and the version of
    what it made from it."""

    snapshot: int
    version: str


@dataclass(frozen=True)
class Changes:
    """The lake's commits after a cursor, up to ``now``, asked table by table."""

    con: duckdb.DuckDBPyConnection
    now: int
    after: int | None  # the cursor's snapshot; None when everything changed
    everything: bool

    @property
    def nothing(self) -> bool:
        return not self.everything and self.after == self.now

    def _window(self) -> dict[str, int]:
        return {"start": int(self.after or 0) + 1, "end": self.now}

    @cached_property
    def quiet(self) -> frozenset[str]:
        """The tables (schema main) older than the cursor that no commit of the window
        wrote to, read from the snapshots' own lists of changes in one query: their
        table_changes would be empty, and each one asked reads the lake's catalog."""
        if self.everything or self.nothing:
            return frozenset()
        catalog = f"__ducklake_metadata_{NAME}"
        rows = self.con.execute(
            f"""
            with written as (
                select distinct unnest(values) as table_id
                from (
                    select unnest(map_keys(changes)) as kind, unnest(map_values(changes)) as values
                    from {NAME}.snapshots()
                    where snapshot_id between $start and $end
                )
                where kind not in (select unnest($rewrites))
            )

            select tables.table_name
            from {catalog}.ducklake_table as tables
            inner join {catalog}.ducklake_schema as schemas using (schema_id)
            where
                schemas.schema_name = 'main' and schemas.end_snapshot is null
                and tables.end_snapshot is null and tables.begin_snapshot < $start
                and tables.table_id::varchar not in (select table_id from written)
            """,
            {**self._window(), "rewrites": sorted(REWRITES)},
        ).fetchall()
        return frozenset(name for (name,) in rows)

    def rows(self, sql: str) -> list[tuple] | None:
        """``sql`` run over the window (``$start``, ``$end``; ``{after}`` is the cursor's
        snapshot), or None when the lake cannot say (a table newer than the cursor)."""
        if self.everything:
            return None
        if self.nothing:
            return []
        try:
            return self.con.execute(
                sql.format(after=int(self.after or 0)), self._window()
            ).fetchall()
        except duckdb.Error:
            return None

    def keys(self, table: str, column: str) -> set | None:
        """The values of ``column`` in the rows of ``table`` (schema main) the window
        inserted or deleted; None when the lake cannot say."""
        if table in self.quiet:
            return set()
        found = self.rows(
            f"select distinct \"{column}\" from table_changes('{table}', $start, $end)"
        )
        return None if found is None else {value for (value,) in found}

    def trials(self, tables: Iterable[str]) -> set[str] | None:
        """The trials with a row changed in any of ``tables``; a row about no trial (a
        NULL key) names none. None when the lake cannot say for one of them."""
        asked = [table for table in tables if table not in self.quiet]
        if not asked:
            return None if self.everything else set()
        # One query for them all: each table_changes reads the lake's catalog.
        changed = " union ".join(
            f"select nct_id from table_changes('{table}', $start, $end) where nct_id is not null"
            for table in asked
        )
        found = self.rows(changed)
        return None if found is None else {nct_id for (nct_id,) in found}

    def wrote(self, table: str) -> bool | None:
        """Whether the window inserted or deleted a row of ``table`` (schema main); None
        when the lake cannot say."""
        if table in self.quiet:
            return False
        found = self.rows(f"select 1 from table_changes('{table}', $start, $end) limit 1")
        return None if found is None else bool(found)

    def details(self) -> Scrubber | None:
        """The stored phone numbers and emails that came or went: what may now be masked,
        or no longer, anywhere. None when the lake cannot say."""
        if self.everything:
            return None
        if self.nothing:
            return Scrubber()
        try:
            return changed_details(self.con, self._window()["start"], self.now)
        except duckdb.Error:
            return None


def since(con: duckdb.DuckDBPyConnection, cursor: Cursor | None, version: str) -> Changes:
    """What the lake, open on ``con``, changed after ``cursor`` for a consumer whose
    output is now at ``version``."""
    now = current_snapshot(con)
    if cursor is None or cursor.version != version or cursor.snapshot > now:
        return Changes(con, now, None, everything=True)
    kept = con.execute(
        f"select count(*) from {NAME}.snapshots() where snapshot_id = ?", [cursor.snapshot]
    ).fetchall()[0][0]
    return Changes(con, now, cursor.snapshot, everything=not kept)
