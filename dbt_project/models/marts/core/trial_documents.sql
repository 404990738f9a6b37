-- The documents posted with each trial's record: protocol, statistical analysis plan,
-- consent form (current version).
with documents as (
    select * from {{ ref('stg_ctgov__documents') }}
)

select * exclude (content_hash)
from documents
semi join {{ current_version_keys() }} using (nct_id, content_hash)
