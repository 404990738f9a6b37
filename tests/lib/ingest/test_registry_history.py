"""Reading the registry's record history defensively (lib/ingest/registry_history.py),
from the emulator's answers and from answers broken on purpose."""

from __future__ import annotations

from datetime import date

import orjson
import pytest

from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.lib.ingest.registry_history import (
    Misfit,
    RegistryFormatChanged,
    ShapeWatch,
    parse_index,
    parse_version,
)
from orchestration.testing.change_patterns import last_posted, real_histories
from orchestration.testing.registry_emulator import RegistryEmulator

pytestmark = pytest.mark.slow  # an emulator on loopback


def test_the_client_reads_a_history_through_faults(sample_records: list[dict]) -> None:
    histories = real_histories(sample_records[:20])
    nct_id = max(histories, key=lambda n: len(histories[n]))
    with RegistryEmulator(sample_records[:20], retry_after=0) as emulator:
        emulator.set_histories(histories)
        emulator.queue_faults("429", "html", "500")
        with RegistryClient(emulator.base_url, rate_per_second=0, backoff_initial=0) as client:
            index = parse_index(nct_id, client.history_index(nct_id))
            versions = [
                parse_version(nct_id, client.history_version(nct_id, v.version))
                for v in index.versions
            ]
            assert client.stats.retries == 3
    assert versions == histories[nct_id]
    assert index.study == histories[nct_id][-1]
    assert [v.posted for v in index.versions] == [last_posted(v) for v in versions]
    assert [v.status for v in index.versions] == [
        v["protocolSection"]["statusModule"].get("overallStatus") for v in versions
    ]


STUDY = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}


def _index(*changes: dict, study: dict | None = None) -> bytes:
    return orjson.dumps({"study": study or STUDY, "history": {"changes": list(changes)}})


def test_a_status_may_come_in_either_spelling() -> None:
    index = parse_index(
        "NCT00000001",
        _index(
            {"version": 0, "date": "2019-03-01", "status": "Not yet recruiting"},
            {
                "version": 1,
                "date": "2019-06-30",
                "status": "RECRUITING",
                "moduleLabels": ["Study Status"],
            },
        ),
    )
    assert [(v.version, v.posted, v.status) for v in index.versions] == [
        (0, date(2019, 3, 1), "NOT_YET_RECRUITING"),
        (1, date(2019, 6, 30), "RECRUITING"),
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>maintenance</html>", "not JSON"),
        (b"[]", "not an object"),
        (orjson.dumps({"study": STUDY}), "without 'history'"),
        (_index(), "no version"),
        (_index({"version": 0, "date": "March 2019"}), "history index entry"),
        (_index({"version": -1, "date": "2019-03-01"}), "history index entry"),
        (_index({"version": 1, "date": "2019-03-01"}), "numbered 0, 1, 2"),
        (
            _index({"version": 0, "date": "2019-03-01"}, {"version": 1, "date": "2018-01-01"}),
            "dates go backwards",
        ),
        (_index({"version": 0, "date": "2019-03-01"}, study={"x": 1}), "no study record"),
        (
            _index(
                {"version": 0, "date": "2019-03-01"},
                study={"protocolSection": {"identificationModule": {"nctId": "NCT00000002"}}},
            ),
            "about 'NCT00000002'",
        ),
    ],
)
def test_an_answer_that_does_not_fit_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(Misfit, match=reason):
        parse_index("NCT00000001", body)


def test_a_version_must_be_the_trials() -> None:
    assert parse_version("NCT00000001", orjson.dumps({"study": STUDY})) == STUDY
    with pytest.raises(Misfit, match="not NCT00000009"):
        parse_version("NCT00000009", orjson.dumps({"study": STUDY}))


def test_the_watch_stops_past_five_percent_of_the_last_two_hundred() -> None:
    watch = ShapeWatch()
    for number in range(200):
        watch.saw(fits=number % 20 != 0)  # 10 misfits in 200: 5%, not more
    for _ in range(200):
        watch.saw(fits=True)  # the old misfits leave the window
    for _ in range(10):
        watch.saw(fits=False)
    with pytest.raises(RegistryFormatChanged, match="11 of the last 200"):
        watch.saw(fits=False)
