"""Reading a study record the way the tests need it."""

from __future__ import annotations

from datetime import date
from typing import Any


def nct(study: dict[str, Any]) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def registry_date(study: dict[str, Any]) -> date:
    """The study's last update posted: the registry's date of its version."""
    posted = study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    return date.fromisoformat(posted)


def posted_on(study: dict[str, Any], day: date) -> dict[str, Any]:
    """The study as the registry dates a version posted on ``day`` (every update gets
    a new last update posted date; the warehouse knows a version by it). In place."""
    status = study["protocolSection"]["statusModule"]
    status["lastUpdateSubmitDate"] = day.isoformat()
    status["lastUpdatePostDateStruct"] = {"date": day.isoformat(), "type": "ACTUAL"}
    return study


# What the writer reads of a trial, shaped like the seed trial NCT06529731.
SEED_LIKE = {
    "nct_id": "NCT06529731",
    "study_type": "INTERVENTIONAL",
    "phase": "Phase 2",
    "conditions_as_listed": [
        "Acute Myeloid Leukemia",
        "Myelodysplastic Syndrome",
        "Myelodysplastic Syndromes",
    ],
    "interventions": [
        {
            "type": "BIOLOGICAL",
            "name": "Interferon Gamma-1b",
            "description": "Given subcutaneously",
        },
        {
            "type": "PROCEDURE",
            "name": "Biospecimen Collection",
            "description": "Undergo collection",
        },
    ],
    "enrollment_count": 45,
    "enrollment_type": "ESTIMATED",
    "minimum_age_years": 18.0,
    "maximum_age_years": None,
    "intervention_model": "SINGLE_GROUP",
    "allocation": "NA",
    "masking": "NONE",
    "primary_outcome": "Relapse-free survival",
}
