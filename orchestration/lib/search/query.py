"""A search over the index (lib/search/index.py): words, a place and a radius, status,
the person's age and sex, phase, healthy volunteers and study type; ranked by
relevance, then distance, then the newest change; a page at a time.

A site counts for a place when it is within the radius (or in the country or US state
named) and its own status is one the search asks for, or it has none and its trial's
status is. Distances are great-circle distances from the registry's geocodes.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field

from orchestration.lib.search.places import Place

PER_PAGE = 20
OPEN = ("RECRUITING", "NOT_YET_RECRUITING")
EARTH_KM = 6371.0088
_WORD = re.compile(r"\w+", re.UNICODE)


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


def search(con: sqlite3.Connection, query: Query, place: Place | None = None) -> Results:
    where, parameters = _filters(query)
    matched = fts_terms(query.words)
    source, relevance = "trials as t", "0"
    if matched:
        # Relevance: every word in the trial's conditions (as listed, their MeSH terms
        # and broader terms) first, then in its titles, then anywhere (interventions).
        source = (
            "trials as t join (select rowid as id from words where words match ?) as w"
            " on w.id = t.id"
        )
        relevance = (
            "case when t.id in (select rowid from words where words match ?) then 0"
            " when t.id in (select rowid from words where words match ?) then 1 else 2 end"
        )
    nearest: dict[int, tuple[float | None, str]] = {}
    if place is not None:
        nearest = _sites_near(con, query, place)
        if not nearest:
            return Results(0, query.page)
        where.append("t.id in (select value from json_each(?))")
        parameters.append(json.dumps(sorted(nearest)))
    sql = (
        f"select t.id, t.nct_id, t.title, t.path, t.status, t.phase, t.first_seen,"
        f" t.last_updated, {relevance} from {source} where {' and '.join(where)}"
    )
    tiers = [f"{{conditions}} : ({matched})", f"{{title}} : ({matched})"] if matched else []
    rows = con.execute(sql, [*tiers, *([matched] if matched else []), *parameters]).fetchall()
    # Relevance, then distance, then the newest change (then the id, for a stable order).
    rows.sort(key=lambda r: r[1])
    rows.sort(key=lambda r: r[7] or "", reverse=True)
    rows.sort(key=lambda r: (r[8], _distance(nearest, r[0])))
    start = (query.page - 1) * PER_PAGE
    hits = [
        Hit(*row[1:8], *nearest.get(row[0], (None, None))) for row in rows[start : start + PER_PAGE]
    ]
    return Results(len(rows), query.page, hits)


def _distance(nearest: dict[int, tuple[float | None, str]], trial: int) -> float:
    found = nearest.get(trial)
    return found[0] if found and found[0] is not None else 0.0


def _filters(query: Query) -> tuple[list[str], list[object]]:
    where, parameters = ["true"], []
    if query.statuses:
        where.append(f"t.status in ({', '.join('?' * len(query.statuses))})")
        parameters += query.statuses
    if query.age is not None:
        where.append("coalesce(t.minimum_age, 0) <= ? and coalesce(t.maximum_age, 999) >= ?")
        parameters += [query.age, query.age]
    if query.sex:
        where.append("coalesce(t.sex, 'ALL') in ('ALL', ?)")
        parameters.append(query.sex)
    if query.phases:
        where.append("(" + " or ".join("instr(t.phases, ?)" for _ in query.phases) + ")")
        parameters += [f" {p} " for p in query.phases]
    if query.healthy_volunteers:
        where.append("t.healthy_volunteers = 1")
    if query.study_type:
        where.append("t.study_type = ?")
        parameters.append(query.study_type)
    return where, parameters


def _counted(query: Query) -> tuple[str, list[object]]:
    """Which sites count: their own status asked for, or none and their trial's is."""
    marks = ", ".join("?" * len(query.statuses)) or "null"
    sql = f"(s.status in ({marks}) or (s.status is null and t.status in ({marks})))"
    return sql, [*query.statuses, *query.statuses]


def _sites_near(
    con: sqlite3.Connection, query: Query, place: Place
) -> dict[int, tuple[float | None, str]]:
    """Each trial with a counted site at the place: the nearest such site's distance and
    where it is (no distance for a country or a state)."""
    counted, parameters = _counted(query)
    columns = "s.trial, s.latitude, s.longitude, s.city, s.state, s.country"
    if not place.is_point:
        area = "s.country = ?" + (" and s.state = ?" if place.kind == "state" else "")
        rows = con.execute(
            f"select {columns} from sites as s join trials as t on t.id = s.trial"
            f" where {area} and {counted}",
            [place.country, *([place.state] if place.kind == "state" else []), *parameters],
        ).fetchall()
        return {r[0]: (None, _where(r[3:])) for r in sorted(rows, key=lambda r: r[0])}
    assert place.latitude is not None and place.longitude is not None
    lat, lon, radius = place.latitude, place.longitude, query.radius_km
    dlat = math.degrees(radius / EARTH_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    box = [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    rows = con.execute(
        f"select {columns} from points as b join sites as s on s.point = b.id"
        " join trials as t on t.id = s.trial"
        " where b.max_lat >= ? and b.min_lat <= ? and b.max_lon >= ? and b.min_lon <= ?"
        f" and {counted}",
        [box[0], box[1], box[2], box[3], *parameters],
    ).fetchall()
    nearest: dict[int, tuple[float | None, str]] = {}
    for trial, site_lat, site_lon, *where in rows:
        km = distance_km(lat, lon, site_lat, site_lon)
        if km <= radius and (trial not in nearest or km < (nearest[trial][0] or 0.0)):
            nearest[trial] = (km, _where(where))
    return nearest


def _where(parts: list[str | None] | tuple[str | None, ...]) -> str:
    return ", ".join(p for p in parts if p)
