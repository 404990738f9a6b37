"""The history backfill (lib/ingest/backfill.py) against the emulator's record history:
what it lands is checked against the histories the emulator serves, read here again."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.ingest.backfill import BackfillResult, _Journal, backfill
from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.lib.ingest.registry_history import RegistryFormatChanged, ShapeWatch
from orchestration.testing.change_patterns import last_posted, real_histories, study_id, write_jsonl
from orchestration.testing.registry_emulator import RegistryEmulator

pytestmark = pytest.mark.slow  # an emulator on loopback

TRIALS = 12


class Killed(Exception):
    """What a kill does to a backfill: it stops wherever it is."""


def _posted(record: dict) -> str:
    return last_posted(record).isoformat()


@pytest.fixture
def registry(sample_records: list[dict], tmp_path: Path):
    """The emulator serving TRIALS trials with real histories, and a landing holding each
    trial's current record, one more trial the registry no longer has, and another
    trial whose record lists that one's id among its aliases (it was merged)."""
    studies = sorted(sample_records, key=study_id)
    histories = real_histories(studies[:TRIALS])
    gone, merger = studies[TRIALS], copy.deepcopy(studies[TRIALS + 1])
    ident = merger["protocolSection"]["identificationModule"]
    ident["nctIdAliases"] = [*ident.get("nctIdAliases", []), study_id(gone)]
    served = [versions[-1] for versions in histories.values()] + [merger]
    landing = tmp_path / "landing.duckdb"
    land_dump(landing, write_jsonl(tmp_path / "now.jsonl", [*served, gone]))
    with RegistryEmulator(served, data_timestamp="2026-07-01T09:00:00", retry_after=0) as emulator:
        emulator.set_histories(histories)
        yield emulator, histories, landing, study_id(gone), study_id(merger)


def _run(emulator: RegistryEmulator, landing: Path, **options) -> BackfillResult:
    with RegistryClient(emulator.base_url, rate_per_second=0, backoff_initial=0) as client:
        return backfill(landing, client, landing.parent / "journal", **options)


def _numbered(landing: Path) -> set[tuple[str, int, str]]:
    with duckdb.connect(str(landing), read_only=True) as con:
        rows = con.execute(
            "select nct_id, version, registry_date::varchar from history_versions"
        ).fetchall()
    assert len(rows) == len(set(rows)), "a version numbered twice"
    return set(rows)


def _landed_dates(landing: Path) -> dict[str, set[str]]:
    """Each trial's registry dates among its landed records, read from their JSON."""
    with duckdb.connect(str(landing), read_only=True) as con:
        rows = con.execute(
            "select nct_id,"
            " record ->> '$.protocolSection.statusModule.lastUpdatePostDateStruct.date'"
            " from raw_studies"
        ).fetchall()
    found: dict[str, set[str]] = {}
    for nct_id, posted in rows:
        found.setdefault(nct_id, set()).add(posted)
    return found


def _version_requests(emulator: RegistryEmulator) -> Counter:
    return Counter(path for path in emulator.requests if "/history/" in path)


def test_every_version_lands_once_and_bad_histories_are_set_aside(registry) -> None:
    emulator, histories, landing, gone, merger = registry
    # Faults on trials with versions to fetch (a trial of one version has none).
    several = [n for n in sorted(histories) if len(histories[n]) > 1]
    misfit, changed_once, changed_twice = several[:3]
    good = sorted(set(histories) - {misfit, changed_once, changed_twice})
    emulator.queue_history_faults(misfit, "misfit")
    emulator.queue_history_faults(changed_once, "changed")
    emulator.queue_history_faults(changed_twice, "changed", "changed")
    result = _run(emulator, landing)

    assert result.done and result.removed == 1
    kept = [changed_once, *good]
    expected = {
        (nct_id, number, _posted(version))
        for nct_id in kept
        for number, version in enumerate(histories[nct_id])
    }
    assert {row for row in _numbered(landing) if row[0] not in (changed_twice, merger)} == expected
    dates = _landed_dates(landing)
    for nct_id in kept:
        assert dates[nct_id] == {_posted(v) for v in histories[nct_id]}
    # The current versions were landed already: matched, not fetched (changed_twice's
    # and the merger's too).
    assert result.versions_matched == len(kept) + 2
    fetched = _version_requests(emulator)
    assert max(fetched.values()) <= 2
    assert sum(fetched.values()) == sum(len(histories[n]) - 1 for n in kept) + 1 + 2
    with duckdb.connect(str(landing), read_only=True) as con:
        quarantined = dict(
            con.execute(
                "select source_file, reason from quarantine where source_file like 'history/%'"
            ).fetchall()
        )
        removals = con.execute("select nct_id, merged_into from raw_removals").fetchall()
        status = con.execute("select status from load_batches order by started_at").fetchall()
    assert set(quarantined) == {f"history/{misfit}", f"history/{changed_twice}"}
    assert quarantined[f"history/{misfit}"].startswith("history index:")
    assert "changed again" in quarantined[f"history/{changed_twice}"]
    assert removals == [(gone, merger)]
    assert status == [("succeeded",), ("succeeded",)]


def test_a_killed_backfill_resumes_and_fetches_nothing_twice(registry) -> None:
    emulator, histories, landing, *_ = registry
    for stop in (5, 9):

        def kill_after(result: BackfillResult, phase: str, *_: int, stop: int = stop) -> None:
            if phase == "versions" and result.versions_fetched >= stop:
                raise Killed

        with pytest.raises(Killed):
            _run(emulator, landing, progress=kill_after)
    result = _run(emulator, landing)
    assert result.done and result.resumed
    fetched = _version_requests(emulator)
    assert set(fetched.values()) == {1}
    assert sum(fetched.values()) == sum(len(v) - 1 for v in histories.values())
    assert {row for row in _numbered(landing) if row[0] in histories} == {
        (nct_id, number, _posted(version))
        for nct_id, versions in histories.items()
        for number, version in enumerate(versions)
    }
    index_reads = [p for p in emulator.requests if p.endswith("?history=true")]
    assert len(index_reads) == len(set(index_reads)) == TRIALS + 2


def test_a_kill_between_landing_and_clearing_the_journal_lands_nothing_twice(
    registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, histories, landing, *_ = registry

    def killed(_: _Journal) -> None:
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(_Journal, "clear", killed)
        with pytest.raises(Killed):
            _run(emulator, landing)
    assert _run(emulator, landing).done
    # _numbered fails on a version numbered twice.
    assert len(_numbered(landing)) == sum(len(v) for v in histories.values()) + 1
    assert set(_version_requests(emulator).values()) == {1}


def test_a_slice_stops_when_its_time_is_up_and_the_next_goes_on(registry) -> None:
    emulator, histories, landing, *_ = registry
    first = _run(emulator, landing, minutes=0)
    assert (first.indexes_read, first.versions_fetched, first.done) == (0, 0, False)
    assert first.indexes_left == TRIALS + 2
    assert _run(emulator, landing).done
    assert len(_numbered(landing)) == sum(len(v) for v in histories.values()) + 1  # the merger


def test_the_trials_asked_for_come_first(registry) -> None:
    emulator, histories, landing, *_ = registry
    wanted = sorted(n for n in histories if len(histories[n]) > 1)[-2:]
    assert _run(emulator, landing, first=[*wanted, wanted[0]]).done
    indexes = [p.split("/")[4].split("?")[0] for p in emulator.requests if "?history=" in p]
    assert indexes[:2] == wanted and len(indexes) == TRIALS + 2
    versions = [p.split("/")[4] for p in emulator.requests if "/history/" in p]
    assert set(versions[: sum(len(histories[n]) - 1 for n in wanted)]) == set(wanted)
    with pytest.raises(ValueError, match="not NCT ids"):
        _run(emulator, landing, first=["NCT1; drop table"])


def test_many_answers_that_do_not_fit_stop_the_backfill(registry) -> None:
    emulator, histories, landing, *_ = registry
    for nct_id in sorted(histories)[:3]:
        emulator.queue_history_faults(nct_id, "misfit")
    with pytest.raises(RegistryFormatChanged, match="format has changed"):
        _run(emulator, landing, watch=ShapeWatch(window=20, share=0.05))
