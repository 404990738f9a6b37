-- Each statistical analysis of an outcome measure, with the groups it compares (current
-- version).
with outcome_analyses as (
    select * from {{ ref('stg_ctgov__outcome_analyses') }}
)

select * exclude (content_hash)
from outcome_analyses
semi join {{ current_version_keys() }} using (nct_id, content_hash)
