-- AACT's participant_flows: the participant flow's notes, one row per trial with one.
with results as (
    select * from {{ aact_from('trial_results') }}
)

select
    {{ aact_id('participant_flow', 'nct_id') }} as id,
    nct_id,
    recruitment_details,
    pre_assignment_details,
    flow_units_analyzed as units_analyzed
from results
where
    recruitment_details is not null
    or pre_assignment_details is not null
    or flow_units_analyzed is not null
