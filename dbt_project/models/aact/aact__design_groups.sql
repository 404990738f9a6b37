-- AACT's design_groups: each arm or group of the protocol.
with arm_groups as (
    select * from {{ aact_from('trial_arm_groups') }}
)

select
    {{ aact_id('design_group', 'nct_id', 'ordinal') }} as id,
    nct_id,
    group_type,
    label as title,
    description
from arm_groups
