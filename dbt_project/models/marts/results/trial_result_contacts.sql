-- Whom to ask about each trial's results.
with result_contacts as (
    select * from {{ ref('stg_ctgov__result_contacts') }}
)

select * exclude (content_hash)
from result_contacts
semi join {{ current_version_keys() }} using (nct_id, content_hash)
