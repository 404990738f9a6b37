-- Each outcome measure of each trial's results, with what it measured and how (current
-- version).
with outcome_measures as (
    select * from {{ ref('stg_ctgov__outcome_measures') }}
)

select * exclude (content_hash)
from outcome_measures
semi join {{ current_version_keys() }} using (nct_id, content_hash)
