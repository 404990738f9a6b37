"""What a site build knows of each of its trials, so that the next build reads no page.

Kept beside the build, in ``data/site-state/<build>/`` (never published), as one
Parquet file with a row per trial:

- ``fingerprint``: a digest of everything the trial's document was made from, the
  names and stored contact details the scrubber masked in it included;
- ``detail_keys``: digests of every phone-like run of digits and every email-like word
  in the trial's text before scrubbing, so that a contact detail newly stored for any
  trial finds the pages whose text holds it (digests: the state holds no detail);
- what the site's indexes need of the trial (its entry in condition documents, the
  search index, the home page and the sitemap) and its summary's reading grade.

and a small JSON file: the lake snapshot the build read and the fingerprint of the
code and writer that made its documents. The next build keeps every row but those of
the trials it remade, and makes the indexes from the rows, not from the documents.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb
import orjson
import polars as pl

from orchestration.lib.common.duckdb_files import READ_MEMORY

TRIALS, META = "trials.parquet", "meta.json"
TERM = pl.Struct({"slug": pl.String, "mesh_id": pl.String, "term": pl.String})
BRANCH = pl.Struct({"abbrev": pl.String, "name": pl.String})
SCHEMA = {
    "nct_id": pl.String,
    "fingerprint": pl.String,
    "detail_keys": pl.List(pl.String),
    "terms": pl.List(TERM),
    "branches": pl.List(BRANCH),  # the MeSH tree's branches its conditions are filed under
    "path": pl.String,
    "last_updated": pl.String,
    "listing": pl.String,  # JSON: the trial in a condition's document
    "search": pl.String,  # JSON: the trial's search index entry
    "recruiting": pl.String,  # JSON: the trial on the home page, when it recruits
    "grade": pl.Float64,
}


class MadeRows:
    """The state rows a build makes, written to Parquet a batch at a time beside the state
    they will join: a full build makes one per trial, and 600,000 of them held in memory,
    even as columns (~1 GB), outgrow the memory budget."""

    BATCH = 10_000

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)  # the parts of a build that was killed
        folder.mkdir(parents=True)
        self.folder = folder
        self.ids: set[str] = set()
        self._pending: list[dict[str, Any]] = []
        self._parts = 0

    def add(self, row: dict[str, Any]) -> None:
        self.ids.add(row["nct_id"])
        self._pending.append(row)
        if len(self._pending) >= self.BATCH:
            self._flush()

    def parts(self) -> list[str]:
        """The Parquet files holding every row added."""
        self._flush()
        return sorted(str(part) for part in self.folder.glob("*.parquet"))

    def _flush(self) -> None:
        if self._pending:
            part = self.folder / f"{self._parts:06d}.parquet"
            pl.DataFrame(self._pending, schema=SCHEMA).write_parquet(part)
            self._parts += 1
            self._pending = []


@dataclass(frozen=True)
class SiteState:
    folder: Path
    memory: str = READ_MEMORY  # DuckDB's cache for its queries (it spills beyond it)

    @property
    def trials(self) -> Path:
        return self.folder / TRIALS

    def meta(self) -> dict[str, Any] | None:
        """The snapshot and feed stamp the build was made from, once its state is whole."""
        path = self.folder / META
        return json.loads(path.read_text()) if path.exists() and self.trials.exists() else None

    def made(self) -> MadeRows:
        """Where the rows this build remakes go until ``write`` joins them to the base's."""
        return MadeRows(self.folder / ".made")

    def write(
        self,
        base: SiteState | None,
        made: MadeRows,
        removed: Collection[str],
        meta: dict[str, Any],
    ) -> None:
        """This build's state: ``base``'s rows but those of the trials ``made`` again or
        ``removed``, and the ``made`` rows."""
        replaced = pl.DataFrame(
            {"nct_id": sorted(made.ids | set(removed))}, schema={"nct_id": pl.String}
        )
        with self._connect() as con:
            con.register("replaced", replaced)
            if made.parts():
                parts = _quoted(made.folder / "*.parquet")
                con.execute(f"create view made as select * from read_parquet('{parts}')")
            else:
                con.register("made", pl.DataFrame(schema=SCHEMA))
            kept = (
                "select * from read_parquet($base) anti join replaced using (nct_id)"
                if base is not None
                else "select * from made limit 0"
            )
            partial = self.trials.with_name(f".{TRIALS}.partial")
            con.execute(
                f"copy (select * from ({kept}) union all by name select * from made"
                f" order by nct_id) to '{_quoted(partial)}' (format parquet)",
                {"base": str(base.trials)} if base is not None else {},
            )
        partial.replace(self.trials)
        (self.folder / META).write_text(json.dumps(meta))
        shutil.rmtree(made.folder)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """A connection with a reader's memory: a full build's sorts and groupings of
        600,000 rows took up to 3.9 GB unbounded, and spill beside the state instead."""
        config = {"memory_limit": self.memory, "temp_directory": str(self.folder / ".spill")}
        return duckdb.connect(config=config)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """``sql`` over the rows as the view ``state``."""
        with self._connect() as con:
            con.execute(
                f"create view state as select * from read_parquet('{_quoted(self.trials)}')"
            )
            return con.execute(sql, params or {}).fetchall()

    def fingerprints(self, ids: Collection[str]) -> dict[str, str]:
        """The recorded fingerprint of each of ``ids`` the state has."""
        rows = self.query(
            "select nct_id, fingerprint from state where list_contains($ids::varchar[], nct_id)",
            {"ids": sorted(ids)},
        )
        return dict(rows)

    def holding(self, keys: Collection[str]) -> set[str]:
        """The trials whose text holds any of the detail ``keys``."""
        if not keys:
            return set()
        rows = self.query(
            "select nct_id from state where list_has_any(detail_keys, $keys::varchar[])",
            {"keys": sorted(keys)},
        )
        return {nct_id for (nct_id,) in rows}

    def slugs(self, ids: Collection[str]) -> set[str]:
        """The conditions ``ids`` are listed under."""
        rows = self.query(
            "select distinct unnest(terms).slug from state"
            " where list_contains($ids::varchar[], nct_id)",
            {"ids": sorted(ids)},
        )
        return {slug for (slug,) in rows}

    def ids(self) -> set[str]:
        return {nct_id for (nct_id,) in self.query("select nct_id from state")}

    def listings(
        self, slugs: Collection[str] | None = None
    ) -> Iterator[tuple[dict[str, str], list[dict]]]:
        """Each of ``slugs`` (every condition when None) that still lists a trial: its term,
        and its trials' listings in ``nct_id`` order. Streamed a condition at a time: every
        condition's listings at once took 1.5 GB at 600,000 trials."""
        wanted = "true" if slugs is None else "t.slug in (select slug from wanted)"
        with self._connect() as con:
            con.register(
                "wanted", pl.DataFrame({"slug": sorted(slugs or ())}, schema={"slug": pl.String})
            )
            found = con.execute(
                f"""
                select t.slug, t.mesh_id, t.term, listing
                from (select nct_id, listing, unnest(terms) as t from read_parquet($trials))
                where {wanted}
                order by t.slug, nct_id
                """,
                {"trials": str(self.trials)},
            )
            rows = chain.from_iterable(iter(lambda: found.fetchmany(10_000), []))
            for slug, listed in groupby(rows, key=itemgetter(0)):
                first = next(listed)
                term = {"slug": slug, "mesh_id": first[1], "term": first[2]}
                yield term, [orjson.loads(row[3]) for row in chain([first], listed)]

    def conditions(self) -> list[dict[str, Any]]:
        """Every condition: slug, term, MeSH id, how many trials, the latest update."""
        rows = self.query(
            """
            select t.slug, any_value(t.term), any_value(t.mesh_id), count(*), max(last_updated)
            from (select last_updated, unnest(terms) as t from state)
            group by t.slug order by t.slug
            """
        )
        keys = ("slug", "term", "mesh_id", "trial_count", "last_updated")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def newest(self, date: str, count: int) -> list[dict[str, Any]]:
        """The ``count`` trials with the latest ``date`` (``first_seen`` or
        ``last_updated``), newest first, as their search entries."""
        if date not in ("first_seen", "last_updated"):
            raise ValueError(f"not a date of the search entry: {date!r}")
        rows = self.query(
            f"select search from state order by search ->> '$.{date}' desc nulls last, nct_id"
            " limit $count",
            {"count": count},
        )
        return [orjson.loads(entry) for (entry,) in rows]

    def branches(self) -> list[dict[str, Any]]:
        """Every branch: its code, name and trials, and each of its conditions (the terms
        of the trials filed under it) with their trials, most first."""
        rows = self.query(
            """
            with filed as (
                select nct_id, unnest(branches) as b, terms from state
            ),
            terms as (
                select b.abbrev, t.slug, any_value(t.term) as term, count(*) as trials
                from (select b, unnest(terms) as t from filed)
                group by b.abbrev, t.slug
            )
            select b.abbrev, any_value(b.name), count(distinct nct_id),
                (select list({'slug': slug, 'term': term, 'trial_count': trials}
                    order by trials desc, term, slug) from terms where terms.abbrev = b.abbrev)
            from filed group by b.abbrev order by any_value(b.name)
            """
        )
        keys = ("abbrev", "name", "trial_count", "conditions")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def search_entries(self, ids: Collection[str] | None = None) -> Iterator[str]:
        """The search entries of ``ids`` (of every trial when None), a batch at a time."""
        where = "true" if ids is None else "list_contains($ids::varchar[], nct_id)"
        with self._connect() as con:
            found = con.execute(
                f"select search from read_parquet('{_quoted(self.trials)}') where {where}",
                {} if ids is None else {"ids": sorted(ids)},
            )
            while batch := found.fetchmany(10_000):
                yield from (entry for (entry,) in batch)

    def column(self, name: str, where: str = "true") -> list[Any]:
        """One of the columns, in ``nct_id`` order."""
        if name not in SCHEMA:
            raise ValueError(f"no column {name!r} in the site state")
        return [v for (v,) in self.query(f"select {name} from state where {where} order by nct_id")]


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
