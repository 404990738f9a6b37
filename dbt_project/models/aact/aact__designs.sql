-- AACT's designs: how each trial is designed; who is masked, one column each.
with trials as (
    select * from {{ aact_from('trials') }}
),

details as (
    select * from {{ aact_from('trial_details') }}
)

select
    {{ aact_id('design', 'trials.nct_id') }} as id,
    trials.nct_id,
    trials.allocation,
    trials.intervention_model,
    details.observational_model,
    trials.primary_purpose,
    details.time_perspective,
    trials.masking,
    details.masking_description,
    details.intervention_model_description,
    list_contains(details.who_masked, 'PARTICIPANT') as subject_masked,
    list_contains(details.who_masked, 'CARE_PROVIDER') as caregiver_masked,
    list_contains(details.who_masked, 'INVESTIGATOR') as investigator_masked,
    list_contains(details.who_masked, 'OUTCOMES_ASSESSOR') as outcomes_assessor_masked
from trials
inner join details on trials.nct_id = details.nct_id
