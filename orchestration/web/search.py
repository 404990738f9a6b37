"""``GET /search``: the form's parameters read and checked, the place resolved offline,
the live build's index asked, the results as a plain HTML page (no JavaScript; the
URL is the search, to bookmark and share)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from orchestration.lib.common.labels import day_label, label
from orchestration.lib.common.settings import Settings
from orchestration.lib.search.build import INDEX
from orchestration.lib.search.places import Resolved, gazetteer_path, resolve
from orchestration.lib.search.query import OPEN, Query, Results, search
from orchestration.lib.site.builds import SiteBuilds

RADII = (10, 25, 50, 100, 250, 500)
CACHE_KB = 32_768  # SQLite's cache of each connection a worker thread keeps
STATUSES = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
)
PHASES = {"early1": "Early phase 1", "1": "Phase 1", "2": "Phase 2", "3": "Phase 3"}
PHASES |= {"4": "Phase 4", "na": "No phase (not a drug trial)"}
SEXES = {"FEMALE": "Female", "MALE": "Male"}
TYPES = {"INTERVENTIONAL": "Tests a treatment", "OBSERVATIONAL": "Observes only"}


@dataclass
class Asked:
    """A search as the form asked it, what was wrong with it, and what it found."""

    query: Query
    near: str = ""
    problems: list[str] = field(default_factory=list)
    place: Resolved | None = None
    results: Results | None = None

    def link(self, **changes: object) -> str:
        """This search's URL with some parameters changed (a page, a chosen place)."""
        values = {
            "q": self.query.words,
            "near": self.near,
            "radius": int(self.query.radius_km),
            "status": list(self.query.statuses),
            "age": "" if self.query.age is None else f"{self.query.age:g}",
            "sex": self.query.sex or "",
            "phase": list(self.query.phases),
            "healthy": "1" if self.query.healthy_volunteers else "",
            "type": self.query.study_type or "",
            "page": self.query.page,
        } | changes
        kept = [
            (k, v)
            for k, value in values.items()
            for v in (value if isinstance(value, list) else [value])
            if v not in ("", None)
        ]
        return "?" + urlencode(kept)


def read(params: QueryParams) -> Asked:
    """The form's parameters as a query; each unusable value named in ``problems``."""
    problems = []
    statuses = tuple(s for s in params.getlist("status") if s in STATUSES) or OPEN
    radius = _number(params.get("radius"), 50, problems, "The distance")
    if radius not in RADII:
        radius = min(RADII, key=lambda r: abs(r - radius))
    age = params.get("age", "").strip()
    years = _number(age, None, problems, "The age") if age else None
    if years is not None and not 0 <= years <= 120:
        problems.append("The age must be between 0 and 120 years.")
        years = None
    page = max(1, int(_number(params.get("page"), 1, problems, "The page") or 1))
    query = Query(
        words=params.get("q", "")[:200],
        statuses=statuses,
        age=years,
        sex=params.get("sex") if params.get("sex") in SEXES else None,
        phases=tuple(p for p in params.getlist("phase") if p in PHASES),
        healthy_volunteers=params.get("healthy") == "1",
        study_type=params.get("type") if params.get("type") in TYPES else None,
        radius_km=float(radius),
        page=page,
    )
    return Asked(query, params.get("near", "").strip()[:100], problems)


def _number(text: str | None, default: float | None, problems: list[str], what: str):
    if text in (None, ""):
        return default
    try:
        return float(text)
    except ValueError:
        problems.append(f"{what} must be a number.")
        return default


def answer(current: Settings, asked: Asked) -> Asked:
    """Resolve the place and ask the live build's index."""
    index = live_index(current)
    if index is None:
        asked.problems.append("Search is not ready yet: the site has not been built.")
        return asked
    place = None
    if asked.near:
        asked.place = resolve(_connection("places", gazetteer_path(current.cache)), asked.near)
        place = asked.place.place
        if place is None:
            return asked
    asked.results = search(_connection("index", index), asked.query, place)
    return asked


def live_index(current: Settings) -> Path | None:
    """The search index of the build that is live now, if there is one."""
    # Read, never adopted or changed: the service only follows the live link.
    if not current.site.is_symlink():
        return None
    index = SiteBuilds(current.site).state(current.site.resolve()) / INDEX
    return index if index.exists() else None


# Each worker thread keeps its connections (to the live index, to the gazetteer) and the
# pages SQLite has cached, until another build goes live: a connection opened per request
# would read again, every time, the parts of the index every search reads.
_held = threading.local()


def _connection(role: str, path: Path) -> sqlite3.Connection:
    """This thread's read-only connection to ``path``, opened again when the file its
    ``role`` names changes."""
    connections: dict[str, tuple[Path, sqlite3.Connection]] = _held.__dict__.setdefault(
        "connections", {}
    )
    held = connections.get(role)
    if held is None or held[0] != path:
        if held is not None:
            held[1].close()
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        con.execute(f"pragma cache_size = -{CACHE_KB}")
        con.execute("pragma temp_store = memory")  # a search's own tables (query.py)
        connections[role] = held = (path, con)
    return held[1]


def template_values(asked: Asked) -> dict[str, object]:
    results = asked.results
    return {
        "asked": asked,
        "query": asked.query,
        "radii": RADII,
        "statuses": [(s, label(s)) for s in STATUSES],
        "phases": PHASES,
        "sexes": SEXES,
        "types": TYPES,
        "label": label,
        "day": lambda iso: day_label(date.fromisoformat(iso)) if iso else "unknown",
        "previous": asked.link(page=asked.query.page - 1)
        if results and asked.query.page > 1
        else None,
        "next": asked.link(page=asked.query.page + 1)
        if results and asked.query.page < results.pages
        else None,
        "choices": [(c.label, asked.link(near=c.label, page=1)) for c in asked.place.choices]
        if asked.place
        else [],
    }
