"""Turn a raw record into a study ready to land, or a reason to quarantine it.

Each record is parsed once here: the parse gives its NCT id, its canonical content
hash, the date it was observed and its schema findings; the verbatim text is what
lands.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from orchestration.lib.common.safe_names import is_nct_id
from orchestration.lib.ingest.dump_reader import NOT_PARSED, RawRecord
from orchestration.lib.ingest.limits import LoadLimits
from orchestration.lib.ingest.study_schema import Issue, SchemaViolation, validate_study

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class Study:
    nct_id: str
    content_hash: str
    observed_on: date
    source: str
    position: str
    text: str
    issues: list[Issue]


@dataclass(frozen=True, slots=True)
class Rejected:
    source: str
    position: str
    reason: str
    text: str
    raw_hash: str


def classify(
    raw: RawRecord, as_of: date | None, load_date: date, max_bytes: int = LoadLimits.record_bytes
) -> Study | Rejected:
    """Validate one record; ``as_of`` (a date given for the whole dump) wins over its own
    stamp. A record over ``max_bytes`` is quarantined with its first kilobyte."""
    if raw.problem:
        return _reject(raw, raw.problem)
    if len(raw.text) > max_bytes:
        # Quarantined with its first kilobyte: a record over the limit is not kept whole.
        reason = f"record of {len(raw.text):,} bytes is over the limit of {max_bytes:,}"
        return _reject(RawRecord(raw.source, raw.position, raw.text[:1024]), reason)
    try:
        record = orjson.loads(raw.text) if raw.parsed is NOT_PARSED else raw.parsed
    except orjson.JSONDecodeError as exc:
        return _reject(raw, f"malformed JSON: {exc}")
    if not isinstance(record, dict):
        return _reject(raw, f"record is not a JSON object but {type(record).__name__}")
    nct_id = _get(record, "protocolSection", "identificationModule", "nctId")
    if nct_id is None:
        return _reject(raw, "no protocolSection.identificationModule.nctId")
    if not is_nct_id(nct_id):
        return _reject(raw, f"invalid nctId {nct_id!r}: expected NCT and 8 digits")
    try:
        issues = validate_study(record)
        digest = content_hash(record)
    except SchemaViolation as exc:
        return _reject(raw, f"wrong type at {exc}")
    except (RecursionError, orjson.JSONEncodeError) as exc:
        return _reject(raw, f"nested too deeply to land: {exc}")
    return Study(
        nct_id=nct_id,
        content_hash=digest,
        observed_on=as_of or _stamp(record) or _date_in_name(raw.source) or load_date,
        source=raw.source,
        position=raw.position,
        text=raw.text.decode("utf-8"),
        issues=issues,
    )


def content_hash(record: dict[str, Any]) -> str:
    """A hash of what the trial says, blind to key order, white space and the daily stamp."""
    misc = _get(record, "derivedSection", "miscInfoModule")
    if isinstance(misc, dict) and "versionHolder" in misc:
        misc = {k: v for k, v in misc.items() if k != "versionHolder"}
        derived = {**record["derivedSection"], "miscInfoModule": misc}
        record = {**record, "derivedSection": derived}
    canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


def _stamp(record: dict[str, Any]) -> date | None:
    """The registry's data date for this copy (``versionHolder``), if it is a date."""
    stamp = _get(record, "derivedSection", "miscInfoModule", "versionHolder")
    return _parse_date(stamp) if isinstance(stamp, str) else None


def _date_in_name(source: str) -> date | None:
    match = _DATE_IN_NAME.search(source)
    return _parse_date(match.group(1)) if match else None


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _get(record: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def _reject(raw: RawRecord, reason: str) -> Rejected:
    return Rejected(
        source=raw.source,
        position=raw.position,
        reason=reason,
        text=raw.text.decode("utf-8", errors="replace"),
        raw_hash=hashlib.blake2b(raw.text, digest_size=16).hexdigest(),
    )
