"""The emulator's record-history endpoints (the registry's /api/int/studies...), serving
histories replayed from real trials (orchestration/testing/change_patterns.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orchestration.lib.ingest.study_schema import validate_study
from orchestration.testing.change_patterns import read_histories, real_histories
from orchestration.testing.registry_emulator import MODULE_LABELS, RegistryEmulator

# An emulator on loopback: not in `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(sample_records: list[dict]) -> Iterator[tuple[RegistryEmulator, dict]]:
    histories = real_histories(sample_records[:150])
    with RegistryEmulator(sample_records[:150], retry_after=0) as emulator:
        emulator.set_histories(histories)
        yield emulator, histories


def _get(emulator: RegistryEmulator, path: str) -> httpx.Response:
    root = emulator.base_url.removesuffix("/api/v2")
    return httpx.get(f"{root}{path}", timeout=10)


def test_the_index_lists_every_version_with_its_date_status_and_changed_modules(
    served: tuple[RegistryEmulator, dict],
) -> None:
    emulator, histories = served
    real = read_histories()
    for nct_id, real_id in zip(sorted(histories), sorted(real), strict=False):
        answer = _get(emulator, f"/api/int/studies/{nct_id}?history=true")
        assert answer.status_code == 200
        changes = answer.json()["history"]["changes"]
        versions = real[real_id]
        assert [c["version"] for c in changes] == list(range(len(versions)))
        assert [c["date"] for c in changes] == [v.version_date.isoformat() for v in versions]
        assert [c["status"] for c in changes] == [v.overall_status for v in versions]
        assert answer.json()["study"] == histories[nct_id][-1]
        # The first version lists every module it has; a later one only those that moved.
        assert "Study Status" in changes[0]["moduleLabels"]
        for before, after, change in zip(versions, versions[1:], changes[1:], strict=False):
            if before.overall_status != after.overall_status:
                assert "Study Status" in change["moduleLabels"]
            assert set(change["moduleLabels"]) <= set(MODULE_LABELS.values())
            assert "Study Identification" not in change["moduleLabels"]


def test_each_version_is_served_whole_and_the_current_record_is_the_last(
    served: tuple[RegistryEmulator, dict],
) -> None:
    emulator, histories = served
    nct_id = max(histories, key=lambda n: len(histories[n]))
    for number, version in enumerate(histories[nct_id]):
        answer = _get(emulator, f"/api/int/studies/{nct_id}/history/{number}")
        assert answer.status_code == 200 and answer.json() == {"study": version}
        assert validate_study(version) == []
    current = _get(emulator, f"/api/v2/studies/{nct_id}").json()
    assert current == histories[nct_id][-1]
    beyond = _get(emulator, f"/api/int/studies/{nct_id}/history/{len(histories[nct_id])}")
    assert beyond.status_code == 404


def test_a_study_without_a_history_has_one_version_and_an_unknown_one_none(
    served: tuple[RegistryEmulator, dict], sample_records: list[dict]
) -> None:
    emulator, histories = served
    (plain,) = [
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in sample_records[:150]
        if s["protocolSection"]["identificationModule"]["nctId"] not in histories
    ][:1]
    changes = _get(emulator, f"/api/int/studies/{plain}?history=true").json()["history"]["changes"]
    assert [c["version"] for c in changes] == [0]
    assert _get(emulator, "/api/int/studies/NCT99999999?history=true").status_code == 404
    assert _get(emulator, f"/api/int/studies/{plain}").status_code == 400  # no history=true


def test_faults_reach_the_history_endpoints_too(served: tuple[RegistryEmulator, dict]) -> None:
    emulator, histories = served
    nct_id = min(histories)
    emulator.queue_faults("429", "500")
    first = _get(emulator, f"/api/int/studies/{nct_id}?history=true")
    assert first.status_code == 429 and first.headers["Retry-After"] == "0"
    assert _get(emulator, f"/api/int/studies/{nct_id}/history/0").status_code == 500
    assert _get(emulator, f"/api/int/studies/{nct_id}/history/0").status_code == 200
