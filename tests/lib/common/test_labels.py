"""One source of labels: the seed enum_labels, read by the dbt macro and by Python alike."""

from __future__ import annotations

import pytest

from orchestration.lib.common.labels import label, labels
from orchestration.lib.common.settings import Settings
from orchestration.lib.ingest.study_schema import enums
from tests.support.pipeline import query

# The enums whose values pages, digests, reports and change sentences show to a reader.
SHOWN = ("Status", "RecruitmentStatus", "DateType", "EnrollmentType", "Sex")
SHOWN += ("InterventionType", "ContactRole")


def test_every_shown_value_of_the_spec_has_a_label() -> None:
    spec = enums()
    missing = {value for name in SHOWN for value in spec[name]} - set(labels())
    assert missing == set()
    assert label("ACTIVE_NOT_RECRUITING") == "Active, not recruiting"
    assert label("NOT_YET_SEEN") == "Not yet in the warehouse"
    assert label("A_VALUE_NOT_IN_THE_SPEC") == "A_VALUE_NOT_IN_THE_SPEC"
    assert label(None) is None


@pytest.mark.parametrize(
    "field", ["overall_status", "site_status", "sex", "enrollment_type", "start_date_type"]
)
def test_the_warehouse_labels_values_as_python_does(
    dated_history: tuple[dict, Settings], field: str
) -> None:
    _, current = dated_history
    shown = query(
        current,
        "select distinct value, value_label from intermediate.int_version_facts"
        " where field = ? and value is not null",
        [field],
    )
    assert shown, f"no {field} in the dated dumps"
    assert all(value_label == label(value) for value, value_label in shown)
