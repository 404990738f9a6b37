"""The words a sign-up form shows, by version: the store keeps the version's wording
with each request, so what a person agreed to stays known when the words change.
A form names its version; the service refuses one it does not know."""

from __future__ import annotations

CURRENT = "2026-11-27"
WORDINGS = {
    "2026-11-27": (
        "By submitting, you agree to our terms of use and privacy notice: we will email"
        " you when this changes, and about nothing else, until you unsubscribe (every"
        " email has a link). We first send one email to confirm that the address is yours."
    ),
}
TERMS_PATH = "/terms"
