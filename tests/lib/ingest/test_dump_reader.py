"""Every dump form the registry publishes yields the same records as the sample."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import orjson
import pytest

from orchestration.lib.common.settings import SAMPLE_DUMP
from orchestration.lib.ingest.dump_reader import NOT_PARSED, DumpError, RawRecord, read_dump


def _ids(records: list[RawRecord]) -> list[str]:
    ids = []
    for record in records:
        study = orjson.loads(record.text) if record.parsed is NOT_PARSED else record.parsed
        ids.append(study["protocolSection"]["identificationModule"]["nctId"])
    return sorted(ids)


@pytest.fixture(scope="module")
def expected_ids(sample_records: list[dict]) -> list[str]:
    return sorted(s["protocolSection"]["identificationModule"]["nctId"] for s in sample_records)


def test_json_lines_gzip(expected_ids: list[str]) -> None:
    records = list(read_dump(SAMPLE_DUMP))
    assert _ids(records) == expected_ids
    assert records[0].position == "line 1"
    assert records[0].source == "studies.jsonl.gz"


def test_bulk_download_zip_with_folders(
    tmp_path: Path, sample_records: list[dict], expected_ids: list[str]
) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for index, study in enumerate(sample_records):
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"part{index % 3}/{nct_id}.json", json.dumps(study, indent=2))
    records = list(read_dump(archive))
    assert _ids(records) == expected_ids
    assert all(r.source.startswith("ctg-studies.json.zip!part") for r in records)


def test_api_pages_array_and_single_files_in_a_folder(
    tmp_path: Path, sample_records: list[dict], expected_ids: list[str]
) -> None:
    dump = tmp_path / "dump"
    (dump / "pages").mkdir(parents=True)
    first, second, third = sample_records[:400], sample_records[400:800], sample_records[800:]
    (dump / "pages" / "page-1.json").write_text(
        json.dumps({"studies": first, "nextPageToken": "abc"})
    )
    with gzip.open(dump / "pages" / "page-2.json.gz", "wt") as handle:
        json.dump({"studies": second}, handle)
    (dump / "search.json").write_text(json.dumps(third[:50]))
    for study in third[50:]:
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        (dump / f"{nct_id}.json").write_text(json.dumps(study))
    (dump / "README.txt").write_text("not a dump file")
    records = list(read_dump(dump))
    assert _ids(records) == expected_ids
    positions = {r.position for r in records if r.source == "pages/page-1.json"}
    assert "studies[0]" in positions and "studies[399]" in positions


def test_json_lines_saved_under_a_json_name(tmp_path: Path, sample_records: list[dict]) -> None:
    path = tmp_path / "export.json"
    path.write_text("\n".join(json.dumps(s) for s in sample_records[:5]) + "\n")
    assert len(list(read_dump(path))) == 5


def test_broken_line_is_a_record_not_a_failure(tmp_path: Path, sample_records: list[dict]) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(sample_records[0]) + "\n{broken\n" + json.dumps(sample_records[1]))
    records = list(read_dump(path))
    assert [r.position for r in records] == ["line 1", "line 2", "line 3"]
    assert records[1].text == b"{broken"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"<html>not json</html>", "not JSON"),
        (b'[{"a": 1}, {"b": ', "cannot read JSON array"),
    ],
)
def test_unreadable_files_fail_clearly(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "dump.json"
    path.write_bytes(content)
    with pytest.raises(DumpError, match=message):
        list(read_dump(path))


def test_truncated_zip_fails_clearly(tmp_path: Path, sample_records: list[dict]) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for study in sample_records[:20]:
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"{nct_id}.json", json.dumps(study))
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DumpError, match="cannot read zip"):
        list(read_dump(archive))


def test_truncated_gzip_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "studies.jsonl.gz"
    path.write_bytes(SAMPLE_DUMP.read_bytes()[:100_000])
    with pytest.raises(DumpError, match="truncated or corrupt"):
        list(read_dump(path))


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="not found"):
        list(read_dump(tmp_path / "nope.zip"))
