"""API v2's spelling of a choice the registry once wrote in words.

The legacy XML and the record-history endpoints write choices as a reader would
("Active, not recruiting", "Recruiting"); API v2 spells them as values
(``ACTIVE_NOT_RECRUITING``, ``RECRUITING``). One function turns either into API v2's.
"""

from __future__ import annotations

import re

# Words whose API v2 value is not the words in capitals.
_VALUES = {
    "unknown status": "UNKNOWN",
    "anticipated": "ESTIMATED",
    "estimate": "ESTIMATED",
    "u.s. fed": "FED",
    "n/a": "NA",
}
_ASSIGNMENT = re.compile(r"\s+assignment$", re.IGNORECASE)


def api_value(words: str | None) -> str | None:
    """API v2's spelling of a choice given in words or as a value: "Active, not
    recruiting" and ``ACTIVE_NOT_RECRUITING`` are ``ACTIVE_NOT_RECRUITING``,
    "Non-Randomized" is ``NON_RANDOMIZED``; None for no words."""
    if words is None or not words.strip():
        return None
    words = _ASSIGNMENT.sub("", words.strip())
    if words.lower() in _VALUES:
        return _VALUES[words.lower()]
    return re.sub(r"[^A-Z0-9]+", "_", words.upper()).strip("_")
