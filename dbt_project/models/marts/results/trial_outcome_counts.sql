-- How many participants (or other units) each outcome measure analyzed per group
-- (current version).
with outcome_counts as (
    select * from {{ ref('stg_ctgov__outcome_counts') }}
)

select * exclude (content_hash)
from outcome_counts
semi join {{ current_version_keys() }} using (nct_id, content_hash)
