-- AACT's eligibilities: who may take part in each trial.
with trials as (
    select * from {{ aact_from('trials') }}
),

details as (
    select * from {{ aact_from('trial_details') }}
)

select
    {{ aact_id('eligibility', 'trials.nct_id') }} as id,
    trials.nct_id,
    details.sampling_method,
    trials.sex as gender,
    trials.minimum_age,
    trials.maximum_age,
    trials.healthy_volunteers,
    details.study_population as population,
    details.eligibility_criteria as criteria,
    details.gender_description,
    details.gender_based,
    list_contains(details.std_ages, 'ADULT') as adult,
    list_contains(details.std_ages, 'CHILD') as child,
    list_contains(details.std_ages, 'OLDER_ADULT') as older_adult
from trials
inner join details on trials.nct_id = details.nct_id
