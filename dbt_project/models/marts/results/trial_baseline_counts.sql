-- How many participants (or other units) each baseline group counted (current version).
with baseline_counts as (
    select * from {{ ref('stg_ctgov__baseline_counts') }}
)

select * exclude (content_hash)
from baseline_counts
semi join {{ current_version_keys() }} using (nct_id, content_hash)
