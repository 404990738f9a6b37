-- Each baseline value: measure by class, category and group (age, sex, ...), with the
-- measure's units and statistics (current version).
with baseline_measurements as (
    select * from {{ ref('stg_ctgov__baseline_measurements') }}
)

select * exclude (content_hash)
from baseline_measurements
semi join {{ current_version_keys() }} using (nct_id, content_hash)
