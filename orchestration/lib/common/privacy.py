"""The privacy boundary: contact details and contact persons' names never leave unmasked.

Everything trialwatch publishes (the site's pages, JSON feed, Atom feeds and search
index, the digests, the weekly report) passes through one :class:`Scrubber` on its
way out, and the leak check (``lib/common/leak_scan.py``) looks for what it masks with
the same :func:`contact_details`. What is masked, in any registry text:

- email addresses, by pattern;
- phone numbers, by pattern: North American numbers with separators, international
  numbers written with ``+``, local numbers of nine digits or more written in groups
  from a leading 0, vanity numbers (``1-877-CTLILLY``), each with an extension;
- every phone number stored in a contact, in any format (its digits are compared), and
  every stored email;
- the names of a trial's contact persons, in that trial's text. A contact-name field
  that holds an organisation or a role ("Boehringer Ingelheim", "Site Contact", "PI")
  is not a person's name: it is left where the record shows it otherwise.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import duckdb
import orjson

DETAILS_MASK = "[contact details removed]"
NAME_MASK = "[name removed]"

# Separators as people type them, and as word processors turn them (non-breaking hyphens).
_S = r"[\s.\u00a0\u2010-\u2015-]"
# Case is ignored in the extension's word alone: a whole pattern read without case is
# twice as slow to search a page of digits.
_EXT = r"(?:\s*,?\s*(?i:ext\.?|extension|x)\s*\d{1,6})?"
_END = r"(?![\w@])"
_START = r"(?<![\w+@.-])"
EMAIL = re.compile(r"(?<![\w.+-])[\w.+%'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}" + _END)
_ONE = r"(?:\+?1" + _S + r"?)?"  # a North American country code
_AREA = r"(?:\(\d{3}\)\s?|\d{3}" + _S + r")"  # (412) or 412-
PHONES = (
    # North American: (412) 555-0123, 412-555-0123, 1.412.555.0123: separators required.
    re.compile(_START + _ONE + _AREA + r"\d{3}" + _S + r"\d{4}" + _EXT + _END, re.IGNORECASE),
    # International, written with a +: +33 1 42 34 56 78, +49 (30) 1234567.
    re.compile(
        r"(?<![\w+])\+\d{1,3}" + _S + r"?(?:\(\d{1,4}\)" + _S + r"?)?"
        r"\d{1,5}(?:" + _S + r"?\d{1,5}){1,5}" + _EXT + _END,
        re.IGNORECASE,
    ),
    # Local, from a leading 0 in groups: 01 42 34 56 78, 020 7946 0958 (9 digits or more).
    re.compile(_START + r"0\d{1,4}(?:" + _S + r"\d{2,4}){2,5}" + _EXT + _END, re.IGNORECASE),
    # Vanity: 1-877-CTLILLY, 800-FLOWERS, (844) GO-TRIAL.
    re.compile(_START + _ONE + _AREA + r"(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{2,4}-?[A-Z0-9]{3,5}" + _END),
)
# Any run of digits a phone number could be written as, for the stored numbers.
DIGIT_RUN = re.compile(
    _START + r"\(?\+?\d(?:[\d()]|" + _S + r"){5,}\d" + _EXT + _END, re.IGNORECASE
)
MIN_PHONE_DIGITS = 7
# Words that make a contact-name field a role or an organisation, not a person.
NOT_A_PERSON = re.compile(
    r"\b(contacts?|call|office|department|dept|clinical|trials?|study|studies|center|centre|"
    r"hospital|university|institute|research|information|info|team|desk|line|inc|ltd|llc|"
    r"gmbh|ag|sa|pharma\w*|cares|investigator|director|chair|coordinator|site|sponsor|"
    r"recruitment|enrollment|enquiries|inquiries|medical|services|group|foundation|company|"
    r"corporation|corp|limited|and|the|of|pi)\b",
    re.IGNORECASE,
)
TITLES = re.compile(
    r"\b(dr|prof|professor|mr|mrs|ms|md|phd|mph|msc|rn|bsn|do|mba|frcp|frcpc|dphil|"
    r"pharmd|mbbs|ma|ba|bs|np|pa|jr|sr)\b\.?",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a trial's person names, as whole words, any case and spacing."""
    words = (r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def digits(text: str) -> str:
    """A phone number's digits, without a North American leading 1 or an extension."""
    number = re.split(r"(?i)\s*,?\s*(?:ext\.?|extension|x)\s*\d", text)[0]
    found = re.sub(r"\D", "", number)
    return found[1:] if len(found) == 11 and found.startswith("1") else found


# Where a phone number could be: a run of digits and separators with 7 digits or more
# (an opening "+" or "(" and an extension with it). The patterns above run only inside
# such runs, and the vanity one only where three capitals follow an area code: most
# text holds neither, and a search over a whole page at every position is the cost.
_CLUSTER = re.compile(r"(?<!\w)[+(]?\d(?:(?:[()]|" + _S + r"){0,3}\d){6,}" + _EXT)
# The same run from its first digit: a pattern that opens with a digit is searched for
# three times faster (the engine skips to the next digit).
_RUN = re.compile(r"\d(?:(?:[()]|" + _S + r"){0,3}\d){6,}" + _EXT)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # the pages' own dates: not a phone
_VANITY_HINT = re.compile(r"\d{3}" + _S + r"?\(?[A-Z0-9]{0,3}[A-Z]{2}")


def _clusters(text: str) -> Iterator[re.Match[str]]:
    """The matches of _CLUSTER in ``text``, found fast: each run of _RUN holds the ends
    of at most the clusters that start one character before it (an opening "+" or "("),
    or inside it (where the look-behind allows)."""
    for run in _RUN.finditer(text):
        yield from _CLUSTER.finditer(text, max(run.start() - 1, 0), run.end())


def _may_hold_detail(text: str) -> bool:
    """An @, a vanity number's hint, or a run of seven digits that is not a date."""
    if "@" in text or _VANITY_HINT.search(text):
        return True
    return any(not _DATE.fullmatch(c.group(0)) for c in _clusters(text))


@lru_cache(maxsize=65536)
def _last_word(name: str) -> str:
    return name.split()[-1].lower().rstrip(".,")


# Where a database can find, first, the text a scrubber could change: a looser form of
# _may_hold_detail in RE2 (DuckDB's syntax). RE2 has no look-behind, and its \d, \s and
# \w are ASCII: digits are any script's (\p{Nd}, as Python's \d), separators every
# character Python's _S and \s take, and a digit run may start after any character but
# an ASCII word one. Text it does not match holds no detail (tests/lib/common/test_privacy).
_SEPARATOR_RE2 = r"[()\p{Z}\x09-\x0d\x1c-\x1f\x85.\x{2010}-\x{2015}-]"
MAY_HOLD_DETAIL = (
    r"@|(?:^|[^0-9A-Za-z_])\p{Nd}(?:" + _SEPARATOR_RE2 + r"{0,3}\p{Nd}){6,}"
    r"|\p{Nd}{3}" + _SEPARATOR_RE2 + r"?\(?[A-Z0-9]{0,3}[A-Z]{2}"
)


def name_words(names: Iterable[str]) -> list[str]:
    """The words (lower case) without one of which a text shows none of ``names``:
    :meth:`Scrubber.text` looks for a name only where its word is."""
    return sorted({_last_word(name) for name in names})


def contact_details(
    text: str, stored_phones: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Every email address and phone number in ``text``, as (kind, what was found): by
    pattern, and any run of digits that is a stored phone number."""
    found = [("email", m.group(0)) for m in EMAIL.finditer(text)] if "@" in text else []
    numeric, vanity = PHONES[:-1], PHONES[-1]
    for cluster in _clusters(text):
        if _DATE.fullmatch(cluster.group(0)):
            continue
        # One character either side, for the patterns' own look at their neighbours.
        start, end = max(cluster.start() - 1, 0), cluster.end() + 1
        for pattern in numeric:
            found += [
                ("phone", m.group(0))
                for m in pattern.finditer(text, start, end)
                if _is_phone(m.group(0))
            ]
        if stored_phones:
            found += [
                ("phone", m.group(0))
                for m in DIGIT_RUN.finditer(text, start, end)
                if digits(m.group(0)) in stored_phones
            ]
    if _VANITY_HINT.search(text):
        found += [("phone", m.group(0)) for m in vanity.finditer(text) if _is_phone(m.group(0))]
    return found


def _is_phone(candidate: str) -> bool:
    count = len(digits(candidate))
    if candidate.startswith("0"):
        return count >= 9
    return count >= MIN_PHONE_DIGITS or bool(re.search(r"[A-Z]{3}", candidate))


def person_names(names: Iterable[str | None], organisations: Iterable[str | None]) -> list[str]:
    """The contact-name fields that name a person, longest first (for masking).

    A field is a person's name when it has two words or more once titles and
    credentials are removed, and is neither a role nor an organisation of the record.
    """
    known = {_plain(o) for o in organisations if o}
    people = set()
    for name in names:
        if not name or "@" in name or re.search(r"\d", name):
            continue
        if _plain(name) in known or NOT_A_PERSON.search(name):
            continue
        core = " ".join(re.findall(r"[^\W\d_]+\.?", TITLES.sub(" ", name)))
        if len(re.findall(r"[^\W\d_]{2,}", core)) >= 2:
            people.update({" ".join(name.split()), core})
    return sorted(people, key=lambda n: (-len(n), n))


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass
class Scrubber:
    """Masks contact details (by pattern and as stored) and, per trial, contact names."""

    stored_phones: frozenset[str] = frozenset()
    # Stored emails the pattern would not find ("name at host"); the rest it finds.
    stored_emails: frozenset[str] = frozenset()

    @classmethod
    def of(cls, details: Iterable[str | None]) -> Scrubber:
        """A scrubber that also masks ``details``: stored phone numbers and emails."""
        phones, emails = set(), set()
        for detail in details:
            if not detail:
                continue
            if "@" in detail:
                if not EMAIL.fullmatch(detail.strip()):
                    emails.add(detail.strip().lower())
            elif len(number := digits(detail)) >= MIN_PHONE_DIGITS:
                phones.add(number)
        return cls(frozenset(phones), frozenset(emails))

    def text(self, value: str, names: Iterable[str] = ()) -> str:
        scrubbed = value
        if _may_hold_detail(value):
            found = {detail for _, detail in contact_details(value, self.stored_phones)}
            for detail in sorted(found, key=len, reverse=True):
                scrubbed = re.sub(_START + re.escape(detail) + _END, DETAILS_MASK, scrubbed)
        lowered = scrubbed.lower()
        for email in self.stored_emails:
            if email in lowered:
                scrubbed = re.sub(re.escape(email), DETAILS_MASK, scrubbed, flags=re.IGNORECASE)
        # A name is looked for only where its last word is: most text names nobody.
        present = tuple(n for n in names if _last_word(n) in lowered)
        if present:
            scrubbed = _names_pattern(present).sub(NAME_MASK, scrubbed)
        return scrubbed

    def value(self, value: Any, names: Iterable[str] = ()) -> Any:
        """``value`` with every string in it scrubbed: a document, a list, a string."""
        names = tuple(names)
        if isinstance(value, dict | list) and not self._may_hold(value, names):
            return value  # the usual case, found with one look at the whole document
        return self._walk(value, names)

    def _walk(self, value: Any, names: tuple[str, ...]) -> Any:
        if isinstance(value, str):
            return self.text(value, names)
        if isinstance(value, dict):
            return {key: self._walk(item, names) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._walk(item, names) for item in value]
        return value

    def _may_hold(self, value: dict | list, names: tuple[str, ...]) -> bool:
        """Whether anything in ``value`` could be masked: an @, a run of seven digits that
        is not a date, a vanity number's hint, a name's last word."""
        flat = orjson.dumps(value, default=str).decode()
        if _may_hold_detail(flat):
            return True
        lowered = flat.lower()
        return any(_last_word(n) in lowered for n in names)

    @cached_property
    def detail_keys(self) -> frozenset[str]:
        """The stored details as :func:`detail_keys` finds them in text that holds them."""
        keys = {_key(number) for number in self.stored_phones}
        return frozenset(keys | {ANY_EMAIL} if self.stored_emails else keys)

    def stored_in(self, value: Any, keys: Iterable[str]) -> list[str]:
        """Digests of the stored phone numbers, and the stored emails, that ``value`` (with
        ``keys``, its :func:`detail_keys`) holds: what only a stored detail masks in it."""
        keys = set(keys)
        found = sorted(self.detail_keys.intersection(keys) - {ANY_EMAIL})
        if self.stored_emails and ANY_EMAIL in keys:
            lowered = "\n".join(_strings(value)).lower()
            found += sorted(e for e in self.stored_emails if e in lowered)
        return found

    def leaks(self, published: str) -> set[str]:
        """The kinds of contact detail ("email", "phone") still in published text, read as a
        reader would see it (HTML and XML character references resolved)."""
        text = html.unescape(published)
        kinds = {kind for kind, _ in contact_details(text, self.stored_phones)}
        lowered = text.lower()
        if any(email in lowered for email in self.stored_emails):
            kinds.add("email")
        return kinds


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


# The key of any text holding an "@": where a stored email the pattern misses could be.
ANY_EMAIL = _key("@")


def detail_keys(value: Any) -> list[str]:
    """Digests of what a stored detail could be in ``value``'s strings: each run of digits
    long enough for a phone number, and an "@" anywhere. The next run finds, by these,
    every trial whose text holds a detail newly stored (or no longer stored) anywhere."""
    keys = set()
    for text in _strings(value):
        for match in DIGIT_RUN.finditer(text):
            if len(number := digits(match.group(0))) >= MIN_PHONE_DIGITS:
                keys.add(_key(number))
        if "@" in text:
            keys.add(ANY_EMAIL)
    return sorted(keys)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


# The tables that name people (analysts only, never exported publicly), and those of
# them that also store contact details.
PERSON_TABLES = (
    "contacts",
    "trial_officials",
    "trial_result_contacts",
    "trial_responsible_parties",
)
DETAIL_TABLES = ("contacts", "trial_result_contacts")
STORED_DETAILS = " union ".join(
    f"select {column} from main.{table} where {column} is not null"
    for table in DETAIL_TABLES
    for column in ("phone", "email")
)
CHANGED_DETAILS = " union ".join(
    f"select {column} from table_changes('{table}', $start, $end) where {column} is not null"
    for table in DETAIL_TABLES
    for column in ("phone", "email")
)
PEOPLE = """
    with named as (
        select nct_id, list(distinct name) as names from (
            select nct_id, name from main.contacts
            union all
            select nct_id, name from main.trial_officials
            union all
            select nct_id, contact_name from main.trial_result_contacts
            union all
            select nct_id, unnest([investigator_name, old_name_title])
            from main.trial_responsible_parties
        )
        where name is not null and nct_id between $first and $last
        group by nct_id
    ),

    organisations as (
        select nct_id, list(distinct organisation) as organisations from (
            select nct_id, name as organisation from main.sponsors
            union all
            select nct_id, facility from main.trial_sites
        )
        where organisation is not null and nct_id between $first and $last
        group by nct_id
    )

    select named.nct_id, named.names, organisations.organisations
    from named left join organisations using (nct_id)
"""


def warehouse_scrubber(con: duckdb.DuckDBPyConnection) -> Scrubber:
    """A scrubber that also knows every phone number and email stored in ``contacts``."""
    return Scrubber.of(detail for (detail,) in con.execute(STORED_DETAILS).fetchall())


def changed_details(con: duckdb.DuckDBPyConnection, start: int, end: int) -> Scrubber:
    """A scrubber of the phone numbers and emails stored or dropped in the lake's
    snapshots ``start`` to ``end``: what may now be masked, or no longer, anywhere."""
    rows = con.execute(CHANGED_DETAILS, {"start": start, "end": end}).fetchall()
    return Scrubber.of(detail for (detail,) in rows)


def people(con: duckdb.DuckDBPyConnection, first: str, last: str) -> dict[str, tuple[str, ...]]:
    """The person names of each trial's contacts, officials, results' contacts and
    responsible parties, for trials ``first`` to ``last``."""
    rows = con.execute(PEOPLE, {"first": first, "last": last}).fetchall()
    return {
        nct_id: tuple(person_names(names, organisations or ()))
        for nct_id, names, organisations in rows
    }
