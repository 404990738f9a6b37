-- AACT's result_groups: every group of the results, with AACT's result types. An
-- outcome measure's groups are its own (each outcome measure lists them again).
with result_groups as (
    select * from {{ aact_from('trial_result_groups') }}
),

outcome_groups as (
    select * from {{ aact_from('trial_outcome_groups') }}
)

select
    {{ aact_id('result_group', 'nct_id', 'result_type', 'group_code') }} as id,
    nct_id,
    group_code as ctgov_group_code,
    case result_type
        when 'participant_flow' then 'Participant Flow'
        when 'baseline' then 'Baseline'
        when 'adverse_events' then 'Reported Event'
    end as result_type,
    title,
    description
from result_groups
union all
select
    {{ aact_id('outcome_group', 'nct_id', 'outcome_ordinal', 'group_code') }} as id,
    nct_id,
    group_code as ctgov_group_code,
    'Outcome' as result_type,
    title,
    description
from outcome_groups
