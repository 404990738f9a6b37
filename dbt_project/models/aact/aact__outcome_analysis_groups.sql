-- AACT's outcome_analysis_groups: the groups each analysis compares.
with analyses as (
    select * from {{ aact_from('trial_outcome_analyses') }}
),

compared as (
    select
        nct_id,
        outcome_ordinal,
        ordinal,
        unnest(group_codes) as group_code
    from analyses
)

select
    {{ aact_id('outcome_analysis_group', 'nct_id', 'outcome_ordinal', 'ordinal', 'group_code') }} as id,
    nct_id,
    {{ aact_id('outcome_analysis', 'nct_id', 'outcome_ordinal', 'ordinal') }} as outcome_analysis_id,
    {{ aact_id('outcome_group', 'nct_id', 'outcome_ordinal', 'group_code') }} as result_group_id,
    group_code as ctgov_group_code
from compared
