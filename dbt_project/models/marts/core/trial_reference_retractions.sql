-- Each retraction of a publication a trial cites (current version).
with retractions as (
    select * from {{ ref('stg_ctgov__retractions') }}
)

select * exclude (content_hash)
from retractions
semi join {{ current_version_keys() }} using (nct_id, content_hash)
