-- AACT's milestones: each flow group's count at each milestone of each period.
with participant_flow as (
    select * from {{ aact_from('trial_participant_flow') }}
    where flow_kind = 'milestone'
)

select
    {{ aact_id('milestone', 'nct_id', 'period_ordinal', 'flow_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('result_group', 'nct_id', "'participant_flow'", 'group_code') }} as result_group_id,
    group_code as ctgov_group_code,
    flow_type as title,
    period_title as period,
    comment as description,
    subjects as count,
    flow_comment as milestone_description,
    units as count_units
from participant_flow
