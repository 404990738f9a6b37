-- Who oversees each trial (a data monitoring committee, the FDA) and whether its
-- participants' data will be shared (current version).
with oversight as (
    select * from {{ ref('stg_ctgov__oversight') }}
)

select * exclude (content_hash)
from oversight
semi join {{ current_version_keys() }} using (nct_id, content_hash)
