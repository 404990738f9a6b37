-- How long each trial takes, by the registry's own dates (meaningful on a warehouse
-- loaded once) and, where the warehouse watched it happen, by its history. Days are
-- counted only between dates of day or month precision, and only toward actual dates
-- where the registry says which (an estimated completion is a plan, not a duration).
with trials as (
    select * from {{ ref('trials') }}
    where {{ only_touched('nct_id') }}
),

status as (
    select * from {{ ref('stg_ctgov__status') }}
),

first_recruiting as (
    select
        nct_id,
        min(valid_from) as first_seen_recruiting
    from {{ ref('recruiting_status') }}
    where level = 'trial' and {{ only_touched('nct_id') }} and status = 'RECRUITING'
    group by nct_id
)

select
    trials.nct_id,
    trials.first_posted_date,
    trials.start_date,
    trials.start_date_precision,
    status.start_date_type,
    trials.primary_completion_date,
    status.primary_completion_date_type,
    trials.completion_date,
    status.completion_date_type,
    first_recruiting.first_seen_recruiting,
    case
        when trials.start_date_precision in ('day', 'month') and status.start_date_type = 'ACTUAL'
            then trials.start_date - trials.first_posted_date
    end as days_first_posted_to_start,
    case
        when
            trials.start_date_precision in ('day', 'month')
            and status.start_date_type = 'ACTUAL'
            and trials.completion_date_precision in ('day', 'month')
            and status.completion_date_type = 'ACTUAL'
            then trials.completion_date - trials.start_date
    end as days_start_to_completion,
    first_recruiting.first_seen_recruiting - trials.first_posted_date as days_first_posted_to_seen_recruiting,
    trials.enrollment_count,
    trials.enrollment_type
from trials
inner join status using (nct_id, content_hash)
left join first_recruiting using (nct_id)
