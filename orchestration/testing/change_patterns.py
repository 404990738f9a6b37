"""Real change patterns: replay the history of real trials onto real records.

``data/reference/cthist-versions-140-trials.csv`` holds every version the registry
published of 140 trials: their status, dates, enrollment, criteria and ages as they
changed. Applied to sample records, these give dumps in which trials change the way
real trials change (status runs, date slips, enrollment updates), for tests, demos
and benchmarks of the history.
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.lib.common.settings import CTHIST_VERSIONS
from orchestration.lib.ingest.spellings import api_value

_ESTIMATED_OR_ACTUAL = {"Anticipated": "ESTIMATED", "Actual": "ACTUAL"}


@dataclass(frozen=True)
class HistoricalVersion:
    """One published version of a real trial, in the API's terms."""

    nct_id: str
    version_number: int
    version_date: date
    overall_status: str | None
    start_date: str | None
    primary_completion_date: str | None
    primary_completion_date_type: str | None
    enrollment_count: int | None
    enrollment_type: str | None
    eligibility_criteria: str | None
    minimum_age: str | None
    maximum_age: str | None


def read_histories(path: Path = CTHIST_VERSIONS) -> dict[str, list[HistoricalVersion]]:
    """Every trial's versions, oldest first."""
    histories: dict[str, list[HistoricalVersion]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            version = _version(row)
            histories.setdefault(version.nct_id, []).append(version)
    for versions in histories.values():
        versions.sort(key=lambda v: v.version_number)
    return histories


def apply_version(record: dict[str, Any], version: HistoricalVersion) -> dict[str, Any]:
    """A copy of ``record`` saying what ``version`` says, posted on its date."""
    out = copy.deepcopy(record)
    protocol = out.setdefault("protocolSection", {})
    status = protocol.setdefault("statusModule", {})
    _put(status, "overallStatus", version.overall_status)
    _put_date(status, "startDateStruct", version.start_date, None)
    _put_date(
        status,
        "primaryCompletionDateStruct",
        version.primary_completion_date,
        version.primary_completion_date_type,
    )
    posted_on(out, version.version_date)
    design = protocol.setdefault("designModule", {})
    if version.enrollment_count is None:
        design.pop("enrollmentInfo", None)
    else:
        design["enrollmentInfo"] = {"count": version.enrollment_count}
        _put(design["enrollmentInfo"], "type", version.enrollment_type)
    eligibility = protocol.setdefault("eligibilityModule", {})
    _put(eligibility, "eligibilityCriteria", version.eligibility_criteria)
    _put(eligibility, "minimumAge", version.minimum_age)
    _put(eligibility, "maximumAge", version.maximum_age)
    return out


def stamp(record: dict[str, Any], day: date) -> dict[str, Any]:
    """Set the daily ``versionHolder`` stamp, as the registry does on every record."""
    out = copy.deepcopy(record)
    derived = out.setdefault("derivedSection", {})
    derived.setdefault("miscInfoModule", {})["versionHolder"] = day.isoformat()
    return out


def replay(
    record: dict[str, Any], history: Sequence[HistoricalVersion], days: Sequence[date]
) -> list[dict[str, Any]]:
    """``record`` as it reads on each of ``days`` if it changed as ``history`` did.

    The history's span is scaled onto the days, so changes keep their real order and
    rough spacing; versions that fall on one day leave only the last, as a daily
    snapshot of the registry would.
    """
    first, last = history[0].version_date, history[-1].version_date
    span = (last - first).days or 1
    shown_from = [round((v.version_date - first).days / span * (len(days) - 1)) for v in history]
    out = []
    for index, day in enumerate(days):
        current = max(i for i, start in enumerate(shown_from) if start <= index)
        out.append(stamp(apply_version(record, history[current]), day))
    return out


def registry_history(
    record: dict[str, Any], history: Sequence[HistoricalVersion]
) -> list[dict[str, Any]]:
    """``record`` at each of ``history``'s versions, oldest first, each posted on its own
    date and first posted on the first's: the record history the registry would keep of
    a trial that changed as the real one did (what its history endpoints serve)."""
    first = history[0].version_date.isoformat()
    versions = []
    for version in history:
        applied = apply_version(record, version)
        status = applied["protocolSection"]["statusModule"]
        status["studyFirstPostDateStruct"] = {"date": first, "type": "ACTUAL"}
        versions.append(applied)
    return versions


def study_id(study: dict[str, Any]) -> str:
    """The NCT id of an API v2 record."""
    return study["protocolSection"]["identificationModule"]["nctId"]


def last_posted(study: dict[str, Any]) -> date:
    """An API v2 record's last update posted: the registry's date of its version."""
    return date.fromisoformat(
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    )


def posted_on(study: dict[str, Any], day: date) -> dict[str, Any]:
    """``study`` (changed in place, and returned) as a version the registry posted on
    ``day``: every update gets a new last update posted date."""
    status = study["protocolSection"].setdefault("statusModule", {})
    status["lastUpdateSubmitDate"] = day.isoformat()
    status["lastUpdatePostDateStruct"] = {"date": day.isoformat(), "type": "ACTUAL"}
    return study


def real_histories(studies: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The first studies (by NCT id), one for each of the 140 real trials, each given
    that trial's history (``registry_history``)."""
    histories = read_histories()
    return {
        study_id(study): registry_history(study, histories[real])
        for study, real in zip(sorted(studies, key=study_id), sorted(histories), strict=False)
    }


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


def _version(row: dict[str, str]) -> HistoricalVersion:
    def value(name: str) -> str | None:
        text = (row.get(name) or "").strip()
        return None if text in ("", "NA") else text

    criteria = value("criteria")
    return HistoricalVersion(
        nct_id=row["nctid"],
        version_number=int(row["version_number"]),
        version_date=date.fromisoformat(row["version_date"]),
        overall_status=api_value(value("overall_status")),
        start_date=_partial_date(value("study_start_date"), value("study_start_date_precision")),
        primary_completion_date=_partial_date(
            value("primary_completion_date"), value("primary_completion_date_precision")
        ),
        primary_completion_date_type=_ESTIMATED_OR_ACTUAL.get(
            value("primary_completion_date_type") or ""
        ),
        enrollment_count=int(value("enrolment")) if value("enrolment") else None,
        enrollment_type=_ESTIMATED_OR_ACTUAL.get(value("enrolment_type") or ""),
        # The history site lists the criteria as paragraphs; the API gives one text.
        eligibility_criteria="\n\n".join(json.loads(criteria)) if criteria else None,
        minimum_age=f"{value('min_age')} Years" if value("min_age") else None,
        maximum_age=f"{value('max_age')} Years" if value("max_age") else None,
    )


def _partial_date(text: str | None, precision: str | None) -> str | None:
    """The history site writes a month as its first day; the API writes "2024-05"."""
    if text is None:
        return None
    return text[:7] if precision == "month" else text


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value


def _put_date(module: dict[str, Any], key: str, text: str | None, kind: str | None) -> None:
    if text is None:
        module.pop(key, None)
        return
    module[key] = {"date": text}
    _put(module[key], "type", kind)
