-- Recruiting activity as the warehouse watched it, per day and per week, for every
-- segment of int_labelled_trial_segments: how many trials and trial sites were recruiting
-- (at the end of the period), how many started recruiting and how many stopped in
-- it. The first load is the baseline: what was recruiting then is counted as
-- recruiting, not as opened. A site's country and US state are its own; its other
-- segments are its trial's.
{{ config(materialized='table') }}

with runs as (
    select
        nct_id,
        level,
        site_id,
        valid_from,
        valid_to,
        country,
        state
    from {{ ref('recruiting_status') }}
    where status = 'RECRUITING'
),

segments as (
    select * from {{ ref('int_labelled_trial_segments') }}
),

bounds as (
    select
        min(first_seen) as first_day,
        max(last_observed_on) as last_day
    from {{ ref('int_current_versions') }}
),

-- A trial counts in all its segments; a site in its trial's, except for country and
-- US state, where its own location counts.
run_segments as (
    select
        runs.level,
        runs.valid_from,
        runs.valid_to,
        segments.dimension,
        segments.segment
    from runs
    inner join segments using (nct_id)
    where runs.level = 'trial' or segments.dimension not in ('country', 'us_state')

    union all

    select
        level,
        valid_from,
        valid_to,
        'country' as dimension,
        country as segment
    from runs
    where level = 'site' and country is not null

    union all

    select
        level,
        valid_from,
        valid_to,
        'us_state' as dimension,
        state as segment
    from runs
    where level = 'site' and country = 'United States' and state is not null
),

-- Each run starts on its valid_from and ends on its valid_to (recruiting on days
-- valid_from <= day < valid_to).
events as (
    select
        run_segments.level,
        run_segments.dimension,
        run_segments.segment,
        run_segments.valid_from as day,
        1 as recruiting_delta,
        (run_segments.valid_from > bounds.first_day)::integer as opened,
        0 as closed
    from run_segments
    cross join bounds

    union all

    select
        run_segments.level,
        run_segments.dimension,
        run_segments.segment,
        run_segments.valid_to as day,
        -1 as recruiting_delta,
        0 as opened,
        1 as closed
    from run_segments
    cross join bounds
    where run_segments.valid_to <= bounds.last_day
),

daily_events as (
    select
        dimension,
        segment,
        day,
        sum(recruiting_delta) filter (where level = 'trial') as trials_delta,
        sum(opened) filter (where level = 'trial') as trials_opened,
        sum(closed) filter (where level = 'trial') as trials_closed,
        sum(recruiting_delta) filter (where level = 'site') as sites_delta,
        sum(opened) filter (where level = 'site') as sites_opened,
        sum(closed) filter (where level = 'site') as sites_closed
    from events
    group by dimension, segment, day
),

days as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from bounds
),

-- A segment's days run from its first recruiting to the last load.
active_segments as (
    select
        dimension,
        segment,
        min(valid_from) as first_day
    from run_segments
    group by dimension, segment
),

segment_days as (
    select
        active_segments.dimension,
        active_segments.segment,
        days.day
    from active_segments
    inner join days on active_segments.first_day <= days.day
),

daily as (
    select
        segment_days.dimension,
        segment_days.segment,
        segment_days.day,
        sum(coalesce(daily_events.trials_delta, 0)) over segment_to_date as trials_recruiting,
        coalesce(daily_events.trials_opened, 0) as trials_opened,
        coalesce(daily_events.trials_closed, 0) as trials_closed,
        sum(coalesce(daily_events.sites_delta, 0)) over segment_to_date as sites_recruiting,
        coalesce(daily_events.sites_opened, 0) as sites_opened,
        coalesce(daily_events.sites_closed, 0) as sites_closed
    from segment_days
    left join daily_events using (dimension, segment, day)
    window segment_to_date as (partition by segment_days.dimension, segment_days.segment order by segment_days.day)
),

weekly as (
    select
        dimension,
        segment,
        date_trunc('week', day)::date as period_start,
        max(day) as period_end,
        arg_max(trials_recruiting, day) as trials_recruiting,
        sum(trials_opened) as trials_opened,
        sum(trials_closed) as trials_closed,
        arg_max(sites_recruiting, day) as sites_recruiting,
        sum(sites_opened) as sites_opened,
        sum(sites_closed) as sites_closed
    from daily
    group by dimension, segment, date_trunc('week', day)
),

periods as (
    select
        'day' as period,
        day as period_start,
        day as period_end,
        * exclude (day)
    from daily
    union all by name
    select
        'week' as period,
        *
    from weekly
)

select
    period,
    period_start,
    period_end,
    dimension,
    segment,
    trials_recruiting::bigint as trials_recruiting,
    trials_opened::bigint as trials_opened,
    trials_closed::bigint as trials_closed,
    sites_recruiting::bigint as sites_recruiting,
    sites_opened::bigint as sites_opened,
    sites_closed::bigint as sites_closed
from periods
