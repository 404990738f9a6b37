"""Which trials' documents the lake's commits since a snapshot can have moved, read from
the lake's own change feed (``table_changes``): the cost follows the change."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.lib.common.lake import changed_trials
from orchestration.lib.common.privacy import changed_details
from orchestration.lib.site.feed import READS_BY_TRIAL

RENAMED_TERMS = """
    with changed as (
        select distinct mesh_id from table_changes('conditions', $start, $end)
    )

    select distinct links.nct_id
    from main.trial_condition_terms as links
    inner join changed using (mesh_id)
    left join (select * from main.conditions at (version => {before})) as before using (mesh_id)
    left join main.conditions as after using (mesh_id)
    where before.mesh_term is distinct from after.mesh_term
"""


@dataclass(frozen=True)
class LakeChanges:
    trials: set[str]  # trials with a row changed in a table their documents read
    detail_keys: frozenset[str]  # stored contact details added or removed, as digests


def changes_since(con: duckdb.DuckDBPyConnection, snapshot: int, now: int) -> LakeChanges:
    """What the lake's commits after ``snapshot``, up to ``now``, changed: the trials
    whose rows moved (a renamed condition term moves every trial listed under it), and
    the stored contact details that came or went, for :meth:`SiteState.holding`."""
    if snapshot >= now:
        return LakeChanges(set(), frozenset())
    window = {"start": int(snapshot) + 1, "end": now}
    trials = changed_trials(con, READS_BY_TRIAL, window["start"], now)
    renamed = con.execute(RENAMED_TERMS.format(before=int(snapshot)), window).fetchall()
    trials.update(nct_id for (nct_id,) in renamed)
    details = changed_details(con, window["start"], now)
    return LakeChanges(trials, details.detail_keys)
