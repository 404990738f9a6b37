"""The search index: a SQLite file beside each site build (never published), made from
the site state's search entries (lib/site/feed_update.py).

- ``trials``: a row per trial with what results show. Its id is the trial's place in
  the order results take within a relevance tier and a distance: the newest change
  first, then the NCT id (``order_key``), so that a page of a search is the first rows
  of the full-text index in rowid order, not a sort of every match;
- ``filters``: the ages the age filter reads and the trial's ``facets`` (below), narrow
  rows read one by one for the trials near a place;
- ``words``: SQLite's FTS5 over the trial's titles, its conditions as listed with their
  MeSH terms and broader terms, its interventions, and its ``facets``: one token for its
  status, each phase, the sex it takes, its study type and whether it takes healthy
  volunteers, so that the filters are a full-text query too (rowid: the trial's id);
- ``sites``: each site's status (the trial's when it has none), its trial's status (so
  that a search near a place with no other filter needs no full-text query), its place,
  and ``point``: an R*Tree of the distinct geocodes (``points``; the registry's are a
  city's, so there are far fewer than sites, and an R*Tree insert is slow), so that a
  search near a place reads only the sites at the points in the box around it;
- ``areas``: each trial once per status pair in each country and US state it has a site
  in, for a search in a country or a state.

A daily build copies the previous build's file and puts in only the trials its run
remade or removed; a full build makes it from every entry, and its indexes after.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from orchestration.lib.common.output_versions import SEARCH_INDEX

TABLES = """
create table trials (
    id integer primary key,
    nct_id text not null unique,
    title text not null,
    path text not null,
    status text,
    phase text,
    first_seen text,
    last_updated text
);
create table filters (
    id integer primary key,
    minimum_age real,
    maximum_age real,
    facets text not null
);
-- Which column a word is in, not where in it: every query is of single words.
create virtual table words using fts5(
    title, conditions, interventions, facets,
    tokenize = 'porter unicode61 remove_diacritics 2', detail = column
);
create table sites (
    trial integer not null,
    point integer,
    status text,
    trial_status text,
    city text,
    state text,
    country text
);
-- Each trial once per status pair in each country (state '') and each state it has a
-- site in: a search in a country or a state reads its trials there, no site twice.
create table areas (
    country text not null,
    state text not null,
    status text not null,
    trial_status text not null,
    trial integer not null,
    primary key (country, state, status, trial_status, trial)
) without rowid;
-- The box in the R*Tree's 32-bit floats, the geocode itself in the auxiliary columns.
create virtual table points using rtree(
    id, min_lat, max_lat, min_lon, max_lon, +latitude real, +longitude real
);
"""
# Made after a full build's rows (sorting once is faster than keeping them up to date).
# A search near a point reads sites_at_point alone (it holds what it asks of a site).
INDEXES = """
create index if not exists sites_by_trial on sites (trial);
create index if not exists sites_at_point on sites (point, status, trial_status, trial);
"""
_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?", re.IGNORECASE)
_NCT = re.compile(r"NCT(\d{8})")
BATCH = 5_000  # trials put in at a time
INSERTS = {
    "trials": "insert into trials values (?, ?, ?, ?, ?, ?, ?, ?)",
    "filters": "insert into filters values (?, ?, ?, ?)",
    "words": "insert into words (rowid, title, conditions, interventions, facets)"
    " values (?, ?, ?, ?, ?)",
    "sites": "insert into sites values (?, ?, ?, ?, ?, ?, ?)",
    "points": "insert into points values (?, ?, ?, ?, ?, ?, ?)",
    "areas": "insert or ignore into areas values (?, ?, ?, ?, ?)",
}
_PER_YEAR = {"year": 1, "month": 12, "week": 52.1775, "day": 365.25, "hour": 8766, "minute": 525960}


@cache  # a few hundred distinct ages, read for every trial
def years(age: str | None) -> float | None:
    """The registry's age ("18 Years", "6 Months") in years; None when absent or unread."""
    found = _AGE.search(age or "")
    return float(found.group(1)) / _PER_YEAR[found.group(2).lower()] if found else None


@cache
def phases(phase: str | None) -> tuple[str, ...]:
    """A trial's phases as the filter names them: "Phase 1/Phase 2" -> ("1", "2")."""
    tokens = []
    for part in (phase or "").split("/"):
        part = part.strip().lower()
        if part.startswith("early phase"):
            tokens.append("early1")
        elif part.startswith("phase "):
            tokens.append(part.removeprefix("phase ").strip())
        elif part == "not applicable":
            tokens.append("na")
    return tuple(tokens)


@cache
def facet(kind: str, value: str) -> str:
    """A filter's value as one token of the ``facets`` column ("status", "NOT_YET_RECRUITING"
    -> "statusnotyetrecruiting"): letters and digits only, so the tokenizer keeps it whole."""
    return re.sub(r"[^a-z0-9]", "", f"{kind}{value}".lower())


def facets(entry: dict[str, Any]) -> str:
    """The trial's ``facets`` tokens."""
    tokens = [facet("phase", p) for p in phases(entry["phase"])]
    tokens.append(facet("sex", entry["sex"] or "ALL"))
    if entry["status"]:
        tokens.append(facet("status", entry["status"]))
    if entry["study_type"]:
        tokens.append(facet("type", entry["study_type"]))
    if entry["healthy_volunteers"]:
        tokens.append(facet("healthy", "yes"))
    return " ".join(tokens)


def order_key(last_updated: str | None, nct_id: str) -> int:
    """The trial's id: ascending, the newest change (an ISO date) first, then the NCT id."""
    found = _NCT.fullmatch(nct_id)
    if found is None:
        raise ValueError(f"not an NCT id: {nct_id!r}")
    day = int(last_updated[:10].replace("-", "")) if last_updated else 0
    return (99_999_999 - day) * 100_000_000 + int(found.group(1))


def create(path: Path) -> sqlite3.Connection:
    """A new index at ``path``, its tables empty and not yet indexed (``update`` with
    ``fresh`` indexes them)."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(TABLES)
    con.execute(f"pragma user_version = {SEARCH_INDEX}")
    return con


def update(
    con: sqlite3.Connection, entries: Iterable[str], removed: Iterable[str], fresh: bool = False
) -> int:
    """Put in each entry (the JSON of a trial's search entry), replacing the trial's old
    rows (none in a ``fresh`` index, which is indexed after), and take out the trials
    ``removed``; in one transaction. Returns the entries."""
    count, cleared = 0, set()  # cleared: points whose sites were taken out
    with con:
        if not fresh:
            _remove(con, list(removed), cleared)
        points = _Points(con)
        inserts = dict(INSERTS)
        if fresh:  # areas' and words' rows are put in at the end, in their key's order
            con.execute("create temp table areas_pending as select * from areas where false")
            inserts["areas"] = "insert into areas_pending values (?, ?, ?, ?, ?)"
            con.execute(
                "create temp table words_pending (id, title, conditions, interventions, facets)"
            )
            inserts["words"] = "insert into words_pending values (?, ?, ?, ?, ?)"
        # Rows go in a batch at a time (executemany).
        for nct_ids, rows in _batches(entries, points):
            if not fresh:
                _remove(con, nct_ids, cleared)
            # In id order: FTS5 writes out what it holds whenever an id is lower than the last.
            rows["words"].sort()
            for table, statement in inserts.items():
                con.executemany(statement, rows[table])
            count += len(nct_ids)
        if fresh:
            # One by one: executescript would commit the transaction first.
            for statement in filter(str.strip, INDEXES.split(";")):
                con.execute(statement)
            con.execute("insert into areas select * from areas_pending order by 1, 2, 3, 4, 5")
            con.execute(
                "insert into words (rowid, title, conditions, interventions, facets)"
                " select * from words_pending order by id"
            )
            con.execute("drop table areas_pending")
            con.execute("drop table words_pending")
        else:  # points no site is at any more
            con.execute(
                "delete from points where id in (select value from json_each(?))"
                " and not exists (select 1 from sites where sites.point = points.id)",
                [json.dumps(sorted(cleared))],
            )
    return count


def _batches(
    entries: Iterable[str], points: _Points
) -> Iterator[tuple[list[str], dict[str, list[tuple]]]]:
    """The entries a batch at a time: their NCT ids, and their rows by table."""
    entries = iter(entries)
    while batch := [orjson.loads(text) for text in islice(entries, BATCH)]:
        rows: dict[str, list[tuple]] = {table: [] for table in INSERTS}
        for entry in batch:
            _rows(entry, points, rows)
        yield [entry["nct_id"] for entry in batch], rows


def _remove(con: sqlite3.Connection, nct_ids: list[str], cleared: set[int]) -> None:
    """Take out the trials ``nct_ids`` (those in the index), adding their sites' points to
    ``cleared``."""
    found = con.execute(
        "select id from trials where nct_id in (select value from json_each(?))",
        [json.dumps(nct_ids)],
    ).fetchall()
    if not found:
        return
    ids = [json.dumps([trial for (trial,) in found])]
    listed = "in (select value from json_each(?))"
    # The trials' areas, by their keys: what their sites say (areas has no index by trial).
    con.execute(
        "delete from areas where (country, state, status, trial_status, trial) in"
        " (select country, region.value, status, trial_status, trial"
        " from sites, json_each(json_array('', coalesce(state, ''))) as region"
        f" where trial {listed})",
        ids,
    )
    deleted = con.execute(f"delete from sites where trial {listed} returning point", ids)
    cleared.update(point for (point,) in deleted.fetchall() if point is not None)
    con.execute(f"delete from words where rowid {listed}", ids)
    con.execute(f"delete from filters where id {listed}", ids)
    con.execute(f"delete from trials where id {listed}", ids)


def _rows(entry: dict[str, Any], points: _Points, rows: dict[str, list[tuple]]) -> None:
    """Add ``entry``'s rows to ``rows`` (new geocodes added to ``points``)."""
    trial, tokens = order_key(entry["last_updated"], entry["nct_id"]), facets(entry)
    rows["trials"].append(
        (
            trial,
            entry["nct_id"],
            entry["title"],
            entry["path"],
            entry["status"],
            entry["phase"],
            entry["first_seen"],
            entry["last_updated"],
        )
    )
    ages = (years(entry["minimum_age"]), years(entry["maximum_age"]))
    rows["filters"].append((trial, *ages, tokens))
    rows["words"].append(
        (
            trial,
            " ".join([entry["title"], entry["registry_title"] or ""]),
            " ".join(entry["conditions"] + entry["terms"] + entry["broader"]),
            " ".join(entry["interventions"]),
            tokens,
        )
    )
    areas: set[tuple[str, str, str]] = set()
    for latitude, longitude, status, city, state, country in entry["sites"]:
        point = None
        if latitude is not None and longitude is not None:
            point = points.of(latitude, longitude, rows["points"])
        # A site without a status of its own counts by its trial's.
        counted = status or entry["status"]
        rows["sites"].append((trial, point, counted, entry["status"], city, state, country))
        if country and counted and entry["status"]:
            areas.update((country, region, counted) for region in ("", state or ""))
    rows["areas"] += [(*area, entry["status"], trial) for area in sorted(areas)]


class _Points:
    """The index's points by their geocode, and new ones numbered after the last."""

    def __init__(self, con: sqlite3.Connection) -> None:
        found = con.execute("select id, latitude, longitude from points").fetchall()
        self.ids = {(latitude, longitude): id_ for id_, latitude, longitude in found}
        self.last = max(self.ids.values(), default=0)

    def of(self, latitude: float, longitude: float, new: list[tuple]) -> int:
        """The point's id; a point not yet in the index is added to ``new``."""
        point = self.ids.get((latitude, longitude))
        if point is None:
            self.last = point = self.ids[latitude, longitude] = self.last + 1
            new.append((point, latitude, latitude, longitude, longitude, latitude, longitude))
        return point
