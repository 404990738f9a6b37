-- AACT's drop_withdrawals: each flow group's count of each reason for leaving, per period.
with participant_flow as (
    select * from {{ aact_from('trial_participant_flow') }}
    where flow_kind = 'drop_withdraw'
)

select
    {{ aact_id('drop_withdrawal', 'nct_id', 'period_ordinal', 'flow_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('result_group', 'nct_id', "'participant_flow'", 'group_code') }} as result_group_id,
    group_code as ctgov_group_code,
    period_title as period,
    flow_type as reason,
    subjects as count,
    flow_comment as drop_withdraw_comment,
    comment as reason_comment,
    units as count_units
from participant_flow
