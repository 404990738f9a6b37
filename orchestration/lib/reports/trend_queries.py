"""The questions the notebooks ask the warehouse, as plain functions.

The trend marts hold one segment at a time (a condition, or a country); a dashboard
filters on several at once, so these queries go back to the runs in
``recruiting_status`` and the current trials. Filters are parameters, never spliced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import duckdb
import polars as pl

NO_PHASE = "No phase given"  # as int_trial_segments labels a trial without phases

# The trials a filter keeps: each filter left empty keeps them all.
_CHOSEN = f"""
    chosen as (
        select nct_id
        from main.trials
        where not is_removed
            and ($condition is null or nct_id in (
                select terms.nct_id
                from main.trial_condition_terms as terms
                inner join main.conditions using (mesh_id)
                where conditions.mesh_term = $condition
            ))
            and ($phase is null or coalesce(phase, '{NO_PHASE}') = $phase)
            and ($country is null or nct_id in (
                select nct_id from main.trial_sites where country = $country
            ))
    )
"""


@dataclass(frozen=True)
class TrendFilter:
    condition: str | None = None  # a MeSH term; its narrower terms count too
    phase: str | None = None  # as trials.phase shows it, or NO_PHASE
    country: str | None = None  # trials with a site there; only those sites count
    start: date | None = None
    stop: date | None = None

    def parameters(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key not in ("start", "stop")}


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What each filter can be set to, and the days the warehouse has watched."""

    def values(sql: str) -> list[str]:
        return [value for (value,) in con.execute(sql).fetchall()]

    first_day, last_day = watched_days(con)
    return {
        "conditions": values(
            "select distinct mesh_term from main.conditions where trial_count > 1 order by 1"
        ),
        "phases": values(
            f"select distinct coalesce(phase, '{NO_PHASE}') from main.trials order by 1"
        ),
        "countries": values(
            "select distinct country from main.trial_sites where country is not null order by 1"
        ),
        "first_day": first_day,
        "last_day": last_day,
    }


def watched_days(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    """The first and the last day the warehouse loaded."""
    # fetchall, not fetchone: DuckDB refuses more work on a connection with rows unread.
    (days,) = con.execute(
        "select min(first_seen), max(last_observed_on) from main.trials"
    ).fetchall()
    return days


def recruiting_by_day(con: duckdb.DuckDBPyConnection, chosen: TrendFilter) -> pl.DataFrame:
    """Trials and trial sites recruiting on each day from ``start`` to ``stop``."""
    first_day, last_day = watched_days(con)
    start, stop = chosen.start or first_day, chosen.stop or last_day
    return _frame(
        con,
        f"""
        with {_CHOSEN},

        days as (
            select unnest(generate_series($start::date, $stop::date, interval 1 day))::date as day
        ),

        runs as (
            select status.*
            from main.recruiting_status as status
            semi join chosen using (nct_id)
            where status.status = 'RECRUITING'
                and (status.level = 'trial' or $country is null or status.country = $country)
        )

        select
            days.day,
            count(runs.level) filter (where runs.level = 'trial') as trials_recruiting,
            count(runs.level) filter (where runs.level = 'site') as sites_recruiting
        from days
        left join runs
            on runs.valid_from <= days.day and (runs.valid_to > days.day or runs.valid_to is null)
        group by days.day
        order by days.day
        """,
        {**chosen.parameters(), "start": start, "stop": stop},
    )


def trials_by_year(con: duckdb.DuckDBPyConnection, chosen: TrendFilter) -> pl.DataFrame:
    """Trials first posted, actually started and actually completed each year since 2000."""
    return _frame(
        con,
        f"""
        with {_CHOSEN},

        dated as (
            select
                year(trials.first_posted_date) as first_posted,
                case when status.start_date_type = 'ACTUAL' then year(trials.start_date) end
                    as started,
                case when status.completion_date_type = 'ACTUAL'
                    then year(trials.completion_date) end as completed
            from main.trials
            semi join chosen using (nct_id)
            inner join main.trial_durations as status using (nct_id)
        )

        select
            years.year,
            count(*) filter (where dated.first_posted = years.year) as first_posted,
            count(*) filter (where dated.started = years.year) as started,
            count(*) filter (where dated.completed = years.year) as completed
        from (
            select unnest(generate_series(2000, year($stop::date))) as year
        ) as years
        cross join dated
        group by years.year
        order by years.year
        """,
        {**chosen.parameters(), "stop": chosen.stop or watched_days(con)[1]},
    )


def recruiting_trials(con: duckdb.DuckDBPyConnection, chosen: TrendFilter) -> pl.DataFrame:
    """The trials recruiting now that the filter keeps, newest first."""
    return _frame(
        con,
        f"""
        with {_CHOSEN}

        select
            trials.nct_id,
            trials.brief_title,
            trials.phase,
            trials.lead_sponsor_name,
            trials.first_posted_date,
            count(sites.site_id) as sites_recruiting
        from main.trials
        semi join chosen using (nct_id)
        left join main.recruiting_status as sites
            on
                trials.nct_id = sites.nct_id
                and sites.level = 'site'
                and sites.is_current
                and sites.status = 'RECRUITING'
                and ($country is null or sites.country = $country)
        where trials.overall_status = 'RECRUITING'
        group by all
        order by trials.first_posted_date desc nulls last, trials.nct_id
        """,
        chosen.parameters(),
    )


def _frame(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, Any]) -> pl.DataFrame:
    return con.sql(sql, params=parameters).pl()
