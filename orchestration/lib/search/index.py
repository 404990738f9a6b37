"""The search index: a SQLite file beside each site build (never published), made from
the site state's search entries (lib/site/feed_update.py).

- ``trials``: a row per trial with what the filters read (status, phases, study type,
  sex, ages in years, healthy volunteers) and the dates results show;
- ``words``: SQLite's FTS5 over the trial's titles, its conditions as listed with their
  MeSH terms and broader terms, and its interventions (rowid: the trial's row);
- ``sites``: each site's registry geocode and status, with an R*Tree of the points so
  a search near a place reads only the sites in the box around it.

A daily build copies the previous build's file and puts in only the trials its run
remade or removed; a full build makes it from every entry.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
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
    latitude real,
    longitude real,
    status text,
    city text,
    state text,
    country text
);
create index sites_by_trial on sites (trial);
create virtual table site_points using rtree(id, min_lat, max_lat, min_lon, max_lon);
"""
_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?", re.IGNORECASE)
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
        for text in entries:
            entry = orjson.loads(text)
            if not fresh:
                _remove(con, entry["nct_id"])
            _insert(con, entry)
            count += 1
    return count


def _remove(con: sqlite3.Connection, nct_id: str) -> None:
    found = con.execute("select id from trials where nct_id = ?", [nct_id]).fetchone()
    if found is None:
        return
    (trial,) = found
    con.execute(
        "delete from site_points where id in (select id from sites where trial = ?)", [trial]
    )
    con.execute("delete from sites where trial = ?", [trial])
    con.execute("delete from words where rowid = ?", [trial])
    con.execute("delete from trials where id = ?", [trial])


def _insert(con: sqlite3.Connection, entry: dict[str, Any]) -> None:
    cursor = con.execute(
        "insert into trials (nct_id, title, path, status, phases, phase, study_type, sex,"
        " minimum_age, maximum_age, healthy_volunteers, first_seen, last_updated)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
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
        ],
    )
    trial = cursor.lastrowid
    con.execute(
        "insert into words (rowid, title, conditions, interventions) values (?, ?, ?, ?)",
        [
            trial,
            " ".join([entry["title"], entry["registry_title"] or ""]),
            " ".join(entry["conditions"] + entry["terms"] + entry["broader"]),
            " ".join(entry["interventions"]),
        ],
    )
    for latitude, longitude, status, city, state, country in entry["sites"]:
        site = con.execute(
            "insert into sites (trial, latitude, longitude, status, city, state, country)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [trial, latitude, longitude, status, city, state, country],
        ).lastrowid
        if latitude is not None and longitude is not None:
            con.execute(
                "insert into site_points values (?, ?, ?, ?, ?)",
                [site, latitude, latitude, longitude, longitude],
            )
