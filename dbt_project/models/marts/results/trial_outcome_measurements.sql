-- Each outcome value: measure by class, category and group (current version).
with outcome_measurements as (
    select * from {{ ref('stg_ctgov__outcome_measurements') }}
)

select * exclude (content_hash)
from outcome_measurements
semi join {{ current_version_keys() }} using (nct_id, content_hash)
