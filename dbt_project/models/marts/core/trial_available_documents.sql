-- The participant data and documents each trial says are available, and where (current
-- version).
with available_ipds as (
    select * from {{ ref('stg_ctgov__available_ipds') }}
)

select * exclude (content_hash)
from available_ipds
semi join {{ current_version_keys() }} using (nct_id, content_hash)
