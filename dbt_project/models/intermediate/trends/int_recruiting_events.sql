-- What each trial adds to recruiting_activity: per segment and day, how many of its
-- recruiting runs (the trial's own, and its sites') start and end. A trial counts in
-- all its segments; a site in its trial's, except for country and US state, where its
-- own location counts. A ledger (macros/trends.sql): recomputed for the trials a build
-- touches, the rows it replaces kept as retired until recruiting_activity has counted
-- the change.
{{ config(materialized='incremental', incremental_strategy='ledger', unique_key='nct_id') }}

with runs as (
    select
        nct_id,
        level,
        valid_from,
        valid_to,
        country,
        state
    from {{ ref('recruiting_status') }}
    where status = 'RECRUITING' and {{ only_trend_touched('nct_id') }}
),

segments as (
    select * from {{ ref('int_labelled_trial_segments') }}
    where {{ only_trend_touched('nct_id') }}
),

run_segments as (
    select
        runs.nct_id,
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
        nct_id,
        level,
        valid_from,
        valid_to,
        'country' as dimension,
        country as segment
    from runs
    where level = 'site' and country is not null

    union all

    select
        nct_id,
        level,
        valid_from,
        valid_to,
        'us_state' as dimension,
        state as segment
    from runs
    where level = 'site' and country = 'United States' and state is not null
),

-- A run is recruiting on the days valid_from <= day < valid_to.
run_events as (
    select
        nct_id,
        level,
        dimension,
        segment,
        valid_from as day,
        1 as starts,
        0 as ends
    from run_segments

    union all

    select
        nct_id,
        level,
        dimension,
        segment,
        valid_to as day,
        0 as starts,
        1 as ends
    from run_segments
    where valid_to is not null
)

select
    nct_id,
    level,
    dimension,
    segment,
    day,
    sum(starts)::integer as starts,
    sum(ends)::integer as ends,
    'new' as ledger
from run_events
group by nct_id, level, dimension, segment, day
