"""What each subscriber should hear, from the published warehouse.

An event is a change to a followed trial: one per ``trial_changes`` row that was news
when the warehouse first observed it, on or after the day the sign-up was confirmed
(history filled in later is not news), dated by the registry. Or a trial first seen
on or after that day for a followed condition, matched by MeSH id or term with its
descendants (a sign-up for "Leukemia" hears of an acute myeloid leukemia trial) or by
the registrant's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from orchestration.lib.alerts.subscriptions import Subscription
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import people, warehouse_scrubber


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str  # trial_changed | new_trial
    subscription: Subscription
    nct_id: str
    title: str
    day: date
    text: str
    topic: str | None = None  # the followed condition, as the digest names it


def find_events(lake: Lake, subscriptions: list[Subscription]) -> list[Event]:
    """Every event for each subscription, its words through the privacy scrubber."""
    with lake.connect() as con:
        titles = dict(con.execute("select nct_id, brief_title from main.trials").fetchall())
        first_seen = dict(con.execute("select nct_id, first_seen from main.trials").fetchall())
        scrubber = warehouse_scrubber(con)
        terms = dict(con.execute("select mesh_id, mesh_term from main.conditions").fetchall())
        events = []
        for sub in subscriptions:
            since = sub.since.date()
            if sub.nct_id:
                changes = con.execute(
                    """
                    select change_id, changed_on, sentence from main.trial_changes
                    where nct_id = ? and is_news and observed_on >= ?
                    order by changed_on, category, field, item_key
                    """,
                    [sub.nct_id, since],
                ).fetchall()
                events += [
                    Event(
                        f"change:{cid}",
                        "trial_changed",
                        sub,
                        sub.nct_id,
                        titles.get(sub.nct_id, sub.nct_id),
                        day,
                        text,
                    )
                    for cid, day, text in changes
                ]
            else:
                condition = terms.get(sub.condition or "", sub.condition)
                for (nct_id,) in con.execute(CONDITION_TRIALS, [sub.condition] * 3).fetchall():
                    if first_seen[nct_id] >= since:
                        events.append(
                            Event(
                                f"new:{nct_id}",
                                "new_trial",
                                sub,
                                nct_id,
                                titles[nct_id],
                                first_seen[nct_id],
                                f"A new trial for {condition}: {titles[nct_id]}",
                                condition,
                            )
                        )
        names: dict[str, tuple[str, ...]] = {}
        for nct_id in sorted({e.nct_id for e in events}):
            names.update(people(con, nct_id, nct_id))
    return [
        replace(
            e,
            title=scrubber.text(e.title, names.get(e.nct_id, ())),
            text=scrubber.text(e.text, names.get(e.nct_id, ())),
        )
        for e in events
    ]


# Trials for a condition: its MeSH term or any descendant (trial_condition_terms lists
# each trial under its terms' ancestors too), or the registrant's own wording.
CONDITION_TRIALS = """
    select distinct terms.nct_id
    from main.trial_condition_terms as terms join main.conditions using (mesh_id)
    where conditions.mesh_id = upper(trim(?)) or lower(conditions.mesh_term) = lower(trim(?))
    union
    select nct_id from main.trial_conditions
    where lower(trim(condition_name)) = lower(trim(?))
    order by 1
"""


def known_conditions(lake: Lake) -> set[str]:
    """Every condition a sign-up may name, in lower case: MeSH terms and registrant wordings."""
    with lake.connect() as con:
        rows = con.execute(
            "select lower(mesh_term) from main.conditions"
            " union select lower(trim(condition_name)) from main.trial_conditions"
        ).fetchall()
    return {name for (name,) in rows if name}
