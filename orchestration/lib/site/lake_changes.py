"""The trials whose documents the lake's changes can have moved: the site's map from the
change feed's table changes (lib/common/change_feed.py) to its own keys."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.lib.common.change_feed import Changes
from orchestration.lib.site.feed import READS_BY_TRIAL

RENAMED_TERMS = """
    with changed as (
        select distinct mesh_id from table_changes('conditions', $start, $end)
    )

    select distinct links.nct_id
    from main.trial_condition_terms as links
    inner join changed using (mesh_id)
    left join (select * from main.conditions at (version => {after})) as before using (mesh_id)
    left join main.conditions as after using (mesh_id)
    where before.mesh_term is distinct from after.mesh_term
"""


@dataclass(frozen=True)
class LakeChanges:
    trials: set[str]  # trials with a row changed in a table their documents read
    detail_keys: frozenset[str]  # stored contact details added or removed, as digests


def moved_documents(changes: Changes) -> LakeChanges | None:
    """The trials whose rows moved (a renamed condition term moves every trial listed
    under it), and the stored contact details that came or went, for
    :meth:`SiteState.holding`; None when every document must be made again."""
    trials = changes.trials(READS_BY_TRIAL)
    renamed = changes.rows(RENAMED_TERMS)
    details = changes.details()
    if trials is None or renamed is None or details is None:
        return None
    return LakeChanges(trials | {nct_id for (nct_id,) in renamed}, details.detail_keys)
