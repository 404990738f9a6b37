"""How a reader sees a coded value ("ACTIVE_NOT_RECRUITING": "Active, not recruiting")
and a day ("Jun 24, 2026").

The labels live in one place, the dbt seed ``enum_labels``: the warehouse's change
sentences read it through the macro ``enum_label``, and the site, the digests and the
report through :func:`label`. A value without a label is shown as the registry sent it.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache

from orchestration.lib.common.settings import DBT_PROJECT_DIR

LABELS_SEED = DBT_PROJECT_DIR / "seeds" / "enum_labels.csv"


@cache
def labels() -> dict[str, str]:
    with LABELS_SEED.open(encoding="utf-8", newline="") as handle:
        return {row["enum_value"]: row["label"] for row in csv.DictReader(handle)}


def label(code: str | None) -> str | None:
    return None if code is None else labels().get(code, code)


def day_label(day: date) -> str:
    """A day as pages and reports write it: "Jun 24, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"
