"""The search index of a site build, in the build's state folder: the previous build's
index with the trials this run remade or removed put in again, or, for a full build,
made whole from the site state."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.common.output_versions import SEARCH_INDEX
from orchestration.lib.search.index import create, update
from orchestration.lib.site.site_state import SiteState

INDEX = "search.sqlite"
TRIAL_DOCUMENT = "feed/trials/"


@dataclass(frozen=True)
class IndexUpdate:
    full: bool
    entries: int  # trials put in
    removed: int
    trials: int  # in the index afterwards


def changed_trials(paths: Collection[str]) -> set[str]:
    """The trials whose documents a build's run wrote or removed."""
    return {
        p.removeprefix(TRIAL_DOCUMENT).removesuffix(".json")
        for p in paths
        if p.startswith(TRIAL_DOCUMENT) and p.endswith(".json")
    }


def build_index(state: SiteState, previous: Path | None, changed: set[str] | None) -> IndexUpdate:
    """Make ``state``'s index: from ``previous`` (a build's state folder) and the
    ``changed`` trials, or whole when either is missing."""
    target = state.folder / INDEX
    partial = target.with_name(f".{INDEX}.partial")
    source = previous / INDEX if previous is not None else None
    full = changed is None or source is None or _version(source) != SEARCH_INDEX
    if full:
        con = create(partial)
    else:
        shutil.copyfile(source, partial)
        con = sqlite3.connect(partial)
    try:
        # The file goes live only by the rename below: a crash leaves a partial file.
        con.execute("pragma journal_mode = off")
        con.execute("pragma synchronous = off")
        if full:
            entries, removed = state.search_entries(), set()
        else:
            present = set(state.fingerprints(changed))
            entries, removed = state.search_entries(present), changed - present
        put = update(con, entries, removed, fresh=full)
        (trials,) = con.execute("select count(*) from trials").fetchone()
    finally:
        con.close()
    os.replace(partial, target)
    return IndexUpdate(full, put, len(removed), trials)


def _version(index: Path) -> int | None:
    """The version an index was made at (SQLite's user_version), None if there is none."""
    if not index.exists():
        return None
    con = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        return con.execute("pragma user_version").fetchone()[0]
    finally:
        con.close()
