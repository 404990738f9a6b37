"""A search over the index (lib/search/index.py): words, a place and a radius, status,
the person's age and sex, phase, healthy volunteers and study type; ranked by
relevance, then distance, then the newest change; a page at a time.

A site counts for a place when it is within the radius (or in the country or US state
named) and its own status is one the search asks for, or it has none and its trial's
status is. Distances are great-circle distances from the registry's geocodes.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field

from orchestration.lib.search.index import facet
from orchestration.lib.search.places import Place

PER_PAGE = 20
OPEN = ("RECRUITING", "NOT_YET_RECRUITING")
EARTH_KM = 6371.0088
# Letters and digits: each one token of the index's tokenizer, so no quoted word is a
# phrase (the index keeps no positions).
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    words: str = ""
    statuses: tuple[str, ...] = OPEN
    age: float | None = None
    sex: str | None = None  # FEMALE or MALE: the person's
    phases: tuple[str, ...] = ()  # early1, 1, 2, 3, 4, na
    healthy_volunteers: bool = False  # only trials that take them
    study_type: str | None = None
    radius_km: float = 50.0
    page: int = 1

    def __post_init__(self) -> None:
        if not self.statuses:
            raise ValueError("a search asks for at least one status")


@dataclass(frozen=True)
class Hit:
    nct_id: str
    title: str
    path: str
    status: str | None
    phase: str | None
    first_seen: str | None
    last_updated: str | None
    distance_km: float | None = None
    nearest: str | None = None  # the nearest counted site's city, state and country


@dataclass(frozen=True)
class Results:
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def fts_terms(words: str) -> str | None:
    """The words as an FTS5 query every one of which must match (each quoted, so no
    word typed is read as FTS5 syntax)."""
    found = _WORD.findall(words.lower())[:12]
    return " ".join(f'"{w}"' for w in found) or None


def filters(query: Query, near: bool = False) -> list[list[str]]:
    """The ``facets`` tokens the search asks for: a trial has one of each list. The
    trial's status is left out ``near`` a place (the sites there are read with it)."""
    groups = [] if near else [[facet("status", s) for s in query.statuses]]
    groups.append([facet("phase", p) for p in query.phases])
    if query.sex:
        groups.append([facet("sex", "ALL"), facet("sex", query.sex)])
    if query.healthy_volunteers:
        groups.append([facet("healthy", "yes")])
    if query.study_type:
        groups.append([facet("type", query.study_type)])
    return [group for group in groups if group]


def tiers(words: str, facets: list[list[str]]) -> list[str | None]:
    """The full-text queries of the relevance tiers, best first, each excluding the ones
    before: every word in the trial's conditions (as listed, their MeSH terms and broader
    terms), then in its titles, then anywhere (interventions too); each with ``facets``.
    None: no full-text query (every trial)."""
    wanted = ["{facets} : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in facets]
    matched = fts_terms(words)
    if matched is None:
        return [" AND ".join(wanted) or None]
    conditions, title = f"{{conditions}} : ({matched})", f"{{title}} : ({matched})"
    anywhere = f"{{title conditions interventions}} : ({matched})"
    found = [
        f"({conditions})",
        f"(({title}) NOT ({conditions}))",
        f"((({anywhere}) NOT ({conditions})) NOT ({title}))",
    ]
    return [" AND ".join([tier, *wanted]) for tier in found]


def search(con: sqlite3.Connection, query: Query, place: Place | None = None) -> Results:
    """A page of the trials the query finds, and how many it finds.

    Each tier is counted, and the page read, in SQL. Without a place, the full-text
    index answers words and filters alike, in the order of its rowids (the trials' ids,
    newest change first). Near a place, the trials with a counted site there (``near``)
    are read nearest first: the other filters from each of those trials' own row, once
    (they are fewer than a filter's every match), the words from the full-text index."""
    if place is None:
        source, trial, order = "words as w", "w.rowid", "w.rowid"
        levels = tiers(query.words, filters(query))
        where, parameters = _row_filters(query, [])
        joins = " join filters as t on t.id = w.rowid" if parameters else ""
    else:
        _near(con, query, place)
        source, trial, order = "near as n", "n.trial", "n.km, n.trial"
        levels, where, parameters = tiers(query.words, []), "true", []
        joins = " join words as w on w.rowid = n.trial" if levels != [None] else ""
    start, ids, total = (query.page - 1) * PER_PAGE, [], 0
    for tier in levels:
        matching, asked = (" and w.words match ?", [tier]) if tier is not None else ("", [])
        sql = f"from {source}{joins} where {where}{matching}"
        (found,) = con.execute(f"select count(*) {sql}", parameters + asked).fetchone()
        if start < total + found and len(ids) < PER_PAGE:
            offset = max(0, start - total)
            page = f"select {trial} {sql} order by {order} limit ? offset ?"
            chosen = con.execute(page, [*parameters, *asked, PER_PAGE - len(ids), offset])
            ids += [t for (t,) in chosen]
        total += found
    return Results(total, query.page, [_hit(con, t, query, place) for t in ids])


def _row_filters(query: Query, facets: list[list[str]]) -> tuple[str, list[object]]:
    """The filters read from a trial's row of ``filters`` (``t``): the person's age, and
    ``facets``."""
    where, parameters = ["true"], []
    for group in facets:
        where.append("(" + " or ".join("instr(' ' || t.facets || ' ', ?)" for _ in group) + ")")
        parameters += [f" {token} " for token in group]
    if query.age is not None:
        where.append("coalesce(t.minimum_age, 0) <= ? and coalesce(t.maximum_age, 999) >= ?")
        parameters += [query.age, query.age]
    return " and ".join(where), parameters


def _hit(con: sqlite3.Connection, trial: int, query: Query, place: Place | None) -> Hit:
    row = con.execute(
        "select nct_id, title, path, status, phase, first_seen, last_updated from trials"
        " where id = ?",
        [trial],
    ).fetchone()
    if place is None:
        return Hit(*row)
    marks = ", ".join("?" * len(query.statuses))
    if place.is_point:  # the nearest counted site
        sql = (
            "select n.km, s.city, s.state, s.country from sites as s"
            " join near_points as n on n.point = s.point"
            f" where s.trial = ? and s.status in ({marks}) order by n.km limit 1"
        )
        found = con.execute(sql, [trial, *query.statuses]).fetchone()
    else:  # a counted site in the country or state
        country, state = _area(place)
        sql = (
            "select null, city, state, country from sites where trial = ? and country = ?"
            f" and ? in ('', state) and status in ({marks}) order by rowid limit 1"
        )
        found = con.execute(sql, [trial, country, state, *query.statuses]).fetchone()
    return Hit(*row, found[0], _where(found[1:]))


def _area(place: Place) -> tuple[str, str]:
    """The country and the state named ('' for a whole country), as ``areas`` keys them."""
    return place.country, (place.state or "") if place.kind == "state" else ""


def _near(con: sqlite3.Connection, query: Query, place: Place) -> None:
    """Fill the temporary table ``near``: each trial of a status asked for with a counted
    site at the place (a site counts when its status, or its trial's when it has none,
    is one asked for), with the nearest such site's distance (none for a country or a
    state), less the trials the other filters leave out. ``near_points`` keeps each point
    within the radius, with its distance."""
    con.executescript(
        "create temp table if not exists near (trial integer primary key, km real);"
        "create temp table if not exists near_points (point integer primary key, km real);"
        "delete from near; delete from near_points;"
    )
    marks = ", ".join("?" * len(query.statuses))
    if not place.is_point:
        con.execute(
            "insert or ignore into near select trial, null from areas where country = ?"
            f" and state = ? and status in ({marks}) and trial_status in ({marks})",
            [*_area(place), *query.statuses, *query.statuses],
        )
        _keep_filtered(con, query)
        return
    assert place.latitude is not None and place.longitude is not None
    lat, lon, radius = place.latitude, place.longitude, query.radius_km
    dlat = math.degrees(radius / EARTH_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    box = [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    found = con.execute(
        "select id, latitude, longitude from points"
        " where max_lat >= ? and min_lat <= ? and max_lon >= ? and min_lon <= ?",
        box,
    ).fetchall()
    within = [(point, distance_km(lat, lon, a, b)) for point, a, b in found]
    con.executemany(
        "insert into near_points values (?, ?)", [(p, km) for p, km in within if km <= radius]
    )
    # The points drive (cross join: SQLite keeps that order): read in the trials' order
    # instead, to save grouping them, every site would be read.
    con.execute(
        "insert into near select s.trial, min(n.km) from near_points as n"
        f" cross join sites as s on s.point = n.point where s.status in ({marks})"
        f" and s.trial_status in ({marks}) group by s.trial",
        [*query.statuses, *query.statuses],
    )
    _keep_filtered(con, query)


def _keep_filtered(con: sqlite3.Connection, query: Query) -> None:
    """Take out of ``near`` the trials the other filters leave out, reading each trial's
    row once (the words, if any, are asked of the full-text index after)."""
    where, parameters = _row_filters(query, filters(query, near=True))
    if parameters:
        con.execute(
            "delete from near where trial not in (select n.trial from near as n"
            f" cross join filters as t on t.id = n.trial where {where})",
            parameters,
        )


def _where(parts: tuple[str | None, ...]) -> str:
    return ", ".join(p for p in parts if p)
