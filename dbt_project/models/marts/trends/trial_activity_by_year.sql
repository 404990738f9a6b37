-- The long run, every year since 2000, from the registry's own dates (so it means
-- something on a warehouse loaded once), for every segment of int_labelled_trial_segments:
-- trials first posted, starting (by the start date the registry gives, actual or
-- anticipated), actually started, actually completed and underway in the year, and
-- the enrollment of the trials starting in it. A trial is underway from its actual
-- start to its completion date (or its primary completion, or its last update when
-- it gives neither).
--
-- Counted from int_trial_years. A daily build recomputes the segments whose trials'
-- years changed (int_yearly_changes), each whole; when the last load's year moves,
-- every segment.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_windows',
    unique_key=['year', 'dimension', 'segment'],
    windows='int_yearly_changes',
    window_column='year',
    post_hook="{{ acknowledge_ledger(ref('int_trial_years')) }}",
) }}

{#- Referenced here, outside the incremental branch, so dbt always knows it. -#}
{%- set changes = ref('int_yearly_changes') %}

with facts as (
    select * from {{ ref('int_trial_years') }}
    where ledger != 'retired'
),

bounds as (
    select year(max(last_observed_on)) as last_year
    from {{ ref('trials') }}
),

segments_to_count as (
    {% if is_incremental() %}
        select
            dimension,
            segment
        from {{ changes }}
        where (select max(year) from {{ this }}) = (select last_year from bounds)
        union
        select distinct
            dimension,
            segment
        from facts
        where (select max(year) from {{ this }}) is distinct from (select last_year from bounds)
    {% else %}
        select distinct
            dimension,
            segment
        from facts
    {% endif %}
),

counted_facts as (
    select facts.*
    from facts
    semi join segments_to_count using (dimension, segment)
),

-- One row per trial, segment, year and thing that happened to the trial that year.
trial_events as (
    select
        dimension,
        segment,
        first_posted_year as year,
        'first_posted' as event,
        null::integer as enrollment_count
    from counted_facts
    union all
    select
        dimension,
        segment,
        start_year as year,
        'starting' as event,
        enrollment_count
    from counted_facts
    union all
    select
        dimension,
        segment,
        started_year as year,
        'started' as event,
        null as enrollment_count
    from counted_facts
    union all
    select
        dimension,
        segment,
        completed_year as year,
        'completed' as event,
        null as enrollment_count
    from counted_facts
    union all
    select
        counted_facts.dimension,
        counted_facts.segment,
        unnest(generate_series(
            greatest(counted_facts.started_year, 2000), least(counted_facts.underway_until_year, bounds.last_year)
        )) as year,
        'underway' as event,
        null as enrollment_count
    from counted_facts
    cross join bounds
    -- greatest() skips nulls: a trial never actually started is never underway.
    where counted_facts.started_year is not null
),

counted as (
    select
        year,
        dimension,
        segment,
        count(*) filter (where event = 'first_posted') as trials_first_posted,
        count(*) filter (where event = 'starting') as trials_starting,
        count(*) filter (where event = 'started') as trials_started,
        count(*) filter (where event = 'completed') as trials_completed,
        count(*) filter (where event = 'underway') as trials_underway,
        sum(enrollment_count) as enrollment_total,
        median(enrollment_count) as enrollment_median
    from trial_events
    where year between 2000 and (select last_year from bounds)
    group by year, dimension, segment
),

-- Every segment gets every year, so a year without activity is a zero, not a gap.
segment_years as (
    select
        counted_segments.dimension,
        counted_segments.segment,
        unnest(generate_series(2000, bounds.last_year)) as year
    from (
        select distinct
            dimension,
            segment
        from counted_facts
    ) as counted_segments
    cross join bounds
)

select
    segment_years.year::integer as year,
    segment_years.dimension,
    segment_years.segment,
    coalesce(counted.trials_first_posted, 0) as trials_first_posted,
    coalesce(counted.trials_starting, 0) as trials_starting,
    coalesce(counted.trials_started, 0) as trials_started,
    coalesce(counted.trials_completed, 0) as trials_completed,
    coalesce(counted.trials_underway, 0) as trials_underway,
    counted.enrollment_total::bigint as enrollment_total,
    counted.enrollment_median::double as enrollment_median
from segment_years
left join counted using (year, dimension, segment)
