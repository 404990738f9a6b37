"""API v2's spelling of choices written in words (lib/ingest/spellings.py)."""

from __future__ import annotations

import pytest

from orchestration.lib.ingest.spellings import api_value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        # the record-history site's text has stray spaces: "Terminated " is no other status
        ("Terminated ", "TERMINATED"),
        ("Unknown status ", "UNKNOWN"),
        ("RECRUITING", "RECRUITING"),
        ("Recruiting", "RECRUITING"),
        ("Non-Randomized", "NON_RANDOMIZED"),
        ("Parallel Assignment", "PARALLEL"),
        ("Anticipated", "ESTIMATED"),
        ("N/A", "NA"),
        (" ", None),
        (None, None),
    ],
)
def test_words_become_api_values(words: str | None, value: str | None) -> None:
    assert api_value(words) == value
