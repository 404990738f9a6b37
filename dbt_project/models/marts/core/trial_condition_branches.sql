-- Each trial's current branches of the MeSH tree, as the registry files its
-- conditions ("All Conditions", which every trial with a condition term has, left out).
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

branches as (
    select branches.*
    from {{ ref('stg_ctgov__condition_branches') }} as branches
    semi join current_versions using (nct_id, content_hash)
    where branches.branch_abbrev <> 'All'
)

select
    nct_id,
    branch_abbrev,
    any_value(branch_name) as branch_name
from branches
group by nct_id, branch_abbrev
