-- AACT's outcome_counts: each outcome measure's participants (or other units) analyzed per group.
with outcome_counts as (
    select * from {{ aact_from('trial_outcome_counts') }}
)

select
    {{ aact_id('outcome_count', 'nct_id', 'outcome_ordinal', 'denom_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('outcome', 'nct_id', 'outcome_ordinal') }} as outcome_id,
    {{ aact_id('outcome_group', 'nct_id', 'outcome_ordinal', 'group_code') }} as result_group_id,
    group_code as ctgov_group_code,
    'overall' as scope,
    units,
    count
from outcome_counts
