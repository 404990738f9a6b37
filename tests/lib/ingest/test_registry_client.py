"""The real client against the emulator on loopback: paging, every fault, downloads."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from orchestration.lib.ingest.registry_client import RegistryError
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.registry import registry_client

# A registry emulator on loopback, with its faults.
pytestmark = pytest.mark.slow


def _ids(pages) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for p in pages for s in p.studies]


def test_pages_over_the_whole_sample(emulator: RegistryEmulator, sample_records: list[dict]):
    pages = list(registry_client(emulator).pages())
    expected = sorted(s["protocolSection"]["identificationModule"]["nctId"] for s in sample_records)
    assert len(pages) == 10
    assert pages[0].total_count == 909
    assert _ids(pages) == expected
    assert pages[-1].next_token is None


@pytest.mark.parametrize("fault", ["429", "500", "drop", "truncate", "slow"])
def test_each_fault_is_survived_and_logged(
    emulator: RegistryEmulator, fault: str, caplog: pytest.LogCaptureFixture
):
    client = registry_client(emulator, timeout=0.5)
    expected = _ids(client.pages())
    emulator.queue_faults(fault, fault)  # the first page fails twice
    with caplog.at_level(logging.WARNING):
        assert _ids(client.pages()) == expected
    assert client.stats.retries == 2
    assert sum("retrying in" in r.getMessage() for r in caplog.records) == 2


def test_retry_after_is_honoured(emulator: RegistryEmulator, caplog: pytest.LogCaptureFixture):
    emulator.retry_after = 3
    emulator.queue_faults("429")
    with caplog.at_level(logging.WARNING):
        registry_client(emulator, backoff_initial=0.01).version()
    assert "retrying in 3.0s" in caplog.text


def test_the_rate_limit_spaces_requests(emulator: RegistryEmulator, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr("orchestration.lib.ingest.registry_client.time.sleep", pauses.append)
    client = registry_client(emulator, rate_per_second=2)
    for _ in range(3):
        client.version()
    assert len(pauses) == 2 and all(0.4 < p <= 0.5 for p in pauses)


def test_giving_up_is_a_clear_error(emulator: RegistryEmulator):
    emulator.queue_faults(*["500"] * 5)
    with pytest.raises(RegistryError, match="giving up after 2 retries: HTTP 500"):
        registry_client(emulator, max_attempts=3).version()


def test_a_missing_study_is_not_retried(emulator: RegistryEmulator):
    client = registry_client(emulator)
    with pytest.raises(RegistryError, match="HTTP 404"):
        client.study("NCT99999999")
    assert client.stats.retries == 0


def test_download_survives_a_cut_connection(emulator: RegistryEmulator, tmp_path: Path):
    emulator.queue_faults("truncate")
    client = registry_client(emulator)
    archive = client.download(tmp_path / "ctg-studies.json.zip", expected_count=909)
    assert client.stats.retries == 1
    assert archive.exists() and not archive.with_name(archive.name + ".part").exists()


def test_a_truncated_zip_is_rejected(emulator: RegistryEmulator, tmp_path: Path):
    emulator.corrupt_download = True
    target = tmp_path / "ctg-studies.json.zip"
    with pytest.raises(RegistryError, match="not a whole zip"):
        registry_client(emulator).download(target)
    assert not target.exists()


def test_a_short_download_is_rejected(emulator: RegistryEmulator, tmp_path: Path):
    with pytest.raises(RegistryError, match="holds 909 studies, the registry counts 2000"):
        registry_client(emulator).download(tmp_path / "ctg-studies.json.zip", expected_count=2000)


def test_an_html_answer_is_retried_like_a_transient_error(emulator: RegistryEmulator) -> None:
    emulator.queue_faults("html", "html")
    client = registry_client(emulator)
    assert client.version()["apiVersion"] == "2.0.5"
    assert client.stats.retries == 2
    assert all("expected JSON" in reason for reason in client.stats.retry_reasons)


def test_a_repeated_page_token_stops_the_pull(emulator: RegistryEmulator) -> None:
    emulator.repeat_token = True
    pages = registry_client(emulator).pages()
    with pytest.raises(RegistryError, match="again after page 2"):
        for _ in range(50):
            next(pages)
    assert len(emulator.requests) == 2  # page 1, then page 2 naming itself as the next


def test_pages_beyond_the_registry_count_stop_the_pull(
    emulator: RegistryEmulator, sample_records: list[dict]
) -> None:
    emulator.endless = True
    client = registry_client(emulator)
    fetched = 0
    with pytest.raises(RegistryError, match="allows 12"):
        for _ in client.pages():
            fetched += 1
            assert fetched <= 100, "paging did not stop"
    # 909 studies at 100 a page need 10 pages; two more are allowed for new studies.
    assert fetched == 12 and len(sample_records) == 909
