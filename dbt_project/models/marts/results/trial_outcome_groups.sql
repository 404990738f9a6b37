-- The groups (OG...) each outcome measure compares (current version).
with outcome_groups as (
    select * from {{ ref('stg_ctgov__outcome_groups') }}
)

select * exclude (content_hash)
from outcome_groups
semi join {{ current_version_keys() }} using (nct_id, content_hash)
