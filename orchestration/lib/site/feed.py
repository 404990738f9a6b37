"""The page feed: one JSON document per trial and per condition, from the warehouse.

A document holds everything a trial page shows, in the schema documented in
``docs/site-feed.schema.json`` (``schema_version`` 1). The static pages are rendered
from these documents, and a web front end can read them instead. Contacts appear only
as masked placeholders; every document passes through the privacy scrubber
(``lib/common/privacy.py``), which masks contact details and the trial's contact
persons' names wherever the registry's text holds them, and what a language model
wrote with them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import orjson

from orchestration.lib.common.labels import day_label, label
from orchestration.lib.common.lake import cursor
from orchestration.lib.common.privacy import PERSON_TABLES, Scrubber, detail_keys, people
from orchestration.lib.common.query_rows import stream_rows
from orchestration.lib.common.safe_names import is_mesh_id
from orchestration.lib.site.plain_language import Writer
from orchestration.lib.site.timeline import timeline

SCHEMA_VERSION = 1
REGISTRY_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
RECENT_CHANGES = 10
MASKED_CONTACT = "Contact details are on the registry record"

# Trials are read a batch of ids at a time: sorting each table whole at once held
# every table's sorted rows in memory together, past the read cap at 600,000 trials.
# A build that remakes a few trials reads only theirs: ``{only}`` is where they are chosen.
TRIALS_PER_READ = 25_000
# In the connection's own in-memory database, which its cursors share (a temp table is
# one cursor's alone).
WANTED = "memory.main.wanted_trials"
ID_RANGES = """
    select min(nct_id), max(nct_id)
    from (select nct_id, (row_number() over (order by nct_id) - 1) // $size as batch
          from main.trials where {only})
    group by batch
    order by batch
"""
TRIALS = """
    select t.*, o.measure as primary_outcome
    from main.trials as t
    left join main.trial_outcomes as o
        on t.nct_id = o.nct_id and o.outcome_type = 'primary' and o.ordinal = 1
    where t.nct_id between $first and $last and {only}
    order by t.nct_id
"""
CONDITIONS_AS_LISTED = """
    select nct_id, condition_name from main.trial_conditions
    where nct_id between $first and $last and {only}
    order by nct_id, ordinal
"""
# The trial's MeSH terms, and the broader terms above them (which search matches too).
CONDITION_TERMS = """
    select t.nct_id, c.mesh_id, c.mesh_term, t.relation
    from main.trial_condition_terms as t join main.conditions as c using (mesh_id)
    where t.relation in ('direct', 'ancestor') and t.nct_id between $first and $last and {only}
    order by t.nct_id, c.mesh_term, c.mesh_id, t.relation
"""
BRANCHES = """
    select nct_id, branch_abbrev, branch_name from main.trial_condition_branches
    where nct_id between $first and $last and {only}
    order by nct_id, branch_abbrev
"""
INTERVENTIONS = """
    select nct_id, intervention_type, name, description
    from main.interventions
    where nct_id between $first and $last and {only}
    order by nct_id, ordinal
"""
SITES = """
    select nct_id, facility, city, state, zip, country, site_status, latitude, longitude
    from main.trial_sites
    where nct_id between $first and $last and {only}
    order by nct_id, ordinal
"""
CENTRAL_CONTACT_ROLES = """
    select nct_id, role as contact_role from main.contacts
    where location_ordinal is null and nct_id between $first and $last and {only}
    order by nct_id, ordinal
"""
CHANGES = """
    select nct_id, changed_on, sentence, field, old_value, new_value
    from main.trial_changes
    where nct_id between $first and $last and {only}
    order by nct_id, changed_on desc, category, field, item_key
"""
# Every table a trial's document reads, by nct_id (with the people the scrubber masks,
# told from sponsors and sites); ``conditions`` is read by MeSH id, for its terms.
READS_BY_TRIAL = (
    "trials",
    "trial_outcomes",
    "trial_conditions",
    "trial_condition_terms",
    "trial_condition_branches",
    "interventions",
    "trial_sites",
    *PERSON_TABLES,
    "trial_changes",
    "sponsors",
)


def slug(text: str) -> str:
    """A stable, URL-safe name: "Leukemia, Myeloid, Acute" -> "leukemia-myeloid-acute"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "condition"


def header_line(
    first_seen: date, last_changed: date, update_count: int, first_posted: date | None = None
) -> str:
    """The page's history line; ``first_posted`` when the history is complete, so the
    count is every update since first posting, not since first seen."""
    times = "time" if update_count == 1 else "times"
    since = (
        f"First posted {day_label(first_posted)}"
        if first_posted
        else (f"First seen {day_label(first_seen)}")
    )
    return f"{since} · Last updated {day_label(last_changed)} · Updated {update_count} {times}"


@dataclass(frozen=True)
class TrialDocument:
    """A trial's document, or None when its fingerprint is the one already known."""

    nct_id: str
    fingerprint: str
    detail_keys: list[str]
    document: dict[str, Any] | None


def trial_documents(
    con: duckdb.DuckDBPyConnection,
    writer: Writer,
    scrubber: Scrubber,
    per_read: int = TRIALS_PER_READ,
    only: Collection[str] | None = None,
    known: Mapping[str, str] | None = None,
) -> Iterator[TrialDocument]:
    """Each trial's document (or ``only`` those trials'), in ``nct_id`` order, from the
    published warehouse open on ``con``; a trial whose fingerprint is in ``known`` comes
    without its document, which is neither written nor scrubbed.

    Trials are read ``per_read`` ids at a time, and within a batch every query is read
    in ``nct_id`` order and walked in step with the trials: memory holds one batch's
    sorted rows, not the registry's sites and changes.
    """
    if only is not None:
        con.execute(
            f"create or replace table {WANTED} as select unnest($ids::varchar[]) as nct_id",
            {"ids": sorted(only)},
        )
    wanted = only is not None
    ranges = con.execute(_scoped(ID_RANGES, wanted), {"size": per_read}).fetchall()
    for first, last in ranges:
        ids = {"first": first, "last": last}
        yield from _batch_documents(con, ids, wanted, writer, scrubber, known or {})


def _scoped(sql: str, wanted: bool, column: str = "nct_id") -> str:
    """``sql`` for every trial, or for the wanted ones only."""
    return sql.format(only=f"{column} in (select nct_id from {WANTED})" if wanted else "true")


def _batch_documents(
    con: duckdb.DuckDBPyConnection,
    ids: dict[str, str],
    wanted: bool,
    writer: Writer,
    scrubber: Scrubber,
    known: Mapping[str, str],
) -> Iterator[TrialDocument]:
    """A batch's documents, each through the privacy scrubber with its contacts' names."""
    names = people(con, ids["first"], ids["last"])

    def aligned(sql: str, column: str = "nct_id") -> _AlignedRows:
        return _AlignedRows(con, _scoped(sql, wanted, column), ids)

    listed, terms = aligned(CONDITIONS_AS_LISTED), aligned(CONDITION_TERMS, "t.nct_id")
    branches = aligned(BRANCHES)
    interventions, sites = aligned(INTERVENTIONS), aligned(SITES)
    contact_roles, changes = aligned(CENTRAL_CONTACT_ROLES), aligned(CHANGES)
    for trial in stream_rows(cursor(con), _scoped(TRIALS, wanted, "t.nct_id"), ids):
        nct_id = trial["nct_id"]
        facts = {
            **trial,
            "conditions_as_listed": [c["condition_name"] for c in listed.of(nct_id)],
            "branches": [
                {"abbrev": b["branch_abbrev"], "name": b["branch_name"]}
                for b in branches.of(nct_id)
            ],
            "interventions": [
                {
                    "type": i["intervention_type"],
                    "name": i["name"],
                    "description": i["description"],
                }
                for i in interventions.of(nct_id)
            ],
        }
        read = [
            facts,
            terms.of(nct_id),
            sites.of(nct_id),
            contact_roles.of(nct_id),
            changes.of(nct_id),
            names.get(nct_id, ()),
        ]
        keys = detail_keys(read)
        # What the scrubber masks in the trial is part of what its document is made from.
        fingerprint = _digest([read, scrubber.stored_in(read, keys)])
        if known.get(nct_id) == fingerprint:
            yield TrialDocument(nct_id, fingerprint, keys, None)
            continue
        plain = writer.write(facts).as_dict()
        document = _trial_document(facts, plain, *read[1:5])
        scrubbed = printable(scrubber.value(document, read[5]))
        yield TrialDocument(nct_id, fingerprint, keys, scrubbed)


def _digest(value: Any) -> str:
    data = orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# Characters XML 1.0 cannot hold, which registry text sometimes does (a vertical tab
# pasted from a word processor): left in, one would make an Atom feed unreadable.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def printable(value: Any) -> Any:
    """``value`` with every string in it stripped of characters XML cannot hold."""
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def canonical_json(document: Any) -> bytes:
    """A document's bytes: sorted keys, so the same document is always the same file."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2, default=str)


def _trial_document(
    trial: dict[str, Any],
    plain: dict[str, Any],
    terms: list[dict],
    sites: list[dict],
    contact_roles: list[dict],
    changes: list[dict],
) -> dict[str, Any]:
    nct_id = trial["nct_id"]
    return {
        "schema_version": SCHEMA_VERSION,
        "nct_id": nct_id,
        "path": f"trials/{nct_id}.html",
        "registry_url": REGISTRY_STUDY_URL.format(nct_id=nct_id),
        "title": trial["brief_title"],
        "official_title": trial["official_title"],
        "plain": plain,
        "status": {"code": trial["overall_status"], "label": label(trial["overall_status"])},
        "phase": trial["phase"],
        "study_type": trial["study_type"],
        "enrollment": {"count": trial["enrollment_count"], "type": trial["enrollment_type"]},
        "history": {
            "first_seen": trial["first_seen"].isoformat(),
            "last_updated": trial["last_changed"].isoformat(),
            "update_count": trial["update_count"],
            "complete": trial["history_complete"],
            "header_line": header_line(
                trial["first_seen"],
                trial["last_changed"],
                trial["update_count"],
                trial["first_posted_date"] if trial["history_complete"] else None,
            ),
        },
        "eligibility": {
            "sex": trial["sex"],
            "minimum_age": trial["minimum_age"],
            "maximum_age": trial["maximum_age"],
            "healthy_volunteers": trial["healthy_volunteers"],
        },
        "conditions": {
            "normalized": [
                {
                    "mesh_id": t["mesh_id"],
                    "term": t["mesh_term"],
                    # the MeSH id keeps two terms that read alike apart
                    "slug": f"{slug(t['mesh_term'])}-{t['mesh_id'].lower()}",
                }
                for t in terms
                # A MeSH id names a file: one that is not an id is left off the page.
                if is_mesh_id(t["mesh_id"]) and t["relation"] == "direct"
            ],
            "broader": sorted({t["mesh_term"] for t in terms if t["relation"] == "ancestor"}),
            "branches": trial["branches"],
            "as_listed": trial["conditions_as_listed"],
        },
        "interventions": trial["interventions"],
        "sites": [
            {
                "facility": s["facility"],
                "city": s["city"],
                "state": s["state"],
                "zip": s["zip"],
                "country": s["country"],
                "latitude": s["latitude"],
                "longitude": s["longitude"],
                "status": {"code": s["site_status"], "label": label(s["site_status"])},
                "contact": MASKED_CONTACT,
            }
            for s in sites
        ],
        "contacts": [
            {
                "role": (c["contact_role"] or "CONTACT").replace("_", " ").capitalize(),
                "details": MASKED_CONTACT,
            }
            for c in contact_roles
        ],
        "recent_changes": [
            {"date": c["changed_on"].isoformat(), "sentence": c["sentence"]}
            for c in changes[:RECENT_CHANGES]
        ],
        "timeline": timeline(changes),
        "is_removed": trial["is_removed"],
    }


class _AlignedRows:
    """A query's rows in ``nct_id`` order, handed out one trial at a time.

    Trials are asked for in ascending order; rows of ids never asked for (there are
    none in a consistent warehouse) are passed over.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, str]
    ) -> None:
        self._rows = stream_rows(cursor(con), sql, parameters)
        self._next = next(self._rows, None)

    def of(self, nct_id: str) -> list[dict[str, Any]]:
        while self._next is not None and self._next["nct_id"] < nct_id:
            self._next = next(self._rows, None)
        found = []
        while self._next is not None and self._next["nct_id"] == nct_id:
            found.append(self._next)
            self._next = next(self._rows, None)
        return found
