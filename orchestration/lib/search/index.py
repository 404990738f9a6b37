"""The search index: a SQLite file beside each site build (never published), made from
the site state's search entries (lib/site/feed_update.py).

- ``trials``: a row per trial with what the filters read (status, phases, study type,
  sex, ages in years, healthy volunteers) and the dates results show;
- ``words``: SQLite's FTS5 over the trial's titles, its conditions as listed with their
  MeSH terms and broader terms, and its interventions (rowid: the trial's row);
- ``sites``: each site's registry geocode and status, and its ``point``: an R*Tree of
  the distinct geocodes (``points``; the registry's are a city's, so there are far
  fewer than sites, and an R*Tree insert is slow), so that a search near a place reads
  only the sites at the points in the box around it.

A daily build copies the previous build's file and puts in only the trials its run
remade or removed; a full build makes it from every entry.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

SCHEMA = """
create table trials (
    id integer primary key,
    nct_id text not null unique,
    title text not null,
    path text not null,
    status text,
    phases text not null,
    phase text,
    study_type text,
    sex text,
    minimum_age real,
    maximum_age real,
    healthy_volunteers integer,
    first_seen text,
    last_updated text
);
create virtual table words using fts5(
    title, conditions, interventions, tokenize = 'porter unicode61 remove_diacritics 2'
);
create table sites (
    id integer primary key,
    trial integer not null,
    point integer,
    latitude real,
    longitude real,
    status text,
    city text,
    state text,
    country text
);
create index sites_by_trial on sites (trial);
create index sites_by_point on sites (point);
-- The box in the R*Tree's 32-bit floats, the geocode itself in the auxiliary columns.
create virtual table points using rtree(
    id, min_lat, max_lat, min_lon, max_lon, +latitude real, +longitude real
);
"""
_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?", re.IGNORECASE)
BATCH = 5_000  # trials put in at a time
INSERTS = {
    "trials": "insert into trials values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "words": "insert into words (rowid, title, conditions, interventions) values (?, ?, ?, ?)",
    "sites": "insert into sites values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "points": "insert into points values (?, ?, ?, ?, ?, ?, ?)",
}
_PER_YEAR = {"year": 1, "month": 12, "week": 52.1775, "day": 365.25, "hour": 8766, "minute": 525960}


def years(age: str | None) -> float | None:
    """The registry's age ("18 Years", "6 Months") in years; None when absent or unread."""
    found = _AGE.search(age or "")
    return float(found.group(1)) / _PER_YEAR[found.group(2).lower()] if found else None


def phases(phase: str | None) -> str:
    """A trial's phases as tokens the filter looks for: "Phase 1/Phase 2" -> " 1 2 "."""
    tokens = []
    for part in (phase or "").split("/"):
        part = part.strip().lower()
        if part.startswith("early phase"):
            tokens.append("early1")
        elif part.startswith("phase "):
            tokens.append(part.removeprefix("phase ").strip())
        elif part == "not applicable":
            tokens.append("na")
    return f" {' '.join(tokens)} "


def create(path: Path) -> sqlite3.Connection:
    """A new, empty index at ``path``."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    return con


def update(
    con: sqlite3.Connection, entries: Iterable[str], removed: Iterable[str], fresh: bool = False
) -> int:
    """Put in each entry (the JSON of a trial's search entry), replacing the trial's old
    rows (none in a ``fresh`` index), and take out the trials ``removed``; in one
    transaction. Returns the entries."""
    count = 0
    with con:
        for nct_id in removed:
            _remove(con, nct_id)
        # Rows go in a batch at a time (executemany), their ids numbered here.
        (trial,) = con.execute("select coalesce(max(id), 0) from trials").fetchone()
        (site,) = con.execute("select coalesce(max(id), 0) from sites").fetchone()
        points = _Points(con)
        entries = iter(entries)
        while batch := list(islice(entries, BATCH)):
            rows: dict[str, list[tuple]] = {table: [] for table in INSERTS}
            for text in batch:
                entry = orjson.loads(text)
                if not fresh:
                    _remove(con, entry["nct_id"])
                trial += 1
                site = _rows(entry, trial, site, points, rows)
            for table, statement in INSERTS.items():
                con.executemany(statement, rows[table])
            count += len(batch)
        if not fresh:  # points no site is at any more
            con.execute(
                "delete from points where id not in"
                " (select point from sites where point is not null)"
            )
    return count


def _remove(con: sqlite3.Connection, nct_id: str) -> None:
    found = con.execute("select id from trials where nct_id = ?", [nct_id]).fetchone()
    if found is None:
        return
    (trial,) = found
    con.execute("delete from sites where trial = ?", [trial])
    con.execute("delete from words where rowid = ?", [trial])
    con.execute("delete from trials where id = ?", [trial])


def _rows(
    entry: dict[str, Any],
    trial: int,
    site: int,
    points: _Points,
    rows: dict[str, list[tuple]],
) -> int:
    """Add ``entry``'s rows (as trial ``trial``, its sites numbered after ``site``, new
    geocodes added to ``points``) to ``rows``; the last site's id."""
    rows["trials"].append(
        (
            trial,
            entry["nct_id"],
            entry["title"],
            entry["path"],
            entry["status"],
            phases(entry["phase"]),
            entry["phase"],
            entry["study_type"],
            entry["sex"],
            years(entry["minimum_age"]),
            years(entry["maximum_age"]),
            entry["healthy_volunteers"],
            entry["first_seen"],
            entry["last_updated"],
        )
    )
    rows["words"].append(
        (
            trial,
            " ".join([entry["title"], entry["registry_title"] or ""]),
            " ".join(entry["conditions"] + entry["terms"] + entry["broader"]),
            " ".join(entry["interventions"]),
        )
    )
    for latitude, longitude, status, city, state, country in entry["sites"]:
        site += 1
        point = None
        if latitude is not None and longitude is not None:
            point = points.of(latitude, longitude, rows["points"])
        place = (status, city, state, country)
        rows["sites"].append((site, trial, point, latitude, longitude, *place))
    return site


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
