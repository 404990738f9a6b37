-- AACT's calculated_values: figures AACT derives from each trial's record, computed as
-- AACT documents them (durations and delays in whole months).
with trials as (
    select * from {{ aact_from('trials') }}
),

details as (
    select * from {{ aact_from('trial_details') }}
),

facilities as (
    select
        nct_id,
        count(*) as facilities,
        bool_or(country = 'United States') as has_us_facility
    from {{ aact_from('trial_sites') }}
    group by nct_id
),

event_subjects as (
    select
        nct_id,
        sum(other_affected) as nsae_subjects,
        sum(serious_affected) as sae_subjects
    from {{ aact_from('trial_result_groups') }}
    where result_type = 'adverse_events'
    group by nct_id
),

planned_outcomes as (
    select
        nct_id,
        count(*) filter (where outcome_type = 'primary') as primary_outcomes,
        count(*) filter (where outcome_type = 'secondary') as secondary_outcomes,
        count(*) filter (where outcome_type = 'other') as other_outcomes
    from {{ aact_from('trial_outcomes') }}
    group by nct_id
),

-- "18 Years": the number and the unit, as AACT splits them
ages as (
    select
        nct_id,
        try_cast(regexp_extract(minimum_age, '^\s*(\d+)\s+\w+', 1) as integer) as minimum_number,
        nullif(regexp_extract(minimum_age, '^\s*\d+\s+(\w+)', 1), '') as minimum_unit,
        try_cast(regexp_extract(maximum_age, '^\s*(\d+)\s+\w+', 1) as integer) as maximum_number,
        nullif(regexp_extract(maximum_age, '^\s*\d+\s+(\w+)', 1), '') as maximum_unit
    from trials
)

select
    {{ aact_id('calculated_values', 'trials.nct_id') }} as id,
    trials.nct_id,
    coalesce(facilities.facilities, 0) as number_of_facilities,
    event_subjects.nsae_subjects as number_of_nsae_subjects,
    event_subjects.sae_subjects as number_of_sae_subjects,
    year(details.first_submitted_date) as registered_in_calendar_year,
    details.version_holder_date as nlm_download_date,
    case
        when details.primary_completion_date_type = 'ACTUAL'
            then datediff('month', trials.start_date, trials.primary_completion_date)
    end as actual_duration,
    trials.has_results as were_results_reported,
    datediff('month', trials.primary_completion_date, details.results_first_submitted_date) as months_to_report_results,
    coalesce(facilities.has_us_facility, false) as has_us_facility,
    facilities.facilities = 1 as has_single_facility,
    ages.minimum_number as minimum_age_num,
    ages.maximum_number as maximum_age_num,
    ages.minimum_unit as minimum_age_unit,
    ages.maximum_unit as maximum_age_unit,
    coalesce(planned_outcomes.primary_outcomes, 0) as number_of_primary_outcomes_to_measure,
    coalesce(planned_outcomes.secondary_outcomes, 0) as number_of_secondary_outcomes_to_measure,
    coalesce(planned_outcomes.other_outcomes, 0) as number_of_other_outcomes_to_measure
from trials
inner join details on trials.nct_id = details.nct_id
inner join ages on trials.nct_id = ages.nct_id
left join facilities on trials.nct_id = facilities.nct_id
left join event_subjects on trials.nct_id = event_subjects.nct_id
left join planned_outcomes on trials.nct_id = planned_outcomes.nct_id
