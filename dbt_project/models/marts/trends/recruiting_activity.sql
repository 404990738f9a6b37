-- Recruiting activity as the warehouse watched it, per day and per week, for every
-- segment of int_labelled_trial_segments: how many trials and trial sites were recruiting
-- (at the end of the period), how many started recruiting and how many stopped in
-- it. The first load is the baseline: what was recruiting then is counted as
-- recruiting, not as opened, and what stopped before it is not counted. A segment's
-- days run from its first recruiting to the last load.
--
-- Summed from int_recruiting_events. A daily build recomputes each segment from the
-- day after the last one built, or from the first day its events changed
-- (int_recruiting_changes), carrying the recruiting counts of the day before; when the
-- first load's day moves (a backdated dump), everything is recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_windows',
    unique_key=['period', 'period_start', 'dimension', 'segment'],
    windows='int_recruiting_changes',
    window_column='period_start',
    post_hook="{{ acknowledge_ledger(ref('int_recruiting_events')) }}",
) }}

with events as (
    select * from {{ ref('int_recruiting_events') }}
    where ledger != 'retired'
),

changes as (
    select * from {{ ref('int_recruiting_changes') }}
    where period = 'day'
),

bounds as (
    select
        min(first_seen) as first_day,
        max(last_observed_on) as last_day
    from {{ ref('int_current_versions') }}
),

{% if is_incremental() %}
    -- What the table holds: its last day, and its first day (the first load's, as
    -- something recruits on it at any scale worth a daily build).
    built as (
        select
            max(period_start) as last_built,
            min(period_start) as first_built
        from {{ this }}
        where period = 'day'
    ),

    start as (
        select
            coalesce(built.first_built != bounds.first_day, true) as whole,
            case
                when coalesce(built.first_built != bounds.first_day, true) then bounds.first_day
                else built.last_built + 1
            end as start_day
        from built
        cross join bounds
    ),

    built_segments as (
        select
            dimension,
            segment
        from {{ this }}
        where period = 'day' and period_start = (select last_built from built)
    ),
{% else %}
    start as (
        select
            true as whole,
            first_day as start_day
        from bounds
    ),

    built_segments as (
        select
            null::varchar as dimension,
            null::varchar as segment
        where false
    ),
{% endif %}

-- Each segment is recomputed from its first changed day, or the start day if earlier.
segment_starts as (
    select
        listed.dimension,
        listed.segment,
        -- never before the first load: runs the registry dates earlier start on it
        greatest(
            least(coalesce(min(listed.first_day), start.start_day), start.start_day),
            bounds.first_day
        ) as from_day,
        start.whole
    from (
        select
            dimension,
            segment,
            window_start as first_day
        from changes
        union all
        select
            dimension,
            segment,
            null as first_day
        from built_segments
        union all
        select distinct
            dimension,
            segment,
            null as first_day
        from events
        where day >= (select start_day from start)
    ) as listed
    cross join start
    cross join bounds
    group by listed.dimension, listed.segment, start.start_day, start.whole, bounds.first_day
),

-- The recruiting counts on the day before a segment's recomputed days.
carried as (
    {% if is_incremental() %}
        select
            segment_starts.dimension,
            segment_starts.segment,
            built_days.trials_recruiting,
            built_days.sites_recruiting
        from segment_starts
        inner join {{ this }} as built_days
            on
                segment_starts.dimension = built_days.dimension
                and segment_starts.segment = built_days.segment
                and built_days.period = 'day'
                and built_days.period_start = segment_starts.from_day - 1
        where not segment_starts.whole
    {% else %}
        select
            null::varchar as dimension,
            null::varchar as segment,
            0::bigint as trials_recruiting,
            0::bigint as sites_recruiting
        where false
    {% endif %}
),

-- A run the registry dates before the first load counts from the first load's day.
recent_events as (
    select
        events.dimension,
        events.segment,
        events.level,
        greatest(events.day, bounds.first_day) as day,
        events.starts,
        events.ends
    from events
    inner join segment_starts using (dimension, segment)
    cross join bounds
    where
        greatest(events.day, bounds.first_day) >= segment_starts.from_day
        and events.day <= bounds.last_day
        and greatest(events.day, bounds.first_day)
        >= (select min(earliest.from_day) from segment_starts as earliest)
),

daily_events as (
    select
        recent_events.dimension,
        recent_events.segment,
        recent_events.day,
        sum(recent_events.starts - recent_events.ends) filter (where recent_events.level = 'trial') as trials_delta,
        sum(recent_events.starts) filter (
            where recent_events.level = 'trial' and recent_events.day > bounds.first_day
        ) as trials_opened,
        sum(recent_events.ends) filter (
            where recent_events.level = 'trial' and recent_events.day > bounds.first_day
        ) as trials_closed,
        sum(recent_events.starts - recent_events.ends) filter (where recent_events.level = 'site') as sites_delta,
        sum(recent_events.starts) filter (
            where recent_events.level = 'site' and recent_events.day > bounds.first_day
        ) as sites_opened,
        sum(recent_events.ends) filter (
            where recent_events.level = 'site' and recent_events.day > bounds.first_day
        ) as sites_closed
    from recent_events
    cross join bounds
    group by recent_events.dimension, recent_events.segment, recent_events.day
),

-- A segment's days run from its first recruiting (or from its start, when it was
-- already recruiting the day before) to the last load.
first_starts as (
    select
        dimension,
        segment,
        min(day) as first_start
    from recent_events
    where starts > 0
    group by dimension, segment
),

segment_first_days as (
    select
        segment_starts.dimension,
        segment_starts.segment,
        case
            when carried.segment is not null then segment_starts.from_day
            else first_starts.first_start
        end as first_day
    from segment_starts
    left join carried using (dimension, segment)
    left join first_starts using (dimension, segment)
),

segment_days as (
    select
        segment_first_days.dimension,
        segment_first_days.segment,
        unnest(generate_series(segment_first_days.first_day, bounds.last_day, interval 1 day))::date as day
    from segment_first_days
    cross join bounds
    where segment_first_days.first_day is not null
),

daily as (
    select
        segment_days.dimension,
        segment_days.segment,
        segment_days.day,
        coalesce(carried.trials_recruiting, 0)
        + sum(coalesce(daily_events.trials_delta, 0)) over segment_to_date as trials_recruiting,
        coalesce(daily_events.trials_opened, 0) as trials_opened,
        coalesce(daily_events.trials_closed, 0) as trials_closed,
        coalesce(carried.sites_recruiting, 0)
        + sum(coalesce(daily_events.sites_delta, 0)) over segment_to_date as sites_recruiting,
        coalesce(daily_events.sites_opened, 0) as sites_opened,
        coalesce(daily_events.sites_closed, 0) as sites_closed
    from segment_days
    left join daily_events using (dimension, segment, day)
    left join carried using (dimension, segment)
    window segment_to_date as (partition by segment_days.dimension, segment_days.segment order by segment_days.day)
),

-- The days of every week a recomputed day falls in: those recomputed, and the week's
-- earlier days as built.
week_days as (
    select * from daily
    {% if is_incremental() %}
        union all
        select
            built_days.dimension,
            built_days.segment,
            built_days.period_start as day,
            built_days.trials_recruiting,
            built_days.trials_opened,
            built_days.trials_closed,
            built_days.sites_recruiting,
            built_days.sites_opened,
            built_days.sites_closed
        from {{ this }} as built_days
        inner join segment_starts
            on
                built_days.dimension = segment_starts.dimension
                and built_days.segment = segment_starts.segment
        where
            built_days.period = 'day'
            and not segment_starts.whole
            and built_days.period_start >= date_trunc('week', segment_starts.from_day)
            and built_days.period_start < segment_starts.from_day
    {% endif %}
),

recomputed_weeks as (
    select distinct
        dimension,
        segment,
        date_trunc('week', day)::date as period_start
    from daily
),

weekly as (
    select
        week_days.dimension,
        week_days.segment,
        date_trunc('week', week_days.day)::date as period_start,
        max(week_days.day) as period_end,
        arg_max(week_days.trials_recruiting, week_days.day) as trials_recruiting,
        sum(week_days.trials_opened) as trials_opened,
        sum(week_days.trials_closed) as trials_closed,
        arg_max(week_days.sites_recruiting, week_days.day) as sites_recruiting,
        sum(week_days.sites_opened) as sites_opened,
        sum(week_days.sites_closed) as sites_closed
    from week_days
    semi join recomputed_weeks
        on
            week_days.dimension = recomputed_weeks.dimension
            and week_days.segment = recomputed_weeks.segment
            and date_trunc('week', week_days.day) = recomputed_weeks.period_start
    group by week_days.dimension, week_days.segment, date_trunc('week', week_days.day)
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
