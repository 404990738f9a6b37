"""What the weekly report says, read from the published warehouse.

The report covers the week up to the warehouse's last load (``as_of``) and what changed
since the previous report (or the seven days before, for the first). Every figure is
a query over the trend, history and quality marts, with dates passed as parameters;
the numbers it headlines are kept (``headline``) so the next report can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from orchestration.lib.common.labels import label
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import people, warehouse_scrubber
from orchestration.lib.common.query_rows import rows
from orchestration.lib.reports.trend_queries import watched_days

NEWEST_TRIALS = 10
MOST_FOLLOWED = 10
MIN_FOLLOWERS_SHOWN = 5
TOP_SEGMENTS = 8
# A trial not yet recruiting this long after its planned start has probably stalled.
STALLED_AFTER_DAYS = 365


@dataclass(frozen=True)
class ReportFacts:
    as_of: date
    since: date  # the previous report's date, or a week before as_of
    headline: dict[str, int]
    previous_headline: dict[str, int] | None
    transitions: list[dict[str, Any]]  # status changes between since and as_of
    changes_by_category: list[dict[str, Any]]
    newest_recruiting: list[dict[str, Any]]
    # Chart data: rows for Altair.
    weekly_recruiting: list[dict[str, Any]]
    conditions_recruiting: list[dict[str, Any]]
    countries_recruiting: list[dict[str, Any]]
    yearly: list[dict[str, Any]]
    quality: dict[str, Any]
    # Sign-ups for email updates: totals, and the most followed trials and conditions.
    audience: dict[str, int]
    most_followed: list[dict[str, Any]]


def last_load(lake: Lake) -> date:
    with lake.connect() as con:
        _, day = watched_days(con)
    if day is None:
        raise ValueError(f"the lake at {lake.shown} holds no trials: nothing to report on")
    return day


def gather(lake: Lake, as_of: date, previous: tuple[date, dict[str, int]] | None) -> ReportFacts:
    """Everything the report shows for ``as_of``, given the previous report's date and headline."""
    since = previous[0] if previous else as_of - timedelta(days=7)
    with lake.connect() as con:
        headline = rows(
            con,
            """
            select
                count(*) filter (where not is_removed) as trials,
                count(*) filter (where overall_status = 'RECRUITING' and not is_removed)
                    as trials_recruiting,
                (select count(*) from main.recruiting_status
                 where level = 'site' and is_current and status = 'RECRUITING') as sites_recruiting,
                count(*) filter (where first_seen > ? and first_seen <= ?) as trials_new,
                count(*) filter (where last_changed > ? and last_changed <= ? and update_count > 0)
                    as trials_changed
            from main.trials
            """,
            [since, as_of, since, as_of],
        )[0]
        transitions = rows(
            con,
            """
            select from_status, to_status, trials
            from status_transitions(?, ?)
            where from_status <> to_status and to_status <> 'NOT_YET_SEEN'
            order by trials desc, from_status, to_status
            """,
            [since, as_of],
        )
        for row in transitions:
            row["from_label"] = label(row["from_status"])
            row["to_label"] = label(row["to_status"])
        changes_by_category = rows(
            con,
            """
            select category, count(*) as changes, count(distinct nct_id) as trials
            from main.trial_changes
            where changed_on > ? and changed_on <= ?
            group by category
            order by changes desc, category
            """,
            [since, as_of],
        )
        newest = rows(
            con,
            """
            select nct_id, brief_title, phase, lead_sponsor_name, first_posted_date, first_seen,
                (select count(*) from main.recruiting_status as s
                 where s.nct_id = t.nct_id and s.level = 'site' and s.is_current
                    and s.status = 'RECRUITING') as sites_recruiting
            from main.trials as t
            where overall_status = 'RECRUITING' and not is_removed
            order by first_posted_date desc nulls last, nct_id
            limit ?
            """,
            [NEWEST_TRIALS],
        )
        weekly = rows(
            con,
            """
            select period_start as week, trials_recruiting, trials_opened, trials_closed,
                sites_recruiting, sites_opened, sites_closed
            from main.recruiting_activity
            where period = 'week' and dimension = 'all' and period_start > ? - interval 1 year
            order by week
            """,
            [as_of],
        )
        conditions = _top_segments(con, "condition", as_of)
        countries = _top_segments(con, "country", as_of)
        yearly = rows(
            con,
            """
            select year, trials_first_posted, trials_started, trials_completed, trials_underway
            from main.trial_activity_by_year
            where dimension = 'all'
            order by year
            """,
        )
        # The report is published: its registry text goes through the privacy scrubber.
        scrubber = warehouse_scrubber(con)
        newest = [
            scrubber.value(row, people(con, row["nct_id"], row["nct_id"]).get(row["nct_id"], ()))
            for row in newest
        ]
        quality = scrubber.value(_quality(con, since, as_of))
        audience, followed = _audience(con)
        followed = [
            scrubber.value(row, people(con, row["nct_id"], row["nct_id"]).get(row["nct_id"], ()))
            if row["nct_id"]
            else row
            for row in followed
        ]
    return ReportFacts(
        as_of=as_of,
        since=since,
        headline={key: int(value) for key, value in headline.items()},
        previous_headline=previous[1] if previous else None,
        transitions=transitions,
        changes_by_category=changes_by_category,
        newest_recruiting=newest,
        weekly_recruiting=weekly,
        conditions_recruiting=conditions,
        countries_recruiting=countries,
        yearly=yearly,
        quality=quality,
        audience=audience,
        most_followed=followed,
    )


def _audience(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Sign-up counts (never addresses): totals, and the trials and MeSH conditions most
    followed, each by enough people that its count says nothing of one of them. A
    registrant's own wording of a condition is never shown: it is what they typed."""
    totals = rows(
        con,
        """
        select coalesce(sum(following), 0) as following, coalesce(sum(pending), 0) as pending,
            coalesce(sum(unsubscribed), 0) as unsubscribed,
            count(*) filter (where following > 0) as topics
        from main.subscriptions_by_topic
        """,
    )[0]
    followed = rows(
        con,
        """
        select s.topic_kind, s.nct_id, coalesce(t.brief_title, s.condition) as name,
            s.following, s.pending
        from main.subscriptions_by_topic as s left join main.trials as t using (nct_id)
        where s.following >= ? and s.topic_kind in ('trial', 'condition')
        order by s.following desc, s.topic
        limit ?
        """,
        [MIN_FOLLOWERS_SHOWN, MOST_FOLLOWED],
    )
    return {key: int(value) for key, value in totals.items()}, followed


def _top_segments(
    con: duckdb.DuckDBPyConnection, dimension: str, as_of: date
) -> list[dict[str, Any]]:
    """The segments with the most recruiting on the last day, with their counts."""
    return rows(
        con,
        """
        select segment, trials_recruiting, sites_recruiting, trials_opened, sites_opened
        from main.recruiting_activity
        where period = 'day' and dimension = ? and period_start = ?
            -- Broad MeSH branches ("Diseases") say nothing; keep terms a patient would use.
            and (dimension <> 'condition' or segment not in (
                select mesh_term from main.conditions
                where trial_count > 0.25 * (select count(*) from main.trials)
            ))
        order by trials_recruiting desc, sites_recruiting desc, segment
        limit ?
        """,
        [dimension, as_of, TOP_SEGMENTS],
    )


def _quality(con: duckdb.DuckDBPyConnection, since: date, as_of: date) -> dict[str, Any]:
    counts = rows(
        con,
        """
        select
            (select count(*) from main.quarantine) as quarantined,
            (select count(*) from main.quarantine
             where quarantined_at::date > ? and quarantined_at::date <= ?) as quarantined_new,
            (select count(*) from main.trials where overall_status = 'UNKNOWN' and not is_removed)
                as status_unknown,
            (select count(*) from main.trials
             where overall_status = 'NOT_YET_RECRUITING' and not is_removed
                and start_date < ? - to_days(?)) as stalled,
            (select count(*) from main.load_batches where status <> 'succeeded') as unfinished_loads
        """,
        [since, as_of, as_of, STALLED_AFTER_DAYS],
    )[0]
    issues = rows(
        con,
        """
        select issue, count(*) as occurrences, count(distinct nct_id) as trials
        from main.load_issues
        group by issue
        order by occurrences desc, issue
        limit 10
        """,
    )
    return {**{key: int(value) for key, value in counts.items()}, "issues": issues}
