"""Parquet copies of the marts, for BI tools that do not read DuckDB.

``public/`` is what may be published: every mart but the analysts-only ones, each text
column through the privacy scrubber (contact details, and the names of each trial's
contact persons and officials, masked). ``analysts/`` holds the marts that are personal
data, what registrants typed, or raw input (``ANALYSTS_ONLY``), as the warehouse has them,
for analysts alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.lib.common.change_feed import Changes, Cursor, since
from orchestration.lib.common.duckdb_files import base_tables
from orchestration.lib.common.lake import Lake, cursor
from orchestration.lib.common.output_versions import EXPORTS
from orchestration.lib.common.privacy import (
    MAY_HOLD_DETAIL,
    PERSON_TABLES,
    Scrubber,
    name_words,
    people,
    warehouse_scrubber,
)
from orchestration.lib.common.safe_names import inside

PUBLIC, ANALYSTS = "public", "analysts"
STATE = ".exported.json"
# The trials whose rows are scrubbed again, where every cursor of the connection sees them.
AGAIN = "memory.main.scrubbed_again"
# Each trial's words of its contact persons' names (privacy.name_words), likewise.
WORDS = "memory.main.person_words"
# The columns that say which values the scrubber could change (see _flagged).
FLAG = "_may_change_"
# Where a trial's contact persons and officials, and what tells them from organisations,
# are stored.
PEOPLE_TABLES = (*PERSON_TABLES, "sponsors", "trial_sites")
COLUMNS = """
    select column_name, data_type from duckdb_columns()
    where database_name = 'lake' and schema_name = 'main' and table_name = ?
"""
# subscriptions_by_topic holds what registrants typed (a condition in their own words).
ANALYSTS_ONLY = frozenset({*PERSON_TABLES, "quarantine", "subscriptions_by_topic"})
BATCH_ROWS = 50_000


def export_marts(lake: Lake, folder: Path) -> dict[str, int]:
    """Write each table of schema main as ``<audience>/<table>.parquet``; return row counts.

    Each file is written beside its final name and renamed over it, so a reader never
    opens half a file; tables that no longer exist lose their file. A public file is
    rewritten only when the lake changed it since the snapshot the files hold (kept in
    ``.exported.json``), and then only its rows of the trials that moved are scrubbed
    again; the others are copied from the file as it was (see :class:`Moved`).
    """
    counts: dict[str, int] = {}
    written: set[Path] = set()
    with lake.connect() as con:
        scrubber = warehouse_scrubber(con)
        names = people(con, "NCT00000000", "NCT99999999")
        _store_words(con, names)
        changes = since(con, _exported(folder), str(EXPORTS))
        snapshot, moved = changes.now, Moved.of(changes)
        for table in base_tables(con):
            audience = ANALYSTS if table in ANALYSTS_ONLY else PUBLIC
            target = inside(folder, f"{audience}/{table}.parquet")
            partial = target.with_name(f".{table}.parquet.tmp")
            target.parent.mkdir(parents=True, exist_ok=True)
            again = moved.trials(con, table) if target.exists() else None
            if audience == ANALYSTS:
                counts[table] = _copy(con, table, partial)
            elif again is not None and not again:
                counts[table] = con.execute(f'select count(*) from main."{table}"').fetchall()[0][0]
                partial = None  # nothing moved: the file stays as it is
            else:
                counts[table] = _write_scrubbed(
                    con, table, partial, scrubber, names, kept=target, again=again
                )
            if partial is not None:
                os.replace(partial, target)
            written.add(target)
    for stale in folder.rglob("*.parquet"):
        if stale not in written:
            stale.unlink()
    (folder / STATE).write_text(json.dumps({"snapshot": snapshot, "version": str(EXPORTS)}))
    return counts


def _store_words(con: duckdb.DuckDBPyConnection, names: dict[str, tuple[str, ...]]) -> None:
    # From Arrow: DuckDB binds a Python list parameter element by element, slowly.
    trials = sorted(n for n, found in names.items() if found)
    words = pa.table(
        {"nct_id": trials, "words": [name_words(names[n]) for n in trials]},
        schema=pa.schema([("nct_id", pa.string()), ("words", pa.list_(pa.string()))]),
    )
    con.register("person_words_given", words)
    con.execute(f"create or replace table {WORDS} as select * from person_words_given")
    con.unregister("person_words_given")


def _exported(folder: Path) -> Cursor | None:
    """The lake snapshot the files hold and their version, if they are whole."""
    path = folder / STATE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    return Cursor(state["snapshot"], str(state.get("version")))


@dataclass(frozen=True)
class Moved:
    """What the lake's commits since the exported snapshot changed, for the public files.

    A row's scrubbed text depends on the row, on its trial's contact persons (names in
    ``contacts``, told from organisations in ``sponsors`` and ``trial_sites``) and on
    every stored phone number and email. So a table's rows of a trial are scrubbed
    again when the trial's rows changed in the table or in those three, or when they
    hold a stored detail that came or went; ``whole`` when the lake cannot say.
    """

    changes: Changes
    people: frozenset[str]
    details: Scrubber
    whole: bool = False

    @classmethod
    def of(cls, changes: Changes) -> Moved:
        people = changes.trials(PEOPLE_TABLES)
        details = changes.details()
        if people is None or details is None:
            return cls(changes, frozenset(), Scrubber(), whole=True)
        return cls(changes, frozenset(people), details)

    def trials(self, con: duckdb.DuckDBPyConnection, table: str) -> set[str | None] | None:
        """The trials whose rows of ``table`` to scrub again (empty: none; None among them:
        the rows about no trial), or None for the whole table (one without trials, or one
        the lake cannot say about)."""
        if self.whole:
            return None
        if self.changes.nothing:
            return set()
        columns = dict(con.execute(COLUMNS, [table]).fetchall())
        if "nct_id" not in columns:
            wrote = self.changes.wrote(table)
            return None if wrote or wrote is None or self._any_detail() else set()
        keys = self.changes.keys(table, "nct_id")
        if keys is None:
            return None
        moved: set[str | None] = keys | self.people
        texts = [c for c, kind in columns.items() if kind == "VARCHAR"]
        if texts and self._any_detail():
            moved |= self._holding(con, table, texts)
        return moved

    def _any_detail(self) -> bool:
        return bool(self.details.stored_phones or self.details.stored_emails)

    def _holding(
        self, con: duckdb.DuckDBPyConnection, table: str, texts: list[str]
    ) -> set[str | None]:
        """The trials whose rows of ``table`` hold a stored detail that came or went: the
        rows whose digits hold the number's, or whose text holds the email."""
        text = "concat_ws(' ', " + ", ".join(f'"{c}"' for c in texts) + ")"
        tests, params = [], {}
        if self.details.stored_phones:
            tests.append(f"regexp_matches(regexp_replace({text}, '[^0-9]', '', 'g'), $phones)")
            params["phones"] = "|".join(sorted(self.details.stored_phones))
        if self.details.stored_emails:
            tests.append(f"len([e for e in $emails::varchar[] if contains(lower({text}), e)]) > 0")
            params["emails"] = sorted(self.details.stored_emails)
        sql = f'select distinct nct_id from main."{table}" where {" or ".join(tests)}'
        return {n for (n,) in con.execute(sql, params).fetchall()}


def _copy(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    # Table names come from the catalog, not from input; quoted all the same.
    con.execute(f"copy main.\"{table}\" to '{path}' (format parquet, compression zstd)").fetchall()
    return con.execute(f'select count(*) from main."{table}"').fetchall()[0][0]


def _write_scrubbed(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    scrubber: Scrubber,
    names: dict[str, tuple[str, ...]],
    kept: Path,
    again: set[str | None] | None = None,
) -> int:
    """Write ``table`` with every text column scrubbed, a batch of rows at a time; with
    ``again``, only those trials' rows, the others copied from ``kept`` as they were."""
    columns = dict(con.execute(COLUMNS, [table]).fetchall())
    keyed = "nct_id" in columns
    texts = [c for c, kind in columns.items() if kind == "VARCHAR"]
    batches: list[pa.RecordBatchReader] = []
    chosen = ""
    if again is not None:
        # A key may be NULL (a row about no trial): its rows move together, as a trial's.
        ids = pa.table({"nct_id": pa.array(sorted(again, key=_nulls_first), pa.string())})
        con.register("again_given", ids)
        con.execute(f"create or replace table {AGAIN} as select * from again_given")
        con.unregister("again_given")
        again_key = f"{AGAIN} as again on rows.nct_id is not distinct from again.nct_id"
        as_was = (
            cursor(con)
            .sql(f"select * from read_parquet('{_quoted(kept)}') as rows anti join {again_key}")
            .to_arrow_reader(BATCH_ROWS)
        )
        schema = cursor(con).sql(f'select * from main."{table}" limit 0').arrow().schema
        if as_was.schema == schema:  # else the columns changed: all is scrubbed again
            batches.append(as_was)
            chosen = f"semi join {again_key}"
    reader = (
        cursor(con)
        .execute(_flagged(table, texts, keyed, chosen), {"detail": MAY_HOLD_DETAIL})
        .to_arrow_reader(BATCH_ROWS)
    )
    written = pa.schema(list(reader.schema)[: len(reader.schema) - len(texts)])
    rows = 0
    with pq.ParquetWriter(path, written, compression="zstd") as writer:
        for batch in (b for kept_rows in batches for b in kept_rows):
            writer.write_batch(batch)
            rows += batch.num_rows
        for batch in reader:
            writer.write_batch(_scrubbed(batch, texts, scrubber, names if keyed else {}))
            rows += batch.num_rows
    return rows


def _flagged(table: str, texts: list[str], keyed: bool, chosen: str) -> str:
    """The rows of ``table`` (those ``chosen`` joins to), with a flag for each text
    value: whether the scrubber could change it (a detail's pattern, or a word of its
    trial's contact persons' names), so that only flagged values go through it. For
    names the flag compares ASCII text alone: a non-ASCII value is flagged."""
    flags = []
    for i, column in enumerate(texts):
        value = f'rows."{column}"'
        named = (
            f"(words.words is not null and (regexp_matches({value}, '[^\\x00-\\x7F]')"
            f" or len(list_filter(words.words, w -> contains(lower({value}), w))) > 0))"
            if keyed
            else "false"
        )
        flags.append(f"coalesce(regexp_matches({value}, $detail) or {named}, false) as {FLAG}{i}")
    words = f"left join {WORDS} as words using (nct_id)" if keyed else ""
    return f"""
        select rows.*{"".join(f", {flag}" for flag in flags)}
        from main."{table}" as rows {chosen} {words}
    """


def _scrubbed(
    batch: pa.RecordBatch, texts: list[str], scrubber: Scrubber, names: dict[str, tuple[str, ...]]
) -> pa.RecordBatch:
    """The batch without its flags, each flagged text value through the scrubber with
    its trial's names."""
    flags = {column: batch.column(f"{FLAG}{i}") for i, column in enumerate(texts)}
    batch = batch.select(batch.schema.names[: batch.num_columns - len(texts)])
    columns = []
    for column, name in zip(batch.columns, batch.schema.names, strict=True):
        flagged = flags.get(name)
        if flagged is not None and pc.any(flagged).as_py():
            trials = pc.filter(batch.column("nct_id"), flagged).to_pylist() if names else None
            masked = [
                scrubber.text(value, names.get(trials[i], ()) if trials else ()) if value else value
                for i, value in enumerate(pc.filter(column, flagged).to_pylist())
            ]
            column = pc.replace_with_mask(column, flagged, pa.array(masked, type=column.type))
        columns.append(column)
    return pa.record_batch(columns, schema=batch.schema)


def _nulls_first(nct_id: str | None) -> tuple[bool, str]:
    return (nct_id is not None, nct_id or "")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
