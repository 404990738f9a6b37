-- How many of each group started, reached each milestone and left (by reason), period
-- by period (current version).
with participant_flow as (
    select * from {{ ref('stg_ctgov__participant_flow') }}
)

select * exclude (content_hash)
from participant_flow
semi join {{ current_version_keys() }} using (nct_id, content_hash)
