-- The long run, every year since 2000, from the registry's own dates (so it means
-- something on a warehouse loaded once), for every segment of int_labelled_trial_segments:
-- trials first posted, starting (by the start date the registry gives, actual or
-- anticipated), actually started, actually completed and underway in the year, and
-- the enrollment of the trials starting in it. A trial is underway from its actual
-- start to its completion date (or its primary completion, or its last update when
-- it gives neither).
{{ config(materialized='table') }}

with trials as (
    select * from {{ ref('trials') }}
),

status as (
    select * from {{ ref('stg_ctgov__status') }}
),

segments as (
    select * from {{ ref('int_labelled_trial_segments') }}
),

bounds as (
    select year(max(last_observed_on)) as last_year
    from trials
),

dated as (
    select
        trials.nct_id,
        year(trials.first_posted_date) as first_posted_year,
        year(trials.start_date) as start_year,
        case when status.start_date_type = 'ACTUAL' then year(trials.start_date) end as started_year,
        case
            when status.completion_date_type = 'ACTUAL' then year(trials.completion_date)
        end as completed_year,
        year(coalesce(
            trials.completion_date, trials.primary_completion_date, trials.last_update_posted_date
        )) as underway_until_year,
        trials.enrollment_count
    from trials
    inner join status using (nct_id, content_hash)
),

-- One row per trial, year and thing that happened to it that year.
trial_events as (
    select
        nct_id,
        first_posted_year as year,
        'first_posted' as event,
        null::integer as enrollment_count
    from dated
    union all
    select
        nct_id,
        start_year as year,
        'starting' as event,
        enrollment_count
    from dated
    union all
    select
        nct_id,
        started_year as year,
        'started' as event,
        null as enrollment_count
    from dated
    union all
    select
        nct_id,
        completed_year as year,
        'completed' as event,
        null as enrollment_count
    from dated
    union all
    select
        dated.nct_id,
        unnest(generate_series(
            greatest(dated.started_year, 2000), least(dated.underway_until_year, bounds.last_year)
        )) as year,
        'underway' as event,
        null as enrollment_count
    from dated
    cross join bounds
    -- greatest() skips nulls: a trial never actually started is never underway.
    where dated.started_year is not null
),

counted as (
    select
        trial_events.year,
        segments.dimension,
        segments.segment,
        count(*) filter (where trial_events.event = 'first_posted') as trials_first_posted,
        count(*) filter (where trial_events.event = 'starting') as trials_starting,
        count(*) filter (where trial_events.event = 'started') as trials_started,
        count(*) filter (where trial_events.event = 'completed') as trials_completed,
        count(*) filter (where trial_events.event = 'underway') as trials_underway,
        sum(trial_events.enrollment_count) as enrollment_total,
        median(trial_events.enrollment_count) as enrollment_median
    from trial_events
    inner join segments using (nct_id)
    where trial_events.year between 2000 and (select last_year from bounds)
    group by trial_events.year, segments.dimension, segments.segment
),

-- Every segment gets every year, so a year without activity is a zero, not a gap.
segment_years as (
    select
        all_segments.dimension,
        all_segments.segment,
        unnest(generate_series(2000, bounds.last_year)) as year
    from (select distinct
        dimension,
        segment
    from segments) as all_segments
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
