-- resultsSection: per study version with results, what the results say of themselves
-- besides the tables: the participant flow's and the baseline's notes, the adverse
-- events' time frame and threshold, and the limitations and the investigators'
-- agreement with the sponsor (moreInfoModule). Its point of contact is in
-- stg_ctgov__result_contacts.
with modules as (
    select * from {{ ref('stg_ctgov__study_modules') }}
)

select
    nct_id,
    content_hash,
    participant_flow_module ->> 'recruitmentDetails' as recruitment_details,
    participant_flow_module ->> 'preAssignmentDetails' as pre_assignment_details,
    participant_flow_module ->> 'typeUnitsAnalyzed' as flow_units_analyzed,
    baseline_module ->> 'populationDescription' as baseline_population,
    baseline_module ->> 'typeUnitsAnalyzed' as baseline_units_analyzed,
    adverse_events_module ->> 'timeFrame' as events_time_frame,
    adverse_events_module ->> 'description' as events_description,
    try_cast(adverse_events_module ->> 'frequencyThreshold' as double) as events_frequency_threshold,
    adverse_events_module ->> 'allCauseMortalityComment' as all_cause_mortality_comment,
    more_info_module ->> '$.limitationsAndCaveats.description' as limitations_and_caveats,
    (more_info_module ->> '$.certainAgreement.piSponsorEmployee')::boolean as pi_sponsor_employee,
    more_info_module ->> '$.certainAgreement.restrictionType' as restriction_type,
    (more_info_module ->> '$.certainAgreement.restrictiveAgreement')::boolean as restrictive_agreement,
    more_info_module ->> '$.certainAgreement.otherDetails' as agreement_other_details
from modules
where
    participant_flow_module is not null
    or baseline_module is not null
    or outcome_measures_module is not null
    or adverse_events_module is not null
    or more_info_module is not null
