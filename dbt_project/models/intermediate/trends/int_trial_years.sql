-- What each trial adds to trial_activity_by_year, once per segment it counts in: the
-- years it was first posted, starts (actual or anticipated), actually started and
-- actually completed, the year it is underway until (its completion, or primary
-- completion, or last update when it gives neither) and its enrollment. A ledger
-- (macros/trends.sql): recomputed for the trials a build touches, the rows it replaces
-- kept as retired until trial_activity_by_year has counted the change.
{{ config(materialized='incremental', incremental_strategy='ledger', unique_key='nct_id') }}

with trials as (
    select * from {{ ref('trials') }}
    where {{ only_trend_touched('nct_id') }}
),

status as (
    select * from {{ ref('stg_ctgov__status') }}
),

segments as (
    select * from {{ ref('int_labelled_trial_segments') }}
    where {{ only_trend_touched('nct_id') }}
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
)

select
    segments.nct_id,
    segments.dimension,
    segments.segment,
    dated.first_posted_year,
    dated.start_year,
    dated.started_year,
    dated.completed_year,
    dated.underway_until_year,
    dated.enrollment_count,
    'new' as ledger
from dated
inner join segments using (nct_id)
