-- AACT's baseline_counts: each baseline group's participants (or other units) analyzed.
with baseline_counts as (
    select * from {{ aact_from('trial_baseline_counts') }}
)

select
    {{ aact_id('baseline_count', 'nct_id', 'denom_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('result_group', 'nct_id', "'baseline'", 'group_code') }} as result_group_id,
    group_code as ctgov_group_code,
    units,
    'overall' as scope,
    count
from baseline_counts
