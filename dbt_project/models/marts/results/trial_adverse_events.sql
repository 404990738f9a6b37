-- Each serious and other adverse event term, with how many in each group it affected,
-- how often, and of how many at risk (current version).
with adverse_events as (
    select * from {{ ref('stg_ctgov__adverse_events') }}
)

select * exclude (content_hash)
from adverse_events
semi join {{ current_version_keys() }} using (nct_id, content_hash)
