"""The registry's record history, read defensively: its endpoints are undocumented.

``GET /api/int/studies/{nctId}?history=true`` lists a trial's versions (number, date
posted, overall status then, modules changed) beside its current record;
``GET /api/int/studies/{nctId}/history/{version}`` gives one version in API v2's shape
(lib/ingest/registry_client.py fetches both). Every answer is checked here before
anything is kept: an answer that does not fit is that trial's problem (``Misfit``, with
the reason, for the quarantine), and many of them mean the registry changed its format:
``ShapeWatch`` stops a backfill when more than 5% of the last 200 answers did not fit.
A status may come in either spelling ("RECRUITING" or "Recruiting").
"""

from __future__ import annotations

from collections import deque
from datetime import date
from itertools import pairwise
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orchestration.lib.ingest.spellings import api_value


class Misfit(ValueError):
    """An answer that is not what the history endpoints give."""


class RegistryFormatChanged(RuntimeError):
    """Too many answers in a row did not fit: the registry's format has changed."""


class HistoryEntry(BaseModel):
    """One version in the history index."""

    model_config = ConfigDict(populate_by_name=True)

    version: int = Field(ge=0)
    posted: date = Field(alias="date")
    status: str | None = None
    module_labels: list[str] = Field(default_factory=list, alias="moduleLabels")

    @field_validator("status", mode="before")
    @classmethod
    def _either_spelling(cls, status: Any) -> Any:
        return api_value(status) if isinstance(status, str) else status


class HistoryIndex(BaseModel):
    nct_id: str
    study: dict[str, Any]
    versions: list[HistoryEntry]


def parse_index(nct_id: str, body: bytes) -> HistoryIndex:
    """A trial's history index, checked: its versions numbered 0, 1, ... in order of
    their dates, its current record the trial's."""
    answer = _json(body)
    try:
        changes = answer["history"]["changes"]
        study = answer["study"]
        versions = [HistoryEntry.model_validate(change) for change in changes]
    except (KeyError, TypeError) as exc:
        raise Misfit(f"history index without {exc}") from exc
    except ValidationError as exc:
        raise Misfit(f"history index entry: {exc.errors()[0]['msg']}") from exc
    if not versions:
        raise Misfit("history index lists no version")
    if [v.version for v in versions] != list(range(len(versions))):
        raise Misfit("history index versions are not numbered 0, 1, 2...")
    if any(later.posted < earlier.posted for earlier, later in pairwise(versions)):
        raise Misfit("history index dates go backwards")
    _check_study(nct_id, study)
    return HistoryIndex(nct_id=nct_id, study=study, versions=versions)


def parse_version(nct_id: str, body: bytes) -> dict[str, Any]:
    """One version's record, checked to be the trial's."""
    answer = _json(body)
    study = answer.get("study")
    _check_study(nct_id, study)
    return study


def _json(body: bytes) -> dict[str, Any]:
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Misfit(f"not JSON: {exc}") from exc
    if not isinstance(answer, dict):
        raise Misfit(f"a JSON {type(answer).__name__}, not an object")
    return answer


def _check_study(nct_id: str, study: Any) -> None:
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise Misfit("no study record (protocolSection) in the answer")
    found = study["protocolSection"].get("identificationModule", {}).get("nctId")
    if found != nct_id:
        raise Misfit(f"the answer is about {found!r}, not {nct_id}")


class ShapeWatch:
    """Counts the answers that did not fit among the last ``window``; more than
    ``share`` of a full window of them stops the backfill."""

    def __init__(self, window: int = 200, share: float = 0.05) -> None:
        self.window, self.share = window, share
        self._recent: deque[bool] = deque(maxlen=window)

    def saw(self, fits: bool) -> None:
        self._recent.append(fits)
        misfits = self._recent.count(False)
        if misfits > self.share * self.window:
            raise RegistryFormatChanged(
                f"{misfits} of the last {len(self._recent)} history answers did not fit the"
                " shape the registry's record history had: its format has changed; the"
                " backfill stopped (what landed is kept, and a rerun resumes)"
            )
