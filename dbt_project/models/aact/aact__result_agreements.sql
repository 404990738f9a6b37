-- AACT's result_agreements: the investigators' agreement with the sponsor on publishing.
with results as (
    select * from {{ aact_from('trial_results') }}
)

select
    {{ aact_id('result_agreement', 'nct_id') }} as id,
    nct_id,
    case when pi_sponsor_employee then 'Yes' when not pi_sponsor_employee then 'No' end as pi_employee,
    -- API v2 gives the agreement's text as otherDetails: AACT's agreement and other_details both
    agreement_other_details as agreement,
    restriction_type,
    agreement_other_details as other_details,
    case when restrictive_agreement then 'Yes' when not restrictive_agreement then 'No' end as restrictive_agreement
from results
where pi_sponsor_employee is not null or restriction_type is not null or agreement_other_details is not null
