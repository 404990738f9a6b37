"""Search over the sample's index, checked against a reading of the raw records: the
trials with a counted site within the radius of a place, nearest first, each distance
the haversine distance from the registry's own geoPoint; other radii, statuses and ages
change the results as the records say they should. The incremental index equals one
made whole from the same site state."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from orchestration.lib.common.settings import Settings
from orchestration.lib.search.build import build_index
from orchestration.lib.search.places import Place
from orchestration.lib.search.query import Query, search
from orchestration.lib.site.builds import SiteBuilds
from orchestration.lib.site.site_state import SiteState
from orchestration.web.search import live_index
from tests.support.search import Record, expected, seattle
from tests.support.sites import feed_documents


@pytest.fixture(scope="module")
def index(sample_warehouse: Settings) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(live_index(sample_warehouse))) as con:
        yield con


@pytest.fixture(scope="module")
def documents(sample_warehouse: Settings) -> dict[str, dict]:
    return {d["nct_id"]: d for d in feed_documents(sample_warehouse.site, "trials")}


def everything(
    con: sqlite3.Connection, query: Query, place: Place | None
) -> list[tuple[str, float | None]]:
    """Every hit of a search, page after page."""
    hits, page = [], 1
    while True:
        results = search(con, Query(**{**query.__dict__, "page": page}), place)
        hits += [(h.nct_id, h.distance_km) for h in results.hits]
        if page >= results.pages:
            assert len(hits) == results.total
            return hits
        page += 1


def _same(found: list[tuple[str, float | None]], wanted: list[tuple[str, float | None]]) -> None:
    assert [n for n, _ in found] == [n for n, _ in wanted]
    for (_, km), (_, want) in zip(found, wanted, strict=True):
        assert km == (None if want is None else pytest.approx(want, abs=1e-6))


def test_a_condition_near_a_city_finds_the_recruiting_trials_nearest_first(
    index: sqlite3.Connection, sample_records: list[Record], documents: dict[str, dict]
) -> None:
    near = seattle()
    wanted = expected(sample_records, documents, near, 100, word="leukemia")
    assert len(wanted) >= 3
    _same(everything(index, Query(words="leukemia", radius_km=100), near), wanted)


def test_radius_status_and_age_change_the_results_as_the_records_say(
    index: sqlite3.Connection, sample_records: list[Record], documents: dict[str, dict]
) -> None:
    near = seattle()
    runs = [
        ({"radius_km": 10}, {"radius": 10}),
        ({"radius_km": 500}, {"radius": 500}),
        (
            {"radius_km": 500, "statuses": ("COMPLETED",)},
            {"radius": 500, "statuses": ("COMPLETED",)},
        ),
        ({"radius_km": 500, "age": 10}, {"radius": 500, "age": 10}),
    ]
    seen = []
    for asked, reading in runs:
        wanted = expected(sample_records, documents, near, **reading)
        _same(everything(index, Query(**asked), near), wanted)
        seen.append([n for n, _ in wanted])
    # Each change of the query changes what is found.
    assert len({tuple(s) for s in seen}) == len(seen) and all(seen[1:])


EVERY_STATUS = ("RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED")
# Searches without a place: words in each relevance tier, and every filter.
WITHOUT_A_PLACE = [
    {"word": "cancer", "statuses": EVERY_STATUS},
    {"word": "surgery", "statuses": ("COMPLETED",)},
    {"word": "vaccine", "statuses": EVERY_STATUS, "age": 30},
    {"sex": "FEMALE", "phases": ("2", "3")},
    {"sex": "MALE", "statuses": EVERY_STATUS, "phases": ("early1", "1")},
    {"healthy": True, "statuses": ("COMPLETED", "RECRUITING")},
    {"study_type": "OBSERVATIONAL", "age": 70},
    {"phases": ("na",), "statuses": ("COMPLETED",), "study_type": "INTERVENTIONAL"},
]


@pytest.mark.parametrize("reading", WITHOUT_A_PLACE, ids=lambda r: ",".join(r))
def test_words_and_filters_find_what_the_records_say(
    index: sqlite3.Connection,
    sample_records: list[Record],
    documents: dict[str, dict],
    reading: dict,
) -> None:
    wanted = expected(sample_records, documents, None, **reading)
    assert wanted, "the sample has trials for each of these searches"
    asked = {k: v for k, v in reading.items() if k not in ("word", "healthy")}
    query = Query(words=reading.get("word", ""), healthy_volunteers=reading.get("healthy", False))
    found = everything(index, Query(**{**query.__dict__, **asked}), None)
    _same(found, wanted)


def test_the_incremental_index_equals_one_made_whole(
    dated_history: tuple[dict, Settings], tmp_path: Path
) -> None:
    current = dated_history[1]
    builds = SiteBuilds(current.site)
    live = builds.current()
    state = SiteState(builds.state(live))
    assert (state.folder / "search.sqlite").exists()
    whole = SiteState(tmp_path)
    (tmp_path / "trials.parquet").symlink_to(state.trials)
    made = build_index(whole, None, None)
    assert made.full and made.trials == len(state.ids())
    # A trial's id is its order (newest change, NCT id): the same in both. Sites' and
    # points' ids may differ; what each row holds must not.
    tables = {
        "trials": "select t.id, nct_id, title, path, status, phase, first_seen, last_updated,"
        " f.minimum_age, f.maximum_age, f.facets from trials as t join filters as f using (id)",
        "filters without a trial": "select count(*) from filters"
        " where id not in (select id from trials)",
        "words": "select t.nct_id, w.title, w.conditions, w.interventions, w.facets"
        " from words as w join trials as t on t.id = w.rowid",
        "sites": "select t.nct_id, p.latitude, p.longitude, s.status, s.city, s.state,"
        " s.country from sites as s join trials as t on t.id = s.trial"
        " left join points as p on p.id = s.point",
        "points": "select t.nct_id, p.min_lat, p.max_lat, p.min_lon, p.max_lon, p.latitude,"
        " p.longitude from points as p join sites as s on s.point = p.id"
        " join trials as t on t.id = s.trial",
        "areas": "select a.country, a.state, a.status, a.trial_status, t.nct_id"
        " from areas as a join trials as t on t.id = a.trial",
        "every point has a site": "select count(*) from points"
        " where id not in (select point from sites where point is not null)",
    }
    one = sqlite3.connect(state.folder / "search.sqlite")
    other = sqlite3.connect(whole.folder / "search.sqlite")
    with closing(one), closing(other):
        for name, sql in tables.items():
            assert sorted(map(repr, one.execute(sql))) == sorted(map(repr, other.execute(sql))), (
                name
            )
