"""A lake commit that stores a contact detail and a contact name which the registry's
text of other trials already holds: what the site and the exports must mask from then
on, in rows that did not change."""

from __future__ import annotations

import re
from typing import NamedTuple

from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import DIGIT_RUN, contact_details, digits, person_names

SUMMARIES = "select nct_id, brief_summary from main.trials where brief_summary is not null"


class Stored(NamedTuple):
    holder: str  # a trial whose summary holds ``number``
    number: str  # a run of digits no pattern takes for a phone number
    storer: str  # the trial whose contact now stores that number (written otherwise)
    named: str  # a trial whose summary holds ``name``
    name: str  # two words that name a person, now the named trial's contact


def _unmasked_number(summaries: list[tuple[str, str]]) -> tuple[str, str]:
    for nct_id, text in summaries:
        for match in DIGIT_RUN.finditer(text):
            if len(digits(match.group(0))) >= 8 and not contact_details(match.group(0)):
                return nct_id, match.group(0)
    raise AssertionError("the sample has no such run of digits")


def _a_name_in(summaries: list[tuple[str, str]], other_than: str) -> tuple[str, str]:
    for nct_id, text in summaries:
        for match in re.finditer(r"\b[A-Z][a-z]{3,} [A-Z][a-z]{3,}\b", text):
            if nct_id != other_than and person_names([match.group(0)], []):
                return nct_id, match.group(0)
    raise AssertionError("the sample has no such words")


def store_a_detail_and_a_name(lake: Lake) -> Stored:
    """Find such text in the sample's summaries, and store both in one commit."""
    with lake.connect() as con:
        summaries = con.execute(SUMMARIES + " order by nct_id").fetchall()
    holder, number = _unmasked_number(summaries)
    named, name = _a_name_in(summaries, other_than=holder)
    storer = next(n for n, _ in summaries if n not in (holder, named))
    stored = f"{digits(number)[:4]}-{digits(number)[4:]}"
    with lake.connect(read_only=False) as con:
        con.execute("begin")
        con.execute(
            "insert into main.contacts (contact_id, nct_id, ordinal, role, name, phone)"
            " values ('test-1', ?, 90, 'CONTACT', null, ?), ('test-2', ?, 91, 'CONTACT', ?, null)",
            [storer, stored, named, name],
        )
        con.execute("commit")
    return Stored(holder, number, storer, named, name)
