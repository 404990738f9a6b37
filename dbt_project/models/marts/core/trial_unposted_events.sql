-- What happened to each trial's results submitted but not yet posted (current version).
with unposted_events as (
    select * from {{ ref('stg_ctgov__unposted_events') }}
)

select * exclude (content_hash)
from unposted_events
semi join {{ current_version_keys() }} using (nct_id, content_hash)
