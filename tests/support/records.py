"""Reading a study record the way the tests need it."""

from __future__ import annotations

from typing import Any


def nct(study: dict[str, Any]) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


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
