"""Bring a build's feed level with the published warehouse, doing only what moved.

A build starts as a copy of the live one (lib/site/builds.py) with the live build's
site state (lib/site/site_state.py). The trials whose documents may have moved are
those with a row changed in the lake since the snapshot the live build read
(lib/site/lake_changes.py), and those whose text holds a contact detail newly stored,
or no longer stored, anywhere. Each of those is read again and fingerprinted; only a
trial whose fingerprint moved is written, scrubbed and worded again. Condition
documents are remade for the conditions of the trials that moved, and the indexes
from the state's rows. Nothing else of the site is read.

The whole feed is made again (a full build) when there is no live state, the documents'
version (lib/common/output_versions.py) or the writer that words them changed (the feed
stamp), the lake cannot say what changed since (its snapshot is gone), or a full build
is asked for (the weekly reconcile, ``make rebuild``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import duckdb
import orjson

from orchestration.lib.common.change_feed import Cursor, since
from orchestration.lib.common.output_versions import DOCUMENTS
from orchestration.lib.common.privacy import warehouse_scrubber
from orchestration.lib.site.feed import (
    SCHEMA_VERSION,
    TrialDocument,
    canonical_json,
    trial_documents,
)
from orchestration.lib.site.lake_changes import moved_documents
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import Writer, readability_grade
from orchestration.lib.site.site_state import SiteState

# Summaries graded in a full build: a median over this many is within a few hundredths
# of a grade of the whole site's, and grading each of 600,000 would take ten minutes.
# A daily build grades every summary it rewords.
GRADED_SAMPLE = 20_000


@dataclass(frozen=True)
class FeedUpdate:
    full: bool
    snapshot: int  # the lake snapshot read
    trials: int  # trials in the feed
    remade: int  # trials whose fingerprint moved
    written: int  # trial documents whose bytes changed or that were removed
    conditions: int  # condition documents written or removed


def feed_stamp(writer: Writer) -> str:
    """What every document depends on besides its trial: the documents' version and the
    writer that words them."""
    made_by = (DOCUMENTS, SCHEMA_VERSION, type(writer).__name__, getattr(writer, "model", None))
    return hashlib.blake2b(repr(made_by).encode(), digest_size=16).hexdigest()


def update_feed(
    con: duckdb.DuckDBPyConnection,
    writer: Writer,
    output: SiteOutput,
    base: SiteState | None,
    target: SiteState,
    full: bool = False,
) -> FeedUpdate:
    """Write this build's feed into ``output`` and its state into ``target``, from the lake
    open on ``con`` and the state ``base`` of the build it started from."""
    scrubber = warehouse_scrubber(con)
    stamp = feed_stamp(writer)
    meta = base.meta() if base is not None else None
    cursor = Cursor(meta["snapshot"], meta["feed_stamp"]) if meta and not full else None
    changes = since(con, cursor, stamp)
    snapshot = changes.now
    only = known = None
    moved = moved_documents(changes)
    if moved is not None and base is not None:
        only = moved.trials | base.holding(moved.detail_keys)
        known = base.fingerprints(only)
    full = only is None
    share = 1.0
    if full:
        count = con.execute("select count(*) from main.trials").fetchall()[0][0]
        share = min(1.0, GRADED_SAMPLE / max(count, 1))
    rows, seen, written = target.made(), set(), set()
    for made in trial_documents(con, writer, scrubber, only=only, known=known):
        seen.add(made.nct_id)
        if made.document is None:
            continue
        if output.write(f"feed/trials/{made.nct_id}.json", canonical_json(made.document)):
            written.add(made.nct_id)
        rows.add(state_row(made, share))
    had = (base.ids() if meta is not None else set()) if full else (only or set())
    removed = had - seen
    for nct_id in sorted(removed):
        output.remove(f"feed/trials/{nct_id}.json")
    target.write(
        None if full else base,
        rows,
        removed,
        meta={"snapshot": snapshot, "feed_stamp": stamp, "full": full},
    )
    before = len(output.written) + len(output.removed)
    _write_conditions(
        output, target, None if full else _moved_slugs(base, target, written | removed)
    )
    _write_indexes(output, target)
    if full:
        output.remove_stale("feed")
    return FeedUpdate(
        full=full,
        snapshot=snapshot,
        trials=len(target.ids()),
        remade=len(rows.ids),
        written=len(written | removed),
        conditions=len(output.written) + len(output.removed) - before,
    )


def _moved_slugs(base: SiteState | None, target: SiteState, moved: set[str]) -> set[str]:
    """The conditions the ``moved`` trials were or are listed under."""
    return (base.slugs(moved) if base is not None else set()) | target.slugs(moved)


def state_row(made: TrialDocument, share: float) -> dict[str, Any]:
    """A made document's row of the site state; its summary graded with chance ``share``."""
    document = made.document
    assert document is not None
    status = document["status"]
    history = document["history"]
    graded = share >= 1.0 or int(made.nct_id[3:]) % round(1 / share) == 0
    return {
        "nct_id": made.nct_id,
        "fingerprint": made.fingerprint,
        "detail_keys": made.detail_keys,
        "terms": [
            {key: term[key] for key in ("slug", "mesh_id", "term")}
            for term in document["conditions"]["normalized"]
        ],
        "branches": document["conditions"]["branches"],
        "path": document["path"],
        "last_updated": history["last_updated"],
        "listing": _json(
            {
                "nct_id": made.nct_id,
                "title": document["title"],
                "status": status,
                "phase": document["phase"],
                "first_seen": history["first_seen"],
                "last_updated": history["last_updated"],
            }
        ),
        "search": _json(search_entry(document)),
        "recruiting": _json(
            {
                "path": document["path"],
                "title": document["plain"]["title"],
                "nct_id": made.nct_id,
                "phase": document["phase"],
            }
        )
        if status["code"] == "RECRUITING"
        else None,
        "grade": readability_grade(document["plain"]["summary"]) if graded else None,
    }


def search_entry(trial: dict[str, Any]) -> dict[str, Any]:
    """What search needs of a trial (lib/search/index.py): its words, what the filters
    read, and each site's place, geocode and status."""
    eligibility, conditions = trial["eligibility"], trial["conditions"]
    return {
        "nct_id": trial["nct_id"],
        "title": trial["plain"]["title"],
        "registry_title": trial["title"],
        "path": trial["path"],
        "status": trial["status"]["code"],
        "phase": trial["phase"],
        "study_type": trial["study_type"],
        "first_seen": trial["history"]["first_seen"],
        "last_updated": trial["history"]["last_updated"],
        "conditions": conditions["as_listed"],
        "terms": [c["term"] for c in conditions["normalized"]],
        "broader": conditions["broader"],
        "interventions": [i["name"] for i in trial["interventions"] if i["name"]],
        "sex": eligibility["sex"],
        "minimum_age": eligibility["minimum_age"],
        "maximum_age": eligibility["maximum_age"],
        "healthy_volunteers": eligibility["healthy_volunteers"],
        "sites": [
            [
                s["latitude"],
                s["longitude"],
                s["status"]["code"],
                s["city"],
                s["state"],
                s["country"],
            ]
            for s in trial["sites"]
        ],
    }


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _write_conditions(output: SiteOutput, state: SiteState, slugs: set[str] | None) -> None:
    """The documents of ``slugs`` (every condition when None): remade from the state's
    listings, removed when no trial is listed under one any more."""
    listed = set()
    for term, trials in state.listings(slugs):
        listed.add(term["slug"])
        document = {
            "schema_version": SCHEMA_VERSION,
            **term,
            "path": f"conditions/{term['slug']}.html",
            "trials": trials,
        }
        output.write(f"feed/conditions/{term['slug']}.json", canonical_json(document))
    for slug in sorted((slugs or set()) - listed):
        output.remove(f"feed/conditions/{slug}.json")


def _write_indexes(output: SiteOutput, state: SiteState) -> None:
    """The condition index, from the state's rows. (The search index is no longer a
    file of the feed: search is the web service's, lib/search/.)"""
    conditions = [
        {key: c[key] for key in ("slug", "term", "mesh_id", "trial_count")}
        for c in state.conditions()
    ]
    output.write("feed/conditions.json", canonical_json(conditions))
    output.remove("feed/search-index.json")  # retired (docs/site-feed.schema.json)
